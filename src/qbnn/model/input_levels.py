"""Multi-bit inputs: the 2^b odd feature levels and the first layer's weighted sum.

With b input bits a feature takes one of the 2^b odd values -(2^b-1), ..., -3,
-1, 1, 3, ..., 2^b-1, so b = 1 is the paper's ±1. Weights stay ±1 and a
first-layer neuron outputs sign(sum_j w_j x_j) with sign(0) = +1; on ±1 inputs
that is exactly the paper's "at least ceil(N/2) agreeing inputs", so the
binary code paths are kept unchanged and these functions run only for
features outside ±1. Later layers see ±1 activity as before.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from qbnn.errors import ArchitectureError, DataError

__all__ = [
    "MAX_INPUT_BITS",
    "check_input_bits",
    "check_meta",
    "feature_levels",
    "levels_text",
    "is_binary",
    "first_layer_signs",
    "first_layer_signs_batch",
]

#: Largest supported b: features up to ±63 (the weighted sums stay small; the data stay int8).
MAX_INPUT_BITS = 6


def check_input_bits(input_bits: int) -> int:
    """``input_bits`` as an int in 1..MAX_INPUT_BITS, or a one-line :class:`DataError` naming it."""
    try:
        b = int(input_bits)
    except (TypeError, ValueError):
        raise DataError("{input_bits} must be an integer 1..%d" % MAX_INPUT_BITS, input_bits=input_bits) from None
    if b != input_bits or not 1 <= b <= MAX_INPUT_BITS:
        raise DataError("{input_bits} must be an integer 1..%d" % MAX_INPUT_BITS, input_bits=input_bits)
    return b


def check_meta(meta: bool, input_bits: int) -> None:
    """Meta-training searches connection bits of binary inputs only: refuse ``meta`` with b > 1 in one line."""
    if meta and input_bits > 1:
        raise ArchitectureError(
            "{meta} works with binary (±1) features only; drop it or use {input_bits}",
            meta=..., input_bits=1,
        )


def feature_levels(input_bits: int) -> np.ndarray:
    """The 2^b odd values a b-bit feature takes, ascending.

    >>> feature_levels(2).tolist()
    [-3, -1, 1, 3]
    """
    top = (1 << check_input_bits(input_bits)) - 1
    return np.arange(-top, top + 1, 2, dtype=np.int8)


def levels_text(input_bits: int) -> str:
    """The allowed values, short: ``-1/+1`` for b = 1, ``-3, -1, 1, 3`` or ``odd integers -15..15`` beyond."""
    b = check_input_bits(input_bits)
    if b == 1:
        return "-1/+1 or 0/1"
    if b <= 2:
        return ", ".join(str(v) for v in feature_levels(b).tolist())
    top = (1 << b) - 1
    return f"odd integers -{top}..{top}"


def is_binary(X: np.ndarray) -> bool:
    """True when every feature is ±1, so the binary (paper) code paths apply unchanged."""
    return bool(np.all(np.abs(np.asarray(X)) == 1))


def first_layer_signs(X: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Activity of the first layer: sign(X @ W.T) in {-1, +1} with sign(0) = +1 (points x neurons)."""
    sums = np.asarray(X, dtype=np.int64) @ np.asarray(W, dtype=np.int64).T
    return np.where(sums >= 0, 1, -1)


def first_layer_signs_batch(point: Sequence[int], weight_bits: Sequence[np.ndarray]) -> np.ndarray:
    """For many configurations at once: does a neuron fire on ``point``? (bool per configuration).

    ``weight_bits[j]`` holds, per configuration, the neuron's weight bit for input j (True = +1).
    sum_j x_j (2 w_j - 1) >= 0  iff  sum_{j: w_j = +1} x_j >= ceil(sum_j x_j / 2), accumulated without temporaries.
    """
    x = [int(v) for v in point]
    total = np.zeros(np.shape(weight_bits[0]), dtype=np.int32)
    for value, bits in zip(x, weight_bits):
        np.add(total, value, out=total, where=bits)
    return 2 * total >= sum(x)
