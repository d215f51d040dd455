"""Steepest-ascent single-flip local search on the number of correct points, with seeded random restarts.

Unit of work (:mod:`qbnn.baselines.result`): one forward pass is the network
on every training point once, so checking one configuration costs 1 and one
neighbourhood scan over the f free parameters costs f. All f single-flip
neighbours are evaluated at once (one batched numpy forward pass,
:meth:`Network.correct_counts`); the climber moves to the best strictly
improving flip (ties broken at random) and restarts from a fresh random
configuration at a local optimum, until the target is met (by a configuration
not in ``problem.exclude``), the forward-pass budget is spent, or ``time_limit`` passes.
"""

from __future__ import annotations

import math
import time

import numpy as np

from qbnn.baselines.result import ClassicalTraining, check_time_limit, configuration_of, free_and_fixed, make_result
from qbnn.errors import QbnnError
from qbnn.problem import TrainingProblem

__all__ = ["train_local_search", "default_budget"]

METHOD = "local-search"


def default_budget(problem: TrainingProblem) -> int:
    """20 sqrt(N) + 50 forward passes over the N free configurations (the quantum default's scale), at most 100000."""
    bits = problem.num_parameters if problem.condition is not None else problem.network.num_parameters
    if bits >= 64:
        return 100_000
    return int(min(100_000, math.ceil(20 * math.sqrt(2.0**bits) + 50)))


def _random_start(problem: TrainingProblem, free: np.ndarray, base: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``base`` with every free parameter drawn uniformly (weights ±1, connections 0/1)."""
    vector = base.copy()
    bits = rng.integers(0, 2, size=len(free))
    is_weight = free < problem.network.num_weights
    vector[free] = np.where(is_weight, 2 * bits - 1, bits)
    return vector


def _flipped(problem: TrainingProblem, vector: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """One row per position: ``vector`` with that parameter flipped (weight -w, connection 1-c)."""
    rows = np.repeat(vector[None, :], len(positions), axis=0)
    index = np.arange(len(positions))
    current = rows[index, positions]
    is_weight = positions < problem.network.num_weights
    rows[index, positions] = np.where(is_weight, -current, 1 - current)
    return rows


def train_local_search(
    problem: TrainingProblem,
    *,
    seed: int | None = 0,
    time_limit: float | None = None,
    max_forward_passes: int | None = None,
) -> ClassicalTraining:
    """Best configuration found by steepest-ascent single-flip search with random restarts (see the module doc)."""
    started = time.perf_counter()
    limit = check_time_limit(time_limit)
    budget = default_budget(problem) if max_forward_passes is None else int(max_forward_passes)
    if budget < 1:
        raise QbnnError("{max_forward_passes} must be at least 1", max_forward_passes=max_forward_passes)
    rng = np.random.default_rng(seed)
    network, X, y = problem.network, problem.data.X, np.asarray(problem.data.y)
    free, base = free_and_fixed(problem)
    excluded = set(problem.exclude)

    def admissible(vector: np.ndarray) -> bool:
        return not excluded or configuration_of(problem, vector) not in excluded

    spent, restarts = 0, 0
    best, best_correct = base.copy(), -1
    while spent < budget and best_correct < problem.target:
        if limit is not None and time.perf_counter() - started > limit:
            break
        current = _random_start(problem, free, base, rng)
        score = int(network.correct_counts(current, X, y)[0])
        spent += 1
        restarts += 1
        while True:
            if admissible(current) and score > best_correct:
                best, best_correct = current.copy(), score
            if best_correct >= problem.target or spent >= budget:
                break
            if limit is not None and time.perf_counter() - started > limit:
                break
            positions = rng.permutation(free)[: budget - spent]  # a partial scan if the budget is nearly spent
            scores = network.correct_counts(_flipped(problem, current, positions), X, y)
            spent += len(positions)
            top = int(scores.max())
            if top <= score:
                break  # a local optimum (or a partial scan found nothing better): restart
            choice = positions[rng.choice(np.flatnonzero(scores == top))]
            current = _flipped(problem, current, np.array([choice]))[0]
            score = top
    settings = {"max_forward_passes": budget, "restarts": restarts, "moves": "steepest single flip"}
    return make_result(problem, METHOD, best, forward_passes=spent, started=started, seed=seed, settings=settings)
