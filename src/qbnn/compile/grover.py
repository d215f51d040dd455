"""The Grover iterate Q = -U S_0 U^-1 S_chi and the amplification circuit U Q^k (paper eq. 2).

Built with Qiskit's :func:`~qiskit.circuit.library.grover_operator`, passing
the QBNN circuit as the state preparation, our S_chi as the oracle and the
all-qubit S_0 as the zero reflection; after k iterations the probability of
measuring a solution is sin^2((2k+1) theta) with sin^2 theta = M / 2^p.
"""

from __future__ import annotations

from collections.abc import Sequence

from qiskit import ClassicalRegister, QuantumCircuit
from qiskit.circuit.library import grover_operator

from qbnn.compile.oracles import accuracy_oracle, zero_reflection
from qbnn.compile.qbnn import QBNNCircuit

__all__ = ["grover_iterate", "iterate_parts", "amplification_circuit"]


def iterate_parts(
    qbnn: QBNNCircuit, oracle: QuantumCircuit | None = None
) -> tuple[QuantumCircuit, QuantumCircuit, QuantumCircuit]:
    """(S_chi, U, S_0): what :func:`grover_iterate` composes; an engine may lower them apart and reuse U's lowering."""
    u = qbnn.circuit
    if oracle is None:
        oracle = accuracy_oracle(u, qbnn.accuracy_qubits)
    return oracle, u, zero_reflection(u)


def grover_iterate(qbnn: QBNNCircuit, oracle: QuantumCircuit | None = None) -> QuantumCircuit:
    """Q = -U S_0 U^-1 S_chi; ``oracle`` replaces the paper's S_chi (e.g. a threshold oracle)."""
    oracle, u, reflection = iterate_parts(qbnn, oracle)
    return grover_operator(oracle, state_preparation=u, zero_reflection=reflection, name="Q")


def amplification_circuit(
    qbnn: QBNNCircuit,
    k: int,
    *,
    oracle: QuantumCircuit | None = None,
    measure: bool = False,
    iterate: QuantumCircuit | None = None,
) -> QuantumCircuit:
    """U followed by k Grover iterates, optionally measuring the parameter qubits into ``params``."""
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    q = iterate if iterate is not None else grover_iterate(qbnn, oracle)
    circuit = qbnn.circuit.copy(name=f"U_Q^{k}")
    for _ in range(k):
        circuit.compose(q, inplace=True)
    if measure:
        params: Sequence[int] = qbnn.parameter_qubits
        creg = ClassicalRegister(len(params), "params")
        circuit.add_register(creg)
        circuit.measure(params, creg)
    return circuit
