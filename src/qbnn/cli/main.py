"""The ``qbnn`` command: a thin layer over the library, one module per subcommand.

``main(argv)`` is a plain function (testable without a subprocess); user
mistakes print one line ``qbnn: error: ...`` and exit 2, never a traceback.
"""

from __future__ import annotations

import signal
import sys
from typing import Annotated

import typer
from typer.exceptions import TyperException

from qbnn.cli.amplify import amplify_command
from qbnn.cli.count import count_command
from qbnn.cli.crossover import crossover_command
from qbnn.cli.circuit import circuit_command
from qbnn.cli.demo import demo_command
from qbnn.cli.landscape import landscape_command
from qbnn.cli.noise_study import noise_study_command
from qbnn.cli.options import CLI_FLAGS
from qbnn.cli.reproduce import reproduce_command
from qbnn.cli.resources import resources_command
from qbnn.cli.train import train_command
from qbnn.errors import QbnnError

app = typer.Typer(
    name="qbnn",
    help="Train and meta-train binary neural networks by quantum amplitude amplification (Fawaz et al., KDD 2019).",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)



def _print_version(value: bool) -> None:
    if value:
        from qbnn import __version__

        print(f"qbnn {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print the qbnn version and exit."),
    ] = False,
) -> None:
    """Train and meta-train binary neural networks by quantum amplitude amplification.

    Shell completion: qbnn --install-completion (bash, zsh, fish, PowerShell), or --show-completion to see it.
    """


app.command("landscape")(landscape_command)
app.command("circuit")(circuit_command)
app.command("resources")(resources_command)
app.command("amplify")(amplify_command)
app.command("noise-study")(noise_study_command)
app.command("count")(count_command)
app.command("train")(train_command)
app.command("reproduce")(reproduce_command)
app.command("demo")(demo_command)
app.command("crossover")(crossover_command)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI with ``argv`` (default ``sys.argv[1:]``); returns the exit code."""
    command = typer.main.get_command(app)
    try:
        code = command.main(args=argv, prog_name="qbnn", standalone_mode=False)
    except typer.Exit as exc:
        return int(getattr(exc, "exit_code", 0) or 0)
    except typer.Abort:
        print("qbnn: aborted", file=sys.stderr)
        return 130
    except TyperException as exc:  # usage errors: bad option, missing value, bad choice
        if type(exc).__name__ == "NoArgsIsHelpError" and getattr(exc, "ctx", None) is not None:
            print(exc.ctx.get_help())
            return 0
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        ctx = getattr(exc, "ctx", None)
        where = f"qbnn {ctx.info_name}" if ctx is not None and ctx.parent is not None else "qbnn"
        if "\n" in message or not message:
            message = "no subcommand given" if not message else message.splitlines()[0]
        print(f"qbnn: error: {message} (see '{where} --help')", file=sys.stderr)
        return int(getattr(exc, "exit_code", 2) or 2)
    except QbnnError as exc:
        print(f"qbnn: error: {exc.render(CLI_FLAGS)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("qbnn: interrupted", file=sys.stderr)
        return 130
    if code == 130:  # typer turns Ctrl-C inside a command into exit code 130, silently
        print("qbnn: interrupted", file=sys.stderr)
        return 130
    return code if isinstance(code, int) else 0  # click returns typer.Exit's code in non-standalone mode


def run() -> None:
    """Console-script entry point; once the command is done, a late Ctrl-C cannot interrupt the clean-up."""
    code = main()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # e.g. Dask's atexit shutdown of a local cluster
    sys.exit(code)
