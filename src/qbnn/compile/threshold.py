"""Threshold and exclusion oracles: mark configurations with accuracy >= tau that are not excluded.

The paper's S_chi marks only 100%-accurate configurations (a multi-controlled
Z on the accuracy qubits). Here S_chi counts the accuracy qubits into a
binary register ``cnt`` (:mod:`qbnn.compile.counter`), flips the sign where
the count is >= tau, and uncounts, so ``cnt`` is clean again. Excluded
configurations (paper section 6: deselect an overfit found earlier) get a
second sign flip where they would be marked, which cancels their mark. With
tau = all points and nothing excluded the oracle marks exactly the paper's
states.
"""

from __future__ import annotations

from collections.abc import Sequence

from qiskit import QuantumCircuit, QuantumRegister

from qbnn.compile.counter import add_count, counter_bits, phase_at_least
from qbnn.compile.qbnn import QBNNCircuit
from qbnn.errors import DataError

__all__ = ["with_threshold_workspace", "marking_oracle", "COUNT_REGISTER"]

COUNT_REGISTER = "cnt"


def with_threshold_workspace(qbnn: QBNNCircuit, min_correct: int) -> QBNNCircuit:
    """U with a clean count register ``cnt`` appended (after every other qubit) for the threshold oracle.

    Not needed when the target is every point: then the oracle reads the accuracy qubits directly.
    """
    points = qbnn.data.num_points
    if not 0 <= min_correct <= points:
        raise DataError(
            f"{{min_correct}} is outside 0..{points} (the number of training points)", min_correct=min_correct
        )
    if min_correct == points or any(r.name == COUNT_REGISTER for r in qbnn.circuit.qregs):
        return qbnn
    circuit = qbnn.circuit.copy()  # a new register adds its qubits after every existing one
    circuit.add_register(QuantumRegister(counter_bits(points), COUNT_REGISTER))
    return QBNNCircuit(qbnn.network, qbnn.data, circuit, qbnn.activation, qbnn.condition)


def _count_register(qbnn: QBNNCircuit) -> list[int]:
    return qbnn.register_qubits(COUNT_REGISTER)


def _bits_of(index: int, width: int) -> list[int]:
    return [(index >> j) & 1 for j in range(width)]


def marking_oracle(qbnn: QBNNCircuit, *, min_correct: int, exclude: Sequence[int] = ()) -> QuantumCircuit:
    """S_chi: -1 on states whose accuracy count is >= ``min_correct`` and whose parameters are not excluded."""
    points = qbnn.data.num_points
    params = qbnn.parameter_qubits
    acc = qbnn.accuracy_qubits
    oracle = qbnn.circuit.copy_empty_like(name="S_chi")
    configurations = 1 << len(params)
    for e in exclude:
        if not 0 <= int(e) < configurations:
            raise DataError(f"{{exclude}} is not a configuration index; use 0..{configurations - 1}", exclude=e)

    def mark(extra: Sequence[int] = (), extra_values: Sequence[int] | None = None) -> None:
        if min_correct == points:  # all accuracy qubits |1>: no counting needed
            phase_at_least(oracle, [], 0, [*acc, *extra], [1] * len(acc) + list(extra_values or []))
        else:
            phase_at_least(oracle, cnt, min_correct, extra, extra_values)

    cnt: list[int] = []
    if min_correct < points:
        cnt = _count_register(qbnn)
        if len(cnt) != counter_bits(points):
            raise ValueError("the QBNN has no count register; build it with with_threshold_workspace()")
        add_count(oracle, acc, cnt)
    mark()
    for e in sorted({int(e) for e in exclude}):
        mark(params, _bits_of(e, len(params)))  # a second flip cancels the mark of an excluded configuration
    if min_correct < points:
        add_count(oracle, acc, cnt, subtract=True)
    return oracle
