"""`qbnn demo` end to end on a small setting, and the example script."""

from __future__ import annotations

import json

from qbnn.cli.main import main


def test_demo_runs_end_to_end_and_reports_every_method(capsys):
    assert main(["demo", "--max-samples", "60", "--folds", "2", "--features", "3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    methods = {m["method"]: m for m in out["methods"]}
    assert len(methods) == 4 and out["samples"] == 60 and out["parameters"] == 3 * 2 + 2
    quantum = methods["quantum BNN (Durr-Hoyer, structured)"]
    exhaustive = methods["exhaustive search, same BNN"]
    assert exhaustive["oracle_calls"] == 2**8
    assert quantum["train_mean"] <= exhaustive["train_mean"] + 1e-12  # nothing beats exhaustive on the training folds
    assert methods["random search, same oracle budget"]["oracle_calls"] == quantum["oracle_calls"]
    for m in out["methods"]:
        assert 0.5 <= m["test_mean"] <= 1.0


def test_demo_errors_are_one_line(capsys):
    assert main(["demo", "--features", "40"]) == 2
    assert "--features 40 must lie in 1..30" in capsys.readouterr().err
    assert main(["demo", "--features", "12", "--max-samples", "40", "--folds", "2"]) == 2
    assert "above max_parameters=20" in capsys.readouterr().err


def test_demo_is_deterministic(capsys):
    args = ["demo", "--max-samples", "40", "--folds", "2", "--features", "2", "--json"]
    main(args)
    first = capsys.readouterr().out
    main(args)
    assert capsys.readouterr().out == first
