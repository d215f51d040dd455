"""General single-qubit gates on the structured engine: random circuits against Qiskit's Statevector."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from qiskit import QuantumCircuit
from qiskit.circuit.library import MCPhaseGate, MCXGate, QFTGate, RYGate, UGate
from qiskit.quantum_info import Statevector

from qbnn.simulator.structured import StructuredSimulator

ANGLES = st.floats(-2 * math.pi, 2 * math.pi, allow_nan=False)


@st.composite
def mixed_circuits(draw):
    """<= 6 qubits: X/MCX/SWAP, H, rotations, phases, controlled rotations, sometimes an (inverse) QFT."""
    n = draw(st.integers(1, 6))
    qc = QuantumCircuit(n)
    qc.global_phase = draw(ANGLES)
    for _ in range(draw(st.integers(1, 18))):
        qubits = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=min(n, 3), unique=True))
        kind = draw(st.sampled_from(["x", "mcx", "swap", "h", "ry", "rz", "p", "u", "cry", "cp", "ch", "mcp", "mcry"]))
        theta = draw(ANGLES)
        *controls, target = qubits
        if kind == "x" or (not controls and kind in ("mcx", "swap")):
            qc.x(target)
        elif kind == "mcx":
            qc.append(MCXGate(len(controls), ctrl_state=draw(st.integers(0, (1 << len(controls)) - 1))), qubits)
        elif kind == "swap":
            qc.swap(controls[0], target)
        elif kind == "h" or (not controls and kind == "ch"):
            qc.h(target)
        elif kind in ("ry", "cry", "mcry") and not controls:
            qc.ry(theta, target)
        elif kind == "rz":
            qc.rz(theta, target)
        elif kind == "p" or (not controls and kind in ("cp", "mcp")):
            qc.p(theta, target)
        elif kind == "u":
            qc.append(UGate(theta, draw(ANGLES), draw(ANGLES)), [target])
        elif kind == "cry":
            qc.cry(theta, controls[0], target)
        elif kind == "cp":
            qc.cp(theta, controls[0], target)
        elif kind == "ch":
            qc.ch(controls[0], target)
        elif kind == "mcp":
            qc.append(MCPhaseGate(theta, len(controls)), qubits)
        else:
            state = draw(st.integers(0, (1 << len(controls)) - 1))
            qc.append(RYGate(theta).control(len(controls), ctrl_state=state, annotated=True), qubits)
    if n >= 2 and draw(st.booleans()):
        qft = QFTGate(n)
        qc.append(qft.inverse() if draw(st.booleans()) else qft, list(range(n)))
    return qc


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mixed_circuits())
def test_random_mixed_circuits_equal_statevector(circuit):
    state = StructuredSimulator().run(circuit)
    expected = Statevector(circuit)
    np.testing.assert_allclose(state.statevector(), expected.data, atol=1e-10)
    np.testing.assert_allclose(state.probabilities(), expected.probabilities(), atol=1e-10)


def test_a_real_circuit_keeps_real_amplitudes_and_a_complex_one_switches_once():
    qc = QuantumCircuit(3)
    qc.h(0)
    qc.ry(0.4, 1)
    qc.cry(0.3, 1, 2)
    qc.ch(0, 2)
    qc.cx(2, 0)
    state = StructuredSimulator().run(qc)
    assert state.amplitudes.dtype == np.float64
    qc.cp(0.2, 0, 1)
    qc.h(1)
    state = StructuredSimulator().run(qc)
    assert state.amplitudes.dtype == np.complex128
    np.testing.assert_allclose(state.statevector(), Statevector(qc).data, atol=1e-12)


def test_a_gate_on_a_free_index_bit_does_not_grow_the_index():
    qc = QuantumCircuit(4)
    qc.h([0, 1])
    qc.ccx(0, 1, 2)
    qc.ry(0.7, 0)  # qubit 0 is an index bit, but qubit 2 depends on it: relabelled, then it grows
    qc.rz(0.3, 2)
    state = StructuredSimulator().run(qc)
    np.testing.assert_allclose(state.statevector(), Statevector(qc).data, atol=1e-12)
    free = QuantumCircuit(3)
    free.h([0, 1])
    free.cx(0, 2)
    free.cry(0.5, 2, 1)  # qubit 1 is a free index bit: a butterfly where qubit 2 is 1
    free.ry(0.2, 1)
    state = StructuredSimulator().run(free)
    assert state.num_index_bits == 2
    np.testing.assert_allclose(state.statevector(), Statevector(free).data, atol=1e-12)


def test_the_index_never_outgrows_the_qubits():
    """Gates on entangled qubits grow the index; past n bits the state is rewritten densely (same state)."""
    qc = QuantumCircuit(3)
    qc.h(0)
    for _ in range(4):
        qc.cx(0, 1)
        qc.cx(1, 2)
        qc.h(1)
        qc.ry(0.3, 2)
        qc.cx(2, 0)
        qc.h(0)
    state = StructuredSimulator().run(qc)
    assert state.num_index_bits <= 3
    np.testing.assert_allclose(state.statevector(), Statevector(qc).data, atol=1e-12)
