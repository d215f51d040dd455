"""``qbnn demo``: parse the flags, call the study, print it (the settings objects check every bound)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from qbnn.cli.options import EngineOption, JsonOption, SchedulerOption, SeedOption, WorkersOption, console, emit
from qbnn.core.outputs import check_files_in_folder, record_outputs, write_text_atomic
from qbnn.errors import QbnnError


def _sizes(text: str | None, default: tuple[int, ...]) -> tuple[int, ...]:
    if text is None:
        return default
    try:
        return tuple(int(v) for v in text.split(",") if v.strip())
    except ValueError:
        raise QbnnError("{hidden} is not a list of layer sizes; write e.g. 2 or 2,2", hidden=repr(text)) from None


def demo_command(
    features: Annotated[
        Optional[int], typer.Option("--features", help="Features kept (F-test), each binarised at its median (default 4; 16 with --dataset).")
    ] = None,
    hidden: Annotated[
        Optional[str], typer.Option("--hidden", help="Hidden layer sizes, e.g. 2 or 2,2 ('' for none; default 2, 8 with --dataset).")
    ] = None,
    dataset: Annotated[
        Optional[str],
        typer.Option(
            "--dataset",
            help="breast-cancer ([16,8,1]) or digits (3 vs 8, [64,8,1]): quantum block training against the strongest "
            "classical trainers over --seeds x --folds; mnist: few-shot MNIST, one-vs-one BNN ensembles.",
        ),
    ] = None,
    seeds: Annotated[int, typer.Option("--seeds", help="--dataset breast-cancer|digits: seeds, each a fresh fold split.")] = 5,
    block_size: Annotated[Optional[int], typer.Option("--block-size", help="--dataset: parameters per block (12; mnist 8).")] = None,
    sweeps: Annotated[Optional[int], typer.Option("--sweeps", help="--dataset: at most S sweeps over the blocks (5; mnist 1).")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="--dataset: also write the JSON, markdown and figure here.")] = None,
    folds: Annotated[int, typer.Option("--folds", help="Cross-validation folds.")] = 5,
    max_samples: Annotated[Optional[int], typer.Option("--max-samples", help="Subsample for a quick run.")] = None,
    min_accuracy: Annotated[
        float, typer.Option("--min-accuracy", help="Training-accuracy threshold of the BBHT row (below 1 for real data).")
    ] = 0.9,
    per_class: Annotated[
        Optional[str], typer.Option("--per-class", help="mnist: K training images per digit, e.g. 10 or 1,2,3,5,10.")
    ] = None,
    draws: Annotated[int, typer.Option("--draws", help="mnist: draws of the training images (seeded).")] = 5,
    digits: Annotated[str, typer.Option("--digits", help="mnist: digits, e.g. 0-9 or 3,8 (one BNN per pair).")] = "0-9",
    layers: Annotated[Optional[str], typer.Option("--layers", help="mnist: layer sizes (default 784,4,4,1 as BeMi).")] = None,
    pool: Annotated[int, typer.Option("--pool", help="mnist: average P x P pixel windows first (P divides 28; 1 = none).")] = 1,
    start: Annotated[str, typer.Option("--start", help="mnist: block training's start, centroid or random.")] = "centroid",
    methods: Annotated[
        Optional[str], typer.Option("--methods", help="--dataset: methods to run, comma list (default all; quantum always).")
    ] = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    seed: SeedOption = 0,
    engine: EngineOption = "structured",
    input_bits: Annotated[
        str,
        typer.Option(
            "--input-bits",
            help="Bits per feature; a list or range such as 1-3 compares the BNN at each b beside logistic regression "
            "(mnist: one b, pixel levels).",
        ),
    ] = "1",
    json_output: JsonOption = False,
) -> None:
    """Quantum-trained BNNs against classical trainers on real data (cross-validated).

    Examples:

    \b
      qbnn demo --features 4 --folds 5
      qbnn demo --max-samples 120 --folds 3
      qbnn demo --input-bits 1-3 --engine analytic
      qbnn demo --dataset breast-cancer --seeds 5 --out results/
      qbnn demo --dataset mnist --per-class 10 --workers 2 --out results/
    """
    from qbnn.core.parsing import parse_int_range
    from qbnn.model.input_levels import MAX_INPUT_BITS

    bits = parse_int_range(input_bits, parameter="input_bits", low=1, high=MAX_INPUT_BITS)
    chosen = None if methods is None else tuple(m.strip() for m in methods.split(",") if m.strip())
    mnist_only = {"per_class": per_class, "layers": layers, "workers": workers, "scheduler": scheduler}
    if dataset != "mnist":
        for name, value in mnist_only.items():
            if value is not None:
                raise QbnnError("{" + name + "} applies to --dataset mnist only", **{name: value})
    if dataset == "mnist":
        if len(bits) != 1:
            raise QbnnError("{input_bits} must be one number of bits for mnist", input_bits=input_bits)
        _mnist(per_class, draws, digits, layers, pool, start, bits[0], block_size, sweeps, chosen, seed, workers,
               scheduler, out, json_output)
        return
    if dataset is not None:
        _real_data_study(dataset, features, hidden, block_size, sweeps, folds, seeds, max_samples, seed, chosen, out, json_output)
        return
    from qbnn.experiments.demo import DemoSettings, run_demo

    settings = DemoSettings(
        features=4 if features is None else features, hidden=_sizes(hidden, (2,)), folds=folds,
        max_samples=max_samples, seed=seed, engine=engine, min_accuracy=min_accuracy,
    )
    if bits != [1]:
        _input_bits_study(settings, bits, json_output)
        return
    try:
        with console.status("qbnn demo", spinner="dots") as status:
            result = run_demo(settings, progress=lambda message: status.update(f"qbnn demo: {message}"))
    except ValueError as exc:  # e.g. too many parameters for the engine
        raise QbnnError(str(exc)) from None
    human = (
        f"{result.dataset}: {result.samples} samples, {settings.features} median-binarised features, "
        f"BNN {[settings.features, *settings.hidden, 1]} ({result.parameters} parameter qubits), {folds}-fold cross-validation\n"
        + result.table()
    )
    for score in result.scores:
        if score.target_reached is not None:
            human += f"\n{score.method}: training threshold met in {score.target_reached} of {folds} folds"
    emit(result.to_json(), json_output, human)


def _input_bits_study(settings, bits: list[int], json_output: bool) -> None:
    """The same features and BNN at each b, beside exhaustive search and logistic regression on the same levels."""
    from qbnn.experiments.input_bits import run_input_bits_study

    try:
        with console.status("qbnn demo", spinner="dots") as status:
            study = run_input_bits_study(settings, bits, progress=lambda message: status.update(f"qbnn demo: {message}"))
    except ValueError as exc:
        raise QbnnError(str(exc)) from None
    human = (
        f"{study.dataset}: {study.samples} samples, {settings.features} features quantised at training quantiles, "
        f"BNN {[settings.features, *settings.hidden, 1]} ({study.parameters} parameter qubits at every b), "
        f"{settings.folds}-fold cross-validation\n" + study.table()
    )
    emit(study.to_json(), json_output, human)


def _write(out: Path | None, names: list[str], texts: list[str], draw) -> None:
    """The JSON and markdown, then the figure, recorded so `qbnn reproduce --out` there accepts the folder."""
    if out is None:
        return
    out.mkdir(parents=True, exist_ok=True)
    written = [write_text_atomic(out / name, text) for name, text in zip(names, texts)]
    draw(out / names[-1])
    written.append(out / names[-1])
    record_outputs(out, written)


def _real_data_study(dataset, features, hidden, block_size, sweeps, folds, seeds, max_samples, seed, methods, out, json_output) -> None:
    """Block-trained quantum BNN against the same blocks searched classically and the strongest classical trainers."""
    import json

    from qbnn.experiments.realdata import RealDataSettings, figure, run_real_data_study

    options = {"block_size": block_size, "sweeps": sweeps, "methods": methods}
    settings = RealDataSettings(
        dataset=dataset, hidden=_sizes(hidden, (8,)), features=features, folds=folds, seeds=seeds,
        max_samples=max_samples, seed=seed, **{k: v for k, v in options.items() if v is not None},
    )
    names = [f"realdata_{dataset}.json", f"realdata_{dataset}.md", f"realdata_{dataset}.png"]
    if out is not None:  # before the minutes of work: a folder that can take the files, none of the user's replaced
        out = check_files_in_folder(out, names)
    with console.status("qbnn demo", spinner="dots") as status:
        result = run_real_data_study(settings, progress=lambda message: status.update(f"qbnn demo: {message}"))
    payload = result.to_json()
    _write(out, names, [json.dumps(payload, indent=1) + "\n", result.markdown() + "\n"], lambda path: figure(result, path))
    emit(payload, json_output, result.markdown())


def _mnist(per_class, draws, digits, layers, pool, start, bits, block_size, sweeps, methods, seed, workers, scheduler,
           out, json_output) -> None:
    """Few-shot MNIST: one-vs-one BNN ensembles, pair trainings on Dask when asked."""
    import json
    from contextlib import nullcontext

    from qbnn.core.parsing import parse_int_range
    from qbnn.experiments.mnist import MnistSettings, figure, run_mnist

    ks = parse_int_range(per_class or "10", parameter="per_class", low=-10**6, high=10**6)
    chosen = parse_int_range(digits, parameter="digits", low=0, high=9)
    sizes = None
    if layers is not None:
        try:
            sizes = tuple(int(v) for v in layers.split(","))
        except ValueError:
            raise QbnnError("{layers} is not a list of layer sizes; write e.g. 784,4,4,1", layers=layers) from None
    options = {"block_size": block_size, "sweeps": sweeps, "methods": methods}
    settings = MnistSettings(
        per_class=tuple(ks), draws=draws, digits=tuple(chosen), layers=sizes, pool=pool, input_bits=bits, start=start,
        seed=seed, **{k: v for k, v in options.items() if v is not None},
    )
    names = ["mnist.json", "mnist.md", "mnist.png"]
    if out is not None:
        out = check_files_in_folder(out, names)
    if workers is not None or scheduler is not None:
        from qbnn.core.cluster import dask_client

        cluster = dask_client(workers, scheduler)
    else:
        cluster = nullcontext(None)
    with cluster as client, console.status("qbnn demo", spinner="dots") as status:
        result = run_mnist(settings, client=client, progress=lambda message: status.update(f"qbnn demo: {message}"))
    payload = result.to_json()
    _write(out, names, [json.dumps(payload) + "\n", result.markdown() + "\n"], lambda path: figure(result, path))
    emit(payload, json_output, result.markdown())
