"""qbnn landscape --estimate / --roughness: JSON keys, agreement with the library, one-line refusals (exit 2)."""

from __future__ import annotations

import json

import pytest

from qbnn.cli.main import main
from qbnn.landscape.roughness import exact_roughness
from qbnn.problem import TrainingProblem


def run_json(capsys, *argv: str) -> dict:
    assert main([*argv, "--json"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    return json.loads(out)


def test_estimate_json(capsys):
    out = run_json(capsys, "landscape", "--problem", "2", "--estimate", "--levels", "6,8", "--precision", "0.02",
                   "--seed", "3")
    assert out["configurations"] == 256 and out["precision"] == 0.02 and out["seed"] == 3
    assert [level["level"] for level in out["levels"]] == [6, 8]
    for level in out["levels"]:
        assert {"fraction", "interval", "half_width", "network_evaluations", "classical_forward_passes",
                "classical_fraction", "classical_interval", "exact_fraction", "schedule", "hits"} <= set(level)
        assert level["half_width"] <= 0.02
    assert out["network_evaluations"] == sum(level["network_evaluations"] for level in out["levels"])


def test_estimate_table(capsys):
    assert main(["landscape", "--problem", "1", "--estimate", "--levels", "8", "--precision", "0.05"]) == 0
    text = capsys.readouterr().out
    assert "network evals" in text and "classical passes" in text


def test_roughness_json_matches_library(capsys):
    out = run_json(capsys, "landscape", "--problem", "2", "--meta", "--roughness")
    want = exact_roughness(TrainingProblem.paper(2, meta=True).landscape.correct, 8).to_json()
    assert out["roughness"] == json.loads(json.dumps(want))
    assert out["solutions"] == 156  # the usual summary is kept


def test_roughness_estimate_json(capsys):
    out = run_json(capsys, "landscape", "--problem", "1", "--roughness", "--estimate", "--seed", "2")
    est = out["roughness_estimate"]
    assert est["interval"][0] <= out["roughness"]["change_fraction"] <= est["interval"][1]
    assert est["exact_change_fraction"] == out["roughness"]["change_fraction"]


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["--estimate", "--levels", "9"], "--levels"),
        (["--estimate", "--levels", "1,x"], "--levels"),
        (["--estimate", "--levels", ""], "--levels"),
        (["--estimate", "--precision", "0"], "--precision"),
        (["--estimate", "--precision", "0.5"], "--precision"),
        (["--estimate", "--precision", "abc"], "--precision"),
        (["--precision", "0.1"], "--precision"),
        (["--roughness", "--estimate", "--precision", "-1"], "--precision"),
    ],
)
def test_bad_levels_and_precision_are_one_line_exit_2(capsys, argv, flag):
    assert main(["landscape", "--problem", "1", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("qbnn: error:") and flag in err
