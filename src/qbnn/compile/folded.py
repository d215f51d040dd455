"""U with fixed parameters folded into classical constants (conditional landscapes, paper section 3).

Only the free parameters of a :class:`~qbnn.model.conditioning.Condition` get
qubits. Everything the fixed ones determine is folded before any gate is
emitted, point by point:

- a first-layer literal x_j XNOR w_j with a free w_j *is* the weight qubit
  (read negated where x_j = -1), so the inputs need no qubits at all;
- an XNOR with a fixed weight is an X or nothing (a negated or plain read);
- a fixed absent connection removes its literal, a free one gates it;
- a neuron whose inputs and weights are all fixed is evaluated classically
  and enters the next layer as a constant; a neuron with c fixed +1
  contributions and f free literals fires iff at least T - c of the free
  literals are +1 (a smaller threshold function; always or never when
  T - c <= 0 or > f), so a block inside one neuron costs that neuron and the
  layers after it.

The gate list (engine :class:`~qbnn.simulator.ops.Op` records) is the
one source: :meth:`FoldedQBNN.qbnn_circuit` turns it into a Qiskit circuit for
``circuit``/``resources``/Aer, and the block trainer runs the same ops on the
structured engine without Qiskit.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from math import comb

import numpy as np
from qiskit import QuantumCircuit, QuantumRegister

from qbnn.compile.counter import at_least_cubes, counter_bits
from qbnn.model.conditioning import Condition
from qbnn.model.data import Dataset
from qbnn.simulator.ops import H, PERM, PHASE, Op
from qbnn.errors import ArchitectureError
from qbnn.model.network import Network, firing_threshold

__all__ = ["FoldedQBNN", "compile_folded", "ops_to_circuit", "threshold_ops", "Literal"]

#: A literal read by a neuron: (qubit, polarity it counts as +1 on, gate qubit that must be |1> or -1 for none).
Literal = tuple[int, int, int]


def threshold_ops(
    ops: list[Op], literals: list[Literal], k: int, target: int, ancillas: list[int], activation: str, cache: dict | None = None
) -> int:
    """Append target ^= [at least k literals hold]; returns the ancillas used (they end clean).

    ``paper``: the OR over k-subsets of the AND of each subset (paper section
    4.3); ``counter``: count the literals in binary, compare with k, uncount.
    ``cache`` (a dict kept by the caller for one compilation): the same
    arguments give the same ops, so they are built once and appended again
    (ops are immutable).
    """
    if cache is not None:
        key = (tuple(literals), k, target, activation, tuple(ancillas[: _ancillas_for(len(literals), k, activation)]))
        hit = cache.get(key)
        if hit is None:
            built: list[Op] = []
            hit = cache[key] = (built, threshold_ops(built, literals, k, target, ancillas, activation))
        ops.extend(hit[0])
        return hit[1]
    n = len(literals)
    if k <= 0:
        ops.append(Op(PERM, target))
        return 0
    if k > n:
        return 0

    def and_of(subset) -> tuple[tuple[int, ...], tuple[int, ...]]:
        qubits, polarities = [], []
        for i in subset:
            q, pol, gate = literals[i]
            qubits.append(q)
            polarities.append(pol)
            if gate >= 0:
                qubits.append(gate)
                polarities.append(1)
        return tuple(qubits), tuple(polarities)

    gated = any(gate >= 0 for _, _, gate in literals)
    if activation == "paper":
        if k == n:
            ops.append(Op(PERM, target, *and_of(range(n))))
            return 0
        if k == 1 and not gated:  # OR = NOT AND(NOT l)
            ops.append(Op(PERM, target))
            ops.append(Op(PERM, target, tuple(q for q, _, _ in literals), tuple(1 - p for _, p, _ in literals)))
            return 0
        subsets = list(itertools.combinations(range(n), k))
        work = ancillas[: len(subsets)]
        if len(work) < len(subsets):
            raise ValueError(f"the threshold {k} of {n} literals needs {len(subsets)} ancillas")
        ands = [Op(PERM, a, *and_of(s)) for s, a in zip(subsets, work)]
        ops.extend(ands)
        ops.append(Op(PERM, target))
        ops.append(Op(PERM, target, tuple(work), (0,) * len(work)))
        ops.extend(reversed(ands))
        return len(work)
    bits = counter_bits(n)
    register = ancillas[:bits]
    if len(register) < bits:
        raise ValueError(f"counting {n} literals needs {bits} ancillas")
    adds: list[Op] = []
    for i in range(n):
        controls, polarities = and_of([i])
        for j in reversed(range(bits)):  # increment: flip bit j when the bits below are all 1
            adds.append(Op(PERM, register[j], (*controls, *register[:j]), (*polarities, *([1] * j))))
    ops.extend(adds)
    for cube in at_least_cubes(k, bits):
        ops.append(Op(PERM, target, tuple(register[i] for i in cube), tuple(cube.values())))
    ops.extend(reversed(adds))
    return bits


def _ancillas_for(n: int, k: int, activation: str) -> int:
    if k <= 0 or k > n:
        return 0
    if activation == "paper":
        return 0 if k == n else comb(n, k)  # k == 1 ungated needs none, checked when emitting
    return counter_bits(n)


@dataclass(frozen=True, eq=False)
class FoldedQBNN:
    """U for a conditional problem as a flat op list, and where its registers sit.

    Registers, in qubit order: ``w`` (free weights), ``c`` (free connections),
    ``acc`` (one per point), ``h1, h2, ...`` (hidden neurons that are not
    constant), ``anc``. Bit j of a measured parameter register is free parameter j.
    """

    network: Network
    data: Dataset
    condition: Condition
    activation: str
    num_qubits: int
    registers: dict[str, list[int]]
    ops: list[Op] = field(repr=False)

    @property
    def parameter_qubits(self) -> list[int]:
        return self.registers["w"] + self.registers["c"]

    @property
    def accuracy_qubits(self) -> list[int]:
        return self.registers["acc"]

    def circuit(self) -> QuantumCircuit:
        """The same gates as a Qiskit circuit with named registers."""
        registers = [QuantumRegister(len(q), name) for name, q in self.registers.items() if q]
        circuit = QuantumCircuit(*registers, name="U_QBNN")
        ops_to_circuit(self.ops, circuit)
        return circuit

    def qbnn_circuit(self):
        """A :class:`~qbnn.compile.qbnn.QBNNCircuit` of :meth:`circuit` (for oracles, Grover and engines)."""
        from qbnn.compile.qbnn import QBNNCircuit

        return QBNNCircuit(self.network, self.data, self.circuit(), self.activation, self.condition)


def ops_to_circuit(ops: list[Op], circuit: QuantumCircuit) -> QuantumCircuit:
    """Append engine ops to a Qiskit circuit: PERM as X/CX/CCX/MCX with control states, PHASE as MCZ, H."""
    from qbnn.compile.neurons import controlled_x
    from qbnn.compile.oracles import multi_controlled_z

    for op in ops:
        if op.kind == H:
            circuit.h(op.target)
        elif op.kind == PERM:
            state = "".join(str(p) for p in reversed(op.polarities)) if op.controls else None
            controlled_x(circuit, list(op.controls), op.target, ctrl_state=state)
        elif op.kind == PHASE:
            zeros = [q for q, p in zip(op.controls, op.polarities) if not p]
            if zeros:
                circuit.x(zeros)
            multi_controlled_z(circuit, list(op.controls))
            if zeros:
                circuit.x(zeros)
        else:
            raise ValueError(f"op kind {op.kind} is not emitted by the folded compiler")
    return circuit


def _neuron_plans(network: Network, condition: Condition) -> list[list[list[tuple]]]:
    """Per layer and neuron, its inputs as (source, weight index, weight is free, fixed weight, gate or -1).

    ``gate`` is a free connection bit (meta); inputs whose fixed connection is absent are dropped (they read -1).
    """
    values = condition.values
    free = set(condition.free)
    plans = []
    for layer in range(network.num_layers):
        fan_in, width = network.layers[layer], network.layers[layer + 1]
        layer_plans = []
        for neuron in range(width):
            plan = []
            for s in range(fan_in):
                widx = network.weight_index(layer, neuron, s)
                gate = -1
                if layer == 0 and network.meta:
                    cidx = network.connection_index(neuron, s)
                    if cidx in free:
                        gate = cidx
                    elif values[cidx] == 0:
                        continue  # absent: reads -1
                plan.append((s, widx, widx in free, int(values[widx]), gate))
            layer_plans.append(plan)
        plans.append(layer_plans)
    return plans


def _neuron_decision(plan: list[tuple], activity: list[int], threshold: int) -> tuple[int, tuple[list[tuple], int] | None]:
    """+1/-1 when the neuron is constant given its inputs' ``activity`` (+-1 constants, 0 a qubit), else 0 and
    (free literal recipe, k): ("w", widx, pol, gate or -1) | ("g", gate) | ("h", source, fixed weight or 0 (free), widx)."""
    constant = 0
    parts: list[tuple] = []
    for s, widx, is_free, fixed, gate in plan:
        a = activity[s]
        if a != 0 and not is_free:
            if a * fixed > 0:
                if gate < 0:
                    constant += 1
                else:
                    parts.append(("g", gate))  # only the connection decides
        elif a != 0:
            parts.append(("w", widx, int(a > 0), gate))
        else:
            parts.append(("h", s, 0 if is_free else fixed, widx))
    k = threshold - constant
    if k <= 0:
        return 1, None
    if k > len(parts):
        return -1, None
    return 0, (parts, k)


def _point_states(network: Network, plans, inputs, first_fixed: dict[int, int] | None = None, start: int = 0):
    """Per layer from ``start`` and neuron: (states, recipes) from the plans, the layer's ``inputs`` given (+-1
    constants, 0 a qubit); ``first_fixed`` gives first-layer states already known (neurons with no free input,
    evaluated for all points at once)."""
    states: list[list[int]] = []
    recipes: list[list[tuple[list[tuple], int] | None]] = []
    activity = [int(v) for v in inputs]
    for layer in range(start, len(plans)):
        layer_plans = plans[layer]
        threshold = firing_threshold(network.layers[layer])
        layer_states, layer_recipes = [], []
        for neuron, plan in enumerate(layer_plans):
            if layer == 0 and first_fixed is not None and neuron in first_fixed:
                state, recipe = first_fixed[neuron], None
            else:
                state, recipe = _neuron_decision(plan, activity, threshold)
            layer_states.append(state)
            layer_recipes.append(recipe)
        states.append(layer_states)
        recipes.append(layer_recipes)
        activity = layer_states
    return states, recipes


def _neuron_states(network: Network, condition: Condition, point: np.ndarray, multibit: bool = False):
    """Per layer and neuron: +1/-1 when constant at this point, else 0 and (free literal recipe, k).

    ``multibit`` (b-bit data): a first-layer neuron is sign(sum_j w_j x_j); its recipe is
    (("adder", weights), None) with weights a free parameter index or a fixed bool (+1 = True).
    """
    plans = _neuron_plans(network, condition)
    if not multibit:
        return _point_states(network, plans, point)
    free = set(condition.free)
    first = [_multibit_state(network, neuron, point, free, condition.values) for neuron in range(network.layers[1])]
    states, recipes = _point_states(network, plans, [state for state, _ in first], start=1)
    return [[state for state, _ in first], *states], [[recipe for _, recipe in first], *recipes]


def _all_neuron_states(network: Network, condition: Condition, X: np.ndarray, multibit: bool = False) -> list:
    """:func:`_neuron_states` of every point (the same lists), with the per-condition work done once.

    The plans are built once, and a first-layer neuron with no free weight or connection (every one outside
    the block) is evaluated for all points at once with numpy: it is +1 exactly when its fixed +1
    contributions reach the threshold.
    """
    if multibit or not np.isin(X, (-1, 1)).all():
        return [_neuron_states(network, condition, X[t], multibit) for t in range(len(X))]
    plans = _neuron_plans(network, condition)
    threshold0 = firing_threshold(network.layers[0])
    first_fixed: dict[int, np.ndarray] = {}
    for neuron, plan in enumerate(plans[0]):
        if all(not is_free and gate < 0 for _, _, is_free, _, gate in plan):
            sources = [s for s, *_ in plan]
            weights = np.array([w for _, _, _, w, _ in plan], dtype=np.int64)
            constant = (X[:, sources].astype(np.int64) * weights > 0).sum(axis=1)
            first_fixed[neuron] = np.where(constant >= threshold0, 1, -1)
    return [
        _point_states(network, plans, X[t], {neuron: int(states[t]) for neuron, states in first_fixed.items()})
        for t in range(len(X))
    ]


def _multibit_state(network: Network, neuron: int, point: np.ndarray, free: set[int], values: np.ndarray):
    """A first-layer neuron on b-bit features: constant when the free weights cannot change sign(sum), else an adder recipe."""
    weights: list[int | bool] = []
    fixed_sum = free_span = 0
    for s, x in enumerate(int(v) for v in point):
        widx = network.weight_index(0, neuron, s)
        if widx in free:
            weights.append(widx)
            free_span += abs(x)
        else:
            weights.append(bool(values[widx] > 0))
            fixed_sum += x * int(values[widx])
    if fixed_sum - free_span >= 0:
        return 1, None
    if fixed_sum + free_span < 0:
        return -1, None
    return 0, (("adder", weights), None)


def compile_folded(
    network: Network, data: Dataset, condition: Condition, *, activation: str = "paper", superpose: bool = True
) -> FoldedQBNN:
    """Build U of ``network`` on ``data`` with the fixed parameters of ``condition`` folded to constants."""
    if activation not in ("paper", "counter"):
        raise ArchitectureError("unknown {activation}; choose paper or counter", activation=activation)
    if condition.network.layers != network.layers or condition.network.meta != network.meta:
        raise ValueError("the condition belongs to another network")
    multibit = data.input_bits > 1  # the first layer sums b-bit features with adders (qbnn.compile.input_layer)
    free_weights = [j for j in condition.free if j < network.num_weights]
    free_connections = [j for j in condition.free if j >= network.num_weights]
    qubit_of: dict[int, int] = {}
    for q, j in enumerate([*free_weights, *free_connections]):
        qubit_of[j] = q
    next_qubit = len(qubit_of)
    acc = list(range(next_qubit, next_qubit + data.num_points))
    next_qubit += data.num_points
    per_point = _all_neuron_states(network, condition, data.X, multibit)
    hidden_qubit: dict[tuple[int, int], int] = {}
    registers: dict[str, list[int]] = {"w": [qubit_of[j] for j in free_weights], "c": [qubit_of[j] for j in free_connections], "acc": acc}
    for layer in range(network.num_layers - 1):
        used = [n for n in range(network.layers[layer + 1]) if any(states[layer][n] == 0 for states, _ in per_point)]
        registers[f"h{layer + 1}"] = list(range(next_qubit, next_qubit + len(used)))
        for n in used:
            hidden_qubit[(layer, n)] = next_qubit
            next_qubit += 1
    if multibit and any(0 in states[0] for states, _ in per_point):
        from qbnn.compile.input_layer import MultibitFirstLayer, weighted_sign_ops

        width = MultibitFirstLayer(data).width
        registers["sum"] = list(range(next_qubit, next_qubit + width))
        next_qubit += width
    anc_base = next_qubit
    ancillas = list(range(anc_base, anc_base + 4096))
    used_ancillas = 0
    ops: list[Op] = []
    threshold_cache: dict = {}
    if superpose:
        ops.extend(Op(H, q) for q in registers["w"] + registers["c"])
    last = network.num_layers - 1
    for t in range(data.num_points):
        states, recipes = per_point[t]
        out_state = states[last][0]
        if out_state != 0:
            if out_state == int(data.y[t]):
                ops.append(Op(PERM, acc[t]))
            continue
        # which qubit neurons the output needs (backwards through qubit inputs)
        needed = [[False] * network.layers[layer + 1] for layer in range(network.num_layers)]
        needed[last][0] = True
        for layer in range(last, 0, -1):
            for n, need in enumerate(needed[layer]):
                if need:
                    for part in recipes[layer][n][0]:
                        if part[0] == "h":
                            needed[layer - 1][part[1]] = True
        blocks: list[list[Op]] = []

        def neuron_block(layer: int, n: int, target: int) -> list[Op]:
            nonlocal used_ancillas
            parts, k = recipes[layer][n]
            if k is None:  # a b-bit first-layer neuron: adders into the sum register, its sign bit out
                weights = [w if isinstance(w, bool) else qubit_of[w] for w in parts[1]]
                return weighted_sign_ops(data.X[t], weights, registers["sum"], target)
            literals: list[Literal] = []
            pre: list[Op] = []
            for part in parts:
                if part[0] == "w":
                    _, widx, pol, gate = part
                    literals.append((qubit_of[widx], pol, qubit_of[gate] if gate >= 0 else -1))
                elif part[0] == "g":
                    literals.append((qubit_of[part[1]], 1, -1))
                else:
                    _, s, fixed, widx = part
                    h = hidden_qubit[(layer - 1, s)]
                    if fixed == 0:  # free weight on a qubit input: XNOR in place (anti-CNOT)
                        pre.append(Op(PERM, h, (qubit_of[widx],), (0,)))
                        literals.append((h, 1, -1))
                    else:
                        literals.append((h, int(fixed > 0), -1))
            block = list(pre)
            used_ancillas = max(used_ancillas, threshold_ops(block, literals, k, target, ancillas, activation, threshold_cache))
            block.extend(pre)
            return block

        for layer in range(last):
            for n in range(network.layers[layer + 1]):
                if needed[layer][n] and states[layer][n] == 0:
                    block = neuron_block(layer, n, hidden_qubit[(layer, n)])
                    blocks.append(block)
                    ops.extend(block)
        ops.extend(neuron_block(last, 0, acc[t]))
        for block in reversed(blocks):
            ops.extend(block)
        if data.y[t] < 0:
            ops.append(Op(PERM, acc[t]))
    registers["anc"] = ancillas[:used_ancillas]
    return FoldedQBNN(network, data, condition, activation, anc_base + used_ancillas, registers, ops)
