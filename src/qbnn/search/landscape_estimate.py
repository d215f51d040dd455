"""The accuracy distribution, estimated: the fraction of configurations reaching each accuracy level.

For a level tau the threshold oracle of :mod:`qbnn.compile.threshold` marks the
configurations with at least tau correct points; their fraction a(tau) = M/2^p
is sin^2 theta of the Grover iterate. Maximum-likelihood amplitude estimation
(Suzuki et al., QIP 19, 75, 2020; the likelihood of :mod:`qbnn.search.counting`)
measures after U Q^k for k = 0, 1, 2, 4, ... (``shots`` measurements per k, on
the structured engine), and stops as soon as the likelihood-ratio interval on
a(tau) has half-width <= the requested precision epsilon (or k would pass
``max_k``). A measurement after k iterations runs U once and Q k times, each Q
holding U and U^-1: 2k + 1 network evaluations (a network evaluation = the
network on every training point, like a classical forward pass over the data).

Beside it, classical Monte Carlo: n configurations drawn uniformly and evaluated
(n forward passes), n chosen so that the Wilson interval reaches the same width
as the quantum one; cost O(1/eps^2) against O(1/eps) (Brassard et al. 2002).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from qiskit import QuantumCircuit

from qbnn.compile.oracles import zero_reflection
from qbnn.compile.robust import flip_roughness_circuit
from qbnn.landscape.roughness import single_flip_changes
from qbnn.errors import QbnnError

__all__ = [
    "Z_SCORES",
    "MLAEResult",
    "adaptive_mlae",
    "check_precision",
    "check_levels",
    "classical_samples_for_width",
    "wilson_interval",
    "LevelEstimate",
    "LandscapeEstimate",
    "estimate_landscape", "FlipRoughnessEstimate", "estimate_flip_roughness"]

#: two-sided normal quantiles, and the chi-square(1) quantiles (their squares) for likelihood-ratio intervals.
Z_SCORES = {0.68: 0.99446, 0.9: 1.64485, 0.95: 1.95996, 0.99: 2.57583}


def check_precision(precision) -> float:
    """A precision epsilon is a half-width on a fraction: 0 < eps < 0.5."""
    try:
        value = float(precision)
    except (TypeError, ValueError):
        value = math.nan
    if not 0.0 < value < 0.5:
        raise QbnnError("{precision} must be a half-width between 0 and 0.5, e.g. 0.01", precision=precision)
    return value


def check_confidence(confidence) -> float:
    if confidence not in Z_SCORES:
        raise QbnnError("{confidence} must be one of " + ", ".join(map(str, sorted(Z_SCORES))), confidence=confidence)
    return float(confidence)


def check_levels(levels, points: int) -> list[int]:
    """Accuracy levels: whole numbers 0..points (a comma list or a sequence), sorted and distinct."""
    if levels is None:
        return list(range(1, points + 1))
    items = levels.split(",") if isinstance(levels, str) else list(levels)
    out = []
    for item in items:
        try:
            text = str(item).strip()
            value = int(text)
            if str(value) != text.lstrip("+") and not isinstance(item, (int, np.integer)):
                raise ValueError
        except (TypeError, ValueError):
            raise QbnnError(
                f"{{levels}} must be whole numbers of correct points 0..{points}, comma separated", levels=levels
            ) from None
        if not 0 <= value <= points:
            raise QbnnError(f"{{levels}} must be whole numbers of correct points 0..{points}; {value} is not", levels=levels)
        out.append(value)
    if not out:
        raise QbnnError(f"{{levels}} is empty; give correct-point counts 0..{points}", levels=levels)
    return sorted(set(out))


@dataclass(frozen=True)
class MLAEResult:
    """One adaptive maximum-likelihood amplitude estimate of a = sin^2 theta."""

    estimate: float
    interval: tuple[float, float]
    theta: float
    schedule: list[int]
    hits: list[int]
    shots: int
    applications: int  # sum over shots of (2k + 1): applications of the state preparation (and its inverse)
    reached: bool  # the interval reached the requested half-width


def _loglik(thetas: np.ndarray, ks: Sequence[int], hits: Sequence[int], shots: int) -> np.ndarray:
    total = np.zeros_like(thetas)
    for k, h in zip(ks, hits):
        p = np.sin((2 * k + 1) * thetas) ** 2
        if h:
            total += h * np.log(np.maximum(p, 1e-300))
        if shots - h:
            total += (shots - h) * np.log(np.maximum(1.0 - p, 1e-300))
    return total


def adaptive_mlae(
    probability: Callable[[int], float],
    *,
    precision: float,
    shots: int = 64,
    confidence: float = 0.95,
    seed: int | None = 0,
    max_k: int = 4096,
    grid: int = 4001,
    min_rounds: int = 2,
) -> MLAEResult:
    """MLAE with k = 0, 1, 2, 4, ... until the interval on a has half-width <= ``precision`` (or k > ``max_k``).

    ``probability(k)`` is the exact probability of a good outcome after k iterations (an engine's
    ``success_probability``); each k is measured ``shots`` times as a seeded binomial draw, which is the law of
    ``shots`` single measurements. The likelihood is evaluated on a full grid at first, then on a window of three
    times the previous interval (the likelihood of k up to K is unimodal there), ``grid`` points each.
    At least ``min_rounds`` values of k are measured: k = 0 alone is a binomial likelihood-ratio interval, which
    covers only about 88% at a 95% level when a or 1 - a is a few percent with 64 shots (and stopping on a
    narrow interval favours exactly those runs); with k = 0 and 1 the coverage is nominal.
    """
    confidence = check_confidence(confidence)
    if int(shots) < 1:
        raise QbnnError("{shots} must be at least 1", shots=shots)
    if int(max_k) < 0:
        raise QbnnError("{max_k} must be >= 0", max_k=max_k)
    chi2 = Z_SCORES[confidence] ** 2
    rng = np.random.default_rng(seed)
    ks: list[int] = []
    hits: list[int] = []
    lo_t, hi_t = 0.0, math.pi / 2
    k = 0
    reached = False
    theta_hat = 0.0
    while True:
        p = min(1.0, max(0.0, float(probability(k))))
        ks.append(k)
        hits.append(int(rng.binomial(int(shots), p)))
        width = hi_t - lo_t
        window_lo = max(0.0, lo_t - width) if len(ks) > 1 else 0.0
        window_hi = min(math.pi / 2, hi_t + width) if len(ks) > 1 else math.pi / 2
        points = grid if len(ks) > 1 else max(grid, 20001)
        while True:
            thetas = np.linspace(window_lo, window_hi, points)
            loglik = _loglik(thetas, ks, hits, shots)
            best = int(np.argmax(loglik))
            inside = np.flatnonzero(2 * (loglik[best] - loglik) <= chi2)
            touches = (inside[0] == 0 and window_lo > 0.0) or (inside[-1] == points - 1 and window_hi < math.pi / 2)
            if not touches:
                break
            span = window_hi - window_lo
            window_lo, window_hi = max(0.0, window_lo - span), min(math.pi / 2, window_hi + span)
        step = thetas[1] - thetas[0]
        theta_hat = float(thetas[best])
        lo_t = max(0.0, float(thetas[inside[0]]) - step)
        hi_t = min(math.pi / 2, float(thetas[inside[-1]]) + step)
        lo_a, hi_a = math.sin(lo_t) ** 2, math.sin(hi_t) ** 2
        if (hi_a - lo_a) / 2 <= precision and len(ks) >= min_rounds:
            reached = True
            break
        k = 1 if k == 0 else 2 * k
        if k > max_k:
            break
    applications = sum(int(shots) * (2 * kk + 1) for kk in ks)
    return MLAEResult(
        estimate=math.sin(theta_hat) ** 2,
        interval=(math.sin(lo_t) ** 2, math.sin(hi_t) ** 2),
        theta=theta_hat,
        schedule=ks,
        hits=hits,
        shots=int(shots),
        applications=applications,
        reached=reached,
    )


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval of a binomial proportion."""
    z = Z_SCORES[confidence]
    if n <= 0:
        return (0.0, 1.0)
    phat = successes / n
    denom = 1 + z * z / n
    centre = (phat + z * z / (2 * n)) / denom
    half = z * math.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def classical_samples_for_width(fraction: float, width: float, confidence: float = 0.95) -> int:
    """The fewest uniform samples whose Wilson interval at ``fraction`` is at most ``width`` wide."""
    z = Z_SCORES[confidence]
    width = max(float(width), 1e-12)
    f = min(1.0, max(0.0, float(fraction)))

    def wilson_width(n: int) -> float:
        denom = 1 + z * z / n
        return 2 * z * math.sqrt(f * (1 - f) / n + z * z / (4 * n * n)) / denom

    hi = max(1, int(math.ceil(z * z * max(f * (1 - f), 0.0) / (width / 2) ** 2)), int(math.ceil(z * z / width)))
    while wilson_width(hi) > width:
        hi *= 2
    lo = 1
    while lo < hi:  # the width decreases with n
        mid = (lo + hi) // 2
        if wilson_width(mid) <= width:
            hi = mid
        else:
            lo = mid + 1
    return lo


@dataclass(frozen=True)
class LevelEstimate:
    """The fraction of configurations with at least ``level`` correct points: quantum estimate and classical rival."""

    level: int
    fraction: float
    interval: tuple[float, float]
    half_width: float
    reached_precision: bool
    schedule: list[int]
    hits: list[int]
    network_evaluations: int  # sum over shots of 2k + 1
    classical_forward_passes: int  # uniform samples for a Wilson interval as wide as the quantum one
    classical_fraction: float | None  # measured with those samples (None when not run)
    classical_interval: tuple[float, float] | None
    exact_fraction: float | None  # from the exact landscape, when it was computed

    def to_json(self) -> dict:
        data = asdict(self)
        data["interval"] = list(self.interval)
        data["classical_interval"] = None if self.classical_interval is None else list(self.classical_interval)
        return data


@dataclass(frozen=True)
class LandscapeEstimate:
    """``estimate_landscape``'s result; ``to_json`` is ``qbnn landscape --estimate --json``."""

    network: tuple[int, ...]
    meta: bool
    data: str
    parameters: int
    configurations: int
    points: int
    precision: float
    confidence: float
    shots: int
    seed: int | None
    engine: str
    levels: list[LevelEstimate] = field(default_factory=list)

    @property
    def network_evaluations(self) -> int:
        return sum(level.network_evaluations for level in self.levels)

    @property
    def classical_forward_passes(self) -> int:
        return sum(level.classical_forward_passes for level in self.levels)

    def to_json(self) -> dict:
        return {
            "network": list(self.network),
            "meta": self.meta,
            "data": self.data,
            "parameters": self.parameters,
            "configurations": self.configurations,
            "points": self.points,
            "precision": self.precision,
            "confidence": self.confidence,
            "shots": self.shots,
            "seed": self.seed,
            "engine": self.engine,
            "levels": [level.to_json() for level in self.levels],
            "network_evaluations": self.network_evaluations,
            "classical_forward_passes": self.classical_forward_passes,
        }


def _correct_counts(problem, indices: np.ndarray) -> np.ndarray:
    """Correct points of the configurations ``indices`` (classical forward passes, in chunks)."""
    out = np.empty(indices.size, dtype=np.int64)
    for start in range(0, indices.size, 1 << 16):
        chunk = indices[start : start + (1 << 16)]
        if problem.condition is None:
            out[start : start + chunk.size] = problem.network.batch_correct_counts(chunk, problem.data.X, problem.data.y)
        else:
            vectors = problem.condition.vectors(chunk)
            out[start : start + chunk.size] = problem.network.correct_counts(vectors, problem.data.X, problem.data.y)
    return out


def estimate_landscape(
    problem,
    levels=None,
    *,
    precision: float = 0.01,
    seed: int | None = 0,
    shots: int = 64,
    confidence: float = 0.95,
    max_k: int = 4096,
    engine="structured",
    classical: bool = True,
    max_classical_samples: int = 4_000_000,
    exact: bool | None = None,
) -> LandscapeEstimate:
    """For each level tau, the fraction of configurations of ``problem`` with at least tau correct points.

    ``levels``: correct-point counts (a sequence or ``"a,b"``; default 1..points); ``precision``: the half-width
    the interval must reach; ``engine``: a name or an engine object with ``prepare``. ``classical``: also run the
    Monte Carlo rival (skipped above ``max_classical_samples``, its cost still reported). ``exact``: add the exact
    fractions from the landscape (default: when p <= 20).

    >>> from qbnn.problem import TrainingProblem
    >>> est = estimate_landscape(TrainingProblem.paper(1), levels=[8], precision=0.02, seed=1)
    >>> level = est.levels[0]
    >>> level.exact_fraction, level.interval[0] <= 8 / 256 <= level.interval[1]
    (0.03125, True)
    """
    precision = check_precision(precision)
    confidence = check_confidence(confidence)
    points = problem.data.num_points
    chosen = check_levels(levels, points)
    if isinstance(engine, str):
        from qbnn.engines.registry import get_engine

        engine_object = get_engine(engine)
    else:
        engine_object = engine
    base = problem
    if problem.exclude or problem.batch_size is not None:
        base = problem.variant(exclude=(), batch_size=None)
    want_exact = problem.num_parameters <= 20 if exact is None else bool(exact)
    rng = np.random.default_rng(seed)
    seeds = rng.integers(0, 2**63 - 1, size=len(chosen) + 1)
    rows: list[tuple[int, MLAEResult]] = []
    for level, level_seed in zip(chosen, seeds):
        amplification = engine_object.prepare(base.with_target(level))
        rows.append((level, adaptive_mlae(
            amplification.success_probability, precision=precision, shots=shots, confidence=confidence,
            seed=int(level_seed), max_k=max_k,
        )))
    needs = [
        classical_samples_for_width(r.estimate, r.interval[1] - r.interval[0], confidence) for _, r in rows
    ]
    counts = None
    if classical and needs and max(needs) <= max_classical_samples:
        mc_rng = np.random.default_rng(int(seeds[-1]))
        drawn = mc_rng.integers(0, problem.num_configurations, size=max(needs), dtype=np.int64)
        counts = _correct_counts(base, drawn)
    landscape = base.landscape if want_exact else None
    estimates = []
    for (level, r), n in zip(rows, needs):
        mc_fraction = mc_interval = None
        if counts is not None:
            successes = int(np.count_nonzero(counts[:n] >= level))
            mc_fraction, mc_interval = successes / n, wilson_interval(successes, n, confidence)
        estimates.append(LevelEstimate(
            level=level,
            fraction=r.estimate,
            interval=r.interval,
            half_width=(r.interval[1] - r.interval[0]) / 2,
            reached_precision=r.reached,
            schedule=r.schedule,
            hits=r.hits,
            network_evaluations=r.applications,
            classical_forward_passes=n,
            classical_fraction=mc_fraction,
            classical_interval=mc_interval,
            exact_fraction=None if landscape is None else landscape.count_at_least(level) / landscape.configurations,
        ))
    return LandscapeEstimate(
        network=tuple(problem.network.layers),
        meta=problem.network.meta,
        data=problem.data.name,
        parameters=problem.num_parameters,
        configurations=problem.num_configurations,
        points=points,
        precision=precision,
        confidence=confidence,
        shots=int(shots),
        seed=seed,
        engine=getattr(engine_object, "name", str(engine)),
        levels=estimates,
    )


@dataclass(frozen=True)
class FlipRoughnessEstimate:
    """The single-flip change fraction estimated by amplitude estimation, beside the exact value when known."""

    change_fraction: float
    interval: tuple[float, float]
    confidence: float
    flag_probability: float  # the amplitude estimated: (p / 2^b) * change_fraction
    scale: float  # 2^b / p
    schedule: list[int]
    shots: int
    hits: list[int]
    network_evaluations: int  # 4 networks per A (w up and down, flipped w up and down), (2k+1) A's per shot
    qubits: int
    exact_change_fraction: float | None
    seed: int | None

    def to_json(self) -> dict:
        data = asdict(self)
        data["interval"] = list(self.interval)
        return data


def estimate_flip_roughness(
    problem,
    *,
    precision: float = 0.02,
    shots: int = 64,
    confidence: float = 0.95,
    seed: int | None = 0,
    max_k: int = 256,
    exact: bool = True,
) -> FlipRoughnessEstimate:
    """Estimate P(correct(w) != correct(w xor e_j)) over uniform w and j from :func:`flip_roughness_circuit`.

    A and its Grover iterate (S_chi = Z on the flag) run on the structured engine; the flag's exact probability
    after k iterations is measured ``shots`` times per k (binomial draws, seeded), k = 0, 1, 2, 4, ... until the
    interval on the change fraction has half-width <= ``precision`` (or k passes ``max_k``).
    """
    from qiskit.circuit.library import grover_operator

    from qbnn.simulator.structured import StructuredSimulator

    precision = check_precision(precision)
    a, flag, b = flip_roughness_circuit(problem)
    p = problem.num_parameters
    scale = (1 << b) / p
    oracle = QuantumCircuit(a.num_qubits, name="S_flag")
    oracle.z(flag)
    q = grover_operator(oracle, state_preparation=a, zero_reflection=zero_reflection(a), name="Q_flag")
    simulator = StructuredSimulator()
    a_program, q_program = simulator.compile(a), simulator.compile(q)
    current = {"k": 0, "state": simulator.run(a_program)}

    def probability(k: int) -> float:
        if k < current["k"]:
            current["k"], current["state"] = 0, simulator.run(a_program)
        q_program.repeat(current["state"], k - current["k"], simulator)
        current["k"] = k
        return float(current["state"].probabilities([flag])[1])

    result = adaptive_mlae(
        probability, precision=precision / scale, shots=shots, confidence=confidence, seed=seed, max_k=max_k
    )
    lo, hi = result.interval
    exact_value = float((single_flip_changes(problem.landscape.correct) != 0).mean()) if exact else None
    return FlipRoughnessEstimate(
        change_fraction=min(1.0, result.estimate * scale),
        interval=(min(1.0, lo * scale), min(1.0, hi * scale)),
        confidence=confidence,
        flag_probability=result.estimate,
        scale=scale,
        schedule=result.schedule,
        shots=shots,
        hits=result.hits,
        network_evaluations=4 * result.applications,
        qubits=a.num_qubits,
        exact_change_fraction=exact_value,
        seed=seed,
    )
