"""Options shared by the subcommands, and turning them into a problem (thin layer)."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console

from qbnn.model.data import Dataset, paper_problem, read_table, stratified_split
from qbnn.model.encoding import Encoding
from qbnn.errors import ArchitectureError, DataError, QbnnError
from qbnn.model.input_levels import MAX_INPUT_BITS, check_input_bits, check_meta
from qbnn.model.network import Network, parse_layers

__all__ = [
    "ProblemOption",
    "DataOption",
    "LayersOption",
    "MetaOption",
    "InputBitsOption",
    "LabelOption",
    "BinarizeOption",
    "HiddenOption",
    "LoadedData",
    "load_data",
    "shared_data_options",
    "SHARED_DATA_PARAMETERS",
    "JsonOption",
    "ActivationOption",
    "EngineOption",
    "SeedOption",
    "FreeOption",
    "ValuesOption",
    "BatchSizeOption",
    "WorkersOption",
    "SchedulerOption",
    "load_network_and_data",
    "emit",
    "console",
    "CLI_FLAGS",
]

ProblemOption = Annotated[
    Optional[int], typer.Option("--problem", help="The paper's problem 1 or 2 (default 1 when --data is absent).")
]
DataOption = Annotated[
    Optional[Path],
    typer.Option(
        "--data",
        help="CSV with a header row: numeric feature columns and a label column ('y' or --label) of two classes; "
        "features -1/+1 or 0/1, or real values with --binarize.",
    ),
]
LayersOption = Annotated[
    Optional[str],
    typer.Option(
        "--layers", help="Layer sizes n0,...,1; n0 = number of features (default n0,2,1 with --data, 3,2,1 with --problem)."
    ),
]
HiddenOption = Annotated[
    Optional[str],
    typer.Option("--hidden", help="Hidden layer sizes only, e.g. 2 or 4,2: the network is n0,hidden,1 with n0 from the data."),
]
LabelOption = Annotated[
    Optional[str],
    typer.Option("--label", help="The label column of --data (any position, any two distinct values); default 'y'."),
]
BinarizeOption = Annotated[
    Optional[str],
    typer.Option(
        "--binarize",
        help="Real-valued features: 'median' (+1 above each feature's median) or 'quantile' (2^b levels with "
        "--input-bits b), cut on the training rows.",
    ),
]
MetaOption = Annotated[bool, typer.Option("--meta", help="Also search first-layer connection bits (paper 5.1).")]
InputBitsOption = Annotated[
    int,
    typer.Option(
        "--input-bits",
        help=f"Bits per feature, 1..{MAX_INPUT_BITS}: features are the odd values -(2^b-1)..2^b-1 (1 = the paper's ±1).",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a table.")]
ActivationOption = Annotated[
    str, typer.Option("--activation", help="Sign circuit: 'paper' (OR of ANDs) or 'counter'.")
]
EngineOption = Annotated[
    str, typer.Option("--engine", help="Simulator: structured (exact, fast), aer (state vector), analytic (sin^2 law).")
]
BatchSizeOption = Annotated[
    Optional[int],
    typer.Option("--batch-size", help="Minibatch oracles (paper section 6): B points per Grover iteration, batches in turn."),
]
FreeOption = Annotated[
    Optional[str],
    typer.Option(
        "--free",
        help="Parameters in superposition (indices in the documented order, ranges allowed: 0-5,9); the rest are "
        "held at --values as classical constants of the circuit.",
    ),
]
ValuesOption = Annotated[
    Optional[str],
    typer.Option(
        "--values",
        help="All p parameter values (comma list: -1/+1 weights, then 0/1 connections) or a JSON file with the "
        "'parameters' object of 'qbnn train --json'; used with --free.",
    ),
]
SeedOption = Annotated[
    int, typer.Option("--seed", min=0, help="Seed (a whole number >= 0) of the numpy Generator used for every measurement.")
]
WorkersOption = Annotated[
    Optional[int],
    typer.Option("--workers", help="Split the work (landscape chunks, structured-engine index chunks) over a local Dask cluster of N worker processes."),
]
SchedulerOption = Annotated[
    Optional[str],
    typer.Option(
        "--scheduler", help="Address of a running Dask scheduler, e.g. tcp://host:8786 (or set $QBNN_SCHEDULER)."
    ),
]

console = Console(stderr=True)

#: Python parameter -> command-line flag, where the flag is not ``--`` + the name with dashes
#: (library errors name Python parameters; :meth:`qbnn.errors.QbnnError.render` shows them as flags).
CLI_FLAGS: dict[str, str] = {
    "json_output": "--json",
    "time_limit": "--time-limit",
    "radius": "--robust",
    "max_seconds": "--force",  # qbnn.compile.robust names the radius of robustness
}


#: The data options every command with ``--data`` gets (``cli/main.py`` adds those a command does not declare).
SHARED_DATA_PARAMETERS: dict[str, Any] = {"label": LabelOption, "binarize": BinarizeOption, "hidden": HiddenOption}

_shared: ContextVar[dict[str, Any]] = ContextVar("qbnn_shared_data_options", default={})


@contextmanager
def shared_data_options(**values: Any):
    """Make --label/--binarize/--hidden given to a command visible to :func:`load_network_and_data`."""
    token = _shared.set({name: value for name, value in values.items() if value is not None})
    try:
        yield
    finally:
        _shared.reset(token)


@dataclass(frozen=True)
class LoadedData:
    """What the data options resolve to: the network, the training points and, for a CSV file, its encoding."""

    network: Network
    dataset: Dataset
    encoding: Encoding | None = None
    test: Dataset | None = None  # held-out points (train --test / --test-fraction)


def parse_hidden(hidden: str) -> tuple[int, ...]:
    """``"4,2"`` -> (4, 2); ``""`` -> () (no hidden layer); one line for anything else."""
    text = hidden.strip()
    if not text:
        return ()
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise ArchitectureError("{hidden} is not a list of hidden layer sizes; write e.g. 2 or 4,2", hidden=hidden) from None
    if any(n < 1 for n in sizes):
        raise ArchitectureError("{hidden} has a layer with no neurons; every size must be >= 1", hidden=hidden)
    return sizes


def load_data(
    problem: int | None,
    data: Path | None,
    layers: str | None,
    meta: bool,
    input_bits: int = 1,
    *,
    label: str | None = None,
    binarize: str | None = None,
    hidden: str | None = None,
    test: Path | None = None,
    test_fraction: float | None = None,
    seed: int = 0,
) -> LoadedData:
    """Resolve the data options into a network, training points (and held-out points), refusing guesses.

    Quantiles (``binarize``) and the label classes are fitted on the training rows only; ``test_fraction``
    holds out that share of each class (seeded), ``test`` reads held-out points from another file.
    """
    shared = _shared.get()
    label = label if label is not None else shared.get("label")
    binarize = binarize if binarize is not None else shared.get("binarize")
    hidden = hidden if hidden is not None else shared.get("hidden")
    if problem is not None and data is not None:
        raise DataError("give either {problem} or {data}, not both", problem=..., data=...)
    if layers is not None and hidden is not None:
        raise ArchitectureError("give either {layers} or {hidden}, not both", layers=..., hidden=...)
    if test is not None and test_fraction is not None:
        raise DataError("give either {test} or {test_fraction}, not both", test=..., test_fraction=...)
    bits = check_input_bits(input_bits)
    check_meta(meta, bits)
    encoding = held_out = None
    if data is not None:
        table = read_table(data, label)
        if test_fraction is not None:
            if not 0.0 < float(test_fraction) < 1.0:
                raise DataError("{test_fraction} must lie strictly between 0 and 1, e.g. 0.25", test_fraction=test_fraction)
            train_rows, test_rows = stratified_split(table.labels, float(test_fraction), seed, where=table.path)
            held_table, table = table.subset(test_rows), table.subset(train_rows)
        encoding = Encoding.fit(table, binarize=binarize, input_bits=bits)
        dataset = encoding.dataset(table, name=table.name if test_fraction is None else f"{table.name} (training rows)")
        if test is not None:
            held_table = read_table(test, encoding.label_column)
        if test is not None or test_fraction is not None:
            held_out = encoding.dataset(held_table, name=f"{held_table.name} (held-out rows)" if test is None else None)
    else:
        for name, value in (("label", label), ("binarize", binarize), ("test", test), ("test_fraction", test_fraction)):
            if value is not None:
                raise DataError("{" + name + "} applies to {data} only; the paper's problems are binary already", **{name: value}, data=...)
        if problem not in (None, 1, 2):
            raise DataError("{problem} does not exist; the paper has problems 1 and 2", problem=problem)
        dataset = paper_problem(problem or 1).with_input_bits(bits)  # ±1 points are valid at every b
    if layers is not None:
        sizes = parse_layers(layers)
    elif hidden is not None:
        sizes = (dataset.num_features, *parse_hidden(hidden), 1)
    else:
        sizes = (dataset.num_features, 2, 1) if data is not None else (3, 2, 1)
    network = Network(sizes, meta=meta)
    if dataset.num_features != network.num_inputs:
        hint = ",".join(str(n) for n in (dataset.num_features, *sizes[1:]))
        hidden_hint = ",".join(str(n) for n in sizes[1:-1])
        raise ArchitectureError(
            f"{dataset.name} has {dataset.num_features} feature columns but --layers starts with "
            f"{network.num_inputs}; pass --layers {hint}" + (f" (or --hidden {hidden_hint})" if hidden_hint else "")
        )
    return LoadedData(network, dataset, encoding, held_out)


def load_network_and_data(
    problem: int | None, data: Path | None, layers: str | None, meta: bool, input_bits: int = 1, **options: Any
) -> tuple[Network, Dataset]:
    """Resolve --problem/--data/--layers/--hidden/--label/--binarize/--meta/--input-bits into a network and a dataset."""
    loaded = load_data(problem, data, layers, meta, input_bits, **options)
    return loaded.network, loaded.dataset


def emit(payload: dict[str, Any], as_json: bool, human: str | None = None) -> None:
    """Print one JSON object (``--json``) or the human-readable text."""
    if as_json:
        sys.stdout.write(json.dumps(payload, indent=None, separators=(", ", ": ")) + "\n")
    else:
        Console(soft_wrap=True).print(human if human is not None else json.dumps(payload, indent=2), highlight=False, markup=False)


RobustOption = Annotated[
    Optional[int],
    typer.Option("--robust", help="Mark only configurations whose Hamming-radius-R neighbours also reach the target."),
]
RobustFractionOption = Annotated[
    Optional[float], typer.Option("--robust-fraction", help="--robust: at least this fraction of the neighbours, not all.")
]


def with_robustness(training, robust: int | None, robust_fraction: float | None):
    """``training`` with the robust marking oracle (:func:`qbnn.compile.robust.robust_problem`) when asked for."""
    if robust is None:
        if robust_fraction is not None:
            raise QbnnError("{robust_fraction} qualifies {robust}; give {robust} R too", robust_fraction=robust_fraction, robust=...)
        return training
    from qbnn.compile.robust import robust_problem

    return robust_problem(training, robust, robust_fraction)
