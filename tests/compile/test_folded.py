"""Fixed parameters folded into U: no qubits for them, and every basis input still classified as the forward pass."""

from __future__ import annotations

import numpy as np
from qiskit.quantum_info import Statevector
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qbnn.compile.folded import compile_folded
from qbnn.model.conditioning import Condition
from qbnn.model.data import Dataset, paper_problem
from qbnn.simulator.structured import StructuredSimulator
from qbnn.engines.registry import get_engine
from qbnn.model.network import Network
from qbnn.problem import TrainingProblem
from qbnn.testing import assert_circuit_matches_network


def random_condition(net: Network, rng: np.random.Generator, size: int) -> Condition:
    free = rng.choice(net.num_parameters, size=size, replace=False)
    return Condition(net, tuple(int(f) for f in free), net.bits_to_parameters(rng.integers(0, 2, net.num_parameters)))


@pytest.mark.parametrize("activation", ["paper", "counter"])
@pytest.mark.parametrize(("problem", "meta"), [(1, False), (2, True)])
def test_paper_problems_with_fixed_parameters(problem, meta, activation):
    net = Network((3, 2, 1), meta=meta)
    rng = np.random.default_rng(problem)
    for size in (1, 3, 5):
        condition = random_condition(net, rng, size)
        folded = compile_folded(net, paper_problem(problem), condition, activation=activation)
        qbnn = folded.qbnn_circuit()
        assert len(qbnn.parameter_qubits) == size  # fixed parameters have no qubits
        assert "x" not in [r.name for r in qbnn.circuit.qregs]  # first-layer literals are the weight qubits
        assert_circuit_matches_network(qbnn)  # every basis input, ancillas clean


@settings(max_examples=20, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    hidden=st.lists(st.integers(1, 3), min_size=0, max_size=2),
    inputs=st.integers(1, 5),
    meta=st.booleans(),
    activation=st.sampled_from(["paper", "counter"]),
)
def test_random_networks_with_fixed_parameters(seed, hidden, inputs, meta, activation):
    rng = np.random.default_rng(seed)
    net = Network((inputs, *hidden, 1), meta=meta)
    data = Dataset(rng.choice([-1, 1], size=(5, inputs)), rng.choice([-1, 1], size=5))
    condition = random_condition(net, rng, int(rng.integers(1, min(6, net.num_parameters) + 1)))
    qbnn = compile_folded(net, data, condition, activation=activation).qbnn_circuit()
    assert_circuit_matches_network(qbnn)


def test_a_block_inside_one_neuron_costs_that_neuron_only():
    rng = np.random.default_rng(3)
    net = Network((6, 4, 1))
    data = Dataset(rng.choice([-1, 1], size=(12, 6)), rng.choice([-1, 1], size=12))
    values = net.bits_to_parameters(rng.integers(0, 2, net.num_parameters))
    inside = compile_folded(net, data, Condition(net, (6, 7, 8, 9), values), activation="counter")
    assert inside.registers["h1"] == [inside.registers["acc"][-1] + 1]  # only neuron 1 of the hidden layer is a qubit
    assert_circuit_matches_network(inside.qbnn_circuit())
    full = TrainingProblem(net, data, activation="counter")
    assert inside.num_qubits < full.num_qubits and len(inside.ops) < full.qbnn.circuit.size()


def test_conditional_u_agrees_with_qiskit_and_grover_follows_the_sin2_law():
    full = TrainingProblem.paper(1)
    values = full.network.decode(int(full.landscape.solutions()[0]))[0]  # a solution, so the slice has one
    problem = TrainingProblem.paper(1, free=[0, 3, 4, 6], values=values)
    u = problem.qbnn.circuit
    reference = Statevector(u).data  # Qiskit's own dense simulation of the folded circuit
    np.testing.assert_allclose(StructuredSimulator().run(u).statevector(), reference, atol=1e-9)
    structured = get_engine("structured").prepare(problem)
    theta = np.arcsin(np.sqrt(problem.num_solutions / problem.num_configurations))
    assert 0 < problem.num_solutions < problem.num_configurations
    for k in range(4):
        assert structured.success_probability(k) == pytest.approx(np.sin((2 * k + 1) * theta) ** 2, abs=1e-9)
