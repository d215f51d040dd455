"""Few-shot MNIST (issue 26) on a tiny setting: the split, the vote, determinism (also on Dask), one-line errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from qbnn.cli.main import main
from qbnn.experiments.mnist import MnistSettings, draw_split, load_mnist, quantise, run_mnist, weights_of

TINY = MnistSettings(per_class=(2,), draws=2, digits=(0, 1, 7), pool=4, methods=("quantum", "start"))


@pytest.fixture(scope="module")
def tiny():
    return run_mnist(TINY)


def test_no_training_image_is_in_the_test_set():
    _, digits = load_mnist()
    for draw in range(TINY.draws):
        train, test = draw_split(TINY, 2, draw, digits)
        used = np.concatenate(list(train.values()))
        assert len(used) == 2 * 3 and len(set(used.tolist())) == 6
        assert not set(used.tolist()) & set(test.tolist())
        assert set(test.tolist()) | set(used.tolist()) == set(np.flatnonzero(np.isin(digits, (0, 1, 7))).tolist())
        for digit, idx in train.items():
            assert (digits[idx] == digit).all()
    other = draw_split(TINY, 2, 1, digits)[0]
    assert any(not np.array_equal(other[d], draw_split(TINY, 2, 0, digits)[0][d]) for d in (0, 1, 7))


def _independent_forward(layers, weights: np.ndarray, X: np.ndarray) -> np.ndarray:
    """sign (sign(0) = +1) of each layer's product, written out here rather than taken from Network.forward."""
    activity = X.astype(np.int64)
    offset = 0
    for fan_in, width in zip(layers[:-1], layers[1:]):
        W = weights[offset : offset + fan_in * width].astype(np.int64).reshape(width, fan_in)
        offset += fan_in * width
        activity = np.where(activity @ W.T >= 0, 1, -1)
    return activity[:, 0]


def test_the_vote_equals_an_independent_forward_pass_of_the_reported_networks(tiny):
    pixels, digits = load_mnist()
    payload = tiny.to_json()
    X = quantise(pixels, pool=4)
    assert X.shape == (5000, 49) and set(np.unique(X).tolist()) == {-1, 1}
    for row in payload["draws"]:
        train, test = draw_split(TINY, row["per_class"], row["draw"], digits)
        assert row["train_indices"] == {str(d): idx.tolist() for d, idx in train.items()}
        assert row["test_images"] == len(test) == 3 * 500 - 6
        votes = np.zeros((len(test), 10), dtype=int)
        networks = [p for p in payload["pairs"] if p["draw"] == row["draw"] and p["method"] == row["method"]]
        assert sorted(tuple(p["pair"]) for p in networks) == [(0, 1), (0, 7), (1, 7)]
        for p in networks:
            a, b = p["pair"]
            out = _independent_forward(TINY.layers, weights_of(p["weights"]), X[test])
            votes[:, a] += out > 0
            votes[:, b] += out <= 0
            trained = _independent_forward(TINY.layers, weights_of(p["weights"]), np.concatenate([X[train[a]], X[train[b]]]))
            assert p["train_correct"] == int((trained == np.array([1, 1, -1, -1])).sum())
        assert row["test_accuracy"] == pytest.approx(np.mean(np.argmax(votes, axis=1) == digits[test]))
    quantum = [r for r in payload["table"] if r["method"] == "quantum"][0]
    assert quantum["network_evaluations"] >= quantum["oracle_calls"] > 0 or quantum["train_accuracy"] == 1.0


def _contract(result) -> tuple:
    """Everything but wall times: the table's accuracies and every reported network."""
    table = [{k: v for k, v in r.items() if k != "seconds_per_pair"} for r in result.table]
    pairs = [{k: v for k, v in p.items() if k != "wall_time_s"} for p in result.pairs]
    return table, pairs, [d["test_accuracy"] for d in result.draws]


def test_same_seed_same_table_also_on_dask(tiny, dask_cluster):
    again = run_mnist(TINY, client=dask_cluster)
    assert _contract(again) == _contract(tiny)
    other = run_mnist(MnistSettings(**{**TINY.__dict__, "seed": 1, "draws": 1}))
    assert _contract(other)[1][0]["weights"] != _contract(tiny)[1][0]["weights"] or other.draws[0]["train_indices"] != tiny.draws[0]["train_indices"]


def test_cli_json_and_out_files(capsys, tmp_path):
    argv = ["demo", "--dataset", "mnist", "--per-class", "1", "--draws", "1", "--digits", "3,8", "--pool", "7",
            "--methods", "quantum,start", "--out", str(tmp_path), "--json"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["settings"]["layers"] == [16, 4, 4, 1] and len(out["pairs"]) == 2
    assert "not the official 10,000" in out["data"] and out["binarisation"] == "+1 where pixel > 127 else -1"
    assert all(p["quoted"] for p in out["published"])
    assert json.loads((tmp_path / "mnist.json").read_text()) == out
    assert (tmp_path / "mnist.png").stat().st_size > 1000 and "quoted" in (tmp_path / "mnist.md").read_text()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--per-class", "500"], "--per-class 500 must lie in 1..499"),
        (["--per-class", "0"], "--per-class 0 must lie in 1..499"),
        (["--digits", "3,12"], "--digits 3,12 must lie in 0..9"),
        (["--digits", "4"], "--digits 4 must name at least two digits"),
        (["--pool", "5"], "--pool 5 must divide 28"),
        (["--layers", "784,4,1", "--pool", "2"], "--layers 784,4,1 must start with 196"),
        (["--draws", "0"], "--draws 0 must be a whole number in 1..100"),
        (["--start", "zeros"], "--start zeros must be one of centroid, random"),
        (["--input-bits", "1-2"], "--input-bits 1-2 must be one number of bits"),
        (["--workers", "2", "--scheduler", "tcp://x:1"], "not both"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(capsys, argv, message):
    assert main(["demo", "--dataset", "mnist", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.strip().count("\n") == 0
