"""Resource counts of the QBNN circuits, two ways: walking the circuit and in closed form.

Qiskit counts what was built (qubits, gates by name, depth) and what it
becomes after transpiling to CX + U; :func:`closed_form_profile` derives the
same gate profile from the architecture and data alone, and the tests hold
the two equal (one count, two routes).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from functools import lru_cache
from math import comb

from qiskit import QuantumCircuit, transpile
from qiskit.circuit import ControlledGate

from qbnn.compile.cx_cost import TRANSPILE_BASIS, cx_of_gate
from qbnn.model.network import firing_threshold
from qbnn.problem import TrainingProblem

__all__ = ["ActivationCost", "activation_cost", "CircuitResources", "count_resources", "problem_resources", "gate_profile", "closed_form_profile", "cx_of_gate"]

@dataclass(frozen=True)
class CircuitResources:
    """Qubits, gates by name and depth of one circuit, as built and after transpiling to CX + U."""

    qubits: int
    gates: dict[str, int]
    size: int
    depth: int
    transpiled_gates: dict[str, int]
    transpiled_size: int
    transpiled_depth: int

    def to_json(self) -> dict:
        return asdict(self)


def count_resources(circuit: QuantumCircuit, *, transpiled: bool = True) -> CircuitResources:
    """Count ``circuit`` as built and (``transpiled``) after ``transpile(basis_gates=[cx, u], optimization_level=0)``."""
    gates = {name: int(n) for name, n in sorted(circuit.count_ops().items())}
    if transpiled:
        low = transpile(circuit, basis_gates=list(TRANSPILE_BASIS), optimization_level=0)
        low_gates = {name: int(n) for name, n in sorted(low.count_ops().items())}
        low_size, low_depth = low.size(), low.depth()
    else:
        low_gates, low_size, low_depth = {}, 0, 0
    return CircuitResources(circuit.num_qubits, gates, circuit.size(), circuit.depth(), low_gates, low_size, low_depth)


def problem_resources(problem: TrainingProblem, *, transpiled: bool = True) -> dict[str, CircuitResources]:
    """Resources of U (the QBNN with its H layer) and of one Grover iterate Q."""
    return {
        "U": count_resources(problem.qbnn.circuit, transpiled=transpiled),
        "grover_iterate": count_resources(problem.grover_iterate, transpiled=transpiled),
    }


def gate_profile(circuit: QuantumCircuit) -> Counter:
    """Gates keyed by (base gate, number of controls): independent of Qiskit's naming of open controls."""
    profile: Counter = Counter()
    for instruction in circuit.data:
        op = instruction.operation
        if isinstance(op, ControlledGate):
            profile[(op.base_gate.name, op.num_ctrl_qubits)] += 1
        elif op.name == "barrier":
            continue
        else:
            profile[(op.name, 0)] += 1
    return profile


def _x(controls: int) -> tuple[str, int]:
    return ("x", controls)


def _paper_activation_profile(num_inputs: int, gated: bool) -> Counter:
    """Closed form of :func:`qbnn.compile.neurons.paper_activation` (binomial in N)."""
    k = firing_threshold(num_inputs)
    subsets = comb(num_inputs, k)
    per_and = k * (2 if gated else 1)
    if subsets == 1:
        return Counter({_x(per_and): 1})
    if not gated and k == 1:
        profile = Counter({_x(0): 1})
        profile[_x(num_inputs)] += 1
        return profile
    profile = Counter({_x(per_and): 2 * subsets})
    profile[_x(0)] += 1
    profile[_x(subsets)] += 1  # may share a key with the ANDs
    return profile


def closed_form_profile(problem: TrainingProblem, *, iterate: bool = False) -> Counter:
    """Gate profile of U (or of Q with ``iterate``) from the architecture and data, for the paper activation."""
    if problem.activation != "paper" or not problem.uses_paper_oracle:
        raise ValueError("the closed form covers the paper activation and oracle only")
    if problem.data.input_bits > 1:
        raise ValueError("the closed form covers binary inputs only (b-bit inputs use adders)")
    network, data = problem.network, problem.data
    layers = network.layers
    per_point: Counter = Counter()
    last = network.num_layers - 1
    for layer in range(network.num_layers):
        gated = layer == 0 and network.meta
        block = Counter({_x(1): 2 * layers[layer]}) + _paper_activation_profile(layers[layer], gated)
        times = layers[layer + 1] * (1 if layer == last else 2)
        for _ in range(times):
            per_point += block
    profile: Counter = Counter({("h", 0): network.num_parameters})
    for t in range(data.num_points):
        profile += per_point
        profile[_x(0)] += 2 * int((data.X[t] > 0).sum()) + int(data.y[t] < 0)
    if not iterate:
        return profile
    n = problem.qbnn.num_qubits
    m = data.num_points
    q = profile + profile
    q[_x(0)] += 2 * n
    q[("z", n - 1)] += 1
    q[("z", m - 1)] += 1
    return q


# --- the two sign activations side by side ----------------------------------------------


@dataclass(frozen=True)
class ActivationCost:
    """Cost of one sign activation on N inputs: ancillas, gates as built, and CX after transpiling."""

    activation: str
    inputs: int
    ancillas: int
    gates: int
    max_controls: int
    cx: int

    def to_json(self) -> dict:
        return asdict(self)


def activation_cost(activation: str, num_inputs: int) -> ActivationCost:
    """Build the sign circuit of ``num_inputs`` inputs and count it (CX summed per gate kind)."""
    from qiskit import QuantumRegister

    from qbnn.compile.qbnn import ACTIVATIONS

    act = ACTIVATIONS[activation]
    inputs = QuantumRegister(num_inputs, "in")
    target = QuantumRegister(1, "out")
    m = act.ancillas(num_inputs, False)
    registers = [inputs, target] + ([QuantumRegister(m, "anc")] if m else [])
    circuit = QuantumCircuit(*registers)
    act.append(circuit, list(inputs), target[0], list(registers[2]) if m else [], None)
    cx = 0
    max_controls = 0
    for instruction in circuit.data:
        op = instruction.operation
        if isinstance(op, ControlledGate):
            max_controls = max(max_controls, op.num_ctrl_qubits)
            cx += cx_of_gate(op.base_gate.name, op.num_ctrl_qubits, op.ctrl_state)
    return ActivationCost(activation, num_inputs, m, circuit.size(), max_controls, cx)


# --- what folding fixed parameters saves -------------------------------------------------


@lru_cache(maxsize=None)
def _activation_gates(activation: str, num_inputs: int, gated: bool) -> int | None:
    """Gates of one sign activation on N inputs (None when the paper's C(N, N/2) ANDs are too many to build)."""
    from qiskit import QuantumRegister

    from qbnn.compile.qbnn import ACTIVATIONS

    if activation == "paper" and comb(num_inputs, firing_threshold(num_inputs)) > 20_000:
        return None
    act = ACTIVATIONS[activation]
    inputs, target = QuantumRegister(num_inputs, "in"), QuantumRegister(1, "out")
    m = act.ancillas(num_inputs, gated)
    registers = [inputs, target]
    gates = QuantumRegister(num_inputs, "c") if gated else None
    if gated:
        registers.append(gates)
    if m:
        registers.append(QuantumRegister(m, "anc"))
    circuit = QuantumCircuit(*registers)
    act.append(circuit, list(inputs), target[0], list(registers[-1]) if m else [], list(gates) if gated else None)
    return circuit.size()


def unfolded_resources(network, data, activation: str) -> dict:
    """Qubits and gates of U with every parameter a qubit (``compile_qbnn``), in closed form without building it.

    What :mod:`qbnn.compile.folded` is compared with: ``qubits`` always, ``gates`` None when a paper
    activation has too many ANDs to count by building it.
    """
    from qbnn.compile.qbnn import ACTIVATIONS, ancillas_needed

    layers = network.layers
    qubits = network.num_parameters + data.num_points + sum(layers[:-1]) + ancillas_needed(network, ACTIVATIONS[activation])
    per_point = 0
    last = network.num_layers - 1
    for layer in range(network.num_layers):
        act = _activation_gates(activation, layers[layer], layer == 0 and network.meta)
        if act is None:
            return {"qubits": qubits, "gates": None}
        per_point += layers[layer + 1] * (1 if layer == last else 2) * (2 * layers[layer] + act)
    loads = int(2 * (data.X > 0).sum() + (data.y < 0).sum())
    return {"qubits": qubits, "gates": network.num_parameters + data.num_points * per_point + loads}
