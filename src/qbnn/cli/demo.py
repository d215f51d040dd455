"""``qbnn demo``: train on scikit-learn's breast cancer data and compare with classical baselines."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from qbnn.cli.options import EngineOption, JsonOption, SeedOption, console, emit
from qbnn.errors import QbnnError


def demo_command(
    features: Annotated[int, typer.Option("--features", help="Features kept (F-test), each binarised at its median.")] = 4,
    hidden: Annotated[str, typer.Option("--hidden", help="Hidden layer sizes, e.g. 2 or 2,2 ('' for none).")] = "2",
    folds: Annotated[int, typer.Option("--folds", help="Cross-validation folds.")] = 5,
    max_samples: Annotated[Optional[int], typer.Option("--max-samples", help="Subsample for a quick run.")] = None,
    seed: SeedOption = 0,
    engine: EngineOption = "structured",
    json_output: JsonOption = False,
) -> None:
    """Quantum-trained BNN vs exhaustive search, random search and logistic regression (cross-validated).

    Example: qbnn demo --features 4 --folds 5
    """
    from qbnn.demo import DemoSettings, run_demo

    try:
        sizes = tuple(int(v) for v in hidden.split(",") if v.strip())
    except ValueError:
        raise QbnnError(f"--hidden {hidden!r} is not a list of layer sizes; write e.g. 2 or 2,2") from None
    if not 1 <= features <= 30:
        raise QbnnError(f"--features {features} must lie in 1..30 (breast cancer has 30 features)")
    if folds < 2:
        raise QbnnError(f"--folds {folds} must be at least 2")
    if max_samples is not None and max_samples < 4 * folds:
        raise QbnnError(f"--max-samples {max_samples} is too few for {folds} folds; use at least {4 * folds}")
    settings = DemoSettings(features=features, hidden=sizes, folds=folds, max_samples=max_samples, seed=seed, engine=engine)
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
    emit(result.to_json(), json_output, human)
