"""BNN -> Qiskit circuits: activations, the QBNN circuit U, reflections and the Grover iterate."""

from qbnn.compile.grover import amplification_circuit, grover_iterate
from qbnn.compile.neurons import paper_activation, paper_activation_ancillas
from qbnn.compile.oracles import accuracy_oracle, multi_controlled_z, zero_reflection
from qbnn.compile.qbnn import ACTIVATIONS, QBNNCircuit, compile_qbnn

__all__ = [
    "ACTIVATIONS",
    "QBNNCircuit",
    "accuracy_oracle",
    "amplification_circuit",
    "compile_qbnn",
    "grover_iterate",
    "multi_controlled_z",
    "paper_activation",
    "paper_activation_ancillas",
    "zero_reflection",
]
