"""Search strategies: measure after U Q^k, check the candidate classically, repeat (DESIGN.md section 4).

Each strategy is a small dataclass that says which k to use at each step;
:func:`train` runs it against a prepared engine with a seeded numpy Generator
and returns a :class:`TrainingResult`. Oracle calls count Grover iterations
plus one per measurement (preparing U and checking the candidate), so a step
with k iterations costs k + 1.

- :class:`FixedK` runs U Q^k a fixed number of times.
- :class:`PaperSchedule` is the schedule of the paper's section 5 (after
  Brassard et al.): at step t = 1, 2, ... draw k uniformly from 0..t-1.
- :class:`BBHT` is Boyer-Brassard-Hoyer-Tapp for an unknown number of
  solutions: k uniform in 0..m-1, m grows by lambda = 6/5 up to sqrt(N).
- :class:`BestAccuracy` (Durr-Hoyer minimum finding) raises the accuracy
  threshold each time a better configuration is measured.

Every strategy stops at ``max_oracle_calls`` and then reports failure with the
best configuration it measured.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from qbnn.errors import QbnnError

if TYPE_CHECKING:
    from qbnn.engines.protocol import Amplification
    from qbnn.problem import TrainingProblem

__all__ = [
    "TrainingResult",
    "FixedK",
    "PaperSchedule",
    "BBHT",
    "BestAccuracy",
    "STRATEGY_NAMES",
    "make_strategy",
    "default_budget",
    "train",
    "paper_schedule_success_cdf",
    "fixed_k_success_probability",
]

STRATEGY_NAMES = ("paper", "bbht", "fixed", "best")


def default_budget(num_configurations: int) -> int:
    """Default oracle-call budget: 20 sqrt(N) + 50, several times what BBHT needs for one solution."""
    return int(20 * math.ceil(math.sqrt(num_configurations)) + 50)


@dataclass(frozen=True)
class TrainingResult:
    """What a search found: the configuration, its classical accuracy and what it cost."""

    success: bool
    index: int | None  # configuration index of the best measured candidate (None if nothing measured)
    weights: tuple[int, ...] | None
    connections: tuple[int, ...] | None
    correct: int
    points: int
    target: int
    steps: int
    oracle_calls: int
    k_history: tuple[int, ...]
    strategy: str
    seed: int | None
    engine: str
    network: tuple[int, ...]
    meta: bool
    thresholds: tuple[int, ...] = field(default=())  # BestAccuracy: the target used at each step
    oracle_calls_to_best: int | None = None  # BestAccuracy: calls spent when the best was measured

    @property
    def accuracy(self) -> float:
        return self.correct / self.points if self.points else 0.0

    def to_json(self) -> dict[str, Any]:
        """The JSON object of ``qbnn train --json`` (DESIGN.md section 5)."""
        payload: dict[str, Any] = {
            "success": self.success,
            "parameters": {
                "weights": None if self.weights is None else list(self.weights),
                "connections": None if self.connections is None else list(self.connections),
            },
            "configuration": self.index,
            "correct": self.correct,
            "points": self.points,
            "accuracy": self.accuracy,
            "target": self.target,
            "steps": self.steps,
            "oracle_calls": self.oracle_calls,
            "k_history": list(self.k_history),
            "strategy": self.strategy,
            "seed": self.seed,
            "engine": self.engine,
            "network": list(self.network),
            "meta": self.meta,
        }
        if self.thresholds:
            payload["thresholds"] = list(self.thresholds)
            payload["oracle_calls_to_best"] = self.oracle_calls_to_best
        return payload


# --- strategies: which k at each step ------------------------------------------------------


@dataclass(frozen=True)
class FixedK:
    """Run U Q^k and measure, ``attempts`` times at most (stopping at the first success)."""

    k: int
    attempts: int = 1
    name: str = field(default="fixed", init=False)

    def __post_init__(self) -> None:
        if self.k < 0:
            raise QbnnError(f"--k {self.k} must be >= 0")
        if self.attempts < 1:
            raise QbnnError(f"attempts={self.attempts} must be >= 1")

    def schedule(self, rng: np.random.Generator, num_configurations: int) -> Iterator[int]:
        for _ in range(self.attempts):
            yield self.k


@dataclass(frozen=True)
class PaperSchedule:
    """Paper section 5 (Brassard et al.): at step t = 1, 2, ... draw k uniformly from 0..t-1."""

    name: str = field(default="paper", init=False)

    def schedule(self, rng: np.random.Generator, num_configurations: int) -> Iterator[int]:
        n = 0
        while True:
            yield int(rng.integers(0, n + 1))
            n += 1


@dataclass(frozen=True)
class BBHT:
    """Boyer-Brassard-Hoyer-Tapp: k uniform in 0..ceil(m)-1, then m <- min(lambda m, sqrt(N))."""

    growth: float = 6 / 5
    name: str = field(default="bbht", init=False)

    def __post_init__(self) -> None:
        if not 1.0 < self.growth < 4.0 / 3.0 + 1e-12:
            raise QbnnError(f"BBHT growth lambda={self.growth} must lie in (1, 4/3]")

    def schedule(self, rng: np.random.Generator, num_configurations: int) -> Iterator[int]:
        m = 1.0
        cap = math.sqrt(num_configurations)
        while True:
            yield int(rng.integers(0, max(1, math.ceil(m))))
            m = min(self.growth * m, cap)


@dataclass(frozen=True)
class BestAccuracy:
    """Durr-Hoyer minimum finding: BBHT towards 'more correct than the best so far', raised on each find."""

    growth: float = 6 / 5
    name: str = field(default="best", init=False)


def make_strategy(name: str, k: int | None = None):
    """A strategy by its command-line name."""
    if name == "fixed":
        if k is None:
            raise QbnnError("--strategy fixed needs --k K (the number of Grover iterations)")
        return FixedK(k)
    if k is not None:
        raise QbnnError(f"--k is only used by --strategy fixed; --strategy {name} chooses k itself")
    if name == "paper":
        return PaperSchedule()
    if name == "bbht":
        return BBHT()
    if name == "best":
        return BestAccuracy()
    raise QbnnError(f"unknown strategy {name!r}; choose one of {', '.join(STRATEGY_NAMES)}")


# --- running a strategy ------------------------------------------------------------------

Progress = Callable[[int, int], None]


def _prepare(problem: TrainingProblem, engine: str | Amplification) -> Amplification:
    if isinstance(engine, str):
        from qbnn.engines.registry import get_engine

        return get_engine(engine).prepare(problem)
    return engine


def _result(
    problem: TrainingProblem,
    strategy_name: str,
    engine_name: str,
    seed: int | None,
    best_index: int | None,
    best_correct: int,
    success: bool,
    ks: list[int],
    calls: int,
    target: int,
    thresholds: tuple[int, ...] = (),
    calls_to_best: int | None = None,
) -> TrainingResult:
    weights = connections = None
    if best_index is not None:
        w, c = problem.network.decode(best_index)
        weights = tuple(int(v) for v in w)
        connections = None if c is None else tuple(int(v) for v in c)
    return TrainingResult(
        success=success,
        index=best_index,
        weights=weights,
        connections=connections,
        correct=best_correct,
        points=problem.data.num_points,
        target=target,
        steps=len(ks),
        oracle_calls=calls,
        k_history=tuple(ks),
        strategy=strategy_name,
        seed=seed,
        engine=engine_name,
        network=tuple(problem.network.layers),
        meta=problem.network.meta,
        thresholds=thresholds,
        oracle_calls_to_best=calls_to_best,
    )


def train(
    problem: TrainingProblem,
    strategy: str | FixedK | PaperSchedule | BBHT | BestAccuracy = "bbht",
    *,
    engine: str | Amplification = "structured",
    seed: int | None = 0,
    max_oracle_calls: int | None = None,
    k: int | None = None,
    progress: Progress | None = None,
) -> TrainingResult:
    """Search ``problem`` by amplitude amplification; same seed, same result.

    ``engine`` is an engine name or an already prepared :class:`Amplification`
    (reuse one across many seeds: distributions are cached per k).

    >>> from qbnn.problem import TrainingProblem
    >>> result = train(TrainingProblem.paper(1), "paper", seed=1)
    >>> result.success, result.correct, result.points
    (True, 8, 8)
    """
    if isinstance(strategy, str):
        strategy = make_strategy(strategy, k)
    budget = default_budget(problem.num_configurations) if max_oracle_calls is None else int(max_oracle_calls)
    if budget < 1:
        raise QbnnError(f"--max-oracle-calls {max_oracle_calls} must be at least 1")
    rng = np.random.default_rng(seed)
    if isinstance(strategy, BestAccuracy):
        return _minimum_finding(problem, strategy, engine, rng, seed, budget, progress)

    amplification = _prepare(problem, engine)
    target = problem.target
    best_index: int | None = None
    best_correct = -1
    ks: list[int] = []
    calls = 0
    success = False
    for kk in strategy.schedule(rng, problem.num_configurations):
        if calls + kk + 1 > budget:
            if not ks and kk + 1 > budget:
                raise QbnnError(
                    f"--max-oracle-calls {budget} is too small for one step with k = {kk}; allow at least {kk + 1}"
                )
            break
        index = int(amplification.sample(kk, rng))
        calls += kk + 1
        ks.append(kk)
        correct = problem.correct_count(index)
        if correct > best_correct:
            best_index, best_correct = index, correct
        if progress is not None:
            progress(calls, budget)
        if problem.is_good(index):
            best_index, best_correct, success = index, correct, True
            break
    return _result(
        problem, strategy.name, amplification.engine_name, seed, best_index, max(best_correct, 0), success, ks, calls, target
    )


def _minimum_finding(
    problem: TrainingProblem,
    strategy: BestAccuracy,
    engine: str | Amplification,
    rng: np.random.Generator,
    seed: int | None,
    budget: int,
    progress: Progress | None,
) -> TrainingResult:
    """Durr-Hoyer: start from a random configuration; BBHT-search 'correct > best' and raise on each find.

    Each threshold compiles a threshold oracle (``min_correct = best + 1``) and
    runs on the chosen engine; the search stops when the budget is spent or the
    best possible count (all points) is reached. It cannot prove optimality:
    ``success`` reports that the last, unreached threshold consumed the budget.
    """
    engine_name = engine if isinstance(engine, str) else engine.engine_name
    points = problem.data.num_points
    total = problem.num_configurations
    # Step 0: one uniformly random configuration (U, measure) as the first incumbent.
    best_index: int | None = int(rng.integers(0, total))
    best_correct = problem.correct_count(best_index)
    if best_index in problem.exclude:  # a deselected configuration is never an incumbent
        best_index, best_correct = None, -1
    calls, ks, thresholds = 1, [0], [0]
    calls_to_best = 1
    cap = math.sqrt(total)
    sub = problem
    while best_correct < points and calls < budget:
        target = best_correct + 1
        sub = sub.with_target(target)  # the same U, a raised threshold oracle
        amplification = _prepare(sub, engine_name)
        m = 1.0
        improved = False
        while calls < budget:
            kk = int(rng.integers(0, max(1, math.ceil(m))))
            if calls + kk + 1 > budget:
                break
            index = int(amplification.sample(kk, rng))
            calls += kk + 1
            ks.append(kk)
            thresholds.append(target)
            if progress is not None:
                progress(calls, budget)
            correct = problem.correct_count(index)
            if correct >= target and index not in problem.exclude:
                best_index, best_correct, improved = index, correct, True
                calls_to_best = calls
                break
            m = min(strategy.growth * m, cap)
        if not improved:
            break
    success = best_index is not None and best_correct >= problem.target
    return _result(
        problem, "best", engine_name, seed, best_index, max(best_correct, 0), success, ks, calls, problem.target,
        tuple(thresholds), calls_to_best,
    )


# --- exact statistics of the strategies (for tests and the report) -----------------------


def fixed_k_success_probability(p_success: Callable[[int], float], k: int, attempts: int = 1) -> float:
    """Exact probability that :class:`FixedK` succeeds within ``attempts`` measurements."""
    return 1.0 - (1.0 - p_success(k)) ** attempts


def paper_schedule_success_cdf(p_success: Callable[[int], float], steps: int) -> np.ndarray:
    """Exact P(paper schedule has succeeded by step t), t = 1..steps.

    Step t draws k uniformly from 0..t-1, so it succeeds with the mean of
    p(0..t-1); steps are independent given they happen.
    """
    probabilities = np.array([p_success(k) for k in range(steps)], dtype=np.float64)
    per_step = np.cumsum(probabilities) / np.arange(1, steps + 1)
    return 1.0 - np.cumprod(1.0 - per_step)
