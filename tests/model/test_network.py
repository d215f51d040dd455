"""BNN architecture, parameter layout and the classical forward pass."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qbnn.errors import ArchitectureError
from qbnn.model.network import Network, firing_threshold, parse_layers


def naive_forward(layers, weights, connections, point):
    """Plain-Python forward pass straight from docs/concepts/conventions.md, for comparison."""
    activity = list(point)
    offset = 0
    for layer, (fan_in, width) in enumerate(zip(layers[:-1], layers[1:])):
        out = []
        for neuron in range(width):
            plus = 0
            for s in range(fan_in):
                w = weights[offset + neuron * fan_in + s]
                present = connections is None or layer > 0 or connections[neuron * fan_in + s] == 1
                if present and activity[s] * w == 1:
                    plus += 1
            out.append(1 if plus >= (fan_in + 1) // 2 else -1)
        offset += fan_in * width
        activity = out
    return activity[0]


def test_parameter_counts_of_paper_network():
    assert Network((3, 2, 1)).num_parameters == 8
    meta = Network((3, 2, 1), meta=True)
    assert (meta.num_weights, meta.num_connections, meta.num_parameters) == (8, 6, 14)


def test_parameter_order_is_neuron_major_then_layers_then_connections():
    net = Network((3, 2, 1), meta=True)
    assert [net.weight_index(0, 0, s) for s in range(3)] == [0, 1, 2]
    assert [net.weight_index(0, 1, s) for s in range(3)] == [3, 4, 5]
    assert [net.weight_index(1, 0, s) for s in range(2)] == [6, 7]
    assert [net.connection_index(1, s) for s in range(3)] == [11, 12, 13]


def test_threshold_gives_ties_to_plus_one():
    assert [firing_threshold(n) for n in range(1, 7)] == [1, 1, 2, 2, 3, 3]


@pytest.mark.parametrize(
    ("layers", "message"),
    [
        ("3", "at least an input and an output layer"),
        ("3,2,2", "must end in a single output neuron"),
        ("3,0,1", "layer with no neurons"),
        ("3,a,1", "not a comma-separated list of integers"),
    ],
)
def test_bad_layers(layers, message):
    with pytest.raises(ArchitectureError, match=message):
        Network(parse_layers(layers))


@given(st.integers(0, 255))
def test_decode_encode_roundtrip(index):
    net = Network((3, 2, 1))
    weights, connections = net.decode(index)
    assert connections is None
    assert net.encode(weights) == index


@settings(max_examples=40, deadline=None)
@given(
    layers=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(lambda hidden: (hidden[0] + 0, *hidden[1:], 1)),
    meta=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_forward_and_vectorised_counts_agree_with_naive(layers, meta, seed):
    if len(layers) < 2:
        layers = (layers[0], 1)
    net = Network(layers, meta=meta)
    rng = np.random.default_rng(seed)
    X = rng.choice([-1, 1], size=(5, layers[0])).astype(np.int8)
    y = rng.choice([-1, 1], size=5).astype(np.int8)
    configs = rng.integers(0, net.num_configurations, size=16)
    counts = net.batch_correct_counts(configs, X, y)
    for config, count in zip(configs, counts):
        weights, connections = net.decode(int(config))
        outputs = net.forward(X, weights, connections)
        naive = [naive_forward(layers, weights.tolist(), None if connections is None else connections.tolist(), p) for p in X.tolist()]
        assert outputs.tolist() == naive
        assert count == int((outputs == y).sum())


def test_meta_neuron_without_inputs_outputs_minus_one():
    net = Network((3, 2, 1), meta=True)
    X = np.array(list(itertools.product((-1, 1), repeat=3)))
    weights = np.ones(8, dtype=int)
    connections = np.zeros(6, dtype=int)
    # no first-layer inputs: both hidden neurons give -1; the output neuron sees -1 * +1 twice -> -1
    assert net.forward(X, weights, connections).tolist() == [-1] * 8


def test_large_networks_are_described_by_parameter_vectors():
    net = Network((40, 40, 1))  # 1640 parameters: fine as a network; only the free ones must fit an engine
    rng = np.random.default_rng(0)
    vector = net.bits_to_parameters(rng.integers(0, 2, net.num_parameters))
    weights, connections = net.split_parameters(vector)
    assert connections is None and np.array_equal(net.parameter_vector(weights), vector)
    X = rng.choice([-1, 1], size=(7, 40))
    assert np.array_equal(net.forward_many(X, vector[None, :])[0], net.forward(X, weights))


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**14 - 1), st.integers(0, 2**32 - 1))
def test_forward_many_equals_forward(index, seed):
    net = Network((3, 2, 1), meta=True)
    X = np.random.default_rng(seed).choice([-1, 1], size=(5, 3))
    weights, connections = net.decode(index)
    vector = net.parameter_vector(weights, connections)
    assert np.array_equal(net.forward_many(X, vector[None, :])[0], net.forward(X, weights, connections))
