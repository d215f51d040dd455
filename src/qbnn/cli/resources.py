"""``qbnn resources``: what the QBNN circuits cost: as built, on a device (--device), fault-tolerantly (--fault-tolerant)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from qbnn.cli.options import RobustFractionOption, RobustOption, with_robustness
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
from qbnn.model.input_levels import MAX_INPUT_BITS, check_meta
from qbnn.core.parsing import parse_int_range
from qbnn.problem import TrainingProblem
from qbnn.hardware.resources import activation_cost, problem_resources, unfolded_resources


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
    device: Annotated[
        Optional[str],
        typer.Option("--device", help="Transpile U and Q for this qiskit-ibm-runtime fake backend, e.g. fake_sherbrooke (offline)."),
    ] = None,
    fault_tolerant: Annotated[
        bool, typer.Option("--fault-tolerant", help="Toffoli/T counts and surface-code qubits and time of a whole search.")
    ] = False,
    error_budget: Annotated[float, typer.Option("--error-budget", help="Allowed failure probability of the whole run.")] = 0.01,
    code_cycle_us: Annotated[float, typer.Option("--code-cycle-us", help="Surface-code cycle time in microseconds.")] = 1.0,
    physical_error: Annotated[float, typer.Option("--physical-error", help="Physical error rate per operation.")] = 1e-3,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the transpiler (--device).")] = 2019,
    robust: RobustOption = None,
    robust_fraction: RobustFractionOption = None,
    json_output: JsonOption = False,
) -> None:
    """Qubits, gates by name and depth of U and of one Grover iterate, as built and in CX + U.

    Examples:

    \b
      qbnn resources --problem 1 --meta --json
      qbnn resources --activations 3-15
      qbnn resources --input-bits 1-4
      qbnn resources --device fake_sherbrooke
      qbnn resources --fault-tolerant --error-budget 0.01
    """
    if activations is not None:
        _compare_activations(activations, json_output)
        return
    if device is not None and fault_tolerant:
        raise QbnnError("give either --device or --fault-tolerant, not both")
    bits = parse_int_range(input_bits, parameter="input_bits", low=1, high=MAX_INPUT_BITS)
    if len(bits) > 1:
        ignored = [flag for flag, given in (("--device", device), ("--fault-tolerant", fault_tolerant),
                                            ("--free", free), ("--values", values)) if given]
        if ignored:
            raise QbnnError(
                f"--input-bits {input_bits} tabulates U against b and does not take {', '.join(ignored)}; give one b, e.g. --input-bits 2"
            )
        network, dataset = load_network_and_data(problem, data, layers, meta)
        _compare_input_bits(network, dataset, bits, json_output)
        return
    network, dataset = load_network_and_data(problem, data, layers, meta, bits[0])
    training = TrainingProblem(network, dataset, activation=activation, free=free, values=values)
    if device is not None:
        _device(training, device, seed, json_output)
        return
    if fault_tolerant:
        from qbnn.hardware.fault_tolerant import SurfaceCodeModel

        model = SurfaceCodeModel(physical_error=physical_error, error_budget=error_budget, code_cycle_us=code_cycle_us)
        _fault_tolerant(training, model, json_output)
        return
    robust_oracle = None
    if robust is not None or robust_fraction is not None:
        with_robustness(training, robust, robust_fraction)  # validates the pair
        from qbnn.compile.robust import robust_resources

        robust_oracle = robust_resources(training, robust, robust_fraction)
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
    if robust_oracle is not None:
        payload["robust_oracle"] = robust_oracle
        lines.append(
            f"robust oracle (radius {robust_oracle['radius']}): {robust_oracle['qubits']} qubits, "
            f"{robust_oracle['oracle_gates']} gates, {robust_oracle['network_evaluations_per_oracle_call']} network "
            f"evaluations per call ({robust_oracle['neighbours']} neighbours)"
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
    from qbnn.hardware.input_bit_costs import input_bits_costs

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


def _device(training: TrainingProblem, device: str, seed: int, json_output: bool) -> None:
    """U and Q transpiled for a fake backend: two-qubit gates, depth, estimated success."""
    from qbnn.hardware.device import device_resources, load_device

    load_device(device)  # an unknown name fails before any transpiling
    compiled = device_resources(training, device, seed=seed)
    fields = ("device", "qubits", "two_qubit_gates", "depth", "estimated_success", "log10_estimated_success")
    payload = {"device": device, "device_qubits": compiled["U"].device_qubits, "optimization_level": 3, "seed": seed}
    payload.update(_conditional_fields(training))
    for part, result in compiled.items():
        full = result.to_json()
        payload[part] = {key: full[key] for key in (*fields, "gates")}
    lines = [f"{training.network.describe()} on {device} ({payload['device_qubits']} qubits), optimisation level 3, seed {seed}:"]
    if training.condition is not None:
        lines.append(f"  {training.condition.describe()}; the fixed ones are classical constants of U")
    for part, result in compiled.items():
        lines.append(
            f"{part:>2}: {result.qubits} qubits, {result.two_qubit_gates} two-qubit gates, depth {result.depth}, "
            f"estimated success {_power_of_ten(result.log10_estimated_success)}"
        )
    emit(payload, json_output, "\n".join(lines))


def _conditional_fields(training: TrainingProblem) -> dict:
    """``input_bits`` always, and ``free`` when only some parameters are in superposition (the rest folded into U)."""
    fields = {"input_bits": training.data.input_bits}
    if training.condition is not None:
        fields["free"] = list(training.condition.free)
    return fields


def _power_of_ten(log10: float) -> str:
    if log10 == float("-inf"):
        return "0 (a gate on a qubit or coupler the calibration reports as always failing)"
    return f"10^{log10:.1f} (product of 1 - reported gate error)"


def _fault_tolerant(training: TrainingProblem, model, json_output: bool) -> None:
    """Logical counts of U and Q, the search's iterations, and its surface-code cost."""
    from qbnn.hardware.fault_tolerant import fault_tolerant_estimate

    p = training.num_parameters
    solutions = training.num_solutions if p <= 24 else None
    estimate = fault_tolerant_estimate(training.qbnn.circuit, training.grover_iterate, p, solutions, model)
    payload = {"network": list(training.network.layers), "meta": training.network.meta, **estimate.to_json()}
    payload.update(_conditional_fields(training))
    phys = estimate.physical
    lines = [
        f"{training.network.describe()} on {training.data.name}: fault-tolerant cost of one search"
        + (f" ({training.condition.describe()})" if training.condition is not None else ""),
        f"  U: {estimate.U.logical_qubits} logical qubits, {estimate.U.toffoli_count} Toffolis, {estimate.U.t_count} T",
        f"  Q: {estimate.Q.logical_qubits} logical qubits, {estimate.Q.toffoli_count} Toffolis, {estimate.Q.t_count} T",
        f"  {estimate.iterations} iterations, {estimate.total_toffolis} Toffolis, logical time {estimate.logical_time_s:.3g} s",
        f"  code distance {phys.code_distance}, factory distances {phys.factory_distances[0]}/{phys.factory_distances[1]}: "
        f"{phys.physical_qubits} physical qubits, wall-clock {phys.wall_time_s:.3g} s, failure {phys.failure_probability:.2g}",
        "assumptions:",
        *(f"  - {line}" for line in estimate.assumptions()),
    ]
    emit(payload, json_output, "\n".join(lines))
