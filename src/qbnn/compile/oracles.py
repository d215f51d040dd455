"""Reflections of amplitude amplification (paper section 4.4, eq. 2).

S_chi flips the sign of the target states: with the paper's 100% target it
is a multi-controlled Z on the accuracy qubits. S_0 flips the sign of the
all-zero state of every qubit: X on all, multi-controlled Z, X on all.
"""

from __future__ import annotations

from collections.abc import Sequence

from qiskit import QuantumCircuit
from qiskit.circuit.library import ZGate

__all__ = ["multi_controlled_z", "accuracy_oracle", "zero_reflection"]


def multi_controlled_z(circuit: QuantumCircuit, qubits: Sequence[int]) -> None:
    """Append Z controlled on all of ``qubits`` but the last (symmetric: -1 iff all are |1>)."""
    qubits = list(qubits)
    if not qubits:
        raise ValueError("a multi-controlled Z needs at least one qubit")
    if len(qubits) == 1:
        circuit.z(qubits[0])
    elif len(qubits) == 2:
        circuit.cz(qubits[0], qubits[1])
    elif len(qubits) == 3:
        circuit.ccz(*qubits)
    else:
        circuit.append(ZGate().control(len(qubits) - 1, annotated=False), qubits)


def accuracy_oracle(template: QuantumCircuit, accuracy_qubits: Sequence[int]) -> QuantumCircuit:
    """S_chi for the 100% target: -1 on states whose accuracy qubits are all |1>."""
    oracle = template.copy_empty_like(name="S_chi")
    multi_controlled_z(oracle, accuracy_qubits)
    return oracle


def zero_reflection(template: QuantumCircuit) -> QuantumCircuit:
    """S_0 on every qubit of ``template``: -1 on |0...0> only."""
    s0 = template.copy_empty_like(name="S_0")
    everything = list(range(template.num_qubits))
    s0.x(everything)
    multi_controlled_z(s0, everything)
    s0.x(everything)
    return s0
