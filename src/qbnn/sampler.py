"""A Qiskit ``BaseSamplerV2`` on the structured exact engine, and exact outcome probabilities.

``StructuredSampler`` can be given to anything in Qiskit that takes a sampler,
e.g. ``qiskit_algorithms.Grover(sampler=StructuredSampler(seed=7))``. It takes
the same PUBs as Qiskit's ``StatevectorSampler`` and Aer's ``SamplerV2``
(circuit, optional parameter values, optional shots) and returns one
``BitArray`` per classical register, with unmeasured bits 0.

Circuits are first brought into the engine's class (DESIGN.md section 3):
composite gates are unrolled through their definitions; a small gate whose
matrix is a permutation with signs +-1 (up to one global phase), e.g.
``cswap``, ``cp(pi)``, ``ry(pi)``, a +-1 ``Diagonal`` or a ``PhaseOracleGate``,
is re-synthesised exactly from X/MCX and Z/MCZ gates; controlled and annotated
versions of such gates get extra controls. (``qiskit.transpile`` cannot do
this: Qiskit 2.x refuses ``mcx`` in ``basis_gates``, and would turn phase
gates into rotations.) Final measurements (and barriers) are stripped and
recorded; mid-circuit measurements, resets and classical control flow are
refused. Anything else raises ``UnsupportedGateError`` naming the first
offending gate and its instruction position.

>>> from qiskit import QuantumCircuit
>>> qc = QuantumCircuit(2, 2)
>>> _ = qc.h(0); _ = qc.cx(0, 1); _ = qc.measure([0, 1], [0, 1])
>>> {k: round(v, 12) for k, v in exact_probabilities(qc).items()}
{'00': 0.5, '11': 0.5}
>>> StructuredSampler(seed=1).run([qc], shots=100).result()[0].data.c.num_shots
100
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit import AnnotatedOperation, ControlledGate, Instruction
from qiskit.circuit.annotated_operation import ControlModifier, InverseModifier, PowerModifier
from qiskit.circuit.library import MCXGate, XGate, ZGate, get_standard_gate_name_mapping
from qiskit.primitives import BaseSamplerV2
from qiskit.primitives.containers import BitArray, DataBin, PrimitiveResult, SamplerPubLike, SamplerPubResult
from qiskit.primitives.containers.sampler_pub import SamplerPub
from qiskit.primitives.primitive_job import PrimitiveJob

from qbnn.engines.bitrows import bits_at
from qbnn.engines.structured import StructuredProgram, StructuredSimulator, StructuredState
from qbnn.errors import UnsupportedGateError

if TYPE_CHECKING:
    from qbnn.engines.noise import PauliNoise

__all__ = ["StructuredSampler", "exact_probabilities", "run_exact", "structured_state", "to_structured_class"]

#: Gates at most this wide are checked by their matrix (a signed permutation is re-synthesised).
MAX_MATRIX_QUBITS = 10

_SKIP = {"barrier", "delay", "id", "global_phase"}
_CONTROL_FLOW = {"if_else", "while_loop", "for_loop", "switch_case", "box", "break_loop", "continue_loop"}
_STANDARD = set(get_standard_gate_name_mapping())
_CLASS_HINT = (
    "the structured engine runs X/CX/CCX/MCX (any control state), Z/CZ/CCZ/MCZ, SWAP, gates that are "
    "permutations with +-1 signs, and H on constant or free index qubits; use Qiskit Aer's SamplerV2 for general circuits"
)

# A lowered op in local qubit numbering: (kind, target, controls, polarities).
# kind "x": X on target when all (control, polarity) hold; "z": sign -1 when all hold (target -1);
# "h": Hadamard on target; "swap": exchange target and controls[0].
_LocalOp = tuple[str, int, tuple[int, ...], tuple[int, ...]]


@dataclass
class _Block:
    """An operation re-expressed in the class: ops on local qubits 0..k-1 plus a global phase."""

    ops: list[_LocalOp]
    phase: float = 0.0


class _Refusal(Exception):
    """Internal: an operation outside the class (innermost gate name, path of enclosing gates, reason)."""

    def __init__(self, name: str, why: str = "", path: tuple[str, ...] = ()) -> None:
        super().__init__(name)
        self.name, self.why, self.path = name, why, path


# --------------------------------------------------------------------------- synthesis


def _controls_of(op: ControlledGate) -> tuple[int, tuple[int, ...]]:
    n = op.num_ctrl_qubits
    state = int(op.ctrl_state)
    return n, tuple((state >> j) & 1 for j in range(n))


def _phase_sign(phase: float) -> int | None:
    """+1 / -1 when e^{i phase} is real, else None."""
    value = complex(math.cos(phase), math.sin(phase))
    if abs(value.imag) > 1e-9:
        return None
    return 1 if value.real > 0 else -1


def _add_controls(block: _Block, controls: Sequence[int], polarities: Sequence[int], shift: int, name: str) -> _Block:
    """``block`` (its qubits moved up by ``shift``) controlled on ``controls``; its phase must be 0 or pi."""
    controls, polarities = tuple(controls), tuple(polarities)
    ops: list[_LocalOp] = []
    for kind, target, cs, ps in block.ops:
        if kind == "h":
            raise _Refusal(name, "a controlled Hadamard")
        if kind == "swap":  # controlled swap = CX, controlled CCX, CX
            a, b = target + shift, cs[0] + shift
            ops += [("x", b, (a,), (1,)), ("x", a, (*controls, b), (*polarities, 1)), ("x", b, (a,), (1,))]
            continue
        ops.append((kind, target + shift if target >= 0 else -1, (*controls, *(c + shift for c in cs)), (*polarities, *ps)))
    sign = _phase_sign(block.phase)
    if sign is None:
        raise _Refusal(name, "a controlled phase other than +-1 makes amplitudes complex")
    if sign < 0:
        ops.append(("z", -1, controls, polarities))
    return _Block(ops, 0.0)


def _inverse(block: _Block) -> _Block:
    return _Block(list(reversed(block.ops)), -block.phase)  # X, Z, H, SWAP are self-inverse


def _signed_permutation(matrix: np.ndarray, name: str) -> _Block:
    """Exact X/MCX + Z/MCZ synthesis of a matrix e^{i phi} D P (P a permutation, D = diag(+-1))."""
    dim = matrix.shape[0]
    k = dim.bit_length() - 1
    rows = np.argmax(np.abs(matrix), axis=0)
    values = matrix[rows, np.arange(dim)]
    if not np.allclose(np.abs(values), 1.0, atol=1e-9) or len(set(rows.tolist())) != dim:
        raise _Refusal(name, "not a permutation of basis states")
    phase = float(np.angle(values[0]))
    relative = values * np.exp(-1j * phase)
    if not np.allclose(relative.imag, 0.0, atol=1e-9):
        raise _Refusal(name, "relative phases other than +-1 make amplitudes complex")
    signs = np.where(relative.real < 0, 1, 0)
    ops: list[_LocalOp] = []
    # permutation j -> rows[j]: along each cycle c0 -> c1 -> ..., transpositions (c_i c_i+1) for i descending
    seen = np.zeros(dim, dtype=bool)
    for start in range(dim):
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
            ops += _transposition(cycle[i], cycle[i + 1], k)
    # signs s(y) of the output basis states y = rows[j], as MCZ's from the algebraic normal form
    sign_of_output = np.zeros(dim, dtype=np.uint8)
    sign_of_output[rows] = signs
    sign_ops, constant = _sign_ops(sign_of_output, k)
    return _Block(ops + sign_ops, phase + math.pi * constant)


def _transposition(a: int, b: int, k: int) -> list[_LocalOp]:
    """Exchange basis states a and b: CX fan-out from one differing bit, one MCX, the fan-out again."""
    diff = a ^ b
    t = (diff & -diff).bit_length() - 1
    if (a >> t) & 1:
        a, b = b, a
    fan = [("x", d, (t,), (1,)) for d in range(k) if d != t and (diff >> d) & 1]
    others = tuple(q for q in range(k) if q != t)
    middle = ("x", t, others, tuple((a >> q) & 1 for q in others))
    return [*fan, middle, *fan]


def _sign_ops(sign: np.ndarray, k: int) -> tuple[list[_LocalOp], int]:
    """MCZ's (controls on |1>) whose product is (-1)^sign(x), and the constant term (a global sign)."""
    anf = sign.astype(np.uint8).copy()
    for b in range(k):  # Moebius transform over GF(2)
        step = 1 << b
        view = anf.reshape(-1, 2 * step)
        view[:, step:] ^= view[:, :step]
    ops: list[_LocalOp] = []
    for mask in np.flatnonzero(anf):
        qubits = tuple(q for q in range(k) if (int(mask) >> q) & 1)
        if qubits:
            ops.append(("z", -1, qubits, (1,) * len(qubits)))
    return ops, int(anf[0])


class _Synthesizer:
    """Brings operations into the class, caching each operation object's block."""

    def __init__(self) -> None:
        self._cache: dict[int, tuple[Instruction, _Block]] = {}

    def block(self, op: Instruction, depth: int = 0) -> _Block:
        hit = self._cache.get(id(op))
        if hit is not None and hit[0] is op:
            return hit[1]
        block = self._block(op, depth)
        self._cache[id(op)] = (op, block)
        return block

    def _block(self, op: Instruction, depth: int) -> _Block:
        name = op.name
        if depth > 50:
            raise _Refusal(name, "definitions nested too deeply")
        if name in _SKIP:
            return _Block([], float(op.params[0]) if name == "global_phase" and op.params else 0.0)
        if name == "measure":
            raise _Refusal(name, "a measurement inside a composite gate")
        if name == "reset" or name in _CONTROL_FLOW or getattr(op, "condition", None) is not None:
            raise _Refusal(name, "resets and classical control flow are not supported")
        if op.num_clbits:
            raise _Refusal(name, "instructions with classical bits are not supported")
        if name == "x":
            return _Block([("x", 0, (), ())])
        if name == "z":
            return _Block([("z", -1, (0,), (1,))])
        if name == "h":
            return _Block([("h", 0, (), ())])
        if name == "swap":
            return _Block([("swap", 0, (1,), (1,))])
        if isinstance(op, ControlledGate) and op.num_qubits == op.num_ctrl_qubits + op.base_gate.num_qubits:
            n, polarities = _controls_of(op)
            if op.base_gate.name == "x" and op.base_gate.num_qubits == 1:
                return _Block([("x", n, tuple(range(n)), polarities)])
            if op.base_gate.name == "z" and op.base_gate.num_qubits == 1:
                return _Block([("z", -1, (*range(n), n), (*polarities, 1))])
            try:
                base = self.block(op.base_gate, depth + 1)
            except _Refusal as refusal:
                raise _Refusal(name, refusal.why or f"its base gate '{refusal.name}' is outside the class") from None
            return _add_controls(base, range(n), polarities, n, name)
        if isinstance(op, AnnotatedOperation):
            return self._annotated(op, depth)
        errors: list[_Refusal] = []
        definition = None if name in _STANDARD else _definition(op)
        if definition is not None:
            try:
                return self._circuit_block(definition, depth + 1)
            except _Refusal as refusal:
                errors.append(_Refusal(refusal.name, refusal.why, (name, *refusal.path)))
        if op.num_qubits <= MAX_MATRIX_QUBITS:
            matrix = _matrix(op)
            if matrix is not None:
                try:
                    return _signed_permutation(matrix, name)
                except _Refusal as refusal:
                    errors.append(refusal)
        if errors:
            raise errors[0]
        raise _Refusal(name)

    def _annotated(self, op: AnnotatedOperation, depth: int) -> _Block:
        block = self.block(op.base_op, depth + 1)
        for modifier in op.modifiers:
            if isinstance(modifier, InverseModifier):
                block = _inverse(block)
            elif isinstance(modifier, PowerModifier):
                power = float(modifier.power)
                if not power.is_integer():
                    raise _Refusal(op.name, "a non-integer power")
                base = block if power >= 0 else _inverse(block)
                block = _Block(base.ops * int(abs(power)), base.phase * abs(power))
            elif isinstance(modifier, ControlModifier):
                n = modifier.num_ctrl_qubits
                state = int(modifier.ctrl_state)
                # the new controls are the first n qubits; the block moves up by n
                block = _add_controls(block, range(n), [(state >> j) & 1 for j in range(n)], n, op.name)
            else:
                raise _Refusal(op.name, f"modifier {type(modifier).__name__}")
        return block

    def _circuit_block(self, circuit: QuantumCircuit, depth: int) -> _Block:
        ops: list[_LocalOp] = []
        phase = float(circuit.global_phase)
        for instruction in circuit.data:
            qubits = [circuit.find_bit(q).index for q in instruction.qubits]
            inner = self.block(instruction.operation, depth)
            phase += inner.phase
            ops += [_remap(o, qubits) for o in inner.ops]
        return _Block(ops, phase)


def _remap(op: _LocalOp, qubits: Sequence[int]) -> _LocalOp:
    kind, target, controls, polarities = op
    return (kind, qubits[target] if target >= 0 else -1, tuple(qubits[c] for c in controls), polarities)


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


# --------------------------------------------------------------------------- circuits


@dataclass
class _Prepared:
    """A circuit in the class: flat circuit, the origin of each of its instructions, clbit -> qubit."""

    circuit: QuantumCircuit
    origins: list[tuple[int, str, tuple[int, ...]]]  # (position, top-level name, top-level qubits)
    measured: dict[int, int] = field(default_factory=dict)  # clbit index -> qubit index
    program: StructuredProgram | None = None


def _refusal_error(position: int, name: str, qubits: Sequence[int], refusal: _Refusal) -> UnsupportedGateError:
    where = f"gate '{refusal.name}'"
    if refusal.path:
        where += " inside " + " inside ".join(f"'{p}'" for p in reversed(refusal.path))
    elif refusal.name != name:
        where += f" inside '{name}'"
    detail = f" ({refusal.why})" if refusal.why else ""
    return UnsupportedGateError(
        f"{where} at instruction {position} on qubits {tuple(qubits)} is outside the structured engine's class"
        f"{detail}: {_CLASS_HINT}"
    )


class _GateCache:
    """Gate objects for the flat circuit, shared between instructions."""

    def __init__(self) -> None:
        self._x: dict[tuple[int, int], Instruction] = {}
        self._z: dict[tuple[int, int], Instruction] = {}

    def x(self, num_controls: int, state: int) -> Instruction:
        key = (num_controls, state)
        if key not in self._x:
            self._x[key] = XGate() if num_controls == 0 else MCXGate(num_controls, ctrl_state=state)
        return self._x[key]

    def z(self, num_controls: int, state: int) -> Instruction:
        key = (num_controls, state)
        if key not in self._z:
            self._z[key] = ZGate() if num_controls == 0 else ZGate().control(num_controls, ctrl_state=state, annotated=False)
        return self._z[key]


def to_structured_class(circuit: QuantumCircuit) -> tuple[QuantumCircuit, dict[int, int]]:
    """``circuit`` without final measurements, as X/MCX, Z/MCZ, SWAP and H gates, and its clbit -> qubit map.

    Raises ``UnsupportedGateError`` naming the first gate outside the class, a
    mid-circuit measurement, a reset or classical control flow.
    """
    prepared = _prepare(circuit)
    return prepared.circuit, prepared.measured


def _prepare(circuit: QuantumCircuit) -> _Prepared:
    synth = _Synthesizer()
    gates = _GateCache()
    flat = QuantumCircuit(circuit.num_qubits)
    phase = float(circuit.global_phase)
    origins: list[tuple[int, str, tuple[int, ...]]] = []
    measured: dict[int, int] = {}
    measured_qubits: dict[int, int] = {}  # qubit -> position of its (last) measurement
    for position, instruction in enumerate(circuit.data):
        op = instruction.operation
        name = op.name
        qubits = tuple(circuit.find_bit(q).index for q in instruction.qubits)
        if name == "measure":
            measured[circuit.find_bit(instruction.clbits[0]).index] = qubits[0]
            measured_qubits[qubits[0]] = position
            continue
        if name in _SKIP and name != "global_phase":
            continue
        after = [q for q in qubits if q in measured_qubits]
        if after:
            raise UnsupportedGateError(
                f"gate '{name}' at instruction {position} on qubits {qubits} acts on qubit {after[0]} after its "
                f"measurement at instruction {measured_qubits[after[0]]}: mid-circuit measurements are not supported "
                "(measure only at the end); use Qiskit Aer's SamplerV2 for such circuits"
            )
        if name == "reset":
            raise UnsupportedGateError(
                f"'reset' at instruction {position} on qubits {qubits}: resets are not supported by the structured "
                "engine (start from |0...0>); use Qiskit Aer's SamplerV2 for such circuits"
            )
        if name in _CONTROL_FLOW or op.num_clbits or getattr(op, "condition", None) is not None:
            raise UnsupportedGateError(
                f"'{name}' at instruction {position} on qubits {qubits}: classically conditioned operations and "
                "control flow are not supported by the structured engine; use Qiskit Aer's SamplerV2 for such circuits"
            )
        try:
            block = synth.block(op)
        except _Refusal as refusal:
            raise _refusal_error(position, name, qubits, refusal) from None
        phase += block.phase
        for kind, target, controls, polarities in block.ops:
            if kind == "h":
                flat.h(qubits[target])
            elif kind == "swap":
                flat.swap(qubits[target], qubits[controls[0]])
            elif kind == "x":
                state = sum(p << j for j, p in enumerate(polarities))
                flat.append(gates.x(len(controls), state), [*(qubits[c] for c in controls), qubits[target]], copy=False)
            else:  # z: sign where all conditions hold; a condition on |1> becomes the Z target
                order = sorted(range(len(controls)), key=lambda j: polarities[j])
                controls = tuple(controls[j] for j in order)
                polarities = tuple(polarities[j] for j in order)
                *first, last = controls
                open_target = polarities[-1] == 0
                if open_target:  # every condition is on |0>: X . Z . X on the last one
                    flat.x(qubits[last])
                    origins.append((position, name, qubits))
                state = sum(p << j for j, p in enumerate(polarities[:-1]))
                flat.append(gates.z(len(first), state), [*(qubits[c] for c in first), qubits[last]], copy=False)
                if open_target:
                    origins.append((position, name, qubits))
                    flat.x(qubits[last])
            origins.append((position, name, qubits))
    flat.global_phase = phase
    return _Prepared(flat, origins, measured)


_POSITION = re.compile(r"gate '(\w+)' at instruction (\d+)")


def _run_prepared(prepared: _Prepared, simulator: StructuredSimulator) -> StructuredState:
    if prepared.program is None:
        try:
            prepared.program = simulator.compile(prepared.circuit)
        except UnsupportedGateError as error:  # not expected: the flat circuit is in the class
            raise _relocate(error, prepared) from None
    try:
        return simulator.run(prepared.program)
    except UnsupportedGateError as error:  # an H the structure cannot take
        raise _relocate(error, prepared) from None


def _relocate(error: UnsupportedGateError, prepared: _Prepared) -> UnsupportedGateError:
    """Rewrite the flat circuit's instruction number in ``error`` as the user's circuit position."""
    text = str(error)
    match = _POSITION.search(text)
    if not match or int(match.group(2)) >= len(prepared.origins):
        return error
    position, name, qubits = prepared.origins[int(match.group(2))]
    inner = match.group(1)
    where = f"gate '{inner}'" + (f" inside '{name}'" if name != inner else "")
    rest = re.sub(r"^ on qubits? [^ ]+", "", text[match.end():]).replace("use --engine aer", "use Qiskit Aer's SamplerV2")
    return UnsupportedGateError(f"{where} at instruction {position} on qubits {qubits}{rest}")


def run_exact(circuit: QuantumCircuit, *, max_memory_bytes: int | None = None) -> StructuredState:
    """The exact final state of ``circuit`` (final measurements ignored) on the structured engine."""
    return _run_prepared(_prepare(circuit), StructuredSimulator(max_memory_bytes=max_memory_bytes))


def structured_state(circuit: QuantumCircuit, simulator: StructuredSimulator | None = None) -> StructuredState:
    """Like :func:`run_exact`, on a given simulator (final measurements ignored)."""
    return _run_prepared(_prepare(circuit), simulator or StructuredSimulator())


def exact_probabilities(
    circuit: QuantumCircuit,
    *,
    register: str | None = None,
    cutoff: float = 1e-14,
    max_memory_bytes: int | None = None,
) -> dict[str, float]:
    """Exact probabilities of the measurement outcomes of ``circuit``, keyed like counts.

    Keys are the measured clbits as a bitstring (highest clbit index leftmost,
    no register separators); with ``register``, that classical register's bits
    (unmeasured ones 0), as ``BitArray.get_counts()`` keys them. A circuit
    without measurements gives the distribution of all its qubits. Outcomes
    with probability at most ``cutoff`` are left out.
    """
    prepared = _prepare(circuit)
    state = _run_prepared(prepared, StructuredSimulator(max_memory_bytes=max_memory_bytes))
    bit_qubits: list[int | None]
    if register is not None:
        creg = next((r for r in circuit.cregs if r.name == register), None)
        if creg is None:
            raise ValueError(f"circuit has no classical register '{register}'; it has {[r.name for r in circuit.cregs]}")
        bit_qubits = [prepared.measured.get(circuit.find_bit(b).index) for b in creg]
    elif prepared.measured:
        bit_qubits = [prepared.measured[c] for c in sorted(prepared.measured)]
    else:
        bit_qubits = list(range(circuit.num_qubits))
    width = len(bit_qubits)
    if width == 0:
        return {"": 1.0}
    size = 1 << state.num_index_bits
    indices = np.arange(size, dtype=np.int64)
    bits = np.zeros((size, width), dtype=np.uint8)  # column 0 = highest bit, as in the key
    for j, q in enumerate(bit_qubits):
        if q is not None:
            bits[:, width - 1 - j] = bits_at(state.rows[q], indices)
    keys, inverse = np.unique(np.packbits(bits, axis=1), axis=0, return_inverse=True)
    totals = np.bincount(inverse.ravel(), weights=state.amplitudes**2, minlength=len(keys))
    out = {
        "".join(format(int(b), "08b") for b in row)[:width]: float(total)
        for row, total in zip(keys, totals)
        if total > cutoff
    }
    return dict(sorted(out.items()))


# --------------------------------------------------------------------------- the sampler


class StructuredSampler(BaseSamplerV2):
    """Qiskit ``BaseSamplerV2`` on the structured exact engine.

    Args:
        default_shots: shots for PUBs that do not give their own.
        seed: an int (each ``run`` call starts a fresh ``numpy.random.Generator``
            from it, so the same seed gives the same counts), a ``Generator``
            (used and advanced as is) or None (fresh entropy).
        max_memory_bytes: bound on the engine's state (default: 80% of available memory).
        noise: a :class:`~qbnn.engines.noise.PauliNoise` (or ``"MODEL:RATE"``): every shot is then one
            exact noisy trajectory (Pauli errors after every gate on each of its qubits).
    """

    def __init__(
        self,
        *,
        default_shots: int = 1024,
        seed: np.random.Generator | int | None = None,
        max_memory_bytes: int | None = None,
        noise: PauliNoise | str | None = None,
    ) -> None:
        from qbnn.engines.noise import PauliNoise, parse_noise

        self._noise = parse_noise(noise) if isinstance(noise, str) else noise
        if self._noise is not None and not isinstance(self._noise, PauliNoise):
            raise TypeError(f"noise must be a PauliNoise or 'MODEL:RATE', not {type(noise).__name__}")
        self._default_shots = int(default_shots)
        self._seed = seed
        self._simulator = StructuredSimulator(max_memory_bytes=max_memory_bytes)

    @property
    def default_shots(self) -> int:
        return self._default_shots

    @property
    def seed(self) -> np.random.Generator | int | None:
        return self._seed

    def _rng(self) -> np.random.Generator:
        if isinstance(self._seed, np.random.Generator):
            return self._seed
        return np.random.default_rng(self._seed)

    def run(self, pubs: Iterable[SamplerPubLike], *, shots: int | None = None) -> PrimitiveJob[PrimitiveResult[SamplerPubResult]]:
        if shots is None:
            shots = self._default_shots
        coerced = [SamplerPub.coerce(pub, shots) for pub in pubs]
        if any(len(pub.circuit.cregs) == 0 for pub in coerced):
            warnings.warn(
                "One of your circuits has no output classical registers and so the result "
                "will be empty. Did you mean to add measurement instructions?",
                UserWarning,
                stacklevel=2,
            )
        # circuits outside the class are refused here, so the error reaches the caller directly
        prepared = [None if pub.circuit.parameters else _prepare(pub.circuit) for pub in coerced]
        job = PrimitiveJob(self._run, coerced, prepared)
        job._submit()
        return job

    def _run(self, pubs: list[SamplerPub], prepared: list[_Prepared | None]) -> PrimitiveResult[SamplerPubResult]:
        rng = self._rng()
        results = [self._run_pub(pub, ready, rng) for pub, ready in zip(pubs, prepared)]
        return PrimitiveResult(results, metadata={"version": 2})

    def _run_pub(self, pub: SamplerPub, ready: _Prepared | None, rng: np.random.Generator) -> SamplerPubResult:
        circuit = pub.circuit
        registers = [(creg.name, [circuit.find_bit(b).index for b in creg]) for creg in circuit.cregs]
        bound = None if ready is not None else pub.parameter_values.bind_all(circuit)
        arrays = {
            name: np.zeros((*pub.shape, pub.shots, (len(clbits) + 7) // 8), dtype=np.uint8) for name, clbits in registers
        }
        for index in np.ndindex(pub.shape):
            prepared = ready if ready is not None else _prepare(bound[index])
            values: dict[int, np.ndarray] = {}
            if self._noise is not None and self._noise.rate > 0:
                values = self._noisy_values(prepared, pub.shots, rng)
            else:
                state = _run_prepared(prepared, self._simulator)
                draws = state.draw_indices(pub.shots, rng)
            for name, clbits in registers:
                bits = np.zeros((pub.shots, len(clbits)), dtype=np.uint8)
                for j, clbit in enumerate(clbits):
                    qubit = prepared.measured.get(clbit)
                    if qubit is not None:
                        if qubit not in values:
                            values[qubit] = bits_at(state.rows[qubit], draws)
                        bits[:, j] = values[qubit]
                arrays[name][index] = _pack(bits)
        meas = {name: BitArray(arrays[name], len(clbits)) for name, clbits in registers}
        return SamplerPubResult(
            DataBin(**meas, shape=pub.shape), metadata={"shots": pub.shots, "circuit_metadata": circuit.metadata}
        )

    def _noisy_values(self, prepared: _Prepared, shots: int, rng: np.random.Generator) -> dict[int, np.ndarray]:
        """Measured qubit -> its bit in each shot, every shot one noisy trajectory."""
        from qbnn.engines.noise import NoisyCircuit

        if prepared.program is None:
            _run_prepared(prepared, self._simulator)  # compiles (and checks the noiseless run)
        qubits = sorted(set(prepared.measured.values()))
        bits = NoisyCircuit(prepared.program, self._noise, self._simulator).sample(qubits, shots, rng)
        return {q: bits[:, j] for j, q in enumerate(qubits)}

    def exact_probabilities(self, circuit: QuantumCircuit, *, register: str | None = None) -> dict[str, float]:
        """Exact outcome probabilities of ``circuit`` (see :func:`exact_probabilities`)."""
        return exact_probabilities(circuit, register=register, max_memory_bytes=self._simulator.max_memory_bytes)


def _pack(bits: np.ndarray) -> np.ndarray:
    """(shots, num_bits) little-endian bits -> BitArray bytes (big-endian, bit 0 in the last byte's LSB)."""
    num_bits = bits.shape[1]
    if num_bits == 0:
        return np.zeros((bits.shape[0], 0), dtype=np.uint8)
    padded = np.pad(bits[:, ::-1], ((0, 0), (-num_bits % 8, 0)))
    return np.packbits(padded, axis=-1)
