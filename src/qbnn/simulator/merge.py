"""Merging index settings that reach the same basis state, and laying the index out again.

The structured state sum_i a_i |phi(i)> is exact only while i -> phi(i) is
one-to-one: then the probability of a basis state is |a_i|^2 of its one
index. A gate that turns a qubit that is not a free index bit into a new
index bit (a general 2x2 unitary or an H on an entangled qubit) can send two
index settings to the same basis state; their amplitudes must then be added
(they interfere) before anything is read. :func:`merge_index` does that and
lays the index out again: the given ``low_qubits`` become the low index bits
(so the kernels' fast single-qubit paths apply to them again), the distinct
patterns of the other rows number the high bits, zero amplitudes are dropped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from qbnn.simulator.kernels import LOW_MASKS
from qbnn.simulator.bitrows import ALL_ONES, row_bits
from qbnn.errors import ResourceLimitError
from qbnn.core.memory import format_bytes

__all__ = ["merge_index", "pack_bits"]

#: Index settings whose merged amplitude is at most this are dropped when the state is laid out again.
ZERO_AMPLITUDE = 1e-13
#: Up to this many qubits a basis state is keyed by one integer when merging; wider circuits number distinct patterns.
INT_KEY_BITS = 62


def pack_bits(bits: np.ndarray) -> np.ndarray:
    """(rows, 2^p) 0/1 -> packed uint64 words (index i is bit i % 64 of word i // 64)."""
    size = bits.shape[1]
    words = max(1, size // 64)
    packed = np.packbits(bits, axis=1, bitorder="little")
    out = np.zeros((bits.shape[0], words * 8), dtype=np.uint8)
    out[:, : packed.shape[1]] = packed
    return np.ascontiguousarray(out).view(np.uint64)


def _bincount(group_of: np.ndarray, amplitudes: np.ndarray, size: int) -> np.ndarray:
    if amplitudes.dtype == np.complex128:
        real = np.bincount(group_of, weights=amplitudes.real, minlength=size)
        return real + 1j * np.bincount(group_of, weights=amplitudes.imag, minlength=size)
    return np.bincount(group_of, weights=amplitudes, minlength=size)


def merge_index(state, low_qubits: Sequence[int], max_memory_bytes: int, *, int_key_bits: int | None = None) -> None:
    """Sum the amplitudes of index settings with the same basis state and lay the index out again, in place.

    Afterwards ``low_qubits`` (sorted) are index bits 0..len-1 and the distinct patterns of the other
    rows (in increasing order) number the bits above them; unused high values repeat the first pattern
    with amplitude 0. Exact for every state of the class, one-to-one or not.
    """
    p = state.num_index_bits
    size = 1 << p
    n = state.num_qubits
    key_bits = INT_KEY_BITS if int_key_bits is None else int_key_bits
    low = sorted(set(int(q) for q in low_qubits))
    low_set = set(low)
    rest = [r for r in range(n) if r not in low_set]
    width = len(low)
    amplitudes = state.amplitudes
    low_value = np.zeros(size, dtype=np.int64)
    for j, q in enumerate(low):
        low_value |= row_bits(state.rows[q], p).astype(np.int64) << j
    table = None
    if not rest:
        pattern = np.zeros(size, dtype=np.int64)
    elif len(rest) + width <= key_bits:  # one integer key per setting: (pattern of the other rows, low qubits)
        pattern = np.zeros(size, dtype=np.int64)
        for j, r in enumerate(rest):
            pattern |= row_bits(state.rows[r], p).astype(np.int64) << j
    else:  # wide circuits: number the distinct patterns first
        bits = np.stack([row_bits(state.rows[r], p) for r in rest])
        packed = np.ascontiguousarray(np.packbits(bits, axis=0, bitorder="little").T)
        keys = packed.view(np.dtype((np.void, packed.shape[1]))).ravel()
        distinct, pattern = np.unique(keys, return_inverse=True)
        pattern = pattern.ravel().astype(np.int64)
        table = np.unpackbits(np.frombuffer(distinct.tobytes(), dtype=np.uint8).reshape(distinct.size, -1), axis=1, bitorder="little")
    groups, group_of = np.unique((pattern << width) | low_value, return_inverse=True)
    merged = _bincount(group_of.ravel(), amplitudes, groups.size)
    keep = np.abs(merged) > ZERO_AMPLITUDE
    if not keep.any():  # numerically the zero vector cannot arise from a unitary; keep the largest entry
        keep[np.argmax(np.abs(merged))] = True
    groups, merged = groups[keep], merged[keep]
    used, rank = np.unique(groups >> width, return_inverse=True)
    high_bits = math.ceil(math.log2(used.size)) if used.size > 1 else 0
    new_p = width + high_bits
    need = (1 << new_p) * amplitudes.itemsize + n * max(1, (1 << new_p) // 64) * 8
    if need > max_memory_bytes:
        raise ResourceLimitError(
            f"the structured state grew to {new_p} superposed qubits ({format_bytes(need)}, "
            f"{format_bytes(max_memory_bytes)} available): too many qubits are entangled with the superposed ones; "
            "lower the error rate or the number of Grover iterations, or put fewer qubits in superposition"
        )
    new_size = 1 << new_p
    new_amplitudes = np.zeros(new_size, dtype=amplitudes.dtype)
    new_amplitudes[(groups & ((1 << width) - 1)) | (rank.ravel().astype(np.int64) << width)] = merged
    padded = np.full(1 << high_bits, used[0], dtype=np.int64)
    padded[: used.size] = used
    if width >= 6:  # every word lies inside one high value: build the packed words directly
        words = new_size // 64
        first_index = np.arange(words, dtype=np.int64) << 6
        rows = np.empty((n, words), dtype=np.uint64)
        for j, q in enumerate(low):
            rows[q] = ~LOW_MASKS[j] if j < 6 else np.where((first_index >> j) & 1, ALL_ONES, np.uint64(0))
        of_word = padded[first_index >> width]
        for j, r in enumerate(rest):
            bit = table[of_word, j] if table is not None else (of_word >> j) & 1
            rows[r] = np.where(bit, ALL_ONES, np.uint64(0))
        state.rows = rows
    else:
        new_bits = np.zeros((n, new_size), dtype=np.uint8)
        index = np.arange(new_size, dtype=np.int64)
        for j, q in enumerate(low):
            new_bits[q] = (index >> j) & 1
        of_index = padded[index >> width]
        for j, r in enumerate(rest):
            new_bits[r] = table[of_index, j] if table is not None else (of_index >> j) & 1
        state.rows = pack_bits(new_bits)
    state.amplitudes = new_amplitudes
    state.num_index_bits = new_p
    state._row_buffer = state._amp_buffer = None
