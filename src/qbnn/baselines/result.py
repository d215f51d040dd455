"""What a classical trainer found and what it cost: :class:`ClassicalTraining`, and the method registry.

Unit of work, shared with the quantum side: one *forward pass* is the network
evaluated on every training point once (the classical counterpart of one
application of U, ``TrainingResult.network_evaluations``). Checking one
configuration (e.g. a single-flip neighbour) costs 1; a full-batch STE epoch
costs 2 (forward + backward); an STE minibatch step costs 2 * batch / points;
an exact solver that never evaluates the network (CP-SAT) reports 0 and its
wall time. The final independent check of the reported parameters is not counted.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from qbnn.errors import QbnnError
from qbnn.model.network import MAX_SUPERPOSED

if TYPE_CHECKING:
    from qbnn.problem import TrainingProblem

__all__ = [
    "ClassicalTraining",
    "METHODS",
    "register",
    "train_classical",
    "make_result",
    "check_time_limit",
    "free_and_fixed",
    "configuration_of",
]

#: A trainer: ``fn(problem, *, seed, time_limit, **options) -> ClassicalTraining``.
Trainer = Callable[..., "ClassicalTraining"]

#: Method name -> trainer, or "module:function" imported on first use (modules may also :func:`register`).
METHODS: dict[str, Trainer | str] = {
    "ste": "qbnn.baselines.ste:train_ste",
    "local-search": "qbnn.baselines.local_search:train_local_search",
    "cp-sat": "qbnn.baselines.cpsat:train_cpsat",
    "branch-and-bound": "qbnn.baselines.branch_and_bound:train_branch_and_bound",
}


@dataclass(frozen=True)
class ClassicalTraining:
    """What a classical trainer found and what it cost (JSON: classical: true)."""

    method: str  # "ste" | "local-search" | "cp-sat" | "branch-and-bound"
    parameters: tuple[int, ...]  # all p parameters of problem.network: ±1 weights, then 0/1 connections (meta)
    configuration: int | None  # index over the problem's free configuration space, None beyond int64
    correct: int  # correct training points, by an independent forward pass
    points: int
    target: int
    forward_passes: int  # network evaluations on the whole training set (see the module docstring)
    wall_time_s: float
    seed: int | None = None
    optimal: bool | None = None  # proved optimal (cp-sat, branch-and-bound)
    bound: int | None = None  # proved upper bound on correct points (cp-sat)
    nodes: int | None = None  # tree size (branch-and-bound)
    settings: dict = field(default_factory=dict)  # hyper-parameters actually used
    network: tuple[int, ...] = ()  # problem.network.layers: splits parameters into weights and connections
    meta: bool = False

    @property
    def success(self) -> bool:
        return self.correct >= self.target

    @property
    def accuracy(self) -> float:
        return self.correct / self.points if self.points else 0.0

    @property
    def num_weights(self) -> int:
        layers = self.network
        return sum(a * b for a, b in zip(layers[:-1], layers[1:]))

    @property
    def weights(self) -> tuple[int, ...]:
        return self.parameters[: self.num_weights] if self.network else self.parameters

    @property
    def connections(self) -> tuple[int, ...] | None:
        return self.parameters[self.num_weights :] if self.meta else None

    def to_json(self) -> dict[str, Any]:
        """The same keys as ``TrainingResult.to_json`` where they mean the same, plus ``classical: true`` and costs."""
        payload: dict[str, Any] = {
            "classical": True,
            "success": self.success,
            "parameters": {
                "weights": list(self.weights),
                "connections": None if self.connections is None else list(self.connections),
            },
            "configuration": self.configuration,
            "correct": self.correct,
            "points": self.points,
            "accuracy": self.accuracy,
            "target": self.target,
            "strategy": self.method,
            "seed": self.seed,
            "network": list(self.network),
            "meta": self.meta,
            "forward_passes": self.forward_passes,
            "wall_time_s": self.wall_time_s,
        }
        for key in ("optimal", "bound", "nodes"):
            value = getattr(self, key)
            if value is not None:
                payload[key] = value
        if self.settings:
            payload["settings"] = dict(self.settings)
        return payload


def register(name: str, trainer: Trainer | str) -> None:
    """Add (or replace) a method: a trainer function or a lazy ``"module:function"`` path."""
    METHODS[name] = trainer


def _resolve(name: str) -> Trainer:
    entry = METHODS[name]
    if isinstance(entry, str):
        import importlib

        module, _, attribute = entry.partition(":")
        entry = getattr(importlib.import_module(module), attribute)
        METHODS[name] = entry
    return entry


def train_classical(
    problem: TrainingProblem, method: str, *, seed: int | None = 0, time_limit: float | None = None, **options: Any
) -> ClassicalTraining:
    """Train ``problem`` with the classical trainer ``method`` (a key of :data:`METHODS`)."""
    if method not in METHODS:
        raise QbnnError(
            "{method} is not a classical trainer; choose one of " + ", ".join(sorted(METHODS)), method=method
        )
    check_time_limit(time_limit)
    return _resolve(method)(problem, seed=seed, time_limit=time_limit, **options)


# --- helpers shared by the trainers ------------------------------------------------------


def check_time_limit(time_limit: float | None) -> float | None:
    """``time_limit`` as a positive float (or None), else a :class:`QbnnError` naming it."""
    if time_limit is None:
        return None
    try:
        value = float(time_limit)
    except (TypeError, ValueError):
        raise QbnnError("{time_limit} must be a number of seconds > 0", time_limit=time_limit) from None
    if not value > 0 or value != value:
        raise QbnnError("{time_limit} must be a number of seconds > 0", time_limit=time_limit)
    return value


def free_and_fixed(problem: TrainingProblem) -> tuple[np.ndarray, np.ndarray]:
    """(indices of the free parameters, a full parameter vector holding the fixed values; free entries arbitrary)."""
    network = problem.network
    if problem.condition is None:
        base = network.bits_to_parameters(np.ones(network.num_parameters, dtype=np.int8))
        return np.arange(network.num_parameters), base
    return np.asarray(problem.condition.free, dtype=np.int64), np.asarray(problem.condition.values, dtype=np.int8).copy()


def configuration_of(problem: TrainingProblem, parameters: np.ndarray) -> int | None:
    """The configuration index of a full parameter vector over the problem's free parameters (None beyond int64)."""
    free, _ = free_and_fixed(problem)
    if len(free) > MAX_SUPERPOSED:
        return None
    bits = np.asarray(parameters) > 0  # weight +1 and connection present are both bit 1
    return sum(int(bits[p]) << j for j, p in enumerate(free))


def make_result(
    problem: TrainingProblem,
    method: str,
    parameters: np.ndarray,
    *,
    forward_passes: int,
    started: float,
    seed: int | None,
    **extra: Any,
) -> ClassicalTraining:
    """A :class:`ClassicalTraining` whose ``correct`` comes from an independent :meth:`Network.forward`."""
    network = problem.network
    vector = np.asarray(parameters, dtype=np.int8)
    network.check_parameters(vector, name="parameters")
    free, fixed = free_and_fixed(problem)
    held = np.setdiff1d(np.arange(network.num_parameters), free)
    if held.size and not np.array_equal(vector[held], fixed[held]):
        raise AssertionError(f"{method} moved a fixed parameter")  # a trainer bug, not a user mistake
    weights, connections = network.split_parameters(vector)
    correct = int((network.forward(problem.data.X, weights, connections) == np.asarray(problem.data.y)).sum())
    return ClassicalTraining(
        method=method,
        parameters=tuple(int(v) for v in vector),
        configuration=configuration_of(problem, vector),
        correct=correct,
        points=problem.data.num_points,
        target=problem.target,
        forward_passes=int(forward_passes),
        wall_time_s=time.perf_counter() - started,
        network=tuple(network.layers),
        meta=network.meta,
        seed=seed,
        **extra,
    )
