"""Reversible counting and constant comparison, from multi-controlled X gates only.

A b-bit binary counter (b = bit length of N) adds N input bits one at a time:
each addition is an increment controlled on the input, i.e. b MCX gates
(carry chain from the top bit down), so counting costs N b = O(N log N)
gates and b clean ancillas, against the C(N, ceil(N/2)) ANDs and ancillas of
the paper's OR-of-ANDs sign. Comparing the count with a constant t needs no
ancilla: "count >= t" is a disjoint union of at most b + 1 cubes (bit
patterns with free low bits), so one MCX (or MCZ) per cube computes it
exactly. Every gate stays in the structured engine's class.
"""

from __future__ import annotations

from collections.abc import Sequence

from qiskit import QuantumCircuit
from qiskit.circuit import Qubit

from qbnn.compile.neurons import controlled_x
from qbnn.compile.oracles import multi_controlled_z
from qbnn.model.network import firing_threshold

__all__ = [
    "counter_bits",
    "add_count",
    "at_least_cubes",
    "mark_at_least",
    "phase_at_least",
    "counter_activation",
    "counter_activation_ancillas",
]


def counter_bits(max_count: int) -> int:
    """Bits of a register that holds 0..max_count."""
    return max(1, int(max_count).bit_length())


def _ctrl_state(values: Sequence[int]) -> str:
    """Qiskit control-state string for controls whose required values are ``values`` (first control last)."""
    return "".join(str(int(v)) for v in reversed(values))


def _controlled_increment(circuit: QuantumCircuit, controls: Sequence[Qubit], register: Sequence[Qubit]) -> None:
    """register += 1 (mod 2^b) when every control is |1>: flip bit j when the bits below it are all 1."""
    for j in reversed(range(len(register))):
        controlled_x(circuit, [*controls, *register[:j]], register[j])


def _controlled_decrement(circuit: QuantumCircuit, controls: Sequence[Qubit], register: Sequence[Qubit]) -> None:
    """The inverse of :func:`_controlled_increment` (same gates, reverse order)."""
    for j in range(len(register)):
        controlled_x(circuit, [*controls, *register[:j]], register[j])


def add_count(
    circuit: QuantumCircuit,
    inputs: Sequence[Qubit],
    register: Sequence[Qubit],
    gates: Sequence[Qubit] | None = None,
    *,
    subtract: bool = False,
) -> None:
    """register += (number of inputs that are |1> [and whose gate qubit is |1>]); ``subtract`` undoes it."""
    if gates is not None and len(gates) != len(inputs):
        raise ValueError("one gate qubit per input is needed")
    order = range(len(inputs))
    if subtract:
        order = reversed(order)
    for i in order:
        controls = [inputs[i]] if gates is None else [inputs[i], gates[i]]
        (_controlled_decrement if subtract else _controlled_increment)(circuit, controls, register)


def at_least_cubes(threshold: int, bits: int) -> list[dict[int, int]]:
    """Disjoint cubes whose union is {v in 0..2^bits-1 : v >= threshold}; each maps bit -> required value.

    For each 0 bit of ``threshold`` (from the top): agree above, 1 there, anything below;
    plus the cube ``v == threshold``.

    >>> at_least_cubes(5, 3)  # 5 = 101: {6,7} and {5}
    [{2: 1, 1: 1}, {2: 1, 1: 0, 0: 1}]
    """
    if threshold <= 0:
        return [{}]  # everything
    if threshold >= 1 << bits:
        return []
    cubes = []
    for j in reversed(range(bits)):
        if not (threshold >> j) & 1:
            cube = {i: (threshold >> i) & 1 for i in range(bits - 1, j, -1)}
            cube[j] = 1
            cubes.append(cube)
    cubes.append({i: (threshold >> i) & 1 for i in range(bits - 1, -1, -1)})
    return cubes


def mark_at_least(
    circuit: QuantumCircuit, register: Sequence[Qubit], threshold: int, target: Qubit, extra: Sequence[Qubit] = ()
) -> None:
    """target ^= [value(register) >= threshold] (and all ``extra`` controls are |1>), one MCX per cube."""
    for cube in at_least_cubes(threshold, len(register)):
        qubits = [register[i] for i in cube] + list(extra)
        values = list(cube.values()) + [1] * len(extra)
        controlled_x(circuit, qubits, target, ctrl_state=_ctrl_state(values) if qubits else None)


def phase_at_least(
    circuit: QuantumCircuit,
    register: Sequence[Qubit],
    threshold: int,
    extra: Sequence[Qubit] = (),
    extra_values: Sequence[int] | None = None,
) -> None:
    """Multiply by -1 the states with value(register) >= threshold (and ``extra`` qubits equal to ``extra_values``)."""
    extra_values = [1] * len(extra) if extra_values is None else list(extra_values)
    for cube in at_least_cubes(threshold, len(register)):
        qubits = [register[i] for i in cube] + list(extra)
        values = list(cube.values()) + extra_values
        if not qubits:
            circuit.global_phase += 3.141592653589793  # the whole space is marked
            continue
        zeros = [q for q, v in zip(qubits, values) if not v]
        if zeros:
            circuit.x(zeros)
        multi_controlled_z(circuit, qubits)
        if zeros:
            circuit.x(zeros)


def counter_activation_ancillas(num_inputs: int, gated: bool = False) -> int:
    """Ancillas of the counter sign circuit: the counter's bits (at least 1)."""
    return counter_bits(num_inputs)


def counter_activation(
    circuit: QuantumCircuit,
    inputs: Sequence[Qubit],
    target: Qubit,
    ancillas: Sequence[Qubit] = (),
    gates: Sequence[Qubit] | None = None,
) -> None:
    """Append target ^= sign(inputs) (sign(0) = +1) as count, compare with ceil(N/2), uncount.

    Same contract as :func:`qbnn.compile.neurons.paper_activation`: ancillas
    start and end in |0>, ``gates`` (meta) mask absent connections to -1.
    """
    n = len(inputs)
    if n == 0:
        raise ValueError("a neuron needs at least one input")
    bits = counter_bits(n)
    if len(ancillas) < bits:
        raise ValueError(f"the counter sign of {n} inputs needs {bits} ancillas, got {len(ancillas)}")
    register = list(ancillas[:bits])
    add_count(circuit, inputs, register, gates)
    mark_at_least(circuit, register, firing_threshold(n), target)
    add_count(circuit, inputs, register, gates, subtract=True)
