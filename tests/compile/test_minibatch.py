"""Minibatch iterates: exact parameter amplitudes equal a classical Grover recursion."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from qiskit.quantum_info import Statevector

from qbnn.compile.minibatch import compile_minibatch, split_batches
from qbnn.model.data import Dataset
from qbnn.errors import DataError
from qbnn.model.network import Network
from qbnn.testing import classical_minibatch_probabilities


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), batch_size=st.integers(1, 4), layers=st.sampled_from([(3, 1), (2, 1), (2, 2, 1)]))
def test_circuit_matches_classical_recursion(seed, batch_size, layers):
    rng = np.random.default_rng(seed)
    network = Network(layers)
    data = Dataset(rng.choice([-1, 1], size=(4, layers[0])), rng.choice([-1, 1], size=4))
    circuits = compile_minibatch(network, data, batch_size)
    expected = classical_minibatch_probabilities(network, data, batch_size, steps=3)
    state = Statevector(circuits.preparation)
    for step in range(4):
        probs = state.probabilities(circuits.parameter_qubits)
        np.testing.assert_allclose(probs, expected[step], atol=1e-10)
        state = state.evolve(circuits.iterate_for_step(step))


def test_batches_save_accuracy_qubits():
    rng = np.random.default_rng(0)
    data = Dataset(rng.choice([-1, 1], size=(6, 3)), rng.choice([-1, 1], size=6))
    full = compile_minibatch(Network((3, 1)), data, 6)
    half = compile_minibatch(Network((3, 1)), data, 2)
    assert full.num_qubits - half.num_qubits == 4
    assert len(half.iterates) == 3 and half.iterate_for_step(4) is half.iterates[1]


def test_bad_batch_size():
    with pytest.raises(DataError, match="^batch_size=9 must be between 1 and the 8 training points") as info:
        split_batches(8, 9)
    assert info.value.render({}).startswith("--batch-size 9 must be between 1")
