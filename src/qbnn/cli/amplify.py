"""``qbnn amplify``: exact success probability after k Grover iterations, beside the sin^2 law."""

from __future__ import annotations

import sys

from typing import Annotated, Optional

import typer

from qbnn.engines.amplitude import success_probability
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
from qbnn.cli.options import RobustFractionOption, RobustOption, with_robustness
from qbnn.cli.session import engine_session
from qbnn.engines.registry import get_engine
from qbnn.core.parsing import parse_int_range
from qbnn.problem import TrainingProblem, resolve_target
from qbnn.cli.noise_options import NoiseOption, TrajectoriesOption, noise_client, noisy_amplification
from qbnn.core.progress import progress_bar
from qbnn.engines.amplify_aer import DEFAULT_MAX_SECONDS

def _num_solutions(session, training: TrainingProblem) -> int:
    """M for the sin^2 law: from the Dask landscape when on Dask (the 2^p counts never reach this process)."""
    if not session.on_dask:
        return training.num_solutions
    from qbnn.landscape.summary import distributed_landscape_summary

    summary = distributed_landscape_summary(training.network, training.data, session.client)
    return summary.solutions_at_least(training.target)


def amplify_command(
    k: Annotated[str, typer.Option("--k", help="Iterations: a range 0-12, one value, or a list 0,2,4.")] = "0-12",
    problem: ProblemOption = None,
    data: DataOption = None,
    layers: LayersOption = None,
    meta: MetaOption = False,
    input_bits: InputBitsOption = 1,
    free: FreeOption = None,
    values: ValuesOption = None,
    engine: EngineOption = "structured",
    activation: ActivationOption = "paper",
    min_correct: Annotated[Optional[int], typer.Option("--min-correct", help="Target: at least C correct points.")] = None,
    min_accuracy: Annotated[Optional[float], typer.Option("--min-accuracy", help="Target: accuracy >= A.")] = None,
    batch_size: BatchSizeOption = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    noise: NoiseOption = None,
    trajectories: TrajectoriesOption = None,
    seed: SeedOption = 0,
    robust: RobustOption = None,
    robust_fraction: RobustFractionOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="--engine aer: run even when the estimated time is over 10 minutes.")
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Exact probability that measuring after U Q^k gives a solution, for each k.

    Examples:

    \b
      qbnn amplify --problem 1 --k 0-12 --json
      qbnn amplify --problem 1 --meta --k 0-20 --workers 2
      qbnn amplify --problem 1 --k 0-2 --engine aer
      qbnn amplify --problem 1 --meta --k 20 --noise bit-flip:1e-4 --trajectories 20 --workers 2

    With --workers N (or --scheduler ADDR) the index space is split into chunks on Dask workers.
    With --noise MODEL:RATE the probability is estimated from exact noisy trajectories (95% interval).
    """
    ks = parse_int_range(k, parameter="k")
    network, dataset = load_network_and_data(problem, data, layers, meta, input_bits)
    target = resolve_target(dataset.num_points, min_correct, min_accuracy)
    training = TrainingProblem(network, dataset, min_correct=target, activation=activation, batch_size=batch_size, free=free, values=values)
    training = with_robustness(training, robust, robust_fraction)
    noisy = noisy_amplification(training, noise, trajectories, seed, engine, workers, scheduler)
    if noisy is not None:
        with noise_client(workers, scheduler) as client:
            noisy.client = client
            _emit_noisy(noisy, ks, network, dataset, engine, json_output, workers)
        return
    extra: dict = {}
    with engine_session(engine, workers, scheduler) as session, progress_bar(
        "Grover iterations", enabled=not json_output and session.on_dask
    ) as tick:
        engine, dask_workers = session.engine, session.workers
        options = {"progress": tick} if session.on_dask else {}
        if engine == "aer":
            options = {"max_seconds": float("inf") if force else DEFAULT_MAX_SECONDS, "announce": None if json_output else _say}
        amplification = get_engine(engine, **options).prepare(training)
        amplification.prefetch(ks)
        probabilities = [amplification.success_probability(kk) for kk in ks]
        saving = training.minibatch_saving()
        if saving is not None:
            full_amp = get_engine(engine, **options).prepare(training.full_batch())
            full_amp.prefetch(ks)
            extra = {**saving.to_json(), "full_batch_success_probability": [full_amp.success_probability(kk) for kk in ks]}
        m, total = _num_solutions(session, training), training.num_configurations
    if session.on_dask:
        extra["workers"] = dask_workers
    theory = [success_probability(m, total, kk) for kk in ks]
    payload = {
        "network": list(network.layers),
        "meta": network.meta,
        "engine": engine,
        "solutions": m,
        "configurations": total,
        "target": target,
        "k": ks,
        "success_probability": probabilities,
        "theory": theory,
        **extra,
    }
    on = f" on {dask_workers} Dask workers" if dask_workers is not None else ""
    lines = [f"{network.describe()} on {dataset.name}: M = {m} of N = {total}, engine {engine}{on}"]
    if "batch_size" in extra:
        lines.append(
            f"minibatches of {batch_size} points ({extra['batches']} batches): {extra['qubits']} qubits instead of "
            f"{extra['full_batch_qubits']} (saves {extra['qubits_saved']})"
        )
        lines.append("   k  minibatch        full batch")
        lines += [f"{kk:>4}  {p:.12f}   {f:.12f}" for kk, p, f in zip(ks, probabilities, extra["full_batch_success_probability"])]
    else:
        lines.append("   k  exact            sin^2((2k+1)theta)")
        lines += [f"{kk:>4}  {p:.12f}   {t:.12f}" for kk, p, t in zip(ks, probabilities, theory)]
    emit(payload, json_output, "\n".join(lines))


def _emit_noisy(noisy, ks: list[int], network, dataset, engine: str, json_output: bool, workers: int | None = None) -> None:
    """``amplify --noise``: estimates with intervals beside the exact noiseless values (trajectories on Dask with a client)."""
    training = noisy.problem
    estimate = noisy.estimate(ks)
    on_dask = noisy.client is not None
    if on_dask:
        from qbnn.core.cluster import cluster_workers

        workers = len(cluster_workers(noisy.client))
    m, total = training.num_solutions, training.num_configurations
    payload = {
        "network": list(network.layers),
        "meta": network.meta,
        "engine": engine,
        "solutions": m,
        "configurations": total,
        "target": training.target,
        "theory": [success_probability(m, total, kk) for kk in ks],
        **estimate.to_json(),
        "seed": noisy.seed,
        **({"workers": workers} if on_dask else {}),
    }
    noise = estimate.noise
    lines = [
        f"{network.describe()} on {dataset.name}: M = {m} of N = {total}, engine {engine}, "
        f"noise {noise.model} {noise.rate:g} per gate and qubit, {estimate.trajectories} trajectories, seed {noisy.seed}"
        + (f", on {workers} Dask workers" if on_dask else ""),
        f"   k  noisy estimate  {round(100 * estimate.confidence)}% interval        noiseless (exact)",
    ]
    lines += [
        f"{kk:>4}  {p:.6f}        [{lo:.6f}, {hi:.6f}]  {p0:.6f}"
        for kk, p, (lo, hi), p0 in zip(estimate.k, estimate.success_probability, estimate.interval, estimate.noiseless)
    ]
    emit(payload, json_output, "\n".join(lines))


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
