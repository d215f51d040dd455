"""Multi-bit features: the odd levels, and landscapes equal to a plain weighted-sum forward pass."""

from __future__ import annotations

import numpy as np
import pytest

from qbnn.model.data import Dataset, paper_problem
from qbnn.errors import DataError
from qbnn.landscape import compute_landscape
from qbnn.model.input_levels import check_input_bits, feature_levels
from qbnn.model.network import Network


def _plain_forward(layers: tuple[int, ...], weights: np.ndarray, point: np.ndarray) -> int:
    """Reference: every layer is sign(W a) with sign(0) = +1, in plain integer arithmetic."""
    activity = point.astype(int)
    start = 0
    for fan_in, width in zip(layers[:-1], layers[1:]):
        W = weights[start : start + fan_in * width].reshape(width, fan_in)
        start += fan_in * width
        activity = np.array([1 if int(row @ activity) >= 0 else -1 for row in W])
    return int(activity[0])


@pytest.mark.parametrize("bits", [2, 3])
@pytest.mark.parametrize("layers", [(2, 1), (3, 2, 1), (4, 1), (2, 3, 1), (3, 1, 2, 1)])
def test_landscape_equals_the_weighted_sum_forward_pass(bits, layers):
    rng = np.random.default_rng(bits * 100 + sum(layers))
    X = rng.choice(feature_levels(bits), size=(6, layers[0]))
    data = Dataset(X, rng.choice([-1, 1], size=6), input_bits=bits)
    network = Network(layers)
    landscape = compute_landscape(network, data)
    for index in range(network.num_configurations):
        weights = np.where((index >> np.arange(network.num_parameters)) & 1, 1, -1)
        correct = sum(_plain_forward(layers, weights, x) == label for x, label in zip(data.X, data.y))
        assert landscape.correct[index] == correct, index
        assert int(network.forward(data.X, weights.astype(np.int8)).tolist() == data.y.tolist()) == (correct == 6)


def test_levels_are_the_odd_values_and_b_is_checked():
    assert feature_levels(1).tolist() == [-1, 1]
    assert feature_levels(3).tolist() == [-7, -5, -3, -1, 1, 3, 5, 7]
    for bad in (0, 7, 2.5, "x"):
        with pytest.raises(DataError, match="input_bits"):
            check_input_bits(bad)


def test_binary_data_read_at_more_bits_keep_their_landscape():
    network = Network((3, 2, 1))
    assert np.array_equal(
        compute_landscape(network, paper_problem(2)).correct,
        compute_landscape(network, paper_problem(2).with_input_bits(3)).correct,
    )
