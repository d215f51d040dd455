"""The structured engine's general single-qubit gates: 2x2 butterflies and phases on (possibly complex) amplitudes.

The compiled real kernel (:mod:`qbnn.simulator.kernels`) stops at an op
of kind ``UNITARY`` or ``DIAGONAL``; :func:`apply_general_op` runs it here:

- ``DIAGONAL``: multiply the amplitudes by the op's factor where every
  condition row holds (no change of structure).
- ``UNITARY`` (and an H the real kernel could not place) on a qubit that is,
  up to relabelling, a free index bit b: the 2x2 butterfly on the pairs
  (i, i + 2^b) whose condition rows hold (condition rows never depend on b).
- otherwise (a constant qubit, or one entangled with others) the qubit
  becomes a new index bit, as H on a constant qubit does: every row is
  duplicated and a'_(i,v) = U[v][q(i)] a_i where the conditions hold,
  [v = q(i)] a_i where they do not. When the qubit was not constant, two
  settings that differed only in it now reach the same basis state: their
  amplitudes are added (:func:`~qbnn.simulator.merge.merge_index`), so the
  description stays one-to-one and every readout exact. A state that would
  get more index bits than qubits is first rewritten densely (qubit q =
  index bit q), so the index never exceeds the qubit count.

Amplitudes stay float64 while every op is real (ry, h, real controlled
rotations); the first complex factor turns them into complex128, and the
compiled kernels then run their complex specialisation. Cost: O(2^p) per op.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from qbnn.simulator.kernels import _flips_with_bit, _independent_of_bit, _reindex_to_bit, _release_bit
from qbnn.simulator.bitrows import ALL_ONES, duplicated_rows, index_outcomes, row_bits
from qbnn.simulator.ops import DIAGONAL, H, UNITARY, Op
from qbnn.simulator.merge import merge_index
from qbnn.errors import ResourceLimitError
from qbnn.core.memory import format_bytes

__all__ = ["apply_general_op", "condition_words", "free_index_bit", "general_memory_bytes"]

_H_MATRIX = (2**-0.5, 2**-0.5, 2**-0.5, -(2**-0.5))


@njit(cache=True)
def condition_words(rows, cq, cp, num_words, valid):
    """The words of "every (row, polarity) condition holds", over all index settings."""
    out = np.empty(num_words, dtype=np.uint64)
    for w in range(num_words):
        out[w] = valid
    for c in range(cq.size):
        flip = ALL_ONES if cp[c] == 0 else np.uint64(0)
        for w in range(num_words):
            out[w] &= rows[cq[c], w] ^ flip
    return out


@njit(cache=True)
def free_index_bit(rows, amp, q, num_index, num_words, valid):
    """Relabel the index so that row q is exactly a bit b no other row depends on; b, or -1 if there is none."""
    for b in range(num_index):
        if not _flips_with_bit(rows, q, b, valid, num_words):
            continue
        ok = True
        for r in range(rows.shape[0]):
            if r != q and not _independent_of_bit(rows, r, b, valid, num_words):
                if not _release_bit(rows, amp, r, b, num_index, num_words, valid):
                    ok = False
                    break
        if ok:
            _reindex_to_bit(rows, amp, q, b, num_index, num_words, valid)
            return b
    return -1


@njit(cache=True)
def _butterfly_where(amp, b, num_index, cond, u00, u01, u10, u11):
    size = 1 << num_index
    s = 1 << b
    for block in range(0, size, 2 * s):
        for i in range(block, block + s):
            if (cond[i >> 6] >> np.uint64(i & 63)) & np.uint64(1):
                a0 = amp[i]
                a1 = amp[i + s]
                amp[i] = u00 * a0 + u01 * a1
                amp[i + s] = u10 * a0 + u11 * a1


@njit(cache=True)
def _scale_where(amp, size, cond, factor):
    for i in range(size):
        if (cond[i >> 6] >> np.uint64(i & 63)) & np.uint64(1):
            amp[i] = amp[i] * factor


@njit(cache=True)
def _split(amp, size, row, cond, u00, u01, u10, u11, out):
    """out[i + v size] = U[v][q(i)] a_i where cond holds, else [v == q(i)] a_i (q(i) = bit i of ``row``)."""
    for i in range(size):
        a = amp[i]
        c = (row[i >> 6] >> np.uint64(i & 63)) & np.uint64(1)
        if (cond[i >> 6] >> np.uint64(i & 63)) & np.uint64(1):
            if c == 0:
                out[i] = u00 * a
                out[i + size] = u10 * a
            else:
                out[i] = u01 * a
                out[i + size] = u11 * a
        elif c == 0:
            out[i] = a
            out[i + size] = 0.0 * a
        else:
            out[i] = 0.0 * a
            out[i + size] = a


def _valid(num_index: int) -> np.uint64:
    return ALL_ONES if num_index >= 6 else np.uint64((1 << (1 << num_index)) - 1)


def general_memory_bytes(num_qubits: int, num_index: int, complex_amplitudes: bool) -> int:
    """Peak bytes of a split to ``num_index`` bits: old and new amplitudes and rows side by side."""
    words = max(1, (1 << num_index) // 64)
    amp = (1 << num_index) * (16 if complex_amplitudes else 8)
    return amp + amp // 2 + num_qubits * words * 8 * 3 // 2


def _entries(op: Op, dtype) -> tuple:
    matrix = _H_MATRIX if op.kind == H else op.matrix
    if dtype == np.complex128:
        return tuple(complex(v) for v in matrix)
    return tuple(complex(v).real for v in matrix)


def apply_general_op(state, op: Op, limit: int) -> None:
    """Apply one ``UNITARY``/``DIAGONAL`` op (or an H the real kernel refused) to a StructuredState in place."""
    if not op.is_real and state.amplitudes.dtype != np.complex128:
        state.amplitudes = state.amplitudes.astype(np.complex128)
    amp = state.amplitudes
    p = state.num_index_bits
    num_words = state.rows.shape[1]
    valid = _valid(p)
    cq = np.asarray(op.controls, dtype=np.int64)
    cp = np.asarray(op.polarities, dtype=np.int64)
    cond = condition_words(state.rows, cq, cp, num_words, valid)
    if op.kind == DIAGONAL:
        factor = _entries(op, amp.dtype)[0]
        _scale_where(amp, 1 << p, cond, factor)
        return
    if op.kind not in (UNITARY, H):
        raise ValueError(f"op kind {op.kind} is not a general gate")
    u00, u01, u10, u11 = _entries(op, amp.dtype)
    q = op.target
    if p > 0 and q not in op.controls:
        b = free_index_bit(state.rows, amp, q, p, num_words, valid)
        if b >= 0:  # the relabelling moved amplitudes only, and no condition row depends on b
            _butterfly_where(amp, b, p, condition_words(state.rows, cq, cp, num_words, valid), u00, u01, u10, u11)
            return
    if p + 1 > state.num_qubits:  # more index settings than basis states: fall back to the dense form
        _compact(state)
        apply_general_op(state, op, limit)
        return
    need = general_memory_bytes(state.num_qubits, p + 1, amp.dtype == np.complex128)
    if need > limit:
        raise ResourceLimitError(
            f"gate '{op.name}' at instruction {op.position} would grow the structured state to {p + 1} superposed "
            f"qubits and need {format_bytes(need)} but only {format_bytes(limit)} is available; "
            "put fewer qubits in superposition"
        )
    size = 1 << p
    out = np.empty(2 * size, dtype=amp.dtype)
    _split(amp, size, state.rows[q], cond, u00, u01, u10, u11, out)
    constant = _is_constant(state.rows[q], p)
    state.rows = duplicated_rows(state.rows, p, q)
    state.amplitudes = out
    state.num_index_bits = p + 1
    state._row_buffer = state._amp_buffer = None
    if not constant:  # settings that differed only in qubit q now reach the same basis state: add them up
        merge_index(state, [q], limit)


def _is_constant(row: np.ndarray, p: int) -> bool:
    """The qubit holds the same value at every index setting (then a split creates no duplicate basis state)."""
    bits = row_bits(row, p)
    return bool(bits.min() == bits.max())


def _compact(state) -> None:
    """Re-describe the state with exactly n index bits, qubit q = index bit q (amplitudes = the state vector)."""
    n = state.num_qubits
    outcome = index_outcomes(state.rows, range(n), state.num_index_bits)
    vector = np.zeros(1 << n, dtype=state.amplitudes.dtype)
    np.add.at(vector, outcome, state.amplitudes)
    words = max(1, (1 << n) // 64)
    rows = np.zeros((n, words), dtype=np.uint64)
    index = np.arange(1 << n, dtype=np.int64)
    for q in range(n):
        bits = ((index >> q) & 1).astype(np.uint8)
        padded = np.zeros(words * 64, dtype=np.uint8)
        padded[: bits.size] = bits
        rows[q] = np.packbits(padded, bitorder="little").view(np.uint64)
    state.rows, state.amplitudes, state.num_index_bits = rows, vector, n
