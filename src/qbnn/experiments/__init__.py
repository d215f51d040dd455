"""The paper's experiments (figures 3-6 and its stated numbers), one function each."""

from qbnn.experiments.paper import ReproduceSettings

__all__ = ["ReproduceSettings"]
