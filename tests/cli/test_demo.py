"""`qbnn demo` end to end on a small setting, its markdown table, and its one-line errors."""

from __future__ import annotations

import json

import pytest

from qbnn.cli.main import main
from qbnn.experiments.demo import DemoSettings, method_names, run_demo

SMALL = ["demo", "--max-samples", "60", "--folds", "2", "--features", "3", "--min-accuracy", "0.8", "--json"]


def test_demo_runs_end_to_end_and_reports_every_method(capsys, golden):
    assert main(SMALL) == 0
    out = json.loads(capsys.readouterr().out)
    golden("demo_small.json", out)  # the whole --json contract of qbnn demo
    settings = DemoSettings(features=3, folds=2, max_samples=60, min_accuracy=0.8)
    names = method_names(settings)
    methods = {m["method"]: m for m in out["methods"]}
    assert list(methods) == list(names.values())  # every method, in the documented order
    assert out["samples"] == 60 and out["parameters"] == 3 * 2 + 2
    best, threshold = methods[names["best"]], methods[names["threshold"]]
    exhaustive, random = methods[names["exhaustive"]], methods[names["random"]]
    assert exhaustive["oracle_calls"] == 2**8
    for quantum in (best, threshold, random):  # nothing beats exhaustive search on the training folds
        assert quantum["train_mean"] <= exhaustive["train_mean"] + 1e-12
    assert random["oracle_calls"] == best["oracle_calls"]
    assert methods[names["random_threshold"]]["oracle_calls"] == threshold["oracle_calls"]
    assert methods[names["logistic"]]["oracle_calls"] is None
    assert 0 <= threshold["target_reached"] <= 2 and best["target_reached"] is None
    if threshold["target_reached"] == 2:
        assert threshold["train_mean"] >= 0.8
    for m in out["methods"]:
        assert 0.0 <= m["test_mean"] <= 1.0 and m["test_std"] >= 0.0


def test_demo_is_deterministic(capsys):
    args = ["demo", "--max-samples", "40", "--folds", "2", "--features", "2", "--json"]
    assert main(args) == 0
    first = capsys.readouterr().out
    assert main(args) == 0
    assert capsys.readouterr().out == first and json.loads(first)["samples"] == 40


def test_markdown_table_has_one_row_per_method():
    result = run_demo(DemoSettings(features=2, hidden=(1,), folds=2, max_samples=40, engine="analytic", min_accuracy=None))
    table = result.markdown().splitlines()
    assert len(table) == 2 + 4  # header, rule, Durr-Hoyer, exhaustive, random, logistic
    assert table[2].startswith("| quantum BNN, Durr-Hoyer minimum finding (analytic) | ")
    assert table[3].endswith(f"| {2**result.parameters:,} |")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--features", "40"], "--features 40 must lie in 1..30"),
        (["--features", "12"], "--features 12 --hidden 2 makes a BNN with 26 parameter qubits, above the demo's 20"),
        (["--hidden", "2,x"], "--hidden '2,x' is not a list of layer sizes"),
        (["--hidden", "0"], "--hidden '0' has a layer with no neurons"),
        (["--folds", "1"], "--folds 1 must be at least 2"),
        (["--min-accuracy", "1.5"], "--min-accuracy 1.5 must lie in (0, 1]"),
        (["--max-samples", "5"], "--max-samples 5 is too few for 5 folds"),
        (["--engine", "gpu"], "unknown engine 'gpu'"),
    ],
)
def test_demo_errors_are_one_line(capsys, args, message):
    assert main(["demo", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.strip().count("\n") == 0


def test_example_script_runs_on_a_subsample(capsys):
    import runpy
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "examples" / "breast_cancer.py"
    main_of_example = runpy.run_path(str(example), run_name="qbnn_example")["main"]
    out = main_of_example(max_samples=24, folds=2)  # the script's own pipeline on a small subsample
    clf = out["classifier"]
    assert out["samples"] == 24 and out["train"].shape == (2,)
    assert clf.weights_.shape == (10,) and clf.oracle_calls_ >= 1
    assert 0 < clf.train_correct_ <= 24
    printed = capsys.readouterr().out
    assert "held-out accuracy" in printed and f"training accuracy {clf.train_correct_}/24" in printed


def test_real_data_study_tiny(capsys, tmp_path):
    argv = ["demo", "--dataset", "breast-cancer", "--features", "4", "--hidden", "2", "--block-size", "4", "--sweeps", "1",
            "--folds", "2", "--max-samples", "40", "--out", str(tmp_path), "--json"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["network"] == [4, 2, 1] and out["samples"] == 40 and len(out["methods"]) == 5
    quantum, exhaustive, random = out["methods"][:3]
    assert exhaustive["oracle_calls"] <= 2**4 * 3  # at most 2^B per block, 3 blocks of the 10 weights
    assert random["oracle_calls"] == quantum["oracle_calls"]
    for m in out["methods"]:
        assert 0.0 <= m["train_mean"] <= 1.0 and 0.0 <= m["test_mean"] <= 1.0
    assert json.loads((tmp_path / "realdata_breast-cancer.json").read_text()) == out
    assert "| method |" in (tmp_path / "realdata_breast-cancer.md").read_text()
    from qbnn.core.outputs import check_output_folder

    assert check_output_folder(tmp_path) == tmp_path  # recorded: `qbnn reproduce --out` there still accepts the folder


def test_real_data_study_never_replaces_the_users_file(capsys, tmp_path):
    """It used to write over realdata_<dataset>.md after minutes of work; now it refuses before any."""
    (tmp_path / "realdata_breast-cancer.md").write_text("my notes")
    (tmp_path / "other.txt").write_text("left alone")
    argv = ["demo", "--dataset", "breast-cancer", "--features", "4", "--hidden", "2", "--block-size", "4", "--sweeps", "1",
            "--folds", "2", "--max-samples", "40", "--out", str(tmp_path)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "realdata_breast-cancer.md exists and qbnn did not write it" in err and "--out" in err
    assert (tmp_path / "realdata_breast-cancer.md").read_text() == "my notes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.txt", "realdata_breast-cancer.md"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["--dataset", "iris"], "--dataset iris does not exist"), (["--dataset", "digits", "--features", "3"], "does not apply")],
)
def test_real_data_study_refuses_bad_options(capsys, argv, message):
    assert main(["demo", *argv]) == 2
    assert message in capsys.readouterr().err
