"""``python -m qbnn``: the same command line as ``qbnn``."""

from qbnn.cli.main import run

if __name__ == "__main__":
    run()
