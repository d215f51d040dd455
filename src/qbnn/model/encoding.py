"""How a raw table becomes the ±1 points a BNN sees, fitted on training rows and saved with the model.

An :class:`Encoding` holds the two classes of the label column (the first in sorted
order is -1, the other +1; numbers sort as numbers, text as text, as
``numpy.unique`` and scikit-learn's ``classes_`` do), the feature columns by name,
and how features are encoded: as given (-1/+1 or 0/1, or b-bit odd levels), or cut
at quantiles of the training rows (``binarize="median"``: one bit, above the median
is +1; ``"quantile"``: 2^b levels) by :class:`qbnn.model.quantize.QuantileQuantizer`,
the transformer the scikit-learn classifier uses too. ``qbnn train --save`` writes
it to the model file and ``qbnn predict`` applies it to new rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from qbnn.errors import DataError
from qbnn.model.data import Dataset, Table, _is_number, _literal, _to_pm1
from qbnn.model.input_levels import check_input_bits, levels_text

__all__ = ["Encoding", "BINARIZE_CHOICES", "label_classes"]

BINARIZE_CHOICES = ("median", "quantile")


def label_classes(table: Table) -> tuple[Any, Any]:
    """The two classes of the table's label column, in the order (-1, +1); one line for anything else."""
    where = f"{_literal(table.path)}: label column '{_literal(table.label_column)}'"
    distinct = np.unique(table.labels)
    if all(_is_number(v) for v in distinct):
        numbers = sorted({float(v) for v in distinct})
        classes: list[Any] = [int(v) if v.is_integer() else v for v in numbers]
    else:
        classes = [str(v) for v in distinct]
    if len(classes) > 2:
        shown = ", ".join(repr(c) for c in classes[:4]) + (", ..." if len(classes) > 4 else "")
        raise DataError(
            f"{where} has {len(classes)} classes ({_literal(shown)}); qbnn does binary classification only; "
            "use one-vs-rest from Python (sklearn.multiclass.OneVsRestClassifier(qbnn.QuantumBNNClassifier()))"
        )
    if len(classes) == 1:
        only = classes[0]
        if only in (0, -1):
            return (only, 1)
        if only == 1:
            return (-1, 1)  # a file of ±1 or 0/1 labels that happens to hold only positives
        raise DataError(f"{where} holds only {_literal(repr(only))}; give points of two classes")
    return (classes[0], classes[1])


@dataclass(frozen=True)
class Encoding:
    """Label classes, feature columns and the fitted feature encoding of a raw table (see the module)."""

    label_column: str
    classes: tuple[Any, Any]  # (class read as -1, class read as +1)
    feature_names: tuple[str, ...]
    input_bits: int = 1
    binarize: str | None = None  # None: features given as -1/+1, 0/1 or b-bit levels
    thresholds: tuple[tuple[float, ...], ...] | None = None  # per feature, 2^b - 1 training quantiles

    @classmethod
    def fit(cls, table: Table, *, binarize: str | None = None, input_bits: int = 1) -> Encoding:
        """Fit on the training rows of ``table``: its classes and, with ``binarize``, its quantiles."""
        bits = check_input_bits(input_bits)
        if binarize is not None and binarize not in BINARIZE_CHOICES:
            raise DataError(f"{{binarize}} must be one of {', '.join(BINARIZE_CHOICES)}", binarize=binarize)
        if binarize == "median" and bits > 1:
            raise DataError(
                "{binarize} gives one bit per feature; with {input_bits} cut at quantiles instead (quantile)",
                binarize="median", input_bits=bits,
            )
        thresholds = None
        if binarize is not None:
            thresholds = tuple(tuple(float(t) for t in row) for row in _quantizer_fit(table.features, bits))
        encoding = cls(table.label_column, label_classes(table), table.feature_names, bits, binarize, thresholds)
        encoding.features(table)  # features given as levels are checked now, naming the first bad cell
        return encoding

    # --- applying it ------------------------------------------------------------------------

    def _columns(self, table: Table) -> np.ndarray:
        """The indices of this encoding's features in ``table`` (by name; other columns are ignored)."""
        missing = [name for name in self.feature_names if name not in table.feature_names]
        if missing:
            raise DataError(
                f"{_literal(table.path)}: has no column '{_literal(missing[0])}' (the model was trained on "
                f"{_literal(', '.join(self.feature_names[:8]))}{', ...' if len(self.feature_names) > 8 else ''})"
            )
        return np.array([table.feature_names.index(name) for name in self.feature_names], dtype=np.int64)

    def features(self, table: Table) -> np.ndarray:
        """The table's features as the network sees them (int8 ±1 or b-bit odd levels)."""
        columns = self._columns(table)
        values, cells = table.features[:, columns], table.cells[:, columns]
        if self.thresholds is not None:
            return self.transform(values)
        where = _literal(table.path)
        if self.input_bits == 1:
            bad = ~np.isin(values, (-1.0, 0.0, 1.0))
            if bad.any():
                point, feature = (int(i) for i in np.argwhere(bad)[0])
                raise DataError(
                    f"{where}: line {table.lines[point]}, column '{_literal(self.feature_names[feature])}' has "
                    f"{_literal(repr(str(cells[point, feature])))}; use only -1/+1 or 0/1, or cut real values "
                    "with {binarize} median",
                    binarize=...,
                )
            return _to_pm1(values, f"{where}: features")
        top = (1 << self.input_bits) - 1
        good = (np.abs(values) <= top) & (np.mod(values, 2) == 1)
        if not good.all():
            point, feature = (int(i) for i in np.argwhere(~good)[0])
            raise DataError(
                f"{where}: line {table.lines[point]}, column '{_literal(self.feature_names[feature])}' has "
                f"{_literal(repr(str(cells[point, feature])))}; with {{input_bits}} use {levels_text(self.input_bits)}, "
                "or quantise real values with {binarize} quantile",
                input_bits=self.input_bits, binarize=...,
            )
        return values.astype(np.int8)

    def transform(self, values: np.ndarray) -> np.ndarray:
        """Real feature values (points x features) cut at the fitted quantiles (needs ``binarize``)."""
        assert self.thresholds is not None
        from qbnn.model.quantize import QuantileQuantizer

        thresholds = np.asarray(self.thresholds, dtype=np.float64).reshape(len(self.feature_names), -1)
        quantizer = QuantileQuantizer(input_bits=1 if self.binarize == "median" else self.input_bits)
        quantizer.thresholds_, quantizer.n_features_in_ = thresholds, thresholds.shape[0]  # the fitted state, restored
        return quantizer.transform(np.asarray(values, dtype=np.float64))

    def labels(self, table: Table) -> np.ndarray:
        """The table's labels as ±1 (int8); a label that is neither class is one line naming its line."""
        if self.classes[0] == self.classes[1]:
            raise DataError("an encoding needs two distinct classes")
        numeric = all(isinstance(c, (int, float)) for c in self.classes)
        out = np.zeros(table.num_points, dtype=np.int8)
        for sign, cls in ((-1, self.classes[0]), (1, self.classes[1])):
            if numeric:
                hit = np.array([_is_number(v) and float(v) == float(cls) for v in table.labels], dtype=bool)
            else:
                hit = table.labels == str(cls)
            out[hit] = sign
        if (out == 0).any():
            point = int(np.flatnonzero(out == 0)[0])
            raise DataError(
                f"{_literal(table.path)}: line {table.lines[point]}, label column '{_literal(table.label_column)}' has "
                f"{_literal(repr(str(table.labels[point])))}, which is neither class of the training data "
                f"({_literal(repr(self.classes[0]))}, {_literal(repr(self.classes[1]))})"
            )
        return out

    def dataset(self, table: Table, name: str | None = None) -> Dataset:
        """The table as a :class:`Dataset` of encoded features and ±1 labels."""
        return Dataset(
            self.features(table), self.labels(table), name=name or table.name,
            feature_names=self.feature_names, input_bits=self.input_bits,
        )

    def decode(self, outputs: Sequence[int] | np.ndarray) -> list:
        """Network outputs (±1) as the label column's classes."""
        return [self.classes[1] if int(v) > 0 else self.classes[0] for v in np.asarray(outputs)]

    # --- the model file ---------------------------------------------------------------------

    @property
    def label_mapping(self) -> dict[str, int]:
        """Class (as text) -> ±1, as reported in JSON."""
        return {str(self.classes[0]): -1, str(self.classes[1]): 1}

    def to_json(self) -> dict[str, Any]:
        return {
            "label_column": self.label_column,
            "classes": list(self.classes),
            "label_mapping": self.label_mapping,
            "features": list(self.feature_names),
            "input_bits": self.input_bits,
            "binarize": self.binarize,
            "thresholds": None if self.thresholds is None else [list(t) for t in self.thresholds],
        }

    @classmethod
    def from_json(cls, payload: dict[str, Any]) -> Encoding:
        try:
            thresholds = payload.get("thresholds")
            return cls(
                label_column=str(payload["label_column"]),
                classes=(payload["classes"][0], payload["classes"][1]),
                feature_names=tuple(str(f) for f in payload["features"]),
                input_bits=int(payload.get("input_bits", 1)),
                binarize=payload.get("binarize"),
                thresholds=None if thresholds is None else tuple(tuple(float(v) for v in row) for row in thresholds),
            )
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise DataError(f"the model's encoding is incomplete ({type(exc).__name__}: {_literal(str(exc))})") from None


def _quantizer_fit(features: np.ndarray, bits: int) -> np.ndarray:
    from qbnn.model.quantize import QuantileQuantizer

    return QuantileQuantizer(input_bits=bits).fit(np.asarray(features, dtype=np.float64)).thresholds_
