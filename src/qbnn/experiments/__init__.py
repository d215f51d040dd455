"""Experiments: the paper's figures 3-6 and stated numbers (:mod:`.paper`), and the real-data demo (:mod:`.demo`)."""

from qbnn.experiments.paper import ReproduceSettings

__all__ = ["ReproduceSettings"]
