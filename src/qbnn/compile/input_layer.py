"""The first layer on multi-bit inputs: weighted sums in a two's-complement register, sign bit out.

For a training point x (classical odd integers) and a first-layer neuron with
weight qubits w_j (|1> = +1), the weighted sum is

    S = sum_j x_j (2 w_j - 1) = 2 V - T,   V = sum_j |x_j| [w_j agrees with the sign of x_j],  T = sum_j |x_j|.

S and T have the same parity, so S >= 0 iff R = V - ceil(T/2) >= 0, and R = floor(S/2):
the register holds the halved weighted sum (its low bit, the classical parity
of T, needs no qubit). The block loads -ceil(T/2) with X gates, adds |x_j|
controlled by w_j (on |1> where x_j > 0, on |0> where x_j < 0) with
:func:`qbnn.compile.adders.add_constant`, copies NOT(sign bit) into the
target (sign(0) = +1), and undoes the additions and the load: the register
returns to |0> and the block is its own inverse, like the binary activations.
A weight that is fixed (a bool instead of a qubit) adds its term to the
classical offset instead of costing an adder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from qiskit import QuantumCircuit, QuantumRegister
from qiskit.circuit import Qubit

from qbnn.compile.adders import ADDERS, add_constant, adder_scratch_qubits
from qbnn.model.data import Dataset

__all__ = [
    "SUM_REGISTER",
    "SCRATCH_REGISTER",
    "sum_register_width",
    "weighted_sign",
    "weighted_sign_ops",
    "MultibitFirstLayer",
]

SUM_REGISTER = "sum"
SCRATCH_REGISTER = "addend"


def sum_register_width(point: Sequence[int]) -> int:
    """Bits of the two's-complement register for R = floor(S/2) on this point: R lies in -ceil(T/2)..floor(T/2).

    >>> sum_register_width([1, 1, 1]), sum_register_width([7, -7, 7, 7])
    (2, 5)
    """
    total = int(np.abs(np.asarray(point, dtype=np.int64)).sum())
    return (total // 2).bit_length() + 1


def weighted_sign(
    circuit: QuantumCircuit,
    point: Sequence[int],
    weights: Sequence[Qubit | bool],
    register: Sequence[Qubit],
    target: Qubit,
    *,
    adder: str = "increment",
    scratch: Sequence[Qubit] = (),
) -> None:
    """target ^= [sum_j x_j w_j >= 0] for classical ``point`` x and weights w_j = +1 on |1> (or fixed bools).

    Uses the low :func:`sum_register_width` qubits of ``register`` (clean before and after).
    """
    x = [int(v) for v in point]
    if len(weights) != len(x):
        raise ValueError("one weight per input is needed")
    m = sum_register_width(x)
    if len(register) < m:
        raise ValueError(f"the weighted sum of {x} needs a {m}-bit register, got {len(register)}")
    reg = list(register[:m])
    half = (sum(abs(v) for v in x) + 1) // 2
    offset = -half
    terms = []  # (value, control qubit, control value)
    for value, weight in zip(x, weights):
        if isinstance(weight, (bool, np.bool_)):
            offset += abs(value) if bool(weight) == (value > 0) else 0
        else:
            terms.append((abs(value), weight, 1 if value > 0 else 0))
    if not terms:  # every weight fixed: the sign is a classical constant
        if offset >= 0:
            circuit.x(target)
        return
    load = [reg[k] for k in range(m) if (offset % (1 << m)) >> k & 1]
    if load:
        circuit.x(load)
    for value, qubit, polarity in terms:
        add_constant(circuit, value, reg, [qubit], [polarity], adder=adder, scratch=scratch)
    circuit.cx(reg[m - 1], target, ctrl_state=0)  # sign bit 0 <=> R >= 0 <=> S >= 0
    for value, qubit, polarity in reversed(terms):
        add_constant(circuit, value, reg, [qubit], [polarity], subtract=True, adder=adder, scratch=scratch)
    if load:
        circuit.x(load)


@dataclass(frozen=True)
class MultibitFirstLayer:
    """The registers and per-point blocks of the first layer of ``network`` on b-bit ``data``."""

    data: Dataset
    adder: str = "increment"

    def __post_init__(self) -> None:
        if self.adder not in ADDERS:
            raise ValueError(f"unknown adder {self.adder!r}; choose one of {', '.join(ADDERS)}")

    @property
    def width(self) -> int:
        """The shared sum register: wide enough for any b-bit point with this many features.

        It depends on the shape of the data only, so every minibatch of a dataset gets the same
        register (each point's adders use only the low bits its own sum needs).
        """
        top = (1 << self.data.input_bits) - 1
        return sum_register_width([top] * self.data.num_features)

    def registers(self) -> list[QuantumRegister]:
        """``sum`` (and the ripple adder's ``addend`` scratch), all clean between blocks."""
        out = [QuantumRegister(self.width, SUM_REGISTER)]
        scratch = adder_scratch_qubits(self.adder, self.width)
        if scratch:
            out.append(QuantumRegister(scratch, SCRATCH_REGISTER))
        return out

    def append(
        self,
        circuit: QuantumCircuit,
        registers: Sequence[QuantumRegister],
        point: int,
        weights_of: Callable[[int], Sequence[Qubit | bool]],
        targets: Sequence[Qubit],
    ) -> None:
        """targets[n] ^= neuron n's sign on training point ``point``; ``weights_of(n)`` gives its weights."""
        register = list(registers[0])
        scratch = list(registers[1]) if len(registers) > 1 else []
        # each point uses only the bits it needs: the adders' carry chains are no longer than necessary
        width = sum_register_width(self.data.X[point])
        for neuron, target in enumerate(targets):
            weighted_sign(
                circuit, self.data.X[point], weights_of(neuron), register[:width], target,
                adder=self.adder, scratch=scratch[:width] + scratch[-1:] if scratch else (),
            )


class _OpSink:
    """Records the gates :func:`weighted_sign` appends as engine ops on integer qubits (for the folded compiler)."""

    def __init__(self) -> None:
        from qbnn.simulator.ops import PERM

        self._perm = PERM
        self.ops: list = []

    def _op(self, target: int, controls: Sequence[int] = (), polarities: Sequence[int] = ()) -> None:
        from qbnn.simulator.ops import Op

        self.ops.append(Op(self._perm, int(target), tuple(int(c) for c in controls), tuple(int(p) for p in polarities)))

    def x(self, qubits) -> None:
        for q in qubits if isinstance(qubits, (list, tuple)) else [qubits]:
            self._op(q)

    def cx(self, control: int, target: int, ctrl_state=None) -> None:
        self._op(target, [control], [0 if ctrl_state in (0, "0") else 1])

    def ccx(self, a: int, b: int, target: int) -> None:
        self._op(target, [a, b], [1, 1])

    def append(self, gate, qubits) -> None:  # an MCXGate from controlled_x
        n = gate.num_ctrl_qubits
        self._op(qubits[-1], qubits[:-1], [(gate.ctrl_state >> j) & 1 for j in range(n)])


def weighted_sign_ops(
    point: Sequence[int], weights: Sequence[int | bool], register: Sequence[int], target: int
) -> list:
    """:func:`weighted_sign` as engine ops on qubit indices (weights: a qubit index, or a bool when fixed)."""
    sink = _OpSink()
    weighted_sign(sink, point, list(weights), list(register), target)  # type: ignore[arg-type]
    return sink.ops
