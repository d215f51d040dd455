"""``qbnn count``: estimate the number of solutions by amplitude estimation, without knowing it."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from qbnn.cli.options import (
    ActivationOption,
    BinarizeOption,
    HiddenOption,
    LabelOption,
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
from qbnn.cli.options import RobustFractionOption, RobustOption, with_robustness
from qbnn.search.counting import count_by_phase_estimation, estimate_solutions
from qbnn.engines.registry import get_engine
from qbnn.errors import QbnnError
from qbnn.problem import TrainingProblem, resolve_target
from qbnn.cli.train import classical_reference, reference_text


def count_command(
    problem: ProblemOption = None,
    data: DataOption = None,
    label: LabelOption = None,
    binarize: BinarizeOption = None,
    layers: LayersOption = None,
    hidden: HiddenOption = None,
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
    robust: RobustOption = None,
    robust_fraction: RobustFractionOption = None,
    json_output: JsonOption = False,
) -> None:
    """Estimate M (solutions) by amplitude estimation (mle) or phase estimation of Q (qpe), with a 95% interval.

    Examples:

    \b
      qbnn count --problem 2 --meta --seed 3 --json
      qbnn count --problem 1 --method qpe --eval-qubits 4
      qbnn count --data d.csv --label class --binarize median --min-accuracy 0.9
    """
    if shots < 1:
        raise QbnnError(f"--shots {shots} must be at least 1")
    if method not in ("mle", "qpe"):
        raise QbnnError(f"--method {method} is not one of mle, qpe")
    if method == "qpe" and engine != "structured":
        raise QbnnError(f"--method qpe runs on the structured engine; drop --engine {engine}")
    network, dataset = load_network_and_data(
        problem, data, layers, meta, input_bits, label=label, binarize=binarize, hidden=hidden
    )
    target = resolve_target(dataset.num_points, min_correct, min_accuracy)
    training = TrainingProblem(network, dataset, min_correct=target, activation=activation, free=free, values=values)
    training = with_robustness(training, robust, robust_fraction)
    if method == "qpe":
        result = count_by_phase_estimation(training, eval_qubits=eval_qubits, shots=shots, seed=seed)
    else:
        result = estimate_solutions(get_engine(engine).prepare(training), shots=shots, seed=seed)
    payload = {"engine": engine, "method": method, "target": target, **result.to_json()}
    none = result.solutions_rounded == 0  # no k to recommend for a search with (as far as we can tell) no solutions
    if none:
        payload["optimal_k"] = None
    if method == "mle":  # each shot after k iterations evaluates the network 2k + 1 times
        payload["network_evaluations"] = int(sum(shots * (2 * k + 1) for k in result.schedule))
    reference = classical_reference(result.configurations, float(result.solutions))
    payload["classical_reference"] = reference
    lo, hi = result.interval
    cost = f"{result.oracle_calls} oracle calls" + (
        f", {payload['network_evaluations']} network evaluations" if "network_evaluations" in payload else ""
    )
    if none:
        verdict = (
            f"estimates no solutions of {result.configurations} (about {result.solutions:.2f}, 95% interval {lo:.2f}..{hi:.2f}), "
            "so no k is recommended; lower the target (--min-accuracy) or find the best with 'qbnn train --strategy best'"
        )
    else:
        verdict = (
            f"about {result.solutions:.2f} solutions of {result.configurations} (95% interval {lo:.2f}..{hi:.2f}); "
            f"optimal k for training: {result.optimal_k}"
        )
    human = "\n".join([
        f"{network.describe()} on {dataset.name}, target {target}/{dataset.num_points} correct: {verdict}",
        f"cost {cost}",
        reference_text(reference, "estimated"),
    ])
    emit(payload, json_output, human)
