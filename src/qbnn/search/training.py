"""``train``: run any strategy against a prepared engine with a seeded Generator."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from qbnn.errors import QbnnError
from qbnn.search.result import Progress, TrainingResult
from qbnn.search.block import BlockCoordinate
from qbnn.search.strategies import BBHT, STRATEGY_NAMES, BestAccuracy, FixedK, PaperSchedule, Strategy

if TYPE_CHECKING:
    from qbnn.engines.protocol import Amplification
    from qbnn.problem import TrainingProblem

__all__ = ["default_budget", "make_strategy", "train"]


def default_budget(num_configurations: int) -> int:
    """Default oracle-call budget: 20 sqrt(N) + 50, several times what BBHT needs for one solution."""
    return int(20 * math.ceil(math.sqrt(num_configurations)) + 50)


def make_strategy(name: str, k: int | None = None) -> Strategy:
    """A strategy by its name (``qbnn train --strategy``); ``k`` only for ``fixed``."""
    if name == "fixed":
        if k is None:
            raise QbnnError("strategy 'fixed' needs {k} (the number of Grover iterations)", k=...)
        return FixedK(k)
    if k is not None:
        raise QbnnError(f"{{k}} is only used by the strategy 'fixed'; '{name}' chooses k itself", k=k)
    if name == "paper":
        return PaperSchedule()
    if name == "bbht":
        return BBHT()
    if name == "best":
        return BestAccuracy()
    if name == "block":
        return BlockCoordinate()
    raise QbnnError(f"unknown {{strategy}}; choose one of {', '.join(STRATEGY_NAMES)}", strategy=name)


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
