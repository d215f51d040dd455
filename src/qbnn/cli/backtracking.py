"""``qbnn backtracking``: the classical branch-and-bound tree of a target and what quantum backtracking pays on it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from qbnn.cli.options import (
    DataOption,
    FreeOption,
    InputBitsOption,
    JsonOption,
    LayersOption,
    MetaOption,
    ProblemOption,
    ValuesOption,
    emit,
    load_network_and_data,
)
from qbnn.errors import QbnnError


def backtracking(
    problem: ProblemOption = None,
    data: DataOption = None,
    layers: LayersOption = None,
    meta: MetaOption = False,
    input_bits: InputBitsOption = 1,
    free: FreeOption = None,
    values: ValuesOption = None,
    min_correct: Annotated[Optional[int], typer.Option("--min-correct", help="Target: at least C correct points (default all).")] = None,
    order: Annotated[str, typer.Option("--order", help="Branching order: output-first (default) or natural.")] = "output-first",
    simulate: Annotated[
        Optional[bool],
        typer.Option("--simulate/--no-simulate", help="Simulate the quantum walk exactly (default: when the tree is small enough)."),
    ] = None,
    max_nodes: Annotated[int, typer.Option("--max-nodes", help="Refuse trees with more vertices than this.")] = 5_000_000,
    study: Annotated[bool, typer.Option("--study", help="Run the scaling study instead (about a minute).")] = False,
    out: Annotated[Optional[Path], typer.Option("--out", help="With --study: write the figure to this .png file.")] = None,
    json_output: JsonOption = False,
) -> None:
    """Classical branch-and-bound tree size T and depth n for a target, quantum backtracking's walk steps, Grover's iterates.

    Example: qbnn backtracking --problem 1 --meta --min-correct 7 --json
    """
    if study:
        _study(out, json_output)
        return
    if out is not None:
        raise QbnnError("--out goes with --study (the figure of the scaling study)")
    from qbnn.backtracking.costs import CITATIONS, backtracking_costs
    from qbnn.backtracking.study import solutions_in_tree
    from qbnn.backtracking.tree import BacktrackingTree
    from qbnn.backtracking.walk import SIMULATION_LIMIT, simulate_detection
    from qbnn.baselines.branch_and_bound import search_tree
    from qbnn.problem import TrainingProblem, resolve_target

    if max_nodes < 1:
        raise QbnnError(f"--max-nodes {max_nodes} must be at least 1")
    network, dataset = load_network_and_data(problem, data, layers, meta, input_bits)
    target = resolve_target(dataset.num_points, min_correct)
    training = TrainingProblem(network, dataset, min_correct=target, free=free, values=values)
    tree = search_tree(training, target, order=order, max_nodes=max_nodes)
    solutions = solutions_in_tree(tree)
    costs = backtracking_costs(training.num_parameters, solutions, tree.nodes, tree.depth, tree.dfs_nodes())
    if simulate and tree.nodes > SIMULATION_LIMIT:
        raise QbnnError(
            f"the tree has {tree.nodes} vertices; --simulate handles at most {SIMULATION_LIMIT} "
            "(raise --min-correct, use fewer --free parameters, or pass --no-simulate)"
        )
    simulated = None
    if simulate or (simulate is None and tree.nodes <= SIMULATION_LIMIT):
        run = simulate_detection(BacktrackingTree.from_search(tree))
        simulated = {"detected": run.detected, "probability": run.probability, "walk_steps": run.walk_steps, "bits": run.bits}
    payload = {
        "network": list(network.layers),
        "meta": network.meta,
        "data": dataset.name,
        "points": dataset.num_points,
        "target": target,
        "order": order,
        "parameters": training.num_parameters,
        "solutions": solutions,
        "tree": {"nodes": tree.nodes, "depth": tree.depth, "marked": tree.marked, "dfs_nodes": tree.dfs_nodes(), "seconds": tree.seconds},
        "classical": {"exhaustive": 1 << training.num_parameters, "branch_and_bound_tree": tree.nodes, "branch_and_bound_dfs": tree.dfs_nodes()},
        "grover": {"queries": costs.grover_queries, "solutions": solutions},
        "backtracking": {
            "detection_bits": costs.detection_bits,
            "detection_walk_steps": costs.detection_walk_steps,
            "detection_walk_steps_confident": costs.detection_walk_steps_confident,
            "finding_walk_steps": costs.finding_walk_steps,
            "tree_size_estimation_steps": costs.tree_size_estimation_steps,
            "ambainis_kokainis_search_steps": costs.ambainis_kokainis_search_steps,
            "beta": costs.to_json()["beta"],
        },
        "citations": dict(CITATIONS),
        "simulated": simulated,
    }
    human = [
        f"network {network.describe()} on {dataset.name}: target {target}/{dataset.num_points}, {training.num_parameters} free parameters",
        f"classical   exhaustive 2^p            {1 << training.num_parameters}",
        f"            branch-and-bound tree T   {tree.nodes} (depth n = {tree.depth}, {tree.marked} marked vertices, {solutions} solutions)",
        f"            depth-first to 1st sol.   {tree.dfs_nodes()}",
        f"Grover      iterates                  {costs.grover_queries}",
        f"backtrack.  detection (one run)       {costs.detection_walk_steps} walk steps ({costs.detection_bits} phase bits)",
        f"            detection (P fail <= 1/3) {costs.detection_walk_steps_confident}",
        f"            finding                   {costs.finding_walk_steps}",
        f"            tree-size estimation      {costs.tree_size_estimation_steps:.4g} (leading term)",
    ]
    if simulated is not None:
        human.append(
            f"simulated   detection: {'marked vertex' if simulated['detected'] else 'none'} "
            f"(P(outcome 0) = {simulated['probability']:.3f}, {simulated['walk_steps']} walk steps)"
        )
    emit(payload, json_output, "\n".join(human))


def _study(out: Path | None, json_output: bool) -> None:
    from qbnn.backtracking.study import run_study, study_figure

    if out is not None and (out.suffix.lower() != ".png" or not out.parent.is_dir()):
        raise QbnnError(f"--out {out}: give a .png file in an existing directory")
    result = run_study(progress=None if json_output else (lambda message: print(message, file=sys.stderr)))
    if out is not None:
        from qbnn.figures.paper import save_figure

        save_figure(study_figure(result), out)
        print(f"wrote {out}", file=sys.stderr)
    lines = ["| case | p | target | M | 2^p | T | DFS | Grover | detect | find |", "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in result.rows:
        lines.append(
            f"| {r.case} | {r.parameters} | {r.target}/{r.points} | {r.solutions} | {r.exhaustive} | {r.nodes} | {r.dfs_nodes} | "
            f"{r.grover_queries} | {r.detection_walk_steps} | {r.finding_walk_steps} |"
        )
    lines += ["", "slopes (log2 quantity vs p, teacher series):"]
    lines += [f"  {k}: {v:.3f}" for k, v in result.slopes.items() if isinstance(v, float)]
    lines += ["", *result.findings]
    emit(result.to_json(), json_output, "\n".join(lines))
