"""Engine ``aer``: the reference — Qiskit Aer's state-vector method on the full circuit U Q^k.

It simulates all n qubits (2^n complex amplitudes), so it is slow and
memory-hungry, but it is an independent, general simulator: the structured
engine is checked against it. Qiskit Aer is an optional extra (``qbnn[aer]``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from qbnn.engines.protocol import Amplification
from qbnn.errors import EngineUnavailableError, ResourceLimitError
from qbnn.core.memory import format_bytes, machine_memory_bytes

if TYPE_CHECKING:
    from qbnn.problem import TrainingProblem

__all__ = ["AerEngine", "AerAmplification", "load_aer_simulator"]


def load_aer_simulator():
    """Qiskit Aer's statevector simulator, or a one-line error saying how to install it."""
    try:
        from qiskit_aer import AerSimulator
    except ImportError:
        raise EngineUnavailableError(
            "{engine} needs Qiskit Aer, which is not installed; run: pip install 'qbnn[aer]' "
            "(or use the structured engine)",
            engine="aer",
        ) from None
    return AerSimulator(method="statevector")


#: Seconds per gate and per amplitude of Aer's state vector, measured on this kind of 2-core machine (the paper's
#: problem-1 iterate: 824 gates on 25 qubits in about 34 s); the estimate only has to tell minutes from hours.
AER_SECONDS_PER_GATE_AMPLITUDE = 1.2e-9
#: Runs estimated to take longer are refused unless ``max_seconds`` is raised (``--force`` on the command line).
DEFAULT_MAX_SECONDS = 600.0


class AerAmplification(Amplification):
    engine_name = "aer"

    def __init__(
        self, problem: TrainingProblem, max_memory_bytes: int | None = None, *, max_seconds: float = DEFAULT_MAX_SECONDS,
        announce=None,
    ) -> None:
        super().__init__(problem)
        self.max_memory_bytes = max_memory_bytes
        self.max_seconds = float(max_seconds)
        self.announce = announce  # announce(text) before a run estimated to take more than a few seconds
        n = problem.num_qubits
        need = (1 << n) * 16
        limit = machine_memory_bytes() if max_memory_bytes is None else max_memory_bytes  # not the momentary load
        if need > limit:
            raise ResourceLimitError(
                f"Aer's state vector for {n} qubits needs {format_bytes(need)} but at most {format_bytes(limit)} "
                "may be used on this machine (80% of its memory); use {engine} structured "
                "(it needs 2^p amplitudes, p = parameter qubits)",
                engine=...,
            )
        self._simulator = load_aer_simulator()

    def prefetch(self, ks: Iterable[int]) -> None:
        """Run U Q^max(ks) once, saving the parameter marginal after each requested k."""
        from qiskit import transpile

        wanted = sorted({int(k) for k in ks if int(k) not in self._cache})
        if not wanted:
            return
        seconds = self.estimated_seconds(wanted[-1])
        if seconds > self.max_seconds:
            raise ResourceLimitError(
                f"Aer would need about {_duration(seconds)} for k up to {wanted[-1]} ({self.problem.num_qubits} qubits, "
                f"state vector of {format_bytes((1 << self.problem.num_qubits) * 16)}); use {{engine}} structured "
                "(exact, the same numbers in seconds) or {max_seconds} to run it anyway",
                engine=..., max_seconds=...,
            )
        if self.announce is not None and seconds > 5:
            self.announce(f"Aer: about {_duration(seconds)} estimated for k = {', '.join(map(str, wanted))} (one run)")
        params = self.problem.parameter_qubits
        circuit = self.problem.state_preparation.copy()
        iterates = self.problem.iterates
        for k in range(wanted[-1] + 1):
            if k > 0:
                circuit.compose(iterates[(k - 1) % len(iterates)], inplace=True)
            if k in wanted:
                circuit.save_probabilities(params, label=f"k{k}")
        compiled = transpile(circuit, self._simulator, optimization_level=0)
        data = self._simulator.run(compiled, shots=1).result().data(0)
        for k in wanted:
            dist = np.asarray(data[f"k{k}"], dtype=np.float64)
            dist.setflags(write=False)
            self._cache[k] = dist

    def estimated_seconds(self, k: int) -> float:
        """Aer's time for U Q^k from the gate counts and 2^n (:data:`AER_SECONDS_PER_GATE_AMPLITUDE`)."""
        gates = self.problem.state_preparation.size() + int(k) * max(q.size() for q in self.problem.iterates)
        return AER_SECONDS_PER_GATE_AMPLITUDE * gates * float(1 << self.problem.num_qubits)

    def with_problem(self, problem: TrainingProblem) -> AerAmplification:
        return AerAmplification(problem, self.max_memory_bytes, max_seconds=self.max_seconds, announce=self.announce)

    def _compute_distribution(self, k: int) -> np.ndarray:
        self.prefetch([k])
        return self._cache[k]


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min" if seconds < 7200 else f"{seconds / 3600:.0f} h"


class AerEngine:
    """Engine ``aer``: Qiskit Aer statevector on the whole circuit (reference, slow).

    Runs estimated to take more than ``max_seconds`` are refused before they start, with the estimate.
    """

    name = "aer"

    def __init__(self, max_memory_bytes: int | None = None, *, max_seconds: float = DEFAULT_MAX_SECONDS, announce=None) -> None:
        self.max_memory_bytes = max_memory_bytes
        self.max_seconds = float(max_seconds)
        self.announce = announce

    def prepare(self, problem: TrainingProblem) -> AerAmplification:
        return AerAmplification(problem, self.max_memory_bytes, max_seconds=self.max_seconds, announce=self.announce)
