"""Every row of the gate table equals Qiskit's matrix on every basis state."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit.library import CCXGate, CXGate, GlobalPhaseGate, MCXGate, SwapGate, ZGate
from qiskit.quantum_info import Operator

from qbnn.engines.gate_table import PHASE, lower_circuit
from qbnn.engines.structured import StructuredSimulator
from qbnn.errors import UnsupportedGateError

GATES = [
    ("x", lambda qc: qc.x(0), 1),
    ("z", lambda qc: qc.z(0), 1),
    ("cx", lambda qc: qc.cx(0, 1), 2),
    ("cx_o0", lambda qc: qc.append(CXGate(ctrl_state=0), [0, 1]), 2),
    ("cz", lambda qc: qc.cz(0, 1), 2),
    ("swap", lambda qc: qc.append(SwapGate(), [0, 1]), 2),
    ("ccx", lambda qc: qc.ccx(0, 1, 2), 3),
    ("ccx_o1", lambda qc: qc.append(CCXGate(ctrl_state=1), [0, 1, 2]), 3),
    ("ccz", lambda qc: qc.ccz(0, 1, 2), 3),
    ("mcx3", lambda qc: qc.append(MCXGate(3), [0, 1, 2, 3]), 4),
    ("mcx3_o5", lambda qc: qc.append(MCXGate(3, ctrl_state=5), [0, 1, 2, 3]), 4),
    ("mcx4_o0", lambda qc: qc.append(MCXGate(4, ctrl_state=0), [0, 1, 2, 3, 4]), 5),
    ("mcz3", lambda qc: qc.append(ZGate().control(3, annotated=False), [0, 1, 2, 3]), 4),
    ("mcz3_o2", lambda qc: qc.append(ZGate().control(3, ctrl_state=2, annotated=False), [0, 1, 2, 3]), 4),
    ("h_mcx_h", lambda qc: (qc.h(2), qc.ccx(0, 1, 2), qc.h(2)), 3),
    ("global_phase", lambda qc: (qc.append(GlobalPhaseGate(0.7), []), qc.x(0), qc.barrier()), 1),
]


@pytest.mark.parametrize(("name", "build", "n"), GATES, ids=[g[0] for g in GATES])
def test_gate_matches_operator_on_every_basis_state(name, build, n):
    gate = QuantumCircuit(n)
    build(gate)
    matrix = Operator(gate).data
    sim = StructuredSimulator()
    for bits in itertools.product((0, 1), repeat=n):
        circuit = QuantumCircuit(n)
        for q, b in enumerate(bits):
            if b:
                circuit.x(q)
        circuit.compose(gate, inplace=True)
        start = sum(b << q for q, b in enumerate(bits))
        np.testing.assert_allclose(sim.run(circuit).statevector(), matrix[:, start], atol=1e-12)


def test_h_mcx_h_is_lowered_to_a_phase():
    qc = QuantumCircuit(3)
    qc.h(2)
    qc.ccx(0, 1, 2)
    qc.h(2)
    ops = lower_circuit(qc).ops
    assert [op.kind for op in ops] == [PHASE]


def test_composite_gates_are_unrolled():
    inner = QuantumCircuit(2, name="inner")
    inner.cx(0, 1)
    inner.z(1)
    qc = QuantumCircuit(3)
    qc.h(0)
    qc.append(inner.to_gate(), [0, 2])
    state = StructuredSimulator().run(qc)
    from qiskit.quantum_info import Statevector

    np.testing.assert_allclose(state.statevector(), Statevector(qc).data, atol=1e-12)


@pytest.mark.parametrize(
    ("build", "name", "position"),
    [
        (lambda qc: (qc.h(0), qc.ry(0.3, 1)), "ry", 1),
        (lambda qc: (qc.x(0), qc.t(0)), "t", 1),
        (lambda qc: (qc.h(0), qc.h(1), qc.cp(0.5, 0, 1)), "cp", 2),
        (lambda qc: (qc.h(0), qc.barrier(), qc.x(1), qc.rz(0.1, 0)), "rz", 3),  # positions count barriers too
    ],
)
def test_unsupported_gates_are_refused_with_name_and_position(build, name, position):
    qc = QuantumCircuit(2)
    build(qc)
    with pytest.raises(UnsupportedGateError, match=rf"gate '{name}' at instruction {position} .*use --engine aer"):
        StructuredSimulator().run(qc)


def test_a_gate_inside_a_composite_is_refused_at_the_composite_position():
    inner = QuantumCircuit(2, name="inner")
    inner.cx(0, 1)
    inner.ry(0.2, 1)
    qc = QuantumCircuit(3)
    qc.h(0)
    qc.ccx(0, 1, 2)
    qc.append(inner.to_gate(), [0, 2])
    with pytest.raises(UnsupportedGateError, match=r"^gate 'ry' at instruction 2 inside 'inner' on qubits \(2,\) .*--engine aer"):
        StructuredSimulator().run(qc)


def test_hadamard_on_an_entangled_qubit_is_refused():
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.cx(0, 1)
    qc.h(1)
    with pytest.raises(UnsupportedGateError, match=r"gate 'h' at instruction 2 on qubit 1 would break the structure.*--engine aer"):
        StructuredSimulator().run(qc)
