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
    assert exhaustive["network_evaluations"] == 2**8
    for quantum in (best, threshold, random):  # nothing beats exhaustive search on the training folds
        assert quantum["train_mean"] <= exhaustive["train_mean"] + 1e-12
    assert methods[names["logistic"]]["oracle_calls"] is None and methods[names["logistic"]]["network_evaluations"] is None
    rows = out["folds"]
    assert len(rows) == 2 * len(names)  # one row per fold and method
    for fold in (0, 1):  # per fold: random search got the quantum run's network evaluations, 2k + 1 per measurement
        mine = {r["method"]: r for r in rows if r["fold"] == fold}
        assert mine[names["random"]]["network_evaluations"] == mine[names["best"]]["network_evaluations"]
        assert mine[names["random_threshold"]]["network_evaluations"] == mine[names["threshold"]]["network_evaluations"]
        for role in ("best", "threshold"):  # 2k + 1 >= k + 1 per measurement, with equality only when k = 0 throughout
            assert mine[names[role]]["network_evaluations"] >= mine[names[role]]["oracle_calls"] >= 1
    reached = [r for r in rows if r["method"] == names["threshold"] and r["target_reached"]]
    assert threshold["target_reached"] == len(reached) >= 1  # not vacuous: the BBHT row met its target in some fold
    for r in reached:  # and wherever it reports the target met, its training accuracy really is at least 0.8
        assert r["train_accuracy"] >= 0.8
    assert best["target_reached"] is None
    for m in out["methods"]:
        assert 0.0 <= m["test_mean"] <= 1.0 and m["test_std"] >= 0.0


def test_demo_is_deterministic(capsys):
    args = ["demo", "--max-samples", "40", "--folds", "2", "--features", "2", "--json"]
    assert main(args) == 0
    first = capsys.readouterr().out
    assert main(args) == 0
    assert capsys.readouterr().out == first and json.loads(first)["samples"] == 40
    assert main([*args, "--seed", "1"]) == 0  # the seed reaches the run: another seed draws another subsample
    assert capsys.readouterr().out != first


def test_markdown_table_has_one_row_per_method():
    result = run_demo(DemoSettings(features=2, hidden=(1,), folds=2, max_samples=40, engine="analytic", min_accuracy=None))
    table = result.markdown().splitlines()
    assert len(table) == 2 + 4  # header, rule, Durr-Hoyer, exhaustive, random, logistic
    assert table[2].startswith("| quantum BNN, Durr-Hoyer minimum finding (analytic) | ")
    assert table[3].endswith(f"| {2**result.parameters:,} | - |")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--features", "40"], "--features 40 must lie in 1..30"),
        (["--features", "12"], "--features 12 --hidden 2 makes a BNN with 26 parameter qubits, above the demo's 20"),
        (["--hidden", "2,x"], "--hidden '2,x' is not a list of layer sizes"),
        (["--hidden", "0"], "--hidden 0 has a layer with no neurons"),
        (["--folds", "1"], "--folds 1 must be at least 2"),
        (["--min-accuracy", "1.5"], "--min-accuracy 1.5 must lie in (0, 1]"),
        (["--max-samples", "5"], "--max-samples 5 is too few for 5 folds"),
        (["--engine", "gpu"], "unknown --engine gpu"),
        (["--per-class", "3"], "--per-class 3 applies to --dataset mnist only"),
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
            "--folds", "2", "--seeds", "2", "--max-samples", "40", "--out", str(tmp_path), "--json"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    from qbnn.experiments.realdata import METHODS

    assert out["network"] == [4, 2, 1] and out["samples"] == 40
    assert [m["method"] for m in out["methods"]] == list(METHODS)
    rows = out["folds"]
    assert len(rows) == 2 * 2 * len(METHODS)  # every seed, fold and method
    for seed in (0, 1):
        for fold in (0, 1):
            mine = {r["method"]: r for r in rows if (r["seed"], r["fold"]) == (seed, fold)}
            quantum = mine["quantum"]
            assert quantum["network_evaluations"] > quantum["oracle_calls"] > 0  # 2k + 1 against k + 1 per measurement
            assert mine["exhaustive"]["forward_passes"] <= 2**4 * 3  # at most 2^B per block, 3 blocks of the 10 weights
            for kind in ("random-blocks", "greedy-blocks"):  # the quantum run's network evaluations, block by block
                assert mine[kind]["forward_passes"] <= quantum["network_evaluations"]
            assert mine["cp-sat"]["time_limit_s"] == pytest.approx(max(quantum["wall_time_s"], 0.1))
            for r in mine.values():
                assert 0.0 <= r["train_accuracy"] <= 1.0 and 0.0 <= r["test_accuracy"] <= 1.0 and r["wall_time_s"] >= 0
    by_method = {m["method"]: m for m in out["methods"]}
    for method, summary in by_method.items():  # the summary is computed from the rows: mean over folds, then seeds
        per_seed = [
            sum(r["test_accuracy"] for r in rows if r["method"] == method and r["seed"] == s) / 2 for s in (0, 1)
        ]
        assert summary["test_mean"] == pytest.approx(sum(per_seed) / 2)
        if method != "quantum":
            assert summary["wins"] + summary["ties"] + summary["losses"] == 4
            assert summary["wilcoxon_p"] is None or 0.0 <= summary["wilcoxon_p"] <= 1.0
    assert json.loads((tmp_path / "realdata_breast-cancer.json").read_text()) == out
    assert "| method |" in (tmp_path / "realdata_breast-cancer.md").read_text()
    assert (tmp_path / "realdata_breast-cancer.png").stat().st_size > 1000
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


def test_block_search_spends_exactly_its_budget_and_never_loses_ground():
    import numpy as np

    from qbnn.experiments.realdata import block_search
    from qbnn.model.data import Dataset
    from qbnn.model.network import Network
    from qbnn.problem import TrainingProblem

    rng = np.random.default_rng(3)
    network = Network((5, 3, 1))
    X = np.where(rng.random((30, 5)) < 0.5, 1, -1)
    y = np.where(rng.random(30) < 0.5, 1, -1)
    problem = TrainingProblem(network, Dataset(X, y, name="noise"))
    start = network.bits_to_parameters(rng.integers(0, 2, network.num_parameters))
    before = int(network.correct_counts(start[None, :], X, y)[0])
    visits = [(tuple(range(0, 8)), 37), (tuple(range(8, 18)), 5)]
    for kind in ("random", "greedy"):
        vector, correct, passes = block_search(problem, visits, start.copy(), np.random.default_rng(0), kind)
        assert passes == 42 or correct == 30
        assert correct >= before and correct == int(network.correct_counts(vector[None, :], X, y)[0])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--dataset", "iris"], "--dataset iris does not exist"),
        (["--dataset", "digits", "--features", "3"], "does not apply"),
        (["--dataset", "breast-cancer", "--seeds", "0"], "--seeds 0 must be a whole number in 1..1000"),
        (["--dataset", "breast-cancer", "--block-size", "30"], "--block-size 30 must be a whole number in 1..24"),
        (["--dataset", "breast-cancer", "--methods", "ste"], "--methods ste must include quantum"),
    ],
)
def test_real_data_study_refuses_bad_options(capsys, argv, message):
    assert main(["demo", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.strip().count("\n") == 0
