"""QuantileQuantizer: scikit-learn's transformer checks, odd levels at quantiles, b = 1 is the median split."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from qbnn.classifier import MedianBinarizer
from qbnn.model.input_levels import feature_levels
from qbnn.model.quantize import QuantileQuantizer


@parametrize_with_checks([QuantileQuantizer(input_bits=2)])
def test_sklearn_transformer_checks(estimator, check, monkeypatch):
    if getattr(check, "func", check).__name__ == "check_array_api_input":
        monkeypatch.setenv("SCIPY_ARRAY_API", "1")  # otherwise scikit-learn skips it; NumPy only, as the classifier
    check(estimator)


@settings(max_examples=30, deadline=None)
@given(bits=st.integers(1, 4), seed=st.integers(0, 2**31), points=st.integers(16, 200))
def test_levels_are_odd_monotone_and_about_equally_frequent(bits, seed, points):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(points, 2))  # distinct values
    out = QuantileQuantizer(input_bits=bits).fit_transform(X)
    assert set(np.unique(out)) <= set(feature_levels(bits).tolist())
    for f in range(2):
        order = np.argsort(X[:, f])
        assert (np.diff(out[order, f].astype(int)) >= 0).all()  # larger values never get a lower level
        counts = np.array([(out[:, f] == v).sum() for v in feature_levels(bits)])
        assert counts.max() - counts.min() <= 2  # quantile bins: equal up to the rounding of n / 2^b


def test_one_bit_is_the_median_binarizer():
    X = np.random.default_rng(0).normal(size=(41, 3))
    np.testing.assert_array_equal(QuantileQuantizer(input_bits=1).fit_transform(X), MedianBinarizer().fit_transform(X))


def test_usable_alone_in_a_pipeline_and_refuses_bad_bits():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    pipe = make_pipeline(QuantileQuantizer(input_bits=3), LogisticRegression()).fit(X, y)
    assert pipe.score(X, y) > 0.8
    assert set(np.unique(pipe[0].transform(X))) <= set(feature_levels(3).tolist())
    with pytest.raises(ValueError, match="input_bits=7 must be an integer 1..6"):
        QuantileQuantizer(input_bits=7).fit(X)
