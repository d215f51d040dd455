"""Engine ``structured``: the QBNN circuits U and Q run by the structured exact engine.

U is compiled once and run once; Q is compiled once and applied k times,
keeping the latest state so increasing k costs one iterate per step. When two
states fit in memory, the state after U is kept as well, so going back to a
smaller k costs one copy; when they do not (p = 30 on 24 GiB), nothing that
can be recomputed is held: U is run again from |0...0> instead.

Up to ``dense_limit`` parameter qubits the parameter register's exact
marginal is the distribution. Above it no 2^p distribution is built: the
success probability is the sum of a_i^2 over the solutions the landscape
names, and a measurement draws index i with probability a_i^2 chunk by chunk
and reads the parameter rows there. Memory is planned before anything is
built, and a request that cannot fit is refused in one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from qbnn.simulator.kernels import index_bit_of
from qbnn.simulator.bitrows import bits_at
from qbnn.engines.protocol import Amplification
from qbnn.simulator.reflection import ReflectionReplay
from qbnn.simulator.structured import MAX_DENSE_QUBITS, StructuredSimulator, StructuredState, state_memory_bytes
from qbnn.errors import ResourceLimitError
from qbnn.landscape.exact import landscape_memory_bytes
from qbnn.core.memory import format_bytes

if TYPE_CHECKING:
    from qbnn.problem import TrainingProblem

__all__ = ["StructuredEngine", "StructuredAmplification", "MemoryPlan", "plan_memory"]

#: Amplitudes per chunk when summing or drawing without a dense distribution (8 MiB of float64).
CHUNK_AMPLITUDES = 1 << 20


@dataclass(frozen=True)
class MemoryPlan:
    """Peak bytes of one amplification, by what holds them (``total`` is what is checked)."""

    parameters: int
    qubits: int
    state: int  # amplitudes + one bit-row per qubit, the index grown in place
    landscape: int  # correct counts (one small int per configuration) + the solution mask
    distributions: int  # dense: distribution, outcome indices, sampling table; else one chunk's work
    initial: int  # a copy of the state after U, kept only when it fits (0 otherwise)

    @property
    def total(self) -> int:
        return self.state + self.landscape + self.distributions + self.initial

    def describe(self) -> str:
        parts = [f"state {format_bytes(self.state)}", f"landscape {format_bytes(self.landscape)}"]
        parts.append(f"distributions {format_bytes(self.distributions)}")
        return ", ".join(parts)


def plan_memory(problem: TrainingProblem, limit: int, dense_limit: int = MAX_DENSE_QUBITS) -> MemoryPlan:
    """What amplifying ``problem`` will hold at its peak; the state after U is kept only if it fits in ``limit``."""
    p = len(problem.parameter_qubits)
    qubits = problem.num_qubits
    state = state_memory_bytes(qubits, p)
    configurations = 1 << p
    landscape = landscape_memory_bytes(problem.network, problem.data) + configurations  # + the bool solution mask
    if p <= dense_limit:  # distribution (cached) + outcome indices + their bit temporaries + the sampling cdf
        distributions = 8 * configurations * 5
    else:
        distributions = 8 * CHUNK_AMPLITUDES * 4
    plan = MemoryPlan(p, qubits, state, landscape, distributions, 0)
    if plan.total + state <= limit:
        plan = MemoryPlan(p, qubits, state, landscape, distributions, state)
    return plan


class StructuredAmplification(Amplification):
    """U Q^k on the structured engine; dense distributions up to ``dense_limit`` parameters, none above.

    ``keep_initial`` forces (True) or forbids (False) keeping the state after U; by default it is kept
    when it fits. Tests force the memory-saving paths at small p with ``keep_initial=False`` and a small
    ``dense_limit``. ``replay`` (default) runs each iterate as S_chi gate by gate plus the reflection's
    amplitude action (:mod:`qbnn.simulator.reflection`: bit for bit the same state, without walking U's
    permutations twice); ``replay=False`` walks every gate of Q.
    """

    engine_name = "structured"

    @property
    def q_program(self):
        """The (first) compiled Grover iterate."""
        return self.q_programs[0]

    def __init__(
        self,
        problem: TrainingProblem,
        simulator: StructuredSimulator,
        *,
        dense_limit: int = MAX_DENSE_QUBITS,
        keep_initial: bool | None = None,
        replay: bool = True,
    ) -> None:
        super().__init__(problem)
        self.simulator = simulator
        self._replay_wanted = replay
        self.dense_limit = int(dense_limit)
        self.parameter_qubits = problem.parameter_qubits
        self.num_parameters = len(self.parameter_qubits)
        # refuse at once, before compiling and growing the index one H at a time
        self.memory = plan_memory(problem, simulator.max_memory_bytes, self.dense_limit)
        if self.memory.total > simulator.max_memory_bytes:
            raise ResourceLimitError(
                f"amplifying {self.num_parameters} parameters on {self.memory.qubits} qubits needs "
                f"{format_bytes(self.memory.total)} ({self.memory.describe()}) but only "
                f"{format_bytes(simulator.max_memory_bytes)} is available; use fewer parameters "
                "(a smaller network, no meta-parameters)"
            )
        self.keep_initial = self.memory.initial > 0 if keep_initial is None else bool(keep_initial)
        self.u_program = simulator.compile(problem.state_preparation)
        self.q_programs = simulator.compile_iterates(problem, self.u_program)
        self.replay = ReflectionReplay.of(self.q_programs[0]) if replay and len(self.q_programs) == 1 else None
        self._initial: StructuredState | None = None
        self._state: StructuredState | None = None
        self._state_k = -1
        self._solutions: np.ndarray | None = None
        self._success: dict[int, float] = {}
        self._chunk_totals: tuple[int, np.ndarray] | None = None

    @property
    def dense(self) -> bool:
        """True when distributions over the 2^p configurations are built (p <= ``dense_limit``)."""
        return self.num_parameters <= self.dense_limit

    def _run_u(self) -> StructuredState:
        return self.simulator.run(self.u_program, capacity_index_bits=self.num_parameters)

    def _advance_to(self, k: int) -> StructuredState:
        if self._state is None or k < self._state_k:
            if self.keep_initial:
                if self._initial is None:
                    self._initial = self._run_u()
                self._state = self._initial.copy()
            else:  # hold one state only: drop it before running U again
                self._state = None
                self._state = self._run_u()
            self._state_k = 0
        if self.replay is not None and self.replay.applies_to(self._state):
            self.replay.repeat(self._state, k - self._state_k, self.simulator)
        elif len(self.q_programs) == 1:
            self.q_programs[0].repeat(self._state, k - self._state_k, self.simulator)
        else:  # minibatches: iteration i uses batch i mod r
            for step in range(self._state_k, k):
                self.q_programs[step % len(self.q_programs)].apply(self._state, self.simulator)
        self._state_k = k
        return self._state

    def state_after(self, k: int) -> StructuredState:
        """The exact state U Q^k |0> (a copy; the engine keeps its own)."""
        return self._advance_to(k).copy()

    def prefetch(self, ks) -> None:
        for k in sorted({int(k) for k in ks}):
            if self.dense:
                if k not in self._cache:
                    self.distribution(k)
            else:
                self.success_probability(k)

    def with_problem(self, problem: TrainingProblem) -> StructuredAmplification:
        return StructuredAmplification(problem, self.simulator, dense_limit=self.dense_limit, replay=self._replay_wanted)

    def _compute_distribution(self, k: int) -> np.ndarray:
        if not self.dense:
            raise ResourceLimitError(
                f"a distribution over {self.num_parameters} parameter qubits has 2^{self.num_parameters} entries; "
                "use success_probability() or sample(), which need none"
            )
        return self._advance_to(k).probabilities(self.parameter_qubits)

    # --- without a dense distribution (p > dense_limit) ----------------------------------------

    def _identity_layout(self, state: StructuredState) -> bool:
        """True when parameter j is exactly index bit j (the usual case): index i is configuration i."""
        return all(index_bit_of(state.rows, q, state.num_index_bits) == j for j, q in enumerate(self.parameter_qubits))

    def _configurations(self, state: StructuredState, start: int, stop: int) -> np.ndarray:
        """The configuration measured at each index in [start, stop)."""
        indices = np.arange(start, stop, dtype=np.int64)
        if self._identity_layout(state):
            return indices
        out = np.zeros(stop - start, dtype=np.int64)
        for j, q in enumerate(self.parameter_qubits):
            out |= bits_at(state.rows[q], indices).astype(np.int64) << j
        return out

    def success_probability(self, k: int) -> float:
        """Probability that a measurement after k iterations gives a solution (no 2^p array above ``dense_limit``)."""
        if self.dense:
            return super().success_probability(k)
        if k < 0:
            raise ValueError(f"k must be >= 0, got {k}")
        if k not in self._success:
            if self._solutions is None:  # the landscape before the state: a refusal comes before the big allocation
                self._solutions = np.flatnonzero(self.problem.good_mask)
            state = self._advance_to(k)
            amplitudes = state.amplitudes
            if self._identity_layout(state):
                self._success[k] = float(np.sum(amplitudes[self._solutions] ** 2))
            else:
                total = 0.0
                for start in range(0, amplitudes.size, CHUNK_AMPLITUDES):
                    stop = min(start + CHUNK_AMPLITUDES, amplitudes.size)
                    good = np.isin(self._configurations(state, start, stop), self._solutions)
                    total += float(np.sum(amplitudes[start:stop][good] ** 2))
                self._success[k] = total
        return self._success[k]

    def sample(self, k: int, rng: np.random.Generator, shots: int | None = None) -> int | np.ndarray:
        """Measure the parameter register after U Q^k: index i with probability a_i^2, located chunk by chunk."""
        if self.dense:
            return super().sample(k, rng, shots)
        draws = rng.random(1 if shots is None else shots)
        state = self._advance_to(k)
        amplitudes = state.amplitudes
        if self._chunk_totals is None or self._chunk_totals[0] != k:
            totals = [
                float(np.sum(amplitudes[s : s + CHUNK_AMPLITUDES] ** 2)) for s in range(0, amplitudes.size, CHUNK_AMPLITUDES)
            ]
            self._chunk_totals = (k, np.cumsum(totals))
        cumulative = self._chunk_totals[1]
        targets = draws * cumulative[-1]
        which = np.minimum(np.searchsorted(cumulative, targets, side="right"), len(cumulative) - 1)
        out = np.empty(draws.size, dtype=np.int64)
        for h in np.unique(which):
            chosen = which == h
            start = int(h) * CHUNK_AMPLITUDES
            stop = min(start + CHUNK_AMPLITUDES, amplitudes.size)
            cdf = np.cumsum(amplitudes[start:stop] ** 2)
            offset = cumulative[h - 1] if h > 0 else 0.0
            local = np.minimum(np.searchsorted(cdf, targets[chosen] - offset, side="right"), cdf.size - 1)
            out[chosen] = self._configurations(state, start, stop)[local]
        return int(out[0]) if shots is None else out


class StructuredEngine:
    """Engine ``structured``: exact and fast; 2^p amplitudes for p parameter qubits."""

    name = "structured"

    def __init__(self, max_memory_bytes: int | None = None, *, replay: bool = True) -> None:
        self.simulator = StructuredSimulator(max_memory_bytes=max_memory_bytes)
        self.replay = replay

    def prepare(self, problem: TrainingProblem) -> StructuredAmplification:
        return StructuredAmplification(problem, self.simulator, replay=self.replay)
