"""``qbnn demo --dataset breast-cancer|digits``: block-trained quantum BNNs of realistic size on real data.

5-fold cross-validated train and held-out accuracy (mean ± sd), oracle calls
and wall time, for the same binary features and the same BNN architecture:

- quantum block training (:class:`~qbnn.search.block.BlockCoordinate`: Durr-Hoyer
  over 2^B settings per block, circuits run exactly on the structured engine);
- the same block algorithm with classical exhaustive block search (2^B
  forward passes per block, the block optimum every time);
- random restarts: the best of as many uniformly random configurations as the
  quantum run used oracle calls;
- the same BNN trained classically by the straight-through estimator
  (:mod:`qbnn.experiments.ste`);
- logistic regression on the same binary features.

Breast cancer: 16 features chosen by F-test inside each fold, binarised at the
training medians, BNN [16, 8, 1] (136 weights). Digits: the hard pair 3 vs 8,
8x8 pixels binarised at 8 (of 0..16), BNN [64, 8, 1] (520 weights).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np

__all__ = ["RealDataSettings", "RealDataRow", "RealDataResult", "run_real_data_study", "DATASETS"]

DATASETS = ("breast-cancer", "digits")


@dataclass(frozen=True)
class RealDataSettings:
    dataset: str = "breast-cancer"
    hidden: tuple[int, ...] = (8,)
    features: int = 16  # breast cancer only: F-test selection inside each fold
    block_size: int = 12
    sweeps: int = 5
    folds: int = 5
    max_samples: int | None = None
    seed: int = 0
    activation: str = "counter"


@dataclass(frozen=True)
class RealDataRow:
    method: str
    train_mean: float
    train_std: float
    test_mean: float
    test_std: float
    oracle_calls: float | None  # mean per fold (forward passes for the classical searches)
    seconds: float  # mean wall time per fold

    def markdown(self) -> str:
        calls = "-" if self.oracle_calls is None else f"{self.oracle_calls:,.0f}"
        return (
            f"| {self.method} | {self.train_mean:.3f} ± {self.train_std:.3f} | {self.test_mean:.3f} ± {self.test_std:.3f} "
            f"| {calls} | {self.seconds:.1f} |"
        )


@dataclass(frozen=True)
class RealDataResult:
    dataset: str
    samples: int
    layers: tuple[int, ...]
    parameters: int
    settings: RealDataSettings
    rows: list[RealDataRow] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "dataset": self.dataset,
            "samples": self.samples,
            "network": list(self.layers),
            "parameters": self.parameters,
            "settings": asdict(self.settings),
            "methods": [asdict(r) for r in self.rows],
        }

    def markdown(self) -> str:
        head = [
            f"{self.dataset}: {self.samples} samples, BNN {list(self.layers)} ({self.parameters} weights), "
            f"blocks of {self.settings.block_size}, at most {self.settings.sweeps} sweeps, {self.settings.folds}-fold CV",
            "",
            "| method | train accuracy | held-out accuracy | oracle calls (or forward passes) per fold | seconds per fold |",
            "| --- | --- | --- | --- | --- |",
        ]
        return "\n".join(head + [r.markdown() for r in self.rows])


def load_real_data(name: str, max_samples: int | None, seed: int) -> tuple[np.ndarray, np.ndarray, str]:
    """Features (real) and labels of ``name``; digits is already binary (pixels > 7)."""
    from sklearn.datasets import load_breast_cancer, load_digits

    if name == "breast-cancer":
        bunch = load_breast_cancer()
        X, y, title = bunch.data, bunch.target, "breast cancer (scikit-learn)"
    elif name == "digits":
        bunch = load_digits()
        keep = np.isin(bunch.target, (3, 8))
        X = np.where(bunch.data[keep] > 7, 1, -1)
        y, title = (bunch.target[keep] == 8).astype(int), "digits 3 vs 8 (scikit-learn, pixels > 7)"
    else:
        from qbnn.errors import DataError

        raise DataError("unknown {dataset}; choose one of " + ", ".join(DATASETS), dataset=name)
    if max_samples is not None and max_samples < len(y):
        pick = np.sort(np.random.default_rng(seed).choice(len(y), size=max_samples, replace=False))
        X, y = X[pick], y[pick]
    return X, y, title


def exhaustive_blocks(problem, blocks: list[tuple[int, ...]], vector: np.ndarray, sweeps: int) -> tuple[np.ndarray, int, int]:
    """The block algorithm with classical exhaustive search: the best of 2^B forward passes per block.

    Keeps the current setting on ties (so it never gets worse); returns (vector, correct, forward passes).
    """
    from qbnn.model.conditioning import Condition

    network, data = problem.network, problem.data
    correct = int(network.correct_counts(vector[None, :], data.X, data.y)[0])
    passes = 0
    for _ in range(sweeps):
        before = correct
        for free in blocks:
            condition = Condition(network, free, vector)
            counts = network.correct_counts(condition.vectors(np.arange(condition.num_configurations)), data.X, data.y)
            passes += condition.num_configurations
            best = int(np.argmax(counts))
            if counts[best] > correct:
                vector, correct = condition.vector(best), int(counts[best])
        if correct == before or correct == data.num_points:
            break
    return vector, correct, passes


def run_real_data_study(settings: RealDataSettings | None = None, progress: Callable[[str], None] | None = None) -> RealDataResult:
    """Cross-validate every method on the same folds, binary features and architecture."""
    from sklearn.feature_selection import SelectKBest, f_classif
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import make_pipeline

    from qbnn.classifier import MedianBinarizer
    from qbnn.model.data import Dataset
    from qbnn.experiments.ste import train_ste
    from qbnn.model.network import Network
    from qbnn.problem import TrainingProblem
    from qbnn.search import BlockCoordinate, train

    settings = settings or RealDataSettings()
    say = progress or (lambda message: None)
    X, y, title = load_real_data(settings.dataset, settings.max_samples, settings.seed)
    n_features = settings.features if settings.dataset == "breast-cancer" else X.shape[1]
    network = Network((n_features, *settings.hidden, 1))
    strategy = BlockCoordinate(block_size=settings.block_size, sweeps=settings.sweeps)
    blocks = strategy.blocks(network.num_parameters)
    names = {
        "quantum": f"quantum block training (Durr-Hoyer, blocks of {settings.block_size}, structured engine)",
        "exhaustive": f"same blocks, classical exhaustive search (2^{settings.block_size} per block)",
        "random": "random restarts, same number of calls as the quantum run",
        "ste": "same BNN, straight-through estimator (numpy)",
        "logistic": "logistic regression, same binary features",
    }
    scores: dict[str, list[tuple[float, float, float | None, float]]] = {role: [] for role in names}
    folds = StratifiedKFold(settings.folds, shuffle=True, random_state=settings.seed)
    for fold, (tr, te) in enumerate(folds.split(X, y)):
        if settings.dataset == "breast-cancer":
            prep = make_pipeline(SelectKBest(f_classif, k=n_features), MedianBinarizer()).fit(X[tr], y[tr])
            Btr, Bte = prep.transform(X[tr]), prep.transform(X[te])
        else:
            Btr, Bte = X[tr], X[te]
        ytr, yte = np.where(y[tr] == 1, 1, -1), np.where(y[te] == 1, 1, -1)
        problem = TrainingProblem(network, Dataset(Btr, ytr, name=f"fold {fold + 1}"), activation=settings.activation)

        def accuracy(vector: np.ndarray, B: np.ndarray, labels: np.ndarray) -> float:
            return float(np.mean(network.forward(B, vector) == labels))

        say(f"fold {fold + 1}/{settings.folds}: quantum block training")
        start = time.perf_counter()
        result = train(problem, strategy, seed=settings.seed + fold, max_oracle_calls=10**12)
        quantum = np.asarray(result.weights, dtype=np.int8)
        scores["quantum"].append((accuracy(quantum, Btr, ytr), accuracy(quantum, Bte, yte), float(result.oracle_calls), time.perf_counter() - start))

        say(f"fold {fold + 1}/{settings.folds}: exhaustive blocks")
        start = time.perf_counter()
        init = BlockCoordinate(block_size=settings.block_size).initial_vector(problem, np.random.default_rng(settings.seed + fold))
        vector, _, passes = exhaustive_blocks(problem, blocks, init, settings.sweeps)
        scores["exhaustive"].append((accuracy(vector, Btr, ytr), accuracy(vector, Bte, yte), float(passes), time.perf_counter() - start))

        say(f"fold {fold + 1}/{settings.folds}: random restarts")
        start = time.perf_counter()
        rng = np.random.default_rng(settings.seed + 1000 + fold)
        best_vector, best_correct, remaining = None, -1, int(result.oracle_calls)
        while remaining > 0:
            draw = min(remaining, 4096)
            candidates = network.bits_to_parameters(rng.integers(0, 2, size=(draw, network.num_parameters)))
            counts = network.correct_counts(candidates, Btr, ytr)
            if counts.max() > best_correct:
                best_vector, best_correct = candidates[int(np.argmax(counts))], int(counts.max())
            remaining -= draw
        scores["random"].append((accuracy(best_vector, Btr, ytr), accuracy(best_vector, Bte, yte), float(result.oracle_calls), time.perf_counter() - start))

        say(f"fold {fold + 1}/{settings.folds}: straight-through estimator")
        start = time.perf_counter()
        ste = train_ste(network, Btr, ytr, seed=settings.seed + fold)
        scores["ste"].append((accuracy(ste, Btr, ytr), accuracy(ste, Bte, yte), None, time.perf_counter() - start))

        start = time.perf_counter()
        logistic = LogisticRegression(max_iter=2000).fit(Btr, ytr)
        scores["logistic"].append((logistic.score(Btr, ytr), logistic.score(Bte, yte), None, time.perf_counter() - start))

    rows = []
    for role, values in scores.items():
        arr = np.array([(a, b, t) for a, b, _, t in values])
        calls = [c for _, _, c, _ in values]
        rows.append(
            RealDataRow(
                names[role], float(arr[:, 0].mean()), float(arr[:, 0].std()), float(arr[:, 1].mean()), float(arr[:, 1].std()),
                None if calls[0] is None else float(np.mean(calls)), float(arr[:, 2].mean()),
            )
        )
    return RealDataResult(title, len(y), network.layers, network.num_parameters, settings, rows)
