"""Search strategies as uniform objects: each says how to spend a budget of oracle calls.

Every strategy has ``run(amplification, rng, budget, progress) -> SearchTrace``
and a ``name``; :func:`qbnn.search.train` treats them all alike. Oracle calls
count Grover iterations plus one per measurement (preparing U and checking
the candidate), so a step with k iterations costs k + 1 (DESIGN.md section 4).

- :class:`FixedK` runs U Q^k a fixed number of times.
- :class:`PaperSchedule` is the schedule of the paper's section 5 (after
  Brassard et al.): at step t = 1, 2, ... draw k uniformly from 0..t-1.
- :class:`BBHT` is Boyer-Brassard-Hoyer-Tapp for an unknown number of
  solutions: k uniform in 0..m-1, m grows by lambda = 6/5 up to sqrt(N).
- :class:`BestAccuracy` (Durr-Hoyer minimum finding) raises the accuracy
  threshold each time a better configuration is measured.

Every strategy stops at the budget and then reports failure with the best
admissible configuration it measured.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np

from qbnn.errors import QbnnError
from qbnn.search.result import Progress, SearchTrace

if TYPE_CHECKING:
    from qbnn.engines.protocol import Amplification

__all__ = ["Strategy", "FixedK", "PaperSchedule", "BBHT", "BestAccuracy", "STRATEGY_NAMES", "make_strategy"]

STRATEGY_NAMES = ("paper", "bbht", "fixed", "best", "block")


class Strategy(Protocol):
    """How to search: spend at most ``budget`` oracle calls on ``amplification`` (a prepared problem)."""

    name: str

    def run(
        self, amplification: Amplification, rng: np.random.Generator, budget: int, progress: Progress | None = None
    ) -> SearchTrace: ...


class _Scheduled:
    """A strategy given by its k at each step: measure after U Q^k until a solution or the budget."""

    def schedule(self, rng: np.random.Generator, num_configurations: int) -> Iterator[int]:
        raise NotImplementedError

    def run(
        self, amplification: Amplification, rng: np.random.Generator, budget: int, progress: Progress | None = None
    ) -> SearchTrace:
        problem = amplification.problem
        trace = SearchTrace(problem, budget, progress)
        for k in self.schedule(rng, problem.num_configurations):
            if not trace.fits(k):
                break
            index = trace.measure(amplification, k, rng)
            if problem.is_good(index):
                trace.best_index, trace.best_correct, trace.success = index, problem.correct_count(index), True
                break
        return trace


@dataclass(frozen=True)
class FixedK(_Scheduled):
    """Run U Q^k and measure, ``attempts`` times at most (stopping at the first success)."""

    k: int
    attempts: int = 1
    name: str = field(default="fixed", init=False)

    def __post_init__(self) -> None:
        if self.k < 0:
            raise QbnnError("{k} must be >= 0", k=self.k)
        if self.attempts < 1:
            raise QbnnError("{attempts} must be >= 1", attempts=self.attempts)

    def schedule(self, rng: np.random.Generator, num_configurations: int) -> Iterator[int]:
        for _ in range(self.attempts):
            yield self.k


@dataclass(frozen=True)
class PaperSchedule(_Scheduled):
    """Paper section 5 (Brassard et al.): at step t = 1, 2, ... draw k uniformly from 0..t-1."""

    name: str = field(default="paper", init=False)

    def schedule(self, rng: np.random.Generator, num_configurations: int) -> Iterator[int]:
        n = 0
        while True:
            yield int(rng.integers(0, n + 1))
            n += 1


def check_growth(growth: float) -> None:
    """Refuse a BBHT growth factor outside (1, 4/3] (every strategy built on BBHT's schedule checks it)."""
    if not 1.0 < growth < 4.0 / 3.0 + 1e-12:
        raise QbnnError("{growth} must lie in (1, 4/3] (Boyer et al.'s lambda)", growth=growth)


def bbht_ceilings(growth: float, num_configurations: int) -> Iterator[int]:
    """BBHT's ceil(m_t): m_1 = 1, m_(t+1) = min(growth m_t, sqrt(N)); step t draws k from 0..ceil(m_t)-1."""
    m, cap = 1.0, math.sqrt(num_configurations)
    while True:
        yield max(1, math.ceil(m))
        m = min(growth * m, cap)


@dataclass(frozen=True)
class BBHT(_Scheduled):
    """Boyer-Brassard-Hoyer-Tapp: k uniform in 0..ceil(m)-1, then m <- min(lambda m, sqrt(N))."""

    growth: float = 6 / 5
    name: str = field(default="bbht", init=False)

    def __post_init__(self) -> None:
        check_growth(self.growth)

    def schedule(self, rng: np.random.Generator, num_configurations: int) -> Iterator[int]:
        for top in bbht_ceilings(self.growth, num_configurations):
            yield int(rng.integers(0, top))


@dataclass(frozen=True)
class BestAccuracy:
    """Durr-Hoyer minimum finding: BBHT towards 'more correct than the best so far', raised on each find.

    Start from one uniformly random configuration (U, measure); then BBHT
    steps with a threshold oracle ``min_correct = best + 1``, raised at each
    find, until the budget is spent or every point is correct. Each threshold
    reuses U (:meth:`TrainingProblem.with_target`) on the same engine. It
    cannot prove optimality: ``success`` says the best meets the problem's target.
    """

    growth: float = 6 / 5
    name: str = field(default="best", init=False)

    def __post_init__(self) -> None:
        check_growth(self.growth)

    def run(
        self, amplification: Amplification, rng: np.random.Generator, budget: int, progress: Progress | None = None
    ) -> SearchTrace:
        from qbnn.engines.registry import get_engine

        problem = amplification.problem
        points, total = problem.data.num_points, problem.num_configurations
        trace = SearchTrace(problem, budget, progress)
        trace.record(int(rng.integers(0, total)), 0, threshold=0)  # the first incumbent: U, measure
        sub = problem
        while trace.best_correct < points and trace.calls < budget:
            target = trace.best_correct + 1
            sub = sub.with_target(target)  # the same U, a raised threshold oracle
            raised = get_engine(amplification.engine_name).prepare(sub)
            improved = False
            for top in bbht_ceilings(self.growth, total):
                k = int(rng.integers(0, top))
                if trace.calls >= budget or trace.calls + k + 1 > budget:
                    break
                before = trace.best_correct
                trace.measure(raised, k, rng, threshold=target)
                if trace.best_correct > before:
                    improved = True
                    break
            if not improved:
                break
        trace.success = trace.best_index is not None and trace.best_correct >= problem.target
        return trace


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
        from qbnn.search.block import BlockCoordinate

        return BlockCoordinate()
    raise QbnnError(f"unknown {{strategy}}; choose one of {', '.join(STRATEGY_NAMES)}", strategy=name)
