"""``qbnn count``: estimate the number of solutions by amplitude estimation, without knowing it."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from qbnn.cli.options import (
    ActivationOption,
    DataOption,
    EngineOption,
    JsonOption,
    LayersOption,
    MetaOption,
    InputBitsOption,
    ProblemOption,
    SeedOption,
    emit,
    load_network_and_data,
    FreeOption,
    ValuesOption,
)
from qbnn.search.counting import count_by_phase_estimation, estimate_solutions
from qbnn.engines.registry import get_engine
from qbnn.errors import QbnnError
from qbnn.problem import TrainingProblem, resolve_target


def count_command(
    problem: ProblemOption = None,
    data: DataOption = None,
    layers: LayersOption = None,
    meta: MetaOption = False,
    input_bits: InputBitsOption = 1,
    free: FreeOption = None,
    values: ValuesOption = None,
    seed: SeedOption = 0,
    shots: Annotated[int, typer.Option("--shots", help="Measurements per k of the schedule 0, 1, 2, 4, ...")] = 100,
    engine: EngineOption = "structured",
    activation: ActivationOption = "paper",
    min_correct: Annotated[Optional[int], typer.Option("--min-correct", help="Count configurations with >= C correct points.")] = None,
    min_accuracy: Annotated[Optional[float], typer.Option("--min-accuracy", help="Count configurations with accuracy >= A.")] = None,
    method: Annotated[str, typer.Option("--method", help="mle (maximum-likelihood AE) or qpe (textbook counting).")] = "mle",
    eval_qubits: Annotated[int, typer.Option("--eval-qubits", help="Counting qubits m of --method qpe (2^m - 1 iterates per shot).")] = 6,
    json_output: JsonOption = False,
) -> None:
    """Estimate M (solutions) by amplitude estimation (mle) or phase estimation of Q (qpe), with a 95% interval.

    Example: qbnn count --problem 2 --meta --seed 3 --json; qbnn count --problem 1 --method qpe --eval-qubits 4
    """
    if shots < 1:
        raise QbnnError(f"--shots {shots} must be at least 1")
    if method not in ("mle", "qpe"):
        raise QbnnError(f"--method {method} is not one of mle, qpe")
    if method == "qpe" and engine != "structured":
        raise QbnnError(f"--method qpe runs on the structured engine; drop --engine {engine}")
    network, dataset = load_network_and_data(problem, data, layers, meta, input_bits)
    target = resolve_target(dataset.num_points, min_correct, min_accuracy)
    training = TrainingProblem(network, dataset, min_correct=target, activation=activation, free=free, values=values)
    if method == "qpe":
        result = count_by_phase_estimation(training, eval_qubits=eval_qubits, shots=shots, seed=seed)
    else:
        result = estimate_solutions(get_engine(engine).prepare(training), shots=shots, seed=seed)
    payload = {"engine": engine, "method": method, "target": target, **result.to_json()}
    lo, hi = result.interval
    human = (
        f"{network.describe()} on {dataset.name}: about {result.solutions:.2f} solutions of {result.configurations} "
        f"(95% interval {lo:.2f}..{hi:.2f}); {result.oracle_calls} oracle calls; "
        f"optimal k for training: {result.optimal_k}"
    )
    emit(payload, json_output, human)
