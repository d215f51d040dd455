"""How a raw table becomes the ±1 points a BNN sees, fitted on training rows and saved with the model.

An :class:`Encoding` holds the two classes of the label column (the first in sorted
order is -1, the other +1; numbers sort as numbers, text as text, as
``numpy.unique`` and scikit-learn's ``classes_`` do), the feature columns by name,
and how features are encoded: as given (-1/+1 or 0/1, or b-bit odd levels), or cut
at quantiles of the training rows (``binarize="median"``: one bit, above the median
is +1; ``"quantile"``: 2^b levels) by :class:`qbnn.model.quantize.QuantileQuantizer`,
the transformer the scikit-learn classifier uses too. ``qbnn train --save`` writes
it to the model file and ``qbnn predict`` applies it to new rows.

The class is defined in :mod:`qbnn.model.data` beside the CSV reader that uses it
(``load_csv`` fits one; one module keeps the import graph free of cycles).
"""

from __future__ import annotations

from qbnn.model.data import BINARIZE_CHOICES, Encoding, label_classes

__all__ = ["Encoding", "BINARIZE_CHOICES", "label_classes"]
