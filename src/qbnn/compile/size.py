"""How large the QBNN circuits will be, known before a single gate is built.

Qiskit holds roughly a kilobyte per gate and takes tens to hundreds of
microseconds to append one, so a circuit of millions of gates costs
gigabytes and minutes before any simulation starts. The paper's sign circuit
needs C(N, ceil(N/2)) ancillas and twice as many gates per neuron, and U
repeats the network once per training point; :func:`check_circuit_size`
refuses what would not be reasonable to build and says what would fit.

>>> from qbnn.model.data import paper_problem
>>> from qbnn.model.network import Network
>>> estimate_qbnn_size(Network((3, 2, 1)), paper_problem(1)).gates
560
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from math import comb

from qbnn.compile.counter import at_least_cubes, counter_bits
from qbnn.model.data import Dataset
from qbnn.errors import ResourceLimitError
from qbnn.core.memory import format_bytes
from qbnn.model.network import Network, firing_threshold

__all__ = ["MAX_GATES", "BYTES_PER_GATE", "CircuitSize", "activation_gates", "estimate_qbnn_size", "check_circuit_size"]

#: Gates of U qbnn builds at most (``QBNN_MAX_GATES`` overrides): the Grover iterate holds about twice as many.
MAX_GATES = 200_000
#: Memory of one multi-controlled gate in a Qiskit circuit (measured: ~0.4 KB), with the copies U^-1 and Q make.
BYTES_PER_GATE = 1024


def activation_gates(activation: str, num_inputs: int, gated: bool = False) -> int:
    """Gates of one sign circuit on N inputs, in closed form (``qbnn.hardware.resources.activation_cost`` builds it)."""
    k = firing_threshold(num_inputs)
    if activation == "paper":
        subsets = comb(num_inputs, k)
        if subsets == 1:
            return 1
        return 2 if not gated and k == 1 else 2 * subsets + 2
    bits = counter_bits(num_inputs)
    return 2 * num_inputs * bits + len(at_least_cubes(k, bits))


def _activation_ancillas(activation: str, num_inputs: int) -> int:
    return comb(num_inputs, firing_threshold(num_inputs)) if activation == "paper" else counter_bits(num_inputs)


@dataclass(frozen=True)
class CircuitSize:
    """Qubits and gates of U for a network, its data and a sign activation (an estimate for multi-bit data)."""

    network: Network
    points: int
    activation: str
    qubits: int
    gates: int
    gates_per_point: int

    @property
    def build_bytes(self) -> int:
        """Memory to build U and the Grover iterate in Qiskit."""
        return 3 * self.gates * BYTES_PER_GATE


def estimate_qbnn_size(network: Network, data: Dataset, activation: str = "paper") -> CircuitSize:
    """Qubits and gates of U, from the architecture and the number of points alone."""
    layers = network.layers
    per_point = 2 * layers[0] + 1  # loading the point (at most) and the label's X
    ancillas = 0
    for layer in range(network.num_layers):
        fan_in, width = layers[layer], layers[layer + 1]
        gated = layer == 0 and network.meta
        times = width * (1 if layer == network.num_layers - 1 else 2)  # hidden neurons are uncomputed
        per_point += times * (2 * fan_in + activation_gates(activation, fan_in, gated))
        ancillas = max(ancillas, _activation_ancillas(activation, fan_in))
    points = data.num_points
    qubits = network.num_parameters + points + sum(layers[:-1]) + ancillas
    return CircuitSize(network, points, activation, qubits, network.num_parameters + points * per_point, per_point)


def max_gates() -> int:
    """The gate limit: :data:`MAX_GATES`, or ``$QBNN_MAX_GATES``."""
    text = os.environ.get("QBNN_MAX_GATES")
    return int(text) if text and text.isdigit() else MAX_GATES


def check_circuit_size(network: Network, data: Dataset, activation: str = "paper") -> CircuitSize:
    """Refuse a U that would be too large to build, saying what it needs and what would fit."""
    size = estimate_qbnn_size(network, data, activation)
    limit = max_gates()
    if size.gates <= limit:
        return size
    hints = []
    if activation == "paper":
        counter = estimate_qbnn_size(network, data, "counter")
        if counter.gates < size.gates // 2:
            hints.append(f"the counter sign circuit ({{activation}} counter: about {counter.gates:,} gates)")
    fit = (limit - network.num_parameters) // size.gates_per_point
    if fit < size.points:
        hints.append(f"at most {fit:,} training points (a sample of the data)" if fit > 0 else "smaller layers")
    widest = max(network.layers[:-1])
    why = (
        f"; the paper sign of a {widest}-input neuron needs C({widest}, {firing_threshold(widest)}) = "
        f"{comb(widest, firing_threshold(widest)):,} ancillas"
        if activation == "paper" and widest > 8
        else ""
    )
    raise ResourceLimitError(
        f"U for {network.describe()} with the {activation} sign on {size.points:,} points would have about "
        f"{size.gates:,} gates and {size.qubits:,} qubits (about {format_bytes(size.build_bytes)} to build in Qiskit)"
        f"{why}; qbnn builds at most {limit:,} gates; use " + " or ".join(hints),
        activation=...,
    )
