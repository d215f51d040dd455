"""The structured engine's op vocabulary: what every lowered gate becomes, and its packed form for the kernels.

The op kinds:

- ``PERM``      controlled X: X, CX, CCX, MCX with any control state (a bit-row XOR),
- ``PHASE``     controlled Z: a sign -1 where every (qubit, polarity) condition holds,
- ``SWAP``      a row exchange,
- ``H``         Hadamard (extends the index on a constant qubit, a butterfly on a free index bit),
- ``UNITARY``   any 2x2 unitary ``matrix`` on ``target`` where the conditions hold (ry, u, cry, ch, ...),
- ``DIAGONAL``  a phase factor ``matrix[0]`` where the conditions hold (p, rz, t, cp, mcp, ...).

Circuit compilers (:mod:`qbnn.compile`) may emit ops directly; the one way
from a Qiskit circuit to ops is :func:`qbnn.simulator.lowering.lower_circuit`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["PERM", "PHASE", "SWAP", "H", "UNITARY", "DIAGONAL", "REAL_KINDS", "Op", "LoweredCircuit", "pack_ops"]

PERM, PHASE, SWAP, H, UNITARY, DIAGONAL = 0, 1, 2, 3, 4, 5
#: Kinds the compiled real kernel runs itself; the others go through :mod:`qbnn.simulator.complex_kernels`.
REAL_KINDS = (PERM, PHASE, SWAP, H)
_ATOL = 1e-12  # exact classification: a rotation by 1e-9 must stay a rotation


@dataclass(frozen=True)
class Op:
    """One lowered gate: kind, target (-1 for PHASE/DIAGONAL), and (qubit, polarity) conditions."""

    kind: int
    target: int
    controls: tuple[int, ...] = ()
    polarities: tuple[int, ...] = ()  # 1: fires on |1>, 0: fires on |0>
    position: int = -1  # index of the instruction in the user's circuit (of the enclosing one if unrolled)
    name: str = ""
    matrix: tuple[complex, ...] = ()  # UNITARY: (u00, u01, u10, u11); DIAGONAL: (factor,)

    @property
    def is_real(self) -> bool:
        """True if the op keeps real amplitudes real."""
        return all(abs(complex(v).imag) <= _ATOL for v in self.matrix)


@dataclass
class LoweredCircuit:
    """A circuit as a flat list of ops plus its global phase and final measurements."""

    num_qubits: int
    ops: list[Op]
    global_phase: float = 0.0
    measurements: list[tuple[int, int]] = field(default_factory=list)  # (qubit, clbit)
    num_clbits: int = 0
    unrolled: list[Op] = field(default_factory=list, repr=False)  # the ops before the H·MCX·H rewrite (for composing)
    iterate_parts: tuple[int, int, int] | None = None  # a Grover iterate's op counts: S_chi, U^-1 (= U), S_0

    @property
    def measured(self) -> dict[int, int]:
        """clbit -> the qubit last measured into it."""
        return {clbit: qubit for qubit, clbit in self.measurements}

    @property
    def is_real(self) -> bool:
        return all(op.is_real for op in self.ops)


def pack_ops(ops: list[Op]) -> tuple[np.ndarray, ...]:
    """Flat int arrays for the numba kernel: kind, target, control offsets, control qubits, polarities."""
    kinds = np.array([op.kind for op in ops], dtype=np.int64)
    targets = np.array([op.target for op in ops], dtype=np.int64)
    starts = np.zeros(len(ops) + 1, dtype=np.int64)
    for i, op in enumerate(ops):
        starts[i + 1] = starts[i] + len(op.controls)
    cq = np.array([q for op in ops for q in op.controls], dtype=np.int64)
    cp = np.array([p for op in ops for p in op.polarities], dtype=np.int64)
    return kinds, targets, starts, cq, cp
