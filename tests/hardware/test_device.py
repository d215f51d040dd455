"""Device compilation: the transpiled U still classifies every configuration; success, refusals, names.

The transpiled U (ECR/RZ/SX on 127 qubits) is outside the structured engine's
class and far beyond a state vector. It touches only 24 device qubits,
though, so we drop the idle wires and run it once with Aer's matrix-product
states from |0>: its H layer puts all 256 weight settings in superposition at
once, so the marginal on (weights, accuracy register) must be exactly uniform
over the 256 pairs (i, correct bits of configuration i) from the classical
forward pass. One run checks all 256 configurations on the full device; the
transpilation is done once per module.
"""

from __future__ import annotations

import numpy as np
import pytest
from qiskit import QuantumCircuit

from qbnn.errors import ResourceLimitError
from qbnn.hardware.device import (
    DeviceError,
    active_subcircuit,
    compile_for_device,
    known_devices,
    load_device,
)
from qbnn.problem import TrainingProblem

# session-scoped: the file runs in one xdist worker (tests/conftest.py), which may interleave other files' tests


@pytest.fixture(scope="session")
def problem1() -> TrainingProblem:
    return TrainingProblem.paper(1)


@pytest.fixture(scope="session")
def sherbrooke_U(problem1):
    return compile_for_device(problem1.qbnn.circuit, "fake_sherbrooke", seed=11, label="U")


def test_transpiled_U_classifies_every_configuration_of_problem_1(problem1, sherbrooke_U):
    from qiskit_aer import AerSimulator

    compiled = sherbrooke_U
    assert compiled.device_qubits == 127 and compiled.qubits == 24
    assert set(compiled.gates) <= {"ecr", "rz", "sx", "x"} and compiled.gates.get("ecr", 0) == compiled.two_qubit_gates > 0
    small, wire = active_subcircuit(compiled.circuit)
    qbnn = problem1.qbnn
    watched = [wire[compiled.physical_output(q)] for q in qbnn.parameter_qubits + qbnn.accuracy_qubits]
    small.save_probabilities_dict(watched)
    simulator = AerSimulator(method="matrix_product_state", max_parallel_threads=1)
    probabilities = simulator.run(small, shots=1).result().data()["probabilities"]

    network, data = problem1.network, problem1.data
    expected = {}
    for i in range(network.num_configurations):
        correct = network.correct_bits_for(i, data.X, data.y)
        expected[i | sum(int(bit) << (8 + t) for t, bit in enumerate(correct))] = 1 / 256
    observed = {k: v for k, v in probabilities.items() if v > 1e-9}
    assert observed.keys() == expected.keys()
    assert np.allclose([observed[k] for k in expected], list(expected.values()), atol=1e-9)


def test_estimated_success_is_one_minus_the_reported_error_of_a_single_gate():
    circuit = QuantumCircuit(1)
    circuit.x(0)
    compiled = compile_for_device(circuit, "fake_manila", seed=3)
    assert compiled.gates == {"x": 1} and compiled.two_qubit_gates == 0
    qubit = compiled.physical_input(0)
    error = load_device("fake_manila").target["x"][(qubit,)].error
    assert 0 < error < 0.01
    assert compiled.estimated_success == pytest.approx(1 - error, rel=1e-12)


def test_two_qubit_gates_are_counted_and_multiply_the_success():
    circuit = QuantumCircuit(2)
    circuit.h(0)
    circuit.cx(0, 1)
    compiled = compile_for_device(circuit, "fake_manila", seed=3)
    target = load_device("fake_manila").target
    two_qubit_names = [name for name in compiled.gates if target.operation_from_name(name).num_qubits == 2]
    assert compiled.two_qubit_gates == sum(compiled.gates[name] for name in two_qubit_names) == 1
    low = compiled.circuit
    product = 1.0
    for ins in low.data:
        qargs = tuple(low.find_bit(q).index for q in ins.qubits)
        product *= 1 - (target[ins.operation.name][qargs].error or 0.0)
    pair = next(ins for ins in low.data if len(ins.qubits) == 2)
    assert target[pair.operation.name][tuple(low.find_bit(q).index for q in pair.qubits)].error > 0
    assert compiled.estimated_success == pytest.approx(product, rel=1e-12) and compiled.estimated_success < 1
    assert compiled.log10_estimated_success == pytest.approx(np.log10(product), rel=1e-12)


def test_a_circuit_larger_than_the_device_is_refused_in_one_line():
    with pytest.raises(ResourceLimitError, match="needs 6 qubits but device='fake_manila' has 5") as info:
        compile_for_device(QuantumCircuit(6), "fake_manila")
    assert info.value.render({}).count("\n") == 0 and "--device fake_manila has 5" in info.value.render({})


def test_device_names_are_the_backends_own_and_unknown_names_list_them():
    names = known_devices()
    assert {"fake_sherbrooke", "fake_torino", "fake_manila"} <= set(names) and len(names) > 40
    torino = load_device("fake_torino")
    assert torino.name == "fake_torino" and torino.num_qubits == 133
    assert load_device("fake_sherbrooke").num_qubits == 127
    with pytest.raises(DeviceError, match="fake_sherbroke.*known: .*fake_sherbrooke.*fake_torino"):
        load_device("fake_sherbroke")


def test_success_by_hand_on_a_made_up_target_including_a_dead_qubit():
    from types import SimpleNamespace

    from qiskit.circuit.library import CXGate, XGate
    from qiskit.transpiler import InstructionProperties, Target

    from qbnn.hardware.device import estimated_success, log10_estimated_success

    target = Target(num_qubits=2)
    target.add_instruction(XGate(), {(0,): InstructionProperties(error=0.5), (1,): InstructionProperties(error=1.0)})
    target.add_instruction(CXGate(), {(0, 1): InstructionProperties(error=0.1)})
    backend = SimpleNamespace(target=target)
    circuit = QuantumCircuit(2)
    circuit.x(0)
    circuit.x(0)
    circuit.cx(0, 1)
    assert estimated_success(circuit, backend) == pytest.approx(0.5 * 0.5 * 0.9)
    circuit.x(1)
    assert log10_estimated_success(circuit, backend) == float("-inf") and estimated_success(circuit, backend) == 0.0


def test_a_conditional_U_transpiled_still_classifies_its_free_configurations():
    """--free/--values on --device: the folded U (fixed parameters as constants) survives transpiling too."""
    from qiskit_aer import AerSimulator

    problem = TrainingProblem.paper(1, free=(6, 7), values=(1, -1, 1, 1, 1, -1, 1, 1))
    qbnn = problem.qbnn
    compiled = compile_for_device(qbnn.circuit, "fake_guadalupe", seed=3, label="U")
    assert compiled.qubits == qbnn.circuit.num_qubits < 16 and compiled.two_qubit_gates > 0
    small, wire = active_subcircuit(compiled.circuit)
    watched = [wire[compiled.physical_output(q)] for q in qbnn.parameter_qubits + qbnn.accuracy_qubits]
    small.save_probabilities_dict(watched)
    probabilities = AerSimulator(max_parallel_threads=1).run(small, shots=1).result().data()["probabilities"]

    network, data = problem.network, problem.data
    expected = {}
    for i in range(4):
        weights, connections = network.split_parameters(problem.condition.vector(i))
        correct = network.forward(data.X, weights, connections) == data.y
        expected[i | sum(int(bit) << (2 + t) for t, bit in enumerate(correct))] = 1 / 4
    observed = {k: v for k, v in probabilities.items() if v > 1e-9}
    assert observed.keys() == expected.keys()
    assert np.allclose([observed[k] for k in expected], list(expected.values()), atol=1e-9)
