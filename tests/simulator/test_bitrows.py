"""Bit-row helpers shared by the structured engine, its Dask chunks and the sampler, against plain bit lists."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from qbnn.simulator.bitrows import bits_at, draw_indices, extend_index, index_outcomes, row_bits


def random_rows(rng: np.random.Generator, num_rows: int, num_index_bits: int) -> tuple[np.ndarray, np.ndarray]:
    """Packed rows with only the 2^p valid bits set at random, and the same bits unpacked."""
    size = 1 << num_index_bits
    bits = rng.integers(0, 2, (num_rows, size), dtype=np.uint8)
    padded = np.zeros((num_rows, max(64, size)), dtype=np.uint8)
    padded[:, :size] = bits
    rows = np.packbits(padded, axis=1, bitorder="little").view(np.uint64)
    return np.ascontiguousarray(rows), bits


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 9), st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_row_bits_bits_at_and_outcomes_read_the_packed_bits(p, num_rows, seed):
    rng = np.random.default_rng(seed)
    rows, bits = random_rows(rng, num_rows, p)
    for q in range(num_rows):
        assert np.array_equal(row_bits(rows[q], p), bits[q])
        indices = rng.integers(0, 1 << p, 17)
        assert np.array_equal(bits_at(rows[q], indices), bits[q][indices])
    qubits = list(rng.permutation(num_rows))
    expected = sum(bits[q].astype(np.int64) << j for j, q in enumerate(qubits))
    assert np.array_equal(index_outcomes(rows, qubits, p), expected)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 9), st.integers(1, 4), st.integers(0, 1), st.integers(0, 2**32 - 1))
def test_extend_index_duplicates_rows_and_splits_amplitudes(p, num_rows, constant, seed):
    rng = np.random.default_rng(seed)
    rows, bits = random_rows(rng, num_rows, p)
    qubit = int(rng.integers(0, num_rows))
    amplitudes = rng.normal(size=1 << p)
    before = rows.copy(), amplitudes.copy()
    new_rows, new_amplitudes = extend_index(rows, amplitudes, p, qubit, constant)
    assert np.array_equal(rows, before[0]) and np.array_equal(amplitudes, before[1])  # inputs untouched
    size = 1 << p
    for q in range(num_rows):
        expected = np.r_[np.zeros(size), np.ones(size)] if q == qubit else np.r_[bits[q], bits[q]]
        assert np.array_equal(row_bits(new_rows[q], p + 1), expected)
    sign = -1.0 if constant else 1.0
    np.testing.assert_allclose(new_amplitudes, np.r_[amplitudes, sign * amplitudes] / np.sqrt(2), rtol=0, atol=1e-15)


def test_draw_indices_is_seeded_and_follows_the_squared_amplitudes():
    amplitudes = np.array([0.0, 0.6, 0.0, 0.8])
    a = draw_indices(amplitudes, 20_000, np.random.default_rng(5))
    assert np.array_equal(a, draw_indices(amplitudes, 20_000, np.random.default_rng(5)))
    assert set(np.unique(a)) == {1, 3}
    assert abs(np.mean(a == 3) - 0.64) < 0.02  # 0.64 +- 4.5 sigma (sigma = 0.0034)
