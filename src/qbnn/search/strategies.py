"""Search strategies as uniform objects: each says how to spend a budget of oracle calls.

Every strategy has ``run(amplification, rng, budget, progress) -> SearchTrace``
and a ``name``; :func:`qbnn.search.train` treats them all alike. Oracle calls
count Grover iterations plus one per measurement (preparing U and checking
the candidate), so a step with k iterations costs k + 1 (docs/concepts/search.md).

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

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np

from qbnn.errors import QbnnError
from qbnn.search.minimum_finding import durr_hoyer
from qbnn.search.result import Progress, SearchTrace
from qbnn.search.schedules import bbht_ceilings, check_growth

if TYPE_CHECKING:
    from qbnn.engines.protocol import Amplification

__all__ = ["Strategy", "FixedK", "PaperSchedule", "BBHT", "BestAccuracy", "STRATEGY_NAMES"]

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
        problem = amplification.problem
        trace = SearchTrace(problem, budget, progress)
        trace.record(int(rng.integers(0, problem.num_configurations)), 0, threshold=0)  # the first incumbent: U, measure
        durr_hoyer(
            problem,
            amplification.with_problem,
            rng,
            best_correct=lambda: trace.best_correct,
            fits=lambda k: trace.calls + k + 1 <= budget,
            measure=lambda raised, k, target: trace.measure(raised, k, rng, threshold=target),
            growth=self.growth,
        )
        trace.success = trace.best_index is not None and trace.best_correct >= problem.target
        return trace
