"""The structured engine's gate class: one table from Qiskit instructions to "permutation + sign".

Every supported gate is one of four kinds (DESIGN.md section 3):

- ``PERM``  controlled X: X, CX, CCX, MCX with any ``ctrl_state`` (a bit-row XOR),
- ``PHASE`` controlled Z: Z, CZ, CCZ, multi-controlled Z (a sign flip of amplitudes),
- ``SWAP``  (a row exchange),
- ``H``     on a constant qubit (extends the index) or on a free index qubit (a butterfly).

Barriers and identities are skipped; the circuit's global phase (and any
``global_phase`` instruction) is kept beside the amplitudes; final
measurements are recorded. Composite instructions are unrolled into their
definitions; H·MCX·H on one target is lowered to a multi-controlled Z (the
form of Qiskit's ``grover_operator`` zero reflection). Anything else is
refused with its name and position and a pointer to ``--engine aer``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit import ControlledGate
from qiskit.circuit.library import get_standard_gate_name_mapping

from qbnn.errors import UnsupportedGateError

__all__ = ["PERM", "PHASE", "SWAP", "H", "Op", "LoweredCircuit", "lower_circuit", "SUPPORTED_GATES"]

PERM, PHASE, SWAP, H = 0, 1, 2, 3

#: Names accepted without a definition lookup (documentation of the class; ControlledGate X/Z of any size also).
SUPPORTED_GATES = (
    "x", "cx", "ccx", "mcx", "c3x", "c4x", "z", "cz", "ccz", "mcz", "swap", "h", "id", "barrier", "global_phase", "measure",
)
_SKIP = {"barrier", "id", "delay"}
#: Standard gates are refused by name, never unrolled into their (rotation) definitions.
_STANDARD = set(get_standard_gate_name_mapping())


@dataclass(frozen=True)
class Op:
    """One lowered gate: kind, target (-1 for PHASE), and (qubit, polarity) conditions."""

    kind: int
    target: int
    controls: tuple[int, ...] = ()
    polarities: tuple[int, ...] = ()  # 1: fires on |1>, 0: fires on |0>
    position: int = -1  # index of the instruction in the user's circuit (of the enclosing one if unrolled)
    name: str = ""


@dataclass
class LoweredCircuit:
    """A circuit as a flat list of ops plus its global phase and final measurements."""

    num_qubits: int
    ops: list[Op]
    global_phase: float = 0.0
    measurements: list[tuple[int, int]] = field(default_factory=list)  # (qubit, clbit)
    num_clbits: int = 0


def _refuse(name: str, position: int, qubits: list[int], why: str = "", inside: tuple[str, ...] = ()) -> UnsupportedGateError:
    detail = f" ({why})" if why else ""
    where = "".join(f" inside '{outer}'" for outer in reversed(inside))
    return UnsupportedGateError(
        f"gate '{name}' at instruction {position}{where} on qubits {tuple(qubits)} is outside the structured engine's class"
        f"{detail}: it runs X/CX/CCX/MCX, Z/CZ/CCZ/MCZ, SWAP and H on constant or free index qubits; "
        "use --engine aer for general circuits"
    )


def _controls_of(op: ControlledGate, qubits: list[int]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    n = op.num_ctrl_qubits
    state = int(op.ctrl_state)
    return tuple(qubits[:n]), tuple((state >> j) & 1 for j in range(n))


def _flatten(
    circuit: QuantumCircuit,
    qubit_map: list[int],
    clbit_map: list[int],
    out: LoweredCircuit,
    inside: tuple[str, ...] = (),
    top_position: int = -1,
) -> None:
    """Append ``circuit``'s gates to ``out``; positions are indices in the user's (top-level) circuit."""
    out.global_phase += float(circuit.global_phase)
    for index, instruction in enumerate(circuit.data):
        op = instruction.operation
        name = op.name
        qubits = [qubit_map[circuit.find_bit(q).index] for q in instruction.qubits]
        position = index if not inside else top_position
        if name in _SKIP:
            continue
        if name == "measure":
            clbit = clbit_map[circuit.find_bit(instruction.clbits[0]).index]
            out.measurements.append((qubits[0], clbit))
            continue
        if out.measurements and any(q in {m[0] for m in out.measurements} for q in qubits):
            raise _refuse(name, position, qubits, "a gate after a measurement of its qubit", inside)
        if getattr(op, "condition", None) is not None or name in {"if_else", "while_loop", "for_loop", "switch_case", "reset"}:
            raise _refuse(name, position, qubits, "classical control flow and resets are not supported", inside)
        if name == "global_phase":
            out.global_phase += float(op.params[0])
        elif name == "x":
            out.ops.append(Op(PERM, qubits[0], position=position, name=name))
        elif name == "z":
            out.ops.append(Op(PHASE, -1, (qubits[0],), (1,), position=position, name=name))
        elif name == "h":
            out.ops.append(Op(H, qubits[0], position=position, name=name))
        elif name == "swap":
            out.ops.append(Op(SWAP, qubits[0], (qubits[1],), (1,), position=position, name=name))
        elif isinstance(op, ControlledGate) and op.base_gate.name == "x" and len(qubits) == op.num_ctrl_qubits + 1:
            controls, polarities = _controls_of(op, qubits)
            out.ops.append(Op(PERM, qubits[-1], controls, polarities, position=position, name=name))
        elif isinstance(op, ControlledGate) and op.base_gate.name == "z" and len(qubits) == op.num_ctrl_qubits + 1:
            controls, polarities = _controls_of(op, qubits)
            out.ops.append(Op(PHASE, -1, (*controls, qubits[-1]), (*polarities, 1), position=position, name=name))
        elif name not in _STANDARD and getattr(op, "definition", None) is not None and len(inside) < 20 and not isinstance(op, ControlledGate):
            definition = op.definition
            inner_qubits = [qubits[definition.find_bit(q).index] for q in definition.qubits]
            _flatten(definition, inner_qubits, clbit_map, out, (*inside, name), position)
        else:
            raise _refuse(name, position, qubits, inside=inside)


def _lower_hxh(ops: list[Op]) -> list[Op]:
    """Rewrite H(t) · MCX(controls -> t) · H(t) as a multi-controlled Z on controls + t."""
    ops = list(ops)
    removed = [False] * len(ops)
    touching: dict[int, list[int]] = {}
    for index, op in enumerate(ops):
        for q in {op.target, *op.controls} - {-1}:
            touching.setdefault(q, []).append(index)
    for q, indices in touching.items():
        k = 0
        while k + 2 < len(indices):
            i, j, l = indices[k], indices[k + 1], indices[k + 2]
            first, middle, last = ops[i], ops[j], ops[l]
            if (
                not removed[i] and not removed[j] and not removed[l]
                and first.kind == H and first.target == q
                and middle.kind == PERM and middle.target == q and q not in middle.controls
                and last.kind == H and last.target == q
            ):
                ops[j] = Op(PHASE, -1, (*middle.controls, q), (*middle.polarities, 1), position=middle.position, name=middle.name + "(as Z)")
                removed[i] = removed[l] = True
                k += 3
            else:
                k += 1
    return [op for op, gone in zip(ops, removed) if not gone]


def lower_circuit(circuit: QuantumCircuit) -> LoweredCircuit:
    """Unroll, classify and peephole-lower ``circuit`` into the engine's four op kinds."""
    out = LoweredCircuit(circuit.num_qubits, [], num_clbits=circuit.num_clbits)
    _flatten(circuit, list(range(circuit.num_qubits)), list(range(circuit.num_clbits)), out)
    out.ops = _lower_hxh(out.ops)
    return out


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
