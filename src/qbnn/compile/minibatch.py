"""Minibatch oracles (paper section 6): a different batch of points in each Grover iteration.

Each batch b gets a clean phase oracle on the parameter register,
O_b = V_b S_chi(b) V_b^-1, where V_b is the QBNN body (no H layer) on the
batch's points: it computes the batch's accuracy qubits, flips the sign when
all are |1>, and uncomputes, so work qubits are free again for the next
batch. Iteration i applies Q_i = -D O_(i mod r) with D = H S_0 H on the
parameter qubits. With one batch holding every point this is the paper's
iterate acting on the parameter register. Configurations that fit every
batch are flipped in every iteration and are amplified; the accuracy
register needs only ``batch_size`` qubits instead of one per point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from qiskit import QuantumCircuit

from qbnn.compile.oracles import multi_controlled_z
from qbnn.compile.qbnn import QBNNCircuit, compile_qbnn
from qbnn.compile.size import check_circuit_size
from qbnn.model.data import Dataset
from qbnn.errors import DataError
from qbnn.model.network import Network

__all__ = ["MinibatchCircuits", "compile_minibatch", "split_batches"]


def split_batches(num_points: int, batch_size: int) -> list[np.ndarray]:
    """Consecutive batches of ``batch_size`` points (the last may be smaller)."""
    if not 1 <= batch_size <= num_points:
        raise DataError(f"{{batch_size}} must be between 1 and the {num_points} training points", batch_size=batch_size)
    return [np.arange(start, min(start + batch_size, num_points)) for start in range(0, num_points, batch_size)]


@dataclass(frozen=True, eq=False)
class MinibatchCircuits:
    """The state preparation (H on parameters) and one Grover iterate per batch, on a shared layout."""

    network: Network
    data: Dataset
    batches: list[np.ndarray]
    preparation: QuantumCircuit
    iterates: list[QuantumCircuit]
    layout: QBNNCircuit  # the largest batch's QBNN: register positions shared by every iterate

    @property
    def parameter_qubits(self) -> list[int]:
        return self.layout.parameter_qubits

    @property
    def num_qubits(self) -> int:
        return self.preparation.num_qubits

    def iterate_for_step(self, step: int) -> QuantumCircuit:
        """The iterate applied as the ``step``-th iteration (0-based): batches in turn."""
        return self.iterates[step % len(self.iterates)]


def _embed(body: QBNNCircuit, layout: QBNNCircuit) -> QuantumCircuit:
    """``body``'s circuit on ``layout``'s qubits, matching registers by name and position."""
    target = layout.circuit.copy_empty_like()
    positions = {reg.name: reg for reg in layout.circuit.qregs}
    mapping = []
    for qubit in body.circuit.qubits:
        located = body.circuit.find_bit(qubit).registers[0]
        register, index = located
        mapping.append(positions[register.name][index])
    target.compose(body.circuit, qubits=mapping, inplace=True)
    return target


def compile_minibatch(network: Network, data: Dataset, batch_size: int, *, activation: str = "paper") -> MinibatchCircuits:
    """Build H-on-parameters and the per-batch iterates Q_b = -D O_b on one shared qubit layout."""
    batches = split_batches(data.num_points, batch_size)
    check_circuit_size(network, data, activation)  # all batches together hold as many gates as one U
    bodies = [compile_qbnn(network, data.subset(b), activation=activation, superpose=False) for b in batches]
    layout = max(bodies, key=lambda body: body.num_qubits)
    params = layout.parameter_qubits
    preparation = layout.circuit.copy_empty_like(name="H_params")
    preparation.h(params)
    diffusion = layout.circuit.copy_empty_like(name="D")
    diffusion.h(params)
    diffusion.x(params)
    multi_controlled_z(diffusion, params)
    diffusion.x(params)
    diffusion.h(params)
    iterates = []
    for number, body in enumerate(bodies):
        v = _embed(body, layout)
        oracle = v.copy(name=f"O_{number}")
        acc = [layout.accuracy_qubits[i] for i in range(len(body.accuracy_qubits))]
        multi_controlled_z(oracle, acc)
        oracle.compose(v.inverse(), inplace=True)
        q = oracle.compose(diffusion)
        q.name = f"Q_batch{number}"
        q.global_phase = np.pi
        iterates.append(q)
    return MinibatchCircuits(network, data, batches, preparation, iterates, layout)
