"""Exact landscapes: the paper's solution counts and the vectorised enumeration."""

from __future__ import annotations

import numpy as np
import pytest

from qbnn.model.data import Dataset, paper_problem
from qbnn.errors import ArchitectureError, ResourceLimitError
from qbnn.landscape import compute_landscape
from qbnn.model.network import Network



@pytest.mark.parametrize(
    ("problem", "meta", "solutions", "configurations"),
    [(1, False, 8, 256), (2, False, 4, 256), (1, True, 24, 16384), (2, True, 156, 16384)],
)
def test_reference_figures(problem, meta, solutions, configurations):
    land = compute_landscape(Network((3, 2, 1), meta=meta), paper_problem(problem))
    assert land.num_solutions == solutions
    assert land.configurations == configurations
    assert sum(land.histogram.values()) == configurations
    assert land.histogram[8] == solutions


@pytest.mark.parametrize("case", ["problem1", "problem2", "problem1_meta", "problem2_meta"])
def test_matches_reference_file(case, reference):
    ref = reference[case]
    data = Dataset(np.array(ref["X"]), np.array(ref["y"]))
    land = compute_landscape(Network(tuple(ref["layers"]), meta=ref["meta"]), data)
    assert land.histogram == {int(k): v for k, v in ref["histogram"].items()}
    if "solution_indices" in ref:
        assert land.solutions().tolist() == ref["solution_indices"]


def test_each_configuration_matches_forward_pass():
    net, data = Network((3, 2, 1), meta=True), paper_problem(1)
    land = compute_landscape(net, data)
    for index in range(0, net.num_configurations, 97):
        weights, connections = net.decode(index)
        assert land.correct[index] == int((net.forward(data.X, weights, connections) == data.y).sum())


def test_summary_fields():
    summary = compute_landscape(Network((3, 2, 1)), paper_problem(2)).summary()
    assert summary["parameters"] == 8 and summary["points"] == 8
    assert summary["solutions"] == 4 and summary["best_accuracy"] == 8
    assert summary["histogram"] == {"0": 4, "2": 48, "4": 152, "6": 48, "8": 4}


def test_feature_count_must_match_first_layer():
    with pytest.raises(ArchitectureError, match="3 feature columns but layers='4,1' starts with 4") as info:
        compute_landscape(Network((4, 1)), paper_problem(1))
    assert "3 feature columns but --layers 4,1 starts with 4" in info.value.render({})


def test_memory_is_checked_before_allocating():
    with pytest.raises(ResourceLimitError, match=r"2\^40 configurations and needs .*TiB.*use fewer parameters"):
        compute_landscape(Network((5, 4, 4, 1)), Dataset(np.ones((2, 5)), np.ones(2)), max_memory_bytes=1 << 30)


def test_two_to_the_twenty_configurations_are_vectorised():
    rng = np.random.default_rng(1)
    data = Dataset(rng.choice([-1, 1], size=(8, 4)), rng.choice([-1, 1], size=8))
    land = compute_landscape(Network((4, 4, 1)), data)  # 20 parameters
    assert land.configurations == 1 << 20
    assert sum(land.histogram.values()) == 1 << 20
    sample = rng.integers(0, 1 << 20, size=50)
    for index in sample:
        weights, _ = land.network.decode(int(index))
        assert land.correct[index] == int((land.network.forward(data.X, weights) == data.y).sum())
