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
from qbnn.core.outputs import atomic_path, check_output_file, write_text_atomic
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
    if format is CircuitFormat.png and out is None:
        raise QbnnError("{format} png needs {out} FILE.png", format=..., out=...)
    if out is not None:  # checked before anything is built
        check_output_file(out, parameter="out", suffix=".png" if format is CircuitFormat.png else None)
    network, dataset = load_network_and_data(problem, data, layers, meta, input_bits)
    training = TrainingProblem(network, dataset, activation=activation, free=free, values=values)
    circuit = training.qbnn.circuit if part is CircuitPart.U else training.grover_iterate
    if format is CircuitFormat.png:
        import matplotlib.pyplot as plt

        figure = circuit.draw(output="mpl", fold=60)
        try:
            with atomic_path(out) as temporary:
                figure.savefig(temporary, dpi=80, bbox_inches="tight", format="png")
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
        write_text_atomic(out, text + "\n")
        typer.echo(f"wrote {out}")
