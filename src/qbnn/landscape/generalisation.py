"""Which solutions generalise: local entropy and held-out accuracy of solutions, with paired tests.

Pure measures over the exact landscape (the sampling itself, Grover plain or
robust, is run by :mod:`qbnn.experiments.landscape_study`):

- :func:`teacher_split`: a random teacher network labels every input of n
  features; a seeded subset is the training set (labels flipped with
  probability ``noise``), the other inputs are the held-out set (clean labels).
- :func:`local_entropies`: for configurations, the fraction of their
  radius-<=r neighbours that reach the threshold (Baldassi et al., PNAS 2016).
- :func:`most_robust`: the solutions of highest local entropy.
- :func:`held_out_accuracy`: accuracy of configurations on a dataset.
- :func:`paired_wilcoxon`: two-sided Wilcoxon signed-rank test over seeds.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from qbnn.errors import QbnnError
from qbnn.landscape.roughness import local_entropy
from qbnn.model.data import Dataset
from qbnn.model.network import Network

__all__ = ["teacher_split", "local_entropies", "most_robust", "held_out_accuracy", "PairedTest", "paired_wilcoxon"]


def teacher_split(
    layers, train_points: int, noise: float, seed: int, *, meta: bool = False
) -> tuple[Network, Dataset, Dataset, int]:
    """(student network, training set, held-out set, teacher index): a random teacher labels all 2^n inputs."""
    network = Network(tuple(layers), meta=meta)
    n = network.num_inputs
    if not 1 <= train_points < (1 << n):
        raise QbnnError(f"{{train_points}} must be 1..{(1 << n) - 1} (the held-out set keeps the rest)", train_points=train_points)
    if not 0.0 <= noise < 0.5:
        raise QbnnError("{noise} must be a label-flip probability in [0, 0.5)", noise=noise)
    rng = np.random.default_rng(seed)
    X = np.array([[1 if (i >> b) & 1 else -1 for b in range(n)] for i in range(1 << n)], dtype=np.int8)
    teacher = int(rng.integers(Network(tuple(layers)).num_configurations))
    weights, _ = Network(tuple(layers)).decode(teacher)
    y = Network(tuple(layers)).forward(X, weights)
    order = rng.permutation(1 << n)
    train, test = order[:train_points], order[train_points:]
    noisy = y[train].copy()
    flips = rng.random(train_points) < noise
    noisy[flips] = -noisy[flips]
    return (
        network,
        Dataset(X[train], noisy, name=f"teacher {list(layers)} seed {seed}, {train_points} points, noise {noise}"),
        Dataset(X[test], y[test], name=f"teacher {list(layers)} seed {seed}, held out"),
        teacher,
    )


def local_entropies(correct: np.ndarray, target: int, radius: int, indices=None) -> np.ndarray:
    """Local entropy (fraction of radius-<=r neighbours reaching ``target``) of ``indices`` (default: all)."""
    values = local_entropy(np.asarray(correct) >= target, radius)
    return values if indices is None else values[np.asarray(indices, dtype=np.int64)]


def most_robust(correct: np.ndarray, target: int, radius: int) -> np.ndarray:
    """The solutions (correct >= target) whose local entropy is the largest among solutions."""
    good = np.asarray(correct) >= target
    if not good.any():
        return np.zeros(0, dtype=np.int64)
    entropy = local_entropy(good, radius)
    best = entropy[good].max()
    return np.flatnonzero(good & (entropy >= best - 1e-12))


def held_out_accuracy(network: Network, indices, data: Dataset, problem=None) -> np.ndarray:
    """Fraction of ``data`` each configuration classifies correctly (a conditional ``problem`` maps indices)."""
    indices = np.asarray(indices, dtype=np.int64)
    if problem is not None and problem.condition is not None:
        counts = network.correct_counts(problem.condition.vectors(indices), data.X, data.y)
    else:
        counts = network.batch_correct_counts(indices, data.X, data.y)
    return np.asarray(counts, dtype=np.float64) / data.num_points


@dataclass(frozen=True)
class PairedTest:
    """A paired comparison over seeds: mean difference (b - a), wins, and the Wilcoxon p-value."""

    pairs: int
    mean_a: float
    mean_b: float
    mean_difference: float
    b_better: int
    a_better: int
    ties: int
    p_value: float | None  # None when every pair ties (no test)

    def to_json(self) -> dict:
        return asdict(self)


def paired_wilcoxon(a, b) -> PairedTest:
    """Two-sided Wilcoxon signed-rank test of b against a over paired values (zero differences dropped)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape or a.ndim != 1 or a.size == 0:
        raise QbnnError("paired values must be two equal-length non-empty lists; got {a} and {b}", a=a.size, b=b.size)
    diff = b - a
    nonzero = np.abs(diff) > 1e-12
    p_value = None
    if nonzero.any():
        from scipy.stats import wilcoxon

        p_value = float(wilcoxon(diff[nonzero]).pvalue)
    return PairedTest(
        pairs=int(a.size),
        mean_a=float(a.mean()),
        mean_b=float(b.mean()),
        mean_difference=float(diff.mean()),
        b_better=int((diff > 1e-12).sum()),
        a_better=int((diff < -1e-12).sum()),
        ties=int((~nonzero).sum()),
        p_value=p_value,
    )
