"""The multi-bit first layer: circuits equal the forward pass on every configuration, registers come back clean."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qbnn.compile import compile_qbnn
from qbnn.compile.input_layer import SUM_REGISTER, sum_register_width, weighted_sign
from qbnn.model.data import Dataset, paper_problem
from qbnn.errors import ArchitectureError
from qbnn.model.input_levels import feature_levels
from qbnn.model.network import Network
from qbnn.problem import TrainingProblem
from qbnn.testing import accuracy_bits_from_circuit, assert_circuit_matches_network, classical_action


def _random_data(rng: np.random.Generator, bits: int, points: int, features: int) -> Dataset:
    X = rng.choice(feature_levels(bits), size=(points, features))
    return Dataset(X, rng.choice([-1, 1], size=points), name="random", input_bits=bits)


@pytest.mark.parametrize("bits", [2, 3])
@pytest.mark.parametrize(
    ("layers", "activation", "adder"),
    [((3, 1), "paper", "increment"), ((3, 2, 1), "counter", "increment"), ((2, 2, 1), "paper", "ripple")],
)
def test_circuit_classifies_every_configuration_as_the_forward_pass(bits, layers, activation, adder):
    data = _random_data(np.random.default_rng(bits * 10 + len(layers)), bits, 4, layers[0])
    qbnn = compile_qbnn(Network(layers), data, activation=activation, adder=adder)
    assert_circuit_matches_network(qbnn)  # all 2^p configurations; work qubits (the sum register too) clean


def test_sum_register_returns_to_zero_on_every_basis_input():
    """Not only the configurations U sees: every basis state of weights, targets and accumulator-free qubits."""
    rng = np.random.default_rng(3)
    point = rng.choice(feature_levels(3), size=3).tolist()
    width = sum_register_width(point)
    from qiskit import QuantumCircuit

    circuit = QuantumCircuit(3 + 1 + width)  # weights, target, register
    qubits = list(circuit.qubits)
    weighted_sign(circuit, point, qubits[:3], qubits[4:], qubits[3])
    rows = np.arange(16)
    states = np.zeros((16, circuit.num_qubits), dtype=bool)
    for q in range(4):
        states[:, q] = (rows >> q) & 1
    out = classical_action(circuit, states)
    assert not out[:, 4:].any()
    weights = np.where(states[:, :3], 1, -1)
    fires = weights @ np.array(point) >= 0
    np.testing.assert_array_equal(out[:, 3], states[:, 3] ^ fires)
    np.testing.assert_array_equal(out[:, :3], states[:, :3])


def test_binary_values_at_more_bits_give_the_same_landscape_through_adders():
    one, two = paper_problem(1), paper_problem(1).with_input_bits(2)
    binary = compile_qbnn(Network((3, 2, 1)), one)
    adders = compile_qbnn(Network((3, 2, 1)), two)
    assert "x" in [r.name for r in binary.circuit.qregs] and SUM_REGISTER not in [r.name for r in binary.circuit.qregs]
    assert SUM_REGISTER in [r.name for r in adders.circuit.qregs] and "x" not in [r.name for r in adders.circuit.qregs]
    configs = np.arange(256)
    a = accuracy_bits_from_circuit(binary, configs)[:, binary.accuracy_qubits]
    b = accuracy_bits_from_circuit(adders, configs)[:, adders.accuracy_qubits]
    np.testing.assert_array_equal(a, b)


@settings(max_examples=15, deadline=None)
@given(
    bits=st.integers(2, 4),
    point=st.lists(st.integers(-7, 7).map(lambda v: 2 * v + 1), min_size=1, max_size=4),
    fixed=st.lists(st.sampled_from([None, True, False]), min_size=4, max_size=4),
)
def test_fixed_weights_fold_into_the_offset(bits, point, fixed):
    """A weight given as a bool costs no adder and gives the same sign as the qubit set to that value."""
    from qiskit import QuantumCircuit

    n = len(point)
    width = sum_register_width(point)
    circuit = QuantumCircuit(n + 1 + width)
    qubits = list(circuit.qubits)
    weights = [qubits[j] if fixed[j] is None else fixed[j] for j in range(n)]
    weighted_sign(circuit, point, weights, qubits[n + 1 :], qubits[n])
    free = [j for j in range(n) if fixed[j] is None]
    rows = np.arange(1 << len(free))
    states = np.zeros((rows.size, circuit.num_qubits), dtype=bool)
    for i, j in enumerate(free):
        states[:, j] = (rows >> i) & 1
    out = classical_action(circuit, states)
    w = np.array([[1 if (states[r, j] if fixed[j] is None else fixed[j]) else -1 for j in range(n)] for r in rows])
    np.testing.assert_array_equal(out[:, n], w @ np.array(point) >= 0)
    assert not out[:, n + 1 :].any()


def test_structured_engine_and_aer_agree_on_a_multibit_problem():
    from qbnn.engines.amplify_aer import AerEngine
    from qbnn.engines.registry import get_engine
    from qbnn.engines.amplitude import success_probability

    data = _random_data(np.random.default_rng(11), 2, 3, 2)
    training = TrainingProblem(Network((2, 1)), data, min_correct=2)
    structured = get_engine("structured").prepare(training)
    aer = AerEngine().prepare(training)
    aer.prefetch(range(3))
    m, n = training.num_solutions, training.num_configurations
    for k in range(3):
        np.testing.assert_allclose(structured.distribution(k), aer.distribution(k), atol=1e-9)
        assert structured.success_probability(k) == pytest.approx(success_probability(m, n, k), abs=1e-12)


def test_meta_with_multibit_inputs_is_refused():
    data = paper_problem(1).with_input_bits(2)
    with pytest.raises(ArchitectureError, match="meta works with binary"):
        compile_qbnn(Network((3, 2, 1), meta=True), data)


def test_minibatches_of_multibit_data_share_one_register_layout():
    """Batches with small and large values get the same sum register, so their circuits embed in one layout."""
    from qbnn.compile.minibatch import compile_minibatch
    from qbnn.testing import classical_minibatch_probabilities

    # the last batch has one point but the widest sums: it must not set a layout with one accuracy qubit
    data = Dataset([[1, 1], [1, -1], [7, 7]], [1, 1, -1], input_bits=3)
    network = Network((2, 1))
    circuits = compile_minibatch(network, data, 2)
    assert len(circuits.iterates) == 2
    from qbnn.problem import TrainingProblem
    from qbnn.engines.registry import get_engine

    amp = get_engine("structured").prepare(TrainingProblem(network, data, batch_size=2))
    expected = classical_minibatch_probabilities(network, data, 2, 4)
    for k in range(5):
        np.testing.assert_allclose(amp.distribution(k), expected[k], atol=1e-12)


@pytest.mark.parametrize("activation", ["paper", "counter"])
def test_one_bit_data_keep_the_paper_circuit_whatever_the_adder(activation):
    """b = 1 never reaches the adder code: the circuit is identical for either adder and has the paper's profile."""
    from qbnn.hardware.resources import closed_form_profile, gate_profile

    data = paper_problem(2)
    network = Network((3, 2, 1))
    increment = compile_qbnn(network, data, activation=activation, adder="increment").circuit
    ripple = compile_qbnn(network, data, activation=activation, adder="ripple").circuit
    assert increment == ripple
    assert [r.name for r in increment.qregs][:3] == ["w", "acc", "x"]
    if activation == "paper":
        assert gate_profile(increment) == closed_form_profile(TrainingProblem(network, data))


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    bits=st.integers(2, 3),
    inputs=st.integers(1, 4),
    hidden=st.lists(st.integers(1, 2), max_size=1),
    activation=st.sampled_from(["paper", "counter"]),
)
def test_fixed_parameters_fold_into_multibit_circuits(seed, bits, inputs, hidden, activation):
    """Conditional problems (block training): fixed weights become classical offsets, free ones adders."""
    from qbnn.compile.folded import compile_folded
    from qbnn.model.conditioning import Condition

    rng = np.random.default_rng(seed)
    net = Network((inputs, *hidden, 1))
    data = _random_data(rng, bits, 4, inputs)
    free = rng.choice(net.num_parameters, size=int(rng.integers(1, min(5, net.num_parameters) + 1)), replace=False)
    condition = Condition(net, tuple(int(f) for f in free), net.bits_to_parameters(rng.integers(0, 2, net.num_parameters)))
    folded = compile_folded(net, data, condition, activation=activation)
    assert len(folded.parameter_qubits) == len(free)
    assert_circuit_matches_network(folded.qbnn_circuit())  # every free configuration, sum register clean


def test_a_first_layer_with_every_weight_fixed_needs_no_adders():
    from qbnn.compile.folded import compile_folded
    from qbnn.model.conditioning import Condition

    net = Network((3, 2, 1))
    data = _random_data(np.random.default_rng(8), 3, 5, 3)
    values = net.bits_to_parameters(np.random.default_rng(9).integers(0, 2, net.num_parameters))
    later = compile_folded(net, data, Condition(net, (6, 7), values))
    assert not later.registers.get("sum")  # the hidden neurons are classical constants of each point
    first = compile_folded(net, data, Condition(net, (0, 1), values))
    assert len(first.registers["sum"]) == 5  # 3 features of up to ±7: sums to ±21, halved in 5 bits
    for folded in (later, first):
        assert_circuit_matches_network(folded.qbnn_circuit())
