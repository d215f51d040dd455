"""``qbnn train``: search weights (and, with --meta, connections) by amplitude amplification."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from qbnn.cli.options import (
    ActivationOption,
    BatchSizeOption,
    DataOption,
    EngineOption,
    JsonOption,
    LayersOption,
    MetaOption,
    InputBitsOption,
    ProblemOption,
    SchedulerOption,
    SeedOption,
    WorkersOption,
    emit,
    load_network_and_data,
    FreeOption,
    ValuesOption,
)
from qbnn.cli.session import engine_session
from qbnn.errors import QbnnError
from qbnn.core.outputs import check_output_file
from qbnn.core.parsing import parse_index_list, parse_single_int
from qbnn.problem import TrainingProblem, resolve_target
from qbnn.cli.noise_options import NoiseOption, TrajectoriesOption, noisy_amplification
from qbnn.core.progress import progress_bar
from qbnn.search import STRATEGY_NAMES, train
from qbnn.model.describe import describe_configuration


def train_command(
    problem: ProblemOption = None,
    data: DataOption = None,
    layers: LayersOption = None,
    meta: MetaOption = False,
    input_bits: InputBitsOption = 1,
    free: FreeOption = None,
    values: ValuesOption = None,
    strategy: Annotated[
        str, typer.Option("--strategy", help=f"Search strategy: {', '.join(STRATEGY_NAMES)}.")
    ] = "paper",
    k: Annotated[Optional[str], typer.Option("--k", help="Grover iterations per step (--strategy fixed): one value, e.g. 3.")] = None,
    min_correct: Annotated[Optional[int], typer.Option("--min-correct", help="Target: at least C correct points.")] = None,
    min_accuracy: Annotated[Optional[float], typer.Option("--min-accuracy", help="Target: accuracy >= A.")] = None,
    max_oracle_calls: Annotated[
        Optional[int],
        typer.Option("--max-oracle-calls", help="Budget of Grover iterations + measurements (default 20 sqrt(N) + 50)."),
    ] = None,
    exclude: Annotated[
        Optional[str], typer.Option("--exclude", help="Configuration indices to deselect, e.g. an overfit found earlier: 5,17.")
    ] = None,
    batch_size: BatchSizeOption = None,
    seed: SeedOption = 0,
    engine: EngineOption = "structured",
    activation: ActivationOption = "paper",
    draw: Annotated[Optional[Path], typer.Option("--draw", help="Also save a drawing of the learned network (PNG).")] = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    noise: NoiseOption = None,
    block_size: Annotated[
        Optional[int], typer.Option("--block-size", help="--strategy block: parameters per block (2^B settings searched at once).")
    ] = None,
    sweeps: Annotated[Optional[int], typer.Option("--sweeps", help="--strategy block: at most S sweeps over all blocks (default 5).")] = None,
    init: Annotated[
        Optional[str], typer.Option("--init", help="--strategy block: start from 'random' (seeded) or a JSON file with 'parameters'.")
    ] = None,
    trajectories: TrajectoriesOption = None,
    json_output: JsonOption = False,
) -> None:
    """Train by amplitude amplification: measure after U Q^k, check classically, repeat per the strategy.

    Example: qbnn train --problem 2 --meta --strategy bbht --seed 1
    Block training: qbnn train --data d.csv --layers 16,8,1 --activation counter --strategy block --block-size 12
    With --workers N (or --scheduler ADDR) the structured engine runs over index chunks on Dask workers.
    With --noise MODEL:RATE every measurement is one exact noisy trajectory of U Q^k.
    """
    if strategy not in STRATEGY_NAMES:
        raise QbnnError(f"unknown strategy {strategy!r}; choose one of {', '.join(STRATEGY_NAMES)}")
    block = strategy == "block"
    if not block and (block_size is not None or sweeps is not None or init is not None):
        raise QbnnError("{block_size}, {sweeps} and {init} belong to {strategy} block", block_size=..., sweeps=..., init=..., strategy=...)
    if block and (noise is not None or workers is not None or scheduler is not None or k is not None):
        raise QbnnError("{strategy} block runs one small circuit per block on one machine; drop {noise}, {workers}, {scheduler} and {k}", strategy=..., noise=..., workers=..., scheduler=..., k=...)
    single_k = None if k is None else parse_single_int(k, parameter="k")
    if draw is not None:  # checked before any work
        check_output_file(draw, parameter="draw", suffix=".png")
    network, dataset = load_network_and_data(problem, data, layers, meta, input_bits)
    target = resolve_target(dataset.num_points, min_correct, min_accuracy)
    training = TrainingProblem(
        network, dataset, min_correct=target, activation=activation, exclude=parse_index_list(exclude, parameter="exclude"), batch_size=batch_size,
        free=free, values=values,
    )
    if trajectories is not None:
        raise QbnnError(
            "{trajectories} is for amplify's estimates; train runs one noisy trajectory per measurement "
            "(the count is reported as 'trajectories')", trajectories=trajectories,
        )
    noisy = noisy_amplification(training, noise, None, seed, engine, workers, scheduler)
    if noisy is not None and strategy == "best":
        raise QbnnError("{noise} does not work with {strategy} best yet (it recompiles an oracle per threshold); use paper, bbht or fixed", noise=noise, strategy=...)
    chosen = strategy
    if block:
        from qbnn.search import BlockCoordinate

        chosen = BlockCoordinate(block_size=8 if block_size is None else block_size, sweeps=5 if sweeps is None else sweeps, init=init)
    with engine_session(engine, workers, scheduler) as session, progress_bar("oracle calls", enabled=not json_output and not block) as tick:
        result = train(
            training, chosen, engine=session.engine if noisy is None else noisy, seed=seed,
            max_oracle_calls=max_oracle_calls, k=single_k, progress=tick,
        )
    structure = None
    if result.weights is not None:
        structure = describe_configuration(network, result.weights, result.connections, dataset.feature_names)
    if draw is not None and result.weights is not None:
        from qbnn.figures.paper import network_figure, save_figure

        save_figure(
            network_figure(
                network,
                result.weights,
                result.connections,
                f"{dataset.name}: {result.correct}/{result.points} correct",
                feature_names=dataset.feature_names,
            ),
            draw,
        )
    payload = result.to_json()
    payload["structure"], payload["input_bits"] = structure, dataset.input_bits
    payload["qubits"] = None if block else training.num_qubits  # block training: one circuit per block
    if noisy is not None:
        payload["noise"] = noisy.noise.to_json()
        payload["trajectories"] = noisy.trajectories_run
    if session.on_dask:
        payload["workers"] = session.workers
    if strategy == "best":  # minimum finding has no fixed target: it reports the best it reached
        status = f"best found (Durr-Hoyer, oracle calls to best {result.oracle_calls_to_best})"
    elif block:
        status = f"block training, blocks of {chosen.block_size}, {len(result.sweeps)} sweeps"
    else:
        status = "found" if result.success else "did not reach the target; best seen"
    lines = [
        f"{network.describe()} on {dataset.name}, strategy {strategy}, engine {result.engine}, seed {seed}"
        + ("" if noisy is None else f", noise {noisy.noise.model} {noisy.noise.rate:g} ({noisy.trajectories_run} noisy trajectories)"),
        f"{status}: configuration {result.index} with {result.correct}/{result.points} correct (target {target})",
        f"steps {result.steps}, oracle calls {result.oracle_calls}, k per step {list(result.k_history)}"
        if not block
        else f"steps {result.steps}, oracle calls {result.oracle_calls}; per sweep: "
        + ", ".join(f"{s['correct']}/{result.points} ({s['oracle_calls']} calls)" for s in result.sweeps),
    ]
    saving = training.minibatch_saving()
    if saving is not None:  # what the minibatch oracles saved (paper section 6)
        payload["full_batch_qubits"], payload["qubits_saved"] = saving.full_batch_qubits, saving.qubits_saved
        lines.append(
            f"minibatches of {batch_size} points: {saving.qubits} qubits instead of {saving.full_batch_qubits} "
            f"(saves {saving.qubits_saved})"
        )
    if structure:
        lines += ["learned network (+ weight +1, - weight -1, . absent connection):", structure]
    emit(payload, json_output, "\n".join(lines))
    explicit_target = min_correct is not None or min_accuracy is not None
    if not result.success and strategy != "best" and (not block or explicit_target):
        raise typer.Exit(1)  # like grep: nothing meeting the target was found (the best seen is still printed)
