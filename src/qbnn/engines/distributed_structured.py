"""Engine ``structured-dask``: the structured exact engine over a chunked index space on Dask (issue 8).

The 2^p index settings split by their high bits into 2^m chunks of 2^c local
indices (i = h 2^c + l). Each chunk keeps its own bit-rows and amplitudes on a
worker, as a Dask future that stays there between gates and iterations, and
is advanced by the one-process engine's compiled kernel
(:func:`~qbnn.simulator.kernels.run_ops`) over the circuit's own lowered
gates. Every permutation and Z-type sign acts row-wise and an H on a low index
bit stays inside a chunk; only three things cross chunks:

- H on a globally constant qubit grows the index; past 2^c the chunks double.
- H on a qubit that is constant in each chunk but not globally (a high index
  bit j): chunks h and h ^ 2^j swap amplitudes and form the butterfly.
- The diffusion H_A L H_A of a Grover iterate (H on the high-bit qubits A, the
  classical S_0 block L, H on A again). L's gates are run on every chunk; when
  they leave the rows unchanged and change signs in one chunk k0 only, the block
  is x_g + s_g (d_k0 - 1) (sum_h s_h x_h) / 2^m with signs s = +-1: one
  reduction instead of 2m exchanges (docs/concepts/engine.md's reflection about
  the uniform state). Otherwise each H runs as a chunk butterfly.

Tasks (:mod:`qbnn.simulator.chunks`) never modify their inputs (a chunk
is replaced, not mutated), so Dask may move, spill or recompute them. The
index layout is the one-process engine's, and results equal it to rounding
(tests: 1e-12). Per Grover iteration the driver waits twice (at the diffusion
and at the end); nothing of size 2^p comes back to it.

In Python (``qbnn amplify/train --workers N`` do the same)::

    from qbnn.core.cluster import dask_client
    from qbnn.engines.registry import get_engine
    from qbnn.problem import TrainingProblem

    with dask_client(workers=2) as client:
        amp = get_engine("structured-dask", client=client).prepare(TrainingProblem.paper(1, meta=True))
        amp.success_probability(5)
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from qbnn.simulator.kernels import DONE, NEEDS_EXTENSION, REFUSED_H
from qbnn.simulator.chunks import (
    Chunk,
    amplitudes_of,
    chunk_distribution,
    chunk_draw,
    chunk_reflection,
    extend_high,
    extend_local,
    fingerprints_of,
    finish_block,
    good_entry,
    pair_hadamard,
    partial_sum,
    probes_of,
    run_segment,
    stops_of,
    successes,
    totals,
)
from qbnn.core.cluster import cluster_workers, default_client
from qbnn.engines.protocol import Amplification
from qbnn.errors import QbnnError, ResourceLimitError, UnsupportedGateError
from qbnn.core.memory import available_memory_bytes, format_bytes

if TYPE_CHECKING:
    from qbnn.model.network import Network
    from qbnn.problem import TrainingProblem
    from qbnn.simulator.structured import StructuredProgram, StructuredState

#: Configurations classified at once when marking solutions (bounded working memory, as the landscape).
_GOAL_BATCH = 1 << 20


@dataclass(frozen=True)
class Goal:
    """What counts as a solution, sent to the workers: the classical check of the problem (its ``good`` is all the chunks call)."""

    network: Network
    X: np.ndarray
    y: np.ndarray
    target: int
    exclude: tuple[int, ...]

    def good(self, configurations: np.ndarray) -> np.ndarray:
        good = np.empty(configurations.size, dtype=bool)
        for start in range(0, configurations.size, _GOAL_BATCH):  # bounded working memory, as the landscape
            part = configurations[start : start + _GOAL_BATCH]
            good[start : start + part.size] = self.network.batch_correct_counts(part, self.X, self.y) >= self.target
        if self.exclude:
            good &= ~np.isin(configurations, np.asarray(self.exclude, dtype=np.int64))
        return good


__all__ = [
    "ChunkedState",
    "DaskStructuredSimulator",
    "DaskStructuredAmplification",
    "DaskStructuredEngine",
    "default_chunk_bits",
    "chunk_memory_bytes",
]

MIN_CHUNK_BITS, MAX_CHUNK_BITS = 6, 24


# --- driver side ---------------------------------------------------------------------------


def chunk_memory_bytes(num_qubits: int, local_bits: int) -> int:
    """One chunk: 2^c float64 amplitudes and one 2^c-bit row per qubit."""
    return (1 << local_bits) * 8 + num_qubits * max(1, (1 << local_bits) // 64) * 8


def default_chunk_bits(num_parameters: int, workers: int) -> int:
    """About four chunks per worker, each between 2^6 and 2^24 indices."""
    spread = math.ceil(math.log2(max(1, 4 * workers)))
    return max(MIN_CHUNK_BITS, min(MAX_CHUNK_BITS, num_parameters - spread))


@dataclass
class ChunkedState:
    """A structured state held by the cluster: one future per chunk (index h 2^c + l), plus the global phase."""

    chunks: list  # distributed.Future of Chunk, in chunk order
    local_bits: int
    num_qubits: int
    global_phase: complex = 1.0 + 0j

    @property
    def num_chunks(self) -> int:
        return len(self.chunks)

    @property
    def high_bits(self) -> int:
        return self.num_chunks.bit_length() - 1

    @property
    def num_index_bits(self) -> int:
        return self.local_bits + self.high_bits


def _real_only(program: StructuredProgram) -> StructuredProgram:
    """``program``, or the one refusal if it holds a gate kind the Dask chunks do not run."""
    from qbnn.simulator.lowering import refusal
    from qbnn.simulator.ops import REAL_KINDS

    for op in program.lowered.ops:
        if op.kind not in REAL_KINDS:
            qubits = (op.target,) if op.target >= 0 else op.controls
            raise refusal(op.name, op.position, qubits, "the Dask chunks run X-, Z-, SWAP- and H-type gates only; "
                          "run it without workers, on the one-process structured engine")
    return program


class DaskStructuredSimulator:
    """Run compiled structured programs on a Dask cluster, chunk by chunk.

    ``chunk_bits`` c: each chunk holds 2^c indices (c >= 6). ``max_memory_bytes``
    bounds each worker (default: the smallest worker memory limit). With
    ``reflection=False`` every H on a high index bit runs as a chunk butterfly.
    """

    name = "structured-dask"

    def __init__(
        self, client=None, *, chunk_bits: int = 20, max_memory_bytes: int | None = None, reflection: bool = True
    ) -> None:
        if chunk_bits < MIN_CHUNK_BITS:
            raise QbnnError(f"chunk_bits={chunk_bits} is too small; use at least {MIN_CHUNK_BITS} (one 64-bit word)")
        self.client = client if client is not None else default_client()
        self.chunk_bits = int(chunk_bits)
        self.reflection = reflection
        self.counts = {"reflections": 0, "chunk_butterflies": 0, "extensions": 0}
        self.states_kept = 1  # states held at once (the amplification keeps the state after U too)
        workers = cluster_workers(self.client)
        if not workers:
            raise QbnnError("the Dask cluster has no workers; start some with 'dask worker SCHEDULER_ADDRESS'")
        self.workers = sorted(workers)
        limits = [int(info.get("memory_limit") or 0) for info in workers.values()]
        default = min((v for v in limits if v > 0), default=available_memory_bytes())
        self.max_memory_bytes = default if max_memory_bytes is None else int(max_memory_bytes)
        self._programs: dict[int, tuple[Any, Any]] = {}

    # -- helpers --

    def _worker(self, h: int, num_chunks: int) -> str:
        return self.workers[h * len(self.workers) // num_chunks]

    def _submit(self, fn: Callable, *args, where: str | None = None):
        return self.client.submit(fn, *args, workers=None if where is None else [where], pure=False)

    def _program_future(self, program: StructuredProgram):
        key = id(program)
        if key not in self._programs:
            future = self.client.scatter([tuple(program.arrays)], broadcast=True, hash=False)[0]
            self._programs[key] = (program, future)
        return self._programs[key][1]

    def compile(self, circuit) -> StructuredProgram:
        """The one-process engine's compiled program (the same lowering and packed arrays); real gate kinds only."""
        from qbnn.simulator.structured import StructuredSimulator

        return _real_only(StructuredSimulator(max_memory_bytes=self.max_memory_bytes).compile(circuit))

    def compile_iterates(self, problem, preparation: StructuredProgram) -> list[StructuredProgram]:
        """As the one-process engine compiles them (from U's lowering when there is one iterate); real kinds only."""
        from qbnn.simulator.structured import StructuredSimulator

        programs = StructuredSimulator(max_memory_bytes=self.max_memory_bytes).compile_iterates(problem, preparation)
        return [_real_only(program) for program in programs]

    def _check_memory(self, num_qubits: int, local_bits: int, num_chunks: int) -> None:
        per_worker = self.states_kept * math.ceil(num_chunks / len(self.workers)) + 1  # + one chunk being copied
        need = per_worker * chunk_memory_bytes(num_qubits, local_bits)
        if need > self.max_memory_bytes:
            index_bits = local_bits + num_chunks.bit_length() - 1
            raise ResourceLimitError(
                f"the structured state would grow to {index_bits} superposed qubits: {num_chunks} chunks of "
                f"{format_bytes(chunk_memory_bytes(num_qubits, local_bits))} over {len(self.workers)} workers need "
                f"{format_bytes(need)} per worker but a worker has {format_bytes(self.max_memory_bytes)}; "
                "add workers or use fewer parameters"
            )

    def _segments(self, chunks: list, arrays, first: int, last: int, copy: bool = False) -> list:
        count = len(chunks)
        probe = self.reflection and count > 1
        return [
            self._submit(run_segment, c, arrays, first, last, copy, probe, where=self._worker(h, count))
            for h, c in enumerate(chunks)
        ]

    def _gather_per_worker(self, fn: Callable, items: list, *args) -> list:
        """``fn(its items, *args)`` on each worker (one small task per worker), results back in item order."""
        count = len(items)
        groups: dict[str, list[int]] = {}
        for h in range(count):
            groups.setdefault(self._worker(h, count), []).append(h)
        futures = {w: self._submit(fn, [items[h] for h in hs], *args, where=w) for w, hs in groups.items()}
        out: list = [None] * count
        for w, answer in zip(futures, self.client.gather(list(futures.values()))):
            for h, value in zip(groups[w], answer):
                out[h] = value
        return out

    # -- running programs --

    def zero_state(self, num_qubits: int) -> ChunkedState:
        chunk = Chunk(np.zeros((num_qubits, 1), dtype=np.uint64), np.ones(1), 0)
        [future] = self.client.scatter([chunk], workers=[self.workers[0]], hash=False)
        return ChunkedState([future], 0, num_qubits)

    def run(self, circuit, state: ChunkedState | None = None) -> ChunkedState:
        """Run from |0...0> (or from ``state``) and return the new state; ``state`` itself is unchanged."""
        from qbnn.simulator.structured import StructuredProgram

        program = circuit if isinstance(circuit, StructuredProgram) else self.compile(circuit)
        return self.apply(self.zero_state(program.num_qubits) if state is None else state, program)

    def apply(self, state: ChunkedState, program: StructuredProgram, *, consume: bool = False) -> ChunkedState:
        """The program applied to ``state``: chunk-local segments, stopping only at H's that cross chunks.

        ``state`` is left intact unless ``consume`` (then its chunks are reused in place: never use it again).
        Chunks made inside this call are always reused in place.
        """
        if state.num_qubits != program.num_qubits:
            raise ValueError(f"program has {program.num_qubits} qubits, state has {state.num_qubits}")
        arrays = self._program_future(program)
        ops = program.lowered.ops
        total = len(ops)
        chunks, bits = list(state.chunks), state.local_bits
        chunks = self._segments(chunks, arrays, 0, total, copy=not consume)
        while True:
            stops = self._gather_per_worker(stops_of, chunks)
            statuses = {s[0] for s in stops}
            if statuses == {DONE}:
                break
            where = min(s[1] for s in stops if s[0] != DONE)
            if REFUSED_H in statuses:
                raise _refused(program, where, "the qubit is neither constant nor a free index bit inside a chunk")
            if statuses != {NEEDS_EXTENSION} or len({(s[1], s[3]) for s in stops}) != 1:
                raise _refused(program, where, "it is a high index bit in some chunks and not in others")
            passed, end = stops[0][3], stops[0][4]
            if passed and self.reflection and len(chunks) > 1:
                done = self._try_reflection(chunks, arrays, len(ops))
                if done is not None:  # the rest of the program already runs in the same tasks
                    self.counts["reflections"] += 1
                    chunks = done
                    continue
            todo, resume = ([where], where + 1) if passed is None else (list(passed), end)
            values = {op: [s[2][op - where] for s in stops] for op in todo}
            for op in todo:  # H's on constant targets, in order: index extensions or butterflies between chunks
                qubit, mine = int(ops[op].target), values[op]
                if len(set(mine)) == 1:
                    chunks, bits = self._extend(chunks, bits, qubit, mine[0], program.num_qubits)
                    self.counts["extensions"] += 1
                    if len(chunks) > len(mine):  # new chunks copy the old ones' other rows
                        values = {k: v + v for k, v in values.items()}
                else:
                    chunks = self._pair_hadamard(chunks, program, op, qubit, mine)
                    self.counts["chunk_butterflies"] += 1
            chunks = self._segments(chunks, arrays, resume, total)
        phase = state.global_phase * complex(np.exp(1j * program.lowered.global_phase))
        return ChunkedState(chunks, bits, state.num_qubits, phase)

    def _extend(self, chunks: list, bits: int, qubit: int, constant: int, num_qubits: int) -> tuple[list, int]:
        if bits < self.chunk_bits:  # one chunk still growing
            self._check_memory(num_qubits, bits + 1, 1)
            return [self._submit(extend_local, chunks[0], qubit, constant, where=self.workers[0])], bits + 1
        count = 2 * len(chunks)
        self._check_memory(num_qubits, bits, count)
        half = len(chunks)
        new = [
            self._submit(extend_high, chunks[h % half], qubit, constant, h >= half, where=self._worker(h, count))
            for h in range(count)
        ]
        return new, bits

    def _pair_hadamard(self, chunks: list, program: StructuredProgram, where: int, qubit: int, values: list[int]) -> list:
        """H on a high index bit: the butterfly between chunk pairs h, h ^ 2^j that differ only in ``qubit``."""
        count = len(chunks)
        prints = self._gather_per_worker(fingerprints_of, chunks)
        others = [np.delete(p, qubit) for p in prints]
        for j in range(count.bit_length() - 1):
            step = 1 << j
            if all(values[h] != values[h ^ step] and np.array_equal(others[h], others[h ^ step]) for h in range(count)):
                break
        else:
            raise _refused(program, where, "other qubits depend on the high index bit it stands for")
        amps = [self._submit(amplitudes_of, c, where=self._worker(h, count)) for h, c in enumerate(chunks)]
        return [
            self._submit(pair_hadamard, chunks[h], amps[h ^ step], values[h], where=self._worker(h, count))
            for h in range(count)
        ]

    def _try_reflection(self, chunks: list, arrays, last: int) -> list | None:
        """H_A L H_A as one reduction when every chunk's probe allows it (see the module docstring); else None.

        The returned chunks have also run the rest of the program, up to its next stop.
        """
        count = len(chunks)
        probes = self._gather_per_worker(probes_of, chunks)
        if any(p is None for p in probes) or len({p["block"] for p in probes}) != 1:
            return None
        signs, k0 = _reflection_signs(probes, count)
        if signs is None:
            return None
        _, run2_start, run2_end = probes[0]["block"]
        correction = None
        if k0 is not None:
            partials = []
            for w in self.workers:
                mine = [h for h in range(count) if self._worker(h, count) == w]
                if mine:
                    partials.append(self._submit(partial_sum, [chunks[h] for h in mine], [signs[h] for h in mine], where=w))
            correction = self._submit(chunk_reflection, chunks[k0], partials, count, where=self._worker(k0, count))
        return [
            self._submit(
                finish_block, chunks[h], correction, signs[h], arrays, (run2_start, run2_end), last, self.reflection,
                where=self._worker(h, count),
            )
            for h in range(count)
        ]

    def gather(self, state: ChunkedState) -> StructuredState:
        """The whole state in this process (small p only): identical in layout to the one-process engine's."""
        from qbnn.simulator.structured import StructuredState

        parts = self.client.gather(state.chunks)
        rows = np.concatenate([p.rows for p in parts], axis=1) if len(parts) > 1 else parts[0].rows.copy()
        amps = np.concatenate([p.amplitudes for p in parts])
        return StructuredState(np.ascontiguousarray(rows), amps, state.num_index_bits, state.global_phase)


def _reflection_signs(reports: list[dict], count: int) -> tuple[list[float] | None, int | None]:
    """Check the block's conditions from every chunk's report; the signs s_h and the one chunk k0 L acts on."""
    if not all(r["rows_kept"] for r in reports):
        return None, None
    high = [q for q, _ in reports[0]["high1"]]
    m = count.bit_length() - 1
    if len(high) != m or any([q for q, _ in r["high1"]] != high for r in reports):
        return None, None
    if any(r["high2"] != sorted(high) for r in reports):
        return None, None
    values = np.array([[v for _, v in r["high1"]] for r in reports], dtype=np.int64)  # (chunk, high qubit)
    chunk_ids = np.arange(count)
    used = set()
    for a in range(m):  # each high qubit must be one high index bit (possibly negated)
        for j in range(m):
            if j not in used and np.array_equal(values[:, a], ((chunk_ids >> j) & 1) ^ values[0, a]):
                used.add(j)
                break
        else:
            return None, None
    keep = [i for i in range(len(reports[0]["fingerprints"])) if i not in set(high)]
    first = reports[0]["fingerprints"][keep]
    if any(not np.array_equal(r["fingerprints"][keep], first) for r in reports):
        return None, None
    acting = [h for h, r in enumerate(reports) if not r["identity"]]
    if len(acting) > 1:
        return None, None
    if not acting:
        return [1.0] * count, None
    k0 = acting[0]
    parity = (values & values[k0]).sum(axis=1) & 1
    return [(-1.0) ** int(p) for p in parity], k0


def _refused(program: StructuredProgram, where: int, why: str) -> UnsupportedGateError:
    op = program.lowered.ops[where]
    return UnsupportedGateError(
        f"gate 'h' at instruction {op.position} on qubit {op.target} cannot run on Dask chunks: {why}; "
        "run without {workers}/{scheduler} (the one-process structured engine) or use {engine} aer",
        workers=...,
        scheduler=...,
        engine=...,
    )


# --- the amplification protocol ------------------------------------------------------------


class DaskStructuredAmplification(Amplification):
    """U Q^k on the cluster: success probabilities and samples reduced per chunk; the state stays on the workers."""

    engine_name = "structured-dask"

    def __init__(
        self,
        problem: TrainingProblem,
        simulator: DaskStructuredSimulator,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        super().__init__(problem)
        self.simulator = simulator
        self.progress = progress
        self.u_program = simulator.compile(problem.state_preparation)
        self.q_programs = simulator.compile_iterates(problem, self.u_program)
        self.parameter_qubits = list(problem.parameter_qubits)
        if len(self.parameter_qubits) > 62:
            raise ResourceLimitError("at most 62 parameter qubits can be measured as one configuration index")
        self._initial: ChunkedState | None = None
        self._state: ChunkedState | None = None
        self._state_k = -1
        self._progress_total = 0
        simulator.states_kept = 2
        self._success: dict[int, float] = {}
        self._totals: dict[int, np.ndarray] = {}
        self._goal = None
        self._good: list | None = None

    def _where(self, h: int, state: ChunkedState) -> str:
        return self.simulator._worker(h, state.num_chunks)

    def _advance_to(self, k: int) -> ChunkedState:
        if self._initial is None:
            self._initial = self.simulator.run(self.u_program)
        if self._state is None or k < self._state_k:
            self._state, self._state_k = self._initial, 0
        total = max(k, self._progress_total)
        while self._state_k < k:
            program = self.q_programs[self._state_k % len(self.q_programs)]
            try:
                self._state = self.simulator.apply(self._state, program, consume=self._state is not self._initial)
            except BaseException:
                self._state, self._state_k = None, -1  # a consumed state may be half-updated: start again next time
                raise
            self._state_k += 1
            if self.progress is not None:
                self.progress(self._state_k, total)
        return self._state

    def state_after(self, k: int) -> StructuredState:
        """The exact state U Q^k |0> gathered into this process (small p; for checks)."""
        return self.simulator.gather(self._advance_to(k))

    def prefetch(self, ks) -> None:
        wanted = sorted({int(k) for k in ks})
        self._progress_total = max(wanted, default=0)
        for k in wanted:
            self.success_probability(k)

    def _submit_each(self, fn: Callable, state: ChunkedState, *args) -> list:
        return [self.simulator._submit(fn, c, *args, where=self._where(h, state)) for h, c in enumerate(state.chunks)]

    def success_probability(self, k: int) -> float:
        """Exact, as a sum over chunks of the probability of their good configurations."""
        if k < 0:
            raise ValueError(f"k must be >= 0, got {k}")
        if k not in self._success:
            state = self._advance_to(k)
            client = self.simulator.client
            if self._goal is None:
                p = self.problem
                goal = Goal(p.network, np.asarray(p.data.X), np.asarray(p.data.y), p.target, tuple(p.exclude))
                self._goal = client.scatter([goal], broadcast=True, hash=False)[0]
            if self._good is None or len(self._good) != state.num_chunks:
                self._good = self._submit_each(good_entry, state, self._goal, self.parameter_qubits)
            pairs = list(zip(state.chunks, self._good))
            self._success[k] = float(sum(self.simulator._gather_per_worker(successes, pairs, self._goal, self.parameter_qubits)))
        return self._success[k]

    def sample(self, k: int, rng: np.random.Generator, shots: int | None = None) -> int | np.ndarray:
        """Seeded measurement: the same uniform draws as the one-process engine, located chunk by chunk."""
        draws = rng.random(1 if shots is None else shots)
        state = self._advance_to(k)
        if k not in self._totals:
            self._totals = {k: np.asarray(self.simulator._gather_per_worker(totals, state.chunks))}
        cumulative = np.cumsum(self._totals[k])
        targets = draws * cumulative[-1]
        which = np.minimum(np.searchsorted(cumulative, targets, side="right"), len(cumulative) - 1)
        out = np.empty(draws.size, dtype=np.int64)
        pending = []
        for h in np.unique(which):
            chosen = which == h
            start = cumulative[h - 1] if h > 0 else 0.0
            future = self.simulator._submit(
                chunk_draw, state.chunks[h], targets[chosen] - start, self.parameter_qubits, where=self._where(int(h), state)
            )
            pending.append((chosen, future))
        for chosen, future in pending:
            out[chosen] = future.result()
        return int(out[0]) if shots is None else out

    def with_problem(self, problem: TrainingProblem) -> DaskStructuredAmplification:
        return DaskStructuredAmplification(problem, self.simulator, self.progress)

    def _compute_distribution(self, k: int) -> np.ndarray:
        from qbnn.simulator.structured import MAX_DENSE_QUBITS

        p = len(self.parameter_qubits)
        if p > MAX_DENSE_QUBITS:
            raise ResourceLimitError(
                f"a distribution over {p} parameter qubits has 2^{p} entries; use success_probability() or sample() "
                "(they stay on the workers)"
            )
        state = self._advance_to(k)
        size = 1 << state.local_bits
        parts = self.simulator.client.gather(
            [
                self.simulator._submit(chunk_distribution, c, self.parameter_qubits, h * size, where=self._where(h, state))
                for h, c in enumerate(state.chunks)
            ]
        )
        if all(isinstance(part, np.ndarray) for part in parts):
            return np.concatenate(parts)
        dist = np.zeros(1 << p)
        for h, part in enumerate(parts):
            outcomes, weights = part if isinstance(part, tuple) else (np.arange(h * size, (h + 1) * size), part)
            dist += np.bincount(outcomes, weights=weights, minlength=1 << p)
        return dist


class DaskStructuredEngine:
    """Engine ``structured-dask``: the structured engine over chunks on a Dask cluster.

    ``client`` defaults to the current Dask client (e.g. inside :func:`qbnn.core.cluster.dask_client`).
    """

    name = "structured-dask"

    def __init__(
        self,
        client=None,
        *,
        chunk_bits: int | None = None,
        max_memory_bytes: int | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.client = client if client is not None else default_client()
        self.chunk_bits = chunk_bits if chunk_bits is not None else _env_chunk_bits()
        self.max_memory_bytes = max_memory_bytes
        self.progress = progress

    def prepare(self, problem: TrainingProblem) -> DaskStructuredAmplification:
        workers = len(cluster_workers(self.client))
        bits = self.chunk_bits or default_chunk_bits(problem.num_parameters, workers)
        simulator = DaskStructuredSimulator(self.client, chunk_bits=bits, max_memory_bytes=self.max_memory_bytes)
        return DaskStructuredAmplification(problem, simulator, self.progress)


def _env_chunk_bits() -> int | None:
    text = os.environ.get("QBNN_CHUNK_BITS")
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise QbnnError(f"QBNN_CHUNK_BITS={text!r} is not an integer; set e.g. QBNN_CHUNK_BITS=22") from None
