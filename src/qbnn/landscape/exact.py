"""The exact cost landscape: how many points every configuration classifies correctly.

This is the classical truth the quantum circuits are checked against and the
input of the analytic engine (M solutions out of 2^p gives sin^2 theta = M/2^p).
Vectorised over configurations in chunks; memory is checked before allocating.
A conditional landscape (paper section 3) counts over the 2^f settings of the
free parameters of a :class:`~qbnn.model.conditioning.Condition`, the others fixed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from typing import TYPE_CHECKING

import numpy as np

from qbnn.model.data import Dataset
from qbnn.errors import ArchitectureError, ResourceLimitError
from qbnn.model.input_levels import check_meta
from qbnn.model.network import Network
from qbnn.core.memory import available_memory_bytes, format_bytes

if TYPE_CHECKING:
    from qbnn.model.conditioning import Condition

__all__ = ["Landscape", "compute_landscape", "check_compatible", "chunk_ranges"]

#: Configurations evaluated per vectorised chunk (bounded working memory, ~100 MB).
CHUNK = 1 << 20


def check_compatible(network: Network, data: Dataset) -> None:
    """Refuse a dataset whose feature count does not match the first layer."""
    if data.num_features != network.num_inputs:
        raise ArchitectureError(
            f"{data.name} has {data.num_features} feature columns but {{layers}} starts with "
            f"{network.num_inputs}; make the first layer size {data.num_features}",
            layers=",".join(map(str, network.layers)),
        )
    check_meta(network.meta, data.input_bits)


def chunk_ranges(total: int, chunk: int = CHUNK) -> Iterator[tuple[int, int]]:
    """Half-open ranges [start, stop) covering 0..total in steps of ``chunk``."""
    for start in range(0, total, chunk):
        yield start, min(start + chunk, total)


def _count_dtype(points: int) -> np.dtype:
    return np.dtype(np.uint8 if points < 256 else np.uint16 if points < 65536 else np.uint32)


@dataclass(frozen=True, eq=False)
class Landscape:
    """Correct-point counts for all 2^p configurations of ``network`` on ``data``.

    >>> from qbnn.model.data import paper_problem
    >>> land = compute_landscape(Network((3, 2, 1)), paper_problem(1))
    >>> land.num_solutions, land.configurations
    (8, 256)
    """

    network: Network
    data: Dataset
    correct: np.ndarray  # per configuration index, number of correctly classified points
    condition: Condition | None = None  # None: every parameter free

    @property
    def parameters(self) -> int:
        return self.network.num_parameters

    @property
    def configurations(self) -> int:
        return int(self.correct.size)

    @property
    def points(self) -> int:
        return self.data.num_points

    @property
    def best_correct(self) -> int:
        return int(self.correct.max())

    def solutions(self, min_correct: int | None = None) -> np.ndarray:
        """Configuration indices with at least ``min_correct`` correct points (default: all points)."""
        target = self.points if min_correct is None else int(min_correct)
        return np.flatnonzero(self.correct >= target)

    @property
    def num_solutions(self) -> int:
        return int(np.count_nonzero(self.correct == self.points))

    def count_at_least(self, min_correct: int) -> int:
        return int(np.count_nonzero(self.correct >= min_correct))

    @property
    def histogram(self) -> dict[int, int]:
        """Correct count -> number of configurations (only counts that occur)."""
        values = np.bincount(self.correct, minlength=self.points + 1)
        return {int(c): int(n) for c, n in enumerate(values) if n}

    def good_mask(self, min_correct: int | None = None) -> np.ndarray:
        target = self.points if min_correct is None else int(min_correct)
        return self.correct >= target

    def summary(self) -> dict:
        """The JSON object of ``qbnn landscape --json`` (docs/concepts/command-line.md)."""
        summary = {
            "network": list(self.network.layers),
            "meta": self.network.meta,
            "data": self.data.name,
            "parameters": self.parameters,
            "configurations": self.configurations,
            "points": self.points,
            "solutions": self.num_solutions,
            "best_accuracy": self.best_correct,
            "histogram": {str(k): v for k, v in self.histogram.items()},
            "input_bits": self.data.input_bits,
        }
        if self.condition is not None:
            summary["free"] = list(self.condition.free)
        return summary


def landscape_memory_bytes(network: Network, data: Dataset, free: int | None = None) -> int:
    """Bytes the landscape array needs (one count per configuration), plus one chunk of work."""
    superposed = network.num_parameters if free is None else free
    per_config = _count_dtype(data.num_points).itemsize
    work = min(1 << superposed, CHUNK) * (8 * (network.num_parameters + 4))
    return (1 << superposed) * per_config + work


def compute_landscape(
    network: Network, data: Dataset, *, condition: Condition | None = None, max_memory_bytes: int | None = None
) -> Landscape:
    """Evaluate every configuration classically (vectorised in chunks of 2^20).

    With a ``condition`` only its free parameters vary: 2^f configurations,
    configuration bit j being the j-th free parameter.
    """
    check_compatible(network, data)
    superposed = network.num_parameters if condition is None else condition.num_free
    need = landscape_memory_bytes(network, data, superposed)
    limit = available_memory_bytes() if max_memory_bytes is None else max_memory_bytes
    if need > limit:
        raise ResourceLimitError(
            f"the landscape of {network.describe()} has 2^{superposed} configurations and needs "
            f"{format_bytes(need)} but only {format_bytes(limit)} is available; use fewer parameters "
            "(smaller {layers}, no {meta}, fewer {free} indices) or split it over Dask workers ({workers})",
            layers=...,
            meta=...,
            free=...,
            workers=...,
        )
    total = 1 << superposed
    correct = np.empty(total, dtype=_count_dtype(data.num_points))
    for start, stop in chunk_ranges(total, CHUNK if condition is None else CHUNK >> 4):
        indices = np.arange(start, stop, dtype=np.int64)
        if condition is None:
            correct[start:stop] = network.batch_correct_counts(indices, data.X, data.y)
        else:
            correct[start:stop] = network.correct_counts(condition.vectors(indices), data.X, data.y)
    correct.setflags(write=False)
    return Landscape(network, data, correct, condition)
