"""The sin^2 law of amplitude amplification (Brassard et al. 2002; paper eq. 3).

With M good configurations out of N, sin^2 theta = M/N and after k Grover
iterations a measurement finds a good one with probability sin^2((2k+1) theta).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["theta", "success_probability", "optimal_iterations", "success_curve"]


def theta(num_good: int, num_total: int) -> float:
    """The rotation angle: sin^2 theta = M / N."""
    if not 0 <= num_good <= num_total or num_total <= 0:
        raise ValueError(f"need 0 <= M <= N and N > 0, got M={num_good}, N={num_total}")
    return math.asin(math.sqrt(num_good / num_total))


def success_probability(num_good: int, num_total: int, k: int) -> float:
    """sin^2((2k+1) theta): exact success probability after k iterations.

    >>> round(success_probability(8, 256, 4), 6)
    0.999182
    """
    return math.sin((2 * k + 1) * theta(num_good, num_total)) ** 2


def success_curve(num_good: int, num_total: int, ks) -> np.ndarray:
    """:func:`success_probability` for each k in ``ks``."""
    t = theta(num_good, num_total)
    return np.sin((2 * np.asarray(ks, dtype=np.float64) + 1) * t) ** 2


def optimal_iterations(num_good: int, num_total: int) -> int:
    """The k that maximises sin^2((2k+1) theta): the integer nearest pi/(4 theta) - 1/2.

    >>> optimal_iterations(8, 256), optimal_iterations(4, 256)
    (4, 6)
    """
    if num_good == 0:
        return 0
    t = theta(num_good, num_total)
    candidates = {max(0, math.floor(math.pi / (4 * t) - 0.5)), max(0, math.ceil(math.pi / (4 * t) - 0.5))}
    return max(sorted(candidates), key=lambda k: success_probability(num_good, num_total, k))
