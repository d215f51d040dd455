"""Search by amplitude amplification: strategies, the training loop and their exact statistics.

Problem -> strategy -> result: a :class:`~qbnn.problem.TrainingProblem`,
a strategy object with ``run(amplification, rng, budget, progress)``, and
one :class:`TrainingResult` that the CLI prints and the report reads.
"""

from qbnn.search.result import Progress, SearchTrace, TrainingResult
from qbnn.search.statistics import (
    bbht_success_cdf,
    fixed_k_success_probability,
    minimum_finding_success_probability,
    paper_schedule_success_cdf,
)
from qbnn.search.block import BlockCoordinate
from qbnn.search.strategies import BBHT, STRATEGY_NAMES, BestAccuracy, FixedK, PaperSchedule, Strategy
from qbnn.search.training import default_budget, make_strategy, train

__all__ = [
    "TrainingResult",
    "SearchTrace",
    "Progress",
    "Strategy",
    "FixedK",
    "PaperSchedule",
    "BBHT",
    "BestAccuracy",
    "BlockCoordinate",
    "STRATEGY_NAMES",
    "make_strategy",
    "default_budget",
    "train",
    "fixed_k_success_probability",
    "paper_schedule_success_cdf",
    "bbht_success_cdf",
    "minimum_finding_success_probability",
]
