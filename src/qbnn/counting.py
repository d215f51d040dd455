"""Count solutions without knowing them: maximum-likelihood amplitude estimation (QPE-free).

Suzuki et al., *Amplitude estimation without phase estimation* (Quantum
Information Processing 19, 75, 2020): measure after U Q^k for a schedule of
k (0, 1, 2, 4, ...), count how often the outcome is good, and maximise the
likelihood prod_k sin^2((2k+1)theta)^h_k cos^2((2k+1)theta)^(n-h_k) over
theta. Then M = N sin^2 theta, with a likelihood-ratio confidence interval,
and the estimate picks the optimal k for training (paper section 6 asks
how to search when M is unknown).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from qbnn.amplitude import optimal_iterations
from qbnn.engines.protocol import Amplification

__all__ = ["CountResult", "estimate_solutions", "default_schedule"]

#: chi-square(1) quantiles for the likelihood-ratio interval.
_CHI2_1 = {0.68: 0.98889, 0.9: 2.70554, 0.95: 3.84146, 0.99: 6.63490}


@dataclass(frozen=True)
class CountResult:
    """Estimated number of solutions M, its confidence interval and what it cost."""

    solutions: float  # maximum-likelihood estimate of M
    solutions_rounded: int
    interval: tuple[float, float]
    confidence: float
    configurations: int
    theta: float
    schedule: list[int]
    shots: int
    hits: list[int]
    oracle_calls: int  # Grover iterations + measurements, summed over every shot
    optimal_k: int  # the k that maximises sin^2((2k+1) theta) for the estimate
    seed: int | None

    def to_json(self) -> dict:
        data = asdict(self)
        data["interval"] = list(self.interval)
        return data


def default_schedule(num_configurations: int) -> list[int]:
    """k = 0, 1, 2, 4, ... up to about pi/4 sqrt(N): the exponential schedule of Suzuki et al."""
    limit = max(1, int(math.pi / 4 * math.sqrt(num_configurations)))
    schedule = [0]
    k = 1
    while k <= limit:
        schedule.append(k)
        k *= 2
    return schedule


def _log_likelihood(thetas: np.ndarray, schedule: Sequence[int], hits: Sequence[int], shots: int) -> np.ndarray:
    total = np.zeros_like(thetas)
    for k, h in zip(schedule, hits):
        p = np.sin((2 * k + 1) * thetas) ** 2
        if h:  # terms with no counts are 0: skip their logarithms
            total += h * np.log(np.maximum(p, 1e-300))
        if shots - h:
            total += (shots - h) * np.log(np.maximum(1.0 - p, 1e-300))
    return total


def estimate_solutions(
    amplification: Amplification,
    *,
    shots: int = 100,
    schedule: Sequence[int] | None = None,
    confidence: float = 0.95,
    seed: int | None = 0,
    grid: int = 200_001,
) -> CountResult:
    """Estimate M by MLAE on ``amplification`` (any engine); every measurement is seeded.

    >>> from qbnn.problem import TrainingProblem
    >>> from qbnn.engines.analytic import AnalyticEngine
    >>> result = estimate_solutions(AnalyticEngine().prepare(TrainingProblem.paper(1)), seed=1)
    >>> result.solutions_rounded, result.optimal_k
    (8, 4)
    """
    if confidence not in _CHI2_1:
        raise ValueError(f"confidence must be one of {sorted(_CHI2_1)}")
    if shots < 1:
        raise ValueError("shots must be at least 1")
    problem = amplification.problem
    total = problem.num_configurations
    ks = list(schedule) if schedule is not None else default_schedule(total)
    rng = np.random.default_rng(seed)
    good = problem.good_mask
    hits = []
    for k in ks:
        outcomes = amplification.sample(k, rng, shots=shots)
        hits.append(int(good[outcomes].sum()))
    thetas = np.linspace(0.0, math.pi / 2, grid)
    loglik = _log_likelihood(thetas, ks, hits, shots)
    best = int(np.argmax(loglik))
    # refine around the grid maximum
    step = thetas[1] - thetas[0]
    fine = np.linspace(max(0.0, thetas[best] - step), min(math.pi / 2, thetas[best] + step), 2001)
    fine_loglik = _log_likelihood(fine, ks, hits, shots)
    theta_hat = float(fine[int(np.argmax(fine_loglik))])
    peak = max(float(fine_loglik.max()), float(loglik[best]))
    inside = thetas[2 * (peak - loglik) <= _CHI2_1[confidence]]
    lo_theta = float(min(inside.min(), theta_hat)) if inside.size else theta_hat
    hi_theta = float(max(inside.max(), theta_hat)) if inside.size else theta_hat
    estimate = total * math.sin(theta_hat) ** 2
    rounded = int(round(estimate))
    interval = (total * math.sin(max(0.0, lo_theta - step)) ** 2, total * math.sin(min(math.pi / 2, hi_theta + step)) ** 2)
    oracle_calls = sum(shots * (k + 1) for k in ks)
    return CountResult(
        solutions=estimate,
        solutions_rounded=rounded,
        interval=interval,
        confidence=confidence,
        configurations=total,
        theta=theta_hat,
        schedule=ks,
        shots=shots,
        hits=hits,
        oracle_calls=oracle_calls,
        optimal_k=optimal_iterations(min(max(rounded, 1), total), total),
        seed=seed,
    )
