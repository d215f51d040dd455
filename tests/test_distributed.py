"""Dask on a LocalCluster of 2 workers: landscapes equal the one-process path bit for bit; amplify and
train reach a running scheduler through $QBNN_SCHEDULER; connection and version errors are one line."""

from __future__ import annotations

import json

import numpy as np
import pytest

from qbnn import distributed
from qbnn.cli.main import main
from qbnn.data import Dataset, paper_problem
from qbnn.distributed import dask_client, distributed_landscape_summary, engine_session, landscape_summary
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


def test_workers_and_scheduler_together_is_one_clear_error():
    with pytest.raises(QbnnError, match="give --workers N .* or --scheduler ADDR .*, not both"):
        with dask_client(workers=2, scheduler="tcp://127.0.0.1:9"):
            pass


def test_engine_session_moves_only_the_structured_engine(monkeypatch):
    with pytest.raises(QbnnError, match="--workers/--scheduler run the structured engine on Dask; drop --engine aer"):
        with engine_session("aer", 2, None):
            pass
    monkeypatch.setenv("QBNN_SCHEDULER", "tcp://127.0.0.1:9")  # the environment alone leaves other engines alone
    with engine_session("analytic", None, None) as session:
        assert session.engine == "analytic" and not session.on_dask


def test_qbnn_scheduler_runs_amplify_and_train_on_that_cluster(client, monkeypatch, capsys):
    amplify = ["amplify", "--problem", "2", "--k", "0-8", "--json"]
    training = ["train", "--problem", "1", "--meta", "--strategy", "bbht", "--seed", "3", "--json"]
    assert main(amplify) == 0 and main(training) == 0
    single_amplify, single_train = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    monkeypatch.setenv("QBNN_SCHEDULER", client.scheduler.address)
    assert main(amplify) == 0 and main(training) == 0
    dask_amplify, dask_train = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert dask_amplify["engine"] == dask_train["engine"] == "structured-dask"
    assert dask_amplify["workers"] == dask_train["workers"] == 2
    assert dask_amplify["success_probability"] == pytest.approx(single_amplify["success_probability"], abs=1e-12)
    assert dask_amplify["solutions"] == single_amplify["solutions"] == 4
    for payload in (dask_amplify, dask_train):
        del payload["engine"], payload["workers"]
    del single_amplify["engine"], single_train["engine"], dask_amplify["success_probability"], single_amplify["success_probability"]
    assert dask_amplify == single_amplify and dask_train == single_train


def test_workers_without_this_qbnn_version_are_refused(client, monkeypatch):
    import qbnn

    monkeypatch.setattr(qbnn, "__version__", "9.9.9")
    with pytest.raises(QbnnError, match=r"has qbnn 0\.1\.0 but this client has 9\.9\.9; install the same version"):
        with dask_client(scheduler=client.scheduler.address):
            pass


def test_unreachable_scheduler_on_the_command_line_is_one_line(monkeypatch, capsys):
    monkeypatch.setattr(distributed, "CONNECT_TIMEOUT", 1.0)
    assert main(["amplify", "--problem", "1", "--k", "1", "--scheduler", "tcp://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in err


def test_qbnn_scheduler_alone_moves_landscapes_to_that_cluster(client, monkeypatch, capsys):
    command = ["landscape", "--problem", "2", "--meta", "--json"]
    assert main(command) == 0
    single = json.loads(capsys.readouterr().out)
    monkeypatch.setattr(distributed, "CONNECT_TIMEOUT", 1.0)
    monkeypatch.setenv("QBNN_SCHEDULER", "tcp://127.0.0.1:9")
    assert main(command) == 2  # the environment variable alone is honoured ...
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in capsys.readouterr().err
    monkeypatch.setenv("QBNN_SCHEDULER", client.scheduler.address)
    assert main(command) == 0  # ... and on a reachable cluster gives the same summary
    assert json.loads(capsys.readouterr().out) == single
