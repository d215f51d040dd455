"""CX count of one (multi-)controlled gate after transpiling to CX + U, cached per kind of gate.

Used by the resource counts (:mod:`qbnn.hardware.resources`) and the adder costs (:mod:`qbnn.compile.adders`);
it lives in ``compile/`` so that both import downwards.
"""

from __future__ import annotations

from functools import lru_cache

from qiskit import QuantumCircuit, transpile

__all__ = ["TRANSPILE_BASIS", "cx_of_gate"]

TRANSPILE_BASIS = ("cx", "u")


@lru_cache(maxsize=None)
def cx_of_gate(name: str, num_ctrl: int, ctrl_state: int) -> int:
    """CX count of one (multi-)controlled gate after transpiling to CX + U (cached per kind)."""
    from qiskit.circuit.library import MCXGate, XGate

    if num_ctrl == 0:
        return 0
    gate = MCXGate(num_ctrl, ctrl_state=ctrl_state) if name == "x" else None
    if gate is None:
        raise ValueError(f"unexpected gate {name} in an activation circuit")
    circuit = QuantumCircuit(num_ctrl + 1)
    circuit.append(gate if num_ctrl > 0 else XGate(), range(num_ctrl + 1))
    low = transpile(circuit, basis_gates=list(TRANSPILE_BASIS), optimization_level=0)
    return int(low.count_ops().get("cx", 0))
