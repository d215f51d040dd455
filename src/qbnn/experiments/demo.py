"""``qbnn demo``: a real dataset (scikit-learn's breast cancer), binarised, trained by amplitude amplification.

Cross-validated train and held-out accuracy of the quantum-trained BNN (Durr-Hoyer
minimum finding, and BBHT towards a training-accuracy threshold below 100%)
beside classical baselines on the same binary features: exhaustive search over
the same BNN (the best any search can do), random search with as many forward
passes as the quantum run's network evaluations (applications of U or U-inverse,
2k + 1 per measurement after k Grover iterates; oracle calls, k + 1 per
measurement, are reported beside them as the paper counts), and logistic
regression. Every number is reported as measured, per fold in ``folds``.

:class:`DemoSettings` checks itself: a bad value raises a
:class:`~qbnn.errors.QbnnError` naming the Python parameter, which the command
line renders as its flag.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np

from qbnn.errors import QbnnError

__all__ = ["DemoSettings", "MethodScore", "DemoResult", "run_demo", "load_demo_data", "method_names"]


#: Breast cancer's feature count (the F-test keeps 1..30 of them).
BREAST_CANCER_FEATURES = 30


def check_whole(name: str, value, low: int, high: int | None = None) -> None:
    """A :class:`QbnnError` naming ``name`` unless ``value`` is a whole number in ``low..high``."""
    whole = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
    if not whole or value < low or (high is not None and value > high):
        span = f"{low}..{high}" if high is not None else f">= {low}"
        raise QbnnError(f"{{{name}}} must be a whole number {'in ' if high is not None else ''}{span}", **{name: value})


def check_hidden(hidden) -> tuple[int, ...]:
    """Hidden layer sizes as a tuple of whole numbers >= 1 (a QbnnError naming ``hidden`` otherwise)."""
    sizes = tuple(hidden)
    shown = ",".join(str(v) for v in sizes) or "''"
    if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in sizes):
        raise QbnnError("{hidden} is not a list of layer sizes; write e.g. 2 or 2,2", hidden=shown)
    if any(v < 1 for v in sizes):
        raise QbnnError("{hidden} has a layer with no neurons; every size must be >= 1", hidden=shown)
    return tuple(int(v) for v in sizes)


def check_samples(max_samples, folds: int) -> None:
    """``max_samples`` None or at least 4 points per fold."""
    if max_samples is None:
        return
    check_whole("max_samples", max_samples, 1)
    if max_samples < 4 * folds:
        raise QbnnError(
            "{max_samples} is too few for " + f"{folds} folds; use at least {4 * folds}", max_samples=max_samples
        )


@dataclass(frozen=True)
class DemoSettings:
    """The small demo: a BNN small enough to search whole, on F-test-selected, median-binarised features."""

    features: int = 4  # most informative features kept (univariate F-test, chosen inside each fold)
    hidden: tuple[int, ...] = (2,)
    folds: int = 5
    max_samples: int | None = None  # subsample for quick runs
    seed: int = 0
    engine: str = "structured"
    min_accuracy: float | None = 0.9  # training-accuracy threshold of the BBHT row (None: no such row)

    def __post_init__(self) -> None:
        from qbnn.classifier import DEFAULT_MAX_PARAMETERS
        from qbnn.engines.registry import ENGINE_NAMES
        from qbnn.model.network import Network

        object.__setattr__(self, "hidden", check_hidden(self.hidden))
        if not isinstance(self.features, (int, np.integer)) or not 1 <= self.features <= BREAST_CANCER_FEATURES:
            raise QbnnError(
                "{features} must lie in 1.." + f"{BREAST_CANCER_FEATURES} (breast cancer has 30 features)",
                features=self.features,
            )
        if self.engine not in ENGINE_NAMES:
            raise QbnnError("unknown {engine}; choose one of " + ", ".join(ENGINE_NAMES), engine=self.engine)
        parameters = Network((self.features, *self.hidden, 1)).num_parameters
        if parameters > DEFAULT_MAX_PARAMETERS:
            raise QbnnError(
                "{features} {hidden} makes a BNN with "
                f"{parameters} parameter qubits, above the demo's {DEFAULT_MAX_PARAMETERS}; "
                "keep fewer features or smaller hidden layers",
                features=self.features,
                hidden=",".join(str(v) for v in self.hidden),
            )
        if not isinstance(self.folds, (int, np.integer)) or self.folds < 2:
            raise QbnnError("{folds} must be at least 2", folds=self.folds)
        if self.min_accuracy is not None and not 0.0 < self.min_accuracy <= 1.0:
            raise QbnnError(
                "{min_accuracy} must lie in (0, 1]; give a fraction such as 0.9", min_accuracy=self.min_accuracy
            )
        check_samples(self.max_samples, self.folds)
        check_whole("seed", self.seed, 0)


@dataclass(frozen=True)
class MethodScore:
    """One method's accuracies over the folds (mean and standard deviation) and oracle calls used."""

    method: str
    train_mean: float
    train_std: float
    test_mean: float
    test_std: float
    oracle_calls: float | None  # mean per fold (quantum: k + 1 per measurement); None where it does not apply
    target_reached: int | None = None  # quantum rows: folds whose training target was met
    network_evaluations: float | None = None  # mean per fold: quantum 2k + 1 per measurement, classical forward passes

    def row(self) -> str:
        work = "-" if self.network_evaluations is None else f"{self.network_evaluations:.0f}"
        return (
            f"{self.method:<53} {self.train_mean:6.3f} ± {self.train_std:5.3f}   "
            f"{self.test_mean:6.3f} ± {self.test_std:5.3f}   {work:>12}"
        )


@dataclass(frozen=True)
class DemoResult:
    dataset: str
    samples: int
    settings: DemoSettings
    parameters: int
    scores: list[MethodScore] = field(default_factory=list)
    folds: list[dict] = field(default_factory=list)  # one row per fold and method: every number measured

    def to_json(self) -> dict:
        return {
            "dataset": self.dataset,
            "samples": self.samples,
            "parameters": self.parameters,
            "settings": asdict(self.settings),
            "methods": [asdict(s) for s in self.scores],
            "folds": list(self.folds),
        }

    def table(self) -> str:
        head = f"{'method':<53} {'train accuracy':>15}   {'held-out accuracy':>17}   {'network evals':>12}"
        return "\n".join([head, *(s.row() for s in self.scores)])

    def markdown(self) -> str:
        """The table as markdown (for the README and reports)."""
        lines = [
            "| method | train accuracy | held-out accuracy | network evaluations (or forward passes) per fold "
            "| oracle calls per fold |",
            "| --- | --- | --- | --- | --- |",
        ]
        for s in self.scores:
            work = "-" if s.network_evaluations is None else f"{s.network_evaluations:,.0f}"
            calls = "-" if s.oracle_calls is None else f"{s.oracle_calls:,.0f}"
            lines.append(
                f"| {s.method} | {s.train_mean:.3f} ± {s.train_std:.3f} | {s.test_mean:.3f} ± {s.test_std:.3f} "
                f"| {work} | {calls} |"
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
    names["random"] = "random search, as many forward passes as Durr-Hoyer's network evaluations"
    if settings.min_accuracy is not None:
        names["random_threshold"] = "random search, as many forward passes as BBHT's network evaluations"
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
    rows: list[dict] = []
    network = Network((settings.features, *settings.hidden, 1))

    def record(fold: int, role: str, train: float, test: float, calls, evaluations, reached: bool | None = None) -> None:
        rows.append(
            {
                "fold": fold,
                "method": names[role],
                "train_accuracy": float(train),
                "test_accuracy": float(test),
                "oracle_calls": None if calls is None else int(calls),
                "network_evaluations": None if evaluations is None else int(evaluations),
                "target_reached": reached,
            }
        )

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
        budgets = {"random": best.result_.network_evaluations}
        record(fold, "best", best.score(Btr, ytr), best.score(Bte, yte), best.oracle_calls_, budgets["random"])
        if settings.min_accuracy is not None:
            say(f"fold {fold + 1} of {settings.folds}: BBHT to accuracy >= {settings.min_accuracy:.2f}")
            threshold = quantum("bbht", settings.min_accuracy)
            budgets["random_threshold"] = threshold.result_.network_evaluations
            train_score, test_score = threshold.score(Btr, ytr), threshold.score(Bte, yte)
            record(
                fold, "threshold", train_score, test_score, threshold.oracle_calls_, budgets["random_threshold"],
                bool(threshold.success_),
            )

        classes = best.classes_

        def accuracy(weights: np.ndarray, B: np.ndarray, labels: np.ndarray) -> float:
            return float(np.mean(np.where(network.forward(B, weights) > 0, classes[1], classes[0]) == labels))

        land = compute_landscape(network, Dataset(Btr, np.where(ytr == classes[1], 1, -1), name="fold"))
        w, _ = network.decode(int(np.argmax(land.correct)))
        record(fold, "exhaustive", land.best_correct / len(ytr), accuracy(w, Bte, yte), None, land.configurations)

        rng = np.random.default_rng(settings.seed + 1000 + fold)
        for role, passes in budgets.items():  # keep the best of `passes` uniformly random configurations
            draws = rng.integers(0, network.num_configurations, size=max(1, passes))
            w, _ = network.decode(int(draws[np.argmax(land.correct[draws])]))
            record(fold, role, accuracy(w, Btr, ytr), accuracy(w, Bte, yte), None, max(1, passes))

        logistic = LogisticRegression().fit(Btr, ytr)
        record(fold, "logistic", logistic.score(Btr, ytr), logistic.score(Bte, yte), None, None)

    scores = []
    for role, name in names.items():
        mine = [r for r in rows if r["method"] == name]
        train = np.array([r["train_accuracy"] for r in mine])
        test = np.array([r["test_accuracy"] for r in mine])
        calls = [r["oracle_calls"] for r in mine]
        work = [r["network_evaluations"] for r in mine]
        reached = [r["target_reached"] for r in mine]
        scores.append(
            MethodScore(
                name,
                float(train.mean()),
                float(train.std()),
                float(test.mean()),
                float(test.std()),
                None if calls[0] is None else float(np.mean(calls)),
                None if reached[0] is None else int(sum(reached)),
                None if work[0] is None else float(np.mean(work)),
            )
        )
    return DemoResult("breast cancer (scikit-learn)", len(y), settings, network.num_parameters, scores, rows)
