"""``qbnn noise-study``: best success probability and expected oracle calls against the Pauli error rate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from qbnn.cli.options import JsonOption, MetaOption, SchedulerOption, SeedOption, WorkersOption, emit
from qbnn.errors import QbnnError

DEFAULT_RATES = "1e-6,1e-5,3e-5,1e-4,3e-4"


def parse_rates(text: str) -> list[float]:
    """``"1e-5,1e-4"`` -> error rates in [0, 1]."""
    try:
        rates = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise QbnnError("{rates} is not a comma-separated list of numbers, e.g. 1e-5,1e-4,1e-3", rates=text) from None
    if not rates or any(not 0.0 <= r <= 1.0 for r in rates):
        raise QbnnError("{rates}: every rate must lie in [0, 1]", rates=text)
    return rates


def noise_study_command(
    problem: Annotated[
        Optional[int], typer.Option("--problem", help="The paper's problem 1 or 2 (default: both).")
    ] = None,
    meta: MetaOption = False,
    rates: Annotated[str, typer.Option("--rates", help="Error rates per gate and qubit, comma-separated.")] = DEFAULT_RATES,
    model: Annotated[str, typer.Option("--model", help="bit-flip, phase-flip or depolarizing.")] = "depolarizing",
    trajectories: Annotated[int, typer.Option("--trajectories", help="Noisy trajectories per rate.")] = 100,
    max_k: Annotated[Optional[int], typer.Option("--max-k", help="Largest k tried (default 1.5x the noiseless optimum).")] = None,
    adaptive_k: Annotated[
        bool,
        typer.Option(
            "--adaptive-k",
            help="Per rate, try k <= 4 first and double the range while the best k is its last (up to --max-k): "
            "high rates then cost a few iterates.",
        ),
    ] = False,
    seed: SeedOption = 0,
    out: Annotated[Optional[Path], typer.Option("--out", help="Directory for noise_study.png and noise_study.md.")] = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    json_output: JsonOption = False,
) -> None:
    """How much noise training by amplitude amplification survives, against classical random search.

    Example: qbnn noise-study --problem 1 --rates 1e-5,1e-4,1e-3 --out results/
    At the meta scale: qbnn noise-study --problem 2 --meta --rates 1e-5,1e-4,1e-3 --adaptive-k --workers 2
    With --workers N (or --scheduler ADDR) the trajectories run on Dask workers, with the same numbers.
    """
    from qbnn.simulator.noise import PauliNoise
    from qbnn.experiments.noise_study import noise_study, study_figure, study_table
    from qbnn.problem import TrainingProblem
    from qbnn.cli.noise_options import noise_client
    from qbnn.core.progress import progress_bar

    if problem not in (None, 1, 2):
        raise QbnnError("{problem} does not exist; the paper has problems 1 and 2", problem=problem)
    grid = parse_rates(rates)
    PauliNoise(model, 0.0)  # validates the model name
    if trajectories < 2:
        raise QbnnError("{trajectories} must be at least 2", trajectories=trajectories)
    if max_k is not None and max_k < 1:
        raise QbnnError("{max_k} must be at least 1", max_k=max_k)
    numbers = [problem] if problem is not None else [1, 2]
    with noise_client(workers, scheduler) as client, progress_bar("noise study: rates done", enabled=not json_output) as tick:
        studies = []
        for j, number in enumerate(numbers):
            studies.append(
                noise_study(
                    TrainingProblem.paper(number, meta=meta), grid, model=model, trajectories=trajectories, seed=seed,
                    max_k=max_k, adaptive_k=adaptive_k, name=f"problem {number}", client=client,
                    on_rate=lambda done, total, j=j: tick(j * total + done, len(numbers) * total),
                )
            )
    table = study_table(studies)
    payload = {"studies": [study.to_json() for study in studies]}
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        payload["figure"] = str(study_figure(studies, out / "noise_study.png"))
        (out / "noise_study.md").write_text(table + "\n")
        payload["table"] = str(out / "noise_study.md")
    lines = [f"{model} noise, {trajectories} trajectories per rate, seed {seed}", table]
    for study in studies:
        crossover = study.crossover_rate
        lines.append(
            f"{study.problem}{' meta' if study.meta else ''}: amplitude amplification beats random search "
            + ("at every rate of the grid" if crossover is None else f"below {crossover:g} only")
        )
        edges = [f"{row.rate:g}" for row in study.rows if row.at_edge]
        if edges:
            lines.append(
                f"{study.problem}: at rate {', '.join(edges)} the best k is the largest tried; "
                "a longer range (--max-k, or --adaptive-k) might do better"
            )
    if out is not None:
        lines.append(f"wrote {payload['figure']} and {payload['table']}")
    emit(payload, json_output, "\n".join(lines))
