"""Roughness and features of the landscape: exactly from the landscape, and estimated from a circuit.

Exact (vectorised over the 2^p correct counts of :func:`~qbnn.landscape.compute_landscape`;
configuration bit j is parameter j, so a single flip of parameter j is ``i ^ (1 << j)``):

- ``mean_abs_change``: the mean over configurations w and parameters j of
  |correct(w) - correct(w xor e_j)|; ``change_fraction``: how often the two differ
  (what the circuit estimate measures).
- ``autocorrelation[d]``: the correlation of correct(w) with correct(w xor m) over
  w and over every m of Hamming weight d (Weinberger's random-field
  autocorrelation by distance), from the Walsh-Hadamard transform (O(N p)).
- ``local_optima``: configurations no single flip improves (``strict``: every
  single flip makes it worse), and how many of them are not global optima.
- ``solution_density[r]``: over every solution s (correct >= tau) the fraction of
  the configurations at distance exactly r from s that are solutions too; and
  ``local_entropy`` per configuration: the fraction of its radius-<=r neighbours
  (itself excluded) that reach tau (the local entropy of Baldassi et al.).

Estimated (:func:`qbnn.search.landscape_estimate.estimate_flip_roughness`, a circuit above this
layer): one circuit holds w (H on the
parameters) and j (H on ceil(log2 p) qubits); it counts the correct points of w
up, flips bit j of w (a multi-controlled X per value of j), counts the correct
points of the flipped network down, and writes "the two counts differ" into one
flag qubit. Amplitude estimation of the flag (the adaptive MLAE of
:mod:`qbnn.search.landscape_estimate`) on the structured engine gives
P(flag) = (p / 2^b) * change_fraction (values j >= p flip nothing).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import asdict, dataclass

import numpy as np

from qbnn.errors import QbnnError

__all__ = [
    "flip_neighbours",
    "single_flip_changes",
    "walsh_hadamard",
    "xor_autocorrelation",
    "autocorrelation_by_distance",
    "local_optima",
    "ball_masks",
    "neighbour_good_counts",
    "local_entropy",
    "robust_mask",
    "solution_density_by_radius",
    "Roughness",
    "exact_roughness",
]


def _bits_of(size: int) -> int:
    p = int(size).bit_length() - 1
    if size < 1 or 1 << p != size:
        raise QbnnError("a landscape has 2^p entries; got {size}", size=size)
    return p


def flip_neighbours(values: np.ndarray, j: int) -> np.ndarray:
    """values[i ^ (1 << j)] for every i (a view-free copy by reshaping, no index arrays)."""
    values = np.asarray(values)
    return values.reshape(-1, 2, 1 << j)[:, ::-1, :].reshape(values.shape)


def single_flip_changes(correct: np.ndarray) -> np.ndarray:
    """(p, N) array: correct(w xor e_j) - correct(w) for every parameter j and configuration w."""
    correct = np.asarray(correct, dtype=np.int64)
    p = _bits_of(correct.size)
    return np.stack([flip_neighbours(correct, j) - correct for j in range(p)]) if p else np.zeros((0, 1), np.int64)


def walsh_hadamard(values: np.ndarray) -> np.ndarray:
    """The unnormalised Walsh-Hadamard transform of a length-2^p vector (float64, H @ H = N I)."""
    out = np.array(values, dtype=np.float64, copy=True)
    p = _bits_of(out.size)
    for j in range(p):
        view = out.reshape(-1, 2, 1 << j)
        a = view[:, 0, :].copy()
        view[:, 0, :] += view[:, 1, :]
        view[:, 1, :] = a - view[:, 1, :]
    return out


def xor_autocorrelation(values: np.ndarray) -> np.ndarray:
    """S[m] = sum_i values[i] * values[i ^ m] for every mask m (exact for integer values up to 2^52)."""
    h = walsh_hadamard(values)
    return walsh_hadamard(h * h) / h.size


def _popcounts(size: int) -> np.ndarray:
    masks = np.arange(size, dtype=np.int64)
    counts = np.zeros(size, dtype=np.int64)
    for j in range(_bits_of(size)):
        counts += (masks >> j) & 1
    return counts


def autocorrelation_by_distance(correct: np.ndarray) -> np.ndarray:
    """rho[d] for d = 0..p: corr(correct(w), correct(w xor m)) over all w and all m of weight d (nan if constant)."""
    values = np.asarray(correct, dtype=np.float64)
    p = _bits_of(values.size)
    centred = values - values.mean()
    variance = float(np.mean(centred * centred))
    pairs = xor_autocorrelation(centred) / values.size  # mean_i f[i] f[i^m]
    weights = _popcounts(values.size)
    sums = np.bincount(weights, weights=pairs, minlength=p + 1)
    sizes = np.array([math.comb(p, d) for d in range(p + 1)], dtype=np.float64)
    if variance <= 1e-12 * max(1.0, float(np.abs(values).max(initial=0.0))) ** 2:
        return np.full(p + 1, np.nan)
    return sums / sizes / variance


def local_optima(correct: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the configurations no single flip improves (weak) and every single flip worsens (strict)."""
    changes = single_flip_changes(correct)
    if changes.shape[0] == 0:
        return np.ones(1, bool), np.ones(1, bool)
    return (changes <= 0).all(axis=0), (changes < 0).all(axis=0)


def ball_masks(parameters: int, radius: int, *, include_zero: bool = False) -> list[int]:
    """Every XOR mask of Hamming weight 1..radius (and 0 with ``include_zero``) on ``parameters`` bits, by weight."""
    masks = [0] if include_zero else []
    for r in range(1, radius + 1):
        for bits in itertools.combinations(range(parameters), r):
            masks.append(sum(1 << b for b in bits))
    return masks


def check_radius(radius, parameters: int, fraction=None) -> tuple[int, float | None]:
    """Validate a Hamming ``radius`` (0..p) and a ``fraction`` (0 < f <= 1, or None); QbnnError names the bad one."""
    if isinstance(radius, bool) or not isinstance(radius, (int, np.integer)) or not 0 <= int(radius) <= parameters:
        raise QbnnError(f"{{radius}} must be a whole number 0..{parameters} (the parameters searched)", radius=radius)
    if fraction is not None:
        try:
            value = float(fraction)
        except (TypeError, ValueError):
            value = math.nan
        if not 0.0 < value <= 1.0:
            raise QbnnError("{robust_fraction} must be a fraction in (0, 1], e.g. 0.9", robust_fraction=fraction)
        fraction = value
    return int(radius), fraction


def neighbour_good_counts(good: np.ndarray, radius: int) -> np.ndarray:
    """For every configuration: how many configurations at Hamming distance 1..radius are good."""
    good = np.asarray(good, dtype=bool)
    p = _bits_of(good.size)
    radius, _ = check_radius(radius, p)
    counts = np.zeros(good.size, dtype=np.int64)
    index = np.arange(good.size, dtype=np.int64)
    for mask in ball_masks(p, radius):
        counts += good[index ^ mask]
    return counts


def ball_size(parameters: int, radius: int) -> int:
    """Configurations at distance 1..radius (the neighbours, the centre excluded)."""
    return sum(math.comb(parameters, r) for r in range(1, radius + 1))


def local_entropy(good: np.ndarray, radius: int) -> np.ndarray:
    """Per configuration: the fraction of its radius-<=r neighbours (itself excluded) that are good (1.0 at r = 0)."""
    good = np.asarray(good, dtype=bool)
    size = ball_size(_bits_of(good.size), radius)
    if size == 0:
        return np.ones(good.size)
    return neighbour_good_counts(good, radius) / size


def needed_neighbours(parameters: int, radius: int, fraction: float | None) -> int:
    """Good neighbours a robust configuration needs: all of them, or ceil(fraction * neighbours)."""
    size = ball_size(parameters, radius)
    return size if fraction is None else int(math.ceil(fraction * size - 1e-9))


def robust_mask(good: np.ndarray, radius: int, fraction: float | None = None) -> np.ndarray:
    """The configurations that are good and whose radius-R neighbours are all good (or at least ``fraction`` of them)."""
    good = np.asarray(good, dtype=bool)
    p = _bits_of(good.size)
    radius, fraction = check_radius(radius, p, fraction)
    need = needed_neighbours(p, radius, fraction)
    return good & (neighbour_good_counts(good, radius) >= need)


def solution_density_by_radius(good: np.ndarray) -> np.ndarray:
    """density[r] for r = 0..p: over all solutions s, the fraction of configurations at distance r from s that are solutions."""
    good = np.asarray(good, dtype=bool)
    p = _bits_of(good.size)
    solutions = int(good.sum())
    if solutions == 0:
        return np.full(p + 1, np.nan)
    pairs = np.rint(xor_autocorrelation(good.astype(np.float64)))
    by_weight = np.bincount(_popcounts(good.size), weights=pairs, minlength=p + 1)
    sizes = np.array([math.comb(p, d) for d in range(p + 1)], dtype=np.float64)
    return by_weight / (solutions * sizes)


@dataclass(frozen=True)
class Roughness:
    """The exact roughness measures of one landscape at one threshold (see the module docstring)."""

    parameters: int
    configurations: int
    points: int
    min_correct: int
    mean_abs_change: float
    change_fraction: float
    autocorrelation: list[float]  # index d = Hamming distance 0..p (None where the landscape is constant)
    correlation_length: float | None  # -1 / ln|rho(1)| (None when undefined)
    local_optima: int
    strict_local_optima: int
    non_global_local_optima: int
    solutions: int
    solution_density: list[float | None]  # index r = 0..p, None without solutions
    mean_local_entropy: dict[str, float | None]  # radius -> mean over solutions of their local entropy

    def to_json(self) -> dict:
        return asdict(self)


def _clean(values: np.ndarray) -> list[float | None]:
    return [None if not np.isfinite(v) else round(float(v), 12) for v in values]


def exact_roughness(correct: np.ndarray, points: int, min_correct: int | None = None, radii=(1, 2)) -> Roughness:
    """Every exact measure of the module from the correct counts ``correct`` (length 2^p)."""
    correct = np.asarray(correct, dtype=np.int64)
    p = _bits_of(correct.size)
    target = int(points if min_correct is None else min_correct)
    changes = single_flip_changes(correct)
    weak, strict = local_optima(correct)
    best = int(correct.max())
    good = correct >= target
    rho = autocorrelation_by_distance(correct)
    length = None
    if p >= 1 and np.isfinite(rho[1]) and 0 < abs(rho[1]) < 1:
        length = float(-1.0 / math.log(abs(rho[1])))
    entropies: dict[str, float | None] = {}
    for r in radii:
        if 1 <= r <= p:
            entropies[str(r)] = float(local_entropy(good, r)[good].mean()) if good.any() else None
    return Roughness(
        parameters=p,
        configurations=int(correct.size),
        points=int(points),
        min_correct=target,
        mean_abs_change=float(np.abs(changes).mean()) if changes.size else 0.0,
        change_fraction=float((changes != 0).mean()) if changes.size else 0.0,
        autocorrelation=_clean(rho),
        correlation_length=length,
        local_optima=int(weak.sum()),
        strict_local_optima=int(strict.sum()),
        non_global_local_optima=int((weak & (correct < best)).sum()),
        solutions=int(good.sum()),
        solution_density=_clean(solution_density_by_radius(good)),
        mean_local_entropy=entropies,
    )
