"""Exhaustive basis-state checks of reversible circuits, for our tests and for users' circuits.

A plain, independent reference: the classical action of X-type gates on many
basis states at once (a boolean matrix of states x qubits). It knows nothing
of the structured engine, so the two can check each other (in the manner of
Qualtran's ``classical_sim``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit import ControlledGate

from qbnn.compile.qbnn import QBNNCircuit

__all__ = [
    "classical_action",
    "assert_circuit_matches_network",
    "assert_ancillas_clean",
    "accuracy_bits_from_circuit",
]

_PHASE_ONLY = {"z", "cz", "ccz", "barrier", "global_phase", "id"}


def classical_action(circuit: QuantumCircuit, states: np.ndarray) -> np.ndarray:
    """Apply ``circuit``'s X-type gates to each row of ``states`` (bool, states x qubits).

    Z-type gates only change signs and are skipped; anything that is not a
    basis-state permutation (H, rotations) raises ``ValueError``.
    """
    states = np.array(states, dtype=bool, copy=True)
    if states.ndim != 2 or states.shape[1] != circuit.num_qubits:
        raise ValueError(f"states must be (count, {circuit.num_qubits}) booleans")
    for position, instruction in enumerate(circuit.data):
        op = instruction.operation
        qubits = [circuit.find_bit(q).index for q in instruction.qubits]
        if op.name in _PHASE_ONLY or (isinstance(op, ControlledGate) and op.base_gate.name == "z"):
            continue
        if op.name == "x":
            states[:, qubits[0]] ^= True
            continue
        if isinstance(op, ControlledGate) and op.base_gate.name == "x":
            n = op.num_ctrl_qubits
            fire = np.ones(states.shape[0], dtype=bool)
            for j in range(n):
                want = bool((op.ctrl_state >> j) & 1)
                fire &= states[:, qubits[j]] == want
            states[:, qubits[n]] ^= fire
            continue
        raise ValueError(f"gate {op.name!r} at position {position} is not a classical permutation")
    return states


def _strip_superposition(qbnn: QBNNCircuit) -> QuantumCircuit:
    """U without its H layer on the parameter qubits (the classical part of the circuit)."""
    body = qbnn.circuit.copy_empty_like()
    for instruction in qbnn.circuit.data:
        if instruction.operation.name != "h":
            body.append(instruction)
    return body


def accuracy_bits_from_circuit(qbnn: QBNNCircuit, configurations: Sequence[int] | np.ndarray) -> np.ndarray:
    """Run U's classical body on the basis state of each configuration; returns (final states, acc bits)."""
    configs = np.asarray(configurations, dtype=np.int64)
    params = qbnn.parameter_qubits
    states = np.zeros((len(configs), qbnn.num_qubits), dtype=bool)
    for j, qubit in enumerate(params):
        states[:, qubit] = (configs >> j) & 1
    final = classical_action(_strip_superposition(qbnn), states)
    return final


def assert_ancillas_clean(qbnn: QBNNCircuit, final_states: np.ndarray) -> None:
    """Every work qubit (inputs, hidden activity, ancillas) is back to |0>."""
    work = qbnn.work_qubits
    dirty = final_states[:, work].any(axis=1)
    if dirty.any():
        row = int(np.flatnonzero(dirty)[0])
        qubits = [work[i] for i in np.flatnonzero(final_states[row, work])]
        raise AssertionError(f"work qubits {qubits} are not returned to |0> for basis input #{row}")


def assert_circuit_matches_network(qbnn: QBNNCircuit, configurations: Sequence[int] | np.ndarray | None = None) -> None:
    """For every configuration (default: all 2^p), the circuit's accuracy bits equal the forward pass.

    Also checks that the parameter qubits are unchanged and every work qubit is clean.
    """
    network, data, condition = qbnn.network, qbnn.data, qbnn.condition
    if configurations is None:
        configurations = np.arange(1 << len(qbnn.parameter_qubits))
    configs = np.asarray(configurations, dtype=np.int64)
    final = accuracy_bits_from_circuit(qbnn, configs)
    for j, qubit in enumerate(qbnn.parameter_qubits):
        if not np.array_equal(final[:, qubit], ((configs >> j) & 1).astype(bool)):
            raise AssertionError(f"parameter qubit {qubit} is changed by the circuit")
    assert_ancillas_clean(qbnn, final)
    acc = final[:, qbnn.accuracy_qubits]
    if condition is None:  # point by point over every configuration at once (checked against forward in tests)
        fits = np.stack(
            [network.batch_correct_counts(configs, data.X[t : t + 1], data.y[t : t + 1]) == 1 for t in range(data.num_points)],
            axis=1,
        )
        suspects = np.flatnonzero((fits != acc).any(axis=1))
    else:
        suspects = range(len(configs))
    for row in suspects:
        config = configs[row]
        if condition is None:
            expected = network.correct_bits_for(int(config), data.X, data.y)
        else:  # a conditional circuit: the free parameters are the qubits, the rest come from the condition
            expected = network.forward(data.X, *network.split_parameters(condition.vector(int(config)))) == data.y
        if not np.array_equal(acc[row], expected):
            raise AssertionError(
                f"configuration {int(config)}: circuit accuracy bits {acc[row].astype(int).tolist()} "
                f"differ from the forward pass {expected.astype(int).tolist()}"
            )
