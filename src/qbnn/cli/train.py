"""``qbnn train``: search weights (and, with --meta, connections) by amplitude amplification, or classically."""

from __future__ import annotations

import json
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from qbnn.cli.options import (
    ActivationOption,
    BatchSizeOption,
    BinarizeOption,
    DataOption,
    EngineOption,
    HiddenOption,
    JsonOption,
    LabelOption,
    LayersOption,
    MetaOption,
    InputBitsOption,
    ProblemOption,
    SchedulerOption,
    SeedOption,
    WorkersOption,
    console,
    emit,
    load_data,
    FreeOption,
    ValuesOption,
)
from qbnn.cli.options import RobustFractionOption, RobustOption, with_robustness
from qbnn.cli.session import engine_session
from qbnn.errors import QbnnError
from qbnn.core.outputs import check_output_file, write_text_atomic
from qbnn.core.parsing import parse_index_list, parse_single_int
from qbnn.model.encoding import Encoding
from qbnn.problem import TrainingProblem, resolve_target
from qbnn.cli.noise_options import NoiseOption, TrajectoriesOption, noisy_amplification
from qbnn.core.progress import progress_bar
from qbnn.search import STRATEGY_NAMES, train
from qbnn.search.training import check_strategy_options
from qbnn.model.describe import describe_configuration

#: The classical trainers of qbnn.baselines (``--strategy ste`` etc.), in the order shown in help.
CLASSICAL_STRATEGIES = ("ste", "local-search", "cp-sat", "branch-and-bound")
#: Up to this many parameters in superposition the exhaustive landscape is computed to know the optimum
#: (the structured and analytic engines compute it anyway).
LANDSCAPE_KNOWN_UP_TO = 20
#: The version of the model file ``--save`` writes and ``qbnn predict`` reads.
MODEL_FORMAT = 1


def classical_reference(configurations: int, solutions: float | None) -> dict[str, Any]:
    """What classical search would cost: N configurations, and (N+1)/(M+1) evaluations expected for random
    search without replacement when the number of solutions M is known (or estimated); with none, all N."""
    if solutions is None:
        expected = None
    elif round(float(solutions)) < 1:
        expected = float(configurations)  # finding none means checking them all
    else:
        expected = (configurations + 1) / (float(solutions) + 1)
    return {"configurations": configurations, "solutions": solutions, "expected_random_evaluations": expected}


def reference_text(reference: dict[str, Any], known: str = "known", what: str = "solutions") -> str:
    n, m, expected = reference["configurations"], reference["solutions"], reference["expected_random_evaluations"]
    if expected is None:
        return f"classical reference: {n} configurations (exhaustive search: {n} evaluations)"
    shown = f"{m:.2f}" if isinstance(m, float) else str(m)
    if round(float(m)) < 1:
        return f"classical reference: {n} configurations, {shown} {what} ({known}); to find none, a classical search checks all {n}"
    return (
        f"classical reference: {n} configurations, {shown} {what} ({known}); random search without replacement "
        f"needs (N+1)/(M+1) = {expected:.1f} evaluations on average"
    )


def _default_encoding(dataset) -> Encoding:
    """The encoding of the paper's problems (±1 features and labels, nothing fitted)."""
    return Encoding("y", (-1, 1), dataset.feature_names, dataset.input_bits)


def train_command(
    problem: ProblemOption = None,
    data: DataOption = None,
    label: LabelOption = None,
    binarize: BinarizeOption = None,
    layers: LayersOption = None,
    hidden: HiddenOption = None,
    meta: MetaOption = False,
    input_bits: InputBitsOption = 1,
    test: Annotated[
        Optional[Path], typer.Option("--test", help="Held-out CSV (same columns): report test_accuracy on it.")
    ] = None,
    test_fraction: Annotated[
        Optional[float],
        typer.Option("--test-fraction", help="Hold out this share of each class of --data (seeded by --seed), e.g. 0.25."),
    ] = None,
    save: Annotated[
        Optional[Path],
        typer.Option("--save", help="Write the model (network, encoding, result) to this .json file for 'qbnn predict'."),
    ] = None,
    free: FreeOption = None,
    values: ValuesOption = None,
    strategy: Annotated[
        str,
        typer.Option(
            "--strategy",
            help=f"Quantum: {', '.join(STRATEGY_NAMES)}; classical: {', '.join(CLASSICAL_STRATEGIES)}.",
        ),
    ] = "paper",
    k: Annotated[Optional[str], typer.Option("--k", help="Grover iterations per step (--strategy fixed): one value, e.g. 3.")] = None,
    min_correct: Annotated[Optional[int], typer.Option("--min-correct", help="Target: at least C correct points.")] = None,
    min_accuracy: Annotated[Optional[float], typer.Option("--min-accuracy", help="Target: accuracy >= A.")] = None,
    max_oracle_calls: Annotated[
        Optional[int],
        typer.Option("--max-oracle-calls", help="Budget of Grover iterations + measurements (default 20 sqrt(N) + 50)."),
    ] = None,
    time_limit: Annotated[
        Optional[float], typer.Option("--time-limit", help="Classical strategies: stop after S seconds with the best found.")
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
    robust: RobustOption = None,
    robust_fraction: RobustFractionOption = None,
    trajectories: TrajectoriesOption = None,
    json_output: JsonOption = False,
) -> None:
    """Train by amplitude amplification (measure after U Q^k, check classically, repeat) or by a classical trainer.

    Examples:

    \b
      qbnn train --problem 2 --meta --strategy bbht --seed 1
      qbnn train --data iris.csv --label species --binarize median --hidden 2 --test-fraction 0.25 --save model.json
      qbnn train --data d.csv --strategy best
      qbnn train --data d.csv --strategy cp-sat --time-limit 60
      qbnn train --data d.csv --layers 16,8,1 --activation counter --strategy block --block-size 12

    With --workers N (or --scheduler ADDR) the structured engine runs over index chunks on Dask workers.
    With --noise MODEL:RATE every measurement is one exact noisy trajectory of U Q^k.
    """
    classical = strategy in CLASSICAL_STRATEGIES
    check_strategy_options(
        strategy, classical=classical, k=k, block_size=block_size, sweeps=sweeps, init=init, noise=noise, workers=workers,
        scheduler=scheduler, trajectories=trajectories, max_oracle_calls=None if not classical else max_oracle_calls,
        time_limit=time_limit, robust=robust,
    )
    block = strategy == "block"
    single_k = None if k is None else parse_single_int(k, parameter="k")
    if draw is not None:  # checked before any work
        check_output_file(draw, parameter="draw", suffix=".png")
    if save is not None:
        check_output_file(save, parameter="save", suffix=".json")
    loaded = load_data(
        problem, data, layers, meta, input_bits, label=label, binarize=binarize, hidden=hidden, test=test,
        test_fraction=test_fraction, seed=seed,
    )
    network, dataset = loaded.network, loaded.dataset
    target = resolve_target(dataset.num_points, min_correct, min_accuracy)
    training = TrainingProblem(
        network, dataset, min_correct=target, activation=activation, exclude=parse_index_list(exclude, parameter="exclude"), batch_size=batch_size,
        free=free, values=values,
    )
    training = with_robustness(training, robust, robust_fraction)
    explicit_target = min_correct is not None or min_accuracy is not None
    known_best = None  # the optimum, from the exhaustive landscape, when it is cheap to know
    if not classical and not block:
        check_strategy_options(strategy, num_parameters=training.num_parameters)
        if training.num_parameters <= LANDSCAPE_KNOWN_UP_TO:
            known_best = training.landscape.best_correct
            if strategy != "best" and training.num_solutions == 0 and robust is not None:
                share = "all" if robust_fraction is None else f"{robust_fraction:g} of"
                raise QbnnError(
                    f"no configuration of {network.describe()} reaches {target}/{dataset.num_points} correct with {share} "
                    f"its radius-{robust} neighbours ({training.base.num_solutions} reach it alone); lower {{robust}}, "
                    "give a smaller {robust_fraction} or lower the target",
                    robust=robust, robust_fraction=...,
                )
            if strategy != "best" and training.num_solutions == 0:
                best = known_best
                raise QbnnError(
                    f"no configuration of {network.describe()} reaches {target}/{dataset.num_points} correct on "
                    f"{dataset.name.replace('{', '{{').replace('}', '}}')} (the best of all {training.num_configurations} "
                    f"reaches {best}/{dataset.num_points}, from the exhaustive landscape); try {{strategy}} best, or "
                    f"{{min_accuracy}} {best / dataset.num_points:.3g}",
                    strategy=..., min_accuracy=...,
                )
    if classical:
        from qbnn.baselines import train_classical

        with console.status(f"training with {strategy}...", spinner="dots") if not json_output else nullcontext():
            result = train_classical(training, strategy, seed=seed, time_limit=time_limit)
        session_info: dict[str, Any] = {}
        noisy = None
    else:
        noisy = noisy_amplification(training, noise, None, seed, engine, workers, scheduler)
        chosen: Any = strategy
        if block:
            from qbnn.search import BlockCoordinate

            chosen = BlockCoordinate(block_size=8 if block_size is None else block_size, sweeps=5 if sweeps is None else sweeps, init=init)
        with engine_session(engine, workers, scheduler) as session, progress_bar("oracle calls", enabled=not json_output) as bar:
            # block training's budget is that of the whole 2^p space: show the calls spent, not a fraction of it
            tick = (lambda done, total: bar(done, None)) if block else bar
            if noisy is not None and session.on_dask:
                noisy.client = session.client  # trajectories seeded one by one: the same numbers as one process
            result = train(
                training, chosen, engine=session.engine if noisy is None else noisy, seed=seed,
                max_oracle_calls=max_oracle_calls, k=single_k, progress=tick,
            )
        session_info = {"workers": session.workers} if session.on_dask else {}
    weights, connections = result.weights, result.connections
    structure = None
    if weights is not None:
        structure = describe_configuration(network, weights, connections, dataset.feature_names)
    if draw is not None and weights is not None:
        from qbnn.figures.paper import network_figure, save_figure

        save_figure(
            network_figure(network, weights, connections, f"{dataset.name}: {result.correct}/{result.points} correct",
                           feature_names=dataset.feature_names),
            draw,
        )
    payload = result.to_json()
    payload["structure"], payload["input_bits"] = structure, dataset.input_bits
    if loaded.encoding is not None:
        payload["label_column"], payload["label_mapping"] = loaded.encoding.label_column, loaded.encoding.label_mapping
        if loaded.encoding.binarize is not None:
            payload["binarize"] = loaded.encoding.binarize
    if not classical:
        payload["qubits"] = None if block else training.num_qubits  # block training: one circuit per block
    if noisy is not None:
        payload["noise"] = noisy.noise.to_json()
        payload["trajectories"] = noisy.trajectories_run
    payload.update(session_info)
    optimal = None if known_best is None else result.correct >= known_best
    if strategy == "best":
        payload["optimal"] = optimal
    reference = None
    reference_what = "solutions"
    if not block and training.num_parameters <= 62:
        solutions = None
        if known_best is not None and strategy == "best":  # minimum finding: what random search needs to hit an optimum
            optima = training.landscape.correct == known_best
            if training.exclude:
                optima[list(training.exclude)] = False
            solutions, reference_what = int(optima.sum()), "optimal configurations"
        elif known_best is not None or (classical and training.num_parameters <= LANDSCAPE_KNOWN_UP_TO):
            solutions = training.num_solutions
        reference = classical_reference(training.num_configurations, solutions)
        payload["classical_reference"] = reference
    test_accuracy = None
    if loaded.test is not None and weights is not None:
        outputs = network.forward(loaded.test.X, weights, connections)
        test_correct = int((outputs == loaded.test.y).sum())
        test_accuracy = test_correct / loaded.test.num_points
        payload["test_accuracy"], payload["test_points"], payload["test_correct"] = (
            test_accuracy, loaded.test.num_points, test_correct,
        )
    lines = [_header(network, dataset, strategy, result, seed, noisy, classical)]
    index = result.configuration if classical else result.index
    configuration = "" if index is None else f"configuration {index} with "
    if weights is None:
        lines.append("nothing was measured within the budget")
    elif strategy == "best":
        status = "the optimum" if optimal else ("best found" if optimal is None else f"best found (the optimum is {known_best}/{result.points})")
        lines.append(
            f"{status} (Durr-Hoyer minimum finding): {configuration}{result.correct}/{result.points} correct, "
            f"oracle calls to best {result.oracle_calls_to_best}"
        )
    elif block:
        lines.append(f"block training, blocks of {chosen.block_size}, {len(result.sweeps)} sweeps: "
                     f"{configuration}{result.correct}/{result.points} correct")
    else:
        status = "found" if result.success else "did not reach the target; best seen"
        lines.append(f"{status}: {configuration}{result.correct}/{result.points} correct (target {target})")
    if classical:
        extra = ", ".join(
            f"{key} {payload[key]}" for key in ("optimal", "bound", "nodes") if payload.get(key) is not None
        )
        lines.append(f"forward passes {result.forward_passes}, {result.wall_time_s:.2f} s" + (f", {extra}" if extra else ""))
    elif block:
        lines.append(
            f"steps {result.steps}, oracle calls {result.oracle_calls}, network evaluations {result.network_evaluations}; "
            "per sweep: " + ", ".join(f"{s['correct']}/{result.points} ({s['oracle_calls']} calls)" for s in result.sweeps)
        )
    else:
        lines.append(
            f"steps {result.steps}, oracle calls {result.oracle_calls}, network evaluations {result.network_evaluations}, "
            f"k per step {list(result.k_history)}"
        )
    if reference is not None:
        lines.append(reference_text(reference, "exhaustive landscape", reference_what))
    if test_accuracy is not None:
        lines.append(f"held-out accuracy {test_accuracy:.3f} ({payload['test_correct']}/{loaded.test.num_points} points of {loaded.test.name})")
    if loaded.encoding is not None and (
        tuple(loaded.encoding.classes) not in ((-1, 1), (0, 1)) or loaded.encoding.binarize is not None
    ):
        mapping = loaded.encoding.label_mapping
        lines.append(
            f"labels ('{loaded.encoding.label_column}'): " + ", ".join(f"{cls!s} -> {v:+d}" for cls, v in mapping.items())
            + ("" if loaded.encoding.binarize is None else f"; features cut by {loaded.encoding.binarize} on the training rows")
        )
    saving = None if classical else training.minibatch_saving()
    if saving is not None:  # what the minibatch oracles saved (paper section 6)
        payload["full_batch_qubits"], payload["qubits_saved"] = saving.full_batch_qubits, saving.qubits_saved
        lines.append(
            f"minibatches of {batch_size} points: {saving.qubits} qubits instead of {saving.full_batch_qubits} "
            f"(saves {saving.qubits_saved})"
        )
    if structure:
        lines += ["learned network (+ weight +1, - weight -1, . absent connection):", structure]
    if save is not None and weights is not None:
        encoding = loaded.encoding or _default_encoding(dataset)
        model = {
            "qbnn_model": MODEL_FORMAT,
            "network": {"layers": list(network.layers), "meta": network.meta, "activation": activation},
            "parameters": {"weights": list(weights), "connections": None if connections is None else list(connections)},
            "encoding": encoding.to_json(),
            "result": payload,
        }
        write_text_atomic(save, json.dumps(model, indent=1) + "\n")
        lines.append(f"model saved to {save} (apply it with: qbnn predict --model {save} --data new.csv)")
    emit(payload, json_output, "\n".join(lines))
    failed = not result.success and strategy != "best" and (not block or explicit_target)
    if failed:  # like grep: nothing meeting the target was found (the best seen is still printed)
        spent = (f"within {result.oracle_calls} oracle calls" if not classical else f"in {result.wall_time_s:.1f} s")
        proved = classical and payload.get("optimal") is True
        console.print(
            f"qbnn: the target {target}/{dataset.num_points} was not reached {spent} (best {result.correct}/{result.points}"
            + (", proved optimal" if proved else "") + f"); try --min-accuracy {result.correct / max(result.points, 1):.3g}"
            + ("" if proved else ", --strategy best" + (", or a larger --max-oracle-calls" if not classical else ", or a larger --time-limit")),
            highlight=False, markup=False, soft_wrap=True,
        )
        raise typer.Exit(1)


def _header(network, dataset, strategy, result, seed, noisy, classical) -> str:
    engine = "classical" if classical else f"engine {result.engine}"
    text = f"{network.describe()} on {dataset.name}, strategy {strategy}, {engine}, seed {seed}"
    if noisy is not None:
        text += f", noise {noisy.noise.model} {noisy.noise.rate:g} ({noisy.trajectories_run} noisy trajectories)"
    return text
