"""Controlled constant adders: exact arithmetic on every basis input, clean scratch, MCX-class gates only."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from qiskit import QuantumCircuit
from qiskit.circuit import ControlledGate

from qbnn.compile.adders import ADDERS, add_constant, adder_scratch_qubits, non_adjacent_form
from qbnn.testing import classical_action


def _adder_circuit(adder: str, value: int, width: int, ctrl_value: int, subtract: bool = False) -> QuantumCircuit:
    """Qubit 0 = control, 1..width = register (bit 0 first), then the adder's scratch qubits."""
    n = 1 + width + adder_scratch_qubits(adder, width)
    circuit = QuantumCircuit(n)
    qubits = list(circuit.qubits)
    add_constant(
        circuit, value, qubits[1 : width + 1], [qubits[0]], [ctrl_value],
        subtract=subtract, adder=adder, scratch=qubits[width + 1 :],
    )
    return circuit


def _all_inputs(width: int, num_qubits: int) -> np.ndarray:
    """Every (control, register) basis input with clean scratch: row i holds control = i & 1, register = i >> 1."""
    rows = np.arange(2 << width)
    states = np.zeros((rows.size, num_qubits), dtype=bool)
    for q in range(width + 1):
        states[:, q] = (rows >> q) & 1
    return states


@settings(max_examples=40, deadline=None)
@given(
    adder=st.sampled_from(ADDERS),
    width=st.integers(1, 6),
    value=st.integers(0, 200),
    ctrl_value=st.integers(0, 1),
)
def test_adds_the_constant_modulo_2_to_the_width_on_every_basis_input(adder, width, value, ctrl_value):
    circuit = _adder_circuit(adder, value, width, ctrl_value)
    for instruction in circuit.data:  # X, CX, MCX only: the structured engine's class
        op = instruction.operation
        assert op.name == "x" or (isinstance(op, ControlledGate) and op.base_gate.name == "x"), op.name
    states = _all_inputs(width, circuit.num_qubits)
    out = classical_action(circuit, states)
    control = states[:, 0]
    register = sum(states[:, 1 + q].astype(np.int64) << q for q in range(width))
    expected = np.where(control == bool(ctrl_value), (register + value) % (1 << width), register)
    got = sum(out[:, 1 + q].astype(np.int64) << q for q in range(width))
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(out[:, 0], control)  # the control is untouched
    assert not out[:, 1 + width :].any(), "scratch qubits are not returned to |0>"
    undone = classical_action(_adder_circuit(adder, value, width, ctrl_value, subtract=True), out)
    np.testing.assert_array_equal(undone, states)


@given(st.integers(0, 10_000))
def test_non_adjacent_form_represents_the_value_without_neighbouring_digits(value):
    digits = non_adjacent_form(value)
    assert sum(d << k for k, d in enumerate(digits)) == value
    assert set(digits) <= {-1, 0, 1}
    assert all(not (a and b) for a, b in zip(digits, digits[1:]))


def _max_controls(circuit: QuantumCircuit) -> int:
    return max(getattr(i.operation, "num_ctrl_qubits", 0) for i in circuit.data)


def test_increment_needs_no_work_qubits_and_ripple_keeps_controls_at_two():
    inc, rip = _adder_circuit("increment", 7, 6, 1), _adder_circuit("ripple", 7, 6, 1)
    assert inc.num_qubits == 1 + 6 and rip.num_qubits == 1 + 6 + 7
    assert _max_controls(rip) == 2 and _max_controls(inc) == 6
    assert inc.size() == 6 + 3  # 7 = 8 - 1: a decrement of bits 0..5 and an increment of bits 3..5
    assert rip.size() == 3 + 36 + 3  # load 3 bits, 6 MAJ and 6 UMA of three gates, unload


def test_unknown_adder_is_refused():
    with pytest.raises(ValueError, match="unknown adder 'qft'"):
        adder_scratch_qubits("qft", 3)
