"""Former home of the structured engine's gate table, kept as a re-export: the lowering is :mod:`qbnn.engines.lowering`."""

from qbnn.engines.lowering import DIAGONAL, H, PERM, PHASE, SWAP, UNITARY, LoweredCircuit, Op, lower_circuit, pack_ops

__all__ = ["PERM", "PHASE", "SWAP", "H", "UNITARY", "DIAGONAL", "Op", "LoweredCircuit", "lower_circuit", "pack_ops"]
