"""numba kernels of the structured engine: a whole gate list in one compiled loop.

Rows are packed bits (uint64 words) over the 2^p index settings; amplitudes
are real. PERM XORs the target row with the AND of (possibly negated)
control rows; PHASE negates amplitudes where all conditions hold; SWAP
exchanges rows; H on a free index qubit re-indexes and applies a butterfly.
An H on a constant qubit (which must extend the index) or an H that would
break the structure stops the loop and is reported to the caller.
"""

from __future__ import annotations

import numpy as np
from numba import njit

ALL_ONES = np.uint64(0xFFFFFFFFFFFFFFFF)

#: run_ops status codes
DONE, NEEDS_EXTENSION, REFUSED_H = 0, 1, 2

_INV_SQRT2 = 1.0 / np.sqrt(2.0)


@njit(cache=True)
def _bit_index(single):
    """Position of the only set bit of ``single`` (binary search, 6 steps)."""
    j = 0
    if single & np.uint64(0xFFFFFFFF00000000):
        j += 32
    if single & np.uint64(0xFFFF0000FFFF0000):
        j += 16
    if single & np.uint64(0xFF00FF00FF00FF00):
        j += 8
    if single & np.uint64(0xF0F0F0F0F0F0F0F0):
        j += 4
    if single & np.uint64(0xCCCCCCCCCCCCCCCC):
        j += 2
    if single & np.uint64(0xAAAAAAAAAAAAAAAA):
        j += 1
    return j


#: LOW_MASKS[b]: positions within a word whose bit b (b < 6) is 0.
LOW_MASKS = np.array(
    [sum(1 << j for j in range(64) if not (j >> b) & 1) for b in range(6)], dtype=np.uint64
)


@njit(cache=True)
def _low_mask(b):
    return LOW_MASKS[b]


@njit(cache=True)
def _is_constant(rows, q, valid, num_words):
    first = rows[q, 0] & valid
    if first != 0 and first != valid:
        return -1
    for w in range(1, num_words):
        x = rows[q, w]
        if (first == 0 and x != 0) or (first != 0 and x != ALL_ONES):
            return -1
    return 0 if first == 0 else 1


@njit(cache=True)
def _flips_with_bit(rows, q, b, valid, num_words):
    """True if row q(i ^ 2^b) == not row q(i) for every index i."""
    if b < 6:
        s = np.uint64(1 << b)
        lm = _low_mask(b) & valid
        for w in range(num_words):
            x = rows[q, w]
            if ((x ^ (x >> s)) & lm) != lm:
                return False
        return True
    step = 1 << (b - 6)
    for w in range(num_words):
        if (w & step) == 0 and (rows[q, w] ^ rows[q, w + step]) != ALL_ONES:
            return False
    return True


@njit(cache=True)
def _independent_of_bit(rows, q, b, valid, num_words):
    """True if row q(i ^ 2^b) == row q(i) for every index i."""
    if b < 6:
        s = np.uint64(1 << b)
        lm = _low_mask(b) & valid
        for w in range(num_words):
            x = rows[q, w]
            if ((x ^ (x >> s)) & lm) != 0:
                return False
        return True
    step = 1 << (b - 6)
    for w in range(num_words):
        if (w & step) == 0 and rows[q, w] != rows[q, w + step]:
            return False
    return True


@njit(cache=True)
def _row_bit(rows, q, i):
    return (rows[q, i >> 6] >> np.uint64(i & 63)) & np.uint64(1)


@njit(cache=True)
def _reindex_to_bit(rows, amp, q, b, num_index, num_words, valid):
    """Row q is bit b XOR g(other bits), and no other row depends on b: relabel indices so row q == bit b.

    The state is unchanged; only its description moves: a_j <- a_(j ^ g(j) 2^b).
    """
    size = 1 << num_index
    s = 1 << b
    needs_swap = False
    for w in range(num_words):
        if b < 6:
            if (rows[q, w] & _low_mask(b) & valid) != 0:
                needs_swap = True
                break
        elif (w & (1 << (b - 6))) == 0 and rows[q, w] != 0:
            needs_swap = True
            break
    if needs_swap:
        for i in range(size):
            if (i & s) == 0 and _row_bit(rows, q, i) == 1:
                tmp = amp[i]
                amp[i] = amp[i + s]
                amp[i + s] = tmp
    if b < 6:
        pattern = ~_low_mask(b)
        for w in range(num_words):
            rows[q, w] = pattern & valid
    else:
        step = 1 << (b - 6)
        for w in range(num_words):
            rows[q, w] = ALL_ONES if (w & step) != 0 else np.uint64(0)


@njit(cache=True)
def _butterfly(amp, b, num_index):
    size = 1 << num_index
    s = 1 << b
    for block in range(0, size, 2 * s):
        for i in range(block, block + s):
            a0 = amp[i]
            a1 = amp[i + s]
            amp[i] = (a0 + a1) * _INV_SQRT2
            amp[i + s] = (a0 - a1) * _INV_SQRT2


@njit(cache=True)
def _is_free_bit(rows, owner, b, valid, num_words):
    """No row other than ``owner`` depends on index bit b."""
    for r in range(rows.shape[0]):
        if r != owner and not _independent_of_bit(rows, r, b, valid, num_words):
            return False
    return True


@njit(cache=True)
def _release_bit(rows, amp, r, b, num_index, num_words, valid):
    """Make row r independent of bit b by re-indexing r onto another free bit (phase kickback)."""
    for c in range(num_index):
        if c != b and _flips_with_bit(rows, r, c, valid, num_words) and _is_free_bit(rows, r, c, valid, num_words):
            _reindex_to_bit(rows, amp, r, c, num_index, num_words, valid)
            return _independent_of_bit(rows, r, b, valid, num_words)
    return False


@njit(cache=True)
def _hadamard(rows, amp, q, num_index, num_words, valid):
    """H on a qubit that is (up to relabelling) a free index bit; False if none can be found."""
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
            _butterfly(amp, b, num_index)
            return True
    return False


@njit(cache=True)
def run_ops(rows, amp, num_index, kinds, targets, starts, cq, cp, first, last):
    """Apply ops[first:last] in place; returns (status, op index where it stopped)."""
    num_qubits, num_words = rows.shape
    if num_index >= 6:
        valid = ALL_ONES
    else:
        valid = (np.uint64(1) << np.uint64(1 << num_index)) - np.uint64(1)
    size = 1 << num_index
    scratch = np.empty(num_words, dtype=np.uint64)
    for k in range(first, last):
        kind = kinds[k]
        if kind == 0 or kind == 1:  # PERM or PHASE: AND of (possibly negated) rows, branch-free over words
            c0 = starts[k]
            c1 = starts[k + 1]
            for w in range(num_words):
                scratch[w] = valid
            for c in range(c0, c1):
                q = cq[c]
                flip = ALL_ONES if cp[c] == 0 else np.uint64(0)
                for w in range(num_words):
                    scratch[w] &= rows[q, w] ^ flip
            if kind == 0:
                t = targets[k]
                for w in range(num_words):
                    rows[t, w] ^= scratch[w]
            else:
                for w in range(num_words):
                    m = scratch[w]
                    base = w << 6
                    while m != 0:
                        low = m & (~m + np.uint64(1))
                        j = _bit_index(low)
                        if base + j < size:
                            amp[base + j] = -amp[base + j]
                        m ^= low
        elif kind == 2:  # SWAP
            a = targets[k]
            b2 = cq[starts[k]]
            for w in range(num_words):
                tmp = rows[a, w]
                rows[a, w] = rows[b2, w]
                rows[b2, w] = tmp
        else:  # H
            q = targets[k]
            if _is_constant(rows, q, valid, num_words) >= 0:
                return NEEDS_EXTENSION, k
            if not _hadamard(rows, amp, q, num_index, num_words, valid):
                return REFUSED_H, k
    return DONE, last
