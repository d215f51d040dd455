"""The engine a command runs on: as named, or the structured engine on Dask when ``--workers``/``--scheduler`` ask.

A command-line concern (which flags move which engine), kept out of the
cluster module, which knows no engine.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from qbnn.core.cluster import cluster_workers, dask_client, wants_dask
from qbnn.errors import QbnnError

__all__ = ["EngineSession", "engine_session"]


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
    """``engine`` as given, or ``structured-dask`` inside a Dask client when ``workers``/``scheduler`` ask for it.

    $QBNN_SCHEDULER alone moves the structured engine (only) to that scheduler.
    """
    explicit = workers is not None or bool(scheduler)
    if engine != "structured":
        if explicit:
            raise QbnnError(
                f"{{workers}}/{{scheduler}} run the structured engine on Dask; drop {{engine}} or drop "
                "{workers}/{scheduler}",
                workers=...,
                scheduler=...,
                engine=engine,
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
