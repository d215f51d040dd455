"""QuantumBNNClassifier: scikit-learn's estimator checks, pipelines, and agreement with the forward pass."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from qbnn.classifier import MedianBinarizer, QuantumBNNClassifier
from qbnn.data import paper_problem

# Checks run on real-valued data, so this instance binarises at the medians; the checks use up to
# 10 features, and a threshold below 100% because the checks' blobs are not perfectly separable.
CHECKED = QuantumBNNClassifier(hidden=(2,), strategy="best", min_accuracy=0.9, binarize="median", random_state=0)
EXPECTED_FAILURES = {
    "check_dtype_object": "10 features make [10,2,1] a 22-parameter network, above max_parameters=20 "
    "(2^p amplitudes); the estimator refuses it with a ValueError by design",
}


@parametrize_with_checks([CHECKED], expected_failed_checks=lambda est: EXPECTED_FAILURES)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def test_fit_predict_agree_with_the_forward_pass_of_the_learned_weights():
    data = paper_problem(1)
    clf = QuantumBNNClassifier(hidden=(2,), meta=True, random_state=3).fit(data.X, data.y)
    assert clf.success_ and clf.score(data.X, data.y) == 1.0
    outputs = clf.network_.forward(data.X, clf.weights_, clf.connections_)
    assert np.array_equal(clf.predict(data.X), np.where(outputs > 0, clf.classes_[1], clf.classes_[0]))
    assert clf.connections_.shape == (6,) and clf.oracle_calls_ >= 1


def test_zero_one_features_and_string_labels():
    data = paper_problem(2)
    X01 = (data.X > 0).astype(int)
    labels = np.where(data.y > 0, "yes", "no")
    clf = QuantumBNNClassifier(random_state=0).fit(X01, labels)
    assert set(clf.predict(X01)) <= {"yes", "no"} and clf.score(X01, labels) == 1.0


def test_predictions_are_deterministic_with_random_state():
    rng = np.random.default_rng(0)
    X = rng.choice([-1, 1], size=(12, 3))
    y = rng.choice([0, 1], size=12)
    a = QuantumBNNClassifier(strategy="bbht", min_accuracy=0.75, random_state=7).fit(X, y)
    b = QuantumBNNClassifier(strategy="bbht", min_accuracy=0.75, random_state=7).fit(X, y)
    assert np.array_equal(a.weights_, b.weights_) and a.oracle_calls_ == b.oracle_calls_


def test_pipeline_and_grid_search():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 3))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    pipe = make_pipeline(MedianBinarizer(), QuantumBNNClassifier(strategy="best", random_state=0))
    search = GridSearchCV(pipe, {"quantumbnnclassifier__hidden": [(1,), (2,)]}, cv=2).fit(X, y)
    assert search.best_score_ > 0.6
    assert search.predict(X).shape == (40,)


@pytest.mark.parametrize(
    ("X", "y", "message"),
    [
        ([[0.5, 1.0], [1.0, -1.0]], [0, 1], "needs binary features"),
        ([[np.nan, 1.0], [1.0, -1.0]], [0, 1], "NaN"),
        ([["a", "b"], ["c", "d"]], [0, 1], "could not convert"),
        ([[1, -1], [1, 1]], [1, 1], "only one class"),
        ([[1, -1], [1, 1], [-1, -1]], [0, 1, 2], "Only binary classification is supported"),
        (np.ones((4, 12)), [0, 1, 0, 1], "above max_parameters=20"),
    ],
)
def test_bad_data_raises_value_error(X, y, message):
    with pytest.raises(ValueError, match=message):
        QuantumBNNClassifier(random_state=0).fit(np.asarray(X, dtype=object) if isinstance(X[0][0], str) else X, y)
