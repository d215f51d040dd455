"""The structured exact engine (DESIGN.md section 3): 2^p real amplitudes and packed bit-rows.

The state is always sum_i a_i |phi(i)>, i over the 2^p settings of the
superposed ("index") bits, where every qubit is a classical bit function of
i. Each qubit is stored as a row of 2^p bits (uint64 words) and the a_i as a
real vector (complex once a gate needs it), with one complex global phase
beside them. Permutations and Z-type signs act on the rows and signs; any
single-qubit unitary (and its controlled versions) is a 2x2 butterfly on a
free index bit, and a qubit that is not one becomes a new index bit
(:mod:`qbnn.engines.complex_kernels`). A
gate costs O(2^p / 64) word operations instead of O(2^n) amplitudes, and the
whole gate list runs in one numba loop, tiled over the words so that the rows
stay in cache (:mod:`qbnn.engines.bitrow_kernels`).

>>> from qiskit import QuantumCircuit
>>> qc = QuantumCircuit(3)
>>> _ = qc.h(0); _ = qc.cx(0, 1); _ = qc.ccx(0, 1, 2)
>>> state = StructuredSimulator().run(qc)
>>> state.num_index_bits, state.probabilities([0, 1, 2]).round(3).tolist()
(1, [0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5])
"""

from __future__ import annotations

import cmath
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from qiskit import QuantumCircuit

from qbnn.engines.bitrow_kernels import DONE, NEEDS_EXTENSION, REFUSED_H, run_ops_tiled
from qbnn.engines.bitrows import draw_indices, extend_index, index_outcomes, row_bits
from qbnn.engines.complex_kernels import apply_general_op
from qbnn.engines.lowering import LoweredCircuit, lower_circuit, pack_ops
from qbnn.errors import ResourceLimitError
from qbnn.memory import available_memory_bytes, format_bytes

__all__ = ["StructuredState", "StructuredProgram", "StructuredSimulator", "state_memory_bytes"]

#: Largest number of qubits for which a dense marginal or state vector is materialised.
MAX_DENSE_QUBITS = 26
#: Words per tile of the kernel's loop tiling; 0 sizes tiles to the cache (tests set small tiles).
_TILE_WORDS = 0


def _num_words(num_index: int) -> int:
    return max(1, (1 << num_index) // 64)


def state_memory_bytes(num_qubits: int, num_index: int) -> int:
    """Bytes for 2^p float64 amplitudes plus one 2^p-bit row per qubit (and one scratch copy)."""
    return 2 * ((1 << num_index) * 8 + num_qubits * _num_words(num_index) * 8)


@dataclass
class StructuredState:
    """sum_i a_i |phi(i)>: ``amplitudes`` a (real), ``rows`` phi as packed bits, and a global phase."""

    rows: np.ndarray  # uint64, (num_qubits, words)
    amplitudes: np.ndarray  # float64, (2^p,)
    num_index_bits: int
    global_phase: complex = 1.0

    @classmethod
    def zero(cls, num_qubits: int) -> StructuredState:
        """|0...0>: no index bits yet, one amplitude 1."""
        return cls(np.zeros((num_qubits, 1), dtype=np.uint64), np.ones(1), 0, 1.0 + 0j)

    @property
    def num_qubits(self) -> int:
        return int(self.rows.shape[0])

    def copy(self) -> StructuredState:
        return StructuredState(self.rows.copy(), self.amplitudes.copy(), self.num_index_bits, self.global_phase)

    def row_bits(self, qubit: int) -> np.ndarray:
        """The qubit's value (0/1) at every index i, as uint8 of length 2^p."""
        return row_bits(self.rows[qubit], self.num_index_bits)

    def basis_outcome_of_index(self, qubits: Sequence[int]) -> np.ndarray:
        """For each index i, the integer value of ``qubits`` (qubits[0] least significant)."""
        qubits = list(qubits)
        if len(qubits) > 62:
            raise ResourceLimitError("at most 62 qubits can be read as one integer; measure fewer")
        return index_outcomes(self.rows, qubits, self.num_index_bits)

    def probabilities(self, qubits: Sequence[int] | None = None) -> np.ndarray:
        """Exact marginal distribution of ``qubits`` (Qiskit little-endian order)."""
        qubits = list(range(self.num_qubits)) if qubits is None else list(qubits)
        if len(qubits) > MAX_DENSE_QUBITS:
            raise ResourceLimitError(
                f"a distribution over {len(qubits)} qubits has 2^{len(qubits)} entries; ask for at most "
                f"{MAX_DENSE_QUBITS} qubits or sample instead"
            )
        weights = self.weights()
        outcome = self.basis_outcome_of_index(qubits)
        if len(qubits) == self.num_index_bits and np.array_equal(outcome, np.arange(outcome.size)):
            return weights.copy()
        return np.bincount(outcome, weights=weights, minlength=1 << len(qubits))

    def sample(self, qubits: Sequence[int], shots: int, rng: np.random.Generator) -> np.ndarray:
        """``shots`` measurement outcomes of ``qubits`` (integers), drawn with ``rng`` from the exact distribution."""
        return self.basis_outcome_of_index(qubits)[self.draw_indices(shots, rng)]

    def weights(self) -> np.ndarray:
        """|a_i|^2 for every index setting (real amplitudes: a_i^2, bit for bit as before)."""
        a = self.amplitudes
        return a**2 if a.dtype != np.complex128 else a.real**2 + a.imag**2

    def draw_indices(self, shots: int, rng: np.random.Generator) -> np.ndarray:
        """``shots`` index settings i drawn with ``rng`` with probability a_i^2."""
        return draw_indices(self.amplitudes, shots, rng)

    def statevector(self) -> np.ndarray:
        """The full complex state vector (only for small circuits), including the global phase."""
        if self.num_qubits > MAX_DENSE_QUBITS:
            raise ResourceLimitError(
                f"a state vector of {self.num_qubits} qubits needs {format_bytes(16 * 2.0**self.num_qubits)}; "
                "use probabilities() on the qubits you need"
            )
        vector = np.zeros(1 << self.num_qubits, dtype=np.complex128)
        np.add.at(vector, self.basis_outcome_of_index(range(self.num_qubits)), self.amplitudes * self.global_phase)
        return vector


@dataclass
class StructuredProgram:
    """A circuit compiled once for the engine: packed ops, global phase, measurements."""

    num_qubits: int
    lowered: LoweredCircuit
    arrays: tuple[np.ndarray, ...]

    @property
    def num_ops(self) -> int:
        return len(self.lowered.ops)

    @property
    def measurements(self) -> list[tuple[int, int]]:
        return self.lowered.measurements

    def apply(self, state: StructuredState, simulator: StructuredSimulator | None = None) -> StructuredState:
        """Apply the program to ``state`` in place (arrays may be replaced when the index grows)."""
        if state.num_qubits != self.num_qubits:
            raise ValueError(f"program has {self.num_qubits} qubits, state has {state.num_qubits}")
        limit = (simulator or StructuredSimulator()).max_memory_bytes
        kinds, targets, starts, cq, cp = self.arrays
        position = 0
        total = len(kinds)
        while position < total:
            status, where = run_ops_tiled(
                state.rows, state.amplitudes, state.num_index_bits, kinds, targets, starts, cq, cp, position, total, _TILE_WORDS
            )
            if status == DONE:
                break
            op = self.lowered.ops[where]
            if status == NEEDS_EXTENSION:
                _extend_index(state, op.target, limit)
            else:  # a general single-qubit gate, or an H on a qubit other qubits depend on (it becomes an index bit)
                assert status == REFUSED_H or op.kind not in (0, 1, 2, 3), status
                apply_general_op(state, op, limit)
            position = where + 1
        state.global_phase *= cmath.exp(1j * self.lowered.global_phase)
        return state

    def repeat(self, state: StructuredState, k: int, simulator: StructuredSimulator | None = None) -> StructuredState:
        """Apply the program ``k`` times (e.g. k Grover iterates)."""
        for _ in range(k):
            self.apply(state, simulator)
        return state


def _extend_index(state: StructuredState, qubit: int, limit: int) -> None:
    """H on a constant qubit: add index bit p, duplicating every row; the qubit becomes that bit."""
    p = state.num_index_bits
    need = state_memory_bytes(state.num_qubits, p + 1)
    if need > limit:
        raise ResourceLimitError(
            f"the structured state would grow to {p + 1} superposed qubits and need {format_bytes(need)} but only "
            f"{format_bytes(limit)} is available; put fewer qubits in superposition (fewer parameters)"
        )
    constant = int(state.row_bits(qubit)[0])
    state.rows, state.amplitudes = extend_index(state.rows, state.amplitudes, p, qubit, constant)
    state.num_index_bits = p + 1


class StructuredSimulator:
    """Compile Qiskit circuits of the supported class and run them exactly.

    ``max_memory_bytes`` bounds the state (default: 80% of available memory).
    """

    name = "structured"

    def __init__(self, *, max_memory_bytes: int | None = None) -> None:
        self.max_memory_bytes = available_memory_bytes() if max_memory_bytes is None else int(max_memory_bytes)

    def compile(self, circuit: QuantumCircuit) -> StructuredProgram:
        """Classify and lower the gates once; refuses unsupported gates with their position."""
        lowered = lower_circuit(circuit)
        return StructuredProgram(circuit.num_qubits, lowered, pack_ops(lowered.ops))

    def check_memory(self, num_qubits: int, num_index: int) -> None:
        need = state_memory_bytes(num_qubits, num_index)
        if need > self.max_memory_bytes:
            raise ResourceLimitError(
                f"{num_index} superposed qubits with {num_qubits} qubits in all need {format_bytes(need)} but only "
                f"{format_bytes(self.max_memory_bytes)} is available; use fewer parameters (smaller {{layers}}, no {{meta}})",
                layers=...,
                meta=...,
            )

    def run(self, circuit: QuantumCircuit | StructuredProgram, state: StructuredState | None = None) -> StructuredState:
        """Run from |0...0> (or from ``state``, in place) and return the final state."""
        program = circuit if isinstance(circuit, StructuredProgram) else self.compile(circuit)
        if state is None:  # the index grows one H at a time; each growth is checked before allocating
            state = StructuredState.zero(program.num_qubits)
        return program.apply(state, self)
