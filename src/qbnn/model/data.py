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
from pathlib import Path

import numpy as np

from qbnn.errors import DataError
from qbnn.model.input_levels import check_input_bits, levels_text

__all__ = ["Dataset", "PAPER_PROBLEMS", "paper_problem", "load_csv", "sign"]

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


def load_csv(path: str | Path, input_bits: int = 1) -> Dataset:
    """Read a CSV with a header row, feature columns, then the label column ``y``.

    Features are -1/+1 or 0/1, or with ``input_bits`` b > 1 odd integers in -(2^b-1)..2^b-1.

    Every problem is reported as one line naming the file, what is wrong and
    what to do, e.g. ``data.csv: column 'y' is missing; the last column must be the label 'y'``.
    """
    path = Path(path)
    label = str(path)
    bits = check_input_bits(input_bits)
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
    lines = text.splitlines()
    numbered = [  # (line number in the file, counting blank lines, cells)
        (number, row) for number, row in enumerate(csv.reader(lines), start=1) if any(cell.strip() for cell in row)
    ]
    if not numbered:
        raise DataError(f"{label}: file is empty; give a header row, feature columns and a label column 'y'")
    first = lines[numbered[0][0] - 1]
    for separator, name in ((";", "semicolons"), ("\t", "tabs")):
        if separator in first and "," not in first:
            raise DataError(
                f"{label}: the columns are separated by {name}, but qbnn reads comma-separated files; "
                "save it with commas (e.g. pandas: df.to_csv(path, index=False))"
            )
    rows = [row for _, row in numbered]
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
    body = numbered[1:]
    if not body:
        raise DataError(f"{label}: header only, no data rows; add at least one point")
    for line, row in body:
        if len(row) != len(header):
            raise DataError(
                f"{label}: line {line} has {len(row)} values but the header has {len(header)} columns; "
                "give one value per column"
            )
    values = _parse_cells_fast(body, bits)
    if values is None:  # some cell is wrong: find the first one, cell by cell, and name it
        values = _parse_cells(label, header, body, bits)
    X = _to_pm1(values[:, :-1], f"{label}: features") if bits == 1 else _to_levels(values[:, :-1], bits, label)
    y = _to_pm1(values[:, -1], f"{label}: labels")
    return Dataset(X, y, name=path.name, feature_names=tuple(header[:-1]), input_bits=bits)


def _parse_cells_fast(body: list[tuple[int, list[str]]], input_bits: int) -> np.ndarray | None:
    """All cells as numbers at once (vectorised), or None when any cell is not a valid value."""
    try:
        values = np.char.strip(np.array([row for _, row in body], dtype=str)).astype(np.float64)
    except ValueError:
        return None
    features, labels = values[:, :-1], values[:, -1]
    if not np.isin(labels, (-1.0, 0.0, 1.0)).all():
        return None
    if input_bits == 1:
        return values if np.isin(features, (-1.0, 0.0, 1.0)).all() else None
    top = (1 << input_bits) - 1
    good = np.isfinite(features) & (np.abs(features) <= top) & (np.mod(features, 2) == 1)
    return values if good.all() else None


def _parse_cells(label: str, header: list[str], body: list[tuple[int, list[str]]], bits: int) -> np.ndarray:
    """Cell by cell, raising a one-line error naming the file's line and the column of the first bad cell."""
    values = np.empty((len(body), len(header)), dtype=np.float64)
    for position, (line, row) in enumerate(body):
        for col, cell in enumerate(row):
            cell = cell.strip()
            try:
                number = float(cell)
            except ValueError:
                if bits > 1 and col < len(header) - 1:
                    _check_level_cell(None, bits, f"{label}: line {line}, column '{header[col]}' has {cell!r}")
                raise DataError(
                    f"{label}: line {line}, column '{header[col]}' has {cell!r}; use only -1/+1 or 0/1"
                ) from None
            if bits > 1 and col < len(header) - 1:
                _check_level_cell(number, bits, f"{label}: line {line}, column '{header[col]}' has {cell!r}")
            elif number not in (-1.0, 0.0, 1.0):
                raise DataError(
                    f"{label}: line {line}, column '{header[col]}' has {cell!r}; use only -1/+1 or 0/1"
                )
            values[position, col] = number
    return values


def _check_level_cell(number: float | None, input_bits: int, where: str) -> None:
    """One CSV feature cell of a b-bit file: an odd integer within ±(2^b-1), else a one-line error."""
    top = (1 << input_bits) - 1
    if number is None or not (np.isfinite(number) and abs(number) <= top and number % 2 == 1):
        raise DataError(
            f"{_literal(where)}; with {{input_bits}} use {levels_text(input_bits)}", input_bits=input_bits
        )


def _literal(text: str) -> str:
    """``text`` safe inside an error template (braces doubled, so it is not read as a placeholder)."""
    return text.replace("{", "{{").replace("}", "}}")
