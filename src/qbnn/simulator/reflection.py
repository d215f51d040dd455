"""U^-1 S_0 U without walking U's permutations: an exact shortcut for the QBNN's Grover iterate.

In the structured engine the bit-rows are functions of the index and a
permutation gate moves rows, never amplitudes. When U is an H layer on
|0...0> followed by X/MCX/SWAP gates C (every QBNN circuit), the iterate
Q = S_chi U^-1 S_0 U run from the state after U does this to the amplitudes,
gate by gate: S_chi's signs; nothing during C^-1 (rows go back to "the H
layer's qubits are index bits 0..h-1, every other qubit 0"); the H layer's
Walsh-Hadamard transform on bits 0..h-1; S_0's sign on index 0 (the only
index where every qubit is 0); the transform again; nothing during C (the rows
come back to the state after U). :class:`ReflectionReplay` makes exactly those
kernel calls, in that order, on the amplitudes, and runs S_chi gate by gate on
the rows, leaving C's rows as they are: the result is bit for bit the
gate-by-gate one (tests compare them), at O(|S_chi| 2^p / 64 + p 2^p) per
iterate instead of O(|Q| 2^p / 64), with no second copy of anything. This is
what makes one iteration at p = 30 take seconds rather than minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from qbnn.simulator.kernels import walsh_hadamard
from qbnn.simulator.ops import H, PERM, PHASE, SWAP, LoweredCircuit, Op

if TYPE_CHECKING:
    from qbnn.simulator.structured import StructuredProgram, StructuredSimulator, StructuredState

__all__ = ["ReflectionReplay"]


@dataclass(frozen=True)
class ReflectionReplay:
    """A Grover iterate as S_chi (gate by gate) and the reflection's amplitude action (see the module docstring)."""

    oracle: StructuredProgram
    hadamard_bits: np.ndarray  # index bits 0..h-1, created by U's H layer in order
    phase_factor: complex  # Q's global phase

    @classmethod
    def of(cls, program: StructuredProgram) -> ReflectionReplay | None:
        """The shortcut for ``program`` (an iterate from :func:`~qbnn.simulator.lowering.lower_grover_iterate`), or None.

        None unless U is an H layer on distinct qubits followed only by permutations, and S_0 is the zero
        reflection on every qubit (X on all, one Z conditioned on all, X on all).
        """
        parts = program.lowered.iterate_parts
        if parts is None:
            return None
        num_oracle, num_u, num_s0 = parts
        ops = program.lowered.ops
        u = ops[num_oracle + num_u + num_s0 :]
        h = 0
        while h < len(u) and u[h].kind == H and not u[h].controls:
            h += 1
        if h == 0 or len({op.target for op in u[:h]}) != h or any(op.kind not in (PERM, SWAP) for op in u[h:]):
            return None
        if not _is_zero_reflection(ops[num_oracle + num_u : num_oracle + num_u + num_s0], program.num_qubits):
            return None
        return cls(type(program).of(LoweredCircuit(program.num_qubits, list(ops[:num_oracle]))), np.arange(h, dtype=np.int64), program.phase_factor)

    def applies_to(self, state: StructuredState) -> bool:
        """True when every index bit of ``state`` came from U's H layer (the state U Q^k |0>)."""
        return state.num_index_bits == self.hadamard_bits.size

    def apply(self, state: StructuredState, simulator: StructuredSimulator | None = None) -> StructuredState:
        """One iterate on U Q^k |0>, in place."""
        if not self.applies_to(state):
            raise ValueError("the reflection replay runs on states U Q^k |0> of its own U")
        self.oracle.apply(state, simulator)
        size = self.hadamard_bits.size
        walsh_hadamard(state.amplitudes, self.hadamard_bits, size)
        state.amplitudes[0] = -state.amplitudes[0]
        walsh_hadamard(state.amplitudes, self.hadamard_bits, size)
        state.global_phase *= self.phase_factor
        return state

    def repeat(self, state: StructuredState, k: int, simulator: StructuredSimulator | None = None) -> StructuredState:
        for _ in range(k):
            self.apply(state, simulator)
        return state


def _is_zero_reflection(ops: list[Op], num_qubits: int) -> bool:
    """X on every qubit, one sign conditioned on every qubit being |1>, X on every qubit: -1 on |0...0> only."""
    if len(ops) != 2 * num_qubits + 1:
        return False
    flips = ops[:num_qubits] + ops[num_qubits + 1 :]
    if any(op.kind != PERM or op.controls for op in flips):
        return False
    everyone = set(range(num_qubits))
    if {op.target for op in ops[:num_qubits]} != everyone or {op.target for op in ops[num_qubits + 1 :]} != everyone:
        return False
    sign = ops[num_qubits]
    return (
        sign.kind == PHASE and set(sign.controls) == everyone and len(sign.controls) == num_qubits
        and set(sign.polarities) == {1}
    )
