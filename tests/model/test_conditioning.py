"""Conditional problems: a slice of the full landscape, whichever parameters are free (paper section 3)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qbnn.model.conditioning import Condition, make_condition, parse_free, parse_values
from qbnn.model.data import Dataset, paper_problem
from qbnn.errors import DataError, QbnnError
from qbnn.landscape import compute_landscape
from qbnn.model.network import Network
from qbnn.problem import TrainingProblem


def full_index(net: Network, vector: np.ndarray) -> int:
    """Configuration index of a full parameter vector (the full landscape's bit order)."""
    bits = np.where(np.arange(net.num_parameters) < net.num_weights, vector > 0, vector == 1)
    return sum(int(b) << j for j, b in enumerate(bits))


def slice_indices(net: Network, condition: Condition) -> list[int]:
    return [full_index(net, condition.vector(i)) for i in range(condition.num_configurations)]


@pytest.mark.parametrize(("problem", "meta"), [(1, False), (2, False), (1, True), (2, True)])
def test_every_free_set_of_size_up_to_two_is_a_slice_of_the_paper_landscape(problem, meta):
    net = Network((3, 2, 1), meta=meta)
    data = paper_problem(problem)
    full = compute_landscape(net, data).correct
    rng = np.random.default_rng(problem)
    values = net.bits_to_parameters(rng.integers(0, 2, net.num_parameters))
    sets = [s for r in (1, 2) for s in itertools.combinations(range(net.num_parameters), r)]
    for free in sets if not meta else sets[:: 7]:
        condition = Condition(net, free, values)
        sliced = compute_landscape(net, data, condition=condition)
        assert np.array_equal(sliced.correct, full[slice_indices(net, condition)])
        assert sliced.summary()["free"] == list(free) and sliced.configurations == 1 << len(free)


def test_every_free_set_of_a_small_network():
    net = Network((2, 1, 1), meta=True)  # 3 weights + 2 connections: all 31 non-empty free sets,
    # each around 7 different fixed settings
    data = Dataset(np.array([[1, -1], [-1, -1], [1, 1]]), np.array([1, -1, -1]))
    full = compute_landscape(net, data).correct
    for index in range(0, net.num_configurations, 5):
        values = net.bits_to_parameters(np.array([(index >> j) & 1 for j in range(5)]))
        for r in range(1, 6):
            for free in itertools.combinations(range(5), r):
                condition = Condition(net, free, values)
                sliced = compute_landscape(net, data, condition=condition).correct
                assert np.array_equal(sliced, full[slice_indices(net, condition)])


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), hidden=st.integers(1, 3), inputs=st.integers(2, 4), meta=st.booleans())
def test_random_data_slices(seed, hidden, inputs, meta):
    rng = np.random.default_rng(seed)
    net = Network((inputs, hidden, 1), meta=meta and inputs * hidden <= 6)
    data = Dataset(rng.choice([-1, 1], size=(6, inputs)), rng.choice([-1, 1], size=6))
    full = compute_landscape(net, data).correct
    free = tuple(sorted(rng.choice(net.num_parameters, size=rng.integers(1, min(5, net.num_parameters) + 1), replace=False)))
    condition = Condition(net, free, net.bits_to_parameters(rng.integers(0, 2, net.num_parameters)))
    problem = TrainingProblem(net, data, free=free, values=condition.values)
    assert np.array_equal(problem.landscape.correct, full[slice_indices(net, condition)])
    index = int(rng.integers(0, problem.num_configurations))
    assert problem.correct_count(index) == full[slice_indices(net, condition)[index]]


def test_large_networks_only_need_their_free_parameters_to_fit():
    rng = np.random.default_rng(0)
    net = Network((16, 8, 1))  # 136 parameters: no full landscape, but any 10 of them are fine
    data = Dataset(rng.choice([-1, 1], size=(40, 16)), rng.choice([-1, 1], size=40))
    values = net.bits_to_parameters(rng.integers(0, 2, net.num_parameters))
    problem = TrainingProblem(net, data, free="20-27,130,135", values=values)
    assert problem.num_configurations == 1 << 10
    vectors = problem.condition.vectors(np.arange(1 << 10))
    assert np.array_equal(problem.landscape.correct, net.correct_counts(vectors, data.X, data.y))
    weights, _ = net.split_parameters(vectors[5])
    assert problem.correct_count(5) == int((net.forward(data.X, weights) == data.y).sum())
    with pytest.raises(Exception, match="at most 62 can be in superposition at once"):
        TrainingProblem(net, data).landscape  # only what needs all 136 in superposition is refused


def test_values_from_a_train_json_file(tmp_path):
    net = Network((3, 2, 1), meta=True)
    path = tmp_path / "model.json"
    path.write_text('{"parameters": {"weights": [1,1,1,-1,-1,-1,1,-1], "connections": [1,0,1,1,1,0]}}')
    assert parse_values(str(path), net).tolist() == [1, 1, 1, -1, -1, -1, 1, -1, 1, 0, 1, 1, 1, 0]
    (tmp_path / "bad.json").write_text('{"weights": [1]}')
    with pytest.raises(DataError, match="no 'parameters' object"):
        parse_values(str(tmp_path / "bad.json"), net)


@pytest.mark.parametrize(
    ("free", "values", "message"),
    [
        ("0-9", "1,1,1,1,1,1,1,1", "must lie in 0..7"),
        ("a", "1,1,1,1,1,1,1,1", "not a range"),
        ("0", "1,1,1", "has 3 values but \\[3,2,1\\] has 8 parameters"),
        ("0", "1,1,1,1,0,1,1,1", "parameter 4 is a weight and must be -1 or \\+1"),
        ("0", "1,x", "neither a comma list"),
        (None, "1,1,1,1,1,1,1,1", "values fixes parameters but free"),
        ("0-2", None, "leaves parameters fixed"),
    ],
)
def test_bad_free_and_values_name_the_parameter(free, values, message):
    with pytest.raises(QbnnError, match=message):
        make_condition(Network((3, 2, 1)), free, values)


def test_parse_free_accepts_ranges_and_lists():
    assert parse_free("0-2,5,1", 8) == (0, 1, 2, 5)
    assert parse_free([3, 1, 3], 8) == (1, 3)
