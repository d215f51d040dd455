"""``QuantileQuantizer``: real features -> the 2^b odd levels of b-bit inputs, cut at training-set quantiles.

Each feature is cut at its training quantiles 1/L, 2/L, ..., (L-1)/L (L = 2^b)
into L bins of about equal training frequency, and bin i becomes the odd value
2i - (L-1): -(2^b-1), ..., -1, 1, ..., 2^b-1 (:mod:`qbnn.model.input_levels`). With b = 1
that is the median split of :class:`qbnn.classifier.MedianBinarizer` (above
the median -> +1). A scikit-learn transformer: use it alone, in a ``Pipeline``
before a :class:`~qbnn.classifier.QuantumBNNClassifier` or before any other
model (the demo gives logistic regression the same quantised features).
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from qbnn.model.input_levels import MAX_INPUT_BITS

__all__ = ["QuantileQuantizer"]


class QuantileQuantizer(TransformerMixin, BaseEstimator):
    """Map each feature to the odd levels -(2^b-1)..2^b-1 at its training quantiles.

    Parameters
    ----------
    input_bits : int
        b, 1..6: 2^b levels per feature.

    Attributes
    ----------
    thresholds_ : array (n_features, 2^b - 1)
        The training quantiles; a value above exactly i of a feature's thresholds gets level 2i - (2^b - 1).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.arange(8.0).reshape(-1, 1)
    >>> QuantileQuantizer(input_bits=2).fit_transform(X).ravel().tolist()
    [-3, -3, -1, -1, 1, 1, 3, 3]
    >>> QuantileQuantizer(input_bits=1).fit_transform(np.array([[0.1], [0.5], [0.9]])).ravel().tolist()
    [-1, -1, 1]
    """

    def __init__(self, input_bits=2):
        self.input_bits = input_bits

    def fit(self, X, y=None):
        """Learn each feature's quantiles on ``X``; ``y`` is ignored."""
        b = self.input_bits
        if not isinstance(b, numbers.Integral) or isinstance(b, bool) or not 1 <= b <= MAX_INPUT_BITS:
            raise ValueError(
                f"{type(self).__name__}: input_bits={b!r} must be an integer 1..{MAX_INPUT_BITS}"
            )
        X = validate_data(self, X, dtype=np.float64)
        levels = 1 << int(b)
        self.thresholds_ = np.quantile(X, np.arange(1, levels) / levels, axis=0).T.reshape(X.shape[1], levels - 1)
        return self

    def transform(self, X):
        """The odd level of every value: 2 (thresholds below it) - (2^b - 1), as int8."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        above = (X[:, :, None] > self.thresholds_[None, :, :]).sum(axis=2)
        return (2 * above - (self.thresholds_.shape[1])).astype(np.int8)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []  # the output is int8 levels whatever the input dtype
        return tags
