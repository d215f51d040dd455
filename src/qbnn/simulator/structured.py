"""The structured exact engine (docs/concepts/engine.md): 2^p real amplitudes and packed bit-rows.

The state is always sum_i a_i |phi(i)>, i over the 2^p settings of the
superposed ("index") bits, where every qubit is a classical bit function of
i. Each qubit is stored as a row of 2^p bits (uint64 words) and the a_i as a
real vector (complex once a gate needs it), with one complex global phase
beside them. Permutations and Z-type signs act on the rows and signs; any
single-qubit unitary (and its controlled versions) is a 2x2 butterfly on a
free index bit, and a qubit that is not one becomes a new index bit
(:mod:`qbnn.simulator.complex_kernels`). A
gate costs O(2^p / 64) word operations instead of O(2^n) amplitudes, and the
whole gate list runs in one numba loop, tiled over the words so that the rows
stay in cache (:mod:`qbnn.simulator.kernels`).

>>> from qiskit import QuantumCircuit
>>> qc = QuantumCircuit(3)
>>> _ = qc.h(0); _ = qc.cx(0, 1); _ = qc.ccx(0, 1, 2)
>>> state = StructuredSimulator().run(qc)
>>> state.num_index_bits, state.probabilities([0, 1, 2]).round(3).tolist()
(1, [0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5])
"""

from __future__ import annotations

import cmath
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numba
import numpy as np
from qiskit import QuantumCircuit

from qbnn.simulator.kernels import DONE, NEEDS_EXTENSION, REFUSED_H, classical_run_parallel, run_ops_tiled
from qbnn.simulator.bitrows import draw_indices, extend_index, index_outcomes, row_bits
from qbnn.simulator.complex_kernels import apply_general_op
from qbnn.simulator.lowering import lower_circuit, lower_grover_iterate
from qbnn.simulator.ops import LoweredCircuit, pack_ops
from qbnn.errors import ResourceLimitError
from qbnn.core.memory import available_memory_bytes, format_bytes

__all__ = ["StructuredState", "StructuredProgram", "StructuredSimulator", "state_memory_bytes"]

#: Largest number of qubits for which a dense marginal or state vector is materialised.
MAX_DENSE_QUBITS = 26
#: Words per tile of the kernel's loop tiling; 0 sizes tiles to the cache (tests set small tiles).
_TILE_WORDS = 0


def _num_words(num_index: int) -> int:
    return max(1, (1 << num_index) // 64)


def state_memory_bytes(num_qubits: int, num_index: int) -> int:
    """Bytes for 2^p float64 amplitudes plus one 2^p-bit row per qubit: the engine's real peak.

    The index grows in place inside buffers reserved for the final size (:meth:`StructuredState.zero`),
    so no scratch copy is ever made; a state grown past its reservation is reallocated, and that
    growth is checked for old + new (:func:`_extend_index`).
    """
    return (1 << num_index) * 8 + num_qubits * _num_words(num_index) * 8


@dataclass
class StructuredState:
    """sum_i a_i |phi(i)>: ``amplitudes`` a (real), ``rows`` phi as packed bits, and a global phase."""

    rows: np.ndarray  # uint64, (num_qubits, words)
    amplitudes: np.ndarray  # float64, (2^p,)
    num_index_bits: int
    global_phase: complex = 1.0
    #: flat buffers reserved for a larger index (rows and amplitudes are views at their start), or None
    _row_buffer: np.ndarray | None = field(default=None, repr=False, compare=False)
    _amp_buffer: np.ndarray | None = field(default=None, repr=False, compare=False)

    @classmethod
    def zero(cls, num_qubits: int, capacity_index_bits: int = 0) -> StructuredState:
        """|0...0>: no index bits yet, one amplitude 1.

        ``capacity_index_bits`` reserves (virtual, untouched) memory for an index of that many bits, so
        that the index grows in place, without a scratch copy, up to that size.
        """
        if capacity_index_bits <= 0:
            return cls(np.zeros((num_qubits, 1), dtype=np.uint64), np.ones(1), 0, 1.0 + 0j)
        row_buffer = np.zeros(num_qubits * _num_words(capacity_index_bits), dtype=np.uint64)  # calloc: pages untouched
        amp_buffer = np.empty(1 << capacity_index_bits)
        amp_buffer[0] = 1.0
        rows = row_buffer[:num_qubits].reshape(num_qubits, 1)
        return cls(rows, amp_buffer[:1], 0, 1.0 + 0j, row_buffer, amp_buffer)

    @property
    def capacity_index_bits(self) -> int:
        """The largest index this state can grow to in place (its current size without a reservation)."""
        if self._amp_buffer is None or self.amplitudes.base is not self._amp_buffer or self.rows.base is not self._row_buffer:
            return self.num_index_bits
        return int(self._amp_buffer.size).bit_length() - 1

    @property
    def num_qubits(self) -> int:
        return int(self.rows.shape[0])

    def copy(self) -> StructuredState:
        """An independent copy of the state as it is now (without the reservation for growth)."""
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

    @cached_property
    def phase_factor(self) -> complex:
        """exp(i * global phase), computed once per program."""
        return cmath.exp(1j * self.lowered.global_phase)

    @property
    def num_hadamards(self) -> int:
        """H gates in the program: a bound on how far one run from |0...0> can grow the index."""
        return int(np.count_nonzero(self.arrays[0] == 3))

    @property
    def measurements(self) -> list[tuple[int, int]]:
        return self.lowered.measurements

    @classmethod
    def of(cls, lowered: LoweredCircuit) -> StructuredProgram:
        """The program of already lowered ops (packed once for the kernels)."""
        return cls(lowered.num_qubits, lowered, pack_ops(lowered.ops))

    @cached_property
    def _classical_run_end(self) -> np.ndarray:
        """For each op index i: the end of the run of classical ops (kind < 3) starting at i (i if op i is not one)."""
        return _first_at_or_after(self.arrays[0] >= 3)

    @cached_property
    def _next_classical(self) -> np.ndarray:
        """For each op index i: the first classical op at or after i (the number of ops if none)."""
        return _first_at_or_after(self.arrays[0] < 3)

    def apply(self, state: StructuredState, simulator: StructuredSimulator | None = None) -> StructuredState:
        """Apply the program to ``state`` in place (arrays may be replaced when the index grows)."""
        if state.num_qubits != self.num_qubits:
            raise ValueError(f"program has {self.num_qubits} qubits, state has {state.num_qubits}")
        kinds, targets, starts, cq, cp = self.arrays
        position = 0
        total = len(kinds)
        while position < total:
            stop = total
            if _use_threads(state):  # runs of classical gates over the cores, the rest as below
                end = int(self._classical_run_end[position])
                if end > position:
                    classical_run_parallel(
                        state.rows, state.amplitudes, state.num_index_bits, kinds, targets, starts, cq, cp, position, end,
                        numba.get_num_threads(),
                    )
                    position = end
                    continue
                stop = int(self._next_classical[position])
            status, where = run_ops_tiled(
                state.rows, state.amplitudes, state.num_index_bits, kinds, targets, starts, cq, cp, position, stop, _TILE_WORDS
            )
            if status == DONE:
                position = stop
                continue
            op = self.lowered.ops[where]
            limit = (simulator or StructuredSimulator()).max_memory_bytes  # read only here: it costs more than a small run
            if status == NEEDS_EXTENSION:
                _extend_index(state, op.target, limit)
            else:  # a general single-qubit gate, or an H on a qubit other qubits depend on (it becomes an index bit)
                assert status == REFUSED_H or op.kind not in (0, 1, 2, 3), status
                apply_general_op(state, op, limit)
            position = where + 1
        state.global_phase *= self.phase_factor
        return state

    def repeat(self, state: StructuredState, k: int, simulator: StructuredSimulator | None = None) -> StructuredState:
        """Apply the program ``k`` times (e.g. k Grover iterates)."""
        for _ in range(k):
            self.apply(state, simulator)
        return state


def _first_at_or_after(flags: np.ndarray) -> np.ndarray:
    """For each index i, the first j >= i with ``flags[j]`` (``len(flags)`` if none)."""
    total = flags.size
    found = np.where(flags, np.arange(total), total)
    return np.minimum.accumulate(found[::-1])[::-1] if total else found


#: Rows of at least this many words (p >= 20) run their classical gates on every core numba has.
PARALLEL_MIN_WORDS = 1 << 14


def _use_threads(state: StructuredState) -> bool:
    """Threads pay on large states, from the main thread only (numba's pools are not for nested callers)."""
    return (
        state.rows.shape[1] >= PARALLEL_MIN_WORDS
        and state.num_index_bits >= 6
        and state.amplitudes.dtype == np.float64
        and threading.current_thread() is threading.main_thread()
        and numba.get_num_threads() > 1
    )


def _extend_index(state: StructuredState, qubit: int, limit: int) -> None:
    """H on a constant qubit: add index bit p, duplicating every row; the qubit becomes that bit.

    In place when the state reserved room for it (and p >= 6: whole words), else into new arrays.
    """
    p = state.num_index_bits
    in_place = p < state.capacity_index_bits
    need = state_memory_bytes(state.num_qubits, p + 1) + (0 if in_place else state_memory_bytes(state.num_qubits, p))
    if need > limit:
        raise ResourceLimitError(
            f"the structured state would grow to {p + 1} superposed qubits and need {format_bytes(need)} but only "
            f"{format_bytes(limit)} is available; put fewer qubits in superposition (fewer parameters)"
        )
    constant = int(state.rows[qubit, 0] & np.uint64(1))
    if in_place:
        _extend_in_place(state, qubit, constant)
        return
    state.rows, state.amplitudes = extend_index(state.rows, state.amplitudes, p, qubit, constant)
    state.num_index_bits = p + 1
    state._row_buffer = state._amp_buffer = None


def _extend_in_place(state: StructuredState, qubit: int, constant: int) -> None:
    """:func:`~qbnn.simulator.bitrows.extend_index` inside the reserved buffers, with the same arithmetic.

    Row r moves from [r w, r w + w) to [2 r w, 2 r w + 2 w) of the flat buffer (both halves): going from
    the last row down, no row is overwritten before it is read, so no scratch copy is needed.
    """
    assert state._row_buffer is not None and state._amp_buffer is not None
    p, num_qubits = state.num_index_bits, state.num_qubits
    flat, amp = state._row_buffer, state._amp_buffer
    if p < 6:  # within one word: small new arrays, copied into the reservation
        rows, amplitudes = extend_index(state.rows, state.amplitudes, p, qubit, constant)
        flat[:num_qubits] = rows[:, 0]
        amp[: amplitudes.size] = amplitudes
        state.rows, state.amplitudes, state.num_index_bits = flat[:num_qubits].reshape(num_qubits, 1), amp[: amplitudes.size], p + 1
        return
    words = state.rows.shape[1]
    for r in range(num_qubits - 1, -1, -1):
        source = flat[r * words : (r + 1) * words]
        flat[(2 * r + 1) * words : (2 * r + 2) * words] = source
        if r:
            flat[2 * r * words : (2 * r + 1) * words] = source
    rows = flat[: num_qubits * 2 * words].reshape(num_qubits, 2 * words)
    rows[qubit, :words] = 0
    rows[qubit, words:] = np.uint64(0xFFFFFFFFFFFFFFFF)
    size = 1 << p
    low, high = amp[:size], amp[size : 2 * size]
    np.multiply(low, (-1.0) ** constant, out=high)  # the same operations as extend_index: (a * s) / sqrt(2)
    np.divide(high, math.sqrt(2), out=high)
    np.divide(low, math.sqrt(2), out=low)
    state.rows, state.amplitudes, state.num_index_bits = rows, amp[: 2 * size], p + 1


class StructuredSimulator:
    """Compile Qiskit circuits of the supported class and run them exactly.

    ``max_memory_bytes`` bounds the state (default: 80% of available memory).
    """

    name = "structured"

    def __init__(self, *, max_memory_bytes: int | None = None) -> None:
        self.max_memory_bytes = available_memory_bytes() if max_memory_bytes is None else int(max_memory_bytes)

    def compile(self, circuit: QuantumCircuit) -> StructuredProgram:
        """Classify and lower the gates once; refuses unsupported gates with their position."""
        return StructuredProgram.of(lower_circuit(circuit))

    def compile_iterates(self, problem, preparation: StructuredProgram) -> list[StructuredProgram]:
        """The problem's Grover iterates compiled; with one iterate, from its parts and ``preparation`` (U, lowered).

        The same ops as compiling ``problem.grover_iterate`` (:func:`~qbnn.simulator.lowering.lower_grover_iterate`),
        without Qiskit composing and the lowering walking U twice more per target of a minimum-finding run.
        """
        parts = problem.iterate_parts
        if parts is None:  # minibatches: one iterate per batch, each on its own circuit
            return [self.compile(q) for q in problem.iterates]
        return [StructuredProgram.of(lower_grover_iterate(*parts, lowered_preparation=preparation.lowered))]

    def check_memory(self, num_qubits: int, num_index: int) -> None:
        need = state_memory_bytes(num_qubits, num_index)
        if need > self.max_memory_bytes:
            raise ResourceLimitError(
                f"{num_index} superposed qubits with {num_qubits} qubits in all need {format_bytes(need)} but only "
                f"{format_bytes(self.max_memory_bytes)} is available; use fewer parameters (smaller {{layers}}, no {{meta}})",
                layers=...,
                meta=...,
            )

    def largest_index(self, num_qubits: int) -> int:
        """The most superposed qubits a state of ``num_qubits`` qubits can have within ``max_memory_bytes``."""
        bits = 0
        while bits < 62 and state_memory_bytes(num_qubits, bits + 1) <= self.max_memory_bytes:
            bits += 1
        return bits

    def run(
        self,
        circuit: QuantumCircuit | StructuredProgram,
        state: StructuredState | None = None,
        *,
        capacity_index_bits: int | None = None,
    ) -> StructuredState:
        """Run from |0...0> (or from ``state``, in place) and return the final state.

        From |0...0>, room for the index is reserved up front (``capacity_index_bits``, default: one bit
        per H of the program, at most what fits), so the index grows in place; each growth is still
        checked against ``max_memory_bytes`` before any page of it is touched.
        """
        program = circuit if isinstance(circuit, StructuredProgram) else self.compile(circuit)
        if state is None:
            wanted = program.num_hadamards if capacity_index_bits is None else capacity_index_bits
            state = StructuredState.zero(program.num_qubits, min(wanted, self.largest_index(program.num_qubits)))
        return program.apply(state, self)
