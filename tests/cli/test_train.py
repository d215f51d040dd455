"""`qbnn train`: the JSON contract, determinism, meta structure, drawing, budgets and errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from qbnn.cli.main import main
from qbnn.model.data import paper_problem
from qbnn.model.network import Network


def run_json(capsys, *args: str) -> tuple[int, dict]:
    code = main(["train", *args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_train_meta_reports_a_classically_correct_structure(capsys, tmp_path):
    code, out = run_json(capsys, "--problem", "2", "--meta", "--strategy", "bbht", "--seed", "4", "--draw", str(tmp_path / "net.png"))
    assert code == 0 and out["success"] and out["correct"] == out["points"] == 8
    network = Network((3, 2, 1), meta=True)
    data = paper_problem(2)
    weights, connections = np.array(out["parameters"]["weights"]), np.array(out["parameters"]["connections"])
    assert np.array_equal(network.forward(data.X, weights, connections), data.y)
    assert out["structure"].count("\n") == 2 and "layer 2 neuron 1" in out["structure"]
    assert (tmp_path / "net.png").stat().st_size > 5000


@pytest.mark.parametrize("strategy", [["paper"], ["bbht"], ["fixed", "--k", "2"]])
def test_same_seed_same_json(capsys, strategy):
    args = ["--problem", "1", "--strategy", *strategy]
    _, a = run_json(capsys, *args, "--seed", "9")
    _, b = run_json(capsys, *args, "--seed", "9")
    assert a == b and a["oracle_calls"] == sum(k + 1 for k in a["k_history"])
    assert a["seed"] == 9 and a["strategy"] == strategy[0]
    others = {json.dumps(run_json(capsys, *args, "--seed", str(seed))[1]["configuration"]) for seed in range(10, 16)}
    assert len(others) > 1  # the seed really drives the measurements


def test_failure_is_reported_with_exit_code_1(capsys):
    """A reachable target missed within the budget: the best seen on stdout, exit 1 and one hint line."""
    code = main(["train", "--problem", "2", "--strategy", "bbht", "--max-oracle-calls", "3", "--seed", "0", "--json"])
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert code == 1 and out["success"] is False and out["oracle_calls"] <= 3
    assert out["parameters"]["weights"] is not None and out["correct"] < 8
    assert captured.err.count("\n") == 1 and "try --min-accuracy" in captured.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--strategy", "fixed"], "strategy 'fixed' needs --k (the number of Grover iterations)"),
        (["--strategy", "greedy"], "unknown strategy 'greedy'"),
        (["--exclude", "a,b"], "--exclude a,b is not a comma-separated list"),
        (["--exclude", "999"], "--exclude 999 is not a configuration index; use 0..255"),
        (["--draw", "x.svg"], "--draw x.svg must name a .png file"),
        (["--draw", "/proc/net.png"], "--draw /proc/net.png: cannot write in /proc"),
        (["--draw", "/etc/hostname/net.png"], "--draw /etc/hostname/net.png: /etc/hostname is a file, not a folder"),
        (["--strategy", "fixed", "--k", "0-3"], "--k 0-3 is a range, but one value is expected here, e.g. 3"),
        (["--seed", "-1"], "Invalid value for '--seed'"),
        (["--min-accuracy", "1.5"], "--min-accuracy 1.5 is outside 0..1"),
    ],
)
def test_bad_options_give_one_line(capsys, args, message):
    assert main(["train", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_best_strategy_on_parity_reports_the_best_accuracy(capsys, tmp_path):
    csv = tmp_path / "parity.csv"
    bit = {-1: 0, 1: 1}  # the 0/1 spelling of -1/+1
    rows = ["x1,x2,x3,y"] + [
        f"{bit[a]},{bit[b]},{bit[c]},{bit[a * b * c]}" for a in (-1, 1) for b in (-1, 1) for c in (-1, 1)
    ]
    csv.write_text("\n".join(rows) + "\n")
    code, out = run_json(capsys, "--data", str(csv), "--strategy", "best", "--seed", "1")
    assert code == 0 and out["correct"] == 6 and out["success"] is False and out["optimal"] is True
    assert out["thresholds"][-1] == 7 and out["oracle_calls_to_best"] <= out["oracle_calls"]
    assert main(["train", "--data", str(csv), "--strategy", "best", "--seed", "1", "--draw", str(tmp_path / "n.png")]) == 0
    text = capsys.readouterr().out
    assert "the optimum (Durr-Hoyer minimum finding)" in text
    assert f"6/8 correct, oracle calls to best {out['oracle_calls_to_best']}" in text
    assert "did not reach" not in text and "target" not in text  # minimum finding has no fixed target to miss
    assert "64 optimal configurations (exhaustive landscape)" in text  # the classical reference beside it


def test_threshold_and_exclusion_options(capsys):
    code, out = run_json(capsys, "--problem", "1", "--min-accuracy", "0.75", "--strategy", "bbht", "--seed", "2")
    assert code == 0 and out["target"] == 6 and out["correct"] >= 6
    excluded = out["configuration"]
    code, again = run_json(capsys, "--problem", "1", "--min-accuracy", "0.75", "--strategy", "bbht", "--seed", "2", "--exclude", str(excluded))
    assert code == 0 and again["configuration"] != excluded


def test_minibatch_training_reports_fewer_qubits(capsys):
    code, out = run_json(capsys, "--problem", "2", "--batch-size", "2", "--strategy", "bbht", "--seed", "3")
    _, full = run_json(capsys, "--problem", "2", "--strategy", "bbht", "--seed", "3")
    assert code == 0 and out["success"] and out["qubits"] == full["qubits"] - 6
    assert out["full_batch_qubits"] == full["qubits"] and out["qubits_saved"] == 6
    assert "qubits_saved" not in full


def test_counter_activation_trains_too(capsys):
    code, out = run_json(capsys, "--problem", "1", "--meta", "--activation", "counter", "--strategy", "bbht", "--seed", "0")
    assert code == 0 and out["success"] and len(out["parameters"]["connections"]) == 6


def test_noisy_training_on_dask_equals_one_process(capsys, dask_cluster):
    """train --noise with --scheduler: trajectories seeded one by one, so the same measurements as one process."""
    args = ["--problem", "1", "--noise", "bit-flip:1e-3", "--strategy", "best", "--seed", "4"]
    _, single = run_json(capsys, *args)
    _, ours = run_json(capsys, *args, "--scheduler", dask_cluster.scheduler.address)
    assert ours["workers"] == 2 and "workers" not in single
    for key in ("configuration", "k_history", "correct", "trajectories", "network_evaluations", "noise"):
        assert ours[key] == single[key], key
    assert single["trajectories"] > 0 and single["noise"]["rate"] == 1e-3
