"""Run op lists (the folded compiler's gates) on the structured engine, without building Qiskit circuits.

Block training compiles one U per block of a large network: tens of
thousands of gates that the structured engine runs directly from the op list
(:func:`program_of`), never through Qiskit composition. The Grover iterate
Q = -U S_0 U^-1 S_chi is the same op list, run as: the oracle S_chi, U in
reverse, S_0, U (:func:`grover_ops`; every op is its own inverse).

**Memoized iterate ("cache U's classical segment", docs/concepts/engine.md).**
In the structured engine the bit-rows evolve independently of the
amplitudes: permutations only move rows, signs read rows and flip
amplitudes, and the H layers of Q act on plain index bits. So once Q has been
run gate by gate from the state after U, its effect on the amplitudes is a
fixed list of sign vectors and Walsh-Hadamard transforms, provided the rows
come back to where they started (checked). :class:`FoldedAmplification`
records that list by running every gate of U^-1 S_0 U once and every gate of
each oracle once, then replays it per iteration in O(2^f f). This is exact
memoization, used only by block training (``memoize=False`` runs every
iterate gate by gate, which the tests compare against).

**Recording without running (the same steps, derived).** Two parts of the
record are known in closed form, and are derived instead of run when their
preconditions hold (checked; otherwise they are recorded gate by gate):

- U^-1 S_0 U, when U is an H on each parameter qubit in order followed by
  PERM ops only (what :func:`~qbnn.compile.folded.compile_folded` emits):
  from the state after U, the PERMs reversed return every row to where the
  H layer left it (parameter rows = index bits, all others 0) and change no
  amplitude, so the record is exactly [WHT over all index bits, -1 at index
  0, WHT], the same arrays the gate-by-gate record yields;
- S_chi for a target t: counting the accuracy qubits into a clean register
  and marking at least t is a sign -1 where the number c(i) of accuracy rows
  set at index i is >= t (c = points when t >= points). c is read once per
  block from the state after U, so a new threshold costs one comparison
  instead of thousands of gates (:meth:`FoldedBlock.oracle_sign`).
"""

from __future__ import annotations

import itertools
from operator import attrgetter
from typing import TYPE_CHECKING

import numpy as np

from qbnn.compile.counter import at_least_cubes, counter_bits
from qbnn.simulator.kernels import DONE, run_ops_tiled, walsh_hadamard
from qbnn.simulator.bitrows import row_bits
from qbnn.simulator.ops import H, PERM, PHASE, LoweredCircuit, Op
from qbnn.engines.protocol import Amplification
from qbnn.simulator.structured import StructuredProgram, StructuredSimulator, StructuredState

if TYPE_CHECKING:
    from qbnn.compile.folded import FoldedQBNN
    from qbnn.problem import TrainingProblem

__all__ = ["program_of", "oracle_ops", "grover_ops", "FoldedBlock", "FoldedAmplification", "FoldedEngine"]


def _pack(ops: list[Op]) -> tuple[np.ndarray, ...]:
    """The arrays of :func:`qbnn.simulator.ops.pack_ops` (equal element for element), built without per-op Python loops."""
    n = len(ops)
    kinds = np.fromiter(map(attrgetter("kind"), ops), dtype=np.int64, count=n)
    targets = np.fromiter(map(attrgetter("target"), ops), dtype=np.int64, count=n)
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, map(attrgetter("controls"), ops)), dtype=np.int64, count=n), out=starts[1:])
    total = int(starts[-1])
    cq = np.fromiter(itertools.chain.from_iterable(map(attrgetter("controls"), ops)), dtype=np.int64, count=total)
    cp = np.fromiter(itertools.chain.from_iterable(map(attrgetter("polarities"), ops)), dtype=np.int64, count=total)
    return kinds, targets, starts, cq, cp


def program_of(ops: list[Op], num_qubits: int) -> StructuredProgram:
    """A structured-engine program straight from engine ops (no Qiskit circuit in between)."""
    lowered = LoweredCircuit(num_qubits, list(ops))
    return StructuredProgram(num_qubits, lowered, _pack(lowered.ops))


def oracle_ops(accuracy: list[int], count_register: list[int], min_correct: int) -> tuple[list[Op], int]:
    """S_chi as ops: -1 where at least ``min_correct`` accuracy qubits are |1> (count, compare, uncount).

    Returns the ops and a global sign (-1 when every state is marked). The
    same construction as :func:`qbnn.compile.threshold.marking_oracle`.
    """
    points = len(accuracy)
    if min_correct >= points:
        return [Op(PHASE, -1, tuple(accuracy), (1,) * points)], 1
    if min_correct <= 0:
        return [], -1
    bits = counter_bits(points)
    register = count_register[:bits]
    adds: list[Op] = []
    for q in accuracy:
        for j in reversed(range(bits)):
            adds.append(Op(PERM, register[j], (q, *register[:j]), (1,) * (j + 1)))
    marks = [Op(PHASE, -1, tuple(register[i] for i in cube), tuple(cube.values())) for cube in at_least_cubes(min_correct, bits)]
    return [*adds, *marks, *reversed(adds)], 1


def grover_ops(u_ops: list[Op], s_chi: list[Op], num_qubits: int) -> list[Op]:
    """Q = -U S_0 U^-1 S_chi as ops (the global -1 is left to the caller): S_chi, U reversed, S_0, U."""
    s0 = Op(PHASE, -1, tuple(range(num_qubits)), (0,) * num_qubits)
    return [*s_chi, *reversed(u_ops), s0, *u_ops]


class _NotMemoizable(Exception):
    """The iterate's amplitude action is not a fixed list of signs and transforms from this state."""


def _record(state: StructuredState, program: StructuredProgram, parameter_qubits: list[int]) -> list[tuple[str, np.ndarray]]:
    """Run ``program`` gate by gate once from ``state`` and return its amplitude action as steps.

    Classical runs (permutations and signs) act on amplitudes as a sign vector, found by running them
    on all-ones amplitudes; H ops must act on parameter qubits that are plain index bits while every
    other row is constant, so that they are Walsh-Hadamard butterflies that leave the rows unchanged.
    """
    kinds, targets, starts, cq, cp = program.arrays
    p = state.num_index_bits
    size = 1 << p
    pattern = {q: b for b, q in enumerate(parameter_qubits)}
    steps: list[tuple[str, np.ndarray]] = []
    k, total = 0, len(kinds)
    while k < total:
        end = k
        if kinds[k] != H:
            while end < total and kinds[end] != H:
                end += 1
            ones = np.ones(size)
            status, _ = run_ops_tiled(state.rows, ones, p, kinds, targets, starts, cq, cp, k, end, 0)
            if status != DONE:
                raise _NotMemoizable
            if not np.all(ones == 1.0):
                steps.append(("sign", ones))
        else:
            while end < total and kinds[end] == H:
                end += 1
            others = [q for q in range(state.num_qubits) if q not in pattern]
            rest = state.rows[others]
            if not np.all((rest == 0).all(axis=1) | (rest == np.uint64(0xFFFFFFFFFFFFFFFF)).all(axis=1)):
                raise _NotMemoizable
            chosen: set[int] = set()
            for t in targets[k:end]:
                q = int(t)
                if q not in pattern or not np.array_equal(row_bits(state.rows[q], p), (np.arange(size) >> pattern[q]) & 1):
                    raise _NotMemoizable
                chosen ^= {pattern[q]}
            if chosen:
                steps.append(("wht", np.array(sorted(chosen), dtype=np.int64)))
        k = end
    return steps


def _replay(steps: list[tuple[str, np.ndarray]], amplitudes: np.ndarray, num_index: int) -> None:
    for kind, data in steps:
        if kind == "sign":
            amplitudes *= data
        else:
            walsh_hadamard(amplitudes, data, num_index)


class FoldedBlock:
    """A folded U compiled once for the structured engine: its state after U, and (memoized) its reflection.

    Every target (oracle) of Durr-Hoyer reuses it: :meth:`amplification` only adds that oracle.
    """

    def __init__(self, folded: FoldedQBNN, *, memoize: bool = True, simulator: StructuredSimulator | None = None) -> None:
        self.folded = folded
        self.simulator = simulator or StructuredSimulator()
        points = folded.data.num_points
        self.count_register = list(range(folded.num_qubits, folded.num_qubits + counter_bits(points)))
        self.num_qubits = folded.num_qubits + len(self.count_register)
        self.simulator.check_memory(self.num_qubits, len(folded.parameter_qubits))
        self.u_program = program_of(folded.ops, self.num_qubits)
        self.after_u = self.simulator.run(self.u_program)
        self.memoize = memoize
        self._reflection: list | None = None
        self._counts: np.ndarray | None = None
        if memoize:
            self._reflection = self._derived_reflection()
            if self._reflection is None:
                self._reflection = self._try_record(grover_ops(folded.ops, [], self.num_qubits))

    def _derived_reflection(self) -> list | None:
        """U^-1 S_0 U's record in closed form when U = (H on each parameter qubit, in order) then PERMs (module doc)."""
        ops, parameters = self.folded.ops, self.folded.parameter_qubits
        f = len(parameters)
        if f == 0 or f != self.after_u.num_index_bits or len(ops) < f:
            return None
        if any(op.kind != H or op.target != q or op.controls for op, q in zip(ops[:f], parameters)):
            return None
        if any(op.kind != PERM for op in ops[f:]):
            return None
        bits = np.arange(f, dtype=np.int64)
        s0 = np.ones(1 << f)
        s0[0] = -1.0
        return [("wht", bits), ("sign", s0), ("wht", bits.copy())]

    def oracle_sign(self, target: int) -> list[tuple[str, np.ndarray]] | None:
        """S_chi's record for ``target`` from the accuracy counts after U, or None where it must be run (module doc)."""
        if target <= 0:
            return []  # no ops: the global sign -1 is the amplification's
        if self._counts is None:
            state = self.after_u
            if np.any(state.rows[self.count_register]):
                return None  # the count register is not clean: run the gates
            counts = np.zeros(1 << state.num_index_bits, dtype=np.int32)
            for q in self.folded.accuracy_qubits:
                counts += row_bits(state.rows[q], state.num_index_bits)
            self._counts = counts
        points = len(self.folded.accuracy_qubits)
        marked = self._counts == points if target >= points else self._counts >= target
        if not marked.any():
            return []
        sign = np.ones(marked.size)
        sign[marked] = -1.0
        return [("sign", sign)]

    def _try_record(self, ops: list[Op]) -> list | None:
        state = self.after_u.copy()
        try:
            steps = _record(state, program_of(ops, self.num_qubits), self.folded.parameter_qubits)
        except _NotMemoizable:
            return None
        return steps if np.array_equal(state.rows, self.after_u.rows) else None

    def amplification(self, problem: TrainingProblem) -> FoldedAmplification:
        return FoldedAmplification(problem, self)


#: Memory for the replayed amplitudes kept per target (checkpoints to restart from when k goes down).
CHECKPOINT_BYTES = 64 << 20


class FoldedAmplification(Amplification):
    """Exact parameter distributions after U Q^k for one target, on a :class:`FoldedBlock`.

    With the memoized iterate the rows never move, so the amplitudes after k iterations are a
    checkpoint: BBHT draws k up and down, and a smaller k restarts from the nearest checkpoint
    at or below it instead of from U (the same replays in the same order, so the same floats).
    """

    engine_name = "structured"

    def __init__(self, problem: TrainingProblem, block: FoldedBlock) -> None:
        super().__init__(problem)
        self.block = block
        self.sign = -1 if problem.target <= 0 else 1  # oracle_ops's global sign
        self.iterate_steps: list | None = None
        ops = None
        if block._reflection is not None:
            oracle_steps = block.oracle_sign(problem.target)
            if oracle_steps is None:
                ops, _ = oracle_ops(block.folded.accuracy_qubits, block.count_register, problem.target)
                oracle_steps = block._try_record(ops)
            if oracle_steps is not None:
                self.iterate_steps = [*oracle_steps, *block._reflection]
        self.q_program = None
        if self.iterate_steps is None:
            if ops is None:
                ops, _ = oracle_ops(block.folded.accuracy_qubits, block.count_register, problem.target)
            self.q_program = program_of(grover_ops(block.folded.ops, ops, block.num_qubits), block.num_qubits)
        self._state: StructuredState | None = None
        self._state_k = -1
        self._checkpoints: dict[int, np.ndarray] = {}
        size = 1 << block.after_u.num_index_bits
        per_checkpoint = 8 * size
        expected_top = max(1, int(np.sqrt(size)))  # BBHT's ceilings stop near sqrt(N)
        self._every = max(1, -(-expected_top * per_checkpoint // CHECKPOINT_BYTES))
        self._max_checkpoints = max(1, CHECKPOINT_BYTES // per_checkpoint)

    @property
    def memoized(self) -> bool:
        return self.iterate_steps is not None

    def _advance_to(self, k: int) -> StructuredState:
        if self._state is None or k < self._state_k:
            self._state, self._state_k = self.block.after_u.copy(), 0
        nearest = max((c for c in self._checkpoints if self._state_k < c <= k), default=None)
        if nearest is not None:  # the amplitudes after `nearest` iterations, kept when first computed
            self._state.amplitudes[:] = self._checkpoints[nearest]
            self._state_k = nearest
        p = self._state.num_index_bits
        for step in range(self._state_k + 1, k + 1):
            if self.iterate_steps is not None:
                _replay(self.iterate_steps, self._state.amplitudes, p)
            else:
                self.q_program.apply(self._state, self.block.simulator)
            self._state.amplitudes *= -self.sign  # Q = -U S_0 U^-1 S_chi, times the oracle's global sign
            if (
                self.iterate_steps is not None
                and step % self._every == 0
                and step not in self._checkpoints
                and len(self._checkpoints) < self._max_checkpoints
            ):
                self._checkpoints[step] = self._state.amplitudes.copy()
        self._state_k = k
        return self._state

    def with_problem(self, problem: TrainingProblem) -> FoldedAmplification:
        """The same folded block (its U compiled once) for another target; the free set must be the block's."""
        return FoldedAmplification(problem, self.block)

    def _compute_distribution(self, k: int) -> np.ndarray:
        return self._advance_to(k).probabilities(self.block.folded.parameter_qubits)


class FoldedEngine:
    """Engine for conditional problems from their op lists; ``memoize`` replays the recorded iterate."""

    name = "structured"

    def __init__(self, *, memoize: bool = True, max_memory_bytes: int | None = None) -> None:
        self.memoize = memoize
        self.simulator = StructuredSimulator(max_memory_bytes=max_memory_bytes)

    def compile(self, problem: TrainingProblem) -> FoldedBlock:
        from qbnn.compile.folded import compile_folded

        if problem.condition is None:
            raise ValueError("the folded engine runs conditional problems (give free/values)")
        folded = compile_folded(problem.network, problem.data, problem.condition, activation=problem.activation)
        return FoldedBlock(folded, memoize=self.memoize, simulator=self.simulator)

    def prepare(self, problem: TrainingProblem) -> FoldedAmplification:
        return self.compile(problem).amplification(problem)
