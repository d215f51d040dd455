"""Plain numpy operations on bit-rows, shared by the one-process engine, its Dask chunks and the sampler.

A bit-row packs a qubit's value at each of 2^p index settings into uint64
words (index i is bit i % 64 of word i // 64). Only numpy is imported, so Dask
workers can use these without Qiskit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

__all__ = ["ALL_ONES", "row_bits", "bits_at", "index_outcomes", "extend_index", "duplicated_rows", "draw_indices"]

ALL_ONES = np.uint64(0xFFFFFFFFFFFFFFFF)


def row_bits(row: np.ndarray, num_index_bits: int) -> np.ndarray:
    """The row's value (0/1, uint8) at every one of the 2^p index settings."""
    bits = np.unpackbits(np.ascontiguousarray(row).view(np.uint8), bitorder="little")
    return bits[: 1 << num_index_bits]


def bits_at(row: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """The row's value (0/1, uint8) at the given index settings only."""
    indices = np.asarray(indices, dtype=np.int64)
    return ((row[indices >> 6] >> (indices & 63).astype(np.uint64)) & np.uint64(1)).astype(np.uint8)


def index_outcomes(rows: np.ndarray, qubits: Sequence[int], num_index_bits: int) -> np.ndarray:
    """For each index setting, the integer value of ``qubits`` (qubits[0] least significant)."""
    outcome = np.zeros(1 << num_index_bits, dtype=np.int64)
    for j, q in enumerate(qubits):
        outcome |= row_bits(rows[q], num_index_bits).astype(np.int64) << j
    return outcome


def extend_index(
    rows: np.ndarray, amplitudes: np.ndarray, num_index_bits: int, qubit: int, constant: int
) -> tuple[np.ndarray, np.ndarray]:
    """H on ``qubit``, constant ``constant`` everywhere: a new top index bit that the qubit becomes.

    Every row is duplicated into the new upper half; amplitudes split by 1/sqrt(2), with a
    sign (-1)^constant on the upper half. Returns new (rows, amplitudes); the inputs are unchanged.
    """
    size = 1 << num_index_bits
    extended = np.empty(2 * size, dtype=amplitudes.dtype)
    extended[:size] = amplitudes / math.sqrt(2)
    extended[size:] = amplitudes * ((-1.0) ** constant) / math.sqrt(2)
    if num_index_bits < 6:  # both halves fit in one word
        width = 1 << num_index_bits
        low = rows & np.uint64((1 << width) - 1)
        new_rows = low | (low << np.uint64(width))
        new_rows[qubit] = np.uint64(((1 << (2 * width)) - 1) ^ ((1 << width) - 1))
    else:
        words = rows.shape[1]
        new_rows = np.concatenate([rows, rows], axis=1)
        new_rows[qubit, :words] = 0
        new_rows[qubit, words:] = ALL_ONES
    return np.ascontiguousarray(new_rows), extended


def draw_indices(amplitudes: np.ndarray, shots: int, rng: np.random.Generator) -> np.ndarray:
    """``shots`` index settings i drawn with probability |a_i|^2 (normalised), from ``rng``."""
    weights = amplitudes**2 if not np.iscomplexobj(amplitudes) else amplitudes.real**2 + amplitudes.imag**2
    cdf = np.cumsum(weights)
    cdf /= cdf[-1]
    draws = np.searchsorted(cdf, rng.random(shots), side="right")
    return np.minimum(draws, cdf.size - 1).astype(np.int64)


def duplicated_rows(rows: np.ndarray, p: int, qubit: int) -> np.ndarray:
    """Every row copied into a new top index bit p; row ``qubit`` becomes that bit."""
    if p < 6:
        width = 1 << p
        low = rows & np.uint64((1 << width) - 1)
        new_rows = low | (low << np.uint64(width))
        new_rows[qubit] = np.uint64(((1 << (2 * width)) - 1) ^ ((1 << width) - 1))
        return np.ascontiguousarray(new_rows)
    words = rows.shape[1]
    new_rows = np.concatenate([rows, rows], axis=1)
    new_rows[qubit, :words] = 0
    new_rows[qubit, words:] = ALL_ONES
    return new_rows
