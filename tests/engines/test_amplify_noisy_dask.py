"""Noisy trajectories on Dask (issue 29): the same estimates and shots as one process, for a seed.

Every test here names dask, so the xdist grouping in tests/conftest.py runs them in the worker that holds
the session's cluster (``dask_cluster``).
"""

from __future__ import annotations

import json

import numpy as np

from qbnn.cli.main import main
from qbnn.engines.amplify_noisy import NoisyAmplification
from qbnn.experiments.noise_study import noise_study
from qbnn.model.data import Dataset, paper_problem
from qbnn.model.network import Network
from qbnn.problem import TrainingProblem
from qbnn.simulator.noise import PauliNoise
from qbnn.simulator.sampler import StructuredSampler
from tests.simulator.test_noisy_sampler import bell_chain


def small_meta() -> TrainingProblem:
    return TrainingProblem(Network((3, 1), meta=True), paper_problem(1).subset(range(4)))


def test_dask_estimate_is_the_one_process_estimate(dask_cluster):
    for problem, noise in [(small_meta(), PauliNoise("depolarizing", 0.02)),
                           (TrainingProblem(Network((2, 1)), Dataset(np.array([[1, 1], [-1, 1]]), np.array([1, -1]))),
                            PauliNoise("bit-flip", 0.03))]:
        here = NoisyAmplification(problem, noise, trajectories=40, seed=5).estimate([0, 1, 2, 3])
        there = NoisyAmplification(problem, noise, trajectories=40, seed=5, client=dask_cluster).estimate([0, 1, 2, 3])
        assert here == there
        other = NoisyAmplification(problem, noise, trajectories=40, seed=6, client=dask_cluster).estimate([0, 1, 2, 3])
        assert other.success_probability != here.success_probability


def test_dask_noisy_shots_are_the_one_process_shots(dask_cluster):
    problem = small_meta()
    noise = PauliNoise("bit-flip", 0.05)
    here = NoisyAmplification(problem, noise, seed=1).sample(3, np.random.default_rng(4), shots=60)
    remote = NoisyAmplification(problem, noise, seed=1, client=dask_cluster)
    there = remote.sample(3, np.random.default_rng(4), shots=60)
    assert np.array_equal(here, there) and remote.trajectories_run > 1


def test_dask_noise_study_is_the_one_process_study(dask_cluster):
    args = dict(model="bit-flip", trajectories=6, seed=2, max_k=3)
    assert noise_study(small_meta(), [1e-3, 1e-2], **args) == noise_study(small_meta(), [1e-3, 1e-2], client=dask_cluster, **args)


def test_dask_noisy_sampler_counts_are_the_one_process_counts(dask_cluster):
    qc = bell_chain()
    here = StructuredSampler(seed=3, noise="depolarizing:0.05").run([qc], shots=300).result()[0].data.c.get_counts()
    there = StructuredSampler(seed=3, noise="depolarizing:0.05", client=dask_cluster).run([qc], shots=300).result()
    assert here == there[0].data.c.get_counts()


def test_amplify_noise_on_dask_scheduler_matches_one_process(dask_cluster, monkeypatch, capsys):
    args = ["amplify", "--problem", "1", "--k", "0-2", "--noise", "bit-flip:1e-3", "--trajectories", "8", "--seed", "3", "--json"]
    assert main(args) == 0
    here = json.loads(capsys.readouterr().out)
    assert main([*args, "--scheduler", dask_cluster.scheduler.address]) == 0
    there = json.loads(capsys.readouterr().out)
    assert there.pop("workers") == 2
    assert there == here
