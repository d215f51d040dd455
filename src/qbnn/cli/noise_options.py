"""``--noise MODEL:RATE`` and ``--trajectories T``, shared by ``amplify`` and ``train``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Optional

import typer

from qbnn.errors import QbnnError

__all__ = ["NoiseOption", "TrajectoriesOption", "noisy_amplification", "noise_client"]

NoiseOption = Annotated[
    Optional[str],
    typer.Option(
        "--noise",
        help="Pauli noise after every gate on each of its qubits: bit-flip:R, phase-flip:R or depolarizing:R (R in [0, 1]).",
    ),
]
TrajectoriesOption = Annotated[
    Optional[int],
    typer.Option("--trajectories", help="Noisy trajectories per estimate (with --noise; default 400)."),
]


def noisy_amplification(training, noise: str | None, trajectories: int | None, seed: int, engine: str, workers, scheduler):
    """The problem prepared for noisy runs, or None without ``--noise``; refuses what noise cannot combine with."""
    from qbnn.simulator.noise import parse_noise

    parsed = parse_noise(noise)
    if parsed is None:
        if trajectories is not None:
            raise QbnnError("{trajectories} needs {noise}", trajectories=trajectories, noise=...)
        return None
    if engine != "structured":
        raise QbnnError(
            "{noise} runs on the structured engine (its trajectories over Dask with {workers} or {scheduler}); drop {engine}",
            noise=noise, engine=..., workers=..., scheduler=...,
        )
    from qbnn.engines.amplify_noisy import DEFAULT_TRAJECTORIES, NoisyAmplification

    return NoisyAmplification(
        training, parsed, trajectories=DEFAULT_TRAJECTORIES if trajectories is None else trajectories, seed=seed
    )


@contextmanager
def noise_client(workers: int | None, scheduler: str | None) -> Iterator:
    """A Dask client for noisy trajectories when ``--workers``/``--scheduler`` (or $QBNN_SCHEDULER) ask for one, else None.

    Trajectories are seeded one by one from the run's seed, so the numbers are those of one process.
    """
    from qbnn.core.cluster import dask_client, wants_dask

    if not wants_dask(workers, scheduler):
        yield None
        return
    with dask_client(workers, scheduler) as client:
        yield client
