"""Dask clusters: one-line errors for bad addresses, unreachable schedulers, too many workers and
mismatched versions; $QBNN_SCHEDULER moves amplify and train to a running cluster."""

from __future__ import annotations

import json
import os

import pytest

from qbnn.cli.main import main
from qbnn.core import cluster
from qbnn.cli.session import engine_session
from qbnn.core.cluster import dask_client
from qbnn.errors import QbnnError


def test_unreachable_scheduler_is_one_clear_error():
    with pytest.raises(QbnnError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        with dask_client(scheduler="tcp://127.0.0.1:9", timeout=2):
            pass


def test_workers_and_scheduler_together_is_one_clear_error():
    with pytest.raises(QbnnError) as info:
        with dask_client(workers=2, scheduler="tcp://127.0.0.1:9"):
            pass
    assert str(info.value).startswith("give workers N (a local cluster) or scheduler ADDR (a running one), not both")
    assert info.value.render({}).startswith("give --workers N (a local cluster) or --scheduler ADDR")


def test_engine_session_moves_only_the_structured_engine(monkeypatch):
    with pytest.raises(QbnnError) as info:
        with engine_session("aer", 2, None):
            pass
    assert str(info.value) == (
        "workers/scheduler run the structured engine on Dask; drop engine='aer' or drop workers/scheduler"
    )
    assert info.value.render({}) == (
        "--workers/--scheduler run the structured engine on Dask; drop --engine aer or drop --workers/--scheduler"
    )
    monkeypatch.setenv("QBNN_SCHEDULER", "tcp://127.0.0.1:9")  # the environment alone leaves other engines alone
    with engine_session("analytic", None, None) as session:
        assert session.engine == "analytic" and not session.on_dask


def test_qbnn_scheduler_runs_amplify_and_train_on_that_cluster(dask_cluster, monkeypatch, capsys):
    amplify = ["amplify", "--problem", "2", "--k", "0-8", "--json"]
    training = ["train", "--problem", "1", "--meta", "--strategy", "bbht", "--seed", "3", "--json"]
    assert main(amplify) == 0 and main(training) == 0
    single_amplify, single_train = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    monkeypatch.setenv("QBNN_SCHEDULER", dask_cluster.scheduler.address)
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


def test_workers_without_this_qbnn_version_are_refused(dask_cluster, monkeypatch):
    import qbnn

    monkeypatch.setattr(qbnn, "__version__", "9.9.9")
    with pytest.raises(QbnnError, match=r"has qbnn 0\.1\.0 but this client has 9\.9\.9; install the same version"):
        with dask_client(scheduler=dask_cluster.scheduler.address):
            pass


def test_unreachable_scheduler_on_the_command_line_is_one_line(monkeypatch, capsys):
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 1.0)
    assert main(["amplify", "--problem", "1", "--k", "1", "--scheduler", "tcp://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in err


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("tcp://host:notaport", "port 'notaport' is not a number in 1..65535"),
        ("localhost", "it has no host:port"),
        ("http://x:1", "unknown scheme 'http'"),
        ("tcp://127.0.0.1:99999", "port '99999' is not a number"),
    ],
)
def test_malformed_scheduler_addresses_are_refused_before_connecting(monkeypatch, capsys, address, problem):
    """A malformed --scheduler or $QBNN_SCHEDULER used to end in a ValueError traceback from distributed."""
    with pytest.raises(QbnnError) as info:
        with dask_client(scheduler=address):
            pass
    assert str(info.value).startswith(f"scheduler={address!r} is not a Dask scheduler address: {problem}")
    assert info.value.render({}).startswith(f"--scheduler {address} is not a Dask scheduler address")
    assert main(["landscape", "--problem", "1", "--scheduler", address]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"--scheduler {address} is not a Dask scheduler address: {problem}" in err
    monkeypatch.setenv("QBNN_SCHEDULER", address)
    assert main(["amplify", "--problem", "1", "--k", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"QBNN_SCHEDULER={address!r} is not a Dask scheduler address: {problem}" in err


def test_workers_far_above_the_cores_are_refused_before_starting_any(capsys):
    """--workers 500 used to start 500 worker processes."""
    limit = cluster.WORKERS_PER_CORE * (os.cpu_count() or 1)
    assert cluster.max_local_workers() == limit
    for command in (["landscape", "--problem", "1"], ["amplify", "--problem", "1", "--k", "1"], ["train", "--problem", "1"]):
        assert main([*command, "--workers", str(limit + 1)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1
        assert f"--workers {limit + 1} would start {limit + 1} worker processes on a machine with" in err
        assert f"use at most {limit}" in err and "--scheduler" in err
    assert main(["landscape", "--problem", "1", "--workers", "0"]) == 2
    assert "--workers 0 must be at least 1" in capsys.readouterr().err
