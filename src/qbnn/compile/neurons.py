"""Activation circuits: the sign of N binary inputs as reversible logic (paper section 4.3).

The paper's construction: a neuron with N inputs fires iff some subset of
ceil(N/2) inputs is all |1>, i.e. the OR over those C(N, ceil(N/2)) subsets
of the AND of each subset. Each AND is a multi-controlled X into its own
ancilla; the OR is X on the target followed by an X controlled on every
ancilla being |0> (De Morgan); the ANDs are then uncomputed. The whole block
maps target -> target XOR sign(inputs) and leaves the ancillas clean, so it
is its own inverse. In meta networks each input can be gated by a connection
qubit (absent connection = input reads as -1), which just adds the gate
qubits as controls of the ANDs.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from math import comb

from qiskit import QuantumCircuit
from qiskit.circuit import Qubit
from qiskit.circuit.library import MCXGate

from qbnn.model.network import firing_threshold

__all__ = ["controlled_x", "paper_activation", "paper_activation_ancillas"]


def controlled_x(
    circuit: QuantumCircuit,
    controls: Sequence[Qubit],
    target: Qubit,
    ctrl_state: str | None = None,
) -> None:
    """Append X on ``target`` controlled by ``controls`` (X, CX, CCX or MCX as the count needs).

    ``ctrl_state`` is a bit string with ``controls[0]`` as its last character
    (Qiskit's convention); ``None`` means all controls fire on |1>.
    """
    n = len(controls)
    if ctrl_state is not None and ctrl_state == "1" * n:
        ctrl_state = None
    if n == 0:
        circuit.x(target)
    elif n == 1:
        circuit.cx(controls[0], target, ctrl_state=ctrl_state)
    elif n == 2 and ctrl_state is None:
        circuit.ccx(controls[0], controls[1], target)
    else:
        circuit.append(MCXGate(n, ctrl_state=ctrl_state), [*controls, target])


def _needs_ancillas(num_inputs: int, gated: bool) -> bool:
    k = firing_threshold(num_inputs)
    if comb(num_inputs, k) == 1:
        return False  # a single AND goes straight into the target
    return gated or k > 1


def paper_activation_ancillas(num_inputs: int, gated: bool = False) -> int:
    """Ancilla qubits the OR-of-ANDs sign circuit needs for N inputs: C(N, ceil(N/2)) or 0."""
    if not _needs_ancillas(num_inputs, gated):
        return 0
    return comb(num_inputs, firing_threshold(num_inputs))


def paper_activation(
    circuit: QuantumCircuit,
    inputs: Sequence[Qubit],
    target: Qubit,
    ancillas: Sequence[Qubit] = (),
    gates: Sequence[Qubit] | None = None,
) -> None:
    """Append target ^= sign(inputs) with sign(0) = +1, as the paper's OR of ANDs.

    ``gates[i]`` (meta) is the connection qubit of input i: the input counts
    as +1 only if its connection qubit is |1>. Uses
    :func:`paper_activation_ancillas` ancillas, which start and end in |0>.
    """
    n = len(inputs)
    if n == 0:
        raise ValueError("a neuron needs at least one input")
    if gates is not None and len(gates) != n:
        raise ValueError("one connection qubit per input is needed")
    k = firing_threshold(n)
    subsets = list(itertools.combinations(range(n), k))

    def and_controls(subset: tuple[int, ...]) -> list[Qubit]:
        qubits = [inputs[i] for i in subset]
        if gates is not None:
            qubits += [gates[i] for i in subset]
        return qubits

    if not _needs_ancillas(n, gates is not None):
        if len(subsets) == 1:
            controlled_x(circuit, and_controls(subsets[0]), target)
        else:  # k == 1, ungated: OR of the inputs themselves
            circuit.x(target)
            controlled_x(circuit, list(inputs), target, ctrl_state="0" * n)
        return
    needed = len(subsets)
    if len(ancillas) < needed:
        raise ValueError(f"the sign of {n} inputs needs {needed} ancillas, got {len(ancillas)}")
    work = list(ancillas[:needed])
    for subset, ancilla in zip(subsets, work):
        controlled_x(circuit, and_controls(subset), ancilla)
    circuit.x(target)
    controlled_x(circuit, work, target, ctrl_state="0" * needed)
    for subset, ancilla in reversed(list(zip(subsets, work))):
        controlled_x(circuit, and_controls(subset), ancilla)
