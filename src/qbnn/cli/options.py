"""Options shared by the subcommands, and turning them into a problem (thin layer)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console

from qbnn.model.data import Dataset, load_csv, paper_problem
from qbnn.errors import ArchitectureError, DataError
from qbnn.model.input_levels import MAX_INPUT_BITS, check_input_bits, check_meta
from qbnn.model.network import Network, parse_layers

__all__ = [
    "ProblemOption",
    "DataOption",
    "LayersOption",
    "MetaOption",
    "InputBitsOption",
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
    typer.Option("--data", help="CSV: header row, feature columns, then label column 'y'; values -1/+1 or 0/1."),
]
LayersOption = Annotated[
    Optional[str], typer.Option("--layers", help="Layer sizes n0,...,1 (default 3,2,1); n0 = number of features.")
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
}


def load_network_and_data(
    problem: int | None, data: Path | None, layers: str | None, meta: bool, input_bits: int = 1
) -> tuple[Network, Dataset]:
    """Resolve --problem/--data/--layers/--meta/--input-bits into a network and a dataset, refusing guesses."""
    if problem is not None and data is not None:
        raise DataError("give either --problem or --data, not both")
    bits = check_input_bits(input_bits)
    check_meta(meta, bits)
    if data is not None:
        dataset = load_csv(data, input_bits=bits)
    else:
        if problem not in (None, 1, 2):
            raise DataError(f"--problem {problem} does not exist; the paper has problems 1 and 2")
        dataset = paper_problem(problem or 1).with_input_bits(bits)  # ±1 points are valid at every b
    sizes = parse_layers(layers) if layers is not None else (3, 2, 1)
    network = Network(sizes, meta=meta)
    if dataset.num_features != network.num_inputs:
        hint = ",".join(str(n) for n in (dataset.num_features, *sizes[1:]))
        raise ArchitectureError(
            f"{dataset.name} has {dataset.num_features} feature columns but --layers starts with "
            f"{network.num_inputs}; pass --layers {hint}"
        )
    return network, dataset


def emit(payload: dict[str, Any], as_json: bool, human: str | None = None) -> None:
    """Print one JSON object (``--json``) or the human-readable text."""
    if as_json:
        sys.stdout.write(json.dumps(payload, indent=None, separators=(", ", ": ")) + "\n")
    else:
        Console(soft_wrap=True).print(human if human is not None else json.dumps(payload, indent=2), highlight=False, markup=False)
