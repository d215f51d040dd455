"""Dask clusters for qbnn: start a local one, connect to a running one, check what the workers run.

The one place that talks to ``distributed`` about clusters; the Dask
landscape (:mod:`qbnn.landscape`) and the ``structured-dask`` engine
(:mod:`qbnn.engines.distributed_structured`) both take their client from here.
A local cluster is started by default; ``scheduler=ADDR`` or
``$QBNN_SCHEDULER`` connects to a running one instead. No home-made cluster.

Every refusal happens before a process is started: a malformed address, a
worker count far above the machine's cores, workers running another qbnn.
"""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager

from qbnn.errors import QbnnError

__all__ = [
    "SCHEDULER_ENV",
    "CONNECT_TIMEOUT",
    "WORKERS_PER_CORE",
    "wants_dask",
    "check_scheduler_address",
    "max_local_workers",
    "dask_client",
    "default_client",
    "cluster_workers",
    "check_workers",
    "qbnn_version",
    "dask_setup",
]

SCHEDULER_ENV = "QBNN_SCHEDULER"
#: Seconds to wait for a scheduler to answer, and for a running cluster to have a worker.
CONNECT_TIMEOUT = 10.0
#: Local worker processes allowed per core (each is a Python process of ~100 MB doing CPU-bound work).
WORKERS_PER_CORE = 4
_SCHEMES = ("tcp", "tls", "inproc", "ucx", "ws", "wss")


def wants_dask(workers: int | None, scheduler: str | None) -> bool:
    """True when the user asked for Dask: ``workers``, ``scheduler`` or $QBNN_SCHEDULER."""
    return workers is not None or bool(scheduler) or bool(os.environ.get(SCHEDULER_ENV))


def check_scheduler_address(address: str, *, from_environment: bool = False) -> None:
    """Refuse an address ``distributed`` could not parse, before any connection is tried."""
    scheme, _, rest = address.partition("://") if "://" in address else ("tcp", "", address)
    problem = None
    if scheme not in _SCHEMES:
        problem = f"unknown scheme {scheme!r} (known: {', '.join(_SCHEMES)})"
    elif scheme in ("tcp", "tls", "ws", "wss"):
        host, sep, port = rest.rpartition(":")
        if not sep or not host:
            problem = "it has no host:port"
        elif not port.isdigit() or not 0 < int(port) < 65536:
            problem = f"port {port!r} is not a number in 1..65535"
    if problem is None:
        return
    hint = "write it as tcp://HOST:PORT, e.g. tcp://127.0.0.1:8786"
    if from_environment:
        raise QbnnError(f"{SCHEDULER_ENV}={address!r} is not a Dask scheduler address: {problem}; {hint}")
    raise QbnnError(f"{{scheduler}} is not a Dask scheduler address: {problem}; {hint}", scheduler=address)


def max_local_workers() -> int:
    """The most local worker processes qbnn starts: ``WORKERS_PER_CORE`` per core of this machine."""
    return WORKERS_PER_CORE * (os.cpu_count() or 1)


def _check_local_workers(workers: int) -> None:
    if workers < 1:
        raise QbnnError("{workers} must be at least 1", workers=workers)
    limit = max_local_workers()
    if workers > limit:
        raise QbnnError(
            f"{{workers}} would start {workers} worker processes on a machine with {os.cpu_count() or 1} cores; "
            f"use at most {limit} (one per core is fastest), or run the workers on a cluster and pass {{scheduler}}",
            workers=workers,
            scheduler=...,
        )


def cluster_workers(client) -> dict[str, dict]:
    """Every worker the scheduler knows (address -> info), whatever the Dask version's default cap."""
    try:
        info = client.scheduler_info(n_workers=-1)
    except TypeError:  # older distributed: no n_workers argument, all workers listed
        info = client.scheduler_info()
    return dict(info["workers"])


def qbnn_version() -> str:
    """The qbnn version importable here (run on each worker by :func:`check_workers`)."""
    import qbnn

    return qbnn.__version__


def check_workers(client, address: str) -> None:
    """Refuse a cluster whose workers cannot import this qbnn version (they run qbnn's tasks)."""
    mine = qbnn_version()
    answers = client.run(qbnn_version, on_error="return")
    for worker, answer in sorted(answers.items()):
        if isinstance(answer, BaseException):
            raise QbnnError(
                f"Dask worker {worker} of {address} cannot run qbnn ({type(answer).__name__}: {answer}); "
                f"install qbnn {mine} with its dependencies on every worker machine"
            )
        if answer != mine:
            raise QbnnError(
                f"Dask worker {worker} of {address} has qbnn {answer} but this client has {mine}; "
                "install the same version everywhere"
            )


@contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None, *, timeout: float | None = None) -> Iterator:
    """A ``distributed.Client``: on ``scheduler`` if given, else a LocalCluster of ``workers``, else $QBNN_SCHEDULER.

    The local cluster and the connection are closed on the way out, also on Ctrl-C.
    """
    if workers is not None and scheduler:
        raise QbnnError(
            "give {workers} N (a local cluster) or {scheduler} ADDR (a running one), not both", workers=..., scheduler=...
        )
    address = scheduler or (None if workers is not None else os.environ.get(SCHEDULER_ENV))
    if address:
        check_scheduler_address(address, from_environment=not scheduler)
    else:
        _check_local_workers(2 if workers is None else workers)
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise QbnnError("Dask clusters need the distributed package; run: pip install 'dask[distributed]'") from None
    timeout = CONNECT_TIMEOUT if timeout is None else timeout
    if address:
        try:
            client = Client(address, timeout=timeout)
        except (OSError, TimeoutError) as exc:
            raise QbnnError(
                f"cannot reach the Dask scheduler at {address} ({type(exc).__name__}); start it with "
                "'dask scheduler' and check the address, or drop {scheduler} to use a local cluster",
                scheduler=...,
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
    with _ctrl_c_ignored():
        cluster = LocalCluster(
            n_workers=workers or 2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=50,
            preload=[__name__],  # dask_setup below: a worker restarted later ignores Ctrl-C too
        )
    try:
        client = Client(cluster)
        try:
            yield client
        except KeyboardInterrupt:
            _quiet_shutdown()
            raise
        finally:
            with _ctrl_c_ignored():  # a second Ctrl-C does not cut the shutdown short
                client.close()
    finally:
        with _ctrl_c_ignored():
            cluster.close()


def _quiet_shutdown() -> None:
    """After Ctrl-C: the cancelled tasks of the client's event loop and the closing cluster stay silent."""
    for name in ("asyncio", "distributed", "tornado"):
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)


def dask_setup(worker) -> None:
    """Dask preload, run in each local worker as it starts: ignore Ctrl-C.

    The terminal sends SIGINT to the whole process group; the client process
    stops and closes the cluster, so the workers need not print a traceback each.
    """
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the worker's main thread: nothing to do
        pass


@contextmanager
def _ctrl_c_ignored() -> Iterator[None]:
    """SIGINT ignored for a moment: while worker processes start (they inherit it and keep it as Python
    starts) and while the cluster shuts down. In between, Ctrl-C stops this process, which closes the
    cluster. Outside the main thread signals are left alone.
    """
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def default_client():
    """The current Dask client (e.g. inside :func:`dask_client`), or a one-line error saying how to get one."""
    try:
        from distributed import default_client as current
    except ImportError:
        raise QbnnError("the structured-dask engine needs Dask; run: pip install 'dask[distributed]'") from None
    try:
        return current()
    except ValueError:
        raise QbnnError(
            "engine 'structured-dask' needs a Dask client; pass {workers} N or {scheduler} ADDR "
            "(in Python: with qbnn.core.cluster.dask_client() as client: ...)",
            workers=...,
            scheduler=...,
        ) from None
