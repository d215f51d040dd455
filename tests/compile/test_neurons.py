"""Activation circuits equal sign (sign(0)=+1) on all 2^N inputs, ancillas clean."""

from __future__ import annotations

import itertools
from math import comb

import numpy as np
import pytest
from qiskit import QuantumCircuit, QuantumRegister

from qbnn.compile.neurons import paper_activation, paper_activation_ancillas
from qbnn.testing import classical_action


def neuron_circuit(n: int, gated: bool) -> tuple[QuantumCircuit, list[int], list[int], int, list[int]]:
    inputs = QuantumRegister(n, "in")
    gates = QuantumRegister(n, "gate") if gated else None
    target = QuantumRegister(1, "out")
    num_anc = paper_activation_ancillas(n, gated)
    regs = [inputs, *( [gates] if gated else []), target]
    anc = QuantumRegister(num_anc, "anc") if num_anc else None
    if anc is not None:
        regs.append(anc)
    circuit = QuantumCircuit(*regs)
    paper_activation(circuit, list(inputs), target[0], list(anc) if anc else [], list(gates) if gated else None)
    index = lambda reg: [circuit.find_bit(q).index for q in reg] if reg is not None else []  # noqa: E731
    return circuit, index(inputs), index(gates), index(target)[0], index(anc)


@pytest.mark.parametrize("n", range(1, 7))
@pytest.mark.parametrize("target_start", [0, 1])
def test_activation_is_sign_on_every_input(n, target_start):
    circuit, inputs, _, target, anc = neuron_circuit(n, gated=False)
    patterns = np.array(list(itertools.product((0, 1), repeat=n)), dtype=bool)
    states = np.zeros((len(patterns), circuit.num_qubits), dtype=bool)
    states[:, inputs] = patterns
    states[:, target] = bool(target_start)
    final = classical_action(circuit, states)
    ones = patterns.sum(axis=1)
    sign_plus = ones >= n - ones  # sum of +-1 values >= 0
    assert np.array_equal(final[:, target], sign_plus ^ bool(target_start))
    assert np.array_equal(final[:, inputs], patterns)
    assert not final[:, anc].any()


@pytest.mark.parametrize("n", range(1, 6))
def test_gated_activation_treats_absent_inputs_as_minus_one(n):
    circuit, inputs, gates, target, anc = neuron_circuit(n, gated=True)
    patterns = np.array(list(itertools.product((0, 1), repeat=2 * n)), dtype=bool)
    states = np.zeros((len(patterns), circuit.num_qubits), dtype=bool)
    states[:, inputs] = patterns[:, :n]
    states[:, gates] = patterns[:, n:]
    final = classical_action(circuit, states)
    effective_plus = (patterns[:, :n] & patterns[:, n:]).sum(axis=1)
    assert np.array_equal(final[:, target], effective_plus >= n - effective_plus)
    assert not final[:, anc].any()
    assert np.array_equal(final[:, inputs + gates], patterns)


@pytest.mark.parametrize("n", range(1, 9))
def test_gate_count_scales_as_the_binomial(n):
    circuit, *_ = neuron_circuit(n, gated=False)
    k = (n + 1) // 2
    ands = comb(n, k)
    expected = 1 if ands == 1 else (2 if k == 1 else 2 * ands + 2)
    assert circuit.size() == expected
