"""Train a binary neural network on scikit-learn's breast cancer data by amplitude amplification.

    python examples/breast_cancer.py                  # 569 samples, 5 folds (a few minutes on 2 cores)
    python examples/breast_cancer.py --max-samples 120 --folds 3

Four features are kept (F-test) and binarised at their training medians; the
BNN [4, 2, 1] has 10 weights, searched by Durr-Hoyer minimum finding (the best
training accuracy, threshold oracles below 100%) on the structured engine.
"""

from __future__ import annotations

import argparse

from sklearn.datasets import load_breast_cancer
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.model_selection import cross_validate, train_test_split
from sklearn.pipeline import make_pipeline

from qbnn import MedianBinarizer, QuantumBNNClassifier


def main(max_samples: int | None = None, folds: int = 5) -> dict:
    """Cross-validate the pipeline, then fit it on all the data; returns the numbers it prints."""
    X, y = load_breast_cancer(return_X_y=True)
    if max_samples is not None and max_samples < len(y):
        X, _, y, _ = train_test_split(X, y, train_size=max_samples, stratify=y, random_state=0)
    model = make_pipeline(
        SelectKBest(f_classif, k=4),
        MedianBinarizer(),
        QuantumBNNClassifier(hidden=(2,), strategy="best", random_state=0),
    )
    scores = cross_validate(model, X, y, cv=folds, return_train_score=True)
    print(f"train accuracy    {scores['train_score'].mean():.3f} ± {scores['train_score'].std():.3f}")
    print(f"held-out accuracy {scores['test_score'].mean():.3f} ± {scores['test_score'].std():.3f}")

    model.fit(X, y)
    clf = model[-1]
    print(f"weights {clf.weights_.tolist()}, {clf.oracle_calls_} oracle calls")
    print(f"training accuracy {clf.train_correct_}/{len(y)}")
    return {"train": scores["train_score"], "test": scores["test_score"], "classifier": clf, "samples": len(y)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-samples", type=int, default=None, help="stratified subsample for a quick run")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    main(args.max_samples, args.folds)
