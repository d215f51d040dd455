"""When would a fault-tolerant quantum computer train a BNN faster than this CPU?

For networks ``[n0, h, 1]`` of growing hidden width on one dataset we set the
surface-code wall time of a Grover search (U once, then the iterations for M
solutions, repeated 1/P times on average) against two classical searches
timed on this machine: exhaustive search, which evaluates all 2^p
configurations with qbnn's vectorised landscape kernel, and random search
without replacement, (2^p + 1)/(M + 1) evaluations on average. The classical
rate is measured (CPU time per configuration over a chunk of configurations)
and extrapolated to the whole space; the quantum side is the model of
:mod:`qbnn.hardware.fault_tolerant`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace

import numpy as np

from qbnn.engines.amplitude import success_probability
from qbnn.model.data import Dataset
from qbnn.errors import ArchitectureError
from qbnn.hardware.fault_tolerant import (
    ModelLimitError,
    SurfaceCodeModel,
    iterate_logical_counts,
    logical_counts,
    search_iterations,
)
from qbnn.model.network import MAX_SUPERPOSED, Network

__all__ = [
    "SizeCost",
    "CrossoverRow",
    "Crossover",
    "measure_seconds_per_configuration",
    "size_cost",
    "crossover_rows",
    "first_crossing",
    "crossover_study",
    "crossover_figure",
    "crossover_table",
    "crossover_summary",
    "report_study",
    "report_results",
    "report_markdown",
    "REPORT_FIGURE",
    "AGAINST",
    "BranchAndBoundRow",
    "BranchAndBoundSide",
    "branch_and_bound_side",
]

#: Classical competitors of ``qbnn crossover --against``.
AGAINST = ("exhaustive", "branch-and-bound")


@dataclass(frozen=True)
class SizeCost:
    """What one network size costs: logical qubits and Toffolis (quantum), CPU seconds per configuration (classical)."""

    layers: tuple[int, ...]
    parameters: int
    logical_qubits: int
    toffolis_U: int
    toffolis_Q: int
    seconds_per_configuration: float


@dataclass(frozen=True)
class CrossoverRow:
    """One size: quantum and classical times to a solution (``quantum_s`` None beyond the factory model)."""

    layers: tuple[int, ...]
    parameters: int
    iterations: int
    quantum_s: float | None
    exhaustive_s: float
    random_search_s: float
    toffolis: int
    code_distance: int | None
    physical_qubits: int | None
    seconds_per_configuration: float

    def to_json(self) -> dict:
        row = asdict(self)
        row["layers"] = list(self.layers)
        return row


@dataclass(frozen=True)
class Crossover:
    """Rows by size, the sizes where the quantum curve crosses each classical one, and every assumption."""

    rows: tuple[CrossoverRow, ...]
    crossover_parameters: int | None
    random_search_crossover_parameters: int | None
    solutions: int
    assumptions: tuple[str, ...] = field(default=())
    against: str = "exhaustive"
    branch_and_bound: BranchAndBoundSide | None = None

    def to_json(self) -> dict:
        payload = {
            "rows": [row.to_json() for row in self.rows],
            "crossover_parameters": self.crossover_parameters,
            "random_search_crossover_parameters": self.random_search_crossover_parameters,
            "solutions": self.solutions,
            "assumptions": list(self.assumptions),
            "against": self.against,
        }
        if self.branch_and_bound is not None:
            payload["branch_and_bound"] = self.branch_and_bound.to_json()
        return payload


@dataclass(frozen=True)
class BranchAndBoundRow:
    """One size against classical branch-and-bound: measured (or extrapolated) tree, and both quantum times."""

    parameters: int
    measured: bool
    tree_nodes: float
    dfs_nodes: float
    branch_and_bound_s: float  # depth-first vertices x measured seconds per vertex
    grover_s: float | None
    backtracking_walk_steps: float
    backtracking_toffolis: float
    backtracking_s: float | None

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class BranchAndBoundSide:
    """Classical branch-and-bound measured on this CPU, extrapolated, against Grover and quantum backtracking."""

    rows: tuple[BranchAndBoundRow, ...]
    growth_tree: float  # b in T ~ 2^(a + b p), least squares over the measured sizes
    growth_dfs: float
    seconds_per_node: float
    grover_crossover_parameters: int | None
    backtracking_crossover_parameters: int | None
    assumptions: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {
            "rows": [r.to_json() for r in self.rows],
            "growth_tree": self.growth_tree,
            "growth_dfs": self.growth_dfs,
            "seconds_per_node": self.seconds_per_node,
            "grover_crossover_parameters": self.grover_crossover_parameters,
            "backtracking_crossover_parameters": self.backtracking_crossover_parameters,
            "assumptions": list(self.assumptions),
        }


#: Branch-and-bound trees are measured up to this many free parameters (and this many vertices), then extrapolated.
BNB_MEASURE_PARAMETERS = 24
BNB_MEASURE_NODES = 2_000_000
#: Predicate evaluations per walk step (R_A and R_B each compute and uncompute the accept/reject predicate) ...
PREDICATES_PER_STEP = 4
#: ... and U's per predicate (the three-valued bound needs a lower and an upper count: two counting passes).
U_PER_PREDICATE = 2


def branch_and_bound_side(
    data: Dataset,
    rows: list[CrossoverRow],
    costs: list[SizeCost],
    walk_steps: Callable[[float, int], float],
    model: SurfaceCodeModel,
    progress=None,
) -> BranchAndBoundSide:
    """Measure branch-and-bound for every size it can finish, fit its growth, price quantum backtracking per size.

    ``walk_steps(T, n)`` is the walk-step count of quantum backtracking
    (``qbnn.backtracking.costs.finding_walk_steps``: passed in, since the
    backtracking layer sits beside this one).
    """
    from qbnn.baselines.branch_and_bound import search_tree
    from qbnn.errors import ResourceLimitError
    from qbnn.problem import TrainingProblem

    measured: dict[int, tuple[int, int, float]] = {}
    for cost in costs:
        if cost.parameters > BNB_MEASURE_PARAMETERS:
            break
        if progress is not None:
            progress(f"{list(cost.layers)}: classical branch-and-bound")
        try:
            tree = search_tree(TrainingProblem(Network(cost.layers), data), max_nodes=BNB_MEASURE_NODES)
        except ResourceLimitError:
            break
        measured[cost.parameters] = (tree.nodes, tree.dfs_nodes(), tree.seconds)
    if not measured:
        raise ArchitectureError("no network size could be searched by branch-and-bound; give smaller {hidden} widths", hidden=...)
    p = np.array(sorted(measured), dtype=float)
    T = np.array([measured[int(q)][0] for q in p], dtype=float)
    D = np.array([measured[int(q)][1] for q in p], dtype=float)
    per_node = float(np.median([measured[int(q)][2] / measured[int(q)][0] for q in p]))
    fit_T = np.polyfit(p, np.log2(T), 1) if len(p) > 1 else np.array([1.0, math.log2(T[0]) - p[0]])
    fit_D = np.polyfit(p, np.log2(D), 1) if len(p) > 1 else np.array([1.0, math.log2(D[0]) - p[0]])
    out = []
    for row, cost in zip(rows, costs):
        if cost.parameters in measured:
            nodes, dfs, _ = measured[cost.parameters]
            known = True
        else:
            nodes = 2.0 ** float(np.polyval(fit_T, cost.parameters))
            dfs = min(nodes, 2.0 ** float(np.polyval(fit_D, cost.parameters)))
            known = False
        steps = float(walk_steps(nodes, cost.parameters))
        toffolis = steps * PREDICATES_PER_STEP * U_PER_PREDICATE * cost.toffolis_U
        qubits = U_PER_PREDICATE * cost.logical_qubits + cost.parameters + math.ceil(math.log2(max(2.0, steps + 1)))
        try:
            quantum = model.estimate(qubits, int(min(toffolis, 2**62))).wall_time_s
        except ModelLimitError:
            quantum = None
        out.append(BranchAndBoundRow(cost.parameters, known, float(nodes), float(dfs), float(dfs) * per_node, row.quantum_s, steps, toffolis, quantum))
    assumptions = (
        f"classical branch-and-bound (qbnn.baselines.branch_and_bound, output layer first) timed on this CPU for p <= "
        f"{int(p.max())} at target = all points: T ~ 2^({fit_T[1]:.2f} + {fit_T[0]:.3f} p), depth-first vertices ~ "
        f"2^({fit_D[1]:.2f} + {fit_D[0]:.3f} p), {per_node:.3g} s per vertex; larger sizes extrapolated from these fits",
        "classical cost = depth-first vertices to the first solution x seconds per vertex (the vectorised tree build's rate)",
        f"quantum backtracking: Montanaro's finding walk steps for the (measured or extrapolated) T and n = p; each walk "
        f"step = {PREDICATES_PER_STEP} predicate evaluations (compute and uncompute in R_A and in R_B), each = "
        f"{U_PER_PREDICATE} x the Toffolis of the compiled network evaluation U (lower and upper counts); node-register "
        "arithmetic and the phase-estimation register's controls not counted (an underestimate of the quantum cost)",
        f"backtracking logical qubits = {U_PER_PREDICATE} x U's + p (node register) + phase-estimation bits",
    )
    def crossing(quantum_key: str) -> int | None:
        found = None
        for r in out:
            q = getattr(r, quantum_key)
            faster = q is not None and q < r.branch_and_bound_s
            if faster and found is None:
                found = r.parameters
            elif not faster and q is not None:
                found = None
        return found

    return BranchAndBoundSide(
        rows=tuple(out),
        growth_tree=float(fit_T[0]),
        growth_dfs=float(fit_D[0]),
        seconds_per_node=per_node,
        grover_crossover_parameters=crossing("grover_s"),
        backtracking_crossover_parameters=crossing("backtracking_s"),
        assumptions=assumptions,
    )


def measure_seconds_per_configuration(network: Network, data: Dataset, *, sample: int = 1 << 14, repeats: int = 3) -> float:
    """CPU seconds per configuration of qbnn's landscape kernel on ``sample`` consecutive configurations (best of ``repeats``)."""
    count = min(int(sample), network.num_configurations)
    indices = np.arange(count, dtype=np.int64)
    best = math.inf
    for _ in range(max(1, repeats)):
        start = time.process_time()
        network.batch_correct_counts(indices, data.X, data.y)
        best = min(best, time.process_time() - start)
    return max(best, 1e-9) / count


def size_cost(network: Network, data: Dataset, *, activation: str = "counter", sample: int = 1 << 14) -> SizeCost:
    """Build U and Q for ``network`` on ``data``, count them, and time the classical kernel."""
    qubits, toffolis_U, toffolis_Q = _circuit_counts(network, data, activation)
    return SizeCost(
        layers=network.layers,
        parameters=network.num_parameters,
        logical_qubits=qubits,
        toffolis_U=toffolis_U,
        toffolis_Q=toffolis_Q,
        seconds_per_configuration=measure_seconds_per_configuration(network, data, sample=sample),
    )


def _circuit_counts(network: Network, data: Dataset, activation: str) -> tuple[int, int, int]:
    """(logical qubits, Toffolis of U, Toffolis of Q), cached: building Q for wide networks takes a while."""
    key = (network.layers, network.meta, activation, data.X.tobytes(), data.y.tobytes(), data.X.shape)
    if key not in _COUNTS:
        from qbnn.problem import TrainingProblem

        problem = TrainingProblem(network, data, activation=activation)
        u, q = logical_counts(problem.qbnn.circuit), iterate_logical_counts(*problem.iterate_parts)
        _COUNTS[key] = (max(u.logical_qubits, q.logical_qubits), u.toffoli_count, q.toffoli_count)
    return _COUNTS[key]


_COUNTS: dict[tuple, tuple[int, int, int]] = {}


def crossover_rows(costs: list[SizeCost], solutions: int = 1, model: SurfaceCodeModel | None = None) -> list[CrossoverRow]:
    """Times to a solution for each size: the arithmetic of the study, free of any measurement.

    quantum = wall time of (U + k Q) Toffolis / P(success), k = :func:`search_iterations`;
    exhaustive = 2^p s; random search = (2^p + 1)/(M + 1) s, s = seconds per configuration.
    """
    model = model or SurfaceCodeModel()
    rows = []
    for cost in costs:
        size = 2.0**cost.parameters
        k = search_iterations(cost.parameters, solutions)
        toffolis = cost.toffolis_U + k * cost.toffolis_Q
        probability = _success(solutions, cost.parameters, k)
        try:
            physical = model.estimate(cost.logical_qubits, toffolis)
        except ModelLimitError:
            physical = None
        rows.append(
            CrossoverRow(
                layers=cost.layers,
                parameters=cost.parameters,
                iterations=k,
                quantum_s=None if physical is None else physical.wall_time_s / probability,
                exhaustive_s=size * cost.seconds_per_configuration,
                random_search_s=(size + 1) / (solutions + 1) * cost.seconds_per_configuration,
                toffolis=toffolis,
                code_distance=None if physical is None else physical.code_distance,
                physical_qubits=None if physical is None else physical.physical_qubits,
                seconds_per_configuration=cost.seconds_per_configuration,
            )
        )
    return rows


def _success(solutions: int, parameters: int, k: int) -> float:
    if parameters <= 62:
        return float(success_probability(solutions, 2**parameters, k))
    theta = math.asin(math.sqrt(solutions / 2.0**parameters))
    return math.sin((2 * k + 1) * theta) ** 2


def first_crossing(rows: list[CrossoverRow], classical: str = "exhaustive_s") -> int | None:
    """Parameters of the first row from which the quantum time stays below ``classical`` (None if never)."""
    crossing = None
    for row in rows:
        faster = row.quantum_s is not None and row.quantum_s < getattr(row, classical)
        if faster and crossing is None:
            crossing = row.parameters
        elif not faster and row.quantum_s is not None:
            crossing = None
    return crossing


def crossover_study(
    data: Dataset,
    hidden: list[int],
    *,
    activation: str = "counter",
    solutions: int = 1,
    model: SurfaceCodeModel | None = None,
    sample: int = 1 << 14,
    progress=None,
    against: str = "exhaustive",
    walk_steps: Callable[[float, int], float] | None = None,
) -> Crossover:
    """The crossover for ``[n0, h, 1]``, h in ``hidden``, on ``data``: measure, count, model, compare."""
    model = model or SurfaceCodeModel()
    if against not in AGAINST:
        raise ArchitectureError("{against} must be one of " + ", ".join(AGAINST), against=against)
    if against == "branch-and-bound" and walk_steps is None:
        raise ArchitectureError("against branch-and-bound needs the walk-step formula of quantum backtracking ({walk_steps})", walk_steps=...)
    if solutions < 1:
        raise ArchitectureError("{solutions} must be at least 1 (the search needs something to find)", solutions=solutions)
    costs = []
    for h in hidden:
        network = Network((data.num_features, int(h), 1))
        if network.num_parameters > MAX_SUPERPOSED:
            break
        if progress is not None:
            progress(f"{network.describe()}: counting circuits, timing the classical kernel")
        costs.append(size_cost(network, data, activation=activation, sample=sample))
    rows = crossover_rows(costs, solutions, model)
    rate = ", ".join(f"p={c.parameters}: {1 / c.seconds_per_configuration:.3g}/s" for c in costs[:: max(1, len(costs) // 4)])
    assumptions = (
        f"networks [{data.num_features}, h, 1] for h = {', '.join(str(c.layers[1]) for c in costs)} on {data.name} "
        f"({data.num_points} points), the {activation} sign circuit",
        f"M = {solutions} solution(s) at every size (assumed, not counted: {'a needle, the case Grover helps most' if solutions == 1 else 'as given'})",
        f"quantum: U once, then k = round(pi/(4 theta) - 1/2) Grover iterates, sin^2 theta = M/2^p; time divided by "
        "P(success) = sin^2((2k+1) theta) for the expected repetitions",
        f"classical: CPU time of one core per configuration of qbnn's landscape kernel, measured on up to "
        f"{sample} configurations per size on this machine, times 2^p (exhaustive) or (2^p + 1)/(M + 1) (random search "
        "without replacement)",
        "no parallelism on either side: one CPU core against one quantum computer with one factory",
        *model.assumptions(),
        f"{MEASURED} {rate}",
    )
    result = Crossover(
        rows=tuple(rows),
        crossover_parameters=first_crossing(rows, "exhaustive_s"),
        random_search_crossover_parameters=first_crossing(rows, "random_search_s"),
        solutions=int(solutions),
        assumptions=assumptions,
        against=against,
    )
    if against == "branch-and-bound" and rows:
        side = branch_and_bound_side(data, rows, costs, walk_steps, model, progress)
        result = replace(result, branch_and_bound=side)
    return result


MEASURED = "measured on this machine, configurations per CPU-second:"
REPORT_FIGURE = "crossover.png"
REPORT_HIDDEN = tuple(range(1, 16))


def report_study() -> Crossover:
    """The study ``qbnn reproduce`` shows: problem 1, [3, h, 1] for h = 1..15, a cheap classical timing sample."""
    from qbnn.model.data import paper_problem

    return crossover_study(paper_problem(1), list(REPORT_HIDDEN), sample=1 << 12)


def report_results(crossover: Crossover) -> dict:
    """The deterministic part of a study (the quantum side and the assumptions) for results.json and report.md.

    The classical times are measured, so they live only in the figure: the
    report's text stays identical from run to run.
    """
    keep = ("layers", "parameters", "iterations", "toffolis", "quantum_s", "code_distance", "physical_qubits")
    return {
        "solutions": crossover.solutions,
        "rows": [{key: row.to_json()[key] for key in keep} for row in crossover.rows],
        "assumptions": [a for a in crossover.assumptions if not a.startswith(MEASURED)],
    }


def report_markdown(results: dict) -> list[str]:
    """The report section: what was compared, the quantum side as a table, the figure with the measured side."""
    lines = [
        "## Crossover: fault-tolerant Grover training vs exhaustive search on this CPU",
        "",
        "The figure sets the modelled surface-code time of a Grover search (M = 1) against classical exhaustive and "
        "random search timed on the machine that ran `qbnn reproduce`, for [3, h, 1] on problem 1's data; the size "
        "from which the quantum curve stays below is marked. The classical side is measured, so it is only in the "
        "figure; `qbnn crossover --problem 1 --against exhaustive` prints the full table. Exhaustive search is not the "
        "classical competitor anyone would use: against exact branch-and-bound (`qbnn crossover --problem 1`, the "
        "default), whose search to a first solution grows far more slowly than 2^p, neither Grover nor quantum "
        "backtracking crosses within p <= 60 on this machine.",
        "",
        f"![crossover]({REPORT_FIGURE})",
        "",
        "| parameters | Grover iterations | Toffolis | code distance | physical qubits | quantum time (s) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in results["rows"]:
        if row["quantum_s"] is None:
            lines.append(f"| {row['parameters']} | {row['iterations']} | {row['toffolis']:.3g} | beyond the two-level factory model | | |")
        else:
            lines.append(
                f"| {row['parameters']} | {row['iterations']} | {row['toffolis']:.3g} | {row['code_distance']} | "
                f"{row['physical_qubits']} | {row['quantum_s']:.3g} |"
            )
    lines += ["", "Assumptions:", "", *(f"- {a}" for a in results["assumptions"]), ""]
    return lines


def crossover_figure(crossover: Crossover):
    """Quantum vs exhaustive vs random-search time against the number of parameters (log scale)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = crossover.rows
    p = [r.parameters for r in rows]
    quantum = [(r.parameters, r.quantum_s) for r in rows if r.quantum_s is not None]
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    ax.semilogy(p, [r.exhaustive_s for r in rows], "s-", label="classical exhaustive (measured rate x 2^p)")
    ax.semilogy(p, [r.random_search_s for r in rows], "^--", label="classical random search, no replacement")
    ax.semilogy([q[0] for q in quantum], [q[1] for q in quantum], "o-", label="fault-tolerant Grover search (model)")
    if crossover.crossover_parameters is not None:
        ax.axvline(crossover.crossover_parameters, color="grey", lw=0.8, ls=":")
        ax.annotate(
            f"quantum faster from p = {crossover.crossover_parameters}",
            (crossover.crossover_parameters, ax.get_ylim()[0]),
            xytext=(-4, 8), textcoords="offset points", ha="right", fontsize=8,
        )
    for label, seconds in (("1 day", 86400.0), ("1 year", 3.15e7)):
        ax.axhline(seconds, color="lightgrey", lw=0.6)
        ax.text(p[0], seconds, label, fontsize=7, va="bottom", color="grey")
    ax.set_xlabel("parameters p (networks [n0, h, 1])")
    ax.set_ylabel("time to a solution (s)")
    ax.set_title(f"Crossover, M = {crossover.solutions}: one CPU core vs one surface-code computer", fontsize=9)
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    return fig


def crossover_table(crossover: Crossover) -> str:
    """A markdown table of the rows."""
    lines = [
        "| parameters | layers | Grover iterations | Toffolis | quantum (s) | exhaustive (s) | random search (s) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in crossover.rows:
        quantum = "beyond the factory model" if r.quantum_s is None else f"{r.quantum_s:.3g}"
        lines.append(
            f"| {r.parameters} | {','.join(map(str, r.layers))} | {r.iterations} | {r.toffolis:.3g} | {quantum} | "
            f"{r.exhaustive_s:.3g} | {r.random_search_s:.3g} |"
        )
    return "\n".join(lines)


def crossover_summary(crossover: Crossover) -> str:
    """One plain sentence: where the quantum curve crosses, or that it does not (against the chosen competitor)."""
    side = crossover.branch_and_bound
    if side is not None:
        last = side.rows[-1].parameters
        g, b = side.grover_crossover_parameters, side.backtracking_crossover_parameters
        return (
            (f"Fault-tolerant Grover beats classical branch-and-bound on this CPU from p = {g} on" if g is not None
             else f"Fault-tolerant Grover never beats classical branch-and-bound on this CPU up to p = {last}")
            + "; "
            + (f"quantum backtracking beats it from p = {b} on." if b is not None
               else f"quantum backtracking never beats it up to p = {last}.")
            + f" (Branch-and-bound measured up to p = {max(r.parameters for r in side.rows if r.measured)}, growth 2^({side.growth_dfs:.2f} p) to a first solution, extrapolated beyond.)"
        )
    c, r = crossover.crossover_parameters, crossover.random_search_crossover_parameters
    if c is None:
        return "In this range the fault-tolerant quantum search never beats classical exhaustive search on this CPU."
    row = next(x for x in crossover.rows if x.parameters == c)
    text = (
        f"The fault-tolerant quantum search beats exhaustive search on this CPU from p = {c} parameters on "
        f"(quantum {row.quantum_s:.3g} s = {row.quantum_s / 86400:.3g} days vs {row.exhaustive_s:.3g} s)"
    )
    text += "; " + (f"it beats random search from p = {r}." if r is not None else "it never beats random search in this range.")
    return text
