"""The block-size study: counts to each block's optimum, slopes fitted from the study's own rows, checked settings."""

from __future__ import annotations

import numpy as np
import pytest

from qbnn.errors import QbnnError
from qbnn.experiments.block_study import BlockStudySettings, block_record, fit_slopes, run_block_study
from qbnn.model.network import Network


def teacher_csv(path, layers=(6, 3, 1), points=40, seed=3):
    rng = np.random.default_rng(seed)
    net = Network(layers)
    X = rng.choice([-1, 1], size=(points, layers[0]))
    y = net.forward(X, net.bits_to_parameters(rng.integers(0, 2, net.num_parameters)))
    flip = rng.random(points) < 0.15  # label noise: blocks that cannot reach every point
    y = np.where(flip, -y, y)
    lines = [",".join([f"x{j}" for j in range(layers[0])] + ["y"])] + [",".join(map(str, [*row, label])) for row, label in zip(X, y)]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    csv = teacher_csv(tmp_path_factory.mktemp("data") / "teacher.csv")
    return run_block_study(BlockStudySettings(dataset=None, data=csv, layers=(6, 3, 1), block_sizes=(3, 4, 6), seeds=3))


def test_the_slopes_are_fitted_from_the_rows(study):
    payload = study.to_json()
    assert payload["slopes"] == fit_slopes(payload["rows"]) == study.slopes
    assert payload["slopes"]["exhaustive"] == pytest.approx(1.0)
    rows = payload["rows"]
    n = np.array([r["configurations"] for r in rows], dtype=float)
    quantum = np.array([r["quantum"] for r in rows])
    assert payload["slopes"]["quantum"] == pytest.approx(np.polyfit(np.log(n), np.log(quantum), 1)[0])
    doubled = [dict(r, quantum=r["quantum"] * r["configurations"]) for r in rows]  # counts times N: slope + 1
    assert fit_slopes(doubled)["quantum"] == pytest.approx(payload["slopes"]["quantum"] + 1)


def test_rows_are_consistent_counts(study):
    for row in study.rows:
        assert row.configurations == 2**row.block_size and row.exhaustive == row.configurations
        assert 0 < row.found <= row.blocks
        assert 1 <= row.optima_mean
        assert row.random_without_replacement <= row.random <= row.configurations
        assert 0 < row.quantum <= row.quantum_all  # found blocks' counts; misses count their whole search
        assert 0.5 <= row.train_accuracy <= 1 and 0 <= row.test_accuracy <= 1 and row.seconds > 0
        assert row.exhaustive_forward_passes >= row.configurations


def test_block_record_finds_the_measurement_that_reached_the_optimum():
    # start 5; round above 5 finds 7 after three measurements; round above 7 (the optimum) fails
    record = block_record(5, 7, 7, 2, ks=[0, 1, 2, 3, 1], thresholds=[6, 6, 6, 8, 8])
    assert record["quantum"] == 1 + 3 + 5 and record["evaluations"] == 1 + 3 + 5 + 7 + 3
    assert block_record(5, 6, 7, 2, ks=[0, 1], thresholds=[6, 7])["quantum"] is None  # never measured the optimum
    assert block_record(9, 10, 10, 1, ks=[2, 4], thresholds=[10, 10])["quantum"] == 5 + 9  # every point: the last one
    assert block_record(7, 7, 7, 3, ks=[1], thresholds=[8])["quantum"] is None  # already optimal


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"block_sizes": (8,)}, "block_sizes"),
        ({"block_sizes": (8, 21)}, "block_sizes"),
        ({"block_sizes": (0, 4)}, "block_sizes"),
        ({"seeds": 0}, "seeds"),
        ({"sweeps": 0}, "sweeps"),
        ({"dataset": "iris"}, "dataset"),
        ({"test_fraction": 1.0}, "test_fraction"),
    ],
)
def test_settings_refuse_bad_bounds_naming_the_parameter(kwargs, name):
    with pytest.raises(QbnnError) as info:
        BlockStudySettings(**kwargs)
    assert "{" + name + "}" in info.value.template
