"""The landscape summarised in chunks: on Dask equal to the one-process path bit for bit, capped solution
lists with exact counts, and the same JSON from the command line with --workers or $QBNN_SCHEDULER."""

from __future__ import annotations

import json

import numpy as np
import pytest

from qbnn.cli.main import main
from qbnn.model.data import Dataset, paper_problem
from qbnn.core import cluster
from qbnn.landscape import compute_landscape
from qbnn.landscape.summary import distributed_landscape_summary, landscape_summary
from qbnn.model.network import Network

CASES = [(1, False), (2, False), (1, True), (2, True)]


@pytest.mark.parametrize(("problem", "meta"), CASES)
def test_dask_summary_equals_single_process(dask_cluster, problem, meta):
    network, data = Network((3, 2, 1), meta=meta), paper_problem(problem)
    full = compute_landscape(network, data)
    local = landscape_summary(network, data, chunk=1000)
    ticks = []
    remote = distributed_landscape_summary(network, data, dask_cluster, chunk=1000, progress=lambda d, t: ticks.append((d, t)))
    assert remote == local
    assert remote.to_json() == full.summary()
    assert remote.solutions == full.solutions().tolist()
    assert ticks[-1][0] == ticks[-1][1] == -(-network.num_configurations // 1000)


def test_solution_list_is_capped_but_count_exact(dask_cluster):
    data = Dataset(np.ones((1, 3)), np.ones(1))
    network = Network((3, 2, 1))
    remote = distributed_landscape_summary(network, data, dask_cluster, chunk=64, cap=5)
    full = compute_landscape(network, data)
    assert remote.num_solutions == full.num_solutions > 5
    assert remote.solutions == full.solutions()[:5].tolist()


def test_cli_workers_gives_same_json(capsys):
    assert main(["landscape", "--problem", "1", "--meta", "--json"]) == 0
    single = capsys.readouterr().out
    assert main(["landscape", "--problem", "1", "--meta", "--workers", "2", "--json"]) == 0
    assert capsys.readouterr().out == single


def test_qbnn_scheduler_alone_moves_landscapes_to_that_cluster(dask_cluster, monkeypatch, capsys):
    command = ["landscape", "--problem", "2", "--meta", "--json"]
    assert main(command) == 0
    single = json.loads(capsys.readouterr().out)
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 1.0)
    monkeypatch.setenv("QBNN_SCHEDULER", "tcp://127.0.0.1:9")
    assert main(command) == 2  # the environment variable alone is honoured ...
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in capsys.readouterr().err
    monkeypatch.setenv("QBNN_SCHEDULER", dask_cluster.scheduler.address)
    assert main(command) == 0  # ... and on a reachable cluster gives the same summary
    assert json.loads(capsys.readouterr().out) == single


@pytest.mark.parametrize("meta", [False, True])
def test_solutions_at_least_counts_the_threshold_search_space(meta):
    """M of a threshold search (what `amplify --min-correct` on Dask uses) equals brute force over the landscape."""
    network, data = Network((3, 2, 1), meta=meta), paper_problem(2)
    correct = compute_landscape(network, data).correct
    summary = landscape_summary(network, data)
    for target in range(data.num_points + 2):
        assert summary.solutions_at_least(target) == int(np.count_nonzero(correct >= target))
