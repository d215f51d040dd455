"""``--noise`` and ``--trajectories`` on ``qbnn amplify`` and ``qbnn train``: JSON fields and one-line errors."""

from __future__ import annotations

import json

import pytest

from qbnn.cli.main import main


def test_amplify_noise_json_fields(capsys):
    args = ["amplify", "--problem", "2", "--k", "0-2", "--json"]
    assert main(args) == 0
    noiseless = json.loads(capsys.readouterr().out)
    assert main([*args, "--noise", "bit-flip:1e-4", "--trajectories", "20", "--seed", "3"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["k"] == [0, 1, 2] and out["noise"] == {"model": "bit-flip", "rate": 1e-4} and out["trajectories"] == 20
    assert out["noiseless"] == pytest.approx(noiseless["success_probability"], abs=1e-15)
    for p, (low, high) in zip(out["success_probability"], out["interval"]):
        assert low <= p <= high
    assert main([*args, "--noise", "phase-flip:0"]) == 0
    exact = json.loads(capsys.readouterr().out)
    assert exact["success_probability"] == noiseless["success_probability"]


def test_train_noise_reports_oracle_calls_and_noise(capsys):
    assert main(["train", "--problem", "1", "--strategy", "fixed", "--k", "4", "--noise", "depolarizing:1e-4", "--json"]) in (0, 1)
    out = json.loads(capsys.readouterr().out)
    assert out["noise"] == {"model": "depolarizing", "rate": 1e-4}
    assert out["oracle_calls"] == sum(k + 1 for k in out["k_history"])


@pytest.mark.parametrize(
    "args, words",
    [
        (["amplify", "--noise", "bitflip:0.1"], "unknown noise model"),
        (["amplify", "--noise", "depolarizing:1.5"], "must lie in [0, 1]"),
        (["amplify", "--noise", "depolarizing:-1e-3"], "must lie in [0, 1]"),
        (["train", "--noise", "phase-flip:2"], "must lie in [0, 1]"),
        (["train", "--noise", "x:0.1"], "unknown noise model"),
        (["amplify", "--noise", "bit-flip:0.1", "--engine", "aer"], "structured engine"),
        (["amplify", "--trajectories", "10"], "needs --noise"),
        (["amplify", "--noise", "bit-flip:0.1", "--trajectories", "1"], "--trajectories 1 must be at least 2"),
        (["train", "--noise", "bit-flip:0.1", "--trajectories", "5"], "one noisy trajectory per measurement"),
    ],
)
def test_bad_noise_is_one_line_and_exit_2(capsys, args, words):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err
