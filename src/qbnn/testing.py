"""Exhaustive basis-state checks of reversible circuits, for our tests and for users' circuits.

A plain, independent reference: the classical action of X-type gates on many
basis states at once (a boolean matrix of states x qubits). It knows nothing
of the structured engine, so the two can check each other (in the manner of
Qualtran's ``classical_sim``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit import ControlledGate

from qbnn.compile.qbnn import QBNNCircuit

__all__ = [
    "classical_minibatch_probabilities",
    "classical_action",
    "assert_circuit_matches_network",
    "assert_ancillas_clean",
    "accuracy_bits_from_circuit",
    "bbht_success_cdf",
    "minimum_finding_success_probability",
    "planted_3sat",
]

_PHASE_ONLY = {"z", "cz", "ccz", "barrier", "global_phase", "id"}


def classical_action(circuit: QuantumCircuit, states: np.ndarray) -> np.ndarray:
    """Apply ``circuit``'s X-type gates to each row of ``states`` (bool, states x qubits).

    Z-type gates only change signs and are skipped; anything that is not a
    basis-state permutation (H, rotations) raises ``ValueError``.
    """
    states = np.array(states, dtype=bool, copy=True)
    if states.ndim != 2 or states.shape[1] != circuit.num_qubits:
        raise ValueError(f"states must be (count, {circuit.num_qubits}) booleans")
    for position, instruction in enumerate(circuit.data):
        op = instruction.operation
        qubits = [circuit.find_bit(q).index for q in instruction.qubits]
        if op.name in _PHASE_ONLY or (isinstance(op, ControlledGate) and op.base_gate.name == "z"):
            continue
        if op.name == "x":
            states[:, qubits[0]] ^= True
            continue
        if isinstance(op, ControlledGate) and op.base_gate.name == "x":
            n = op.num_ctrl_qubits
            fire = np.ones(states.shape[0], dtype=bool)
            for j in range(n):
                want = bool((op.ctrl_state >> j) & 1)
                fire &= states[:, qubits[j]] == want
            states[:, qubits[n]] ^= fire
            continue
        raise ValueError(f"gate {op.name!r} at position {position} is not a classical permutation")
    return states


def _strip_superposition(qbnn: QBNNCircuit) -> QuantumCircuit:
    """U without its H layer on the parameter qubits (the classical part of the circuit)."""
    body = qbnn.circuit.copy_empty_like()
    for instruction in qbnn.circuit.data:
        if instruction.operation.name != "h":
            body.append(instruction)
    return body


def accuracy_bits_from_circuit(qbnn: QBNNCircuit, configurations: Sequence[int] | np.ndarray) -> np.ndarray:
    """Run U's classical body on the basis state of each configuration; returns (final states, acc bits)."""
    configs = np.asarray(configurations, dtype=np.int64)
    params = qbnn.parameter_qubits
    states = np.zeros((len(configs), qbnn.num_qubits), dtype=bool)
    for j, qubit in enumerate(params):
        states[:, qubit] = (configs >> j) & 1
    final = classical_action(_strip_superposition(qbnn), states)
    return final


def assert_ancillas_clean(qbnn: QBNNCircuit, final_states: np.ndarray) -> None:
    """Every work qubit (inputs, hidden activity, ancillas) is back to |0>."""
    work = qbnn.work_qubits
    dirty = final_states[:, work].any(axis=1)
    if dirty.any():
        row = int(np.flatnonzero(dirty)[0])
        qubits = [work[i] for i in np.flatnonzero(final_states[row, work])]
        raise AssertionError(f"work qubits {qubits} are not returned to |0> for basis input #{row}")


def assert_circuit_matches_network(qbnn: QBNNCircuit, configurations: Sequence[int] | np.ndarray | None = None) -> None:
    """For every configuration (default: all 2^p), the circuit's accuracy bits equal the forward pass.

    Also checks that the parameter qubits are unchanged and every work qubit is clean.
    """
    network, data, condition = qbnn.network, qbnn.data, qbnn.condition
    if configurations is None:
        configurations = np.arange(1 << len(qbnn.parameter_qubits))
    configs = np.asarray(configurations, dtype=np.int64)
    final = accuracy_bits_from_circuit(qbnn, configs)
    for j, qubit in enumerate(qbnn.parameter_qubits):
        if not np.array_equal(final[:, qubit], ((configs >> j) & 1).astype(bool)):
            raise AssertionError(f"parameter qubit {qubit} is changed by the circuit")
    assert_ancillas_clean(qbnn, final)
    acc = final[:, qbnn.accuracy_qubits]
    for row, config in enumerate(configs):
        if condition is None:
            expected = network.correct_bits_for(int(config), data.X, data.y)
        else:  # a conditional circuit: the free parameters are the qubits, the rest come from the condition
            expected = network.forward(data.X, *network.split_parameters(condition.vector(int(config)))) == data.y
        if not np.array_equal(acc[row], expected):
            raise AssertionError(
                f"configuration {int(config)}: circuit accuracy bits {acc[row].astype(int).tolist()} "
                f"differ from the forward pass {expected.astype(int).tolist()}"
            )


def classical_minibatch_probabilities(network, data, batch_size: int, steps: int) -> list[np.ndarray]:
    """Grover with a per-step phase oracle, on 2^p real amplitudes: a <- 2 mean(O a) - O a (no circuit)."""
    from qbnn.compile.minibatch import split_batches

    configs = np.arange(network.num_configurations)
    fits = []
    for batch in split_batches(data.num_points, batch_size):
        correct = network.batch_correct_counts(configs, data.X[batch], data.y[batch])
        fits.append(correct == len(batch))
    a = np.full(configs.size, 1 / np.sqrt(configs.size))
    history = [a**2]
    for step in range(steps):
        a = np.where(fits[step % len(fits)], -a, a)
        a = 2 * a.mean() - a
        history.append(a**2)
    return history


def bbht_success_cdf(
    p_success: Callable[[int], float], steps: int, num_configurations: int, growth: float = 6 / 5
) -> np.ndarray:
    """Exact P(BBHT has succeeded by step t), t = 1..steps, when the budget does not bind.

    Step t draws k uniformly from 0..ceil(m_t)-1 with m_1 = 1, m_(t+1) = min(growth m_t, sqrt(N))
    (Boyer et al. 1998), so it succeeds with the mean of p(0..ceil(m_t)-1), independently of earlier steps.
    """
    m, cap = 1.0, math.sqrt(num_configurations)
    failed, cdf = 1.0, []
    for _ in range(steps):
        top = max(1, math.ceil(m))
        failed *= 1.0 - sum(p_success(k) for k in range(top)) / top
        cdf.append(1.0 - failed)
        m = min(growth * m, cap)
    return np.array(cdf)


def minimum_finding_success_probability(
    histogram: Sequence[int], budget: int, goal: int | None = None, growth: float = 6 / 5
) -> float:
    """Exact probability that Durr-Hoyer minimum finding (``--strategy best``) ends with ``goal`` correct points.

    ``histogram[c]`` is the number of configurations with c correct points (the exact landscape);
    ``goal`` defaults to the best count. The process, as in :func:`qbnn.search.train`: one uniformly
    random configuration (1 call) is the incumbent; then, with the threshold t = best + 1, BBHT steps
    draw k uniformly from 0..ceil(m)-1 (m = 1, growing by ``growth`` up to sqrt(N) after each miss) and
    cost k + 1 calls; a step finds a configuration with >= t correct with probability
    sin^2((2k+1) theta_t), sin^2 theta_t = M_t / N, and that configuration is uniform over the M_t
    (amplitude amplification keeps the marked amplitudes equal). A step that would pass ``budget``
    ends the search. Computed by dynamic programming over (calls, best, misses), not by sampling.
    """
    counts = np.asarray(histogram, dtype=np.float64)
    total = float(counts.sum())
    best_possible = int(np.flatnonzero(counts)[-1])
    goal = best_possible if goal is None else int(goal)
    if budget < 1:
        raise ValueError("budget must be at least 1")
    if goal > best_possible:
        return 0.0  # no configuration has that many correct points
    cap = math.sqrt(total)
    ms = [1.0]
    while ms[-1] < cap:
        ms.append(min(growth * ms[-1], cap))
    at_least = np.cumsum(counts[::-1])[::-1]  # at_least[t] = M_t
    points = len(counts) - 1
    # mass[calls][best, misses]: probability of being at the start of a step in that state
    mass = np.zeros((budget + 1, points + 1, len(ms)))
    success = float(counts[goal:].sum() / total)
    mass[1, :goal, 0] = counts[:goal] / total
    for calls in range(1, budget):
        for best, misses in zip(*np.nonzero(mass[calls])):
            weight = mass[calls, best, misses]
            target = best + 1
            theta = math.asin(math.sqrt(at_least[target] / total))
            top = max(1, math.ceil(ms[misses]))
            for k in range(top):
                after = calls + k + 1
                if after > budget:
                    continue  # the step does not fit: the search ends here without the goal
                p = math.sin((2 * k + 1) * theta) ** 2
                share = weight / top
                found = share * p * counts[target:] / at_least[target]  # new best c = target + index
                success += float(found[goal - target :].sum())
                mass[after, target:goal, 0] += found[: goal - target]
                mass[after, best, min(misses + 1, len(ms) - 1)] += share * (1.0 - p)
    return success


def planted_3sat(n: int, m: int, rng: np.random.Generator) -> tuple[np.ndarray, list[tuple[tuple[int, ...], tuple[int, ...]]]]:
    """A planted assignment of n variables and m random 3-clauses that it satisfies (a Grover workload).

    A clause is (variables, negations): literal v if negation 0, not-v if 1.
    """
    planted = rng.integers(0, 2, n)
    clauses = []
    while len(clauses) < m:
        variables = tuple(int(v) for v in rng.choice(n, 3, replace=False))
        negations = tuple(int(s) for s in rng.integers(0, 2, 3))
        if any(planted[v] ^ s for v, s in zip(variables, negations)):
            clauses.append((variables, negations))
    return planted, clauses
