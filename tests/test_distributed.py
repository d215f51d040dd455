"""Dask landscapes equal the one-process path, bit for bit, on a LocalCluster of 2 workers."""

from __future__ import annotations

import numpy as np
import pytest

from qbnn.cli.main import main
from qbnn.data import Dataset, paper_problem
from qbnn.distributed import dask_client, distributed_landscape_summary, landscape_summary
from qbnn.errors import QbnnError
from qbnn.landscape import compute_landscape
from qbnn.network import Network


@pytest.fixture(scope="module")
def client():
    with dask_client(workers=2) as c:
        yield c


CASES = [(1, False), (2, False), (1, True), (2, True)]


@pytest.mark.parametrize(("problem", "meta"), CASES)
def test_dask_summary_equals_single_process(client, problem, meta):
    network, data = Network((3, 2, 1), meta=meta), paper_problem(problem)
    full = compute_landscape(network, data)
    local = landscape_summary(network, data, chunk=1000)
    ticks = []
    remote = distributed_landscape_summary(network, data, client, chunk=1000, progress=lambda d, t: ticks.append((d, t)))
    assert remote == local
    assert remote.to_json() == full.summary()
    assert remote.solutions == full.solutions().tolist()
    assert ticks[-1][0] == ticks[-1][1] == -(-network.num_configurations // 1000)


def test_solution_list_is_capped_but_count_exact(client):
    data = Dataset(np.ones((1, 3)), np.ones(1))
    network = Network((3, 2, 1))
    remote = distributed_landscape_summary(network, data, client, chunk=64, cap=5)
    full = compute_landscape(network, data)
    assert remote.num_solutions == full.num_solutions > 5
    assert remote.solutions == full.solutions()[:5].tolist()


def test_unreachable_scheduler_is_one_clear_error():
    with pytest.raises(QbnnError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        with dask_client(scheduler="tcp://127.0.0.1:9", timeout=2):
            pass


def test_cli_workers_gives_same_json(capsys):
    assert main(["landscape", "--problem", "1", "--meta", "--json"]) == 0
    single = capsys.readouterr().out
    assert main(["landscape", "--problem", "1", "--meta", "--workers", "2", "--json"]) == 0
    assert capsys.readouterr().out == single
