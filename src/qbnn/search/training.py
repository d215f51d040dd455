"""``train``: run any strategy against a prepared engine with a seeded Generator."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from qbnn.errors import QbnnError
from qbnn.search.result import Progress, TrainingResult
from qbnn.search.strategies import Strategy, make_strategy

if TYPE_CHECKING:
    from qbnn.engines.protocol import Amplification
    from qbnn.problem import TrainingProblem

__all__ = ["default_budget", "train"]


def default_budget(num_configurations: int) -> int:
    """Default oracle-call budget: 20 sqrt(N) + 50, several times what BBHT needs for one solution."""
    return int(20 * math.ceil(math.sqrt(num_configurations)) + 50)


def train(
    problem: TrainingProblem,
    strategy: str | Strategy = "bbht",
    *,
    engine: str | Amplification = "structured",
    seed: int | None = 0,
    max_oracle_calls: int | None = None,
    k: int | None = None,
    progress: Progress | None = None,
) -> TrainingResult:
    """Search ``problem`` by amplitude amplification; same seed, same result.

    ``strategy`` is a name (``paper``, ``bbht``, ``fixed`` with ``k``, ``best``,
    ``block``) or a strategy object (e.g. :class:`~qbnn.search.block.BlockCoordinate`); ``engine`` is an engine name or an already prepared
    :class:`Amplification` (reuse one across many seeds: distributions are
    cached per k).

    >>> from qbnn.problem import TrainingProblem
    >>> result = train(TrainingProblem.paper(1), "paper", seed=1)
    >>> result.success, result.correct, result.points
    (True, 8, 8)
    """
    if isinstance(strategy, str):
        strategy = make_strategy(strategy, k)
    budget = default_budget(problem.num_configurations) if max_oracle_calls is None else int(max_oracle_calls)
    if budget < 1:
        raise QbnnError("{max_oracle_calls} must be at least 1", max_oracle_calls=max_oracle_calls)
    if seed is not None and seed < 0:
        raise QbnnError("{seed} must be a whole number >= 0", seed=seed)
    prepare = getattr(strategy, "prepare", None)  # a strategy that compiles its own circuits (block training)
    if prepare is not None:
        amplification = prepare(problem, engine)
    elif isinstance(engine, str):
        from qbnn.engines.registry import get_engine

        amplification = get_engine(engine).prepare(problem)
    else:
        amplification = engine
    trace = strategy.run(amplification, np.random.default_rng(seed), budget, progress)
    return trace.to_result(strategy.name, amplification.engine_name, seed)
