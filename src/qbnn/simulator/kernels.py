"""numba kernels of the structured engine: a whole gate list in one compiled loop.

Rows are packed bits (uint64 words) over the 2^p index settings; amplitudes
are real. PERM XORs the target row with the AND of (possibly negated)
control rows; PHASE negates amplitudes where all conditions hold; SWAP
exchanges rows; H on a free index qubit re-indexes and applies a butterfly.
An H on a constant qubit (which must extend the index) or an H that would
break the structure stops the loop and is reported to the caller.

Speed: every classical gate acts word by word, so a run of them goes over
the words one cache-sized tile at a time (all gates on one tile, then the
next), with the common one- to three-control gates as single fused loops.
A run of H on qubits that are plain index bits (the H layers of a Grover
iterate) is checked in one pass over the rows and done as one
Walsh-Hadamard transform that visits memory a few times instead of once
per qubit. Tiles are independent: :func:`classical_run_parallel` spreads a
run of classical gates over the cores, but numba segfaults when a cached
function calls a cached parallel one (numba issues #4807, #8578), so it is
called from Python only (:meth:`qbnn.simulator.structured.StructuredProgram.apply`,
on large states), never from the other kernels. Rows of a few words (small
problems) are indexed in place, since creating array views would cost more
than the gates."""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from qbnn.simulator.bitrows import ALL_ONES


#: run_ops status codes (NEEDS_GENERAL: an op of kind >= 4, run by :mod:`qbnn.simulator.complex_kernels`)
DONE, NEEDS_EXTENSION, REFUSED_H, NEEDS_GENERAL = 0, 1, 2, 3

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


#: Bytes of rows one tile of words may occupy (all rows x tile words; half of one core's 512 KiB L2 here, measured
#: faster than 1 MiB with both cores busy): the gate list runs over one tile
#: while it sits in the L2 cache, then moves on to the next (loop tiling; classical gates act word by word).
TILE_BYTES = 1 << 18
#: Largest tile, in words: more only adds the cost of scanning the gate list less often, which is already small.
MAX_TILE_WORDS = 4096
#: Butterflies on index bits below this run inside blocks of 2^FWHT_BLOCK_BITS amplitudes (cache-resident).
FWHT_BLOCK_BITS = 13
#: Rows of at most this many words run through :func:`_small_ops` (no views: their setup outweighs the work).
SMALL_WORDS = 16


@njit(cache=True)
def _tile_words(num_qubits, num_words):
    tile = 64
    while tile * 2 <= MAX_TILE_WORDS and tile * 2 * num_qubits * 8 <= TILE_BYTES:
        tile *= 2
    return min(tile, num_words)


@njit(cache=True)
def _negation(polarity):
    """XOR mask that turns a control row into "condition holds": rows fire on |1> (polarity 1) or |0>."""
    return ALL_ONES if polarity == 0 else np.uint64(0)


@njit(cache=True)
def _condition(rows, scratch, c0, c1, cq, cp, n, valid):
    """scratch[:n] = AND over conditions c0..c1 of the (possibly negated) rows, words 0..n.

    Three rows per pass over the scratch words (fewer passes, the scratch stays in L1).
    """
    for w in range(n):
        scratch[w] = valid
    c = c0
    while c + 3 <= c1:
        a = rows[cq[c], :n]
        b = rows[cq[c + 1], :n]
        d = rows[cq[c + 2], :n]
        fa = _negation(cp[c])
        fb = _negation(cp[c + 1])
        fd = _negation(cp[c + 2])
        for w in range(n):
            scratch[w] &= (a[w] ^ fa) & (b[w] ^ fb) & (d[w] ^ fd)
        c += 3
    while c < c1:
        a = rows[cq[c], :n]
        fa = _negation(cp[c])
        for w in range(n):
            scratch[w] &= a[w] ^ fa
        c += 1


@njit(cache=True)
def _tile_ops(rows, n, offset, amp, size, valid, kinds, targets, starts, cq, cp, first, last, scratch):
    """ops[first:last] (no H) on words 0..n of ``rows``, which hold the index words offset..offset+n."""
    for k in range(first, last):
        kind = kinds[k]
        c0 = starts[k]
        c1 = starts[k + 1]
        nc = c1 - c0
        if kind == 0:  # PERM: target ^= AND of conditions; the common small cases without a scratch row
            t = rows[targets[k], :n]
            if nc == 0:
                for w in range(n):
                    t[w] ^= valid
            elif nc == 1:
                a = rows[cq[c0], :n]
                fa = _negation(cp[c0]) & valid
                for w in range(n):
                    t[w] ^= a[w] ^ fa
            elif nc == 2:
                a = rows[cq[c0], :n]
                b = rows[cq[c0 + 1], :n]
                fa = _negation(cp[c0])
                fb = _negation(cp[c0 + 1])
                for w in range(n):
                    t[w] ^= (a[w] ^ fa) & (b[w] ^ fb) & valid
            elif nc == 3:
                a = rows[cq[c0], :n]
                b = rows[cq[c0 + 1], :n]
                c = rows[cq[c0 + 2], :n]
                fa = _negation(cp[c0])
                fb = _negation(cp[c0 + 1])
                fc = _negation(cp[c0 + 2])
                for w in range(n):
                    t[w] ^= (a[w] ^ fa) & (b[w] ^ fb) & (c[w] ^ fc) & valid
            else:
                _condition(rows, scratch, c0, c1, cq, cp, n, valid)
                for w in range(n):
                    t[w] ^= scratch[w]
        elif kind == 1:  # PHASE: negate the amplitudes of the indices where every condition holds
            _condition(rows, scratch, c0, c1, cq, cp, n, valid)
            for w in range(n):
                m = scratch[w]
                base = (offset + w) << 6
                while m != 0:
                    low = m & (~m + np.uint64(1))
                    i = base + _bit_index(low)
                    if i < size:
                        amp[i] = -amp[i]
                    m ^= low
        else:  # SWAP
            a = rows[targets[k], :n]
            b = rows[cq[c0], :n]
            for w in range(n):
                x = a[w]
                a[w] = b[w]
                b[w] = x


@njit(cache=True)
def _small_ops(rows, amp, size, valid, kinds, targets, starts, cq, cp, first, last):
    """ops[first:last] (no H) on rows of a few words, indexed in place: no array views, no scratch row.

    For small problems (problem 1 has 4 words per row) creating views costs more than the gates;
    the Boolean operations are the same as :func:`_tile_ops`, so the results are identical.
    """
    n = rows.shape[1]
    for k in range(first, last):
        kind = kinds[k]
        c0 = starts[k]
        nc = starts[k + 1] - c0
        if kind == 0:
            t = targets[k]
            if nc == 0:
                for w in range(n):
                    rows[t, w] ^= valid
            elif nc == 1:
                a = cq[c0]
                fa = _negation(cp[c0]) & valid
                for w in range(n):
                    rows[t, w] ^= rows[a, w] ^ fa
            elif nc == 2:
                a = cq[c0]
                b = cq[c0 + 1]
                fa = _negation(cp[c0])
                fb = _negation(cp[c0 + 1])
                for w in range(n):
                    rows[t, w] ^= (rows[a, w] ^ fa) & (rows[b, w] ^ fb) & valid
            elif nc == 3:
                a = cq[c0]
                b = cq[c0 + 1]
                d = cq[c0 + 2]
                fa = _negation(cp[c0])
                fb = _negation(cp[c0 + 1])
                fd = _negation(cp[c0 + 2])
                for w in range(n):
                    rows[t, w] ^= (rows[a, w] ^ fa) & (rows[b, w] ^ fb) & (rows[d, w] ^ fd) & valid
            else:
                for w in range(n):
                    m = valid
                    for c in range(c0, c0 + nc):
                        m &= rows[cq[c], w] ^ _negation(cp[c])
                    rows[t, w] ^= m
        elif kind == 1:
            for w in range(n):
                m = valid
                for c in range(c0, c0 + nc):
                    m &= rows[cq[c], w] ^ _negation(cp[c])
                base = w << 6
                while m != 0:
                    low = m & (~m + np.uint64(1))
                    i = base + _bit_index(low)
                    if i < size:
                        amp[i] = -amp[i]
                    m ^= low
        else:
            t = targets[k]
            o = cq[c0]
            for w in range(n):
                x = rows[t, w]
                rows[t, w] = rows[o, w]
                rows[o, w] = x


@njit(cache=True)
def _classical_run(rows, amp, size, valid, kinds, targets, starts, cq, cp, first, last, tile_words):
    """ops[first:last], none of them H, tile by tile: every op is word-wise, so the order over tiles is free.

    Each tile (all rows, at most TILE_BYTES) is copied into a buffer whose row stride is not a power of
    two, so that the rows' words do not compete for the same cache sets, and the whole gate list runs
    over it while it stays in cache.
    """
    num_qubits, num_words = rows.shape
    tile = _tile_words(num_qubits, num_words) if tile_words <= 0 else min(tile_words, num_words)
    if tile == num_words:
        scratch = np.empty(tile, dtype=np.uint64)
        _tile_ops(rows, num_words, 0, amp, size, valid, kinds, targets, starts, cq, cp, first, last, scratch)
        return
    scratch = np.empty(tile, dtype=np.uint64)
    buffer = np.empty((num_qubits, tile + 8), dtype=np.uint64)
    for w0 in range(0, num_words, tile):
        _one_tile(rows, buffer, scratch, w0, tile, amp, size, valid, kinds, targets, starts, cq, cp, first, last)


@njit(cache=True)
def _one_tile(rows, buffer, scratch, w0, tile, amp, size, valid, kinds, targets, starts, cq, cp, first, last):
    """Copy the tile of words w0.. into ``buffer``, run ops[first:last] on it, copy it back."""
    num_qubits, num_words = rows.shape
    n = min(tile, num_words - w0)
    for r in range(num_qubits):
        buffer[r, :n] = rows[r, w0 : w0 + n]
    _tile_ops(buffer, n, w0, amp, size, valid, kinds, targets, starts, cq, cp, first, last, scratch)
    for r in range(num_qubits):
        rows[r, w0 : w0 + n] = buffer[r, :n]


@njit(cache=True, parallel=True)
def classical_run_parallel(rows, amp, num_index, kinds, targets, starts, cq, cp, first, last, threads):
    """ops[first:last] (no H; p >= 6) tile by tile, the tiles shared among ``threads`` of numba's threads.

    The same tiles and per-tile code as the one-thread run, so the same result bit for bit; each thread
    has its own buffer. Call it from Python only (see the module docstring), with
    ``threads = numba.get_num_threads()`` (read there: inside, it would keep the kernel from being cached).
    """
    num_qubits, num_words = rows.shape
    size = 1 << num_index
    tile = _tile_words(num_qubits, num_words)
    num_tiles = (num_words + tile - 1) // tile
    threads = max(1, min(threads, num_tiles))
    for t in prange(threads):
        buffer = np.empty((num_qubits, tile + 8), dtype=np.uint64)
        scratch = np.empty(tile, dtype=np.uint64)
        for i in range(t, num_tiles, threads):
            _one_tile(rows, buffer, scratch, i * tile, tile, amp, size, ALL_ONES, kinds, targets, starts, cq, cp, first, last)


@njit(cache=True)
def _pure_bit(rows, q, num_index, num_words, valid):
    """-1 if row q is constant, b if row q is exactly index bit b, -2 otherwise (one pass, early exit)."""
    first = rows[q, 0]
    if first == 0 or first == valid:  # constant, or bit b >= 6 (first word all 0 / all 1)
        other = ALL_ONES ^ first if num_words > 1 else first
        for w in range(1, num_words):
            x = rows[q, w]
            if x != first:
                if x != other or (w & (w - 1)) != 0:
                    return -2
                # bit b = 6 + log2(w): words alternate in runs of w
                b = 6
                while (1 << (b - 6)) < w:
                    b += 1
                if first != 0:
                    return -2
                for v in range(w, num_words):
                    expect = ALL_ONES if (v >> (b - 6)) & 1 else np.uint64(0)
                    if rows[q, v] != expect:
                        return -2
                return b  # words 1..w-1 already equal the first (0)
        return -1
    for b in range(min(num_index, 6)):
        if first == (~_low_mask(b)) & valid:
            for w in range(1, num_words):
                if rows[q, w] != first:
                    return -2
            return b
    return -2


@njit(cache=True)
def index_bit_of(rows, q, num_index):
    """b if row q is exactly index bit b, -1 if it is constant, -2 otherwise (one pass over the row, early exit)."""
    valid = ALL_ONES if num_index >= 6 else (np.uint64(1) << np.uint64(1 << num_index)) - np.uint64(1)
    return _pure_bit(rows, q, num_index, rows.shape[1], valid)


@njit(cache=True)
def _butterfly_small(amp, h0, h1, h2, start, stop):
    """H on any of index bits 0, 1, 2 (flags h0, h1, h2) within amp[start:stop], eight amplitudes at a time."""
    for g in range(start, stop, 8):
        x = amp[g : g + 8]
        if h0:
            for j in range(0, 8, 2):
                a0 = x[j]
                a1 = x[j + 1]
                x[j] = (a0 + a1) * _INV_SQRT2
                x[j + 1] = (a0 - a1) * _INV_SQRT2
        if h1:
            for j in (0, 1, 4, 5):
                a0 = x[j]
                a1 = x[j + 2]
                x[j] = (a0 + a1) * _INV_SQRT2
                x[j + 2] = (a0 - a1) * _INV_SQRT2
        if h2:
            for j in range(4):
                a0 = x[j]
                a1 = x[j + 4]
                x[j] = (a0 + a1) * _INV_SQRT2
                x[j + 4] = (a0 - a1) * _INV_SQRT2


@njit(cache=True)
def _butterfly2(amp, b, start, stop):
    """H on index bit b (2^b >= 8 for contiguous inner runs) within amp[start:stop]."""
    s = 1 << b
    for block in range(start, stop, 2 * s):
        lo = amp[block : block + s]
        hi = amp[block + s : block + 2 * s]
        for i in range(s):
            a0 = lo[i]
            a1 = hi[i]
            lo[i] = (a0 + a1) * _INV_SQRT2
            hi[i] = (a0 - a1) * _INV_SQRT2


@njit(cache=True)
def _butterfly4(amp, b1, b2, start, stop):
    """H on index bits b1 < b2 (2^b1 >= 8) within amp[start:stop] in one pass (radix 4)."""
    s1 = 1 << b1
    s2 = 1 << b2
    for hi in range(start, stop, 2 * s2):
        for mid in range(hi, hi + s2, 2 * s1):
            _radix4(amp, mid, s1, s2)


@njit(cache=True)
def _radix4(amp, mid, s1, s2):
    """One radix-4 group of :func:`_butterfly4`: the four runs of s1 amplitudes starting at mid."""
    x0 = amp[mid : mid + s1]
    x1 = amp[mid + s1 : mid + 2 * s1]
    x2 = amp[mid + s2 : mid + s2 + s1]
    x3 = amp[mid + s2 + s1 : mid + s2 + 2 * s1]
    for i in range(s1):
        a0 = x0[i]
        a1 = x1[i]
        a2 = x2[i]
        a3 = x3[i]
        t0 = a0 + a1
        t1 = a0 - a1
        t2 = a2 + a3
        t3 = a2 - a3
        x0[i] = (t0 + t2) * 0.5
        x1[i] = (t1 + t3) * 0.5
        x2[i] = (t0 - t2) * 0.5
        x3[i] = (t1 - t3) * 0.5


@njit(cache=True)
def _butterflies(amp, bits, start, stop):
    """H on index bits ``bits`` (distinct, sorted, all >= 3) within amp[start:stop], two per pass."""
    j = 0
    while j + 1 < bits.size:
        _butterfly4(amp, bits[j], bits[j + 1], start, stop)
        j += 2
    if j < bits.size:
        _butterfly2(amp, bits[j], start, stop)


@njit(cache=True)
def _small_walsh_hadamard(amp, bits, size):
    """:func:`walsh_hadamard` below one cache block, indexed in place (no views): the same operations in the
    same order (bits 0-2 one at a time per group of eight, then the others two per pass), so the same results."""
    h0 = h1 = h2 = False
    for b in bits:
        if b == 0:
            h0 = True
        elif b == 1:
            h1 = True
        elif b == 2:
            h2 = True
    if h0 or h1 or h2:
        for g in range(0, size, 8):
            if h0:
                for j in range(g, g + 8, 2):
                    a0 = amp[j]
                    a1 = amp[j + 1]
                    amp[j] = (a0 + a1) * _INV_SQRT2
                    amp[j + 1] = (a0 - a1) * _INV_SQRT2
            if h1:
                for j in (g, g + 1, g + 4, g + 5):
                    a0 = amp[j]
                    a1 = amp[j + 2]
                    amp[j] = (a0 + a1) * _INV_SQRT2
                    amp[j + 2] = (a0 - a1) * _INV_SQRT2
            if h2:
                for j in range(g, g + 4):
                    a0 = amp[j]
                    a1 = amp[j + 4]
                    amp[j] = (a0 + a1) * _INV_SQRT2
                    amp[j + 4] = (a0 - a1) * _INV_SQRT2
    first = -1
    for b in bits:
        if b < 3:
            continue
        if first < 0:
            first = b
            continue
        s1 = 1 << first
        s2 = 1 << b
        for hi in range(0, size, 2 * s2):
            for mid in range(hi, hi + s2, 2 * s1):
                for i in range(mid, mid + s1):
                    a0 = amp[i]
                    a1 = amp[i + s1]
                    a2 = amp[i + s2]
                    a3 = amp[i + s2 + s1]
                    t0 = a0 + a1
                    t1 = a0 - a1
                    t2 = a2 + a3
                    t3 = a2 - a3
                    amp[i] = (t0 + t2) * 0.5
                    amp[i + s1] = (t1 + t3) * 0.5
                    amp[i + s2] = (t0 - t2) * 0.5
                    amp[i + s2 + s1] = (t1 - t3) * 0.5
        first = -1
    if first >= 0:
        s = 1 << first
        for block in range(0, size, 2 * s):
            for i in range(block, block + s):
                a0 = amp[i]
                a1 = amp[i + s]
                amp[i] = (a0 + a1) * _INV_SQRT2
                amp[i + s] = (a0 - a1) * _INV_SQRT2


@njit(cache=True)
def walsh_hadamard(amp, bits, num_index):
    """H on every index bit in ``bits`` (distinct, sorted): a Walsh-Hadamard transform in few passes over memory.

    Bits below FWHT_BLOCK_BITS are done block by block while the block is in cache; the rest two per pass.
    """
    size = 1 << num_index
    if num_index < 3:
        for b in bits:
            _butterfly(amp, b, num_index)
        return
    if num_index < FWHT_BLOCK_BITS:
        _small_walsh_hadamard(amp, bits, size)
        return
    low_limit = min(FWHT_BLOCK_BITS, num_index)
    block = 1 << low_limit
    h0 = h1 = h2 = False
    mid_count = 0
    high_count = 0
    for b in bits:
        if b == 0:
            h0 = True
        elif b == 1:
            h1 = True
        elif b == 2:
            h2 = True
        elif b < low_limit:
            mid_count += 1
        else:
            high_count += 1
    mid = np.empty(mid_count, dtype=np.int64)
    high = np.empty(high_count, dtype=np.int64)
    mid_count = 0
    high_count = 0
    for b in bits:
        if 3 <= b < low_limit:
            mid[mid_count] = b
            mid_count += 1
        elif b >= low_limit:
            high[high_count] = b
            high_count += 1
    if h0 or h1 or h2 or mid.size:
        for start in range(0, size, block):
            if h0 or h1 or h2:
                _butterfly_small(amp, h0, h1, h2, start, start + block)
            _butterflies(amp, mid, start, start + block)
    _butterflies(amp, high, 0, size)


@njit(cache=True)
def _hadamard_layer(rows, amp, num_index, targets, first, last, valid):
    """The longest prefix of H ops[first:last] on qubits that are exactly free index bits, as one transform.

    The common case (the H layers of a Grover iterate): every row is constant or exactly one index bit,
    so one pass over the rows checks the whole layer and the butterflies leave the rows unchanged.
    Returns the number of ops done (0: the first H needs the general path).
    """
    num_qubits, num_words = rows.shape
    kind = np.empty(num_qubits, dtype=np.int64)
    owners = np.zeros(max(num_index, 1), dtype=np.int64)
    for r in range(num_qubits):
        kind[r] = _pure_bit(rows, r, num_index, num_words, valid)
        if kind[r] >= 0:
            owners[kind[r]] += 1
    chosen = np.zeros(max(num_index, 1), dtype=np.bool_)  # H twice on a bit cancels
    checked = np.zeros(max(num_index, 1), dtype=np.bool_)
    done = 0
    for k in range(first, last):
        b = kind[targets[k]]
        if b < 0 or owners[b] != 1:
            break
        if not checked[b]:  # rows of no simple form must not depend on b
            ok = True
            for r in range(num_qubits):
                if kind[r] == -2 and not _independent_of_bit(rows, r, b, valid, num_words):
                    ok = False
                    break
            if not ok:
                break
            checked[b] = True
        chosen[b] = not chosen[b]
        done += 1
    count = 0
    for b in range(num_index):
        if chosen[b]:
            count += 1
    bits = np.empty(count, dtype=np.int64)
    count = 0
    for b in range(num_index):
        if chosen[b]:
            bits[count] = b
            count += 1
    if count:
        walsh_hadamard(amp, bits, num_index)
    return done


@njit(cache=True)
def run_ops(rows, amp, num_index, kinds, targets, starts, cq, cp, first, last):
    """Apply ops[first:last] in place; returns (status, op index where it stopped).

    Runs of classical ops go tile by tile over the words; runs of H go through one Walsh-Hadamard
    transform when the qubits are plain index bits, else one at a time through the general path.
    """
    return run_ops_tiled(rows, amp, num_index, kinds, targets, starts, cq, cp, first, last, 0)


@njit(cache=True)
def run_ops_tiled(rows, amp, num_index, kinds, targets, starts, cq, cp, first, last, tile_words):
    """:func:`run_ops` with tiles of ``tile_words`` words (0: sized to the cache; small values are for tests)."""
    return _run_ops(rows, amp, num_index, kinds, targets, starts, cq, cp, first, last, tile_words, SMALL_WORDS)


@njit(cache=True)
def run_ops_previous(rows, amp, num_index, kinds, targets, starts, cq, cp, first, last, tile_words):
    """The previous version of :func:`run_ops_tiled` (array views for every size), kept for ``make bench``."""
    return _run_ops(rows, amp, num_index, kinds, targets, starts, cq, cp, first, last, tile_words, 0)


@njit(cache=True)
def _run_ops(rows, amp, num_index, kinds, targets, starts, cq, cp, first, last, tile_words, small_words):
    num_words = rows.shape[1]
    if num_index >= 6:
        valid = ALL_ONES
    else:
        valid = (np.uint64(1) << np.uint64(1 << num_index)) - np.uint64(1)
    size = 1 << num_index
    k = first
    while k < last:
        if kinds[k] < 3:
            end = k
            while end < last and kinds[end] < 3:
                end += 1
            if num_words <= small_words:
                _small_ops(rows, amp, size, valid, kinds, targets, starts, cq, cp, k, end)
            else:
                _classical_run(rows, amp, size, valid, kinds, targets, starts, cq, cp, k, end, tile_words)
            k = end
            continue
        if kinds[k] > 3:
            return NEEDS_GENERAL, k
        end = k
        while end < last and kinds[end] == 3:
            end += 1
        done = _hadamard_layer(rows, amp, num_index, targets, k, end, valid) if num_index > 0 else 0
        if done > 0:
            k += done
            continue
        q = targets[k]
        if _is_constant(rows, q, valid, num_words) >= 0:
            return NEEDS_EXTENSION, k
        if not _hadamard(rows, amp, q, num_index, num_words, valid):
            return REFUSED_H, k
        k += 1
    return DONE, last
