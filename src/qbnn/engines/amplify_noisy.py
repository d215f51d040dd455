"""Amplitude amplification under Pauli noise: success probabilities from exact trajectories.

U Q^k is run as segments (U, then one Grover iterate per step) with Pauli
errors inserted (:mod:`qbnn.simulator.noise`). The estimator of the success
probability after k iterations is stratified on "no error at all", whose
probability q0(k) = (1 - r)^S(k) over the S(k) (gate, qubit) slots is known
exactly and whose run is the noiseless one:

    P(k) = q0(k) P0(k) + (1 - q0(K)) E[ Y(k) | at least one error in U Q^K ]

with K the largest k asked for and Y(k) a trajectory's EXACT conditional
success probability (sum of a_i^2 over index settings whose parameter outcome
is a solution) if its first error came within U Q^k, else 0. Each trajectory
starts from the cached noiseless state just before its first error. The
interval is the normal (central-limit) interval of the mean of Y at the
chosen confidence, clipped to what P(k) can be. At rate 0 the result is the
noiseless value exactly, with no trajectory run.

A measurement for training (:meth:`NoisyAmplification.sample`) is one
trajectory: with probability q0(k) the noiseless state, otherwise a trajectory
drawn conditioned on an error, then one outcome drawn from it.

Trajectory t draws its errors from its own generator, seeded by (seed, t)
(:func:`trajectory_rng`), so trajectories are independent of the order they
run in: with a Dask ``client`` they run on the workers
(the Dask section at the end of this module) and the estimate is the one-process estimate
bit for bit.
"""

from __future__ import annotations

import math
import uuid
import weakref
from collections import OrderedDict

from dataclasses import dataclass
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

import numpy as np

from qbnn.core.cluster import cluster_workers
from qbnn.engines.amplify_structured import StructuredAmplification
from qbnn.simulator.noise import NoisyProgram, PauliNoise, run_noisy_segments, sample_error_slots
from qbnn.engines.protocol import Amplification
from qbnn.simulator.structured import StructuredSimulator, StructuredState, state_memory_bytes
from qbnn.errors import QbnnError

if TYPE_CHECKING:
    from qbnn.problem import TrainingProblem

__all__ = ["DEFAULT_TRAJECTORIES", "NoisyEstimate", "NoisyAmplification", "trajectory_rng", "run_entropy"]

#: Default number of trajectories: a 95% half-width of about 2 sigma / sqrt(400) = 0.1 sigma of Y.
DEFAULT_TRAJECTORIES = 400
#: Noiseless states kept for restarting trajectories at their first error (bytes).
_STATE_CACHE_BYTES = 256 << 20


def run_entropy(seed: int | None) -> int:
    """The entropy every trajectory seed of a run is derived from: ``seed`` itself, or fresh entropy for None."""
    return int(np.random.SeedSequence().entropy) if seed is None else int(seed)


def trajectory_rng(entropy: int, t: int) -> np.random.Generator:
    """Trajectory ``t``'s own generator: the ``t``-th child of the run's seed (numpy's SeedSequence spawn key)."""
    return np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=(int(t),)))


@dataclass(frozen=True)
class NoisyEstimate:
    """Estimated success probability per k under ``noise``, its interval, and the exact noiseless value."""

    k: tuple[int, ...]
    success_probability: tuple[float, ...]
    interval: tuple[tuple[float, float], ...]
    noiseless: tuple[float, ...]
    noise: PauliNoise
    trajectories: int
    confidence: float
    seed: int | None

    def to_json(self) -> dict[str, Any]:
        return {
            "k": list(self.k),
            "success_probability": list(self.success_probability),
            "interval": [list(pair) for pair in self.interval],
            "noiseless": list(self.noiseless),
            "noise": self.noise.to_json(),
            "trajectories": self.trajectories,
            "confidence": self.confidence,
        }


class NoisyAmplification(Amplification):
    """A problem prepared for noisy runs on the structured engine.

    >>> from qbnn.problem import TrainingProblem
    >>> amp = NoisyAmplification(TrainingProblem.paper(1), PauliNoise("depolarizing", 0.0), trajectories=10)
    >>> amp.estimate([0, 4]).success_probability == tuple(amp.exact.success_probability(k) for k in (0, 4))
    True
    """

    engine_name = "structured"

    def __init__(
        self,
        problem: TrainingProblem,
        noise: PauliNoise,
        *,
        trajectories: int = DEFAULT_TRAJECTORIES,
        seed: int | None = 0,
        confidence: float = 0.95,
        simulator: StructuredSimulator | None = None,
        exact: StructuredAmplification | None = None,
        client: Any = None,
    ) -> None:
        super().__init__(problem)
        if int(trajectories) < 2:
            raise QbnnError("{trajectories} must be at least 2 (the interval needs a sample variance)", trajectories=trajectories)
        if not 0.0 < confidence < 1.0:
            raise QbnnError("{confidence} must lie strictly between 0 and 1", confidence=confidence)
        self.noise = noise
        self.trajectories = int(trajectories)
        self.seed = seed
        self.confidence = float(confidence)
        self.simulator = simulator or (exact.simulator if exact is not None else StructuredSimulator())
        self.exact = exact if exact is not None else StructuredAmplification(problem, self.simulator)  # shareable across rates
        self.parameter_qubits = list(problem.parameter_qubits)
        self._u = NoisyProgram.of(self.exact.u_program)
        self._q = [NoisyProgram.of(q) for q in self.exact.q_programs]
        self._noiseless_states: list[StructuredState] = []
        self._ran = [0]  # measurements (:meth:`sample`) that ran a noisy trajectory, shared with with_problem's copies
        #: a ``distributed.Client``: trajectories then run on its workers (same numbers as in this process)
        self.client = client

    @property
    def trajectories_run(self) -> int:
        """Noisy trajectories run by :meth:`sample`, here and in every copy :meth:`with_problem` made (minimum finding)."""
        return self._ran[0]

    def with_problem(self, problem: TrainingProblem) -> NoisyAmplification:
        """The same noise, trajectories, seed, simulator and Dask client on ``problem`` (e.g. a raised threshold)."""
        other = NoisyAmplification(
            problem, self.noise, trajectories=self.trajectories, seed=self.seed, confidence=self.confidence,
            simulator=self.simulator, client=self.client,
        )
        other._ran = self._ran  # one count for the whole search
        return other

    def with_noise(self, noise: PauliNoise) -> NoisyAmplification:
        """The same problem, trajectories, seed, client and noiseless engine (shared) under ``noise``."""
        return NoisyAmplification(
            self.problem, noise, trajectories=self.trajectories, seed=self.seed, confidence=self.confidence,
            simulator=self.simulator, exact=self.exact, client=self.client,
        )

    # --- segments and slots -----------------------------------------------------------

    def segments(self, k: int) -> list[NoisyProgram]:
        """U, then the Grover iterate of each step (minibatches in turn): k + 1 segments."""
        return [self._u] + [self._q[step % len(self._q)] for step in range(k)]

    def num_slots(self, k: int) -> int:
        """(gate, qubit) error slots of U Q^k."""
        return sum(segment.num_slots for segment in self.segments(k))

    def no_error_probability(self, k: int) -> float:
        """Exact probability that U Q^k runs without any error."""
        return self.noise.no_error_probability(self.num_slots(k))

    def _noiseless_before(self, segment: int) -> StructuredState | None:
        """A copy of the noiseless state before ``segment`` (None: start from |0...0>)."""
        if segment == 0:
            return None
        state_bytes = state_memory_bytes(self.problem.num_qubits, len(self.parameter_qubits))
        if segment * state_bytes > _STATE_CACHE_BYTES:
            return self.exact.state_after(segment - 1)
        while len(self._noiseless_states) < segment:
            self._noiseless_states.append(self.exact.state_after(len(self._noiseless_states)))
        return self._noiseless_states[segment - 1].copy()

    def _trajectory(self, k: int, rng: np.random.Generator, on_segment=None) -> StructuredState:
        """One trajectory of U Q^k conditioned on at least one error, restarted from the noiseless state."""
        segments = self.segments(k)
        total = sum(s.num_slots for s in segments)
        slots = sample_error_slots(total, self.noise.rate, rng, at_least_one=True)
        bounds = np.cumsum([s.num_slots for s in segments])
        first = int(np.searchsorted(bounds, slots[0], side="right"))
        return run_noisy_segments(
            segments, self.noise, rng, simulator=self.simulator, start=self._noiseless_before(first),
            first_segment=first, slots=slots, on_segment=on_segment,
        )

    def trajectory_values(self, ks: list[int], rng: np.random.Generator) -> np.ndarray:
        """One trajectory of U Q^max(ks) conditioned on an error: its exact success probability after each k of ``ks``

        (sorted), 0 for the k before its first error (those runs are the noiseless ones, counted in q0).
        """
        row = np.zeros(len(ks))
        column = {k: j for j, k in enumerate(ks)}

        def record(segment: int, state: StructuredState) -> None:
            if segment in column:
                row[column[segment]] = self._success_of(state)

        self._trajectory(ks[-1], rng, record)
        return row

    def _success_of(self, state: StructuredState) -> float:
        outcome = state.basis_outcome_of_index(self.parameter_qubits)
        good = self.problem.good_mask[outcome]
        return float(np.sum(state.amplitudes[good] ** 2))

    # --- estimates ------------------------------------------------------------------------

    def estimate(self, ks) -> NoisyEstimate:
        """Success probability after each k in ``ks`` with its interval; same seed, same estimate."""
        ks = sorted({int(k) for k in ks})
        if not ks or ks[0] < 0:
            raise QbnnError("{k} must be a non-empty list of iteration counts >= 0", k=ks)
        noiseless = [self.exact.success_probability(k) for k in ks]
        q0 = [self.no_error_probability(k) for k in ks]
        some_error = 1.0 - self.no_error_probability(ks[-1])
        values = np.zeros((self.trajectories, len(ks)))
        if some_error > 0.0:
            entropy = run_entropy(self.seed)
            if self.client is not None:

                values = trajectory_values_on_dask(self, ks, entropy)
            else:
                for t in range(self.trajectories):
                    values[t] = self.trajectory_values(ks, trajectory_rng(entropy, t))
        z = NormalDist().inv_cdf(0.5 + self.confidence / 2)
        means = values.mean(axis=0)
        errors = values.std(axis=0, ddof=1) / np.sqrt(self.trajectories)
        estimates, intervals = [], []
        for j, k in enumerate(ks):
            floor = q0[j] * noiseless[j]
            ceiling = floor + (1.0 - q0[j])
            estimate = min(max(floor + some_error * means[j], floor), ceiling)
            half = z * some_error * errors[j]
            estimates.append(float(estimate))
            intervals.append((float(max(floor, estimate - half)), float(min(ceiling, estimate + half))))
        return NoisyEstimate(
            k=tuple(ks),
            success_probability=tuple(estimates),
            interval=tuple(intervals),
            noiseless=tuple(noiseless),
            noise=self.noise,
            trajectories=self.trajectories,
            confidence=self.confidence,
            seed=self.seed,
        )

    def success_probability(self, k: int) -> float:
        """The estimated success probability after k iterations (see :meth:`estimate`)."""
        return self.estimate([k]).success_probability[0]

    def _compute_distribution(self, k: int) -> np.ndarray:
        """Estimated distribution over configurations after U Q^k (stratified like :meth:`estimate`)."""
        q0 = self.no_error_probability(k)
        total = q0 * self.exact.distribution(k)
        if q0 < 1.0:
            entropy = run_entropy(self.seed)
            acc = np.zeros_like(total)
            for t in range(self.trajectories):
                state = self._trajectory(k, trajectory_rng(entropy, t))
                outcome = state.basis_outcome_of_index(self.parameter_qubits)
                acc += np.bincount(outcome, weights=state.amplitudes**2, minlength=total.size)
            total = total + (1.0 - q0) * acc / self.trajectories
        return total / total.sum()

    def sample(self, k: int, rng: np.random.Generator, shots: int | None = None) -> int | np.ndarray:
        """Measure after a noisy U Q^k: each shot is its own trajectory (the noiseless run with probability q0).

        ``rng`` decides which shots are noisy and gives each noisy shot a seed of its own (its trajectory and
        its outcome come from that seed), then draws the noiseless shots; with a client the noisy shots run on
        the workers, with the same outcomes.
        """
        q0 = self.no_error_probability(k)
        count = 1 if shots is None else int(shots)
        noisy = rng.random(count) >= q0
        seeds = rng.integers(0, 2**63 - 1, size=int(noisy.sum()))
        out = np.empty(count, dtype=np.int64)
        if seeds.size:
            if self.client is not None and seeds.size > 1:

                out[noisy] = noisy_shots_on_dask(self, k, seeds)
            else:
                out[noisy] = [self.noisy_shot(k, int(seed)) for seed in seeds]
            self._ran[0] += int(seeds.size)
        for s in np.flatnonzero(~noisy):
            out[s] = int(self.exact.sample(k, rng))
        return int(out[0]) if shots is None else out

    def noisy_shot(self, k: int, seed: int) -> int:
        """One measurement of a trajectory of U Q^k drawn conditioned on an error, all from ``seed``."""
        rng = np.random.default_rng(seed)
        state = self._trajectory(k, rng)
        index = state.draw_indices(1, rng)
        return int(state.basis_outcome_of_index(self.parameter_qubits)[index[0]])


# --------------------------------------------------------------------------- trajectories on Dask workers: each seeded by (seed, t), so the numbers are the one-process numbers

#: Tasks per worker a run is cut into (more: better balance of slow trajectories, more overhead).
TASKS_PER_WORKER = 16
#: Prepared problems a worker keeps (each holds its noiseless states).
_KEEP = 4

_tokens: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_prepared: OrderedDict = OrderedDict()


def _token(amplification: NoisyAmplification) -> str:
    """One name per noiseless engine, shared by the amplifications (rates) built on it."""
    token = _tokens.get(amplification.exact)
    if token is None:
        token = _tokens[amplification.exact] = uuid.uuid4().hex
    return token


def _on_worker(token: str, problem, noise: PauliNoise) -> NoisyAmplification:
    """The problem prepared in this worker process (kept between tasks; the noiseless engine shared across rates)."""
    key = (token, noise)
    amplification = _prepared.get(key)
    if amplification is None:
        exact = next((a.exact for (other, _), a in _prepared.items() if other == token), None)
        amplification = NoisyAmplification(problem, noise, trajectories=2, seed=0, exact=exact)
        _prepared[key] = amplification
        while len(_prepared) > _KEEP:
            _prepared.popitem(last=False)
    _prepared.move_to_end(key)
    return amplification


def _values_task(token: str, problem, noise, ks: list[int], entropy: int, trajectories: list[int]) -> np.ndarray:
    amplification = _on_worker(token, problem, noise)
    return np.stack([amplification.trajectory_values(ks, trajectory_rng(entropy, t)) for t in trajectories])


def _shots_task(token: str, problem, noise, k: int, seeds: list[int]) -> np.ndarray:
    amplification = _on_worker(token, problem, noise)
    return np.array([amplification.noisy_shot(k, seed) for seed in seeds], dtype=np.int64)


def _chunks(count: int, client) -> list[range]:
    workers = max(1, len(cluster_workers(client)))
    size = max(1, math.ceil(count / (TASKS_PER_WORKER * workers)))
    return [range(start, min(count, start + size)) for start in range(0, count, size)]


def trajectory_values_on_dask(amplification: NoisyAmplification, ks: list[int], entropy: int) -> np.ndarray:
    """:meth:`~qbnn.engines.amplify_noisy.NoisyAmplification.trajectory_values` of trajectories 0..T-1 on the workers."""
    client = amplification.client
    token = _token(amplification)
    problem = client.scatter(amplification.problem, broadcast=True, hash=False)
    futures = [
        client.submit(_values_task, token, problem, amplification.noise, list(ks), entropy, list(chunk), pure=False)
        for chunk in _chunks(amplification.trajectories, client)
    ]
    return np.concatenate(client.gather(futures), axis=0)


def noisy_shots_on_dask(amplification: NoisyAmplification, k: int, seeds: np.ndarray) -> np.ndarray:
    """:meth:`~qbnn.engines.amplify_noisy.NoisyAmplification.noisy_shot` for each seed, on the workers, in order."""
    client = amplification.client
    token = _token(amplification)
    problem = client.scatter(amplification.problem, broadcast=True, hash=False)
    futures = [
        client.submit(_shots_task, token, problem, amplification.noise, int(k), [int(s) for s in seeds[chunk.start : chunk.stop]], pure=False)
        for chunk in _chunks(int(seeds.size), client)
    ]
    return np.concatenate(client.gather(futures))
