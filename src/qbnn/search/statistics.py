"""Exact success statistics of every search strategy, for the tests and the report.

Each function turns the exact per-k success probabilities (from an engine or
the sin^2 law) into the exact probability that a strategy has succeeded, so
seeded runs can be checked within binomial bounds and the report can draw
curves without sampling.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

__all__ = [
    "fixed_k_success_probability",
    "paper_schedule_success_cdf",
    "bbht_success_cdf",
    "minimum_finding_success_probability",
]


def fixed_k_success_probability(p_success: Callable[[int], float], k: int, attempts: int = 1) -> float:
    """Exact probability that :class:`~qbnn.search.FixedK` succeeds within ``attempts`` measurements."""
    return 1.0 - (1.0 - p_success(k)) ** attempts


def paper_schedule_success_cdf(p_success: Callable[[int], float], steps: int) -> np.ndarray:
    """Exact P(paper schedule has succeeded by step t), t = 1..steps.

    Step t draws k uniformly from 0..t-1, so it succeeds with the mean of
    p(0..t-1); steps are independent given they happen.
    """
    probabilities = np.array([p_success(k) for k in range(steps)], dtype=np.float64)
    per_step = np.cumsum(probabilities) / np.arange(1, steps + 1)
    return 1.0 - np.cumprod(1.0 - per_step)


def bbht_success_cdf(
    p_success: Callable[[int], float], steps: int, num_configurations: int, growth: float = 6 / 5
) -> np.ndarray:
    """Exact P(BBHT has succeeded by step t), t = 1..steps, when the budget does not bind.

    Step t draws k uniformly from 0..ceil(m_t)-1 with m_1 = 1, m_(t+1) = min(growth m_t, sqrt(N))
    (Boyer et al. 1998), so it succeeds with the mean of p(0..ceil(m_t)-1), independently of earlier steps.
    """
    m, cap = 1.0, math.sqrt(num_configurations)
    failed, cdf = 1.0, []
    for _ in range(steps):
        top = max(1, math.ceil(m))
        failed *= 1.0 - sum(p_success(k) for k in range(top)) / top
        cdf.append(1.0 - failed)
        m = min(growth * m, cap)
    return np.array(cdf)


def minimum_finding_success_probability(
    histogram: Sequence[int], budget: int, goal: int | None = None, growth: float = 6 / 5
) -> float:
    """Exact probability that Durr-Hoyer minimum finding (``--strategy best``) ends with ``goal`` correct points.

    ``histogram[c]`` is the number of configurations with c correct points (the exact landscape);
    ``goal`` defaults to the best count. The process, as in :class:`qbnn.search.BestAccuracy`: one uniformly
    random configuration (1 call) is the incumbent; then, with the threshold t = best + 1, BBHT steps
    draw k uniformly from 0..ceil(m)-1 (m = 1, growing by ``growth`` up to sqrt(N) after each miss) and
    cost k + 1 calls; a step finds a configuration with >= t correct with probability
    sin^2((2k+1) theta_t), sin^2 theta_t = M_t / N, and that configuration is uniform over the M_t
    (amplitude amplification keeps the marked amplitudes equal). A step that would pass ``budget``
    ends the search. Computed by dynamic programming over (calls, best, misses), not by sampling.
    """
    counts = np.asarray(histogram, dtype=np.float64)
    total = float(counts.sum())
    best_possible = int(np.flatnonzero(counts)[-1])
    goal = best_possible if goal is None else int(goal)
    if budget < 1:
        raise ValueError("budget must be at least 1")
    if goal > best_possible:
        return 0.0  # no configuration has that many correct points
    cap = math.sqrt(total)
    ms = [1.0]
    while ms[-1] < cap:
        ms.append(min(growth * ms[-1], cap))
    at_least = np.cumsum(counts[::-1])[::-1]  # at_least[t] = M_t
    points = len(counts) - 1
    # mass[calls][best, misses]: probability of being at the start of a step in that state
    mass = np.zeros((budget + 1, points + 1, len(ms)))
    success = float(counts[goal:].sum() / total)
    mass[1, :goal, 0] = counts[:goal] / total
    for calls in range(1, budget):
        for best, misses in zip(*np.nonzero(mass[calls])):
            weight = mass[calls, best, misses]
            target = best + 1
            theta = math.asin(math.sqrt(at_least[target] / total))
            top = max(1, math.ceil(ms[misses]))
            for k in range(top):
                after = calls + k + 1
                if after > budget:
                    continue  # the step does not fit: the search ends here without the goal
                p = math.sin((2 * k + 1) * theta) ** 2
                share = weight / top
                found = share * p * counts[target:] / at_least[target]  # new best c = target + index
                success += float(found[goal - target :].sum())
                mass[after, target:goal, 0] += found[: goal - target]
                mass[after, best, min(misses + 1, len(ms) - 1)] += share * (1.0 - p)
    return success
