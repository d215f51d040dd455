"""A researcher's own CSV through the command line (issue 30): real features, a named text label, held-out
accuracy, a saved model applied by `qbnn predict` (equal to the classifier's predict), and one line for
each file or target that cannot work."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import numpy as np
import pytest

from qbnn.classifier import QuantumBNNClassifier
from qbnn.cli.main import main

COLUMNS = ("sepal_len", "species", "sepal_wid", "petal_len")  # the label sits in the middle


def flowers(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3)) + (5.0, 3.0, 1.0)
    y = np.where((X[:, 0] - 5.0) + 0.5 * (X[:, 1] - 3.0) > 0, "versicolor", "setosa")
    return np.round(X, 2), y


def write(path: Path, X: np.ndarray, y: np.ndarray | None) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS if y is not None else (COLUMNS[0], *COLUMNS[2:]))
        for row, label in zip(X, y if y is not None else [None] * len(X)):
            cells = [f"{v:.2f}" for v in row]
            writer.writerow([cells[0], label, *cells[1:]] if label is not None else cells)
    return path


def run_json(capsys, *argv: str) -> tuple[int, dict]:
    code = main([*argv, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_raw_csv_trains_tests_and_predicts_like_the_classifier(tmp_path, capsys):
    X_train, y_train = flowers(16, seed=1)
    X_test, y_test = flowers(10, seed=2)
    train_csv, test_csv = write(tmp_path / "train.csv", X_train, y_train), write(tmp_path / "test.csv", X_test, y_test)
    new_csv = write(tmp_path / "new.csv", X_test, None)  # new points: no label column
    model, predictions = tmp_path / "model.json", tmp_path / "predictions.csv"
    old = os.umask(0o002)  # a group-shared results folder
    try:
        code, out = run_json(
            capsys, "train", "--data", str(train_csv), "--label", "species", "--binarize", "median", "--hidden", "2",
            "--test", str(test_csv), "--strategy", "bbht", "--min-accuracy", "0.75", "--seed", "0", "--save", str(model),
        )
        assert code == 0 and out["success"] and out["network"] == [3, 2, 1]
        assert out["label_column"] == "species" and out["label_mapping"] == {"setosa": -1, "versicolor": 1}
        assert out["test_points"] == 10 and 0.0 <= out["test_accuracy"] <= 1.0
        assert out["network_evaluations"] == sum(2 * k + 1 for k in out["k_history"])
        assert main(["predict", "--model", str(model), "--data", str(new_csv), "--out", str(predictions)]) == 0
        capsys.readouterr()
    finally:
        os.umask(old)
    for written in (model, predictions):  # files follow the umask (not the 0600 of a temporary file)
        assert written.stat().st_mode & 0o777 == 0o664
    predicted = [row[0] for row in csv.reader(predictions.read_text().splitlines()[1:])]

    clf = QuantumBNNClassifier(
        hidden=(2,), strategy="bbht", min_accuracy=0.75, binarize="median", random_state=0
    ).fit(X_train, y_train)
    assert clf.weights_.tolist() == json.loads(model.read_text())["parameters"]["weights"]
    assert predicted == clf.predict(X_test).tolist()
    assert out["test_accuracy"] == pytest.approx(clf.score(X_test, y_test))
    assert out["network_evaluations"] == clf.network_evaluations_

    code, scored = run_json(capsys, "predict", "--model", str(model), "--data", str(test_csv))
    assert code == 0 and scored["predictions"] == predicted and scored["accuracy"] == pytest.approx(out["test_accuracy"])


def test_test_fraction_is_stratified_and_seeded(tmp_path, capsys):
    X, y = flowers(20, seed=3)
    data = write(tmp_path / "all.csv", X, y)
    args = ["train", "--data", str(data), "--label", "species", "--binarize", "median", "--test-fraction", "0.25",
            "--strategy", "best", "--seed", "4"]
    code, out = run_json(capsys, *args)
    _, again = run_json(capsys, *args)
    assert code == 0 and out == again
    counts = {cls: int((y == cls).sum()) for cls in ("setosa", "versicolor")}
    assert out["test_points"] == sum(round(0.25 * c) for c in counts.values()) and out["points"] == 20 - out["test_points"]


def one_line_error(capsys, argv: list[str], code: int = 2) -> str:
    assert main(argv) == code
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    return err


@pytest.mark.parametrize(
    ("text", "extra", "message"),
    [
        ("a,b,kind\n0.1,2,x\n0.3,1,y\n0.2,5,z\n", ["--label", "kind", "--binarize", "median"],
         "label column 'kind' has 3 classes ('x', 'y', 'z'); qbnn does binary classification only; use one-vs-rest from Python"),
        ("0.1,2,1\n0.3,1,0\n", [], "the first row (0.1,2,1) holds numbers, so the file has no header row"),
        ("a,b,y\n0.1,2,1\n0.3,,0\n", ["--binarize", "median"], "line 3, column 'b' is a missing value (empty); qbnn does not impute"),
        ("a,b,y\n0.1,2,1\n0.3,1,0\n", [], "line 2, column 'a' has '0.1'; use only -1/+1 or 0/1, or cut real values with --binarize median"),
        ("a,b,y\n0.1,2,1\n", ["--label", "c"], "has no column --label c; the columns are a, b, y"),
        ("a,b,y\n0.1,2,1\n", ["--layers", "2,1", "--hidden", "2"], "give either --layers or --hidden, not both"),
    ],
)
def test_files_that_cannot_work_give_one_line(tmp_path, capsys, text, extra, message):
    path = tmp_path / "data.csv"
    path.write_text(text)
    for command in ("train", "landscape"):  # the shared data options: the same line on every data command
        assert message in one_line_error(capsys, [command, "--data", str(path), *extra])


def test_unreachable_target_is_named_before_the_search_or_after_the_budget(tmp_path, capsys):
    rows = ["x1,x2,x3,y"] + [f"{a},{b},{c},{a * b * c}" for a in (-1, 1) for b in (-1, 1) for c in (-1, 1)]
    parity = tmp_path / "parity.csv"
    parity.write_text("\n".join(rows) + "\n")
    err = one_line_error(capsys, ["train", "--data", str(parity)])  # known from the landscape: no search
    assert "no configuration of [3,2,1] reaches 8/8 correct on parity.csv (the best of all 256 reaches 6/8" in err
    assert err.rstrip().endswith("try --strategy best, or --min-accuracy 0.75")
    # reachable, but not within the budget: the search ran, exit 1, the hint on stderr, the result on stdout
    assert main(["train", "--problem", "2", "--strategy", "paper", "--max-oracle-calls", "2", "--seed", "0", "--json"]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["success"] is False and captured.err.count("\n") == 1
    assert "the target 8/8 was not reached within" in captured.err and "try --min-accuracy" in captured.err
    assert "--strategy best" in captured.err


def test_three_thousand_parameters_without_blocks_are_refused_in_one_line(tmp_path, capsys):
    rng = np.random.default_rng(0)
    path = tmp_path / "wide.csv"
    X = rng.choice([-1, 1], size=(4, 60))
    path.write_text(",".join([f"f{i}" for i in range(60)] + ["y"]) + "\n" + "".join(
        ",".join(map(str, row)) + f",{label}\n" for row, label in zip(X, (1, -1, 1, -1))
    ))
    for strategy in ("best", "paper"):  # [60,50,1]: 3,050 parameters
        err = one_line_error(capsys, ["train", "--data", str(path), "--hidden", "50", "--strategy", strategy])
        assert "a search over all 3050 parameters at once" in err and "train by blocks with --strategy block" in err


def test_count_says_when_it_estimates_no_solutions(tmp_path, capsys):
    rows = ["x1,x2,x3,y"] + [f"{a},{b},{c},{a * b * c}" for a in (-1, 1) for b in (-1, 1) for c in (-1, 1)]
    parity = tmp_path / "parity.csv"
    parity.write_text("\n".join(rows) + "\n")
    code, out = run_json(capsys, "count", "--data", str(parity), "--seed", "1")
    assert code == 0 and out["solutions_rounded"] == 0 and out["optimal_k"] is None
    assert out["classical_reference"]["configurations"] == 256
    assert main(["count", "--data", str(parity), "--seed", "1"]) == 0
    text = capsys.readouterr().out
    assert "estimates no solutions of 256" in text and "no k is recommended" in text and "optimal k" not in text


def test_classical_strategy_on_train(tmp_path, capsys):
    X, y = flowers(16, seed=1)
    data = write(tmp_path / "train.csv", X, y)
    code, out = run_json(capsys, "train", "--data", str(data), "--label", "species", "--binarize", "median",
                         "--strategy", "local-search", "--min-accuracy", "0.75", "--time-limit", "5")
    assert code == 0 and out["classical"] is True and out["strategy"] == "local-search" and out["forward_passes"] > 0
    assert out["correct"] >= 12 and "oracle_calls" not in out
    err = one_line_error(capsys, ["train", "--data", str(data), "--label", "species", "--binarize", "median",
                                  "--strategy", "local-search", "--k", "2"])
    assert "--k belongs to the quantum strategies" in err
