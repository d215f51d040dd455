"""``qbnn landscape``: the exact accuracy of every configuration, summarised; estimated; its roughness.

``--estimate`` replaces the enumeration by amplitude estimation of the fraction
of configurations reaching each level (:mod:`qbnn.search.landscape_estimate`);
``--roughness`` adds the exact roughness measures (:mod:`qbnn.landscape.roughness`)
and, with ``--estimate``, the single-flip roughness estimated from a circuit.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from qbnn.cli.options import (
    DataOption,
    JsonOption,
    LayersOption,
    MetaOption,
    InputBitsOption,
    ProblemOption,
    SchedulerOption,
    WorkersOption,
    emit,
    load_network_and_data,
    FreeOption,
    ValuesOption,
    SeedOption,
)

EstimateOption = Annotated[
    bool,
    typer.Option(
        "--estimate",
        help="Estimate by amplitude estimation on the structured engine: the fraction of configurations reaching "
        "each level (with --roughness: the single-flip roughness, from a circuit), beside classical Monte Carlo.",
    ),
]
PrecisionOption = Annotated[
    Optional[float],
    typer.Option("--precision", help="Half-width the estimated fractions' intervals must reach, 0 < E < 0.5 (default 0.01; 0.02 for --roughness)."),
]
LevelsOption = Annotated[
    Optional[str], typer.Option("--levels", help="Accuracy levels to estimate, correct-point counts a,b,... (default 1..points).")
]
RoughnessOption = Annotated[
    bool,
    typer.Option(
        "--roughness",
        help="Exact roughness: mean |change| under one flip, autocorrelation by Hamming distance, local optima, "
        "solution density by radius.",
    ),
]
from qbnn.model.conditioning import make_condition
from qbnn.core.cluster import wants_dask
from qbnn.errors import ArchitectureError, QbnnError
from qbnn.landscape import compute_landscape
from qbnn.model.network import MAX_SUPERPOSED


def landscape_command(
    problem: ProblemOption = None,
    data: DataOption = None,
    layers: LayersOption = None,
    meta: MetaOption = False,
    input_bits: InputBitsOption = 1,
    free: FreeOption = None,
    values: ValuesOption = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    estimate: EstimateOption = False,
    precision: PrecisionOption = None,
    levels: LevelsOption = None,
    roughness: RoughnessOption = False,
    seed: SeedOption = 0,
    json_output: JsonOption = False,
) -> None:
    """Count correct points for all 2^p configurations (exact, vectorised; Dask with --workers).

    Examples:

    \b
      qbnn landscape --problem 2 --meta --json
      qbnn landscape --data d.csv --label outcome --binarize median --hidden 2
      qbnn landscape --problem 2 --estimate --precision 0.01 --levels 6,8
      qbnn landscape --problem 2 --roughness --estimate

    With --free 0-3 --values V only parameters 0..3 vary (2^4 configurations), the rest held at V.
    """
    if (precision is not None or levels is not None) and not estimate:
        raise QbnnError("{precision} and {levels} go with {estimate}", precision=..., levels=..., estimate=...)
    if levels is not None and roughness:
        raise QbnnError("{levels} goes with {estimate} alone, not with {roughness}", levels=..., estimate=..., roughness=...)
    network, dataset = load_network_and_data(problem, data, layers, meta, input_bits)
    condition = make_condition(network, free, values)
    if estimate or roughness:
        _estimate_or_roughness(network, dataset, free, values, estimate, precision, levels, roughness, seed, json_output)
        return
    if condition is not None or not wants_dask(workers, scheduler):  # a conditional landscape is 2^f: local
        if condition is None and network.num_parameters > MAX_SUPERPOSED:
            raise ArchitectureError(
                f"{network.describe()} has {network.num_parameters} parameters, too many to enumerate; "
                "hold most of them fixed with {free} and {values}", free=..., values=...,
            )
        summary = compute_landscape(network, dataset, condition=condition).summary()
    else:
        from qbnn.core.cluster import dask_client
        from qbnn.landscape.summary import distributed_landscape_summary
        from qbnn.core.progress import progress_bar

        with dask_client(workers, scheduler) as client, progress_bar("landscape chunks", enabled=not json_output) as tick:
            summary = distributed_landscape_summary(network, dataset, client, progress=tick).to_json()
    lines = [
        f"network {network.describe()} on {dataset.name}",
        f"parameters     {summary['parameters']}"
        + (f" ({len(summary['free'])} free: {condition.describe()})" if condition is not None else ""),
        f"configurations {summary['configurations']}",
        f"points         {summary['points']}",
        (
            f"solutions      {summary['solutions']} (configurations with all {summary['points']} points correct)"
            if summary["solutions"]
            else f"solutions      none get all {summary['points']} points right (train with --strategy best or --min-accuracy)"
        ),
        f"best accuracy  {summary['best_accuracy']}/{summary['points']}",
        "histogram (correct points: configurations)",
        *(f"  {k:>3}: {v}" for k, v in summary["histogram"].items()),
    ]
    emit(summary, json_output, "\n".join(lines))


def _estimate_or_roughness(network, dataset, free, values, estimate, precision, levels, roughness, seed, json_output) -> None:
    from qbnn.problem import TrainingProblem

    problem = TrainingProblem(network, dataset, free=free, values=values)
    if roughness:
        from qbnn.search.landscape_estimate import estimate_flip_roughness
        from qbnn.landscape.roughness import exact_roughness

        land = problem.landscape
        measures = exact_roughness(land.correct, dataset.num_points)
        payload = {**land.summary(), "roughness": measures.to_json()}
        rho = ", ".join("-" if v is None else f"{v:.3f}" for v in measures.autocorrelation)
        density = ", ".join("-" if v is None else f"{v:.3f}" for v in measures.solution_density)
        lines = [
            f"network {network.describe()} on {dataset.name}: {land.configurations} configurations, {land.points} points",
            f"mean |change| per flip  {measures.mean_abs_change:.4f} correct points",
            f"flips that change it    {measures.change_fraction:.4f}",
            f"autocorrelation by d    {rho}",
            f"local optima (1 flip)   {measures.local_optima} ({measures.strict_local_optima} strict, "
            f"{measures.non_global_local_optima} not global)",
            f"solutions               {measures.solutions}",
            f"solution density by r   {density}",
        ]
        if estimate:
            est = estimate_flip_roughness(problem, precision=0.02 if precision is None else precision, seed=seed)
            payload["roughness_estimate"] = est.to_json()
            lo, hi = est.interval
            lines.append(
                f"estimated from a circuit {est.change_fraction:.4f} [{lo:.4f}, {hi:.4f}] at {est.confidence:.0%} "
                f"(exact {est.exact_change_fraction:.4f}), {est.network_evaluations} network evaluations"
            )
        emit(payload, json_output, "\n".join(lines))
        return
    from qbnn.search.landscape_estimate import estimate_landscape

    result = estimate_landscape(problem, levels, precision=0.01 if precision is None else precision, seed=seed)
    payload = result.to_json()
    lines = [
        f"network {network.describe()} on {dataset.name}: {result.configurations} configurations, {result.points} points",
        f"fraction of configurations with >= level correct points, {result.confidence:.0%} intervals, "
        f"precision {result.precision}",
        "  level  estimate  interval            exact     network evals  classical passes",
    ]
    for level in result.levels:
        exact = "-" if level.exact_fraction is None else f"{level.exact_fraction:.5f}"
        lines.append(
            f"  {level.level:>5}  {level.fraction:.5f}  [{level.interval[0]:.5f}, {level.interval[1]:.5f}]  {exact:>8}"
            f"  {level.network_evaluations:>13}  {level.classical_forward_passes:>16}"
        )
    lines.append(f"total: {result.network_evaluations} network evaluations, {result.classical_forward_passes} classical forward passes")
    emit(payload, json_output, "\n".join(lines))
