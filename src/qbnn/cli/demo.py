"""``qbnn demo``: train on scikit-learn's breast cancer data and compare with classical baselines."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from qbnn.cli.options import EngineOption, JsonOption, SeedOption, console, emit
from qbnn.engines.registry import ENGINE_NAMES
from qbnn.errors import QbnnError
from qbnn.core.outputs import check_files_in_folder, record_outputs, write_text_atomic
from qbnn.model.network import Network


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
            help="Real-data study of block-trained BNNs of realistic size: breast-cancer ([16,8,1]) or digits (3 vs 8, [64,8,1]).",
        ),
    ] = None,
    block_size: Annotated[int, typer.Option("--block-size", help="--dataset: parameters per block.")] = 12,
    sweeps: Annotated[int, typer.Option("--sweeps", help="--dataset: at most S sweeps over the blocks.")] = 5,
    out: Annotated[Optional[Path], typer.Option("--out", help="--dataset: also write realdata_<dataset>.json and .md here.")] = None,
    folds: Annotated[int, typer.Option("--folds", help="Cross-validation folds.")] = 5,
    max_samples: Annotated[Optional[int], typer.Option("--max-samples", help="Subsample for a quick run.")] = None,
    min_accuracy: Annotated[
        float, typer.Option("--min-accuracy", help="Training-accuracy threshold of the BBHT row (below 1 for real data).")
    ] = 0.9,
    seed: SeedOption = 0,
    engine: EngineOption = "structured",
    input_bits: Annotated[
        str,
        typer.Option(
            "--input-bits",
            help="Bits per feature; a list or range such as 1-3 compares the BNN at each b beside logistic regression.",
        ),
    ] = "1",
    json_output: JsonOption = False,
) -> None:
    """Quantum-trained BNN vs exhaustive search, random search and logistic regression (cross-validated).

    Example: qbnn demo --features 4 --folds 5 (quick: --max-samples 120 --folds 3);
    qbnn demo --input-bits 1-3 --engine analytic;
    qbnn demo --dataset breast-cancer --out results/ (block training of a [16,8,1] BNN, 5-fold CV)
    """
    if dataset is not None:
        _real_data_study(dataset, features, hidden, block_size, sweeps, folds, max_samples, seed, out, json_output)
        return
    features = 4 if features is None else features
    hidden = "2" if hidden is None else hidden
    from qbnn.model.input_levels import MAX_INPUT_BITS
    from qbnn.core.parsing import parse_int_range

    bits = parse_int_range(input_bits, parameter="input_bits", low=1, high=MAX_INPUT_BITS)
    from qbnn.experiments.demo import DemoSettings, run_demo

    try:
        sizes = tuple(int(v) for v in hidden.split(",") if v.strip())
    except ValueError:
        raise QbnnError(f"--hidden {hidden!r} is not a list of layer sizes; write e.g. 2 or 2,2") from None
    if not 1 <= features <= 30:
        raise QbnnError(f"--features {features} must lie in 1..30 (breast cancer has 30 features)")
    if engine not in ENGINE_NAMES:
        raise QbnnError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINE_NAMES)}")
    if any(size < 1 for size in sizes):
        raise QbnnError(f"--hidden {hidden!r} has a layer with no neurons; every size must be >= 1")
    from qbnn.classifier import DEFAULT_MAX_PARAMETERS as MAX_PARAMETERS  # what the demo's classifiers accept

    parameters = Network((features, *sizes, 1)).num_parameters
    if parameters > MAX_PARAMETERS:
        raise QbnnError(
            f"--features {features} --hidden {hidden} makes a BNN with {parameters} parameter qubits, above the demo's "
            f"{MAX_PARAMETERS}; keep fewer features or smaller hidden layers"
        )
    if folds < 2:
        raise QbnnError(f"--folds {folds} must be at least 2")
    if not 0.0 < min_accuracy <= 1.0:
        raise QbnnError(f"--min-accuracy {min_accuracy} must lie in (0, 1]; give a fraction such as 0.9")
    if max_samples is not None and max_samples < 4 * folds:
        raise QbnnError(f"--max-samples {max_samples} is too few for {folds} folds; use at least {4 * folds}")
    settings = DemoSettings(
        features=features,
        hidden=sizes,
        folds=folds,
        max_samples=max_samples,
        seed=seed,
        engine=engine,
        min_accuracy=min_accuracy,
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
        f"{result.dataset}: {result.samples} samples, {features} median-binarised features, "
        f"BNN {[features, *sizes, 1]} ({result.parameters} parameter qubits), {folds}-fold cross-validation\n"
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


def _real_data_study(dataset, features, hidden, block_size, sweeps, folds, max_samples, seed, out, json_output) -> None:
    """Block-trained quantum BNN vs exhaustive blocks, random restarts, STE and logistic regression."""
    from qbnn.experiments.realdata import DATASETS, RealDataSettings, run_real_data_study
    from qbnn.search.block import MAX_BLOCK_SIZE

    if dataset not in DATASETS:
        raise QbnnError(f"--dataset {dataset} does not exist; choose one of {', '.join(DATASETS)}")
    if dataset == "digits" and features is not None:
        raise QbnnError("--features does not apply to --dataset digits (all 64 pixels are the inputs)")
    if features is not None and not 1 <= features <= 30:
        raise QbnnError(f"--features {features} must lie in 1..30 (breast cancer has 30 features)")
    try:
        sizes = (8,) if hidden is None else tuple(int(v) for v in hidden.split(",") if v.strip())
    except ValueError:
        raise QbnnError(f"--hidden {hidden!r} is not a list of layer sizes; write e.g. 8 or 8,4") from None
    if any(size < 1 for size in sizes):
        raise QbnnError(f"--hidden {hidden!r} has a layer with no neurons; every size must be >= 1")
    if not 1 <= block_size <= MAX_BLOCK_SIZE:
        raise QbnnError(f"--block-size {block_size} must lie in 1..{MAX_BLOCK_SIZE}")
    if sweeps < 1 or folds < 2:
        raise QbnnError("--sweeps must be at least 1 and --folds at least 2")
    if max_samples is not None and max_samples < 4 * folds:
        raise QbnnError(f"--max-samples {max_samples} is too few for {folds} folds; use at least {4 * folds}")
    names = [f"realdata_{dataset}.json", f"realdata_{dataset}.md"]
    if out is not None:  # before the minutes of work: a folder that can take the files, none of the user's replaced
        out = check_files_in_folder(out, names)
    settings = RealDataSettings(
        dataset=dataset, hidden=sizes, features=16 if features is None else features, block_size=block_size,
        sweeps=sweeps, folds=folds, max_samples=max_samples, seed=seed,
    )
    with console.status("qbnn demo", spinner="dots") as status:
        result = run_real_data_study(settings, progress=lambda message: status.update(f"qbnn demo: {message}"))
    if out is not None:
        import json

        out.mkdir(parents=True, exist_ok=True)
        written = [
            write_text_atomic(out / names[0], json.dumps(result.to_json(), indent=1) + "\n"),
            write_text_atomic(out / names[1], result.markdown() + "\n"),
        ]
        record_outputs(out, written)  # so a later `qbnn reproduce --out` into the same folder accepts them
    emit(result.to_json(), json_output, result.markdown())
