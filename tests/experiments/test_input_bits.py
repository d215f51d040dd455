"""The b = 1, 2, 3 demo study: same folds and network, exhaustive search bounds the quantum row, CLI one-liners."""

from __future__ import annotations

import json

from qbnn.cli.main import main
from qbnn.experiments.demo import DemoSettings
from qbnn.experiments.input_bits import run_input_bits_study


def test_study_reports_every_method_at_every_b_and_search_never_beats_exhaustive():
    settings = DemoSettings(features=2, hidden=(1,), folds=2, max_samples=40, engine="analytic", min_accuracy=None)
    study = run_input_bits_study(settings, (1, 2))
    assert study.parameters == 2 * 1 + 1  # weights stay ±1: the same count at every b
    assert [(s.input_bits, s.method.split(",")[0]) for s in study.scores] == [
        (b, m) for b in (1, 2) for m in ("quantum BNN", "exhaustive search", "logistic regression")
    ]
    by = {(s.input_bits, s.method.split(",")[0]): s for s in study.scores}
    for b in (1, 2):
        assert by[b, "quantum BNN"].train_mean <= by[b, "exhaustive search"].train_mean + 1e-12
        assert by[b, "exhaustive search"].oracle_calls == 8 and by[b, "logistic regression"].oracle_calls is None
    assert len(study.markdown().splitlines()) == 2 + 6


def test_demo_input_bits_option(capsys):
    argv = ["demo", "--input-bits", "1-2", "--max-samples", "40", "--folds", "2", "--features", "2", "--hidden", "1"]
    assert main([*argv, "--engine", "analytic", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert sorted({row["input_bits"] for row in out["input_bits"]}) == [1, 2]
    assert main(["demo", "--input-bits", "0-2"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--input-bits 0-2 must lie in 1..6" in err
