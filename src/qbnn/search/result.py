"""What a search found and what it cost: :class:`TrainingResult`, and the trace a strategy fills in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from qbnn.errors import QbnnError

if TYPE_CHECKING:
    from qbnn.engines.protocol import Amplification
    from qbnn.problem import TrainingProblem

__all__ = ["TrainingResult", "SearchTrace", "Progress", "network_evaluations"]

#: ``progress(oracle_calls_spent, budget)`` after each measurement.
Progress = Callable[[int, int], None]


def network_evaluations(k_history) -> int:
    """Sum of 2k + 1 over the measurements' iteration counts: how many times the network was evaluated (U or U-inverse)."""
    return int(sum(2 * int(k) + 1 for k in k_history))


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
    sweeps: tuple[dict, ...] = field(default=())  # block training: {accuracy, correct, oracle_calls} per sweep
    blocks: tuple[dict, ...] = field(default=())  # block training: {free, correct, oracle_calls} per block

    @property
    def accuracy(self) -> float:
        return self.correct / self.points if self.points else 0.0

    @property
    def network_evaluations(self) -> int:
        """Applications of U or U-inverse: 2k + 1 for a measurement after k iterations (U, then U-inverse and U per
        iterate), summed. The unit to compare with a classical trainer's forward passes; ``oracle_calls`` (k + 1 per
        measurement) counts as the paper's figures do."""
        return network_evaluations(self.k_history)

    def to_json(self) -> dict[str, Any]:
        """The JSON object of ``qbnn train --json`` (docs/concepts/command-line.md)."""
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
            "network_evaluations": self.network_evaluations,
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
        if self.sweeps:
            payload["sweeps"] = [dict(s) for s in self.sweeps]
            payload["blocks"] = [dict(b) for b in self.blocks]
        return payload


@dataclass
class SearchTrace:
    """The running record of one search: every strategy measures through :meth:`measure`.

    A step with k Grover iterations costs k + 1 oracle calls (the iterations,
    plus preparing U and checking the candidate). Excluded configurations are
    never kept as the best, so a run whose every solution is excluded reports
    the best *admissible* configuration it measured (or none).
    """

    problem: TrainingProblem
    budget: int
    progress: Progress | None = None
    calls: int = 0
    ks: list[int] = field(default_factory=list)
    thresholds: list[int] = field(default_factory=list)
    best_index: int | None = None
    best_correct: int = -1
    calls_to_best: int | None = None
    success: bool = False

    def fits(self, k: int) -> bool:
        """Whether a step with k iterations still fits in the budget (the first step must fit)."""
        if self.calls + k + 1 <= self.budget:
            return True
        if not self.ks and k + 1 > self.budget:
            raise QbnnError(
                "{max_oracle_calls} is too small for one step with k = " + f"{k}; allow at least {k + 1}",
                max_oracle_calls=self.budget,
            )
        return False

    def record(self, index: int, k: int, threshold: int | None = None) -> int:
        """Account for one measured ``index`` after k iterations; returns its correct count."""
        self.calls += k + 1
        self.ks.append(k)
        if threshold is not None:
            self.thresholds.append(threshold)
        correct = self.problem.correct_count(index)
        if correct > self.best_correct and int(index) not in self.problem.exclude:
            self.best_index, self.best_correct, self.calls_to_best = int(index), correct, self.calls
        if self.progress is not None:
            self.progress(self.calls, self.budget)
        return correct

    def measure(self, amplification: Amplification, k: int, rng: np.random.Generator, threshold: int | None = None) -> int:
        """Measure after U Q^k, check classically, record; returns the configuration index."""
        index = int(amplification.sample(k, rng))
        self.record(index, k, threshold)
        return index

    def to_result(self, strategy: str, engine: str, seed: int | None) -> TrainingResult:
        problem = self.problem
        weights = connections = None
        if self.best_index is not None:
            w, c = problem.network.split_parameters(problem.parameter_vector(self.best_index))
            weights = tuple(int(v) for v in w)
            connections = None if c is None else tuple(int(v) for v in c)
        return TrainingResult(
            success=self.success,
            index=self.best_index,
            weights=weights,
            connections=connections,
            correct=max(self.best_correct, 0),
            points=problem.data.num_points,
            target=problem.target,
            steps=len(self.ks),
            oracle_calls=self.calls,
            k_history=tuple(self.ks),
            strategy=strategy,
            seed=seed,
            engine=engine,
            network=tuple(problem.network.layers),
            meta=problem.network.meta,
            thresholds=tuple(self.thresholds),
            oracle_calls_to_best=self.calls_to_best if self.thresholds else None,
        )
