"""What is searched: a network, its training data and the accuracy target.

The *problem* in the problem -> strategy -> result pattern:
strategies and engines take a :class:`TrainingProblem`; iteration options
belong to the strategy, not here. With ``free``/``values`` only some
parameters are in superposition and the rest are classical constants of the
circuit (a conditional problem, paper section 3; :mod:`qbnn.model.conditioning`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import cached_property

import numpy as np
from qiskit import QuantumCircuit

from qbnn.compile.grover import grover_iterate, iterate_parts
from qbnn.compile.qbnn import ACTIVATIONS, QBNNCircuit, compile_qbnn
from qbnn.model.conditioning import Condition, make_condition
from qbnn.model.data import Dataset, paper_problem
from qbnn.errors import ArchitectureError, DataError
from qbnn.landscape import Landscape, check_compatible, compute_landscape
from qbnn.model.network import MAX_SUPERPOSED, Network

__all__ = ["TrainingProblem", "MinibatchSaving", "resolve_target"]


def resolve_target(points: int, min_correct: int | None = None, min_accuracy: float | None = None) -> int:
    """The number of correct points a configuration needs: ``min_correct`` or ``min_accuracy`` (default all)."""
    if min_correct is not None and min_accuracy is not None:
        raise DataError("give either {min_correct} or {min_accuracy}, not both", min_correct=..., min_accuracy=...)
    if min_accuracy is not None:
        if not 0.0 <= float(min_accuracy) <= 1.0:
            raise DataError("{min_accuracy} is outside 0..1; give a fraction such as 0.75", min_accuracy=min_accuracy)
        return int(np.ceil(float(min_accuracy) * points - 1e-9))
    if min_correct is None:
        return points
    if not 0 <= int(min_correct) <= points:
        raise DataError(
            f"{{min_correct}} is outside 0..{points} (the number of training points)", min_correct=min_correct
        )
    return int(min_correct)


@dataclass(frozen=True, eq=False)
class TrainingProblem:
    """Find a configuration of ``network`` that classifies at least ``min_correct`` points of ``data``.

    ``free`` (parameter indices, or a spec such as ``"0-5,9"``) puts only those
    parameters in superposition and ``values`` (all p parameter values: ±1
    weights, then 0/1 connections) fixes the others; configuration bit j is
    then the j-th free parameter.

    >>> problem = TrainingProblem.paper(1)
    >>> problem.target, problem.num_parameters, problem.num_solutions
    (8, 8, 8)
    >>> sliced = TrainingProblem.paper(1, free=[0, 1], values=[1, -1, 1, 1, 1, -1, 1, 1])
    >>> sliced.num_configurations, sliced.landscape.correct.tolist()
    (4, [6, 4, 4, 6])
    """

    network: Network
    data: Dataset
    min_correct: int | None = None
    activation: str = "paper"
    exclude: tuple[int, ...] = field(default=())
    batch_size: int | None = None  # minibatch oracles (paper section 6): points per Grover iteration
    free: tuple[int, ...] | str | None = None  # parameters in superposition (None: all)
    values: np.ndarray | str | None = field(default=None, repr=False)  # all p values; the fixed ones are used

    def __post_init__(self) -> None:
        check_compatible(self.network, self.data)
        condition = make_condition(self.network, self.free, self.values)
        object.__setattr__(self, "condition", condition)
        if condition is not None:
            object.__setattr__(self, "free", condition.free)
            object.__setattr__(self, "values", condition.values)

        if self.activation not in ACTIVATIONS:
            raise ArchitectureError(
                f"unknown activation {self.activation!r}; choose one of {', '.join(ACTIVATIONS)}"
            )
        object.__setattr__(self, "min_correct", resolve_target(self.data.num_points, self.min_correct))
        excluded = tuple(sorted({int(e) for e in self.exclude}))
        for e in excluded:
            if not 0 <= e < self.num_configurations:
                raise DataError(
                    f"{{exclude}} is not a configuration index; use 0..{self.num_configurations - 1}",
                    exclude=e,
                )
        object.__setattr__(self, "exclude", excluded)
        if self.batch_size is not None:
            from qbnn.compile.minibatch import split_batches

            split_batches(self.data.num_points, int(self.batch_size))  # validates the size
            if condition is not None:
                raise DataError("{batch_size} and {free} cannot be combined yet; drop one of them", batch_size=..., free=...)
            if not self.uses_paper_oracle:
                raise DataError(
                    "{batch_size} works with the paper's 100% oracle only (each batch marks configurations that fit "
                    "all its points); drop {min_correct}/{min_accuracy}/{exclude} or {batch_size}",
                    batch_size=...,
                    min_correct=...,
                    min_accuracy=...,
                    exclude=...,
                )

    condition: Condition | None = field(default=None, init=False, repr=False)

    @classmethod
    def paper(cls, number: int, meta: bool = False, **kwargs) -> TrainingProblem:
        """Problem 1 or 2 of the paper on the [3, 2, 1] network (section 4.2, 5.1 with ``meta``)."""
        return cls(Network((3, 2, 1), meta=meta), paper_problem(number), **kwargs)

    @property
    def target(self) -> int:
        assert self.min_correct is not None
        return self.min_correct

    @property
    def num_parameters(self) -> int:
        """Parameters in superposition (all of the network's, or the free ones)."""
        return self.network.num_parameters if self.condition is None else self.condition.num_free

    @property
    def num_configurations(self) -> int:
        return 1 << self.num_parameters

    def parameter_vector(self, index: int) -> np.ndarray:
        """All p parameter values of configuration ``index`` (the fixed ones from ``values``)."""
        if self.condition is None:
            weights, connections = self.network.decode(index)
            return self.network.parameter_vector(weights, connections) if self.network.meta else weights
        return self.condition.vector(index)

    @property
    def uses_paper_oracle(self) -> bool:
        """True when S_chi is the paper's multi-controlled Z (100% target, nothing excluded)."""
        return self.target == self.data.num_points and not self.exclude

    # --- classical truth ------------------------------------------------------------

    def _require_superposable(self) -> None:
        """Refuse to put more parameters in superposition than a configuration index holds (block training need not)."""
        if self.num_parameters > MAX_SUPERPOSED:
            raise ArchitectureError(
                f"{self.network.describe()} has {self.network.num_parameters} parameters; at most {MAX_SUPERPOSED} "
                "can be in superposition at once: hold the others fixed with {free} and {values}, or train by blocks "
                "({strategy} block)",
                free=..., values=..., strategy=...,
            )

    @cached_property
    def landscape(self) -> Landscape:
        self._require_superposable()
        return compute_landscape(self.network, self.data, condition=self.condition)

    @cached_property
    def good_mask(self) -> np.ndarray:
        """Per configuration: is it a solution (meets the target and is not excluded)?"""
        mask = self.landscape.good_mask(self.target)  # a new array (a comparison): no copy needed at 2^p
        if self.exclude:
            mask[list(self.exclude)] = False
        mask.setflags(write=False)
        return mask

    @property
    def num_solutions(self) -> int:
        return int(np.count_nonzero(self.good_mask))

    def correct_count(self, index: int) -> int:
        """Classical check of one configuration: how many points it classifies correctly."""
        if self.condition is None:
            return int(self.network.correct_bits_for(index, self.data.X, self.data.y).sum())
        weights, connections = self.network.split_parameters(self.condition.vector(index))
        return int((self.network.forward(self.data.X, weights, connections) == self.data.y).sum())

    def is_good(self, index: int) -> bool:
        return self.correct_count(index) >= self.target and int(index) not in self.exclude

    # --- circuits -------------------------------------------------------------------

    @cached_property
    def _base_qbnn(self) -> QBNNCircuit:
        """U as the paper builds it (no oracle workspace); fixed parameters folded to constants."""
        self._require_superposable()
        if self.condition is not None:
            from qbnn.compile.folded import compile_folded

            return compile_folded(self.network, self.data, self.condition, activation=self.activation).qbnn_circuit()
        return compile_qbnn(self.network, self.data, activation=self.activation)

    @cached_property
    def _workspace_qbnn(self) -> QBNNCircuit:
        """U with the count register of the threshold oracle (the same for every target below all points)."""
        from qbnn.compile.threshold import with_threshold_workspace

        return with_threshold_workspace(self._base_qbnn, self.target)

    @cached_property
    def qbnn(self) -> QBNNCircuit:
        """U, with whatever work registers the oracle needs (a count register for targets below all points)."""
        return self._base_qbnn if self.target == self.data.num_points else self._workspace_qbnn

    def variant(self, **changes) -> TrainingProblem:
        """The same problem with some fields changed: the one way to derive a problem (every other field is copied).

        >>> TrainingProblem.paper(1, batch_size=4).variant(activation="counter").batch_size
        4
        """
        unknown = sorted(set(changes) - set(_INIT_FIELDS))
        if unknown:
            raise TypeError(f"TrainingProblem has no field(s) {', '.join(unknown)}; fields: {', '.join(_INIT_FIELDS)}")
        current = {name: getattr(self, name) for name in _INIT_FIELDS}
        if "free" in changes and "values" not in changes and self.condition is None:
            current["values"] = None
        return TrainingProblem(**{**current, **changes})

    def with_target(self, min_correct: int) -> TrainingProblem:
        """The same search with another accuracy target, reusing the U circuits already compiled.

        Durr-Hoyer minimum finding raises the target many times; U does not change. Every other field
        (batch size, exclusions, free set) is kept; a combination the library cannot run is refused.
        """
        other = self.variant(min_correct=min_correct)
        for name in ("_base_qbnn", "_workspace_qbnn"):
            if name in self.__dict__:  # cached_property values live in the instance dict
                other.__dict__[name] = self.__dict__[name]
        return other

    @cached_property
    def oracle(self) -> QuantumCircuit | None:
        """S_chi: None for the paper's oracle, else the threshold/exclusion marking oracle."""
        if self.uses_paper_oracle:
            return None
        from qbnn.compile.threshold import marking_oracle

        return marking_oracle(self.qbnn, min_correct=self.target, exclude=self.exclude)

    @cached_property
    def grover_iterate(self) -> QuantumCircuit:
        """Q = -U S_0 U^-1 S_chi for this problem."""
        return grover_iterate(self.qbnn, self.oracle)

    @cached_property
    def minibatch(self):
        """The minibatch circuits (:mod:`qbnn.compile.minibatch`), or None without ``batch_size``."""
        if self.batch_size is None:
            return None
        from qbnn.compile.minibatch import compile_minibatch

        return compile_minibatch(self.network, self.data, int(self.batch_size), activation=self.activation)

    # --- what an engine runs: a state preparation, then iterate(0), iterate(1), ... ------------

    @property
    def state_preparation(self) -> QuantumCircuit:
        """The circuit before the first Grover iterate: U, or H on the parameters with minibatches."""
        return self.qbnn.circuit if self.minibatch is None else self.minibatch.preparation

    @property
    def iterate_parts(self) -> tuple[QuantumCircuit, QuantumCircuit, QuantumCircuit] | None:
        """(S_chi, U, S_0) that compose :attr:`grover_iterate`; None with minibatches (one iterate per batch)."""
        if self.minibatch is not None:
            return None
        return iterate_parts(self.qbnn, self.oracle)

    @property
    def iterates(self) -> list[QuantumCircuit]:
        """The distinct Grover iterates, applied in turn (one, or one per minibatch)."""
        return [self.grover_iterate] if self.minibatch is None else list(self.minibatch.iterates)

    @property
    def parameter_qubits(self) -> list[int]:
        return self.qbnn.parameter_qubits if self.minibatch is None else self.minibatch.parameter_qubits

    @property
    def num_qubits(self) -> int:
        return self.state_preparation.num_qubits

    def full_batch(self) -> TrainingProblem:
        """The same search with one oracle over all points (what minibatch oracles are compared with)."""
        if self.batch_size is None:
            return self
        return self.variant(batch_size=None)

    def minibatch_saving(self) -> MinibatchSaving | None:
        """The qubits the minibatch oracles save against the full-batch circuit (paper section 6), or None."""
        if self.batch_size is None:
            return None
        return MinibatchSaving(int(self.batch_size), len(self.iterates), self.num_qubits, self.full_batch().num_qubits)


#: The fields a TrainingProblem is constructed from (what :meth:`TrainingProblem.variant` copies).
_INIT_FIELDS = tuple(f.name for f in fields(TrainingProblem) if f.init)


@dataclass(frozen=True)
class MinibatchSaving:
    """Minibatch oracles (paper section 6): B points per Grover iteration need fewer accuracy qubits.

    >>> saving = TrainingProblem.paper(1, batch_size=2).minibatch_saving()
    >>> saving.batches, saving.qubits_saved
    (4, 6)
    """

    batch_size: int
    batches: int
    qubits: int
    full_batch_qubits: int

    @property
    def qubits_saved(self) -> int:
        return self.full_batch_qubits - self.qubits

    def to_json(self) -> dict[str, int]:
        return {
            "batch_size": self.batch_size,
            "batches": self.batches,
            "qubits": self.qubits,
            "full_batch_qubits": self.full_batch_qubits,
            "qubits_saved": self.qubits_saved,
        }
