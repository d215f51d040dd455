"""The analytic engine: distributions from the exact landscape and the sin^2 law.

No circuit is run: M good configurations share sin^2((2k+1) theta) equally
and the rest share the remainder (amplitude amplification keeps amplitudes
uniform within the good and the bad set). For scale studies and as a check.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from qbnn.engines.amplitude import success_probability
from qbnn.engines.protocol import Amplification

if TYPE_CHECKING:
    from qbnn.problem import TrainingProblem

__all__ = ["AnalyticEngine", "AnalyticAmplification"]


class AnalyticAmplification(Amplification):
    engine_name = "analytic"

    def with_problem(self, problem: TrainingProblem) -> AnalyticAmplification:
        return AnalyticAmplification(problem)

    def _compute_distribution(self, k: int) -> np.ndarray:
        good = self.problem.good_mask
        total = good.size
        m = int(np.count_nonzero(good))
        if m in (0, total):
            return np.full(total, 1.0 / total)
        p = success_probability(m, total, k)
        return np.where(good, p / m, (1.0 - p) / (total - m))

    def success_probability(self, k: int) -> float:
        m = self.problem.num_solutions
        total = self.problem.num_configurations
        return 1.0 if m == total else 0.0 if m == 0 else success_probability(m, total, k)


class AnalyticEngine:
    """Engine ``analytic``: exact landscape + sin^2 law, no circuit simulation."""

    name = "analytic"

    def prepare(self, problem: TrainingProblem) -> AnalyticAmplification:
        return AnalyticAmplification(problem)
