"""The reversible counter, the constant comparator and the counter sign activation, exhaustively."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from qiskit import QuantumCircuit, QuantumRegister
from qiskit.quantum_info import Operator

from qbnn.compile.counter import (
    add_count,
    at_least_cubes,
    counter_activation,
    counter_activation_ancillas,
    counter_bits,
    mark_at_least,
    phase_at_least,
)
from qbnn.compile.neurons import paper_activation, paper_activation_ancillas
from qbnn.testing import classical_action


def all_patterns(n: int) -> np.ndarray:
    return np.array(list(itertools.product((0, 1), repeat=n)), dtype=bool)[:, ::-1]  # column j = bit j


def value_of(bits: np.ndarray) -> np.ndarray:
    return (bits.astype(np.int64) << np.arange(bits.shape[1])).sum(axis=1)


@given(st.integers(0, 40), st.integers(1, 6))
def test_cubes_are_disjoint_and_cover_exactly_the_values_at_least_t(threshold, bits):
    cubes = at_least_cubes(threshold, bits)
    hits = np.zeros(1 << bits, dtype=int)
    for v in range(1 << bits):
        hits[v] = sum(all((v >> i) & 1 == b for i, b in cube.items()) for cube in cubes)
    assert np.array_equal(hits, (np.arange(1 << bits) >= threshold).astype(int))  # each value in at most one cube


@pytest.mark.parametrize("n", range(1, 8))
@pytest.mark.parametrize("gated", [False, True])
def test_add_count_counts_and_subtract_undoes_it(n, gated):
    inputs = QuantumRegister(n, "in")
    gates = QuantumRegister(n, "g") if gated else None
    bits = counter_bits(n)
    cnt = QuantumRegister(bits, "cnt")
    circuit = QuantumCircuit(inputs, *([gates] if gated else []), cnt)
    add_count(circuit, list(inputs), list(cnt), list(gates) if gated else None)
    width = 2 * n if gated else n
    patterns = all_patterns(width)
    states = np.zeros((len(patterns), circuit.num_qubits), dtype=bool)
    states[:, :width] = patterns
    final = classical_action(circuit, states)
    counted = patterns[:, :n] & (patterns[:, n:] if gated else True)
    assert np.array_equal(value_of(final[:, width:]), counted.sum(axis=1))
    undo = circuit.copy_empty_like()
    add_count(undo, list(inputs), list(cnt), list(gates) if gated else None, subtract=True)
    assert not classical_action(undo, final)[:, width:].any()
    assert len(circuit.data) == n * bits  # O(N log N): b controlled-X per input


@pytest.mark.parametrize("bits", [1, 2, 3, 4])
def test_mark_at_least_on_every_value_and_threshold(bits):
    for threshold in range((1 << bits) + 1):
        reg = QuantumRegister(bits, "v")
        out = QuantumRegister(1, "out")
        circuit = QuantumCircuit(reg, out)
        mark_at_least(circuit, list(reg), threshold, out[0])
        states = np.zeros((1 << bits, bits + 1), dtype=bool)
        states[:, :bits] = all_patterns(bits)
        final = classical_action(circuit, states)
        assert np.array_equal(final[:, bits], value_of(states[:, :bits]) >= threshold)


@pytest.mark.parametrize("bits", [1, 2, 3])
def test_phase_at_least_is_the_diagonal_sign(bits):
    for threshold in range((1 << bits) + 1):
        reg = QuantumRegister(bits, "v")
        circuit = QuantumCircuit(reg)
        phase_at_least(circuit, list(reg), threshold)
        expected = np.where(np.arange(1 << bits) >= threshold, -1.0, 1.0)
        np.testing.assert_allclose(Operator(circuit).data, np.diag(expected), atol=1e-12)


def neuron(n: int, gated: bool, activation, ancillas_for):
    inputs = QuantumRegister(n, "in")
    gates = QuantumRegister(n, "g") if gated else None
    target = QuantumRegister(1, "out")
    m = ancillas_for(n, gated)
    anc = QuantumRegister(m, "anc") if m else None
    circuit = QuantumCircuit(inputs, *([gates] if gated else []), target, *([anc] if anc else []))
    activation(circuit, list(inputs), target[0], list(anc) if anc else [], list(gates) if gated else None)
    return circuit


@pytest.mark.parametrize("n", range(1, 9))
@pytest.mark.parametrize("gated", [False, True])
def test_counter_activation_is_sign_on_all_inputs_with_clean_ancillas(n, gated):
    circuit = neuron(n, gated, counter_activation, counter_activation_ancillas)
    width = 2 * n if gated else n
    for target_start in (0, 1):
        patterns = all_patterns(width)
        states = np.zeros((len(patterns), circuit.num_qubits), dtype=bool)
        states[:, :width] = patterns
        states[:, width] = bool(target_start)
        final = classical_action(circuit, states)
        plus = (patterns[:, :n] & (patterns[:, n:] if gated else True)).sum(axis=1)
        assert np.array_equal(final[:, width], (plus >= n - plus) ^ bool(target_start))
        assert np.array_equal(final[:, :width], patterns)
        assert not final[:, width + 1 :].any()


@pytest.mark.parametrize("n", range(1, 9))
def test_counter_and_paper_activation_agree(n):
    a = neuron(n, False, counter_activation, counter_activation_ancillas)
    b = neuron(n, False, paper_activation, paper_activation_ancillas)
    patterns = all_patterns(n)
    for circuit in (a, b):
        states = np.zeros((len(patterns), circuit.num_qubits), dtype=bool)
        states[:, :n] = patterns
        circuit.metadata = {"out": classical_action(circuit, states)[:, n]}
    assert np.array_equal(a.metadata["out"], b.metadata["out"])


def test_counter_is_smaller_than_the_binomial_for_large_n():
    for n in (9, 11, 15):
        counter = neuron(n, False, counter_activation, counter_activation_ancillas)
        assert counter.num_qubits - n - 1 == counter_bits(n) < paper_activation_ancillas(n)
        assert counter.size() < 2 * n * counter_bits(n) + counter_bits(n) + 2


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the circuit forms; the gate forms need extra clean ancillas
@pytest.mark.parametrize("n", [4, 8, 12])
def test_counter_and_comparator_are_smaller_than_qiskits_weighted_adder_and_integer_comparator(n):
    """The issue allows Qiskit's WeightedAdder + IntegerComparator or our own counter, whichever is smaller."""
    from qiskit import transpile
    from qiskit.circuit.library import IntegerComparator, WeightedAdder

    threshold = n // 2 + 1
    adder = WeightedAdder(n)
    comparator = IntegerComparator(adder.num_sum_qubits, threshold)
    theirs_qubits = adder.num_qubits + comparator.num_qubits - adder.num_sum_qubits
    theirs_cx = sum(
        transpile(c, basis_gates=["cx", "u"], optimization_level=0).count_ops().get("cx", 0) for c in (adder, comparator)
    )
    inputs, register, out = QuantumRegister(n, "in"), QuantumRegister(counter_bits(n), "cnt"), QuantumRegister(1, "out")
    ours = QuantumCircuit(inputs, register, out)
    add_count(ours, list(inputs), list(register))
    mark_at_least(ours, list(register), threshold, out[0])
    ours_cx = transpile(ours, basis_gates=["cx", "u"], optimization_level=0).count_ops().get("cx", 0)
    assert ours.num_qubits < theirs_qubits
    assert ours_cx < theirs_cx
