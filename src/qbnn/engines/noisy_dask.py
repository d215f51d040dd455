"""Noisy trajectories on Dask workers: the same numbers as in one process, spread over a cluster.

Trajectories are independent, and trajectory t draws its errors from its own
generator seeded by (run seed, t) (:func:`qbnn.engines.amplify_noisy.trajectory_rng`),
so where and in which order it runs changes nothing: the estimate is the
one-process estimate bit for bit (the kernels are the same compiled code on
every worker). Each worker prepares the problem once (compiled programs and
the noiseless states that trajectories restart from) and keeps it for the
following tasks of the same run and of the other error rates of a study.
Tasks hold a few trajectories each, so that the slow ones (many errors, a
large index) do not leave a worker idle at the end.
"""

from __future__ import annotations

import math
import uuid
import weakref
from collections import OrderedDict
from typing import TYPE_CHECKING

import numpy as np

from qbnn.core.cluster import cluster_workers

if TYPE_CHECKING:
    from qbnn.engines.amplify_noisy import NoisyAmplification
    from qbnn.simulator.noise import PauliNoise

__all__ = ["trajectory_values_on_dask", "noisy_shots_on_dask", "TASKS_PER_WORKER"]

#: Tasks per worker a run is cut into (more: better balance of slow trajectories, more overhead).
TASKS_PER_WORKER = 16
#: Prepared problems a worker keeps (each holds its noiseless states).
_KEEP = 4

_tokens: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_prepared: OrderedDict = OrderedDict()


def _token(amplification: NoisyAmplification) -> str:
    """One name per noiseless engine, shared by the amplifications (rates) built on it."""
    token = _tokens.get(amplification.exact)
    if token is None:
        token = _tokens[amplification.exact] = uuid.uuid4().hex
    return token


def _on_worker(token: str, problem, noise: PauliNoise) -> NoisyAmplification:
    """The problem prepared in this worker process (kept between tasks; the noiseless engine shared across rates)."""
    from qbnn.engines.amplify_noisy import NoisyAmplification

    key = (token, noise)
    amplification = _prepared.get(key)
    if amplification is None:
        exact = next((a.exact for (other, _), a in _prepared.items() if other == token), None)
        amplification = NoisyAmplification(problem, noise, trajectories=2, seed=0, exact=exact)
        _prepared[key] = amplification
        while len(_prepared) > _KEEP:
            _prepared.popitem(last=False)
    _prepared.move_to_end(key)
    return amplification


def _values_task(token: str, problem, noise, ks: list[int], entropy: int, trajectories: list[int]) -> np.ndarray:
    from qbnn.engines.amplify_noisy import trajectory_rng

    amplification = _on_worker(token, problem, noise)
    return np.stack([amplification.trajectory_values(ks, trajectory_rng(entropy, t)) for t in trajectories])


def _shots_task(token: str, problem, noise, k: int, seeds: list[int]) -> np.ndarray:
    amplification = _on_worker(token, problem, noise)
    return np.array([amplification.noisy_shot(k, seed) for seed in seeds], dtype=np.int64)


def _chunks(count: int, client) -> list[range]:
    workers = max(1, len(cluster_workers(client)))
    size = max(1, math.ceil(count / (TASKS_PER_WORKER * workers)))
    return [range(start, min(count, start + size)) for start in range(0, count, size)]


def trajectory_values_on_dask(amplification: NoisyAmplification, ks: list[int], entropy: int) -> np.ndarray:
    """:meth:`~qbnn.engines.amplify_noisy.NoisyAmplification.trajectory_values` of trajectories 0..T-1 on the workers."""
    client = amplification.client
    token = _token(amplification)
    problem = client.scatter(amplification.problem, broadcast=True, hash=False)
    futures = [
        client.submit(_values_task, token, problem, amplification.noise, list(ks), entropy, list(chunk), pure=False)
        for chunk in _chunks(amplification.trajectories, client)
    ]
    return np.concatenate(client.gather(futures), axis=0)


def noisy_shots_on_dask(amplification: NoisyAmplification, k: int, seeds: np.ndarray) -> np.ndarray:
    """:meth:`~qbnn.engines.amplify_noisy.NoisyAmplification.noisy_shot` for each seed, on the workers, in order."""
    client = amplification.client
    token = _token(amplification)
    problem = client.scatter(amplification.problem, broadcast=True, hash=False)
    futures = [
        client.submit(_shots_task, token, problem, amplification.noise, int(k), [int(s) for s in seeds[chunk.start : chunk.stop]], pure=False)
        for chunk in _chunks(int(seeds.size), client)
    ]
    return np.concatenate(client.gather(futures))
