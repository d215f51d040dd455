"""Engines by name: ``structured`` (ours, exact), ``aer`` (Qiskit Aer reference), ``analytic``.

``structured-dask`` (the structured engine over chunks on a Dask cluster) is
chosen by ``--workers``/``--scheduler`` rather than ``--engine``; it uses the
current Dask client unless one is passed as ``client=``.
"""

from __future__ import annotations

from qbnn.engines.protocol import AmplificationEngine
from qbnn.errors import QbnnError

__all__ = ["ENGINE_NAMES", "get_engine"]

ENGINE_NAMES = ("structured", "aer", "analytic")


def get_engine(name: str, **options) -> AmplificationEngine:
    """The engine called ``name``; options (e.g. ``max_memory_bytes``) go to its constructor."""
    if name == "structured":
        from qbnn.engines.amplify_structured import StructuredEngine

        return StructuredEngine(**options)
    if name == "structured-dask":
        from qbnn.engines.distributed_structured import DaskStructuredEngine

        return DaskStructuredEngine(**options)
    if name == "aer":
        from qbnn.engines.amplify_aer import AerEngine

        return AerEngine(**options)
    if name == "analytic":
        from qbnn.engines.analytic import AnalyticEngine

        return AnalyticEngine()
    raise QbnnError(f"unknown engine {name!r}; choose one of {', '.join(ENGINE_NAMES)}")
