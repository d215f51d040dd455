"""QuantumBNNClassifier: scikit-learn's estimator checks, pipelines, and agreement with the forward pass."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from qbnn.classifier import MedianBinarizer, QuantumBNNClassifier
from qbnn.model.data import paper_problem

# Checks run on real-valued data with up to 10 features, so this instance binarises at the medians, has
# one hidden neuron ([10, 1, 1]: 11 parameter qubits, within max_parameters=20) and the counter sign
# (10 + 4 gates per count instead of the paper's C(10, 5) = 252 ANDs: the checks' fits stay quick); the
# threshold is below 100% because the checks' blobs are not perfectly separable. BBHT searches one target, so a
# fit compiles one iterate (minimum finding, several targets, is fitted by the pipeline tests below).
CHECKED = QuantumBNNClassifier(
    hidden=(1,), strategy="bbht", min_accuracy=0.9, activation="counter", binarize="median", random_state=0
)
# Every check runs; none is expected to fail. (check_array_api_input needs SCIPY_ARRAY_API=1, set below.)
EXPECTED_FAILURES: dict[str, str] = {}


def check_name(check) -> str:
    return getattr(check, "func", check).__name__


@parametrize_with_checks([CHECKED], expected_failed_checks=lambda est: EXPECTED_FAILURES, xfail_strict=True)
def test_sklearn_estimator_checks(estimator, check, monkeypatch):
    if check_name(check) == "check_array_api_input":
        # scikit-learn skips this check unless SCIPY_ARRAY_API=1. The estimator is NumPy only, so the check
        # runs with array_namespace="numpy": it enables array-API dispatch and compares results with the
        # plain run. SciPy's own array-API mode (read at its import) is irrelevant to NumPy inputs.
        monkeypatch.setenv("SCIPY_ARRAY_API", "1")
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


def test_the_issue_example_from_the_top_level_package():
    from qbnn import QuantumBNNClassifier as TopLevel

    data = paper_problem(2)
    clf = TopLevel(hidden=(2,), meta=False, strategy="bbht", min_accuracy=1.0, engine="structured", random_state=0)
    assert clf.fit(data.X, data.y) is clf
    assert clf.score(data.X, data.y) == 1.0 and clf.success_
    assert clf.weights_.shape == (8,) and set(clf.weights_.tolist()) <= {-1, 1}
    assert clf.connections_ is None
    assert clf.oracle_calls_ == clf.result_.oracle_calls == sum(k + 1 for k in clf.result_.k_history)
    assert clf.get_params()["strategy"] == "bbht"
    assert clf.set_params(strategy="paper", random_state=1).fit(data.X, data.y).result_.strategy == "paper"


def test_predictions_are_deterministic_with_random_state():
    rng = np.random.default_rng(0)
    X = rng.choice([-1, 1], size=(12, 3))
    y = rng.choice([0, 1], size=12)
    fits = [QuantumBNNClassifier(strategy="bbht", min_accuracy=0.75, random_state=s).fit(X, y) for s in (7, 7, 8)]
    a, b, c = fits
    assert np.array_equal(a.weights_, b.weights_) and a.oracle_calls_ == b.oracle_calls_
    assert np.array_equal(a.predict(X), b.predict(X))
    assert a.result_.k_history != c.result_.k_history  # the seed matters


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"strategy": "fixed"}, r"strategy='fixed' is not supported; choose one of bbht, paper, best"),
        ({"engine": "gpu"}, r"engine='gpu' is not supported; choose one of structured, aer, analytic"),
        ({"activation": "relu"}, r"activation='relu' is not supported; choose one of paper, counter"),
        ({"min_accuracy": 1.5}, r"min_accuracy=1.5 must be a number in \[0, 1\]"),
        ({"max_oracle_calls": 0}, r"max_oracle_calls=0 must be None or an integer >= 1"),
        ({"hidden": (2, 0)}, r"hidden=\(2, 0\) must be a tuple of layer sizes >= 1"),
        ({"binarize": "mean"}, r"binarize='mean' is not supported"),
    ],
)
def test_bad_parameters_raise_value_error_naming_them(params, message):
    data = paper_problem(1)
    with pytest.raises(ValueError, match=message):
        QuantumBNNClassifier(random_state=0, **params).fit(data.X, data.y)


def test_too_many_features_for_memory_is_a_value_error_before_any_compiling(monkeypatch):
    X = np.random.default_rng(0).choice([-1, 1], size=(6, 36))
    y = [0, 1, 0, 1, 0, 1]
    expected = r"\[36,1,1\] on 6 points needs about 1.8 TiB to simulate \(2\^37 amplitudes, 50 bit rows\) .* select fewer"
    with pytest.raises(ValueError, match=expected):
        QuantumBNNClassifier(hidden=(1,), max_parameters=40, activation="counter", random_state=0).fit(X, y)
    with pytest.raises(ValueError, match=r"2704188 bit rows"):  # the paper's C(24, 12) = 2704156 ANDs, + 32 qubits
        QuantumBNNClassifier(hidden=(1,), max_parameters=40, random_state=0).fit(X[:, :24], y)
    monkeypatch.setenv("QBNN_MAX_MEMORY", "16K")  # 2^11 amplitudes alone need 16 KiB
    with pytest.raises(ValueError, match=r"but only 16.0 KiB is available"):
        QuantumBNNClassifier(hidden=(1,), random_state=0).fit(X[:, :10], y)


def test_docstring_examples_run():
    import qbnn.classifier

    result = doctest.testmod(qbnn.classifier)
    assert result.failed == 0 and result.attempted >= 4


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


def test_multibit_classifier_quantises_at_training_quantiles_and_predicts_with_the_forward_pass():
    from qbnn.model.quantize import QuantileQuantizer

    rng = np.random.default_rng(4)
    X = rng.normal(size=(16, 2))
    y = (2 * X[:, 0] - X[:, 1] > 0).astype(int)
    clf = QuantumBNNClassifier(hidden=(), input_bits=2, strategy="best", min_accuracy=0.8, random_state=0).fit(X, y)
    levels = QuantileQuantizer(input_bits=2).fit(X).transform(X)
    np.testing.assert_array_equal(clf.quantizer_.transform(X), levels)
    outputs = np.where(levels @ clf.weights_.astype(int) >= 0, 1, -1)  # [2, 1]: sign of the weighted sum
    np.testing.assert_array_equal(clf.decision_function(X), outputs)
    assert clf.train_correct_ == int((clf.predict(X) == y).sum())
    with pytest.raises(ValueError, match="meta=True works with input_bits=1 only"):
        QuantumBNNClassifier(meta=True, input_bits=2).fit(X, y)


# Block training lifts the parameter bound: [10, 2, 1] has 22 parameters, above max_parameters=20, and only
# a block of 4 is ever in superposition (one sweep keeps the checks' many fits quick).
BLOCK_CHECKED = QuantumBNNClassifier(
    hidden=(2,), block_size=4, sweeps=1, activation="counter", binarize="median", random_state=0
)


@parametrize_with_checks([BLOCK_CHECKED], expected_failed_checks=lambda est: EXPECTED_FAILURES, xfail_strict=True)
def test_sklearn_estimator_checks_with_block_training(estimator, check, monkeypatch):
    if check_name(check) == "check_array_api_input":
        monkeypatch.setenv("SCIPY_ARRAY_API", "1")
    check(estimator)


def test_block_training_classifier_agrees_with_the_forward_pass():
    rng = np.random.default_rng(2)
    X = rng.choice([-1, 1], size=(60, 8))
    y = np.where(X[:, 0] + X[:, 1] + X[:, 2] > 0, 1, -1)
    clf = QuantumBNNClassifier(hidden=(4,), block_size=6, activation="counter", random_state=1).fit(X, y)
    assert clf.network_.num_parameters == 36 > clf.max_parameters
    assert clf.train_correct_ == int((clf.network_.forward(X, clf.weights_) == y).sum())
    assert clf.score(X, y) == clf.train_correct_ / 60
    with pytest.raises(ValueError, match="block_size=0 must be None or an integer"):
        QuantumBNNClassifier(block_size=0).fit(X, y)


def test_unreached_target_warns_with_convergence_warning():
    """Parity of three bits has no perfect [3,2,1] network: the classifier says so (scikit-learn's way)."""
    from sklearn.exceptions import ConvergenceWarning

    from qbnn.model.data import parity_problem

    data = parity_problem(3)
    with pytest.warns(ConvergenceWarning, match="reached 6/8 correct training points, below the target"):
        clf = QuantumBNNClassifier(hidden=(2,), strategy="bbht", max_oracle_calls=60, random_state=0).fit(data.X, data.y)
    assert clf.success_ is False and clf.network_evaluations_ == clf.result_.network_evaluations


def test_classical_strategies_in_the_classifier():
    from qbnn.model.data import paper_problem

    data = paper_problem(1)
    clf = QuantumBNNClassifier(hidden=(2,), strategy="local-search", time_limit=5, random_state=0).fit(data.X, data.y)
    assert clf.score(data.X, data.y) == 1.0 and clf.forward_passes_ > 0 and clf.oracle_calls_ is None
    quantum = QuantumBNNClassifier(hidden=(2,), strategy="bbht", random_state=0).fit(data.X, data.y)
    assert quantum.forward_passes_ is None and quantum.network_evaluations_ >= quantum.oracle_calls_
    with pytest.raises(ValueError, match="time_limit bounds the classical strategies"):
        QuantumBNNClassifier(strategy="bbht", time_limit=1).fit(data.X, data.y)


def test_robust_classifier_returns_a_robust_configuration():
    """robust=R: the configuration found is one whose radius-R neighbours (here half of them) also reach the target."""
    from qbnn.landscape.roughness import robust_mask
    from qbnn.model.data import paper_problem
    from qbnn.problem import TrainingProblem

    data = paper_problem(1)
    clf = QuantumBNNClassifier(hidden=(2,), min_accuracy=0.75, robust=1, robust_fraction=0.5, random_state=2).fit(data.X, data.y)
    problem = TrainingProblem.paper(1, min_correct=6)
    mask = robust_mask(problem.good_mask, 1, 0.5)
    index = problem.network.encode(clf.weights_, clf.connections_)
    assert clf.success_ and mask[index] and mask.sum() < problem.num_solutions
    with pytest.raises(Exception, match="robust"):
        QuantumBNNClassifier(strategy="cp-sat", robust=1).fit(data.X, data.y)
