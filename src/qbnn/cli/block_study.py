"""``qbnn block-study``: parse the flags, run :mod:`qbnn.experiments.block_study`, print or write it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from qbnn.cli.options import JsonOption, SeedOption, console, emit
from qbnn.errors import QbnnError

__all__ = ["block_study_command"]


def block_study_command(
    dataset: Annotated[Optional[str], typer.Option("--dataset", help="breast-cancer ([16,8,1]) or digits (3 vs 8, [64,8,1]).")] = None,
    data: Annotated[Optional[Path], typer.Option("--data", help="A CSV file (qbnn's format) instead of --dataset; needs --layers.")] = None,
    layers: Annotated[Optional[str], typer.Option("--layers", help="Layer sizes n0,...,1 (default n0,8,1).")] = None,
    block_sizes: Annotated[str, typer.Option("--block-sizes", help="Block sizes B, a range or list such as 8-16 or 8,12,16 (at most 20).")] = "8-16",
    seeds: Annotated[int, typer.Option("--seeds", help="Seeds per block size (each a fresh start and fresh measurements).")] = 3,
    sweeps: Annotated[int, typer.Option("--sweeps", help="Sweeps over the blocks per training.")] = 1,
    binarize: Annotated[Optional[str], typer.Option("--binarize", help="--data with real-valued columns: 'median'.")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Also write block_study.json and block_study.png here.")] = None,
    seed: SeedOption = 0,
    json_output: JsonOption = False,
) -> None:
    """Does the square root show? Network evaluations to each block's optimum against 2^B, quantum vs classical.

    Example: qbnn block-study --dataset breast-cancer --block-sizes 8-16 --seeds 3 --out results/
    """
    import json

    from qbnn.core.parsing import parse_int_range
    from qbnn.experiments.block_study import MAX_STUDY_BLOCK, BlockStudySettings, run_block_study
    from qbnn.model.network import parse_layers

    sizes = parse_int_range(block_sizes, parameter="block_sizes", low=1, high=MAX_STUDY_BLOCK)
    if dataset is None and data is None:
        dataset = "breast-cancer"
    settings = BlockStudySettings(
        dataset=dataset, data=data, layers=None if layers is None else parse_layers(layers), block_sizes=tuple(sizes),
        seeds=seeds, sweeps=sweeps, binarize=binarize, seed=seed,
    )
    names = ["block_study.json", "block_study.png"]
    if out is not None:
        from qbnn.core.outputs import check_files_in_folder

        out = check_files_in_folder(out, names)
    with console.status("qbnn block-study", spinner="dots") as status:
        result = run_block_study(settings, progress=lambda message: status.update(f"qbnn block-study: {message}"))
    payload = result.to_json()
    if out is not None:
        from qbnn.core.outputs import record_outputs, write_text_atomic
        from qbnn.figures.block_study import block_study_figure

        out.mkdir(parents=True, exist_ok=True)
        written = [write_text_atomic(out / names[0], json.dumps(payload, indent=1) + "\n")]
        block_study_figure(payload, out / names[1])
        written.append(out / names[1])
        record_outputs(out, written)
    emit(payload, json_output, result.markdown())
