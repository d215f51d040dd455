"""Resources against b: the per-gate CX count equals Qiskit's transpiled count, full-scale data, refusals."""

from __future__ import annotations

import numpy as np
import pytest
from qiskit import transpile

from qbnn.compile import compile_qbnn
from qbnn.model.data import Dataset, paper_problem
from qbnn.hardware.input_bit_costs import cx_count, full_scale, input_bits_costs
from qbnn.model.network import Network
from qbnn.problem import TrainingProblem
from qbnn.hardware.resources import closed_form_profile


@pytest.mark.parametrize(("controls", "state"), [(1, "0"), (2, "10"), (4, "1111"), (5, "01011")])
def test_cx_count_of_one_gate_equals_qiskit_transpiling_it(controls, state):
    from qiskit import QuantumCircuit
    from qiskit.circuit.library import MCXGate

    circuit = QuantumCircuit(controls + 1)
    circuit.append(MCXGate(controls, ctrl_state=state), range(controls + 1))
    low = transpile(circuit, basis_gates=["cx", "u"], optimization_level=0)
    assert cx_count(circuit) == low.count_ops()["cx"]


def test_cx_count_bounds_the_whole_circuit_transpile():
    """Each gate alone (no borrowed qubits): at least what Qiskit gets when idle qubits may serve as ancillas."""
    data = Dataset([[3, -1], [-1, 3]], [1, -1], input_bits=2)
    circuit = compile_qbnn(Network((2, 1)), data, superpose=False).circuit
    low = transpile(circuit, basis_gates=["cx", "u"], optimization_level=0)
    assert cx_count(circuit) >= low.count_ops()["cx"] > 0


def test_full_scale_keeps_signs_at_the_largest_level_and_rows_cover_each_b():
    data = paper_problem(1)
    scaled = full_scale(data, 3)
    assert scaled.input_bits == 3 and np.array_equal(scaled.X, 7 * data.X)
    rows = input_bits_costs(Network((3, 1)), data, [1, 2], activations=("counter",), adders=("increment",))
    assert [(r.input_bits, r.adder) for r in rows] == [(1, None), (2, "increment")]
    assert rows[0].qubits == compile_qbnn(Network((3, 1)), data, activation="counter").num_qubits


def test_closed_form_profile_refuses_b_bit_inputs():
    with pytest.raises(ValueError, match="binary inputs only"):
        closed_form_profile(TrainingProblem(Network((3, 2, 1)), paper_problem(1).with_input_bits(2)))
