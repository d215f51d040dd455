"""Engine ``structured``: the QBNN circuits U and Q run by the structured exact engine.

U is compiled once and run once; Q is compiled once and applied k times,
keeping the latest state so increasing k costs one iterate per step. The
parameter register's exact marginal after U Q^k is the distribution.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from qbnn.engines.protocol import Amplification
from qbnn.engines.structured import StructuredSimulator, StructuredState

if TYPE_CHECKING:
    from qbnn.problem import TrainingProblem

__all__ = ["StructuredEngine", "StructuredAmplification"]


class StructuredAmplification(Amplification):
    engine_name = "structured"

    @property
    def q_program(self):
        """The (first) compiled Grover iterate."""
        return self.q_programs[0]

    def __init__(self, problem: TrainingProblem, simulator: StructuredSimulator) -> None:
        super().__init__(problem)
        self.simulator = simulator
        # refuse at once, before compiling and growing the index one H at a time
        simulator.check_memory(problem.num_qubits, len(problem.parameter_qubits))
        self.u_program = simulator.compile(problem.state_preparation)
        self.q_programs = [simulator.compile(q) for q in problem.iterates]
        self.parameter_qubits = problem.parameter_qubits
        self._initial: StructuredState | None = None
        self._state: StructuredState | None = None
        self._state_k = -1

    def _advance_to(self, k: int) -> StructuredState:
        if self._initial is None:
            self._initial = self.simulator.run(self.u_program)
        if self._state is None or k < self._state_k:
            self._state, self._state_k = self._initial.copy(), 0
        if len(self.q_programs) == 1:
            self.q_programs[0].repeat(self._state, k - self._state_k, self.simulator)
        else:  # minibatches: iteration i uses batch i mod r
            for step in range(self._state_k, k):
                self.q_programs[step % len(self.q_programs)].apply(self._state, self.simulator)
        self._state_k = k
        return self._state

    def state_after(self, k: int) -> StructuredState:
        """The exact state U Q^k |0> (a copy; the engine keeps its own)."""
        return self._advance_to(k).copy()

    def prefetch(self, ks) -> None:
        for k in sorted({int(k) for k in ks}):
            if k not in self._cache:
                self.distribution(k)

    def _compute_distribution(self, k: int) -> np.ndarray:
        return self._advance_to(k).probabilities(self.parameter_qubits)


class StructuredEngine:
    """Engine ``structured``: exact and fast; 2^p amplitudes for p parameter qubits."""

    name = "structured"

    def __init__(self, max_memory_bytes: int | None = None) -> None:
        self.simulator = StructuredSimulator(max_memory_bytes=max_memory_bytes)

    def prepare(self, problem: TrainingProblem) -> StructuredAmplification:
        return StructuredAmplification(problem, self.simulator)
