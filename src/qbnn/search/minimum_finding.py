"""Durr-Hoyer minimum finding, written once: raise the threshold past the incumbent, BBHT until a find, repeat.

Shared by plain minimum finding (:class:`~qbnn.search.strategies.BestAccuracy`)
and block training (:class:`~qbnn.search.block.BlockCoordinate`), which differ
only in how they record a measurement and in their budget.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from qbnn.search.schedules import bbht_ceilings

if TYPE_CHECKING:
    from qbnn.engines.protocol import Amplification
    from qbnn.problem import TrainingProblem

__all__ = ["durr_hoyer"]


def durr_hoyer(
    problem: TrainingProblem,
    prepare: Callable[[TrainingProblem], Amplification],
    rng: np.random.Generator,
    *,
    best_correct: Callable[[], int],
    fits: Callable[[int], bool],
    measure: Callable[[Amplification, int, int], None],
    growth: float,
) -> None:
    """Run rounds until every point is correct, a round finds nothing better, or a step no longer ``fits``.

    Each round prepares ``problem.with_target(best + 1)`` with ``prepare`` (strategies pass the
    engine object's own :meth:`~qbnn.engines.protocol.Amplification.with_problem`, so noise, memory
    limits and compiled circuits carry over) and takes BBHT steps: k uniform below a growing ceiling, ``measure(raised, k,
    target)``, until ``best_correct()`` rises. ``fits(k)`` says whether a step of k iterations is still
    within the budget.
    """
    points, total = problem.data.num_points, problem.num_configurations
    while best_correct() < points and fits(0):
        target = best_correct() + 1
        raised = prepare(problem.with_target(target))
        improved = False
        for top in bbht_ceilings(growth, total):
            k = int(rng.integers(0, top))
            if not fits(k):
                break
            before = best_correct()
            measure(raised, k, target)
            if best_correct() > before:
                improved = True
                break
        if not improved:
            return
