"""The paper's three claims without numbers, measured on the circuits (issue 20).

- :func:`scaling`: "the superior scaling of the quantum algorithm becomes more
  prominent for harder problems" (figure 5's caption). Mean oracle calls to a
  solution of BBHT and of the paper's schedule, exact expectations from the
  success probability per k, against classical random search, over cases whose
  fraction of solutions M/N spans several orders of magnitude.
- :func:`parity`: the method "would be able to solve statistically neutral
  problems such as parity problems" (section 6). Architectures searched by
  exact landscape; one with 100%-accurate configurations trained from the circuit.
- :func:`landscape_independence`: training cost depends on M/N only. Datasets
  with equal M and N but different accuracy histograms give the same success
  curve from the circuits.

Each returns plain data (dicts, lists, numbers) for :mod:`qbnn.experiments.report`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from qbnn.engines.amplitude import optimal_iterations, success_curve
from qbnn.model.data import Dataset, paper_problem, parity_problem, sign
from qbnn.engines.registry import get_engine
from qbnn.landscape import compute_landscape
from qbnn.model.network import Network
from qbnn.problem import TrainingProblem
from qbnn.search import BestAccuracy, FixedK, train
from qbnn.model.describe import describe_configuration

__all__ = [
    "ScalingCase",
    "SCALING_CASES",
    "mean_calls_paper_schedule",
    "mean_calls_bbht",
    "fitted_slope",
    "scaling",
    "parity",
    "landscape_independence",
    "same_count_datasets",
    "PARITY_ARCHITECTURES",
]

PSuccess = Callable[[int], float]

#: Stop summing an expectation when the probability of not having succeeded yet falls below this.
TAIL = 1e-13


# --- exact mean oracle calls of the strategies in qbnn.search ------------------------------


def _mean_calls(p_success: PSuccess, tops: Callable[[int], int], max_steps: int) -> float:
    """E[oracle calls to the first success] when step t draws k uniformly from 0..tops(t)-1.

    A step costs k + 1 calls (iterations plus the measurement) whether or not it
    succeeds, and succeeds with the mean of p(0..top-1); steps are independent.
    """
    prefix = [0.0]  # prefix[j] = p(0) + ... + p(j-1)
    alive, expected = 1.0, 0.0
    for t in range(1, max_steps + 1):
        top = tops(t)
        while len(prefix) <= top:
            prefix.append(prefix[-1] + p_success(len(prefix) - 1))
        expected += alive * (top + 1) / 2
        alive *= 1.0 - prefix[top] / top
        if alive < TAIL:
            return expected
    raise RuntimeError(f"the expectation did not converge within {max_steps} steps (is M = 0?)")


def mean_calls_paper_schedule(p_success: PSuccess, max_steps: int = 1 << 20) -> float:
    """Exact mean oracle calls of :class:`~qbnn.search.PaperSchedule`: step t draws k from 0..t-1.

    >>> round(mean_calls_paper_schedule(lambda k: 1.0), 6)  # every step succeeds: step 1 has k = 0
    1.0
    """
    return _mean_calls(p_success, lambda t: t, max_steps)


def mean_calls_bbht(p_success: PSuccess, num_configurations: int, growth: float = 6 / 5, max_steps: int = 1 << 20) -> float:
    """Exact mean oracle calls of :class:`~qbnn.search.BBHT` (k from 0..ceil(m)-1, m *= growth up to sqrt(N)).

    >>> round(mean_calls_bbht(lambda k: 0.5, 1), 6)  # N = 1: m stays 1, so k = 0 and 1 call per step, 2 steps
    2.0
    """
    cap = math.sqrt(num_configurations)
    ms = [1.0]

    def top(t: int) -> int:
        while len(ms) < t:
            ms.append(min(growth * ms[-1], cap))
        return max(1, math.ceil(ms[t - 1]))

    return _mean_calls(p_success, top, max_steps)


def fitted_slope(hardness: Sequence[float], calls: Sequence[float]) -> float:
    """Least-squares slope of log(calls) against log(hardness N/M): the exponent of the scaling law."""
    x, y = np.log(np.asarray(hardness, dtype=float)), np.log(np.asarray(calls, dtype=float))
    if x.size < 2 or np.ptp(x) == 0:
        raise ValueError("a slope needs at least two cases of different hardness N/M")
    return float(np.polyfit(x, y, 1)[0])


# --- claim 1: scaling with hardness -------------------------------------------------------


def _all_points(num_features: int) -> np.ndarray:
    return np.array(list(itertools.product((-1, 1), repeat=num_features)), dtype=np.int8)


def majority(num_features: int) -> Dataset:
    """y = sign(x1 + ... + xn) on all 2^n points (problem 2 of the paper for n = 3)."""
    X = _all_points(num_features)
    return Dataset(X, sign(X.sum(axis=1)), name=f"majority of {num_features} (all {2**num_features} points)")


def planted(layers: Sequence[int], points: int, seed: int) -> Dataset:
    """Random distinct points labelled by a random teacher of the same architecture (so M >= 1)."""
    rng = np.random.default_rng(seed)
    network = Network(tuple(layers))
    rows = rng.choice(1 << network.num_inputs, size=points, replace=False)
    X = np.where((rows[:, None] >> np.arange(network.num_inputs)) & 1, 1, -1).astype(np.int8)
    teacher, _ = network.decode(int(rng.integers(network.num_configurations)))
    return Dataset(X, network.forward(X, teacher), name=f"{points} random points, random teacher (seed {seed})")


@dataclass(frozen=True)
class ScalingCase:
    """One (dataset, architecture) point of the scaling study; ``engine`` runs its circuits."""

    name: str
    layers: tuple[int, ...]
    data: Callable[[], Dataset]
    meta: bool = False
    engine: str = "structured"

    def problem(self) -> TrainingProblem:
        return TrainingProblem(Network(self.layers, meta=self.meta), self.data())


#: Structured where the circuit is cheap to iterate ~sqrt(N) times (p <= 14, fan-in <= 8), the sin^2 law beyond.
SCALING_CASES: tuple[ScalingCase, ...] = (
    ScalingCase("[3,1] majority-3", (3, 1), lambda: majority(3)),
    ScalingCase("[3,2,1] problem 1", (3, 2, 1), lambda: paper_problem(1)),
    ScalingCase("[3,2,1] problem 2", (3, 2, 1), lambda: paper_problem(2)),
    ScalingCase("[4,2,1] majority-4", (4, 2, 1), lambda: majority(4)),
    ScalingCase("[3,2,1] meta, problem 2", (3, 2, 1), lambda: paper_problem(2), meta=True),
    ScalingCase("[8,1] random teacher", (8, 1), lambda: planted((8, 1), 10, 0)),
    ScalingCase("[3,2,1] meta, problem 1", (3, 2, 1), lambda: paper_problem(1), meta=True),
    ScalingCase("[5,2,1] random teacher", (5, 2, 1), lambda: planted((5, 2, 1), 16, 1)),
    ScalingCase("[6,2,1] random teacher, 12 points", (6, 2, 1), lambda: planted((6, 2, 1), 12, 2)),
    ScalingCase("[6,2,1] random teacher, 12 other points", (6, 2, 1), lambda: planted((6, 2, 1), 12, 0)),
    ScalingCase("[8,2,1] majority-8", (8, 2, 1), lambda: majority(8), engine="analytic"),
    ScalingCase("[7,2,1] majority-7", (7, 2, 1), lambda: majority(7), engine="analytic"),
    ScalingCase("[16,1] random teacher", (16, 1), lambda: planted((16, 1), 24, 5), engine="analytic"),
    ScalingCase("[20,1] random teacher", (20, 1), lambda: planted((20, 1), 24, 7), engine="analytic"),
)


def _scaling_row(case: ScalingCase) -> dict:
    problem = case.problem()
    m, n = problem.num_solutions, problem.num_configurations
    if case.engine == "analytic":
        theta = math.asin(math.sqrt(m / n))
        p_success: PSuccess = lambda k: math.sin((2 * k + 1) * theta) ** 2  # noqa: E731
        error = 0.0
        used: dict[int, float] = {}
    else:
        amplification = get_engine(case.engine).prepare(problem)
        used = {}

        def p_success(k: int) -> float:
            used[k] = amplification.success_probability(k)
            return used[k]

    bbht = mean_calls_bbht(p_success, n)
    paper = mean_calls_paper_schedule(p_success)
    if used:
        ks = sorted(used)
        error = float(np.max(np.abs(np.array([used[k] for k in ks]) - success_curve(m, n, ks))))
    return {
        "case": case.name,
        "layers": list(case.layers),
        "meta": case.meta,
        "data": problem.data.name,
        "points": problem.data.num_points,
        "parameters": problem.num_parameters,
        "solutions": m,
        "configurations": n,
        "engine": case.engine,
        "quantum_calls": bbht,  # BBHT: the quantum search that needs no M
        "paper_schedule_calls": paper,
        "classical_calls": (n + 1) / (m + 1),  # random search without replacement
        "classical_calls_with_replacement": n / m,
        "k_from_circuit": len(used),  # iterations counts whose success probability came from the circuit
        "max_abs_error_vs_theory": error,
    }


def scaling(cases: Sequence[ScalingCase] = SCALING_CASES, tick: Callable[[str], None] | None = None) -> dict:
    """Mean oracle calls to a solution per case, quantum vs classical, and the fitted log-log slopes.

    Slopes are fitted over the rows against the hardness N/M; expected: about 1/2 for BBHT
    and 1 for classical random search. The paper's schedule grows k by one per step, so it
    needs about (N/M)^(1/3) steps of about (N/M)^(1/3) iterations: its slope is near 2/3.
    """
    rows = []
    for case in cases:
        if tick:
            tick(f"claims: scaling, {case.name} ({case.engine})")
        rows.append(_scaling_row(case))
    rows.sort(key=lambda r: r["configurations"] / r["solutions"])
    hardness = [r["configurations"] / r["solutions"] for r in rows]
    return {
        "quantum_slope": fitted_slope(hardness, [r["quantum_calls"] for r in rows]),
        "classical_slope": fitted_slope(hardness, [r["classical_calls"] for r in rows]),
        "paper_schedule_slope": fitted_slope(hardness, [r["paper_schedule_calls"] for r in rows]),
        "classical_with_replacement_slope": fitted_slope(hardness, [r["classical_calls_with_replacement"] for r in rows]),
        "quantum": "BBHT (growth 6/5), exact mean from the success probability per k",
        "classical": "random search without replacement, (N+1)/(M+1)",
        "rows": rows,
    }


# --- claim 2: parity ----------------------------------------------------------------------

#: Small architectures searched (in this order) for a perfect 3-bit parity fit.
PARITY_ARCHITECTURES: tuple[tuple[int, ...], ...] = (
    (3, 1), (3, 1, 1), (3, 2, 1), (3, 2, 1, 1), (3, 2, 2, 1), (3, 2, 3, 1), (3, 3, 1), (3, 4, 1),
)


def parity(
    architectures: Sequence[Sequence[int]] = PARITY_ARCHITECTURES,
    seed: int = 2019,
    engine: str = "structured",
    minimum_finding_on: Sequence[int] = (3, 2, 1),
) -> dict:
    """3-bit parity: which architectures have 100%-accurate configurations, one trained from the circuit.

    The first architecture in ``architectures`` with solutions is trained on ``engine`` by
    amplitude amplification at the optimal k for its M (FixedK, measured until a success); on ``minimum_finding_on`` (the paper's network, which has none)
    Durr-Hoyer minimum finding reports the best it reaches.
    """
    data = parity_problem(3)
    searched = []
    for layers in architectures:
        land = compute_landscape(Network(tuple(layers)), data)
        searched.append(
            {
                "layers": list(layers),
                "parameters": land.parameters,
                "solutions": land.num_solutions,
                "best_correct": land.best_correct,
            }
        )
    chosen = next((row for row in searched if row["solutions"]), None)
    if chosen is None:
        raise ValueError("no architecture in the list fits 3-bit parity; add a wider one such as (3, 3, 1)")
    network = Network(tuple(chosen["layers"]))
    problem = TrainingProblem(network, data)
    amplification = get_engine(engine).prepare(problem)
    k = optimal_iterations(problem.num_solutions, problem.num_configurations)
    result = train(problem, FixedK(k, attempts=20), engine=amplification, seed=seed)
    weights = [int(w) for w in result.weights] if result.weights is not None else []
    outputs = network.forward(data.X, np.array(weights)).tolist() if weights else []
    fallback = TrainingProblem(Network(tuple(minimum_finding_on)), data)
    best = train(fallback, BestAccuracy(), engine=engine, seed=seed)
    return {
        "data": data.name,
        "layers": list(network.layers),
        "weights": weights,
        "correct": result.correct,
        "points": result.points,
        "success": result.success,
        "k": k,
        "success_probability_at_k": amplification.success_probability(k),
        "oracle_calls": result.oracle_calls,
        "k_history": list(result.k_history),
        "seed": seed,
        "engine": engine,
        "solutions": problem.num_solutions,
        "configurations": problem.num_configurations,
        "structure": describe_configuration(network, weights) if weights else "",
        "X": data.X.tolist(),
        "y": data.y.tolist(),
        "outputs": outputs,
        "architectures": searched,
        "without_solutions": [row["layers"] for row in searched if not row["solutions"]],
        "minimum_finding": {
            "layers": list(minimum_finding_on),
            "correct": best.correct,
            "points": best.points,
            "best_possible": fallback.landscape.best_correct,
            "oracle_calls": best.oracle_calls,
            "weights": list(best.weights) if best.weights is not None else None,
        },
    }


# --- claim 3: landscape independence ------------------------------------------------------


def same_count_datasets(
    network: Network, points: int, solutions: int, count: int = 2, num_features: int | None = None
) -> list[Dataset]:
    """The first ``count`` datasets of ``points`` distinct points (subsets of all inputs, every labelling,
    in lexicographic order) with exactly ``solutions`` 100%-accurate configurations and pairwise
    different accuracy histograms."""
    n = num_features or network.num_inputs
    X_all = _all_points(n)
    found: list[Dataset] = []
    seen: set[tuple] = set()
    for subset in itertools.combinations(range(len(X_all)), points):
        for labels in range(1 << points):
            y = np.where((labels >> np.arange(points)) & 1, 1, -1)
            name = f"points {[int(i) for i in subset]}, labels {''.join('+' if v > 0 else '-' for v in y)}"
            data = Dataset(X_all[list(subset)], y, name=name)
            land = compute_landscape(network, data)
            histogram = tuple(sorted(land.histogram.items()))
            if land.num_solutions == solutions and histogram not in seen:
                seen.add(histogram)
                found.append(data)
                if len(found) == count:
                    return found
    raise ValueError(f"found only {len(found)} datasets of {points} points with M = {solutions}; ask for fewer")


def landscape_independence(
    datasets: Sequence[Dataset] | None = None,
    layers: Sequence[int] = (3, 2, 1),
    k_max: int = 12,
    engine: str = "structured",
) -> dict:
    """Success probability vs k from the circuits for datasets with equal M and N but different histograms.

    Default: the paper's problem 1 (8 points, M = 8 of 256) and two 6-point datasets with M = 8.
    """
    network = Network(tuple(layers))
    if datasets is None:
        datasets = [paper_problem(1), *same_count_datasets(network, points=6, solutions=8, count=2)]
    ks = list(range(k_max + 1))
    cases = []
    for data in datasets:
        problem = TrainingProblem(network, data)
        amplification = get_engine(engine).prepare(problem)
        amplification.prefetch(ks)
        cases.append(
            {
                "data": data.name,
                "points": data.num_points,
                "X": data.X.tolist(),
                "y": data.y.tolist(),
                "solutions": problem.num_solutions,
                "configurations": problem.num_configurations,
                "histogram": {int(c): int(v) for c, v in problem.landscape.histogram.items()},
                "success": [amplification.success_probability(k) for k in ks],
            }
        )
    curves = np.array([c["success"] for c in cases])
    m, n = cases[0]["solutions"], cases[0]["configurations"]
    return {
        "layers": list(network.layers),
        "engine": engine,
        "k": ks,
        "cases": cases,
        "theory": success_curve(m, n, ks).tolist(),
        "max_difference": float(np.max(curves.max(axis=0) - curves.min(axis=0))),
        "max_abs_error_vs_theory": float(np.max(np.abs(curves - success_curve(m, n, ks)[None, :]))),
    }
