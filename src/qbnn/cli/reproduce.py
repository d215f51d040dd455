"""``qbnn reproduce``: the paper's figures 3-6, its unnumbered claims, results.json and report.md, from the circuits."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from qbnn.cli.options import EngineOption, SeedOption, console
from qbnn.errors import QbnnError
from qbnn.experiments.paper import ReproduceSettings
from qbnn.core.outputs import check_output_folder


def reproduce_command(
    out: Annotated[Path, typer.Option("--out", help="Directory for report.md, results.json and the figures.")] = Path("results"),
    runs: Annotated[int, typer.Option("--runs", help="Runs of each training strategy (the paper used 100).")] = 100,
    shots: Annotated[int, typer.Option("--shots", help="Measurements per k in figure 4 (the paper used 50).")] = 50,
    seed: SeedOption = 2019,
    engine: EngineOption = "structured",
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Write into --out even if it holds files qbnn did not write there (or changed since); they may be overwritten.",
        ),
    ] = False,
) -> None:
    """Regenerate the paper's evidence from the circuits: figures 3-6, results.json, report.md.

    Also measures the paper's three claims without numbers (scaling with hardness,
    3-bit parity, landscape independence) in report.md's last section.

    --out must be new, empty, or hold only files an earlier 'qbnn reproduce' wrote there (listed in
    its .qbnn-outputs.json, unchanged); anything else is refused unless --force. Files are written atomically.

    Example: qbnn reproduce --out results/
    """
    if runs < 1 or shots < 1:
        raise QbnnError("{runs} and {shots} must be at least 1", runs=..., shots=...)
    check_output_folder(out, parameter="out", force=force)  # before any work
    from qbnn.experiments.report import paper_numbers_reproduced, reproduce

    settings = ReproduceSettings(runs=runs, shots=shots, seed=seed, engine=engine)
    start = time.perf_counter()
    with console.status("reproducing the paper", spinner="dots") as status:
        last = [""]

        def progress(message: str) -> None:
            if message != last[0]:
                last[0] = message
                status.update(f"reproducing the paper: {message}")

        result = reproduce(out, settings, progress=progress, force=force)
    agree, stated = paper_numbers_reproduced(result.results["paper_vs_ours"])
    console.print(
        f"wrote {len(result.files)} files to {out}/ in {time.perf_counter() - start:.1f} s; "
        f"{agree} of {stated} paper numbers reproduced (report.md explains the others)",
        highlight=False,
    )
    for path in result.files:
        typer.echo(str(path))
