"""``qbnn predict``: apply a model saved by ``qbnn train --save`` to new rows of a CSV file."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Annotated, Any, Optional

import numpy as np
import typer

from qbnn.cli.options import JsonOption, console, emit
from qbnn.core.outputs import check_output_file, write_text_atomic
from qbnn.errors import DataError
from qbnn.model.data import read_table
from qbnn.model.encoding import Encoding
from qbnn.model.network import Network

__all__ = ["predict_command", "load_model"]


def load_model(path: Path) -> tuple[Network, np.ndarray, np.ndarray | None, Encoding]:
    """The network, weights, connections and encoding of a model file, or one line saying what is wrong."""
    shown = str(path).replace("{", "{{").replace("}", "}}")
    try:
        payload: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{{model}}: file not found; write one with 'qbnn train --save {shown}'", model=path) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise DataError(f"{{model}} is not a model file written by 'qbnn train --save' ({type(exc).__name__})", model=path) from None
    if not isinstance(payload, dict) or payload.get("qbnn_model") != 1:
        raise DataError("{model} is not a model file written by 'qbnn train --save' (no 'qbnn_model': 1)", model=path)
    try:
        network = Network(tuple(payload["network"]["layers"]), meta=bool(payload["network"]["meta"]))
        weights = np.asarray(payload["parameters"]["weights"], dtype=np.int8)
        raw = payload["parameters"]["connections"]
        connections = None if raw is None else np.asarray(raw, dtype=np.int8)
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(f"{{model}} is incomplete ({type(exc).__name__}: {exc}); train and save it again", model=path) from None
    return network, weights, connections, Encoding.from_json(payload["encoding"])


def predict_command(
    model: Annotated[Path, typer.Option("--model", help="A model file written by 'qbnn train --save'.")],
    data: Annotated[
        Path,
        typer.Option("--data", help="CSV with the model's feature columns (by name; the label column, if present, is scored)."),
    ],
    out: Annotated[
        Optional[Path], typer.Option("--out", help="Write the predictions to this CSV file (default: print them).")
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Apply a saved model to new points: the same encoding (label classes, fitted thresholds), then the network.

    Examples:

    \b
      qbnn train --data train.csv --label species --binarize median --save model.json
      qbnn predict --model model.json --data new.csv --out predictions.csv
    """
    if out is not None:
        check_output_file(out, parameter="out", suffix=".csv")
    network, weights, connections, encoding = load_model(model)
    table = read_table(data, encoding.label_column, require_label=False)
    outputs = network.forward(encoding.features(table), weights, connections)
    predictions = encoding.decode(outputs)
    payload: dict[str, Any] = {"points": table.num_points, "label_column": encoding.label_column, "predictions": predictions}
    summary = f"{table.num_points} points of {table.name} predicted by {network.describe()}"
    if (table.labels != "").all():  # the file has the label column (missing values are refused when read)
        truth = encoding.labels(table)
        correct = int((outputs == truth).sum())
        payload["correct"], payload["accuracy"] = correct, correct / table.num_points
        summary += f"; accuracy {correct / table.num_points:.3f} ({correct}/{table.num_points}) against its '{encoding.label_column}' column"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([f"predicted_{encoding.label_column}"])
    writer.writerows([p] for p in predictions)
    if out is not None:
        write_text_atomic(out, buffer.getvalue())
        payload["out"] = str(out)
        emit(payload, json_output, summary + f"; written to {out}")
    elif json_output:
        emit(payload, True)
    else:
        typer.echo(buffer.getvalue(), nl=False)
        console.print(summary, highlight=False, markup=False, soft_wrap=True)

