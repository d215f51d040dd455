"""One small protocol for every engine: exact parameter distributions after U Q^k.

"Compile once, run many": ``engine.prepare(problem)`` returns an
:class:`Amplification` that answers, for any k, the exact probability of
measuring each configuration of the parameter register, the success
probability, and seeded samples. Strategies, the CLI and the report only use
this surface; they never reach into an engine's internals.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import OrderedDict
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from qbnn.problem import TrainingProblem

__all__ = ["Amplification", "AmplificationEngine", "CACHE_BYTES"]

#: Distributions kept per prepared problem (bytes); older ones are recomputed if asked again.
CACHE_BYTES = 512 << 20


class AmplificationEngine(Protocol):
    """Something that can prepare a :class:`~qbnn.problem.TrainingProblem` for amplification."""

    name: str

    def prepare(self, problem: TrainingProblem) -> Amplification: ...


class Amplification(ABC):
    """A problem compiled for one engine; distributions are cached per k."""

    engine_name: str = "?"

    def __init__(self, problem: TrainingProblem) -> None:
        self.problem = problem
        self._cache: OrderedDict[int, np.ndarray] = OrderedDict()
        self._cdf_cache: OrderedDict[int, np.ndarray] = OrderedDict()

    @abstractmethod
    def with_problem(self, problem: TrainingProblem) -> Amplification:
        """This engine, with all its settings (noise, memory limit, cluster, compiled U), prepared for ``problem``.

        How strategies get the raised-threshold searches of minimum finding: from the engine object they
        were given, never by looking an engine up by name (which would drop e.g. its noise).
        """

    @abstractmethod
    def _compute_distribution(self, k: int) -> np.ndarray:
        """Exact probabilities over the 2^p configurations after U Q^k (sums to 1)."""

    def prefetch(self, ks) -> None:
        """Compute several k at once where the engine can share work (default: nothing to share)."""

    def distribution(self, k: int) -> np.ndarray:
        """Exact probability of measuring each configuration after k Grover iterations."""
        if k < 0:
            raise ValueError(f"k must be >= 0, got {k}")
        if k in self._cache:
            self._cache.move_to_end(k)
            return self._cache[k]
        dist = np.asarray(self._compute_distribution(k), dtype=np.float64)
        dist.setflags(write=False)
        self._cache[k] = dist
        while len(self._cache) > 1 and len(self._cache) * dist.nbytes > CACHE_BYTES:
            self._cache.popitem(last=False)
        return dist

    def success_probability(self, k: int) -> float:
        """Probability that a measurement after k iterations gives a solution."""
        return float(self.distribution(k)[self.problem.good_mask].sum())

    def sample(self, k: int, rng: np.random.Generator, shots: int | None = None) -> int | np.ndarray:
        """Measure the parameter register after U Q^k: configuration index (or ``shots`` of them)."""
        if k not in self._cdf_cache:
            cdf = np.cumsum(self.distribution(k))
            cdf /= cdf[-1]
            self._cdf_cache[k] = cdf
            while len(self._cdf_cache) > 1 and len(self._cdf_cache) * cdf.nbytes > CACHE_BYTES:
                self._cdf_cache.popitem(last=False)
        cdf = self._cdf_cache[k]
        draws = np.searchsorted(cdf, rng.random(1 if shots is None else shots), side="right")
        draws = np.minimum(draws, len(cdf) - 1)
        return int(draws[0]) if shots is None else draws.astype(np.int64)
