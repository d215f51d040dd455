"""``qbnn demo``: a real dataset (scikit-learn's breast cancer), binarised, trained by amplitude amplification.

Cross-validated train and held-out accuracy of the quantum-trained BNN beside
classical baselines on the same binary features: exhaustive search over the
same BNN (the best any search can do), random search with the same number of
oracle calls, and logistic regression. Every number is reported as measured.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np

__all__ = ["DemoSettings", "MethodScore", "DemoResult", "run_demo", "load_demo_data"]


@dataclass(frozen=True)
class DemoSettings:
    features: int = 4  # most informative features kept (univariate F-test, chosen inside each fold)
    hidden: tuple[int, ...] = (2,)
    folds: int = 5
    max_samples: int | None = None  # subsample for quick runs
    seed: int = 0
    engine: str = "structured"


@dataclass(frozen=True)
class MethodScore:
    """One method's accuracies over the folds (mean and standard deviation) and oracle calls used."""

    method: str
    train_mean: float
    train_std: float
    test_mean: float
    test_std: float
    oracle_calls: float | None  # mean per fold; None where the notion does not apply

    def row(self) -> str:
        calls = "-" if self.oracle_calls is None else f"{self.oracle_calls:.0f}"
        return (
            f"{self.method:<34} {self.train_mean:6.3f} ± {self.train_std:5.3f}   "
            f"{self.test_mean:6.3f} ± {self.test_std:5.3f}   {calls:>8}"
        )


@dataclass(frozen=True)
class DemoResult:
    dataset: str
    samples: int
    settings: DemoSettings
    parameters: int
    scores: list[MethodScore] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "dataset": self.dataset,
            "samples": self.samples,
            "parameters": self.parameters,
            "settings": asdict(self.settings),
            "methods": [asdict(s) for s in self.scores],
        }

    def table(self) -> str:
        head = f"{'method':<34} {'train accuracy':>15}   {'held-out accuracy':>17}   {'oracle calls':>8}"
        return "\n".join([head, *(s.row() for s in self.scores)])


def load_demo_data(max_samples: int | None, seed: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Breast cancer (569 x 30, bundled with scikit-learn), optionally subsampled (stratified)."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    data = load_breast_cancer()
    X, y = data.data, data.target
    if max_samples is not None and max_samples < len(y):
        X, _, y, _ = train_test_split(X, y, train_size=max_samples, stratify=y, random_state=seed)
    return X, y, list(data.feature_names)


def run_demo(settings: DemoSettings | None = None, progress: Callable[[str], None] | None = None) -> DemoResult:
    """Cross-validate the quantum-trained BNN and the baselines on the same folds and binary features."""
    from sklearn.feature_selection import SelectKBest, f_classif
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import make_pipeline

    from qbnn.classifier import MedianBinarizer, QuantumBNNClassifier
    from qbnn.landscape import compute_landscape
    from qbnn.data import Dataset
    from qbnn.network import Network

    settings = settings or DemoSettings()
    X, y, _ = load_demo_data(settings.max_samples, settings.seed)
    say = progress or (lambda message: None)
    folds = StratifiedKFold(settings.folds, shuffle=True, random_state=settings.seed)
    results: dict[str, list[tuple[float, float, float | None]]] = {}
    network = Network((settings.features, *settings.hidden, 1))

    def record(name: str, train: float, test: float, calls: float | None) -> None:
        results.setdefault(name, []).append((train, test, calls))

    for fold, (tr, te) in enumerate(folds.split(X, y)):
        say(f"fold {fold + 1} of {settings.folds}")
        prep = make_pipeline(SelectKBest(f_classif, k=settings.features), MedianBinarizer()).fit(X[tr], y[tr])
        Btr, Bte = prep.transform(X[tr]), prep.transform(X[te])
        ytr, yte = y[tr], y[te]

        quantum = QuantumBNNClassifier(
            hidden=settings.hidden, strategy="best", engine=settings.engine, random_state=settings.seed + fold
        ).fit(Btr, ytr)
        budget = quantum.oracle_calls_
        record("quantum BNN (Durr-Hoyer, structured)", quantum.score(Btr, ytr), quantum.score(Bte, yte), budget)

        labels = np.where(ytr == quantum.classes_[1], 1, -1)
        land = compute_landscape(network, Dataset(Btr, labels, name="fold"))
        best = int(np.argmax(land.correct))
        w, _ = network.decode(best)
        exhaustive_test = np.mean(np.where(network.forward(Bte, w) > 0, quantum.classes_[1], quantum.classes_[0]) == yte)
        record("exhaustive search, same BNN", land.best_correct / len(ytr), float(exhaustive_test), float(land.configurations))

        rng = np.random.default_rng(settings.seed + 1000 + fold)
        draws = rng.integers(0, network.num_configurations, size=max(1, budget))
        pick = int(draws[np.argmax(land.correct[draws])])
        w, _ = network.decode(pick)
        random_test = np.mean(np.where(network.forward(Bte, w) > 0, quantum.classes_[1], quantum.classes_[0]) == yte)
        record("random search, same oracle budget", land.correct[pick] / len(ytr), float(random_test), float(budget))

        logistic = LogisticRegression().fit(Btr, ytr)
        record("logistic regression, same features", logistic.score(Btr, ytr), logistic.score(Bte, yte), None)

    scores = []
    for name, values in results.items():
        arr = np.array([(a, b) for a, b, _ in values])
        calls = [c for _, _, c in values]
        scores.append(
            MethodScore(
                name,
                float(arr[:, 0].mean()),
                float(arr[:, 0].std()),
                float(arr[:, 1].mean()),
                float(arr[:, 1].std()),
                None if calls[0] is None else float(np.mean(calls)),
            )
        )
    return DemoResult("breast cancer (scikit-learn)", len(y), settings, network.num_parameters, scores)
