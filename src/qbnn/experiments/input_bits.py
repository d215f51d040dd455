"""``qbnn demo --input-bits 1-3``: what multi-bit inputs buy on real data.

The same breast-cancer features and BNN as the demo, cross-validated on the
same folds, with the features quantised into b = 1, 2, 3 bits (the 2^b odd
levels at training-fold quantiles, :class:`qbnn.model.quantize.QuantileQuantizer`;
b = 1 is the demo's median split). Per b: the quantum-trained BNN (Durr-Hoyer
minimum finding), exhaustive search over the same BNN (the best any search
can reach on the training fold) and logistic regression on the same quantised
features. The weights stay ±1, so the parameter count does not grow with b.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from qbnn.experiments.demo import DemoSettings, load_demo_data

__all__ = ["InputBitsScore", "InputBitsStudy", "run_input_bits_study"]


@dataclass(frozen=True)
class InputBitsScore:
    """One method at one b: accuracies over the folds (mean, standard deviation) and oracle calls per fold."""

    input_bits: int
    method: str
    train_mean: float
    train_std: float
    test_mean: float
    test_std: float
    oracle_calls: float | None


@dataclass(frozen=True)
class InputBitsStudy:
    dataset: str
    samples: int
    settings: DemoSettings
    parameters: int
    scores: list[InputBitsScore] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "dataset": self.dataset,
            "samples": self.samples,
            "parameters": self.parameters,
            "settings": asdict(self.settings),
            "input_bits": [asdict(s) for s in self.scores],
        }

    def table(self) -> str:
        lines = [f"{'b':>2}  {'method':<54} {'train accuracy':>15}   {'held-out accuracy':>17}   {'oracle calls':>12}"]
        for s in self.scores:
            calls = "-" if s.oracle_calls is None else f"{s.oracle_calls:.0f}"
            lines.append(
                f"{s.input_bits:>2}  {s.method:<54} {s.train_mean:6.3f} ± {s.train_std:5.3f}   "
                f"{s.test_mean:6.3f} ± {s.test_std:5.3f}   {calls:>12}"
            )
        return "\n".join(lines)

    def markdown(self) -> str:
        lines = [
            "| b | method | train accuracy | held-out accuracy | oracle calls per fold |",
            "| --- | --- | --- | --- | --- |",
        ]
        for s in self.scores:
            calls = "–" if s.oracle_calls is None else f"{s.oracle_calls:,.0f}"
            lines.append(
                f"| {s.input_bits} | {s.method} | {s.train_mean:.3f} ± {s.train_std:.3f} | "
                f"{s.test_mean:.3f} ± {s.test_std:.3f} | {calls} |"
            )
        return "\n".join(lines)


def run_input_bits_study(
    settings: DemoSettings | None = None,
    input_bits: Sequence[int] = (1, 2, 3),
    progress: Callable[[str], None] | None = None,
) -> InputBitsStudy:
    """Cross-validate the BNN at each b beside exhaustive search and logistic regression on the same levels."""
    from sklearn.feature_selection import SelectKBest, f_classif
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    from qbnn.classifier import QuantumBNNClassifier
    from qbnn.model.data import Dataset
    from qbnn.landscape import compute_landscape
    from qbnn.model.network import Network
    from qbnn.model.quantize import QuantileQuantizer

    settings = settings or DemoSettings()
    X, y, _ = load_demo_data(settings.max_samples, settings.seed)
    say = progress or (lambda message: None)
    folds = list(StratifiedKFold(settings.folds, shuffle=True, random_state=settings.seed).split(X, y))
    network = Network((settings.features, *settings.hidden, 1))
    names = {
        "quantum": f"quantum BNN, Durr-Hoyer minimum finding ({settings.engine})",
        "exhaustive": "exhaustive search, same BNN",
        "logistic": "logistic regression, same quantised features",
    }
    scores = []
    for b in input_bits:
        results: dict[str, list[tuple[float, float, float | None]]] = {role: [] for role in names}
        for fold, (tr, te) in enumerate(folds):
            say(f"b = {b}, fold {fold + 1} of {settings.folds}")
            select = SelectKBest(f_classif, k=settings.features).fit(X[tr], y[tr])
            Ftr, Fte = select.transform(X[tr]), select.transform(X[te])
            quantizer = QuantileQuantizer(input_bits=b).fit(Ftr)  # b = 1: the median split
            Qtr, Qte = quantizer.transform(Ftr), quantizer.transform(Fte)
            ytr, yte = y[tr], y[te]
            quantum = QuantumBNNClassifier(
                hidden=settings.hidden,
                strategy="best",
                engine=settings.engine,
                input_bits=b,
                binarize="median" if b == 1 else None,
                random_state=settings.seed + fold,
            ).fit(Ftr, ytr)
            results["quantum"].append((quantum.score(Ftr, ytr), quantum.score(Fte, yte), float(quantum.oracle_calls_)))
            classes = quantum.classes_
            land = compute_landscape(network, Dataset(Qtr, np.where(ytr == classes[1], 1, -1), "fold", input_bits=b))
            weights, _ = network.decode(int(np.argmax(land.correct)))
            test = np.mean(np.where(network.forward(Qte, weights) > 0, classes[1], classes[0]) == yte)
            results["exhaustive"].append((land.best_correct / len(ytr), float(test), float(land.configurations)))
            logistic = LogisticRegression().fit(Qtr, ytr)
            results["logistic"].append((logistic.score(Qtr, ytr), logistic.score(Qte, yte), None))
        for role, values in results.items():
            arr = np.array([(a, t) for a, t, _ in values], dtype=np.float64)
            calls = [c for _, _, c in values]
            scores.append(
                InputBitsScore(
                    int(b), names[role], float(arr[:, 0].mean()), float(arr[:, 0].std()),
                    float(arr[:, 1].mean()), float(arr[:, 1].std()),
                    None if calls[0] is None else float(np.mean(calls)),
                )
            )
    return InputBitsStudy("breast cancer (scikit-learn)", len(y), settings, network.num_parameters, scores)
