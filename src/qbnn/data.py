"""Datasets of binary points: the paper's two problems and validated CSV files.

Values are in {-1, +1} (DESIGN.md section 1); CSV files may also use 0/1,
where 0 means -1. Every rejection is a one-line :class:`~qbnn.errors.DataError`.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from qbnn.errors import DataError

__all__ = ["Dataset", "PAPER_PROBLEMS", "paper_problem", "load_csv", "sign"]

LABEL_COLUMN = "y"


def sign(values: np.ndarray | int) -> np.ndarray:
    """The paper's sign with sign(0) = +1 (section 4.2), elementwise, as int8."""
    return np.where(np.asarray(values) >= 0, 1, -1).astype(np.int8)


@dataclass(frozen=True, eq=False)
class Dataset:
    """Binary training points ``X`` (points x features) with labels ``y``, all in {-1, +1}.

    >>> data = paper_problem(2)
    >>> data.num_points, data.num_features
    (8, 3)
    >>> int(data.y[0]), int(data.y[-1])
    (-1, 1)
    """

    X: np.ndarray
    y: np.ndarray
    name: str = "data"
    feature_names: tuple[str, ...] = field(default=())

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
        X = _to_pm1(X, f"{self.name}: features")
        y = _to_pm1(y, f"{self.name}: labels")
        names = self.feature_names or tuple(f"x{i + 1}" for i in range(X.shape[1]))
        if len(names) != X.shape[1]:
            raise DataError(f"{self.name}: {len(names)} feature names for {X.shape[1]} features")
        X.setflags(write=False)
        y.setflags(write=False)
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "feature_names", tuple(names))

    @property
    def num_points(self) -> int:
        return int(self.X.shape[0])

    @property
    def num_features(self) -> int:
        return int(self.X.shape[1])

    def subset(self, points: Sequence[int] | np.ndarray, name: str | None = None) -> Dataset:
        """The dataset restricted to the given point indices (e.g. a minibatch)."""
        idx = np.asarray(points, dtype=np.int64)
        return Dataset(self.X[idx], self.y[idx], name or f"{self.name}[{len(idx)} points]", self.feature_names)

    def to_dict(self) -> dict:
        return {"name": self.name, "X": self.X.tolist(), "y": self.y.tolist(), "features": list(self.feature_names)}


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


def load_csv(path: str | Path) -> Dataset:
    """Read a CSV with a header row, feature columns, then the label column ``y``.

    Every problem is reported as one line naming the file, what is wrong and
    what to do, e.g. ``data.csv: column 'y' is missing; the last column must be the label 'y'``.
    """
    path = Path(path)
    label = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataError(f"{label}: file not found; check the path") from None
    except IsADirectoryError:
        raise DataError(f"{label}: is a directory; give a CSV file") from None
    except UnicodeDecodeError:
        raise DataError(f"{label}: not a text file; give a UTF-8 CSV file") from None
    except OSError as exc:
        raise DataError(f"{label}: cannot be read ({exc.strerror}); check the path and permissions") from None
    rows = [row for row in csv.reader(text.splitlines()) if any(cell.strip() for cell in row)]
    if not rows:
        raise DataError(f"{label}: file is empty; give a header row, feature columns and a label column 'y'")
    header = [cell.strip() for cell in rows[0]]
    if any(not name for name in header):
        raise DataError(f"{label}: header has an empty column name; name every column")
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise DataError(f"{label}: duplicate column name '{name}' in the header; make names unique")
        seen.add(name)
    if LABEL_COLUMN not in header:
        raise DataError(f"{label}: column 'y' is missing; the last column must be the label 'y'")
    if header[-1] != LABEL_COLUMN:
        raise DataError(f"{label}: column 'y' must be the last column; move the label to the end")
    if len(header) < 2:
        raise DataError(f"{label}: no feature columns; put feature columns before 'y'")
    body = rows[1:]
    if not body:
        raise DataError(f"{label}: header only, no data rows; add at least one point")
    values = np.empty((len(body), len(header)), dtype=np.float64)
    for line, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise DataError(
                f"{label}: line {line} has {len(row)} values but the header has {len(header)} columns; "
                "give one value per column"
            )
        for col, cell in enumerate(row):
            cell = cell.strip()
            try:
                number = float(cell)
            except ValueError:
                raise DataError(
                    f"{label}: line {line}, column '{header[col]}' has {cell!r}; use only -1/+1 or 0/1"
                ) from None
            if number not in (-1.0, 0.0, 1.0):
                raise DataError(
                    f"{label}: line {line}, column '{header[col]}' has {cell!r}; use only -1/+1 or 0/1"
                )
            values[line - 2, col] = number
    X = _to_pm1(values[:, :-1], f"{label}: features")
    y = _to_pm1(values[:, -1], f"{label}: labels")
    return Dataset(X, y, name=path.name, feature_names=tuple(header[:-1]))
