"""``qbnn demo``: a real dataset (scikit-learn's breast cancer), binarised, trained by amplitude amplification.

Cross-validated train and held-out accuracy of the quantum-trained BNN (Durr-Hoyer
minimum finding, and BBHT towards a training-accuracy threshold below 100%)
beside classical baselines on the same binary features: exhaustive search over
the same BNN (the best any search can do), random search with the same number
of oracle calls, and logistic regression. Every number is reported as measured.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np

__all__ = ["DemoSettings", "MethodScore", "DemoResult", "run_demo", "load_demo_data", "method_names"]


@dataclass(frozen=True)
class DemoSettings:
    features: int = 4  # most informative features kept (univariate F-test, chosen inside each fold)
    hidden: tuple[int, ...] = (2,)
    folds: int = 5
    max_samples: int | None = None  # subsample for quick runs
    seed: int = 0
    engine: str = "structured"
    min_accuracy: float | None = 0.9  # training-accuracy threshold of the BBHT row (None: no such row)


@dataclass(frozen=True)
class MethodScore:
    """One method's accuracies over the folds (mean and standard deviation) and oracle calls used."""

    method: str
    train_mean: float
    train_std: float
    test_mean: float
    test_std: float
    oracle_calls: float | None  # mean per fold; None where the notion does not apply
    target_reached: int | None = None  # quantum rows: folds whose training target was met

    def row(self) -> str:
        calls = "-" if self.oracle_calls is None else f"{self.oracle_calls:.0f}"
        return (
            f"{self.method:<53} {self.train_mean:6.3f} ± {self.train_std:5.3f}   "
            f"{self.test_mean:6.3f} ± {self.test_std:5.3f}   {calls:>12}"
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
        head = f"{'method':<53} {'train accuracy':>15}   {'held-out accuracy':>17}   {'oracle calls':>12}"
        return "\n".join([head, *(s.row() for s in self.scores)])

    def markdown(self) -> str:
        """The table as markdown (for the README and reports)."""
        lines = [
            "| method | train accuracy | held-out accuracy | oracle calls per fold |",
            "| --- | --- | --- | --- |",
        ]
        for s in self.scores:
            calls = "-" if s.oracle_calls is None else f"{s.oracle_calls:,.0f}"
            lines.append(
                f"| {s.method} | {s.train_mean:.3f} ± {s.train_std:.3f} | {s.test_mean:.3f} ± {s.test_std:.3f} | {calls} |"
            )
        return "\n".join(lines)


def load_demo_data(max_samples: int | None, seed: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Breast cancer (569 x 30, bundled with scikit-learn), optionally subsampled (stratified)."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    data = load_breast_cancer()
    X, y = data.data, data.target
    if max_samples is not None and max_samples < len(y):
        X, _, y, _ = train_test_split(X, y, train_size=max_samples, stratify=y, random_state=seed)
    return X, y, list(data.feature_names)


def method_names(settings: DemoSettings) -> dict[str, str]:
    """Row labels, by role."""
    names = {"best": f"quantum BNN, Durr-Hoyer minimum finding ({settings.engine})"}
    if settings.min_accuracy is not None:
        names["threshold"] = f"quantum BNN, BBHT to accuracy >= {settings.min_accuracy:.2f} ({settings.engine})"
    names["exhaustive"] = "exhaustive search, same BNN"
    names["random"] = "random search, same oracle calls as Durr-Hoyer"
    if settings.min_accuracy is not None:
        names["random_threshold"] = "random search, same oracle calls as BBHT"
    names["logistic"] = "logistic regression, same binary features"
    return names


def run_demo(settings: DemoSettings | None = None, progress: Callable[[str], None] | None = None) -> DemoResult:
    """Cross-validate the quantum-trained BNN and the baselines on the same folds and binary features."""
    from sklearn.feature_selection import SelectKBest, f_classif
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import make_pipeline

    from qbnn.classifier import MedianBinarizer, QuantumBNNClassifier
    from qbnn.model.data import Dataset
    from qbnn.landscape import compute_landscape
    from qbnn.model.network import Network

    settings = settings or DemoSettings()
    X, y, _ = load_demo_data(settings.max_samples, settings.seed)
    say = progress or (lambda message: None)
    folds = StratifiedKFold(settings.folds, shuffle=True, random_state=settings.seed)
    names = method_names(settings)
    results: dict[str, list[tuple[float, float, float | None, bool | None]]] = {role: [] for role in names}
    network = Network((settings.features, *settings.hidden, 1))

    def record(role: str, train: float, test: float, calls: float | None, reached: bool | None = None) -> None:
        results[role].append((float(train), float(test), calls, reached))

    for fold, (tr, te) in enumerate(folds.split(X, y)):
        say(f"fold {fold + 1} of {settings.folds}")
        prep = make_pipeline(SelectKBest(f_classif, k=settings.features), MedianBinarizer()).fit(X[tr], y[tr])
        Btr, Bte = prep.transform(X[tr]), prep.transform(X[te])
        ytr, yte = y[tr], y[te]

        def quantum(strategy: str, min_accuracy: float) -> QuantumBNNClassifier:
            return QuantumBNNClassifier(
                hidden=settings.hidden,
                strategy=strategy,
                min_accuracy=min_accuracy,
                engine=settings.engine,
                random_state=settings.seed + fold,
            ).fit(Btr, ytr)

        best = quantum("best", 1.0)
        budget = best.oracle_calls_
        record("best", best.score(Btr, ytr), best.score(Bte, yte), budget)
        if settings.min_accuracy is not None:
            say(f"fold {fold + 1} of {settings.folds}: BBHT to accuracy >= {settings.min_accuracy:.2f}")
            threshold = quantum("bbht", settings.min_accuracy)
            train_score, test_score = threshold.score(Btr, ytr), threshold.score(Bte, yte)
            record("threshold", train_score, test_score, threshold.oracle_calls_, threshold.success_)

        classes = best.classes_

        def accuracy(weights: np.ndarray, B: np.ndarray, labels: np.ndarray) -> float:
            return float(np.mean(np.where(network.forward(B, weights) > 0, classes[1], classes[0]) == labels))

        land = compute_landscape(network, Dataset(Btr, np.where(ytr == classes[1], 1, -1), name="fold"))
        w, _ = network.decode(int(np.argmax(land.correct)))
        record("exhaustive", land.best_correct / len(ytr), accuracy(w, Bte, yte), float(land.configurations))

        rng = np.random.default_rng(settings.seed + 1000 + fold)
        budgets = {"random": budget}
        if settings.min_accuracy is not None:
            budgets["random_threshold"] = threshold.oracle_calls_
        for role, calls in budgets.items():  # keep the best of `calls` uniformly random configurations
            draws = rng.integers(0, network.num_configurations, size=max(1, calls))
            w, _ = network.decode(int(draws[np.argmax(land.correct[draws])]))
            record(role, accuracy(w, Btr, ytr), accuracy(w, Bte, yte), float(calls))

        logistic = LogisticRegression().fit(Btr, ytr)
        record("logistic", logistic.score(Btr, ytr), logistic.score(Bte, yte), None)

    scores = []
    for role, values in results.items():
        arr = np.array([(a, b) for a, b, _, _ in values])
        calls = [c for _, _, c, _ in values]
        reached = [r for _, _, _, r in values]
        scores.append(
            MethodScore(
                names[role],
                float(arr[:, 0].mean()),
                float(arr[:, 0].std()),
                float(arr[:, 1].mean()),
                float(arr[:, 1].std()),
                None if calls[0] is None else float(np.mean(calls)),
                None if reached[0] is None else int(sum(reached)),
            )
        )
    return DemoResult("breast cancer (scikit-learn)", len(y), settings, network.num_parameters, scores)
