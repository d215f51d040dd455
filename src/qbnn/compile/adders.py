"""Controlled addition of a classical constant into a register, from X, CX and MCX gates only.

The multi-bit first layer (:mod:`qbnn.compile.input_layer`) adds each input's
value, a classical constant of the training point, into an accumulator
whenever a weight qubit says so. Two constructions, both exact modulo 2^m on
an m-qubit register (bit 0 first) and both in the structured engine's class:

``increment`` (ancilla-free, the default). Write the constant in non-adjacent
form a = sum_k d_k 2^k, d_k in {-1, 0, +1}, no two neighbours non-zero (at
most ceil((bits+1)/2) non-zero digits: 7 = 8 - 1, 5 = 4 + 1). Each digit is an
increment (or decrement) of the register's bits k..m-1 controlled by the
qubit: a carry chain of m-k multi-controlled X gates, top bit first, each
flipping bit i when the control and bits k..i-1 are all 1 (a decrement is the
same gates in reverse order). No work qubits; the gates have up to m
controls, which costs CX after transpiling.

``ripple`` (Cuccaro-Draper-Kutin-Moulton ripple-carry adder, quant-ph/0410184).
Load the constant into an m-qubit scratch register with one CX per set bit
controlled by the qubit, add the scratch register with the CDKM MAJ/UMA
chain (CX and Toffoli only, one clean carry qubit), and unload. m + 1 more
qubits, about 6m gates per addition, each at most a Toffoli.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from qiskit import QuantumCircuit, QuantumRegister
from qiskit.circuit import Qubit

from qbnn.compile.neurons import controlled_x

__all__ = [
    "ADDERS",
    "non_adjacent_form",
    "add_constant",
    "adder_scratch_qubits",
    "AdderCost",
    "adder_cost",
]

ADDERS = ("increment", "ripple")


def non_adjacent_form(value: int) -> list[int]:
    """Signed digits d_k in {-1, 0, 1}, least significant first, with value = sum d_k 2^k and no two adjacent non-zero.

    >>> non_adjacent_form(7), non_adjacent_form(5)
    ([-1, 0, 0, 1], [1, 0, 1])
    """
    value = int(value)
    if value < 0:
        raise ValueError("non_adjacent_form takes a non-negative value")
    digits = []
    while value:
        if value & 1:
            digit = 2 - (value & 3)  # +1 if value = 1 mod 4, -1 if 3 mod 4
            value -= digit
        else:
            digit = 0
        digits.append(digit)
        value >>= 1
    return digits


def _controlled_step(
    circuit: QuantumCircuit, controls: Sequence[Qubit], ctrl_values: Sequence[int], bits: Sequence[Qubit], up: bool
) -> None:
    """bits += 1 (``up``) or -= 1 modulo 2^len(bits) when every control has its value."""
    order = reversed(range(len(bits))) if up else range(len(bits))
    for i in order:
        values = [*ctrl_values, *([1] * i)]
        state = "".join(str(v) for v in reversed(values))
        controlled_x(circuit, [*controls, *bits[:i]], bits[i], ctrl_state=state)


def adder_scratch_qubits(adder: str, width: int) -> int:
    """Clean work qubits ``adder`` needs beside an m-bit register: 0 for increment, m + 1 for ripple."""
    if adder not in ADDERS:
        raise ValueError(f"unknown adder {adder!r}; choose one of {', '.join(ADDERS)}")
    return 0 if adder == "increment" else width + 1


def _ripple_add(circuit: QuantumCircuit, addend: Sequence[Qubit], register: Sequence[Qubit], carry: Qubit, subtract: bool) -> None:
    """register += addend (mod 2^m) with the CDKM MAJ/UMA chain; ``subtract`` runs it backwards.

    MAJ(c, b, a) = CX(a,b) CX(a,c) CCX(c,b,a); UMA(c, b, a) = CCX(c,b,a) CX(a,c) CX(c,b); every gate is
    self-inverse, so the inverse is the same list reversed.
    """
    gates: list[tuple[Qubit, ...]] = []  # (controls..., target)
    chain = [carry, *addend[:-1]]
    for c, b, a in zip(chain, register, addend):
        gates += [(a, b), (a, c), (c, b, a)]
    for c, b, a in reversed(list(zip(chain, register, addend))):
        gates += [(c, b, a), (a, c), (c, b)]
    for *controls, target in reversed(gates) if subtract else gates:
        controlled_x(circuit, controls, target)


def add_constant(
    circuit: QuantumCircuit,
    value: int,
    register: Sequence[Qubit],
    controls: Sequence[Qubit] = (),
    ctrl_values: Sequence[int] | None = None,
    *,
    subtract: bool = False,
    adder: str = "increment",
    scratch: Sequence[Qubit] = (),
) -> None:
    """register += value (mod 2^m) when every control qubit has its value (default all |1>); ``subtract`` undoes it.

    ``scratch`` (ripple only): :func:`adder_scratch_qubits` clean qubits, returned clean.
    """
    values = [1] * len(controls) if ctrl_values is None else [int(v) for v in ctrl_values]
    m = len(register)
    value = int(value) % (1 << m) if m else 0
    if value == 0:
        return
    if adder == "increment":
        digits = non_adjacent_form(value)
        steps = [(k, d) for k, d in enumerate(digits) if d and k < m]
        if subtract:
            steps = [(k, -d) for k, d in reversed(steps)]
        for k, d in steps:
            _controlled_step(circuit, list(controls), values, list(register[k:]), up=d > 0)
        return
    need = adder_scratch_qubits(adder, m)
    if len(scratch) < need:
        raise ValueError(f"the ripple adder on {m} bits needs {need} scratch qubits, got {len(scratch)}")
    addend, carry = list(scratch[:m]), scratch[m]
    load = [addend[k] for k in range(m) if (value >> k) & 1]
    state = "".join(str(v) for v in reversed(values)) if controls else None
    for qubit in load:
        controlled_x(circuit, list(controls), qubit, ctrl_state=state)
    _ripple_add(circuit, addend, register, carry, subtract)
    for qubit in load:
        controlled_x(circuit, list(controls), qubit, ctrl_state=state)


@dataclass(frozen=True)
class AdderCost:
    """One controlled addition of ``value`` into ``width`` bits: work qubits, gates, largest control count, CX."""

    adder: str
    value: int
    width: int
    scratch_qubits: int
    gates: int
    max_controls: int
    cx: int

    def to_json(self) -> dict:
        return asdict(self)


def adder_cost(adder: str, value: int, width: int) -> AdderCost:
    """Build one singly controlled addition of ``value`` and count it (CX after transpiling each gate kind)."""
    from qiskit.circuit import ControlledGate

    from qbnn.compile.cx_cost import cx_of_gate

    control = QuantumRegister(1, "ctrl")
    register = QuantumRegister(width, "r")
    registers = [control, register]
    need = adder_scratch_qubits(adder, width)
    if need:
        registers.append(QuantumRegister(need, "scratch"))
    circuit = QuantumCircuit(*registers)
    add_constant(circuit, value, list(register), [control[0]], adder=adder, scratch=list(registers[2]) if need else [])
    cx = 0
    max_controls = 0
    for instruction in circuit.data:
        op = instruction.operation
        if isinstance(op, ControlledGate):
            max_controls = max(max_controls, op.num_ctrl_qubits)
            cx += cx_of_gate(op.base_gate.name, op.num_ctrl_qubits, op.ctrl_state)
    return AdderCost(adder, value, width, need, circuit.size(), max_controls, cx)
