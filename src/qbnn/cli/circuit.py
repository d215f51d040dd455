"""``qbnn circuit``: export the QBNN circuits as OpenQASM 3, text or a PNG drawing."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from qbnn.cli.options import (
    ActivationOption,
    DataOption,
    LayersOption,
    MetaOption,
    InputBitsOption,
    ProblemOption,
    load_network_and_data,
    FreeOption,
    ValuesOption,
)
from qbnn.errors import QbnnError
from qbnn.problem import TrainingProblem


class CircuitFormat(str, Enum):
    qasm3 = "qasm3"
    text = "text"
    png = "png"


class CircuitPart(str, Enum):
    U = "U"
    Q = "Q"


def circuit_command(
    problem: ProblemOption = None,
    data: DataOption = None,
    layers: LayersOption = None,
    meta: MetaOption = False,
    input_bits: InputBitsOption = 1,
    free: FreeOption = None,
    values: ValuesOption = None,
    activation: ActivationOption = "paper",
    format: Annotated[CircuitFormat, typer.Option("--format", help="qasm3, text or png.")] = CircuitFormat.qasm3,
    part: Annotated[CircuitPart, typer.Option("--part", help="U (the QBNN) or Q (one Grover iterate).")] = CircuitPart.U,
    out: Annotated[Optional[Path], typer.Option("--out", help="Write to this file instead of stdout (required for png).")] = None,
) -> None:
    """Export the QBNN circuit U (or the Grover iterate Q) as OpenQASM 3, text or a PNG drawing.

    Example: qbnn circuit --problem 1 --format qasm3 --out qbnn.qasm
    """
    network, dataset = load_network_and_data(problem, data, layers, meta, input_bits)
    training = TrainingProblem(network, dataset, activation=activation, free=free, values=values)
    circuit = training.qbnn.circuit if part is CircuitPart.U else training.grover_iterate
    if format is CircuitFormat.png:
        if out is None or out.suffix.lower() != ".png":
            raise QbnnError(f"--format png needs --out FILE.png, got {'no --out' if out is None else out}")
        if not out.parent.is_dir():
            raise QbnnError(f"cannot write {out}: directory {out.parent} does not exist; create it first")
        import matplotlib.pyplot as plt

        figure = circuit.draw(output="mpl", fold=60)
        try:
            figure.savefig(out, dpi=80, bbox_inches="tight", format="png")
        except OSError as exc:
            raise QbnnError(f"cannot write {out}: {exc.strerror}; check the directory exists and is writable") from None
        finally:
            plt.close(figure)
        typer.echo(f"wrote {out}")
        return
    if format is CircuitFormat.qasm3:
        from qiskit import qasm3

        text = qasm3.dumps(circuit)
    else:
        text = str(circuit.draw(output="text", fold=-1))
    if out is None:
        typer.echo(text)
    else:
        try:
            Path(out).write_text(text + "\n")
        except OSError as exc:
            raise QbnnError(f"cannot write {out}: {exc.strerror}; check the directory exists") from None
        typer.echo(f"wrote {out}")
