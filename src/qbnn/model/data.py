"""Datasets of binary points: the paper's two problems and validated CSV files.

Values are in {-1, +1} (docs/concepts/conventions.md); CSV files may also use 0/1,
where 0 means -1. With ``input_bits`` b > 1 features take the 2^b odd values
-(2^b-1)..2^b-1 (:mod:`qbnn.model.input_levels`); labels stay ±1. Every rejection is a
one-line :class:`~qbnn.errors.DataError`.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from pathlib import Path

import numpy as np

from qbnn.errors import DataError
from qbnn.model.input_levels import check_input_bits, levels_text

__all__ = ["Dataset", "PAPER_PROBLEMS", "paper_problem", "load_csv", "read_table", "stratified_split", "Table", "Encoding", "label_classes", "sign"]

LABEL_COLUMN = "y"


def sign(values: np.ndarray | int) -> np.ndarray:
    """The paper's sign with sign(0) = +1 (section 4.2), elementwise, as int8."""
    return np.where(np.asarray(values) >= 0, 1, -1).astype(np.int8)


@dataclass(frozen=True, eq=False)
class Dataset:
    """Training points ``X`` (points x features) with labels ``y`` in {-1, +1}.

    Features are ±1, or with ``input_bits`` b > 1 odd integers in -(2^b-1)..2^b-1.

    >>> data = paper_problem(2)
    >>> data.num_points, data.num_features
    (8, 3)
    >>> int(data.y[0]), int(data.y[-1])
    (-1, 1)
    >>> Dataset([[3, -1], [-3, 1]], [1, -1], input_bits=2).X.tolist()
    [[3, -1], [-3, 1]]
    """

    X: np.ndarray
    y: np.ndarray
    name: str = "data"
    feature_names: tuple[str, ...] = field(default=())
    input_bits: int = 1

    def __post_init__(self) -> None:
        X = np.asarray(self.X)
        y = np.asarray(self.y)
        if X.ndim != 2:
            raise DataError(f"{self.name}: X must be a 2-D array of points x features, got shape {X.shape}")
        if y.shape != (X.shape[0],):
            raise DataError(
                f"{self.name}: y must hold one label per point ({X.shape[0]}), got shape {y.shape}"
            )
        if X.shape[0] == 0:
            raise DataError(f"{self.name}: no data points; give at least one row")
        if X.shape[1] == 0:
            raise DataError(f"{self.name}: no feature columns; give at least one feature before 'y'")
        bits = check_input_bits(self.input_bits)
        X = _to_pm1(X, f"{self.name}: features") if bits == 1 else _to_levels(X, bits, f"{self.name}: features")
        y = _to_pm1(y, f"{self.name}: labels")
        names = self.feature_names or tuple(f"x{i + 1}" for i in range(X.shape[1]))
        if len(names) != X.shape[1]:
            raise DataError(f"{self.name}: {len(names)} feature names for {X.shape[1]} features")
        X.setflags(write=False)
        y.setflags(write=False)
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "feature_names", tuple(names))
        object.__setattr__(self, "input_bits", bits)

    @property
    def num_points(self) -> int:
        return int(self.X.shape[0])

    @property
    def num_features(self) -> int:
        return int(self.X.shape[1])

    def subset(self, points: Sequence[int] | np.ndarray, name: str | None = None) -> Dataset:
        """The dataset restricted to the given point indices (e.g. a minibatch)."""
        idx = np.asarray(points, dtype=np.int64)
        return Dataset(
            self.X[idx], self.y[idx], name or f"{self.name}[{len(idx)} points]", self.feature_names, self.input_bits
        )

    def with_input_bits(self, input_bits: int) -> Dataset:
        """The same points read as b-bit features (±1 data are valid at every b); b = 1 needs ±1 data."""
        if check_input_bits(input_bits) == self.input_bits:
            return self
        return Dataset(self.X, self.y, self.name, self.feature_names, input_bits)

    def to_dict(self) -> dict:
        out = {"name": self.name, "X": self.X.tolist(), "y": self.y.tolist(), "features": list(self.feature_names)}
        if self.input_bits > 1:
            out["input_bits"] = self.input_bits
        return out


def _to_pm1(values: np.ndarray, what: str) -> np.ndarray:
    """Map {-1,+1} or {0,1} values to int8 {-1,+1}; refuse anything else."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise DataError(f"{what} must be numbers in -1/+1 or 0/1") from None
    if not np.all(np.isfinite(arr)):
        raise DataError(f"{what} contain NaN or infinity; use only -1/+1 or 0/1")
    bad = ~np.isin(arr, (-1.0, 0.0, 1.0))
    if bad.any():
        raise DataError(f"{what} contain {arr[bad].flat[0]:g}; use only -1/+1 or 0/1")
    has_zero = bool((arr == 0).any())
    has_minus = bool((arr == -1).any())
    if has_zero and has_minus:
        raise DataError(f"{what} mix 0 and -1; use either -1/+1 or 0/1, not both")
    return np.where(arr > 0, 1, -1).astype(np.int8)


def _to_levels(values: np.ndarray, input_bits: int, what: str) -> np.ndarray:
    """b-bit features as int8: odd integers in -(2^b-1)..2^b-1; refuse anything else."""
    allowed = levels_text(input_bits)
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise DataError(
            f"{_literal(what)} must be numbers; with {{input_bits}} use {allowed}", input_bits=input_bits
        ) from None
    top = (1 << input_bits) - 1
    good = np.isfinite(arr) & (np.abs(arr) <= top) & (np.mod(arr, 2) == 1)
    if not good.all():
        point, feature = (int(i) for i in np.argwhere(~good)[0])
        raise DataError(
            f"{_literal(what)}: point {point}, feature {feature} is {arr[point, feature]:g}; "
            f"with {{input_bits}} use {allowed}",
            input_bits=input_bits,
        )
    return arr.astype(np.int8)


def _all_points(num_features: int) -> np.ndarray:
    """All 2^n points in {-1,+1}^n, x1 most significant (the paper's order)."""
    return np.array(list(itertools.product((-1, 1), repeat=num_features)), dtype=np.int8)


def _problem_1(X: np.ndarray) -> np.ndarray:
    return sign(X[:, 2] * X[:, 0] + X[:, 1])


def _problem_2(X: np.ndarray) -> np.ndarray:
    return sign(X[:, 0] + X[:, 1] + X[:, 2])


PAPER_PROBLEMS = {
    1: ("problem 1: y = sign(x3*x1 + x2)", _problem_1),
    2: ("problem 2: y = sign(x1 + x2 + x3)", _problem_2),
}


def paper_problem(number: int) -> Dataset:
    """Problem 1 or 2 of paper section 4.2: all eight points of three binary features."""
    if number not in PAPER_PROBLEMS:
        raise DataError(f"unknown paper problem {number!r}; choose 1 or 2")
    name, label = PAPER_PROBLEMS[number]
    X = _all_points(3)
    return Dataset(X, label(X), name=name)


def parity_problem(num_features: int = 3) -> Dataset:
    """n-bit parity over all 2^n points: +1 iff an even number of features are -1 (no perfect [n,2,1] fit)."""
    X = _all_points(num_features)
    y = np.where((X == -1).sum(axis=1) % 2 == 0, 1, -1).astype(np.int8)
    return Dataset(X, y, name=f"{num_features}-bit parity")


#: Cells read as a missing value (case-insensitive), besides an empty cell.
MISSING_TOKENS = frozenset({"na", "nan", "n/a", "null", "none", "?", "-"})


@dataclass(frozen=True, eq=False)
class Table:
    """A CSV file as read, before any encoding: numeric feature columns and the label column's text.

    ``lines`` holds each row's line number in the file (for error messages); ``features`` are floats
    (a missing value is refused when the file is read); ``cells`` keeps the feature cells as written.
    """

    name: str
    path: str
    feature_names: tuple[str, ...]
    features: np.ndarray  # points x features, float64
    cells: np.ndarray  # points x features, the text as written (stripped)
    labels: np.ndarray  # points, the label cells' text (stripped)
    label_column: str
    lines: np.ndarray  # points, line numbers in the file

    @property
    def num_points(self) -> int:
        return int(self.features.shape[0])

    def subset(self, rows: Sequence[int] | np.ndarray) -> Table:
        """The rows given (e.g. the training part of a split), in that order."""
        idx = np.asarray(rows, dtype=np.int64)
        return Table(
            self.name, self.path, self.feature_names, self.features[idx], self.cells[idx], self.labels[idx],
            self.label_column, self.lines[idx],
        )


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def read_table(path: str | Path, label: str | None = None, *, require_label: bool = True) -> Table:
    """Read a comma-separated file with a header row: numeric feature columns and one label column.

    ``label`` names the label column (any position); by default it is the column ``y``. With
    ``require_label=False`` a file without the label column is read with empty labels (new points
    to predict). Every problem is one line naming the file, what is wrong and what to do: a file
    without a header row, a missing value, a non-numeric feature cell, rows of the wrong length.
    """
    path = Path(path)
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataError(f"{_literal(where)}: file not found; check the path") from None
    except IsADirectoryError:
        raise DataError(f"{_literal(where)}: is a directory; give a CSV file") from None
    except UnicodeDecodeError:
        raise DataError(f"{_literal(where)}: not a text file; give a UTF-8 CSV file") from None
    except OSError as exc:
        raise DataError(f"{_literal(where)}: cannot be read ({exc.strerror}); check the path and permissions") from None
    where = _literal(where)
    lines = text.splitlines()
    numbered = [  # (line number in the file, counting blank lines, cells)
        (number, row) for number, row in enumerate(csv.reader(lines), start=1) if any(cell.strip() for cell in row)
    ]
    if not numbered:
        raise DataError(f"{where}: file is empty; give a header row, feature columns and a label column")
    first = lines[numbered[0][0] - 1]
    for separator, name in ((";", "semicolons"), ("\t", "tabs")):
        if separator in first and "," not in first:
            raise DataError(
                f"{where}: the columns are separated by {name}, but qbnn reads comma-separated files; "
                "save it with commas (e.g. pandas: df.to_csv(path, index=False))"
            )
    rows = [row for _, row in numbered]
    header = [cell.strip() for cell in rows[0]]
    if len(header) > 1 and all(_is_number(name) for name in header):
        raise DataError(
            f"{where}: the first row ({_literal(','.join(header[:4]))}{',...' if len(header) > 4 else ''}) holds numbers, "
            "so the file has no header row; add a first row naming the columns (e.g. x1,x2,y)"
        )
    if any(not name for name in header):
        raise DataError(f"{where}: header has an empty column name; name every column")
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise DataError(f"{where}: duplicate column name '{_literal(name)}' in the header; make names unique")
        seen.add(name)
    column = LABEL_COLUMN if label is None else str(label).strip()
    if column not in header:
        if not require_label:
            column_index = None
        elif label is None:
            raise DataError(
                f"{where}: no label column 'y'; name the label column with {{label}} (columns: "
                f"{_literal(', '.join(header[:8]))}{', ...' if len(header) > 8 else ''})",
                label=...,
            )
        else:
            raise DataError(
                f"{where}: has no column {{label}}; the columns are {_literal(', '.join(header[:8]))}"
                f"{', ...' if len(header) > 8 else ''}",
                label=column,
            )
    if column in header:
        column_index = header.index(column)
    feature_columns = [i for i in range(len(header)) if i != column_index]
    if not feature_columns:
        raise DataError(f"{where}: no feature columns; give feature columns beside the label '{_literal(column)}'")
    body = numbered[1:]
    if not body:
        raise DataError(f"{where}: header only, no data rows; add at least one point")
    for line, row in body:
        if len(row) != len(header):
            raise DataError(
                f"{where}: line {line} has {len(row)} values but the header has {len(header)} columns; "
                "give one value per column"
            )
    cells = np.char.strip(np.array([row for _, row in body], dtype=str))
    lines_of = np.array([line for line, _ in body], dtype=np.int64)
    missing = (cells == "") | np.isin(np.char.lower(cells), list(MISSING_TOKENS))
    if missing.any():
        position, col = (int(i) for i in np.argwhere(missing)[0])
        shown = "empty" if cells[position, col] == "" else f"{_literal(cells[position, col])!r}"
        raise DataError(
            f"{where}: line {lines_of[position]}, column '{_literal(header[col])}' is a missing value ({shown}); "
            f"qbnn does not impute: fill in or drop the {int(missing.any(axis=1).sum())} row(s) with missing values"
        )
    feature_cells = cells[:, feature_columns]
    try:
        features = feature_cells.astype(np.float64)
    except ValueError:
        features = None
    if features is None or not np.isfinite(features).all():
        for position in range(feature_cells.shape[0]):
            for j, col in enumerate(feature_columns):
                cell = feature_cells[position, j]
                if not _is_number(cell) or not np.isfinite(float(cell)):
                    raise DataError(
                        f"{where}: line {lines_of[position]}, column '{_literal(header[col])}' has {_literal(repr(str(cell)))}; "
                        f"features must be numbers (is '{_literal(header[col])}' the label? name it with {{label}})",
                        label=...,
                    )
    labels = cells[:, column_index] if column_index is not None else np.full(len(body), "", dtype=str)
    return Table(
        name=path.name, path=str(path), feature_names=tuple(header[i] for i in feature_columns),
        features=features, cells=feature_cells, labels=labels, label_column=column, lines=lines_of,
    )


def stratified_split(
    labels: Sequence | np.ndarray, fraction: float, seed: int = 0, *, where: str = "data"
) -> tuple[np.ndarray, np.ndarray]:
    """Row indices (training, held out): ``fraction`` of each class held out at random (seeded), in file order.

    Each class keeps at least one training row and gives at least one held-out row when it has two or more.

    >>> [part.tolist() for part in stratified_split(["a", "a", "a", "a", "b", "b"], 0.5, seed=0)]
    [[1, 3, 4], [0, 2, 5]]
    """
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    held: list[int] = []
    for value in np.unique(labels):
        rows = np.flatnonzero(labels == value)
        count = int(round(fraction * rows.size))
        count = min(max(count, 1 if rows.size > 1 else 0), rows.size - 1)
        held.extend(rng.permutation(rows)[:count].tolist())
    if not held:
        raise DataError(
            f"{_literal(where)}: too few rows to hold any out with {{test_fraction}}; give more rows or a {{test}} file",
            test_fraction=fraction, test=...,
        )
    test = np.sort(np.array(held, dtype=np.int64))
    train = np.setdiff1d(np.arange(labels.size), test)
    return train, test


def load_csv(
    path: str | Path, input_bits: int = 1, *, label: str | None = None, binarize: str | None = None
) -> Dataset:
    """Read a CSV with a header row, feature columns and a label column (``y``, or ``label``, anywhere).

    Without ``binarize`` features are -1/+1 or 0/1, or with ``input_bits`` b > 1 odd integers in
    -(2^b-1)..2^b-1. With ``binarize="median"`` (b = 1) or ``"quantile"`` real features are cut at
    their quantiles in this file (:class:`qbnn.model.encoding.Encoding`). The label column holds any
    two distinct values (numbers or text): the first in sorted order becomes -1, the other +1.

    Every problem is reported as one line naming the file, what is wrong and
    what to do, e.g. ``data.csv: line 3, column 'a' is a missing value (empty); ...``.
    """
    table = read_table(path, label)
    return Encoding.fit(table, binarize=binarize, input_bits=input_bits).dataset(table)


def _literal(text: str) -> str:
    """``text`` safe inside an error template (braces doubled, so it is not read as a placeholder)."""
    return text.replace("{", "{{").replace("}", "}}")


# --- the encoding of a raw table (qbnn.model.encoding) ------------------------------------

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
        from qbnn.model.quantize import QuantileQuantizer  # sklearn, imported when used

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
    from qbnn.model.quantize import QuantileQuantizer  # sklearn, imported when used

    return QuantileQuantizer(input_bits=bits).fit(np.asarray(features, dtype=np.float64)).thresholds_
