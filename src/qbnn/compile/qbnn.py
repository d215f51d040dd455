"""Compile a BNN and its training data into the QBNN circuit U (paper section 4.3).

U puts every parameter qubit in superposition (H), then, for each training
point in turn, loads the point into the input register, runs the network
layer by layer (anti-CNOT weighting onto the activity qubits, the sign
activation into the next layer), writes the output into that point's
accuracy qubit, uncomputes every work qubit so the next point reuses them,
and flips the accuracy qubit with X where the label is -1. Afterwards
|acc_t> = |1> iff point t is classified correctly by the configuration held
in the parameter qubits.

Qubit order: weights ``w`` (bit j = parameter j), connections ``c`` (meta),
accuracy ``acc``, inputs ``x``, one register per hidden layer ``h1, h2, ...``,
activation ancillas ``anc``. The parameter register is therefore qubits
0..p-1 and a measured integer of those qubits is a configuration index.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qiskit import QuantumCircuit, QuantumRegister
from qiskit.circuit import Qubit

from qbnn.compile.counter import counter_activation, counter_activation_ancillas
from qbnn.compile.neurons import paper_activation, paper_activation_ancillas
from qbnn.compile.size import check_circuit_size
from qbnn.model.data import Dataset
from qbnn.errors import ArchitectureError
from qbnn.landscape import check_compatible
from qbnn.model.network import Network

if TYPE_CHECKING:
    from qbnn.model.conditioning import Condition

__all__ = ["ACTIVATIONS", "Activation", "QBNNCircuit", "ancillas_needed", "compile_qbnn"]


@dataclass(frozen=True)
class Activation:
    """A reversible sign circuit: how many ancillas it needs, and how to append it."""

    name: str
    ancillas: Callable[[int, bool], int]
    append: Callable[..., None]


ACTIVATIONS: dict[str, Activation] = {
    "paper": Activation("paper", paper_activation_ancillas, paper_activation),
    "counter": Activation("counter", counter_activation_ancillas, counter_activation),
}


@dataclass(frozen=True, eq=False)
class QBNNCircuit:
    """The compiled QBNN: the circuit U and where its registers sit.

    >>> from qbnn.model.data import paper_problem
    >>> qbnn = compile_qbnn(Network((3, 2, 1)), paper_problem(1))
    >>> qbnn.parameter_qubits == list(range(8)), len(qbnn.accuracy_qubits)
    (True, 8)
    """

    network: Network
    data: Dataset
    circuit: QuantumCircuit
    activation: str
    condition: Condition | None = None  # fixed parameters folded in (qbnn.compile.folded); None: all free

    def register_qubits(self, name: str) -> list[int]:
        """The circuit positions of the qubits of register ``name`` (empty if there is none)."""
        for register in self.circuit.qregs:
            if register.name == name:
                return [self.circuit.find_bit(q).index for q in register]
        return []

    @property
    def parameter_qubits(self) -> list[int]:
        """Weight qubits then connection qubits: bit j of a measured integer is (free) parameter j."""
        return self.register_qubits("w") + self.register_qubits("c")

    @property
    def accuracy_qubits(self) -> list[int]:
        return self.register_qubits("acc")

    @property
    def work_qubits(self) -> list[int]:
        """Every qubit that must return to |0> after U: inputs, hidden activity, ancillas."""
        skip = set(self.parameter_qubits) | set(self.accuracy_qubits)
        return [i for i in range(self.circuit.num_qubits) if i not in skip]

    @property
    def num_qubits(self) -> int:
        return self.circuit.num_qubits


def multibit_first_layer(network: Network, data: Dataset, adder: str):
    """The adder-based first layer for b-bit data (b > 1), or None: binary data keep the paper's circuit."""
    if data.input_bits == 1:
        return None
    from qbnn.compile.input_layer import MultibitFirstLayer

    return MultibitFirstLayer(data, adder)


def ancillas_needed(network: Network, activation: Activation, first: int = 0) -> int:
    """Shared ancillas U needs: the most any layer from ``first`` on asks of ``activation``."""
    need = 0
    for layer in range(first, network.num_layers):
        gated = layer == 0 and network.meta
        need = max(need, activation.ancillas(network.layers[layer], gated))
    return need


def compile_qbnn(
    network: Network,
    data: Dataset,
    *,
    activation: str = "paper",
    superpose: bool = True,
    adder: str = "increment",
) -> QBNNCircuit:
    """Build U for ``network`` trained on ``data``; ``superpose=False`` leaves out the H layer.

    Without the H layer the circuit computes the accuracy bits of whatever
    basis configuration the parameter qubits hold, which is how it is checked
    against the classical forward pass. With multi-bit data (``data.input_bits``
    > 1) the first layer sums the inputs with controlled adders (``adder``, see
    :mod:`qbnn.compile.input_layer`) instead of an input register and ``activation``.
    """
    check_compatible(network, data)
    if activation not in ACTIVATIONS:
        raise ArchitectureError(f"unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}")
    check_circuit_size(network, data, activation)  # before a gate is built
    act = ACTIVATIONS[activation]
    layers = network.layers
    w = QuantumRegister(network.num_weights, "w")
    registers: list[QuantumRegister] = [w]
    c = None
    if network.meta:
        c = QuantumRegister(network.num_connections, "c")
        registers.append(c)
    acc = QuantumRegister(data.num_points, "acc")
    first = multibit_first_layer(network, data, adder)  # None for binary data: the paper's input register
    x = QuantumRegister(layers[0] if first is None else 0, "x")
    hidden = [QuantumRegister(n, f"h{i}") for i, n in enumerate(layers[1:-1], start=1)]
    first_registers = [] if first is None else first.registers()
    registers += [acc, *([x] if first is None else first_registers), *hidden]
    num_anc = ancillas_needed(network, act, 0 if first is None else 1)
    anc = QuantumRegister(num_anc, "anc") if num_anc else None
    if anc is not None:
        registers.append(anc)
    circuit = QuantumCircuit(*registers, name="U_QBNN")
    if superpose:
        circuit.h(w)
        if c is not None:
            circuit.h(c)

    activity_registers: list[Sequence[Qubit]] = [list(x), *[list(h) for h in hidden]]
    ancillas = list(anc) if anc is not None else []

    def layer_block(layer: int, target_of: Callable[[int], Qubit]) -> None:
        """Neurons of weight layer ``layer``: weight sources in place, activate, unweight."""
        sources = activity_registers[layer]
        if layer == 0 and first is not None:
            weights_of = lambda n: [w[network.weight_index(0, n, s)] for s in range(layers[0])]  # noqa: E731
            first.append(circuit, first_registers, t, weights_of, [target_of(n) for n in range(layers[1])])
            return
        for neuron in range(layers[layer + 1]):
            weight_qubits = [w[network.weight_index(layer, neuron, s)] for s in range(layers[layer])]
            for wq, sq in zip(weight_qubits, sources):
                circuit.cx(wq, sq, ctrl_state=0)  # anti-CNOT: source becomes x XNOR w
            gates = None
            if layer == 0 and c is not None:
                gates = [c[network.connection_index(neuron, s) - network.num_weights] for s in range(layers[0])]
            act.append(circuit, sources, target_of(neuron), ancillas, gates)
            for wq, sq in zip(weight_qubits, sources):
                circuit.cx(wq, sq, ctrl_state=0)

    last = network.num_layers - 1
    for t in range(data.num_points):
        point = data.X[t]
        plus_inputs = [x[i] for i in range(layers[0]) if point[i] > 0] if first is None else []
        if plus_inputs:
            circuit.x(plus_inputs)
        for layer in range(last):
            layer_block(layer, lambda neuron, layer=layer: hidden[layer][neuron])
        layer_block(last, lambda neuron, t=t: acc[t])
        for layer in reversed(range(last)):
            layer_block(layer, lambda neuron, layer=layer: hidden[layer][neuron])
        if plus_inputs:
            circuit.x(plus_inputs)
        if data.y[t] < 0:
            circuit.x(acc[t])
    return QBNNCircuit(network, data, circuit, activation)
