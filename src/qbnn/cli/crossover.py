"""``qbnn crossover``: the network size from which a fault-tolerant quantum computer out-trains this CPU."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from qbnn.cli.options import (
    ActivationOption,
    DataOption,
    InputBitsOption,
    JsonOption,
    ProblemOption,
    emit,
    BinarizeOption,
    LabelOption,
    load_network_and_data,
)
from qbnn.errors import QbnnError


def crossover_command(
    problem: ProblemOption = None,
    data: DataOption = None,
    label: LabelOption = None,
    binarize: BinarizeOption = None,
    input_bits: InputBitsOption = 1,
    hidden: Annotated[str, typer.Option("--hidden", help="Hidden widths h of the networks [n0, h, 1], e.g. 1-15.")] = "1-15",
    activation: ActivationOption = "counter",
    solutions: Annotated[int, typer.Option("--solutions", help="Solutions M assumed at every size (1: a needle).")] = 1,
    error_budget: Annotated[float, typer.Option("--error-budget", help="Allowed failure probability of each run.")] = 0.01,
    code_cycle_us: Annotated[float, typer.Option("--code-cycle-us", help="Surface-code cycle time in microseconds.")] = 1.0,
    physical_error: Annotated[float, typer.Option("--physical-error", help="Physical error rate per operation.")] = 1e-3,
    sample: Annotated[int, typer.Option("--sample", help="Configurations timed per size for the classical rate.")] = 1 << 14,
    out: Annotated[Optional[Path], typer.Option("--out", help="Also write the figure to this .png file.")] = None,
    plot: Annotated[Optional[Path], typer.Option("--plot", hidden=True, help="Old name of --out.")] = None,
    against: Annotated[
        str,
        typer.Option("--against", help="Classical competitor: branch-and-bound (the strongest measured, default) or exhaustive."),
    ] = "branch-and-bound",
    json_output: JsonOption = False,
) -> None:
    """Fault-tolerant Grover (and quantum backtracking) vs measured classical branch-and-bound, exhaustive and random search.

    Example: qbnn crossover --problem 1 --hidden 1-15 --out crossover.png
    """
    from qbnn.core.parsing import parse_int_range
    from qbnn.hardware.crossover import crossover_figure, crossover_study, crossover_summary, crossover_table
    from qbnn.hardware.fault_tolerant import SurfaceCodeModel

    widths = parse_int_range(hidden, parameter="hidden", low=1, high=62)
    if against not in ("exhaustive", "branch-and-bound"):
        raise QbnnError(f"--against {against}: choose exhaustive or branch-and-bound")
    if sample < 1:
        raise QbnnError(f"--sample {sample} must be at least 1")
    if plot is not None:
        if out is not None:
            raise QbnnError("give --out only (--plot is its old name)")
        print("note: --plot is now --out (the same on every command that writes a file)", file=sys.stderr)
        out = plot
    plot = out
    if plot is not None and (plot.suffix.lower() != ".png" or not plot.parent.is_dir()):
        raise QbnnError(f"--out {plot}: give a .png file in an existing directory")
    if data is None:
        _, dataset = load_network_and_data(problem, None, None, False, input_bits)  # the paper's problem, validated
    elif problem is not None:
        raise QbnnError("give either --problem or --data, not both")
    else:  # the data's features and labels, encoded as every other command reads them (--label, --binarize)
        _, dataset = load_network_and_data(None, data, None, False, input_bits, label=label, binarize=binarize)
    model = SurfaceCodeModel(physical_error=physical_error, error_budget=error_budget, code_cycle_us=code_cycle_us)
    walk_steps = None
    if against == "branch-and-bound":
        from qbnn.backtracking.costs import finding_walk_steps as walk_steps
    result = crossover_study(
        dataset, widths, activation=activation, solutions=solutions, model=model, sample=sample, against=against, walk_steps=walk_steps
    )
    if not result.rows:
        raise QbnnError(f"--hidden {hidden!r}: no width gives a network of at most 62 parameters")
    if plot is not None:
        from qbnn.figures.paper import save_figure

        save_figure(crossover_figure(result), plot)
        print(f"wrote {plot}", file=sys.stderr)
    extra: list[str] = []
    if result.branch_and_bound is not None:
        extra = ["", "| parameters | measured | B&B tree T | B&B depth-first | B&B (s) | Grover (s) | backtracking (s) |", "| --- | --- | --- | --- | --- | --- | --- |"]
        for r in result.branch_and_bound.rows:
            g = "-" if r.grover_s is None else f"{r.grover_s:.3g}"
            b = "-" if r.backtracking_s is None else f"{r.backtracking_s:.3g}"
            extra.append(f"| {r.parameters} | {'yes' if r.measured else 'fit'} | {r.tree_nodes:.3g} | {r.dfs_nodes:.3g} | {r.branch_and_bound_s:.3g} | {g} | {b} |")
        extra += [f"  - {a}" for a in result.branch_and_bound.assumptions]
    human = "\n".join(
        [crossover_table(result), *extra, "", crossover_summary(result), "assumptions:", *(f"  - {a}" for a in result.assumptions)]
    )
    emit({**result.to_json(), "input_bits": dataset.input_bits}, json_output, human)
