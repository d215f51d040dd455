"""Classical baselines: random search with and without replacement, by exact formula and by simulation.

With M solutions among N configurations, a classical search that draws
configurations at random and checks each one (one oracle call per draw)
succeeds within s draws with probability

- with replacement:    1 - (1 - M/N)^s
- without replacement: 1 - C(N - M, s) / C(N, s)

These are the curves of the paper's figure 5 and the "steps for 90%" numbers
of its section 5 (which the paper states as 28 and 57; see the report).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = [
    "success_within",
    "success_curve",
    "steps_for_confidence",
    "simulate_random_search",
    "RandomSearchResult",
]


def success_within(num_good: int, num_total: int, steps: int, *, replacement: bool) -> float:
    """Exact probability that random search has found a solution within ``steps`` draws.

    >>> round(success_within(8, 256, 64, replacement=False), 4)
    0.9036
    """
    _check(num_good, num_total)
    if steps <= 0 or num_good == 0:
        return 0.0
    if replacement:
        return 1.0 - (1.0 - num_good / num_total) ** steps
    if steps > num_total - num_good:
        return 1.0
    # C(N-M, s) / C(N, s) = prod_{i<s} (N-M-i)/(N-i), in logs for stability
    i = np.arange(steps, dtype=np.float64)
    log_fail = np.sum(np.log1p(-num_good / (num_total - i)))
    return float(1.0 - math.exp(log_fail))


def success_curve(num_good: int, num_total: int, steps: int, *, replacement: bool) -> np.ndarray:
    """:func:`success_within` for s = 1..steps."""
    _check(num_good, num_total)
    s = np.arange(1, steps + 1, dtype=np.float64)
    if num_good == 0:
        return np.zeros(steps)
    if replacement:
        return 1.0 - (1.0 - num_good / num_total) ** s
    remaining = np.maximum(num_total - np.arange(steps, dtype=np.float64), 1.0)
    ratio = np.clip(1.0 - num_good / remaining, 0.0, 1.0)
    return 1.0 - np.cumprod(ratio)


def steps_for_confidence(num_good: int, num_total: int, confidence: float = 0.9, *, replacement: bool) -> int:
    """Fewest draws after which random search has succeeded with probability >= ``confidence``.

    >>> steps_for_confidence(8, 256, replacement=False), steps_for_confidence(8, 256, replacement=True)
    (64, 73)
    >>> steps_for_confidence(4, 256, replacement=False), steps_for_confidence(4, 256, replacement=True)
    (112, 147)
    """
    _check(num_good, num_total)
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence}")
    if num_good == 0:
        raise ValueError("no solutions: random search never succeeds")
    if replacement:
        s = math.ceil(math.log1p(-confidence) / math.log1p(-num_good / num_total))
        while s > 1 and success_within(num_good, num_total, s - 1, replacement=True) >= confidence:
            s -= 1
        while success_within(num_good, num_total, s, replacement=True) < confidence:
            s += 1
        return s
    curve = success_curve(num_good, num_total, num_total - num_good + 1, replacement=False)
    return int(np.argmax(curve >= confidence - 1e-12)) + 1


@dataclass(frozen=True)
class RandomSearchResult:
    """Draws each simulated random-search run needed to hit a solution."""

    steps: np.ndarray  # one entry per run
    replacement: bool

    def success_curve(self, max_steps: int) -> np.ndarray:
        """Fraction of runs that had succeeded by step s, s = 1..max_steps."""
        s = np.arange(1, max_steps + 1)
        return (self.steps[None, :] <= s[:, None]).mean(axis=1)


def simulate_random_search(
    good_mask: np.ndarray, runs: int, *, replacement: bool, rng: np.random.Generator
) -> RandomSearchResult:
    """Simulate ``runs`` classical random searches over the configurations marked in ``good_mask``."""
    good_mask = np.asarray(good_mask, dtype=bool)
    total = good_mask.size
    if not good_mask.any():
        raise ValueError("no solutions: random search never succeeds")
    steps = np.empty(runs, dtype=np.int64)
    for r in range(runs):
        if replacement:
            # geometric number of draws, but drawn as configurations so it is a real simulation
            count = 0
            while True:
                count += 1
                if good_mask[rng.integers(0, total)]:
                    break
        else:
            order = rng.permutation(total)
            count = int(np.argmax(good_mask[order])) + 1
        steps[r] = count
    return RandomSearchResult(steps, replacement)


def _check(num_good: int, num_total: int) -> None:
    if not 0 <= num_good <= num_total or num_total <= 0:
        raise ValueError(f"need 0 <= M <= N and N > 0, got M={num_good}, N={num_total}")
