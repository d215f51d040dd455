"""One lowering from Qiskit instructions to the structured engine's operations (:mod:`qbnn.simulator.ops`).

Used by every structured engine (one process, Dask chunks) and by
:class:`~qbnn.simulator.sampler.StructuredSampler`: one place to add a gate. Each
instruction goes through a dispatch table (name, then type, then the
generic single-qubit / definition / matrix handlers) into a block of ops
on local qubits plus a global phase; blocks are cached per operation
object. The op kinds are those of :mod:`qbnn.simulator.ops`.

Single-qubit matrices are classified exactly: diagonal ones become signs or
phases, anti-diagonal ones an X and a phase, the rest ``UNITARY`` (with a
real matrix whenever a global phase can absorb the complex part, so ry
circuits keep real amplitudes). Controlled gates and control modifiers add
conditions; ``V M V^-1`` is controlled as ``V c(M) V^-1``, so a controlled
Grover iterate only controls its middle gates. A small gate whose matrix is
a permutation with signs +-1 (e.g. a +-1 ``Diagonal``) is re-synthesised from
X/MCX and Z/MCZ; composite gates are unrolled through their definitions.
H·MCX·H on one target becomes a multi-controlled Z. Final measurements
are recorded; resets, mid-circuit measurements, classical control flow and
unbound parameters are refused with one message naming the gate, the
enclosing gates and the user's instruction position.
"""

from __future__ import annotations

import cmath
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit import AnnotatedOperation, ControlledGate, Instruction
from qiskit.circuit.annotated_operation import ControlModifier, InverseModifier, PowerModifier

from qbnn.errors import UnsupportedGateError
from qbnn.simulator.ops import DIAGONAL, PERM, PHASE, SWAP, UNITARY, H, LoweredCircuit, Op

__all__ = ["HANDLERS", "lower_circuit", "lower_grover_iterate", "lower_operation", "controlled_ops", "refusal"]


#: Gates at most this wide are checked by their matrix (a signed permutation is re-synthesised).
MAX_MATRIX_QUBITS = 10
#: Non-standard gates at most this wide try the signed-permutation synthesis before their definition.
SMALL_MATRIX_QUBITS = 5
_ATOL = 1e-12  # exact classification: a rotation by 1e-9 must stay a rotation
_HADAMARD = (1 / math.sqrt(2), 1 / math.sqrt(2), 1 / math.sqrt(2), -1 / math.sqrt(2))
_CONTROL_FLOW = {"if_else", "while_loop", "for_loop", "switch_case", "box", "break_loop", "continue_loop"}
#: The user-facing hint of every refusal (``engine`` renders as --engine on the command line).
CLASS_HINT = (
    "the structured engine runs classical reversible gates, single-qubit unitaries and their controlled versions "
    "on qubits that start in |0> and are measured at the end; use {engine} (or Qiskit Aer's SamplerV2) for such circuits"
)


def refusal(name: str, position: int, qubits: Sequence[int], why: str = "", inside: Sequence[str] = ()) -> UnsupportedGateError:
    """The one refusal message: gate, enclosing gates (innermost first), user position, qubits, reason, hint."""
    where = f"gate '{name}'" + "".join(f" inside '{outer}'" for outer in inside)
    detail = f" ({why})" if why else ""
    return UnsupportedGateError(
        f"{where} at instruction {position} on qubits {tuple(qubits)} is outside the structured engine's class"
        f"{detail}: {CLASS_HINT}",
        engine="aer",
    )


class _Refusal(Exception):
    """Internal: an operation outside the class (innermost gate name, enclosing gates innermost first, reason)."""

    def __init__(self, name: str, why: str = "", path: tuple[str, ...] = ()) -> None:
        super().__init__(name)
        self.name, self.why, self.path = name, why, path


@dataclass
class _Block:
    """An operation in local qubit numbering: ops, a global phase, and instruction boundaries (for controls)."""

    ops: list[Op]
    phase: float = 0.0
    segments: list[int] = field(default_factory=list)  # op indices where the definition's instructions start


# --------------------------------------------------------------------------- single-qubit matrices


def _near(a: complex, b: complex) -> bool:
    return abs(a - b) <= _ATOL


def _diagonal_ops(d0: complex, d1: complex, target: int, name: str) -> _Block:
    """diag(d0, d1) on ``target``: a global phase d0 and a relative factor d1/d0 on |1>."""
    phase = cmath.phase(d0)
    rel = d1 / d0
    if _near(rel, 1):
        return _Block([], phase)
    if _near(rel, -1):
        return _Block([Op(PHASE, -1, (target,), (1,), name=name)], phase)
    return _Block([Op(DIAGONAL, -1, (target,), (1,), name=name, matrix=(rel,))], phase)


def single_qubit_block(matrix: np.ndarray, name: str) -> _Block:
    """Exact lowering of a 2x2 unitary on local qubit 0."""
    u00, u01, u10, u11 = (complex(v) for v in np.asarray(matrix, dtype=complex).ravel())
    if _near(u01, 0) and _near(u10, 0):
        return _diagonal_ops(u00, u11, 0, name)
    if _near(u00, 0) and _near(u11, 0):  # [[0, u01], [u10, 0]] = diag(u01, u10) X
        block = _diagonal_ops(u01, u10, 0, name)
        return _Block([Op(PERM, 0, name=name), *block.ops], block.phase)
    entries = (u00, u01, u10, u11)
    big = max(entries, key=abs)
    phase = cmath.phase(big)
    rotated = tuple(v * cmath.exp(-1j * phase) for v in entries)
    if all(abs(v.imag) <= _ATOL for v in rotated):  # real up to a global phase (ry, h, ...)
        entries = tuple(complex(v.real, 0.0) for v in rotated)
    else:
        phase = 0.0
    if all(_near(a, b) for a, b in zip(entries, _HADAMARD)):
        return _Block([Op(H, 0, name=name)], phase)
    return _Block([Op(UNITARY, 0, name=name, matrix=entries)], phase)


# --------------------------------------------------------------------------- block algebra


def _inverse_op(op: Op) -> Op:
    if op.kind == UNITARY:
        u00, u01, u10, u11 = op.matrix
        return replace(op, matrix=(u00.conjugate(), u10.conjugate(), u01.conjugate(), u11.conjugate()))
    if op.kind == DIAGONAL:
        return replace(op, matrix=(op.matrix[0].conjugate(),))
    return op  # PERM, PHASE, SWAP, H are their own inverses


def _same(a: Op, b: Op) -> bool:
    return (
        a.kind == b.kind and a.target == b.target and a.controls == b.controls and a.polarities == b.polarities
        and len(a.matrix) == len(b.matrix) and all(_near(x, y) for x, y in zip(a.matrix, b.matrix))
    )


def _inverse(block: _Block) -> _Block:
    return _Block([_inverse_op(op) for op in reversed(block.ops)], -block.phase)


def _conjugation_depth(ops: Sequence[Op]) -> int:
    """Largest k with ops[-1-j] = ops[j]^-1 for j < k (ops = V M V^-1 with |V| = k)."""
    k = 0
    while k < len(ops) // 2 and _same(ops[len(ops) - 1 - k], _inverse_op(ops[k])):
        k += 1
    return k


def _condition(op: Op, controls: tuple[int, ...], polarities: tuple[int, ...], name: str) -> list[Op]:
    """``op`` with extra conditions (already in the op's numbering)."""
    if op.kind == SWAP:  # controlled swap = CX, CCX, CX
        a, b = op.target, op.controls[0]
        return [Op(PERM, b, (a,), (1,), name=name), Op(PERM, a, (*controls, b), (*polarities, 1), name=name), Op(PERM, b, (a,), (1,), name=name)]
    if op.kind == H:
        return [Op(UNITARY, op.target, controls, polarities, name=name, matrix=tuple(complex(v) for v in _HADAMARD))]
    return [replace(op, controls=(*controls, *op.controls), polarities=(*polarities, *op.polarities), name=name)]


def _phase_ops(phase: float, controls: tuple[int, ...], polarities: tuple[int, ...], name: str) -> list[Op]:
    """e^{i phase} where every condition holds."""
    factor = cmath.exp(1j * phase)
    if _near(factor, 1):
        return []
    if _near(factor, -1):
        return [Op(PHASE, -1, controls, polarities, name=name)]
    return [Op(DIAGONAL, -1, controls, polarities, name=name, matrix=(factor,))]


def controlled_ops(ops: Sequence[Op], controls: Sequence[int], polarities: Sequence[int], name: str = "") -> list[Op]:
    """``ops`` controlled on (controls, polarities): V c(M) V^-1 for ops = V M V^-1 (only M gets the conditions)."""
    controls, polarities = tuple(controls), tuple(polarities)
    k = _conjugation_depth(ops)
    out = list(ops[:k])
    for op in ops[k : len(ops) - k]:
        out += _condition(op, controls, polarities, name or op.name)
    return out + list(ops[len(ops) - k :])


def _add_controls(block: _Block, n: int, polarities: Sequence[int], name: str) -> _Block:
    """``block`` (moved up by n qubits) controlled on qubits 0..n-1; each definition instruction on its own."""
    controls = tuple(range(n))
    width = 1 + max((max((op.target, *op.controls)) for op in block.ops), default=0)
    shifted = list(range(n, n + width))
    moved = [_remap(op, shifted) for op in block.ops]
    ops = controlled_ops(moved, controls, polarities, name)
    if len(block.segments) >= 2:  # or instruction by instruction, if that leaves fewer gates controlled
        bounds = [*block.segments, len(moved)]
        split: list[Op] = []
        for start, stop in zip(bounds, bounds[1:]):
            split += controlled_ops(moved[start:stop], controls, polarities, name)
        if _num_conditioned(split, n) < _num_conditioned(ops, n):
            ops = split
    return _Block(ops + _phase_ops(block.phase, controls, tuple(polarities), name), 0.0)


def _num_conditioned(ops: Sequence[Op], n: int) -> int:
    return sum(1 for op in ops if any(c < n for c in op.controls))


def _power(block: _Block, power: float, name: str) -> _Block:
    if not float(power).is_integer():
        raise _Refusal(name, "a non-integer power")
    base = block if power >= 0 else _inverse(block)
    count = int(abs(power))
    size = len(base.ops)
    return _Block(base.ops * count, base.phase * count, [j * size for j in range(count)])


# --------------------------------------------------------------------------- signed permutations


def _signed_permutation(matrix: np.ndarray, name: str) -> _Block:
    """Exact X/MCX + Z/MCZ synthesis of a matrix e^{i phi} D P (P a permutation, D = diag(+-1))."""
    dim = matrix.shape[0]
    k = dim.bit_length() - 1
    rows = np.argmax(np.abs(matrix), axis=0)
    values = matrix[rows, np.arange(dim)]
    if not np.allclose(np.abs(values), 1.0, atol=_ATOL) or len(set(rows.tolist())) != dim:
        raise _Refusal(name, "not a permutation of basis states")
    phase = float(np.angle(values[0]))
    relative = values * np.exp(-1j * phase)
    if not np.allclose(relative.imag, 0.0, atol=_ATOL):
        raise _Refusal(name, "relative phases other than +-1")
    signs = np.where(relative.real < 0, 1, 0)
    ops: list[Op] = []
    seen = np.zeros(dim, dtype=bool)
    for start in range(dim):  # along each cycle c0 -> c1 -> ..., transpositions (c_i c_i+1), i descending
        if seen[start]:
            continue
        cycle = [start]
        seen[start] = True
        nxt = int(rows[start])
        while nxt != start:
            cycle.append(nxt)
            seen[nxt] = True
            nxt = int(rows[nxt])
        for i in range(len(cycle) - 2, -1, -1):
            ops += _transposition(cycle[i], cycle[i + 1], k, name)
    sign_of_output = np.zeros(dim, dtype=np.uint8)
    sign_of_output[rows] = signs
    sign_ops, constant = _sign_ops(sign_of_output, k, name)
    return _Block(ops + sign_ops, phase + math.pi * constant)


def _transposition(a: int, b: int, k: int, name: str) -> list[Op]:
    """Exchange basis states a and b: CX fan-out from one differing bit, one MCX, the fan-out again."""
    diff = a ^ b
    t = (diff & -diff).bit_length() - 1
    if (a >> t) & 1:
        a, b = b, a
    fan = [Op(PERM, d, (t,), (1,), name=name) for d in range(k) if d != t and (diff >> d) & 1]
    others = tuple(q for q in range(k) if q != t)
    middle = Op(PERM, t, others, tuple((a >> q) & 1 for q in others), name=name)
    return [*fan, middle, *fan]


def _sign_ops(sign: np.ndarray, k: int, name: str) -> tuple[list[Op], int]:
    """MCZ's (controls on |1>) whose product is (-1)^sign(x), and the constant term (a global sign)."""
    anf = sign.astype(np.uint8).copy()
    for b in range(k):  # Moebius transform over GF(2)
        step = 1 << b
        view = anf.reshape(-1, 2 * step)
        view[:, step:] ^= view[:, :step]
    ops = []
    for mask in np.flatnonzero(anf):
        qubits = tuple(q for q in range(k) if (int(mask) >> q) & 1)
        if qubits:
            ops.append(Op(PHASE, -1, qubits, (1,) * len(qubits), name=name))
    return ops, int(anf[0])


def _definition(op: Instruction) -> QuantumCircuit | None:
    try:
        return op.definition
    except Exception:  # noqa: BLE001 - a definition that cannot be built is just absent
        return None


def _matrix(op: Instruction) -> np.ndarray | None:
    try:
        if hasattr(op, "to_matrix"):
            return np.asarray(op.to_matrix(), dtype=complex)
    except Exception:  # noqa: BLE001
        pass
    try:
        from qiskit.quantum_info import Operator

        return np.asarray(Operator(op).data)
    except Exception:  # noqa: BLE001
        return None


# --------------------------------------------------------------------------- the dispatch table


def _nothing(op: Instruction, lowerer: _Lowerer, depth: int) -> _Block:
    return _Block([])


def _refuse(why: str) -> Handler:
    def handler(op: Instruction, lowerer: _Lowerer, depth: int) -> _Block:
        raise _Refusal(op.name, why)

    return handler


Handler = Callable[[Instruction, "_Lowerer", int], _Block]

#: The dispatch table by gate name (one place to add a gate): handler(op, lowerer, depth) -> block on local qubits.
#: Gates not named here go by type (ControlledGate, AnnotatedOperation), then through the generic handler.
HANDLERS: dict[str, Handler] = {
    "barrier": _nothing,
    "delay": _nothing,
    "id": _nothing,
    "global_phase": lambda op, lowerer, depth: _Block([], float(op.params[0]) if op.params else 0.0),
    "x": lambda op, lowerer, depth: _Block([Op(PERM, 0, name="x")]),
    "z": lambda op, lowerer, depth: _Block([Op(PHASE, -1, (0,), (1,), name="z")]),
    "h": lambda op, lowerer, depth: _Block([Op(H, 0, name="h")]),
    "swap": lambda op, lowerer, depth: _Block([Op(SWAP, 0, (1,), (1,), name="swap")]),
    "measure": _refuse("a measurement inside a composite gate"),
    "reset": _refuse("resets are not supported (every qubit starts in |0>)"),
    **{name: _refuse("classical control flow is not supported") for name in _CONTROL_FLOW},
}


def _library_gate_key(op: Instruction) -> tuple | None:
    """A value key for Qiskit's controlled library gates (CX, CCX, MCX with any control state, ...), else None.

    A circuit of thousands of such gates holds thousands of distinct objects of a handful of values; lowering
    each value once makes Q's lowering several times faster. Gates of other modules (a user's own, whose name
    says nothing of its definition) and gates with parameters are lowered object by object.
    """
    if not isinstance(op, ControlledGate) or op.params or not _from_library(op):
        return None
    base = op.base_gate
    if base.params or not _from_library(base):
        return None
    return (op.base_class, op.name, op.num_qubits, int(op.ctrl_state), base.base_class, base.name)


def _from_library(op: Instruction) -> bool:
    """True for Qiskit's standard gates (``base_class`` sees through Qiskit's singleton subclasses)."""
    return (getattr(op.base_class, "__module__", None) or "").startswith(_LIBRARY)


_LIBRARY = "qiskit.circuit.library."


class _Lowerer:
    """Operations to blocks: :data:`HANDLERS` by name, then by type, then generic handlers; cached per object."""

    def __init__(self) -> None:
        self._cache: dict[int, tuple[Instruction, _Block]] = {}
        self._by_value: dict[tuple, _Block] = {}  # Qiskit's own controlled gates, equal by value (see below)
        self.by_type: list[tuple[type, Callable[[Instruction, int], _Block]]] = [
            (ControlledGate, self._controlled),
            (AnnotatedOperation, self._annotated),
        ]

    def block(self, op: Instruction, depth: int = 0) -> _Block:
        hit = self._cache.get(id(op))
        if hit is not None and hit[0] is op:
            return hit[1]
        if depth > 50:
            raise _Refusal(op.name, "definitions nested too deeply")
        key = _library_gate_key(op)
        block = self._by_value.get(key) if key is not None else None
        if block is None:
            block = self._dispatch(op, depth)
            if key is not None:
                self._by_value[key] = block
        self._cache[id(op)] = (op, block)
        return block

    def _dispatch(self, op: Instruction, depth: int) -> _Block:
        handler = HANDLERS.get(op.name)
        if handler is not None:
            return handler(op, self, depth)
        if getattr(op, "condition", None) is not None or getattr(op, "num_clbits", 0):
            raise _Refusal(op.name, "classically conditioned operations are not supported")
        if getattr(op, "is_parameterized", lambda: False)():
            raise _Refusal(op.name, "unbound parameters; assign them first")
        for kind, typed in self.by_type:
            if isinstance(op, kind):
                return typed(op, depth)
        return self._generic(op, depth)

    def _controlled(self, op: ControlledGate, depth: int) -> _Block:
        n = op.num_ctrl_qubits
        state = int(op.ctrl_state)
        polarities = tuple((state >> j) & 1 for j in range(n))
        try:
            if op.name == "cu":  # CUGate's base gate leaves out its phase gamma, which the control makes relative
                gamma = float(op.params[3])
                base = single_qubit_block(cmath.exp(1j * gamma) * np.asarray(op.base_gate.to_matrix()), "u")
            else:
                base = self.block(op.base_gate, depth + 1)
        except _Refusal as inner:
            raise _Refusal(inner.name, inner.why, (*inner.path, op.name)) from None
        return _add_controls(base, n, polarities, op.name)

    def _annotated(self, op: AnnotatedOperation, depth: int) -> _Block:
        try:
            block = self.block(op.base_op, depth + 1)
        except _Refusal as inner:
            raise _Refusal(inner.name, inner.why, (*inner.path, op.name)) from None
        for modifier in op.modifiers:
            if isinstance(modifier, InverseModifier):
                block = _inverse(block)
            elif isinstance(modifier, PowerModifier):
                block = _power(block, float(modifier.power), op.name)
            elif isinstance(modifier, ControlModifier):
                n = modifier.num_ctrl_qubits
                state = int(modifier.ctrl_state)
                block = _add_controls(block, n, [(state >> j) & 1 for j in range(n)], op.name)
            else:
                raise _Refusal(op.name, f"modifier {type(modifier).__name__}")
        return block

    def _generic(self, op: Instruction, depth: int) -> _Block:
        """One qubit: its matrix. Small gates: a signed permutation, else the definition. Then the matrix."""
        if op.num_qubits == 1:
            matrix = _matrix(op)
            if matrix is not None:
                return single_qubit_block(matrix, op.name)
        errors: list[_Refusal] = []
        if op.num_qubits <= SMALL_MATRIX_QUBITS and _definition(op) is not None:
            matrix = _matrix(op)
            if matrix is not None:
                try:
                    return _signed_permutation(matrix, op.name)
                except _Refusal:
                    pass
        definition = _definition(op)
        if definition is not None:
            try:
                return self.circuit_block(definition, depth + 1)
            except _Refusal as inner:
                errors.append(_Refusal(inner.name, inner.why, (*inner.path, op.name)))
        if op.num_qubits <= MAX_MATRIX_QUBITS:
            matrix = _matrix(op)
            if matrix is not None:
                try:
                    return _signed_permutation(matrix, op.name)
                except _Refusal as inner:
                    errors.append(inner)
        if errors:
            raise errors[0]
        raise _Refusal(op.name, "no definition or matrix")

    def circuit_block(self, circuit: QuantumCircuit, depth: int) -> _Block:
        ops: list[Op] = []
        segments: list[int] = []
        phase = float(circuit.global_phase)
        for instruction in circuit.data:
            qubits = [circuit.find_bit(q).index for q in instruction.qubits]
            inner = self.block(instruction.operation, depth)
            phase += inner.phase
            segments.append(len(ops))
            ops += [_remap(o, qubits) for o in inner.ops]
        return _Block(ops, phase, segments)


def _remap(op: Op, qubits: Sequence[int], position: int = -1, name: str = "") -> Op:
    """``op`` on ``qubits`` (local qubit j -> qubits[j]); a direct constructor call (dataclasses.replace is slow)."""
    return Op(
        op.kind, qubits[op.target] if op.target >= 0 else -1, tuple(qubits[c] for c in op.controls), op.polarities,
        position if position >= 0 else op.position, name or op.name, op.matrix,
    )


def lower_operation(op: Instruction) -> tuple[list[Op], float]:
    """One operation's ops on its own qubits 0..k-1 and its global phase (refusals name the gate only)."""
    try:
        block = _Lowerer().block(op)
    except _Refusal as inner:
        raise refusal(inner.name, -1, range(op.num_qubits), inner.why, inner.path) from None
    return list(block.ops), block.phase


# --------------------------------------------------------------------------- circuits


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
                ops[j] = replace(middle, kind=PHASE, target=-1, controls=(*middle.controls, q), polarities=(*middle.polarities, 1), name=middle.name + "(as Z)")
                removed[i] = removed[l] = True
                k += 3
            else:
                k += 1
    return [op for op, gone in zip(ops, removed) if not gone]


def lower_circuit(circuit: QuantumCircuit) -> LoweredCircuit:
    """Unroll, classify and peephole-lower ``circuit``; every op keeps its user position and gate name.

    Raises ``UnsupportedGateError`` naming the first gate outside the class, a
    mid-circuit measurement, a reset or classical control flow.
    """
    lowerer = _Lowerer()
    out = LoweredCircuit(circuit.num_qubits, [], float(circuit.global_phase), num_clbits=circuit.num_clbits)
    measured_at: dict[int, int] = {}  # qubit -> position of its (last) measurement
    for position, instruction in enumerate(circuit.data):
        op = instruction.operation
        name = op.name
        qubits = tuple(circuit.find_bit(q).index for q in instruction.qubits)
        if name == "measure":
            out.measurements.append((qubits[0], circuit.find_bit(instruction.clbits[0]).index))
            measured_at[qubits[0]] = position
            continue
        if name in ("barrier", "delay"):
            continue
        after = [q for q in qubits if q in measured_at]
        if after:
            raise refusal(name, position, qubits, f"it acts on qubit {after[0]} after its measurement at instruction "
                          f"{measured_at[after[0]]}: mid-circuit measurements are not supported; measure only at the end")
        try:
            block = lowerer.block(op)
        except _Refusal as inner:
            raise refusal(inner.name, position, qubits, inner.why, inner.path) from None
        out.global_phase += block.phase
        out.ops += [_remap(o, qubits, position, name) for o in block.ops]
    out.unrolled = out.ops
    out.ops = _lower_hxh(out.ops)
    return out


def lower_grover_iterate(
    oracle: QuantumCircuit,
    state_preparation: QuantumCircuit,
    zero_reflection: QuantumCircuit,
    *,
    lowered_preparation: LoweredCircuit | None = None,
) -> LoweredCircuit:
    """Q as Qiskit's ``grover_operator`` composes it (oracle, U^-1, S_0, U; global phase pi), from lowered parts.

    The result equals ``lower_circuit(grover_operator(oracle, state_preparation, zero_reflection))`` op for op,
    positions and names included, for circuits of self-inverse gates (the QBNN's X/MCX/H): the inverse part's
    ops carry the forward gates' names. Passing ``lowered_preparation`` (U lowered once) skips Qiskit's
    composition and the second lowering of U, which dominate preparing each target of a minimum-finding run.
    """
    if lowered_preparation is None:
        lowered_preparation = lower_circuit(state_preparation)
    parts = [lower_circuit(oracle), lowered_preparation, lower_circuit(zero_reflection)]
    if any(part.measurements for part in parts):
        raise ValueError("the parts of a Grover iterate must not measure")
    sizes = [len(oracle.data), len(state_preparation.data), len(zero_reflection.data)]
    oracle_ops, u_ops, s0_ops = (part.unrolled for part in parts)
    last = sizes[1] - 1
    ops = list(oracle_ops)
    ops += [_remap(_inverse_op(o), range(oracle.num_qubits), sizes[0] + last - o.position) for o in reversed(u_ops)]
    ops += [_remap(o, range(oracle.num_qubits), sizes[0] + sizes[1] + o.position) for o in s0_ops]
    ops += [_remap(o, range(oracle.num_qubits), sizes[0] + sizes[1] + sizes[2] + o.position) for o in u_ops]
    circuits = (oracle, state_preparation, zero_reflection)
    gate_phases = [part.global_phase - float(circuit.global_phase) for part, circuit in zip(parts, circuits)]
    phase = math.pi + gate_phases[0] + gate_phases[2]  # Qiskit sets pi; U^-1's gate phases cancel U's
    out = LoweredCircuit(oracle.num_qubits, _lower_hxh(ops), phase, num_clbits=0)
    out.unrolled = ops
    if len(out.ops) == len(ops):  # no H·MCX·H rewrite across the parts: ops[i] still belongs to the part it came from
        out.iterate_parts = (len(oracle_ops), len(u_ops), len(s0_ops))
    return out
