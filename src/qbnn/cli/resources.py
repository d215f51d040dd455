"""``qbnn resources``: what the QBNN circuits cost (qubits, gates, depth; sign circuits side by side)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from qbnn.cli.options import (
    ActivationOption,
    DataOption,
    JsonOption,
    LayersOption,
    MetaOption,
    ProblemOption,
    emit,
    load_network_and_data,
    FreeOption,
    ValuesOption,
)
from qbnn.errors import QbnnError
from qbnn.multibit import MAX_INPUT_BITS, check_meta
from qbnn.parsing import parse_int_range
from qbnn.problem import TrainingProblem
from qbnn.resources import activation_cost, problem_resources, unfolded_resources


def resources_command(
    problem: ProblemOption = None,
    data: DataOption = None,
    layers: LayersOption = None,
    meta: MetaOption = False,
    free: FreeOption = None,
    values: ValuesOption = None,
    activation: ActivationOption = "paper",
    activations: Annotated[
        Optional[str],
        typer.Option("--activations", help="Instead: compare the paper and counter sign circuits for N inputs, e.g. 3-15."),
    ] = None,
    input_bits: Annotated[
        str,
        typer.Option(
            "--input-bits",
            help="Bits per feature (1..6); a range such as 1-4 prints qubits, gates and CX of U against b instead.",
        ),
    ] = "1",
    json_output: JsonOption = False,
) -> None:
    """Qubits, gates by name and depth of U and of one Grover iterate, as built and in CX + U.

    Example: qbnn resources --problem 1 --meta --json; qbnn resources --activations 3-15;
    qbnn resources --input-bits 1-4
    """
    if activations is not None:
        _compare_activations(activations, json_output)
        return
    bits = parse_int_range(input_bits, parameter="input_bits", low=1, high=MAX_INPUT_BITS)
    if len(bits) > 1:
        network, dataset = load_network_and_data(problem, data, layers, meta)
        _compare_input_bits(network, dataset, bits, json_output)
        return
    network, dataset = load_network_and_data(problem, data, layers, meta, bits[0])
    training = TrainingProblem(network, dataset, activation=activation, free=free, values=values)
    counts = problem_resources(training)
    payload = {
        "network": list(network.layers),
        "meta": network.meta,
        "activation": activation,
        "qubits": counts["U"].qubits,
        "parameter_qubits": training.num_parameters,
        "gates": counts["U"].gates,
        "depth": counts["U"].depth,
        "transpiled": {"basis": ["cx", "u"], "gates": counts["U"].transpiled_gates, "depth": counts["U"].transpiled_depth},
        "grover_iterate": counts["grover_iterate"].to_json(),
        "U": counts["U"].to_json(),
    }
    lines = [f"{network.describe()} on {dataset.name}: {payload['qubits']} qubits ({training.num_parameters} parameters in superposition)"]
    if training.condition is not None:  # what holding the other parameters fixed saves
        full = unfolded_resources(network, dataset, activation)
        payload["free"] = list(training.condition.free)
        payload["unfolded"] = full
        payload["saved"] = {
            "qubits": full["qubits"] - counts["U"].qubits,
            "gates": None if full["gates"] is None else full["gates"] - counts["U"].size,
        }
        gates = "" if full["gates"] is None else f" and {full['gates'] - counts['U'].size} of {full['gates']} gates of U"
        lines.append(
            f"{training.condition.describe()}; the fixed ones are classical constants: saves "
            f"{payload['saved']['qubits']} of {full['qubits']} qubits{gates}"
        )
    for name, res in counts.items():
        lines.append(
            f"{name:>15}: {res.size} gates, depth {res.depth}; in CX+U: {res.transpiled_size} gates "
            f"({res.transpiled_gates.get('cx', 0)} CX), depth {res.transpiled_depth}"
        )
        lines.append("                 " + ", ".join(f"{k} {v}" for k, v in res.gates.items()))
    emit(payload, json_output, "\n".join(lines))


def _compare_activations(text: str, json_output: bool) -> None:
    """The resources table of both sign circuits for each N in the range."""
    try:
        ns = parse_int_range(text, parameter="activations", low=1, high=20)
    except QbnnError:
        raise QbnnError(
            f"--activations {text!r} is not a range of input counts in 1..20 (the paper circuit needs C(N, N/2) "
            "ancillas); write e.g. 3-15"
        ) from None
    rows = [(activation_cost("paper", n), activation_cost("counter", n)) for n in ns]
    payload = {"activations": [[p.to_json(), c.to_json()] for p, c in rows]}
    lines = [
        "    N | paper: ancillas  gates  max ctrl        CX | counter: ancillas  gates  max ctrl     CX",
    ]
    for p, c in rows:
        lines.append(
            f"{p.inputs:>5} | {p.ancillas:>15} {p.gates:>6} {p.max_controls:>9} {p.cx:>9} | "
            f"{c.ancillas:>17} {c.gates:>6} {c.max_controls:>9} {c.cx:>6}"
        )
    emit(payload, json_output, "\n".join(lines))


def _compare_input_bits(network, dataset, bits: list[int], json_output: bool) -> None:
    """Qubits, gates and CX of U against b, both activations, both adders (features at full scale)."""
    from qbnn.multibit_resources import input_bits_costs

    check_meta(network.meta, max(bits))
    rows = input_bits_costs(network, dataset, bits)
    payload = {
        "network": list(network.layers),
        "data": dataset.name,
        "features": "every feature at ±(2^b - 1) with the data's signs (the costliest b-bit values)",
        "input_bits": [row.to_json() for row in rows],
    }
    lines = [
        f"U of {network.describe()} on {dataset.name}, features at ±(2^b-1)",
        "    b | activation | first layer         | qubits |   gates |        CX",
    ]
    for row in rows:
        first = "input register" if row.adder is None else f"{row.adder} adders"
        lines.append(
            f"{row.input_bits:>5} | {row.activation:<10} | {first:<19} | {row.qubits:>6} | {row.gates:>7} | {row.cx:>9}"
        )
    emit(payload, json_output, "\n".join(lines))
