"""Scaling study: classical pruning (T), Grover (sqrt(2^p/M)) and quantum backtracking (sqrt(T n)) side by side.

Cases: the paper's two problems (plain and meta), parity (no perfect
configuration: its best target and one above, where nothing is marked),
random teacher networks [n0, h, 1] of growing size (separable data, every
point a target), and a real-data slice (scikit-learn's breast cancer, six
median-binarised features, [6, 3, 1] with growing ``free`` blocks, the
others held at fixed values, at the best target the slice reaches).

For each: p (free parameters), the target, M (solutions, counted from the
tree: an accepted vertex at depth d covers 2^(n-d) configurations), 2^p, the
pruned tree's T and depth n, the vertices a classical depth-first search
evaluates, Grover's iterates, quantum backtracking's walk steps (detection,
finding) from :mod:`qbnn.backtracking.costs`, the classical wall time, and
(optional) CP-SAT's wall time when ``qbnn.baselines.cpsat`` is installed. The
growth rates are least-squares slopes of log2(quantity) against p on the
teacher series (a slope b means 2^(b p)); against log2 T for the quantum
counts (a log-log slope).
"""

from __future__ import annotations

import importlib.util
import math
import time
from dataclasses import asdict, dataclass, field

import numpy as np

from qbnn.backtracking.costs import backtracking_costs
from qbnn.baselines.branch_and_bound import ACCEPTED, search_tree, train_branch_and_bound
from qbnn.model.data import Dataset, paper_problem, parity_problem
from qbnn.model.network import Network
from qbnn.problem import TrainingProblem

__all__ = ["StudyRow", "Study", "run_study", "study_figure", "TEACHERS", "solutions_in_tree", "teacher_data", "real_slice"]

#: The random-teacher series: (layers, points).
TEACHERS: tuple[tuple[tuple[int, ...], int], ...] = (
    ((3, 2, 1), 8),
    ((4, 2, 1), 12),
    ((5, 2, 1), 16),
    ((4, 3, 1), 16),
    ((5, 3, 1), 20),
    ((6, 3, 1), 24),
    ((7, 3, 1), 28),
)
#: Free blocks of the real-data slice: the output layer plus the first k first-layer weights.
REAL_BLOCKS = (6, 9, 12, 15)


@dataclass(frozen=True)
class StudyRow:
    family: str
    case: str
    parameters: int
    points: int
    target: int
    solutions: int
    exhaustive: int
    nodes: int
    depth: int
    dfs_nodes: int
    grover_queries: int
    detection_walk_steps: int
    finding_walk_steps: int
    tree_size_estimation_steps: float
    classical_seconds: float
    cpsat_seconds: float | None = None

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Study:
    rows: tuple[StudyRow, ...]
    slopes: dict = field(default_factory=dict)
    findings: tuple[str, ...] = ()
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {"rows": [r.to_json() for r in self.rows], "slopes": self.slopes, "findings": list(self.findings), "seconds": self.seconds}


def solutions_in_tree(tree) -> int:
    """M: configurations reaching the target, 2^(n - d) for every accepted vertex at depth d."""
    n = tree.depth
    return int(sum(int(np.count_nonzero(s == ACCEPTED)) << (n - d) for d, s in enumerate(tree.status)))


def teacher_data(layers: tuple[int, ...], points: int, seed: int = 0) -> Dataset:
    """``points`` random ±1 inputs (distinct when possible) labelled by a random ±1 teacher network of the same shape."""
    rng = np.random.default_rng(seed)
    network = Network(layers)
    weights = rng.choice(np.array([-1, 1], dtype=np.int8), network.num_weights)
    if points <= 2 ** layers[0]:
        codes = rng.choice(2 ** layers[0], size=points, replace=False)
        X = np.array([[1 if (c >> i) & 1 else -1 for i in range(layers[0])] for c in codes], dtype=np.int8)
    else:
        X = rng.choice(np.array([-1, 1], dtype=np.int8), (points, layers[0]))
    y = network.forward(X, weights)
    return Dataset(X, y, name=f"teacher {network.describe()} ({points} points, seed {seed})")


def real_slice(points: int = 40, seed: int = 0) -> Dataset | None:
    """Six median-binarised breast-cancer features, ``points`` rows (None without scikit-learn)."""
    if importlib.util.find_spec("sklearn") is None:
        return None
    from sklearn.datasets import load_breast_cancer

    bunch = load_breast_cancer()
    pick = np.sort(np.random.default_rng(seed).choice(len(bunch.target), size=points, replace=False))
    raw = bunch.data[pick][:, :6]
    X = np.where(raw > np.median(bunch.data[:, :6], axis=0), 1, -1).astype(np.int8)
    y = np.where(bunch.target[pick] == 1, 1, -1).astype(np.int8)
    return Dataset(X, y, name=f"breast cancer, 6 binarised features, {points} points")


def _row(family: str, case: str, problem: TrainingProblem, target: int, cpsat: bool) -> StudyRow:
    started = time.perf_counter()
    tree = search_tree(problem, target)
    seconds = time.perf_counter() - started
    M = solutions_in_tree(tree)
    costs = backtracking_costs(problem.num_parameters, M, tree.nodes, tree.depth, tree.dfs_nodes())
    cpsat_seconds = None
    if cpsat:
        from qbnn.baselines import train_classical

        begun = time.perf_counter()
        train_classical(problem.variant(min_correct=target), "cp-sat", time_limit=20)
        cpsat_seconds = time.perf_counter() - begun
    return StudyRow(
        family=family,
        case=case,
        parameters=problem.num_parameters,
        points=problem.data.num_points,
        target=target,
        solutions=M,
        exhaustive=1 << problem.num_parameters,
        nodes=tree.nodes,
        depth=tree.depth,
        dfs_nodes=tree.dfs_nodes(),
        grover_queries=costs.grover_queries,
        detection_walk_steps=costs.detection_walk_steps,
        finding_walk_steps=costs.finding_walk_steps,
        tree_size_estimation_steps=costs.tree_size_estimation_steps,
        classical_seconds=seconds,
        cpsat_seconds=cpsat_seconds,
    )


def _slope(x: list[float], y: list[float]) -> float | None:
    if len(x) < 2:
        return None
    return float(np.polyfit(np.asarray(x, float), np.asarray(y, float), 1)[0])


def run_study(*, quick: bool = False, progress=None) -> Study:
    """All cases (``quick``: only the smaller ones, for tests), slopes and plain findings."""
    started = time.perf_counter()
    cpsat = importlib.util.find_spec("qbnn.baselines.cpsat") is not None and importlib.util.find_spec("ortools") is not None
    say = progress or (lambda message: None)
    rows: list[StudyRow] = []
    for number in (1, 2):
        for meta in (False, True):
            problem = TrainingProblem.paper(number, meta=meta)
            rows.append(_row("paper", f"problem {number}{' meta' if meta else ''}", problem, problem.target, cpsat))
    for n0 in (3, 4):
        problem = TrainingProblem(Network((n0, 2, 1)), parity_problem(n0))
        best = train_branch_and_bound(problem, target="best").correct
        say(f"parity {n0}: best {best}/{problem.data.num_points}")
        rows.append(_row("parity", f"{n0}-bit parity, best", problem, best, cpsat))
        rows.append(_row("parity", f"{n0}-bit parity, best + 1 (none)", problem, best + 1, cpsat))
    teachers = TEACHERS[:4] if quick else TEACHERS
    for layers, points in teachers:
        problem = TrainingProblem(Network(layers), teacher_data(layers, points))
        say(f"teacher {layers}: building the tree")
        rows.append(_row("teacher", f"teacher {','.join(map(str, layers))}, {points} points", problem, problem.target, cpsat))
    data = None if quick else real_slice()
    if data is not None:
        network = Network((6, 3, 1))
        values = np.random.default_rng(1).choice(np.array([-1, 1], dtype=np.int8), network.num_parameters)
        for k in REAL_BLOCKS:
            free = [18, 19, 20, *range(k)]
            problem = TrainingProblem(network, data, free=free, values=values)
            best = train_branch_and_bound(problem, target="best").correct
            say(f"real slice, {len(free)} free: best {best}/{data.num_points}")
            rows.append(_row("real", f"breast cancer [6,3,1], {len(free)} free, best", problem, best, cpsat))
    return _summarise(rows, time.perf_counter() - started)


def _summarise(rows: list[StudyRow], seconds: float) -> Study:
    teacher = [r for r in rows if r.family == "teacher"]
    p = [r.parameters for r in teacher]
    slopes: dict = {
        "series": "teacher networks, log2(quantity) against p (b: quantity ~ 2^(b p))",
        "exhaustive": _slope(p, [r.parameters for r in teacher]),
        "classical_tree_nodes": _slope(p, [math.log2(r.nodes) for r in teacher]),
        "classical_dfs_nodes": _slope(p, [math.log2(r.dfs_nodes) for r in teacher]),
        "grover_queries": _slope(p, [math.log2(max(1, r.grover_queries)) for r in teacher]),
        "backtracking_detection": _slope(p, [math.log2(r.detection_walk_steps) for r in teacher]),
        "backtracking_finding": _slope(p, [math.log2(r.finding_walk_steps) for r in teacher]),
        "classical_seconds": _slope(p, [math.log2(max(r.classical_seconds, 1e-6)) for r in teacher]),
        "loglog_detection_vs_tree": _slope([math.log2(r.nodes) for r in rows], [math.log2(r.detection_walk_steps) for r in rows]),
    }
    findings = []
    prune_beats_grover = [r.case for r in rows if r.dfs_nodes < r.grover_queries]
    findings.append(
        f"classical pruning (depth-first vertices) needs fewer evaluations than Grover's iterates in {len(prune_beats_grover)} of "
        f"{len(rows)} cases" + (f": {', '.join(prune_beats_grover)}" if prune_beats_grover else "")
    )
    tree_beats_grover = [r.case for r in rows if r.nodes < r.grover_queries]
    findings.append(f"even the whole pruned tree T is smaller than Grover's iterates in {len(tree_beats_grover)} of {len(rows)} cases")
    detect = [r.case for r in rows if r.detection_walk_steps < r.nodes]
    findings.append(
        f"one detection run of quantum backtracking (2^m - 1 walk steps) is cheaper than the classical tree T in {len(detect)} of "
        f"{len(rows)} cases" + (f": {', '.join(detect)}" if detect else "")
    )
    find = [r.case for r in rows if r.finding_walk_steps < r.dfs_nodes]
    findings.append(
        f"finding a solution by quantum backtracking (walk steps, constants included) beats classical depth-first branch-and-bound "
        f"in {len(find)} of {len(rows)} cases" + (f": {', '.join(find)}" if find else "")
    )
    return Study(tuple(rows), slopes, tuple(findings), seconds)


def study_figure(study: Study):
    """log2 of the counts against p: 2^p, T, depth-first vertices, Grover iterates, backtracking walk steps."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.0, 4.6))
    series = (
        ("exhaustive", "2^p (exhaustive)", "x:"),
        ("nodes", "T, pruned tree (classical)", "s-"),
        ("dfs_nodes", "depth-first B&B to first solution", "v--"),
        ("grover_queries", "Grover iterates sqrt(2^p/M)", "o-"),
        ("detection_walk_steps", "backtracking detection (walk steps)", "^-"),
        ("finding_walk_steps", "backtracking finding (walk steps)", "D-"),
    )
    teacher = [r for r in study.rows if r.family == "teacher"]
    others = [r for r in study.rows if r.family != "teacher"]
    for key, label, style in series:
        line = ax.semilogy([r.parameters for r in teacher], [max(1, getattr(r, key)) for r in teacher], style, label=label, ms=4)
        ax.semilogy([r.parameters for r in others], [max(1, getattr(r, key)) for r in others], marker=style[0], linestyle="none", color=line[0].get_color(), alpha=0.45, ms=4)
    ax.set_xlabel("free parameters p (lines: random-teacher series; faint markers: paper, parity, real-data slices)")
    ax.set_ylabel("evaluations / queries / walk steps")
    ax.set_title("Pruning vs Grover vs quantum backtracking on BNN training", fontsize=9)
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    return fig
