"""The landscape summarised chunk by chunk, in one process or on a Dask cluster (docs/concepts/engine.md).

The 2^p configurations split into independent chunks; each worker evaluates
its chunks with the same vectorised code as the one-process path and returns
a small summary (histogram, best count, solutions up to a cap), which the
client reduces, so no count per configuration is ever held. The cluster comes
from :mod:`qbnn.core.cluster` (a local one, or a running scheduler).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from qbnn.model.data import Dataset
from qbnn.landscape import check_compatible, chunk_ranges
from qbnn.model.network import Network

__all__ = ["LandscapeSummary", "landscape_summary", "distributed_landscape_summary", "SOLUTION_CAP"]

#: Solutions listed at most (the count is always exact).
SOLUTION_CAP = 10_000


@dataclass(frozen=True)
class LandscapeSummary:
    """What ``qbnn landscape`` reports, without holding one count per configuration."""

    network: Network
    data_name: str
    points: int
    histogram: dict[int, int]
    best_correct: int
    solutions: list[int] = field(default_factory=list)  # sorted, at most SOLUTION_CAP
    input_bits: int = 1  # bits per feature of the data (1: ±1)

    @property
    def num_solutions(self) -> int:
        return self.histogram.get(self.points, 0)

    def solutions_at_least(self, min_correct: int) -> int:
        """How many configurations classify at least ``min_correct`` points correctly (M of a threshold search)."""
        return sum(n for correct, n in self.histogram.items() if correct >= min_correct)

    def to_json(self) -> dict:
        return {
            "network": list(self.network.layers),
            "meta": self.network.meta,
            "data": self.data_name,
            "parameters": self.network.num_parameters,
            "configurations": self.network.num_configurations,
            "points": self.points,
            "solutions": self.num_solutions,
            "best_accuracy": self.best_correct,
            "histogram": {str(k): v for k, v in sorted(self.histogram.items())},
            "input_bits": self.input_bits,
        }


def _summarise_chunk(network: Network, X: np.ndarray, y: np.ndarray, start: int, stop: int, cap: int):
    """One task: histogram, best and first ``cap`` solutions of configurations start..stop-1."""
    counts = network.batch_correct_counts(np.arange(start, stop, dtype=np.int64), X, y)
    histogram = np.bincount(counts, minlength=len(y) + 1)
    solutions = (np.flatnonzero(counts == len(y))[:cap] + start).tolist()
    return histogram, int(counts.max()), solutions


def _reduce(network: Network, data: Dataset, parts, cap: int) -> LandscapeSummary:
    histogram = np.zeros(data.num_points + 1, dtype=np.int64)
    best = 0
    solutions: list[int] = []
    for part_histogram, part_best, part_solutions in parts:
        histogram += part_histogram
        best = max(best, part_best)
        solutions.extend(part_solutions)
    solutions = sorted(solutions)[:cap]
    return LandscapeSummary(
        network,
        data.name,
        data.num_points,
        {int(c): int(n) for c, n in enumerate(histogram) if n},
        best,
        solutions,
        data.input_bits,
    )


def landscape_summary(network: Network, data: Dataset, *, chunk: int = 1 << 20, cap: int = SOLUTION_CAP) -> LandscapeSummary:
    """The one-process path of the same chunked reduction (reference for the Dask path)."""
    check_compatible(network, data)
    parts = (
        _summarise_chunk(network, data.X, data.y, start, stop, cap)
        for start, stop in chunk_ranges(network.num_configurations, chunk)
    )
    return _reduce(network, data, parts, cap)


def distributed_landscape_summary(
    network: Network,
    data: Dataset,
    client=None,
    *,
    chunk: int = 1 << 20,
    cap: int = SOLUTION_CAP,
    progress: Callable[[int, int], None] | None = None,
) -> LandscapeSummary:
    """Chunks of the configuration space evaluated on the cluster; identical to :func:`landscape_summary`.

    ``client`` defaults to the current Dask client (e.g. inside :func:`qbnn.core.cluster.dask_client`).
    """
    from distributed import as_completed

    from qbnn.core.cluster import default_client

    client = default_client() if client is None else client
    check_compatible(network, data)
    ranges = list(chunk_ranges(network.num_configurations, chunk))
    X, y = np.asarray(data.X), np.asarray(data.y)  # small: sent inline with each task
    futures = [
        client.submit(_summarise_chunk, network, X, y, start, stop, cap, pure=False)
        for start, stop in ranges
    ]
    parts = []
    for done, future in enumerate(as_completed(futures), start=1):
        parts.append(future.result())
        if progress is not None:
            progress(done, len(futures))
    return _reduce(network, data, parts, cap)
