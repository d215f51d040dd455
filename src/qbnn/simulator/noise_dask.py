"""Noisy shots of a circuit on Dask workers (``StructuredSampler(noise=..., client=...)``).

Each noisy shot carries its own seed (drawn by the caller's generator,
:meth:`qbnn.simulator.noise.NoisyCircuit.sample`), so the outcomes do not
depend on where or in which order the shots run: on a cluster they are the
one-process outcomes. The compiled program travels once per worker
(scattered); each task runs a block of shots.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from qbnn.simulator.noise import NoisyCircuit

__all__ = ["noisy_circuit_shots_on_dask", "TASKS_PER_WORKER"]

#: Tasks per worker the shots are cut into.
TASKS_PER_WORKER = 8


def _shots_task(program, noise, max_memory_bytes: int, qubits: list[int], seeds: list[int]) -> np.ndarray:
    from qbnn.simulator.noise import NoisyCircuit
    from qbnn.simulator.structured import StructuredSimulator

    circuit = NoisyCircuit(program, noise, StructuredSimulator(max_memory_bytes=max_memory_bytes))
    return circuit.noisy_shots(qubits, seeds)


def noisy_circuit_shots_on_dask(circuit: NoisyCircuit, qubits: list[int], seeds: np.ndarray, client) -> np.ndarray:
    """:meth:`~qbnn.simulator.noise.NoisyCircuit.noisy_shots` on the client's workers, in the seeds' order."""
    info = client.scheduler_info()
    workers = max(1, len(info.get("workers", {})))
    size = max(1, math.ceil(seeds.size / (TASKS_PER_WORKER * workers)))
    program = client.scatter(circuit.segment.program, broadcast=True, hash=False)
    futures = [
        client.submit(
            _shots_task, program, circuit.noise, circuit.simulator.max_memory_bytes, list(qubits),
            [int(s) for s in seeds[start : start + size]], pure=False,
        )
        for start in range(0, int(seeds.size), size)
    ]
    return np.concatenate(client.gather(futures), axis=0)
