"""Scale-out on Dask: landscapes computed in chunks on a cluster (DESIGN.md section 3, issue 8).

The 2^p configurations split into independent chunks; each worker evaluates
its chunks with the same vectorised code as the one-process path and returns
a small summary (histogram, best count, solutions up to a cap), which the
client reduces. A local cluster is started by default; ``--scheduler ADDR``
or ``QBNN_SCHEDULER`` connects to a running one instead. No home-made cluster.
The structured engine on the same clusters is
:mod:`qbnn.engines.distributed_structured`; :func:`engine_session` is how the
commands choose it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from qbnn.data import Dataset
from qbnn.errors import QbnnError
from qbnn.landscape import check_compatible, chunk_ranges
from qbnn.network import Network

__all__ = [
    "LandscapeSummary",
    "dask_client",
    "wants_dask",
    "engine_session",
    "EngineSession",
    "cluster_workers",
    "landscape_summary",
    "distributed_landscape_summary",
    "SOLUTION_CAP",
]

#: Solutions listed at most (the count is always exact).
SOLUTION_CAP = 10_000
SCHEDULER_ENV = "QBNN_SCHEDULER"
#: Seconds to wait for a scheduler to answer, and for a running cluster to have a worker.
CONNECT_TIMEOUT = 10.0


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


def wants_dask(workers: int | None, scheduler: str | None) -> bool:
    """True when the user asked for Dask: ``--workers``, ``--scheduler`` or $QBNN_SCHEDULER."""
    return workers is not None or bool(scheduler) or bool(os.environ.get(SCHEDULER_ENV))


@dataclass(frozen=True)
class EngineSession:
    """The engine a command runs: its registry name, and the Dask client and worker count when on Dask."""

    engine: str
    client: object | None = None
    workers: int | None = None

    @property
    def on_dask(self) -> bool:
        return self.client is not None


@contextmanager
def engine_session(engine: str, workers: int | None, scheduler: str | None) -> Iterator[EngineSession]:
    """``engine`` as given, or ``structured-dask`` inside a Dask client when --workers/--scheduler ask for it.

    $QBNN_SCHEDULER alone moves the structured engine (only) to that scheduler.
    """
    explicit = workers is not None or bool(scheduler)
    if engine != "structured":
        if explicit:
            raise QbnnError(
                f"--workers/--scheduler run the structured engine on Dask; drop --engine {engine} or drop --workers/--scheduler"
            )
        yield EngineSession(engine)
        return
    if not wants_dask(workers, scheduler):
        yield EngineSession(engine)
        return
    with dask_client(workers, scheduler) as client:
        if not workers and sys.stderr.isatty() and getattr(client, "dashboard_link", None):
            print(f"Dask dashboard: {client.dashboard_link}", file=sys.stderr)
        yield EngineSession("structured-dask", client, len(cluster_workers(client)))


def cluster_workers(client) -> dict[str, dict]:
    """Every worker the scheduler knows (address -> info), whatever the Dask version's default cap."""
    try:
        info = client.scheduler_info(n_workers=-1)
    except TypeError:  # older distributed: no n_workers argument, all workers listed
        info = client.scheduler_info()
    return dict(info["workers"])


def _qbnn_version() -> str:
    import qbnn

    return qbnn.__version__


def check_workers(client, address: str) -> None:
    """Refuse a cluster whose workers cannot import this qbnn version (they run qbnn's tasks)."""
    from qbnn import __version__

    answers = client.run(_qbnn_version, on_error="return")
    for worker, answer in sorted(answers.items()):
        if isinstance(answer, BaseException):
            raise QbnnError(
                f"Dask worker {worker} of {address} cannot run qbnn ({type(answer).__name__}: {answer}); "
                f"install qbnn {__version__} with its dependencies on every worker machine"
            )
        if answer != __version__:
            raise QbnnError(
                f"Dask worker {worker} of {address} has qbnn {answer} but this client has {__version__}; "
                "install the same version everywhere"
            )


@contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None, *, timeout: float | None = None) -> Iterator:
    """A ``distributed.Client``: on ``scheduler`` if given, else a LocalCluster of ``workers``, else $QBNN_SCHEDULER."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise QbnnError("--workers/--scheduler need Dask; run: pip install 'dask[distributed]'") from None
    if workers is not None and scheduler:
        raise QbnnError("give --workers N (a local cluster) or --scheduler ADDR (a running one), not both")
    timeout = CONNECT_TIMEOUT if timeout is None else timeout
    address = scheduler or (None if workers is not None else os.environ.get(SCHEDULER_ENV))
    if address:
        try:
            client = Client(address, timeout=timeout)
        except (OSError, TimeoutError) as exc:
            raise QbnnError(
                f"cannot reach the Dask scheduler at {address} ({type(exc).__name__}); start it with "
                "'dask scheduler' and check the address, or drop --scheduler to use a local cluster"
            ) from None
        try:
            try:
                client.wait_for_workers(1, timeout=timeout)
            except TimeoutError:
                raise QbnnError(
                    f"the Dask scheduler at {address} has no workers after {timeout:g} s; "
                    f"start some with 'dask worker {address}'"
                ) from None
            check_workers(client, address)
            yield client
        finally:
            client.close()
        return
    if workers is not None and workers < 1:
        raise QbnnError(f"--workers {workers} must be at least 1")
    cluster = LocalCluster(
        n_workers=workers or 2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=40
    )
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def distributed_landscape_summary(
    network: Network,
    data: Dataset,
    client,
    *,
    chunk: int = 1 << 20,
    cap: int = SOLUTION_CAP,
    progress: Callable[[int, int], None] | None = None,
) -> LandscapeSummary:
    """Chunks of the configuration space evaluated on the cluster; identical to :func:`landscape_summary`."""
    from distributed import as_completed

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
