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
from numba import njit

from qbnn.simulator.kernels import LOW_MASKS
from qbnn.simulator.bitrows import ALL_ONES, row_bits
from qbnn.errors import ResourceLimitError
from qbnn.core.memory import format_bytes

__all__ = ["merge_index", "pack_bits", "lay_out_rows", "distinct_patterns", "gather_bits", "ZERO_AMPLITUDE"]

#: False: group settings by sorting their keys (np.unique), the reference the compiled grouping is tested against.
COMPILED_GROUPING = True
#: The compiled grouping fills a dense (pattern, low value) table; above this many entries per setting it sorts instead.
_DENSE_FACTOR = 4

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
    table = None
    if len(rest) + width <= key_bits or not rest:  # one integer key per setting: (pattern of the other rows, low qubits)
        low_value = gather_bits(state.rows, np.array(low, dtype=np.int64), size)
        pattern = gather_bits(state.rows, np.array(rest, dtype=np.int64), size)
    else:  # wide circuits: number the distinct patterns first
        low_value = np.zeros(size, dtype=np.int64)
        for j, q in enumerate(low):
            low_value |= row_bits(state.rows[q], p).astype(np.int64) << j
        bits = np.stack([row_bits(state.rows[r], p) for r in rest])
        packed = np.ascontiguousarray(np.packbits(bits, axis=0, bitorder="little").T)
        keys = packed.view(np.dtype((np.void, packed.shape[1]))).ravel()
        distinct, pattern = np.unique(keys, return_inverse=True)
        pattern = pattern.ravel().astype(np.int64)
        table = np.unpackbits(np.frombuffer(distinct.tobytes(), dtype=np.uint8).reshape(distinct.size, -1), axis=1, bitorder="little")
    if COMPILED_GROUPING and table is None and width < 62:
        grouped = _group_by_pattern(pattern, low_value, width, amplitudes, len(rest))
    else:
        grouped = None
    if grouped is not None:
        groups, merged, used, rank = grouped
    else:
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
    state.rows = lay_out_rows(n, low, rest, used, high_bits, table)
    state.amplitudes = new_amplitudes
    state.num_index_bits = new_p
    state._row_buffer = state._amp_buffer = None


def lay_out_rows(n: int, low: Sequence[int], rest: Sequence[int], used: np.ndarray, high_bits: int, table=None) -> np.ndarray:
    """Packed rows of the merged layout: ``low`` (sorted) are index bits 0..w-1, high value h is pattern ``used[h]``.

    ``used`` holds the patterns (integers whose bit j is ``rest[j]``, or rows of ``table``); high values past
    ``used.size`` repeat the first pattern.
    """
    width = len(low)
    new_size = 1 << (width + high_bits)
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
        return rows
    new_bits = np.zeros((n, new_size), dtype=np.uint8)
    index = np.arange(new_size, dtype=np.int64)
    for j, q in enumerate(low):
        new_bits[q] = (index >> j) & 1
    of_index = padded[index >> width]
    for j, r in enumerate(rest):
        new_bits[r] = table[of_index, j] if table is not None else (of_index >> j) & 1
    return pack_bits(new_bits)


# --------------------------------------------------------------------------- compiled grouping


@njit(cache=True)
def gather_bits(rows, qubits, size):
    """For each index setting i < size, the integer whose bit j is row ``qubits[j]`` at i."""
    out = np.empty(size, dtype=np.int64)
    per_word = min(size, 64)
    count = qubits.size
    words = np.empty(count, dtype=np.uint64)
    for w in range((size + 63) // 64):
        for j in range(count):
            words[j] = rows[qubits[j], w]
        base = w * 64
        for b in range(per_word):
            value = np.int64(0)
            shift = np.uint64(b)
            for j in range(count):
                value |= np.int64((words[j] >> shift) & np.uint64(1)) << j
            out[base + b] = value
    return out


def distinct_patterns(pattern: np.ndarray, pattern_bits: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values of ``pattern`` (each below 2^pattern_bits) and each entry's position among them."""
    if pattern_bits <= 26 and (1 << pattern_bits) <= 4 * pattern.size + 4096:
        return _distinct_small(pattern, 1 << pattern_bits)
    return _distinct_ids(pattern)


@njit(cache=True)
def _distinct_ids(values):
    """Sorted distinct values, and each entry's position among them (an open-addressing hash, then a sort)."""
    capacity = 1024
    slots = np.full(capacity, -1, dtype=np.int64)
    keys = np.empty(capacity, dtype=np.int64)
    first = np.empty(values.size, dtype=np.int64)
    ids = np.empty(values.size, dtype=np.int64)
    count = 0
    for i in range(values.size):
        v = values[i]
        h = (v * np.int64(-7046029254386353131)) >> np.int64(17)
        at = h & (capacity - 1)
        while slots[at] >= 0 and keys[at] != v:
            at = (at + 1) & (capacity - 1)
        if slots[at] < 0:
            if 2 * (count + 1) > capacity:  # grow and re-insert
                capacity *= 2
                new_slots = np.full(capacity, -1, dtype=np.int64)
                new_keys = np.empty(capacity, dtype=np.int64)
                for d in range(count):
                    u = first[d]
                    g = ((u * np.int64(-7046029254386353131)) >> np.int64(17)) & (capacity - 1)
                    while new_slots[g] >= 0:
                        g = (g + 1) & (capacity - 1)
                    new_slots[g] = d
                    new_keys[g] = u
                slots, keys = new_slots, new_keys
                at = h & (capacity - 1)
                while slots[at] >= 0:
                    at = (at + 1) & (capacity - 1)
            slots[at] = count
            keys[at] = v
            first[count] = v
            count += 1
        ids[i] = slots[at]
    distinct = first[:count].copy()
    order = np.argsort(distinct)
    rank = np.empty(count, dtype=np.int64)
    for r in range(count):
        rank[order[r]] = r
    for i in range(values.size):
        ids[i] = rank[ids[i]]
    return distinct[order], ids


@njit(cache=True)
def _distinct_small(values, bound):
    """:func:`_distinct_ids` for values in [0, bound) with a small bound: a direct table instead of a hash."""
    position = np.full(bound, -1, dtype=np.int64)
    for i in range(values.size):
        position[values[i]] = 0
    count = 0
    for v in range(bound):
        if position[v] == 0:
            position[v] = count
            count += 1
    distinct = np.empty(count, dtype=np.int64)
    for v in range(bound):
        if position[v] >= 0:
            distinct[position[v]] = v
    ids = np.empty(values.size, dtype=np.int64)
    for i in range(values.size):
        ids[i] = position[values[i]]
    return distinct, ids


def _group_by_pattern(pattern: np.ndarray, low_value: np.ndarray, width: int, amplitudes: np.ndarray, pattern_bits: int):
    """The occurring keys (pattern, low value) in increasing order with their summed amplitudes, zero sums dropped;
    the distinct patterns of those kept (increasing) and each kept key's position among them.

    The same groups, sums (np.bincount adds each group's amplitudes in index order, as the sorting path does)
    and order as ``np.unique`` on the keys; None when the dense table would be too large (then sort).
    """
    distinct, pattern_id = distinct_patterns(pattern, pattern_bits)
    cells = distinct.size << width
    if cells > _DENSE_FACTOR * pattern.size + 4096:
        return None
    cell = (pattern_id << width) | low_value
    merged = _bincount(cell, amplitudes, cells)
    keep = np.abs(merged) > ZERO_AMPLITUDE
    if not keep.any():  # as the sorting path: the largest entry among the occurring keys (the first if tied)
        occurring = np.bincount(cell, minlength=cells) > 0
        magnitude = np.where(occurring, np.abs(merged), -1.0)
        keep[np.argmax(magnitude)] = True
    kept = np.flatnonzero(keep)
    high = kept >> width
    groups = (distinct[high] << width) | (kept & ((1 << width) - 1))
    new_high = np.empty(high.size, dtype=bool)  # kept is sorted: its distinct high parts are where it changes
    new_high[:1] = True
    np.not_equal(high[1:], high[:-1], out=new_high[1:])
    rank = np.cumsum(new_high) - 1
    return groups, merged[kept], distinct[high[new_high]], rank
