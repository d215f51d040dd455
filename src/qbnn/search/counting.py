"""Count solutions without knowing them: maximum-likelihood amplitude estimation, or textbook quantum counting.

Two methods. ``estimate_solutions`` (MLAE, no phase estimation):

Suzuki et al., *Amplitude estimation without phase estimation* (Quantum
Information Processing 19, 75, 2020): measure after U Q^k for a schedule of
k (0, 1, 2, 4, ...), count how often the outcome is good, and maximise the
likelihood prod_k sin^2((2k+1)theta)^h_k cos^2((2k+1)theta)^(n-h_k) over
theta. Then M = N sin^2 theta, with a likelihood-ratio confidence interval,
and the estimate picks the optimal k for training (paper section 6 asks
how to search when M is unknown).

``count_by_phase_estimation`` (Brassard, Hoyer, Tapp, *Quantum counting*,
ICALP 1998): phase estimation of Q with m counting qubits, run on the
structured engine; the counting register reads y with 2 pi y / 2^m close to
+-2 theta.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from qbnn.engines.amplitude import optimal_iterations
from qbnn.engines.protocol import Amplification

__all__ = [
    "CountResult", "estimate_solutions", "default_schedule",
    "QPECountResult", "count_by_phase_estimation", "qpe_circuit", "qpe_outcome_probabilities",
]

#: chi-square(1) quantiles for the likelihood-ratio interval.
_CHI2_1 = {0.68: 0.98889, 0.9: 2.70554, 0.95: 3.84146, 0.99: 6.63490}


@dataclass(frozen=True)
class CountResult:
    """Estimated number of solutions M, its confidence interval and what it cost."""

    solutions: float  # maximum-likelihood estimate of M
    solutions_rounded: int
    interval: tuple[float, float]
    confidence: float
    configurations: int
    theta: float
    schedule: list[int]
    shots: int
    hits: list[int]
    oracle_calls: int  # Grover iterations + measurements, summed over every shot
    optimal_k: int  # the k that maximises sin^2((2k+1) theta) for the estimate
    seed: int | None

    def to_json(self) -> dict:
        data = asdict(self)
        data["interval"] = list(self.interval)
        return data


def default_schedule(num_configurations: int) -> list[int]:
    """k = 0, 1, 2, 4, ... up to about pi/4 sqrt(N): the exponential schedule of Suzuki et al."""
    limit = max(1, int(math.pi / 4 * math.sqrt(num_configurations)))
    schedule = [0]
    k = 1
    while k <= limit:
        schedule.append(k)
        k *= 2
    return schedule


def _log_likelihood(thetas: np.ndarray, schedule: Sequence[int], hits: Sequence[int], shots: int) -> np.ndarray:
    total = np.zeros_like(thetas)
    for k, h in zip(schedule, hits):
        p = np.sin((2 * k + 1) * thetas) ** 2
        if h:  # terms with no counts are 0: skip their logarithms
            total += h * np.log(np.maximum(p, 1e-300))
        if shots - h:
            total += (shots - h) * np.log(np.maximum(1.0 - p, 1e-300))
    return total


def estimate_solutions(
    amplification: Amplification,
    *,
    shots: int = 100,
    schedule: Sequence[int] | None = None,
    confidence: float = 0.95,
    seed: int | None = 0,
    grid: int = 200_001,
) -> CountResult:
    """Estimate M by MLAE on ``amplification`` (any engine); every measurement is seeded.

    >>> from qbnn.problem import TrainingProblem
    >>> from qbnn.engines.analytic import AnalyticEngine
    >>> result = estimate_solutions(AnalyticEngine().prepare(TrainingProblem.paper(1)), seed=1)
    >>> result.solutions_rounded, result.optimal_k
    (8, 4)
    """
    if confidence not in _CHI2_1:
        raise ValueError(f"confidence must be one of {sorted(_CHI2_1)}")
    if shots < 1:
        raise ValueError("shots must be at least 1")
    problem = amplification.problem
    total = problem.num_configurations
    ks = list(schedule) if schedule is not None else default_schedule(total)
    rng = np.random.default_rng(seed)
    good = problem.good_mask
    hits = []
    for k in ks:
        outcomes = amplification.sample(k, rng, shots=shots)
        hits.append(int(good[outcomes].sum()))
    thetas = np.linspace(0.0, math.pi / 2, grid)
    loglik = _log_likelihood(thetas, ks, hits, shots)
    best = int(np.argmax(loglik))
    # refine around the grid maximum
    step = thetas[1] - thetas[0]
    fine = np.linspace(max(0.0, thetas[best] - step), min(math.pi / 2, thetas[best] + step), 2001)
    fine_loglik = _log_likelihood(fine, ks, hits, shots)
    theta_hat = float(fine[int(np.argmax(fine_loglik))])
    peak = max(float(fine_loglik.max()), float(loglik[best]))
    inside = thetas[2 * (peak - loglik) <= _CHI2_1[confidence]]
    lo_theta = float(min(inside.min(), theta_hat)) if inside.size else theta_hat
    hi_theta = float(max(inside.max(), theta_hat)) if inside.size else theta_hat
    estimate = total * math.sin(theta_hat) ** 2
    rounded = int(round(estimate))
    interval = (total * math.sin(max(0.0, lo_theta - step)) ** 2, total * math.sin(min(math.pi / 2, hi_theta + step)) ** 2)
    oracle_calls = sum(shots * (k + 1) for k in ks)
    return CountResult(
        solutions=estimate,
        solutions_rounded=rounded,
        interval=interval,
        confidence=confidence,
        configurations=total,
        theta=theta_hat,
        schedule=ks,
        shots=shots,
        hits=hits,
        oracle_calls=oracle_calls,
        optimal_k=optimal_iterations(min(max(rounded, 1), total), total),
        seed=seed,
    )


# --------------------------------------------------------------------------- textbook quantum counting (QPE)


@dataclass(frozen=True)
class QPECountResult:
    """Quantum counting by phase estimation of Q (Brassard-Hoyer-Tapp): estimate, interval, cost."""

    solutions: float  # maximum-likelihood estimate of M from the counting-register outcomes
    solutions_rounded: int
    textbook_estimate: float  # N sin^2(pi y / 2^m) for the most frequent outcome y
    interval: tuple[float, float]
    confidence: float
    configurations: int
    theta: float
    eval_qubits: int
    shots: int
    counts: dict[int, int]  # counting-register outcome y -> shots
    oracle_calls: int  # per shot: 2^m - 1 controlled iterates + the preparation, times shots
    optimal_k: int
    seed: int | None

    def to_json(self) -> dict:
        data = asdict(self)
        data["interval"] = list(self.interval)
        data["counts"] = {str(k): v for k, v in self.counts.items()}
        return data


def qpe_outcome_probabilities(theta: float | np.ndarray, eval_qubits: int) -> np.ndarray:
    """P(y | theta) of phase estimation of Q (eigenphases +-2 theta, each with weight 1/2) on U|0>; shape (..., 2^m)."""
    size = 1 << eval_qubits
    y = np.arange(size)
    shift = size * np.asarray(theta, dtype=float)[..., None] / math.pi

    def fejer(delta: np.ndarray) -> np.ndarray:
        s = np.sin(math.pi * delta / size)
        safe = np.where(np.abs(s) < 1e-12, 1.0, s)
        return np.where(np.abs(s) < 1e-12, 1.0, (np.sin(math.pi * delta) / (size * safe)) ** 2)

    return 0.5 * (fejer(y - shift) + fejer(y + shift))


def qpe_circuit_parts(problem, eval_qubits: int):
    """The counting circuit in three parts on n + m qubits (counting qubits last, qubit n + j controls Q^(2^j)).

    ``prepare``: U on the problem's qubits and H on the counting qubits; ``controlled[j]``: Q controlled by
    counting qubit j (apply it 2^j times); ``readout``: the inverse QFT on the counting qubits and their
    measurement. Q is built as (oracle; U^-1 S_0 U) with phase pi, so that its controlled version controls
    only the marking and reflecting gates (V c(M) V^-1 in :mod:`qbnn.simulator.lowering`).
    """
    from qiskit import ClassicalRegister, QuantumCircuit
    from qiskit.circuit.library import QFTGate

    from qbnn.compile.oracles import accuracy_oracle, zero_reflection
    from qbnn.errors import QbnnError

    if problem.minibatch is not None:
        raise QbnnError("phase-estimation counting needs one Grover iterate; drop {batch_size}", batch_size=problem.batch_size)
    if not 1 <= eval_qubits <= 16:
        raise QbnnError("{eval_qubits} must be 1..16", eval_qubits=eval_qubits)
    u = problem.qbnn.circuit
    n, m = u.num_qubits, eval_qubits
    oracle = problem.oracle if problem.oracle is not None else accuracy_oracle(u, problem.qbnn.accuracy_qubits)
    reflection = u.inverse()
    reflection.compose(zero_reflection(u), inplace=True)
    reflection.compose(u, inplace=True)
    q = QuantumCircuit(n, global_phase=math.pi, name="Q")
    q.append(oracle.to_gate(label="S_chi"), range(n))
    q.append(reflection.to_gate(label="U^-1 S_0 U"), range(n))
    controlled_q = q.to_gate().control(1, annotated=True)
    prepare = QuantumCircuit(n + m)
    prepare.compose(u, range(n), inplace=True)
    prepare.h(range(n, n + m))
    controlled = []
    for j in range(m):
        step = QuantumCircuit(n + m, name=f"c-Q[{j}]")
        step.append(controlled_q, [n + j, *range(n)])
        controlled.append(step)
    readout = QuantumCircuit(n + m)
    readout.add_register(ClassicalRegister(m, "y"))
    readout.append(QFTGate(m).inverse(), range(n, n + m))
    readout.measure(range(n, n + m), range(m))
    return prepare, controlled, readout


def qpe_circuit(problem, eval_qubits: int):
    """The whole textbook counting circuit (for Aer or any Qiskit tool): prepare, c-Q^(2^j) for each j, readout."""
    prepare, controlled, readout = qpe_circuit_parts(problem, eval_qubits)
    circuit = prepare.copy()
    circuit.add_register(readout.cregs[0])
    for j, step in enumerate(controlled):
        for _ in range(1 << j):
            circuit.compose(step, inplace=True)
    circuit.compose(readout, inplace=True)
    return circuit


def qpe_counting_state(problem, eval_qubits: int, simulator=None):
    """The exact state before measurement of the counting circuit, run on the structured engine."""
    from qbnn.simulator.structured import StructuredSimulator

    simulator = simulator or StructuredSimulator()
    prepare, controlled, readout = qpe_circuit_parts(problem, eval_qubits)
    simulator.check_memory(prepare.num_qubits, len(problem.parameter_qubits) + eval_qubits)
    state = simulator.run(prepare)
    first = simulator.compile(controlled[0])  # lowered once; step j only moves the control to qubit n + j
    n = problem.qbnn.circuit.num_qubits
    for j in range(eval_qubits):
        _with_control(first, n, n + j).repeat(state, 1 << j, simulator)
    return simulator.run(readout, state)


def _with_control(program, old: int, new: int):
    """``program`` with qubit ``old`` renamed ``new`` in every condition (it is never a target here)."""
    from qbnn.simulator.ops import LoweredCircuit, Op
    from qbnn.simulator.structured import StructuredProgram

    if old == new:
        return program
    ops = [
        op if old not in op.controls else Op(op.kind, op.target, tuple(new if c == old else c for c in op.controls),
                                             op.polarities, op.position, op.name, op.matrix)
        for op in program.lowered.ops
    ]
    lowered = LoweredCircuit(program.num_qubits, ops, program.lowered.global_phase)
    return StructuredProgram.of(lowered)


def count_by_phase_estimation(
    problem,
    *,
    eval_qubits: int = 6,
    shots: int = 1000,
    confidence: float = 0.95,
    seed: int | None = 0,
    grid: int = 200_001,
    max_memory_bytes: int | None = None,
) -> QPECountResult:
    """Textbook quantum counting of ``problem`` (a TrainingProblem) on the structured engine.

    Measures the counting register ``shots`` times (seeded), reports the textbook estimate
    N sin^2(pi y / 2^m) of the most frequent y, and the maximum-likelihood estimate over all outcomes
    (the outcome law is :func:`qpe_outcome_probabilities`) with a likelihood-ratio interval.
    """
    from qbnn.errors import QbnnError

    if getattr(problem, "radius", None) is not None:  # a RobustProblem: its oracle is not built for controlled use
        raise QbnnError("quantum counting by phase estimation counts plain solutions; count robust ones with {method} mle",
                        method=...)
    from qbnn.simulator.structured import StructuredSimulator
    from qbnn.errors import QbnnError

    if confidence not in _CHI2_1:
        raise QbnnError("{confidence} must be one of " + str(sorted(_CHI2_1)), confidence=confidence)
    if shots < 1:
        raise QbnnError("{shots} must be at least 1", shots=shots)
    simulator = StructuredSimulator(max_memory_bytes=max_memory_bytes)
    state = qpe_counting_state(problem, eval_qubits, simulator)
    n = problem.qbnn.circuit.num_qubits
    outcomes = state.sample(list(range(n, n + eval_qubits)), shots, np.random.default_rng(seed))
    values, tallies = np.unique(outcomes, return_counts=True)
    counts = {int(v): int(c) for v, c in zip(values, tallies)}
    total = problem.num_configurations
    size = 1 << eval_qubits
    top = max(counts, key=lambda y: (counts[y], -y))
    textbook = total * math.sin(math.pi * top / size) ** 2
    thetas = np.linspace(0.0, math.pi / 2, grid)
    loglik = np.zeros_like(thetas)
    for start in range(0, grid, 20_000):  # chunks keep the (grid, 2^m) table small
        probs = qpe_outcome_probabilities(thetas[start : start + 20_000], eval_qubits)[:, values]
        loglik[start : start + 20_000] = np.log(np.maximum(probs, 1e-300)) @ tallies
    best = int(np.argmax(loglik))
    theta_hat = float(thetas[best])
    inside = thetas[2 * (loglik[best] - loglik) <= _CHI2_1[confidence]]
    step = thetas[1] - thetas[0]
    lo, hi = max(0.0, float(inside.min()) - step), min(math.pi / 2, float(inside.max()) + step)
    estimate = total * math.sin(theta_hat) ** 2
    rounded = int(round(estimate))
    return QPECountResult(
        solutions=estimate,
        solutions_rounded=rounded,
        textbook_estimate=textbook,
        interval=(total * math.sin(lo) ** 2, total * math.sin(hi) ** 2),
        confidence=confidence,
        configurations=total,
        theta=theta_hat,
        eval_qubits=eval_qubits,
        shots=shots,
        counts=counts,
        oracle_calls=shots * size,
        optimal_k=optimal_iterations(min(max(rounded, 1), total), total),
        seed=seed,
    )
