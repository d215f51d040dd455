"""What b-bit inputs cost: qubits, gates and CX of U against b, for both activations and both adders.

The cost of the adder-based first layer depends on the feature values (their
set bits and the register width), so each row builds U on the given points
at full scale: every feature ±(2^b - 1) with the data's signs, the values
with the most set bits and the widest sum register (the worst case of each
point). b = 1 is the paper's circuit on the data as given. CX are counted per
gate kind after transpiling to CX + U (as :func:`qbnn.hardware.resources.activation_cost`),
so even large circuits are counted in a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit import ControlledGate

from qbnn.compile.qbnn import compile_qbnn
from qbnn.model.data import Dataset
from qbnn.model.input_levels import check_input_bits
from qbnn.model.network import Network

__all__ = ["InputBitsCost", "full_scale", "input_bits_costs", "cx_count"]


@dataclass(frozen=True)
class InputBitsCost:
    """U of ``network`` at ``input_bits`` with ``activation`` (later layers) and ``adder`` (first layer, b > 1)."""

    input_bits: int
    activation: str
    adder: str | None  # None for b = 1: no adders, the paper's input register
    qubits: int
    gates: int
    cx: int

    def to_json(self) -> dict:
        return asdict(self)


def cx_count(circuit: QuantumCircuit) -> int:
    """CX of ``circuit`` after transpiling each (multi-)controlled X to CX + U (cached per gate kind)."""
    from qbnn.compile.cx_cost import cx_of_gate

    total = 0
    for instruction in circuit.data:
        op = instruction.operation
        if isinstance(op, ControlledGate):
            total += cx_of_gate(op.base_gate.name, op.num_ctrl_qubits, op.ctrl_state)
    return total


def full_scale(data: Dataset, input_bits: int) -> Dataset:
    """``data`` with every feature at ±(2^b - 1), keeping its signs: the costliest b-bit values."""
    b = check_input_bits(input_bits)
    X = np.where(data.X > 0, 1, -1) * ((1 << b) - 1)
    return Dataset(X, data.y, f"{data.name} at ±{(1 << b) - 1}", data.feature_names, b)


def input_bits_costs(
    network: Network,
    data: Dataset,
    input_bits: Sequence[int],
    activations: Sequence[str] = ("paper", "counter"),
    adders: Sequence[str] = ("increment", "ripple"),
) -> list[InputBitsCost]:
    """One row per (b, activation, adder): qubits, gates and CX of U (b = 1 has one row per activation)."""
    rows = []
    for b in input_bits:
        scaled = full_scale(data, b)
        for activation in activations:
            for adder in adders if b > 1 else (None,):
                u = compile_qbnn(network, scaled, activation=activation, adder=adder or "increment").circuit
                rows.append(InputBitsCost(int(b), activation, adder, u.num_qubits, u.size(), cx_count(u)))
    return rows
