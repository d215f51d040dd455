"""The same Pauli noise model on Qiskit Aer: the reference for the structured engine's noisy trajectories.

The engine's op list is written back as one Qiskit gate per op (X/MCX with
its control state, a ±1 diagonal for each sign op, SWAP, H), each followed by
explicit Pauli channels on the qubits it acts on; Aer's density-matrix method
then gives the exact noisy distribution (small circuits), its state-vector
method samples trajectories (up to ~30 qubits). Qiskit Aer is an optional
extra (``qbnn[aer]``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from qiskit import QuantumCircuit, transpile
from qiskit.circuit.library import DiagonalGate, MCXGate, XGate

from qbnn.simulator.ops import H, PERM, PHASE, SWAP
from qbnn.simulator.noise import PauliNoise
from qbnn.simulator.structured import StructuredProgram

__all__ = ["append_engine_op", "engine_circuit", "pauli_channel", "noisy_engine_circuit", "aer_parameter_distributions"]


def pauli_channel(noise: PauliNoise):
    """The one-qubit Aer channel of ``noise`` (applied after a gate to each qubit it acts on)."""
    from qiskit_aer.noise import pauli_error

    px, py, pz = noise.pauli_probabilities()
    terms = [(label, p) for label, p in (("X", px), ("Y", py), ("Z", pz)) if p > 0]
    return pauli_error([*terms, ("I", 1.0 - px - py - pz)])


def append_engine_op(circuit: QuantumCircuit, kind: int, target: int, controls: Sequence[int], polarities: Sequence[int]) -> list[int]:
    """Append one engine op as one Qiskit gate; returns the qubits it acts on."""
    if kind == H:
        circuit.h(target)
        return [target]
    if kind == SWAP:
        circuit.swap(target, controls[0])
        return [target, controls[0]]
    if kind == PERM:
        if not controls:
            circuit.append(XGate(), [target])
        else:
            state = sum(int(p) << j for j, p in enumerate(polarities))
            circuit.append(MCXGate(len(controls), ctrl_state=state), [*controls, target])
        return [*controls, target]
    assert kind == PHASE
    size = 1 << len(controls)
    wanted = sum(int(p) << j for j, p in enumerate(polarities))
    diagonal = np.ones(size, dtype=complex)
    diagonal[wanted] = -1.0  # the sign where every condition holds
    circuit.append(DiagonalGate(list(diagonal)), list(controls))
    return list(controls)


def engine_circuit(programs: Sequence[StructuredProgram], noise: PauliNoise | None = None) -> QuantumCircuit:
    """The programs' ops in turn as a Qiskit circuit, with the Pauli channel after each gate when ``noise``."""
    circuit = QuantumCircuit(programs[0].num_qubits)
    channel = None if noise is None or noise.rate == 0 else pauli_channel(noise)
    for program in programs:
        kinds, targets, starts, cq, cp = program.arrays
        for k in range(len(kinds)):
            controls = [int(q) for q in cq[starts[k] : starts[k + 1]]]
            polarities = [int(p) for p in cp[starts[k] : starts[k + 1]]]
            touched = append_engine_op(circuit, int(kinds[k]), int(targets[k]), controls, polarities)
            if channel is not None:
                for q in touched:
                    circuit.append(channel, [q])
    return circuit


noisy_engine_circuit = engine_circuit


def aer_parameter_distributions(
    u_program: StructuredProgram,
    q_programs: Sequence[StructuredProgram],
    parameter_qubits: Sequence[int],
    noise: PauliNoise,
    ks: Sequence[int],
) -> dict[int, np.ndarray]:
    """Aer density-matrix distribution of the parameter register after noisy U Q^k, for each k in ``ks``."""
    from qiskit_aer import AerSimulator

    ks = sorted({int(k) for k in ks})
    circuit = engine_circuit([u_program], noise)
    if 0 in ks:
        circuit.save_probabilities(list(parameter_qubits), label="k0")
    for k in range(1, ks[-1] + 1):
        circuit.compose(engine_circuit([q_programs[(k - 1) % len(q_programs)]], noise), inplace=True)
        if k in ks:
            circuit.save_probabilities(list(parameter_qubits), label=f"k{k}")
    simulator = AerSimulator(method="density_matrix")
    data = simulator.run(transpile(circuit, simulator, optimization_level=0), shots=1).result().data(0)
    return {k: np.asarray(data[f"k{k}"], dtype=np.float64) for k in ks}
