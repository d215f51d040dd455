"""The QBNN circuit U equals the classical forward pass on every configuration."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qbnn.compile import compile_qbnn
from qbnn.model.data import Dataset, paper_problem
from qbnn.errors import ArchitectureError
from qbnn.landscape import compute_landscape
from qbnn.model.network import Network
from qbnn.testing import accuracy_bits_from_circuit, assert_circuit_matches_network


@pytest.mark.parametrize("activation", ["paper", "counter"])
@pytest.mark.parametrize("meta", [False, True])
@pytest.mark.parametrize("problem", [1, 2])
def test_paper_circuits_match_network_on_every_configuration(problem, meta, activation):
    qbnn = compile_qbnn(Network((3, 2, 1), meta=meta), paper_problem(problem), activation=activation)
    assert_circuit_matches_network(qbnn)  # all 256 / 16384 configurations


@pytest.mark.parametrize(
    ("problem", "meta", "solutions"), [(1, False, 8), (2, False, 4), (1, True, 24), (2, True, 156)]
)
def test_solution_counts_from_the_circuit(problem, meta, solutions):
    net = Network((3, 2, 1), meta=meta)
    qbnn = compile_qbnn(net, paper_problem(problem))
    final = accuracy_bits_from_circuit(qbnn, np.arange(net.num_configurations))
    correct = final[:, qbnn.accuracy_qubits].sum(axis=1)
    assert int((correct == 8).sum()) == solutions
    assert np.array_equal(correct, compute_landscape(net, paper_problem(problem)).correct)


def test_registers_are_named_and_ordered():
    qbnn = compile_qbnn(Network((3, 2, 1), meta=True), paper_problem(1))
    names = [r.name for r in qbnn.circuit.qregs]
    assert names[:3] == ["w", "c", "acc"] and "x" in names and "h1" in names
    assert qbnn.parameter_qubits == list(range(14))
    assert qbnn.accuracy_qubits == list(range(14, 22))
    assert qbnn.circuit.count_ops()["h"] == 14


def test_label_minus_one_points_get_an_x_on_their_accuracy_qubit():
    data = Dataset(np.array([[1, 1, 1], [1, 1, 1]]), np.array([1, -1]))
    qbnn = compile_qbnn(Network((3, 1)), data)
    last_ops = [(i.operation.name, qbnn.circuit.find_bit(i.qubits[0]).index) for i in qbnn.circuit.data[-3:]]
    assert ("x", qbnn.accuracy_qubits[1]) in last_ops
    assert_circuit_matches_network(qbnn)


def test_mismatched_layers_are_refused():
    with pytest.raises(ArchitectureError, match="3 feature columns but layers='2,1' starts with 2") as info:
        compile_qbnn(Network((2, 1)), paper_problem(1))
    assert "3 feature columns but --layers 2,1 starts with 2" in info.value.render({})


@settings(max_examples=25, deadline=None)
@given(
    hidden=st.lists(st.integers(1, 3), min_size=0, max_size=2),
    inputs=st.integers(1, 4),
    points=st.integers(1, 4),
    meta=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
    activation=st.sampled_from(["paper", "counter"]),
)
def test_random_networks_and_datasets(hidden, inputs, points, meta, seed, activation):
    net = Network((inputs, *hidden, 1), meta=meta)
    if net.num_parameters > 12:
        net = Network((inputs, *hidden, 1), meta=False)
    rng = np.random.default_rng(seed)
    data = Dataset(rng.choice([-1, 1], size=(points, inputs)), rng.choice([-1, 1], size=points))
    qbnn = compile_qbnn(net, data, activation=activation)
    configs = np.arange(net.num_configurations) if net.num_parameters <= 10 else rng.integers(0, net.num_configurations, 512)
    assert_circuit_matches_network(qbnn, configs)
