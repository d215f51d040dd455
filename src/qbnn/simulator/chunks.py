"""Worker side of the ``structured-dask`` engine: a chunk of the structured state, and the tasks that replace it.

A chunk holds 2^c consecutive indices of the state (bit-rows and amplitudes).
Every task here takes chunks and returns new ones (inputs are never modified),
so Dask may move, spill or recompute them. They run the one-process engine's
compiled kernel :func:`~qbnn.simulator.kernels.run_ops_tiled` on the circuit's
lowered gates; the driver is :mod:`qbnn.engines.distributed_structured`.
Only numpy and numba are imported: a worker needs no Qiskit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numba import njit

from qbnn.simulator.kernels import ALL_ONES, DONE, NEEDS_EXTENSION, REFUSED_H, run_ops_tiled
from qbnn.simulator.bitrows import bits_at, extend_index, index_outcomes


#: The tasks the structured-dask driver submits, and the data they pass.
__all__ = [
    "Chunk",
    "warm_up",
    "amplitudes_of",
    "chunk_distribution",
    "chunk_draw",
    "chunk_reflection",
    "extend_high",
    "extend_local",
    "fingerprints_of",
    "finish_block",
    "good_entry",
    "pair_hadamard",
    "partial_sum",
    "probes_of",
    "run_segment",
    "stops_of",
    "successes",
    "totals",
]

_H_KIND = 3  # lowering.H (not imported here: workers need no Qiskit)


@dataclass
class Chunk:
    """2^local_bits indices of the state: bit-rows, amplitudes, and what the driver must know about its last task.

    ``stop`` is (status, op index, constant values of the H run's targets there, the H's passed over or None,
    end of that H run). ``probe`` describes a following diffusion block and ``signs`` is that block's diagonal
    on this chunk when it is not the identity (see :func:`_probe`).
    """

    rows: np.ndarray
    amplitudes: np.ndarray
    local_bits: int
    stop: tuple = (DONE, -1, (), None, -1)
    probe: dict | None = None
    signs: np.ndarray | None = None


_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_SEED = np.uint64(0x9E3779B97F4A7C15)
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)


@njit(cache=True)
def _row_fingerprints(rows):
    """A 64-bit fingerprint per row (splitmix64 chained over the words): equal rows, equal prints."""
    out = np.empty(rows.shape[0], dtype=np.uint64)
    for r in range(rows.shape[0]):
        h = _SEED
        for w in range(rows.shape[1]):
            z = h ^ rows[r, w]
            z = (z ^ (z >> _S30)) * _M1
            z = (z ^ (z >> _S27)) * _M2
            h = z ^ (z >> _S31)
        out[r] = h
    return out


def warm_up() -> None:
    """Compile (or load from numba's cache) the kernels the tasks use, on a tiny chunk."""
    program = (
        np.array([0, 3], dtype=np.int64),
        np.array([0, 1], dtype=np.int64),
        np.zeros(3, dtype=np.int64),
        np.zeros(0, dtype=np.int64),
        np.zeros(0, dtype=np.int64),
    )
    run_segment(Chunk(np.zeros((2, 1), dtype=np.uint64), np.ones(1), 0), program, 0, 2, probe=True)
    _row_fingerprints(np.zeros((2, 1), dtype=np.uint64))


def _valid_mask(local_bits: int) -> np.uint64:
    return ALL_ONES if local_bits >= 6 else np.uint64((1 << (1 << local_bits)) - 1)


def _is_constant_row(rows: np.ndarray, q: int, local_bits: int) -> bool:
    row = rows[q]
    return bool(np.all(row == 0) or np.all(row == _valid_mask(local_bits)))


def _run(rows, amps, local_bits, program, first, last):
    kinds, targets, starts, cq, cp = program
    # run_ops_tiled itself, not its run_ops wrapper: each numba entry point compiles the whole kernel chain again
    return run_ops_tiled(rows, amps, local_bits, kinds, targets, starts, cq, cp, first, last, 0)


def _run_skipping_constant(rows, amps, local_bits, program, first, last) -> tuple[bool, list[int]]:
    """Ops first..last-1 in place, passing over H's whose target is constant here (high index bits).

    Returns (False, [..., refused op]) if an H breaks the structure, else (True, the ops passed over).
    """
    skipped: list[int] = []
    while first < last:
        status, where = _run(rows, amps, local_bits, program, first, last)
        if status == DONE:
            break
        skipped.append(int(where))
        if status == REFUSED_H:
            return False, skipped
        first = where + 1
    return True, skipped


def run_segment(chunk: Chunk, program: tuple, first: int, last: int, copy: bool = True, probe: bool = False) -> Chunk:
    """Ops first..last-1 on a copy of the chunk, up to an H whose target is constant here.

    There the rest of that run of H's (distinct targets) is applied too, passing over the H's on constant
    targets (they commute with the others); the driver does those across chunks. With ``probe`` the
    diffusion block that may follow is examined for the driver (:func:`_probe`).
    """
    if chunk.stop[0] == REFUSED_H:
        return chunk
    rows, amps = (chunk.rows.copy(), chunk.amplitudes.copy()) if copy else (chunk.rows, chunk.amplitudes)
    bits = chunk.local_bits
    status, where = _run(rows, amps, bits, program, first, last)
    if status != NEEDS_EXTENSION:
        return Chunk(rows, amps, bits, (int(status), int(where), (), None, -1))
    kinds, targets = program[0], program[1]
    end = where
    while end < last and kinds[end] == _H_KIND:
        end += 1
    run = [int(q) for q in targets[where:end]]
    values = tuple(int(rows[q, 0] & np.uint64(1)) if _is_constant_row(rows, q, bits) else -1 for q in run)
    if len(set(run)) != len(run):
        return Chunk(rows, amps, bits, (NEEDS_EXTENSION, int(where), values, None, int(end)))
    ok, passed = _run_skipping_constant(rows, amps, bits, program, where, end)
    if not ok:
        return Chunk(rows, amps, bits, (REFUSED_H, passed[-1], (), None, -1))
    out = Chunk(rows, amps, bits, (NEEDS_EXTENSION, int(where), values, tuple(passed), int(end)))
    if probe:
        _probe(out, program, passed, end, last)
    return out


def _probe(chunk: Chunk, program: tuple, passed: list[int], end: int, last: int) -> None:
    """Examine the block H_A L H_A that may follow: run L's gates on a ones vector, note which targets are constant.

    L is the run of non-H ops from ``end``, run2 the H's after it. The driver uses the reflection when, in
    every chunk, L keeps the rows and is diagonal, and is not the identity in one chunk at most.
    """
    kinds, targets = program[0], program[1]
    stop = end
    while stop < last and kinds[stop] != _H_KIND:
        stop += 1
    run2 = stop
    while run2 < last and kinds[run2] == _H_KIND:
        run2 += 1
    if run2 == stop or len(set(targets[stop:run2])) != run2 - stop:
        return
    rows, bits = chunk.rows, chunk.local_bits
    prints = _row_fingerprints(rows)
    signs = np.ones(1 << bits)
    _run(rows, signs, bits, program, end, stop)  # L on the rows themselves: its gates are involutions
    kept = bool(np.array_equal(_row_fingerprints(rows), prints))
    if not kept:
        _run(rows, np.ones(1 << bits), bits, _reversed(program, end, stop), 0, stop - end)
    identity = bool(np.all(signs == 1.0))
    chunk.probe = {
        "block": (end, stop, run2),
        "high1": [(int(targets[i]), int(rows[targets[i], 0] & np.uint64(1))) for i in passed],
        "high2": sorted(int(targets[i]) for i in range(stop, run2) if _is_constant_row(rows, int(targets[i]), bits)),
        "rows_kept": kept,
        "identity": identity,
        "fingerprints": prints,
    }
    chunk.signs = None if identity else signs


def _reversed(program: tuple, first: int, last: int) -> tuple:
    """Ops first..last-1 (no H) in reverse order: their inverse, as every X-, Z- and SWAP-type gate is its own."""
    kinds, targets, starts, cq, cp = program
    order = list(range(last - 1, first - 1, -1))
    new_starts = np.zeros(len(order) + 1, dtype=np.int64)
    for j, k in enumerate(order):
        new_starts[j + 1] = new_starts[j] + starts[k + 1] - starts[k]
    pick = np.concatenate([np.arange(starts[k], starts[k + 1]) for k in order]) if order else np.zeros(0, dtype=np.int64)
    pick = pick.astype(np.int64)
    return kinds[order].copy(), targets[order].copy(), new_starts, cq[pick].copy(), cp[pick].copy()


def stops_of(chunks: list[Chunk]) -> list[tuple]:
    return [chunk.stop for chunk in chunks]


def fingerprints_of(chunks: list[Chunk]) -> list[np.ndarray]:
    return [_row_fingerprints(chunk.rows) for chunk in chunks]


def amplitudes_of(chunk: Chunk) -> np.ndarray:
    return chunk.amplitudes


def pair_hadamard(chunk: Chunk, partner: np.ndarray, value: int) -> Chunk:
    """H on a qubit that is ``value`` here and the opposite in the partner chunk (same other rows)."""
    inv = 1.0 / np.sqrt(2.0)
    amps = (partner - chunk.amplitudes) * inv if value else (chunk.amplitudes + partner) * inv
    return Chunk(chunk.rows, amps, chunk.local_bits)


def extend_local(chunk: Chunk, q: int, constant: int) -> Chunk:
    """H on a constant qubit while the index fits one chunk: a new local index bit (as the one-process engine)."""
    rows, amps = extend_index(chunk.rows, chunk.amplitudes, chunk.local_bits, q, constant)
    return Chunk(rows, amps, chunk.local_bits + 1)


def extend_high(chunk: Chunk, q: int, constant: int, upper: bool) -> Chunk:
    """H on a constant qubit with full chunks: this chunk's half of the new high index bit."""
    rows = chunk.rows.copy()
    rows[q] = _valid_mask(chunk.local_bits) if upper else np.uint64(0)
    amps = chunk.amplitudes * ((-1.0) ** constant) / math.sqrt(2) if upper else chunk.amplitudes / math.sqrt(2)
    return Chunk(rows, amps, chunk.local_bits)


def probes_of(chunks: list[Chunk]) -> list[dict | None]:
    return [chunk.probe for chunk in chunks]


def partial_sum(chunks: list[Chunk], signs: list[float]) -> np.ndarray:
    total = np.zeros_like(chunks[0].amplitudes)
    for chunk, sign in zip(chunks, signs):
        total += sign * chunk.amplitudes
    return total


def chunk_reflection(k0: Chunk, partials: list[np.ndarray], num_chunks: int) -> np.ndarray:
    """(d_k0 - 1) * (sum_h s_h x_h) / 2^m, the one vector every chunk adds (times its sign)."""
    total = partials[0].copy()
    for part in partials[1:]:
        total += part
    assert k0.signs is not None
    return (k0.signs - 1.0) * total / num_chunks


def finish_block(
    chunk: Chunk, correction: np.ndarray | None, sign: float, program: tuple, run2: tuple[int, int], last: int, probe: bool
) -> Chunk:
    """Add the reflection's correction, run2's H on non-constant qubits (the constant ones are in the block),
    then the next segment up to ``last``.

    Works in place: ``chunk`` is the segment task's output that only this task (after the reduction has
    read it) still uses.
    """
    rows, amps = chunk.rows, chunk.amplitudes
    if correction is not None:
        amps += sign * correction
    ok, passed = _run_skipping_constant(rows, amps, chunk.local_bits, program, *run2)
    if not ok:
        return Chunk(rows, amps, chunk.local_bits, (REFUSED_H, passed[-1], (), None, -1))
    return run_segment(Chunk(rows, amps, chunk.local_bits), program, run2[1], last, copy=False, probe=probe)


# --- worker side: measuring ------------------------------------------------------------------


def _outcomes(chunk: Chunk, qubits: Sequence[int]) -> np.ndarray:
    """The measured value of ``qubits`` (qubits[0] least significant) at each local index."""
    return index_outcomes(chunk.rows, qubits, chunk.local_bits)


def _outcome_prints(chunk: Chunk, qubits: Sequence[int]) -> np.ndarray:
    return _row_fingerprints(np.ascontiguousarray(chunk.rows[list(qubits)]))


def good_entry(chunk: Chunk, goal, qubits: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """(fingerprints of the measured rows, good mask per local index): reused while those rows are unchanged."""
    return _outcome_prints(chunk, qubits), goal.good(_outcomes(chunk, qubits))


def _chunk_success(chunk: Chunk, entry: tuple[np.ndarray, np.ndarray], goal, qubits: Sequence[int]) -> float:
    prints, mask = entry
    if not np.array_equal(prints, _outcome_prints(chunk, qubits)):
        mask = goal.good(_outcomes(chunk, qubits))
    return float((chunk.amplitudes[mask] ** 2).sum())


def successes(pairs: list[tuple[Chunk, tuple]], goal, qubits: Sequence[int]) -> list[float]:
    return [_chunk_success(chunk, entry, goal, qubits) for chunk, entry in pairs]


def totals(chunks: list[Chunk]) -> list[float]:
    return [float(np.cumsum(chunk.amplitudes**2)[-1]) for chunk in chunks]


def chunk_draw(chunk: Chunk, residuals: np.ndarray, qubits: Sequence[int]) -> np.ndarray:
    """Local indices where the chunk's cumulative probability passes each residual; their measured values."""
    cdf = np.cumsum(chunk.amplitudes**2)
    local = np.minimum(np.searchsorted(cdf, residuals, side="right"), cdf.size - 1)
    out = np.zeros(local.size, dtype=np.int64)
    for j, q in enumerate(qubits):
        out |= bits_at(chunk.rows[q], local).astype(np.int64) << j
    return out


def chunk_distribution(chunk: Chunk, qubits: Sequence[int], base: int):
    """The chunk's probabilities, with the outcomes only when they are not base + local index."""
    weights = chunk.amplitudes**2
    outcomes = _outcomes(chunk, qubits)
    if np.array_equal(outcomes, np.arange(base, base + weights.size, dtype=np.int64)):
        return weights
    return outcomes, weights
