"""Pauli noise on the structured engine: exact trajectories, one sampled error pattern at a time.

A Pauli error keeps a circuit in the engine's class: X on a qubit is an
uncontrolled PERM op on its bit-row, Z a PHASE op (a sign where the row is 1),
and Y = i X Z both (the factor i goes into the global phase). So a noisy run
is the engine's op list with error ops inserted after the gates where errors
struck, run by the same kernel (:func:`~qbnn.simulator.kernels.run_ops_tiled`).

The noise model (:class:`PauliNoise`): after every gate of the engine's op list
(X/MCX, Z/MCZ, SWAP, H; composite gates unrolled, H·MCX·H counted as one
MCZ), each qubit the gate acts on independently suffers X with probability r
(``bit-flip``), Z with probability r (``phase-flip``), or X, Y, Z each with
probability r/3 (``depolarizing``). Error locations are drawn by geometric
skips over the (gate, qubit) slots with a seeded numpy Generator.

Errors can leave work qubits holding "garbage" that depends on the parameter
bits; a later H on a parameter qubit then needs more superposed bits than the
parameters. :func:`general_hadamard` handles that exactly: it doubles the
index, merges index settings that reach the same basis state (summing their
amplitudes), and lays the state out again with the H-targeted qubits as the
low index bits, so the kernel's fast Hadamard layers apply again.
"""

from __future__ import annotations


import cmath
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numba import njit

from qbnn.simulator.kernels import DONE, NEEDS_EXTENSION, run_ops_tiled
from qbnn.simulator.bitrows import duplicated_rows, extend_index, row_bits
from qbnn.simulator.ops import H, PERM, PHASE
from qbnn.simulator.merge import INT_KEY_BITS, ZERO_AMPLITUDE, distinct_patterns, gather_bits, lay_out_rows, merge_index
from qbnn.simulator.structured import StructuredProgram, StructuredSimulator, StructuredState, state_memory_bytes
from qbnn.errors import QbnnError, ResourceLimitError
from qbnn.core.memory import format_bytes

__all__ = [
    "NOISE_MODELS",
    "PauliNoise",
    "NoisyProgram",
    "parse_noise",
    "sample_error_slots",
    "insert_errors",
    "run_noisy_segments",
    "general_hadamard",
    "run_arrays",
    "NoisyCircuit",
]

NOISE_MODELS = ("bit-flip", "phase-flip", "depolarizing")
#: Error types of the inserted ops.
X_ERROR, Y_ERROR, Z_ERROR = 1, 2, 3
#: Up to this many qubits a basis state is keyed by one integer when merging (tests lower it to force the wide path).
_INT_KEY_BITS = INT_KEY_BITS
#: False: :func:`general_hadamard` doubles the index and merges it (the reference its compiled form is tested against).
COMPILED_HADAMARD = True


@dataclass(frozen=True)
class PauliNoise:
    """Independent Pauli errors after every gate on each qubit it acts on.

    ``model`` is ``bit-flip`` (X with probability ``rate``), ``phase-flip`` (Z
    with probability ``rate``) or ``depolarizing`` (X, Y, Z each ``rate``/3).

    >>> PauliNoise("depolarizing", 3e-3).pauli_probabilities()
    (0.001, 0.001, 0.001)
    >>> PauliNoise.parse("bit-flip:1e-4")
    PauliNoise(model='bit-flip', rate=0.0001)
    """

    model: str
    rate: float

    def __post_init__(self) -> None:
        if self.model not in NOISE_MODELS:
            raise QbnnError(
                "unknown noise model {model}; choose one of " + ", ".join(NOISE_MODELS), model=self.model
            )
        rate = float(self.rate)
        if not 0.0 <= rate <= 1.0:  # also refuses NaN
            raise QbnnError("{rate} is outside [0, 1]; give an error probability per gate and qubit", rate=self.rate)
        object.__setattr__(self, "rate", rate)

    @classmethod
    def parse(cls, text: str) -> PauliNoise:
        """``"MODEL:RATE"``, e.g. ``"depolarizing:1e-4"``."""
        return parse_noise(text)

    def pauli_probabilities(self) -> tuple[float, float, float]:
        """Probabilities of X, Y and Z on one qubit after one gate."""
        r = self.rate
        if self.model == "bit-flip":
            return (r, 0.0, 0.0)
        if self.model == "phase-flip":
            return (0.0, 0.0, r)
        return (r / 3, r / 3, r / 3)

    def no_error_probability(self, slots: int) -> float:
        """Probability that none of ``slots`` (gate, qubit) slots suffers an error: (1 - r)^slots."""
        if self.rate >= 1.0:
            return 0.0 if slots > 0 else 1.0
        return math.exp(slots * math.log1p(-self.rate))

    def to_json(self) -> dict:
        return {"model": self.model, "rate": self.rate}


def parse_noise(text: str | None) -> PauliNoise | None:
    """``"MODEL:RATE"`` -> :class:`PauliNoise` (None for None); one-line errors naming ``noise``."""
    if text is None:
        return None
    model, sep, rate_text = str(text).strip().partition(":")
    if not sep:
        raise QbnnError(
            "{noise} is not MODEL:RATE; write e.g. depolarizing:1e-4 (models: " + ", ".join(NOISE_MODELS) + ")",
            noise=text,
        )
    model = model.strip()
    if model not in NOISE_MODELS:
        raise QbnnError("{noise}: unknown noise model " + repr(model) + "; choose one of " + ", ".join(NOISE_MODELS), noise=text)
    try:
        rate = float(rate_text)
    except ValueError:
        raise QbnnError("{noise}: the rate " + repr(rate_text) + " is not a number; write e.g. bit-flip:1e-3", noise=text) from None
    if not 0.0 <= rate <= 1.0:
        raise QbnnError("{noise}: the rate must lie in [0, 1] (an error probability per gate and qubit)", noise=text)
    return PauliNoise(model, rate)


# --------------------------------------------------------------------------- programs and slots


@dataclass
class NoisyProgram:
    """A compiled program with its (gate, qubit) error slots: slot s follows op ``slot_op[s]`` on ``slot_qubit[s]``."""

    program: StructuredProgram
    slot_op: np.ndarray
    slot_qubit: np.ndarray
    control_owner: np.ndarray  # op of each control entry
    control_rank: np.ndarray  # position of each control entry within its op

    @classmethod
    def of(cls, program: StructuredProgram) -> NoisyProgram:
        kinds, targets, starts, cq, cp = program.arrays
        n = len(kinds)
        num_controls = np.diff(starts)
        has_target = (targets >= 0).astype(np.int64)
        per_op = has_target + num_controls
        offsets = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(per_op, out=offsets[1:])
        slot_op = np.repeat(np.arange(n, dtype=np.int64), per_op)
        slot_qubit = np.empty(int(offsets[-1]), dtype=np.int64)
        with_target = np.flatnonzero(has_target)
        slot_qubit[offsets[with_target]] = targets[with_target]
        owner = np.repeat(np.arange(n, dtype=np.int64), num_controls)
        rank = np.arange(len(cq), dtype=np.int64) - starts[owner]
        slot_qubit[offsets[owner] + has_target[owner] + rank] = cq
        return cls(program, slot_op, slot_qubit, owner, rank)

    @property
    def num_slots(self) -> int:
        return int(self.slot_op.size)

    @property
    def h_qubits(self) -> set[int]:
        kinds, targets = self.program.arrays[:2]
        return {int(q) for q in targets[kinds == H]}


def sample_error_slots(num_slots: int, rate: float, rng: np.random.Generator, at_least_one: bool = False) -> np.ndarray:
    """Sorted slots (0..num_slots-1) that suffer an error, each independently with probability ``rate``.

    Geometric skips: the gap to the next error is Geometric(rate), so the cost
    is proportional to the number of errors, not of slots. With
    ``at_least_one`` the pattern is drawn conditioned on at least one error
    (the first by the inverse of the truncated geometric law).
    """
    if num_slots <= 0 or rate <= 0.0:
        if at_least_one:
            raise ValueError("at least one error needs a positive rate and at least one slot")
        return np.zeros(0, dtype=np.int64)
    if rate >= 1.0:
        return np.arange(num_slots, dtype=np.int64)
    log_keep = math.log1p(-rate)
    if at_least_one:
        some = -math.expm1(num_slots * log_keep)  # P(at least one error)
        first = int(math.log1p(-rng.random() * some) / log_keep)
        first = min(first, num_slots - 1)
    else:
        first = int(rng.geometric(rate)) - 1
    if first >= num_slots:
        return np.zeros(0, dtype=np.int64)
    out = [np.array([first], dtype=np.int64)]
    last = first
    while True:
        expected = (num_slots - last) * rate
        batch = max(16, int(expected + 4 * math.sqrt(expected) + 8))
        gaps = rng.geometric(rate, size=batch).astype(np.int64)
        positions = last + np.cumsum(gaps)
        inside = positions[positions < num_slots]
        if inside.size:
            out.append(inside)
        if inside.size < batch:
            break
        last = int(positions[-1])
    return np.concatenate(out)


def _error_types(noise: PauliNoise, count: int, rng: np.random.Generator) -> np.ndarray:
    if noise.model == "bit-flip":
        return np.full(count, X_ERROR, dtype=np.int64)
    if noise.model == "phase-flip":
        return np.full(count, Z_ERROR, dtype=np.int64)
    return rng.integers(1, 4, size=count).astype(np.int64)


def insert_errors(noisy: NoisyProgram, slots: np.ndarray, types: np.ndarray) -> tuple[tuple[np.ndarray, ...], int]:
    """The program's packed op arrays with error ops after the gates of ``slots`` (sorted); and the Y count.

    X -> an uncontrolled PERM on the qubit; Z -> a PHASE on it; Y -> PHASE then PERM (Y = i X Z).
    Vectorised: no Python loop over the ops.
    """
    kinds, targets, starts, cq, cp = noisy.program.arrays
    n = len(kinds)
    is_y = types == Y_ERROR
    repeat = 1 + is_y.astype(np.int64)
    err_op = np.repeat(noisy.slot_op[slots], repeat)
    err_qubit = np.repeat(noisy.slot_qubit[slots], repeat)
    err_type = np.repeat(types, repeat)
    # a Y becomes PHASE (first copy) then PERM (second copy)
    first_copy = np.ones(err_type.size, dtype=bool)
    y_starts = np.cumsum(repeat) - repeat
    second = y_starts[is_y] + 1
    first_copy[second] = False
    err_kind = np.where((err_type == X_ERROR) | ((err_type == Y_ERROR) & ~first_copy), PERM, PHASE).astype(np.int64)
    e = err_op.size
    total = n + e
    new_orig = np.arange(n, dtype=np.int64) + np.searchsorted(err_op, np.arange(n), side="left")
    new_err = err_op + 1 + np.arange(e, dtype=np.int64)
    new_kinds = np.empty(total, dtype=np.int64)
    new_targets = np.empty(total, dtype=np.int64)
    counts = np.zeros(total, dtype=np.int64)
    new_kinds[new_orig] = kinds
    new_kinds[new_err] = err_kind
    new_targets[new_orig] = targets
    new_targets[new_err] = np.where(err_kind == PERM, err_qubit, -1)
    counts[new_orig] = np.diff(starts)
    is_phase = err_kind == PHASE
    counts[new_err] = is_phase
    new_starts = np.zeros(total + 1, dtype=np.int64)
    np.cumsum(counts, out=new_starts[1:])
    new_cq = np.empty(int(new_starts[-1]), dtype=np.int64)
    new_cp = np.empty(int(new_starts[-1]), dtype=np.int64)
    dest = new_starts[new_orig[noisy.control_owner]] + noisy.control_rank
    new_cq[dest] = cq
    new_cp[dest] = cp
    phase_dest = new_starts[new_err[is_phase]]
    new_cq[phase_dest] = err_qubit[is_phase]
    new_cp[phase_dest] = 1
    return (new_kinds, new_targets, new_starts, new_cq, new_cp), int(np.count_nonzero(is_y))


# --------------------------------------------------------------------------- running


def general_hadamard(state: StructuredState, qubit: int, low_qubits: Sequence[int], max_memory_bytes: int) -> None:
    """H on any qubit (its row any function of the index), in place; exact for every state of the class.

    H|x> = sum_c (-1)^{c x} |c> / sqrt 2: the index doubles, the qubit becomes the new bit. Index
    settings that now reach the same basis state are merged and the state is laid out again with
    ``low_qubits`` (those that later Hadamards act on) as the low index bits
    (:func:`~qbnn.simulator.merge.merge_index`), so the kernel's fast H layers apply again.
    Compiled (:func:`_compiled_hadamard`), the doubled index is never built: each setting's two halves go
    straight into the merged table, with the same sums in the same order, so the result is bit for bit
    the same.
    """
    if COMPILED_HADAMARD and _compiled_hadamard(state, qubit, low_qubits, max_memory_bytes):
        return
    p = state.num_index_bits
    flip = row_bits(state.rows[qubit], p).astype(bool)
    state.amplitudes = np.concatenate([state.amplitudes, np.where(flip, -state.amplitudes, state.amplitudes)]) / math.sqrt(2)
    state.rows = duplicated_rows(state.rows, p, qubit)
    state.num_index_bits = p + 1
    merge_index(state, set(int(q) for q in low_qubits) | {int(qubit)}, max_memory_bytes, int_key_bits=_INT_KEY_BITS)


@njit(cache=True)
def _hadamard_cells(amplitudes, low_value, pattern_id, bit, width, num_patterns):
    """The doubled index's amplitudes summed per (pattern, low value) cell, in the doubled index's order.

    Setting i of the doubled index (c = 0) and i + 2^p (c = 1) carry a_i / sqrt 2 and (-1)^{x_q(i) c} a_i / sqrt 2
    with the qubit's low bit set to c; each cell receives its terms in increasing i, as np.bincount adds them.
    """
    cells = np.zeros(num_patterns << width)
    root = math.sqrt(2.0)
    mask = np.int64(1) << bit
    for i in range(amplitudes.size):
        a = amplitudes[i]
        base = pattern_id[i] << width
        x = low_value[i]
        cells[base | (x & ~mask)] += a / root
        if x & mask:
            cells[base | x] += (-a) / root
        else:
            cells[base | x | mask] += a / root
    return cells


@njit(cache=True)
def _used_patterns(cells, width, num_patterns, zero):
    """Patterns with at least one cell above ``zero`` (in increasing order)."""
    used = np.empty(num_patterns, dtype=np.int64)
    count = 0
    span = 1 << width
    for r in range(num_patterns):
        for low in range(span):
            if abs(cells[(r << width) | low]) > zero:
                used[count] = r
                count += 1
                break
    return used[:count]


@njit(cache=True)
def _compact_cells(cells, used, width, new_size, zero):
    """The merged layout's amplitudes: used pattern k's cells at k * 2^width, cells at most ``zero`` set to 0."""
    out = np.zeros(new_size)
    span = 1 << width
    for k in range(used.size):
        source = used[k] << width
        target = k << width
        for low in range(span):
            v = cells[source | low]
            if abs(v) > zero:
                out[target | low] = v
    return out


def _compiled_hadamard(state: StructuredState, qubit: int, low_qubits: Sequence[int], max_memory_bytes: int) -> bool:
    """:func:`general_hadamard` without building the doubled index; False when it does not apply (then double and merge)."""
    n = state.num_qubits
    low = sorted(set(int(q) for q in low_qubits) | {int(qubit)})
    low_set = set(low)
    rest = [r for r in range(n) if r not in low_set]
    width = len(low)
    if state.amplitudes.dtype != np.float64 or len(rest) + width > _INT_KEY_BITS or width >= 62:
        return False
    size = 1 << state.num_index_bits
    low_value = gather_bits(state.rows, np.array(low, dtype=np.int64), size)
    pattern = gather_bits(state.rows, np.array(rest, dtype=np.int64), size)
    distinct, pattern_id = distinct_patterns(pattern, len(rest))
    if (distinct.size << width) > 8 * size + 4096:  # sparse patterns: the dense table would be too large
        return False
    cells = _hadamard_cells(state.amplitudes, low_value, pattern_id, low.index(int(qubit)), width, distinct.size)
    used = _used_patterns(cells, width, distinct.size, ZERO_AMPLITUDE)
    if used.size == 0:  # the all-zero corner case keeps the sorting path's choice
        return False
    high_bits = math.ceil(math.log2(used.size)) if used.size > 1 else 0
    new_p = width + high_bits
    need = (1 << new_p) * 8 + n * max(1, (1 << new_p) // 64) * 8
    if need > max_memory_bytes:
        raise ResourceLimitError(
            f"the structured state grew to {new_p} superposed qubits ({format_bytes(need)}, "
            f"{format_bytes(max_memory_bytes)} available): too many qubits are entangled with the superposed ones; "
            "lower the error rate or the number of Grover iterations, or put fewer qubits in superposition"
        )
    state.amplitudes = _compact_cells(cells, used, width, 1 << new_p, ZERO_AMPLITUDE)
    state.rows = lay_out_rows(n, low, rest, distinct[used], high_bits)
    state.num_index_bits = new_p
    state._row_buffer = state._amp_buffer = None
    return True


def run_arrays(
    state: StructuredState,
    arrays: tuple[np.ndarray, ...],
    low_qubits: Sequence[int],
    max_memory_bytes: int,
    tile_words: int = 0,
) -> StructuredState:
    """Run packed ops on ``state`` in place; an H the kernel cannot take goes to :func:`general_hadamard`."""
    kinds, targets, starts, cq, cp = arrays
    position, total = 0, len(kinds)
    while position < total:
        status, where = run_ops_tiled(
            state.rows, state.amplitudes, state.num_index_bits, kinds, targets, starts, cq, cp, position, total, tile_words
        )
        if status == DONE:
            break
        qubit = int(targets[where])
        if status == NEEDS_EXTENSION:
            p = state.num_index_bits
            if state_memory_bytes(state.num_qubits, p + 1) > max_memory_bytes:
                raise ResourceLimitError(
                    f"the structured state would grow to {p + 1} superposed qubits; only "
                    f"{format_bytes(max_memory_bytes)} is available; use fewer parameters"
                )
            constant = int(row_bits(state.rows[qubit], p)[0])
            state.rows, state.amplitudes = extend_index(state.rows, state.amplitudes, p, qubit, constant)
            state.num_index_bits = p + 1
        else:
            general_hadamard(state, qubit, low_qubits, max_memory_bytes)
        position = where + 1
    return state


def run_noisy_segments(
    segments: Sequence[NoisyProgram],
    noise: PauliNoise,
    rng: np.random.Generator,
    *,
    simulator: StructuredSimulator,
    start: StructuredState | None = None,
    first_segment: int = 0,
    slots: np.ndarray | None = None,
    on_segment=None,
) -> StructuredState:
    """One trajectory: segments[first_segment:] in turn, each with its errors inserted.

    ``slots`` are error positions over all segments' slots concatenated (default: drawn now,
    unconditioned); ``start`` is the state before ``first_segment`` (default |0...0>, then
    ``first_segment`` must be 0). ``on_segment(j, state)`` is called after each segment j.
    """
    sizes = np.array([s.num_slots for s in segments], dtype=np.int64)
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    if slots is None:
        slots = sample_error_slots(int(bounds[-1]), noise.rate, rng)
    types = _error_types(noise, slots.size, rng)
    low = sorted(set().union(*(s.h_qubits for s in segments)))
    state = StructuredState.zero(segments[0].program.num_qubits) if start is None else start
    cuts = np.searchsorted(slots, bounds)
    for j in range(first_segment, len(segments)):
        segment = segments[j]
        a, b = cuts[j], cuts[j + 1]
        if a == b:
            arrays = segment.program.arrays
        else:
            arrays, ys = insert_errors(segment, slots[a:b] - bounds[j], types[a:b])
            state.global_phase *= 1j**ys
        run_arrays(state, arrays, low, simulator.max_memory_bytes)
        state.global_phase *= cmath.exp(1j * segment.program.lowered.global_phase)
        if on_segment is not None:
            on_segment(j, state)
    return state


# --------------------------------------------------------------------------- whole circuits


class NoisyCircuit:
    """One compiled circuit run under ``noise``: estimated outcome distributions and noisy shots.

    The estimate is stratified like :class:`~qbnn.engines.amplify_noisy.NoisyAmplification`'s:
    q0 times the noiseless distribution plus (1 - q0) times the mean of trajectories drawn
    conditioned on at least one error, with q0 = (1 - r)^slots exact.
    """

    def __init__(self, program: StructuredProgram, noise: PauliNoise, simulator: StructuredSimulator | None = None) -> None:
        self.noise = noise
        self.simulator = simulator or StructuredSimulator()
        self.segment = NoisyProgram.of(program)
        self.no_error_probability = noise.no_error_probability(self.segment.num_slots)
        self._noiseless: StructuredState | None = None

    @property
    def noiseless(self) -> StructuredState:
        if self._noiseless is None:
            self._noiseless = self.simulator.run(self.segment.program)
        return self._noiseless

    def trajectory(self, rng: np.random.Generator, at_least_one: bool = True) -> StructuredState:
        """One noisy run (conditioned on at least one error unless ``at_least_one`` is False)."""
        slots = sample_error_slots(self.segment.num_slots, self.noise.rate, rng, at_least_one=at_least_one)
        return run_noisy_segments([self.segment], self.noise, rng, simulator=self.simulator, slots=slots)

    def probabilities(self, qubits: Sequence[int], trajectories: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Estimated distribution of ``qubits`` and the standard error of each entry."""
        q0 = self.no_error_probability
        exact = self.noiseless.probabilities(qubits)
        if q0 >= 1.0:
            return exact, np.zeros_like(exact)
        samples = np.stack([self.trajectory(rng).probabilities(qubits) for _ in range(int(trajectories))])
        mean = q0 * exact + (1.0 - q0) * samples.mean(axis=0)
        error = (1.0 - q0) * samples.std(axis=0, ddof=1) / math.sqrt(int(trajectories))
        return mean, error

    def sample(self, qubits: Sequence[int], shots: int, rng: np.random.Generator, client=None) -> np.ndarray:
        """``shots`` outcomes of ``qubits`` (bits, shape (shots, len(qubits))), each shot its own trajectory.

        ``rng`` picks the noisy shots and gives each its own seed (its trajectory and outcome come from it),
        then draws the noiseless ones; with a Dask ``client`` the noisy shots run on its workers, with the
        same outcomes.
        """
        qubits = [int(q) for q in qubits]
        out = np.zeros((int(shots), len(qubits)), dtype=np.uint8)
        noisy = rng.random(int(shots)) >= self.no_error_probability
        seeds = rng.integers(0, 2**63 - 1, size=int(noisy.sum()))
        if seeds.size:
            if client is not None and seeds.size > 1:

                out[noisy] = noisy_circuit_shots_on_dask(self, qubits, seeds, client)
            else:
                out[noisy] = self.noisy_shots(qubits, seeds)
        clean = np.flatnonzero(~noisy)
        if clean.size:
            state = self.noiseless
            draws = state.draw_indices(clean.size, rng)
            for j, q in enumerate(qubits):
                out[clean, j] = row_bits(state.rows[q], state.num_index_bits)[draws]
        return out

    def noisy_shots(self, qubits: Sequence[int], seeds: Sequence[int]) -> np.ndarray:
        """One outcome of ``qubits`` per seed, each from a trajectory drawn (with an error) from that seed."""
        out = np.zeros((len(seeds), len(qubits)), dtype=np.uint8)
        for s, seed in enumerate(seeds):
            rng = np.random.default_rng(int(seed))
            state = self.trajectory(rng)
            index = state.draw_indices(1, rng)[0]
            out[s] = [row_bits(state.rows[q], state.num_index_bits)[index] for q in qubits]
        return out


# --------------------------------------------------------------------------- noisy shots on Dask workers (StructuredSampler(noise=..., client=...))

#: Tasks per worker the shots are cut into.
TASKS_PER_WORKER = 8


def _shots_task(program, noise, max_memory_bytes: int, qubits: list[int], seeds: list[int]) -> np.ndarray:
    circuit = NoisyCircuit(program, noise, StructuredSimulator(max_memory_bytes=max_memory_bytes))
    return circuit.noisy_shots(qubits, seeds)


def noisy_circuit_shots_on_dask(circuit: NoisyCircuit, qubits: list[int], seeds: np.ndarray, client) -> np.ndarray:
    """:meth:`~qbnn.simulator.noise.NoisyCircuit.noisy_shots` on the client's workers, in the seeds' order."""
    info = client.scheduler_info()
    workers = max(1, len(info.get("workers", {})))
    size = max(1, math.ceil(seeds.size / (TASKS_PER_WORKER * workers)))
    program = client.scatter(circuit.segment.program, broadcast=True, hash=False)
    futures = [
        client.submit(
            _shots_task, program, circuit.noise, circuit.simulator.max_memory_bytes, list(qubits),
            [int(s) for s in seeds[start : start + size]], pure=False,
        )
        for start in range(0, int(seeds.size), size)
    ]
    return np.concatenate(client.gather(futures), axis=0)
