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

__all__ = ["default_budget", "make_strategy", "train", "check_strategy_options", "check_superposable"]


def default_budget(num_configurations: int) -> int:
    """Default oracle-call budget: 20 sqrt(N) + 50, several times what BBHT needs for one solution.

    In integers (ceil sqrt N = isqrt(N - 1) + 1), so N = 2^p of any size is fine (a float overflowed past p ~ 1,000).

    >>> default_budget(256), default_budget(2 ** 3000) > 10 ** 450
    (370, True)
    """
    return int(20 * (math.isqrt(max(int(num_configurations), 1) - 1) + 1) + 50)


def check_strategy_options(
    strategy: str,
    *,
    classical: bool = False,
    num_parameters: int | None = None,
    k: object = None,
    block_size: object = None,
    sweeps: object = None,
    init: object = None,
    noise: object = None,
    workers: object = None,
    scheduler: object = None,
    trajectories: object = None,
    max_oracle_calls: object = None,
    time_limit: object = None,
    robust: object = None,
) -> None:
    """Refuse, in one line naming the parameters, options that do not go with ``strategy`` (before any work).

    ``classical`` marks a classical trainer's name (qbnn.baselines); ``num_parameters`` (parameters in
    superposition) lets a search that puts all of them in superposition be refused when it cannot be.
    """
    block = strategy == "block"
    if robust is not None and (classical or block):
        raise QbnnError(
            "{robust} marks robust configurations for a quantum search over all parameters; "
            f"'{strategy}' cannot use it: choose paper, bbht, fixed or best",
            robust=robust, strategy=...,
        )
    if classical:
        given = [name for name, value in (("k", k), ("block_size", block_size), ("sweeps", sweeps), ("init", init),
                 ("noise", noise), ("workers", workers), ("scheduler", scheduler), ("trajectories", trajectories),
                 ("max_oracle_calls", max_oracle_calls)) if value is not None]
        if given:
            names = " and ".join("{" + name + "}" for name in given)
            raise QbnnError(
                f"{names} belong{'s' if len(given) == 1 else ''} to the quantum strategies; the classical "
                f"'{strategy}' is bounded by {{time_limit}}",
                **{name: ... for name in given}, time_limit=...,
            )
        return
    if strategy not in STRATEGY_NAMES:
        raise QbnnError(f"unknown strategy {strategy!r}; choose one of {', '.join(STRATEGY_NAMES)}")
    if time_limit is not None:
        raise QbnnError("{time_limit} bounds the classical strategies; a quantum search is bounded by {max_oracle_calls}",
                        time_limit=time_limit, max_oracle_calls=...)
    if not block and (block_size is not None or sweeps is not None or init is not None):
        raise QbnnError("{block_size}, {sweeps} and {init} belong to {strategy} block", block_size=..., sweeps=..., init=..., strategy=...)
    if block and (noise is not None or workers is not None or scheduler is not None or k is not None):
        raise QbnnError(
            "{strategy} block runs one small circuit per block on one machine; drop {noise}, {workers}, {scheduler} and {k}",
            strategy=..., noise=..., workers=..., scheduler=..., k=...,
        )
    if trajectories is not None:
        raise QbnnError(
            "{trajectories} is for amplify's estimates; train runs one noisy trajectory per measurement "
            "(the count is reported as 'trajectories')", trajectories=trajectories,
        )
    if not block and num_parameters is not None:
        check_superposable(num_parameters)


def check_superposable(num_parameters: int) -> None:
    """Refuse a search with ``num_parameters`` in superposition at once beyond what an index holds (one line)."""
    from qbnn.model.network import MAX_SUPERPOSED

    if num_parameters > MAX_SUPERPOSED:
        raise QbnnError(
            f"a search over all {num_parameters} parameters at once (2^{num_parameters} configurations; at most "
            f"{MAX_SUPERPOSED} parameters fit in superposition) cannot run; train by blocks with {{strategy}} block, "
            "or hold parameters fixed with {free} and {values}",
            strategy=..., free=..., values=...,
        )


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
    if getattr(strategy, "prepare", None) is None:  # every parameter in superposition: refuse what cannot be
        check_superposable(problem.num_parameters)
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
