"""Datasets: the paper's problems and CSV validation with one-line errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qbnn.model.data import Dataset, load_csv, paper_problem, parity_problem, sign
from qbnn.errors import DataError



def test_sign_of_zero_is_plus_one():
    assert sign(np.array([-2, -1, 0, 1, 3])).tolist() == [-1, -1, 1, 1, 1]


@pytest.mark.parametrize("number", [1, 2])
def test_paper_problems_follow_their_equations(number):
    data = paper_problem(number)
    x1, x2, x3 = data.X.T.astype(int)
    expected = np.sign(x3 * x1 + x2) if number == 1 else np.sign(x1 + x2 + x3)
    expected = np.where(expected >= 0, 1, -1)
    assert data.X.shape == (8, 3)
    assert len({tuple(row) for row in data.X.tolist()}) == 8
    assert data.y.tolist() == expected.tolist()


@pytest.mark.parametrize("number", [1, 2])
def test_paper_problems_match_reference_file(number, reference):
    ref = reference[f"problem{number}"]
    data = paper_problem(number)
    assert data.X.tolist() == ref["X"]
    assert data.y.tolist() == ref["y"]


def test_parity_has_even_number_of_minus_ones():
    data = parity_problem(3)
    assert all(((row == -1).sum() % 2 == 0) == (label == 1) for row, label in zip(data.X, data.y))


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "data.csv"
    path.write_text(text)
    return path


def test_csv_with_zero_one_values_maps_zero_to_minus_one(tmp_path):
    data = load_csv(write(tmp_path, "a,b,y\n0,1,1\n1,0,0\n"))
    assert data.X.tolist() == [[-1, 1], [1, -1]]
    assert data.y.tolist() == [1, -1]
    assert data.feature_names == ("a", "b")


def test_csv_with_plus_minus_values(tmp_path):
    data = load_csv(write(tmp_path, "x1,x2,x3,y\n-1,1,-1,1\n+1,-1,1,-1\n"))
    assert data.X.tolist() == [[-1, 1, -1], [1, -1, 1]]
    assert data.y.tolist() == [1, -1]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b,label\n1,1,1\n", "no label column 'y'; name the label column with label"),
        ("1,0,1\n1,1,0\n", r"the first row \(1,0,1\) holds numbers, so the file has no header row"),
        ("a,b,y\n1,,1\n", "line 2, column 'b' is a missing value \\(empty\\); qbnn does not impute"),
        ("a,b,y\n1,1,1\nNaN,1,0\n", "line 3, column 'a' is a missing value \\('NaN'\\)"),
        ("a,b,y\n1,1,1\n1,1,NA\n", "line 3, column 'y' is a missing value"),
        ("a,b,y\n1,1,0\n1,1,1\n1,1,2\n", r"label column 'y' has 3 classes \(0, 1, 2\); qbnn does binary classification only; "
         "use one-vs-rest from Python"),
        ("a,b,y\n1,1,cat\n", "label column 'y' holds only 'cat'; give points of two classes"),
        ("a,b,y\n1,2,1\n", r"line 2, column 'b' has '2'; use only -1/\+1 or 0/1"),
        ("a,b,y\n1,yes,1\n", r"line 2, column 'b' has 'yes'"),
        ("", "file is empty"),
        ("a,b,y\n", "header only, no data rows"),
        ("a,a,y\n1,1,1\n", "duplicate column name 'a'"),
        ("a,b,y\n1,1\n", "line 2 has 2 values but the header has 3 columns"),
        ("y\n1\n", "no feature columns"),
        ("a,b,y\n1.5,1,1\n", r"line 2, column 'a' has '1.5'; use only -1/\+1 or 0/1, or cut real values with binarize median"),
        ("a,b,y\n0,-1,1\n", "mix 0 and -1"),
    ],
)
def test_bad_csv_gives_one_line_error(tmp_path, text, message):
    with pytest.raises(DataError, match=message) as info:
        load_csv(write(tmp_path, text))
    assert "\n" not in str(info.value)
    assert "data.csv" in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="file not found"):
        load_csv(tmp_path / "nope.csv")


def test_dataset_rejects_nan_and_other_values():
    with pytest.raises(DataError, match="NaN"):
        Dataset(np.array([[np.nan, 1.0]]), np.array([1]))
    with pytest.raises(DataError, match="contain 3"):
        Dataset(np.array([[3, 1]]), np.array([1]))
    with pytest.raises(DataError, match="one label per point"):
        Dataset(np.array([[1, 1]]), np.array([1, 1]))


def test_multibit_dataset_keeps_odd_levels_and_refuses_other_values():
    data = Dataset([[3, -1], [-3, 1]], [1, 0], input_bits=2)
    assert data.X.tolist() == [[3, -1], [-3, 1]] and data.y.tolist() == [1, -1] and data.input_bits == 2
    assert data.subset([1]).input_bits == 2
    with pytest.raises(DataError, match=r"point 0, feature 1 is 0; with input_bits=2 use -3, -1, 1, 3"):
        Dataset([[3, 0]], [1], input_bits=2)
    with pytest.raises(DataError, match=r"feature 0 is 9; with input_bits=3 use odd integers -7..7"):
        Dataset([[9, 1]], [1], input_bits=3)
    with pytest.raises(DataError, match="contain 3"):
        Dataset([[3, 1]], [1])  # b = 1 stays the paper's ±1


@pytest.mark.parametrize(
    ("cell", "line", "column"), [("4", 3, "a"), ("-9", 2, "b"), ("0", 3, "b"), ("abc", 2, "a"), ("2.5", 2, "a")]
)
def test_multibit_csv_errors_name_line_column_and_allowed_values(tmp_path, cell, line, column):
    rows = {(2, "a"): "7", (2, "b"): "-1", (3, "a"): "-5", (3, "b"): "3"}
    rows[(line, column)] = cell
    path = tmp_path / "levels.csv"
    path.write_text(f"a,b,y\n{rows[2, 'a']},{rows[2, 'b']},1\n{rows[3, 'a']},{rows[3, 'b']},0\n")
    with pytest.raises(DataError) as error:
        load_csv(path, input_bits=3)
    message = error.value.render({})
    assert "\n" not in message
    assert f"line {line}, column '{column}' has '{cell}'" in message
    assert message.endswith(
        "with --input-bits 3 use odd integers -7..7, or quantise real values with --binarize quantile"
        if cell != "abc" else "features must be numbers (is 'a' the label? name it with --label)"
    )


def test_multibit_csv_loads_levels(tmp_path):
    path = tmp_path / "levels.csv"
    path.write_text("a,b,y\n7,-1,1\n-5,3,0\n")
    data = load_csv(path, input_bits=3)
    assert data.X.tolist() == [[7, -1], [-5, 3]] and data.y.tolist() == [1, -1] and data.input_bits == 3


def test_csv_line_numbers_count_blank_lines(tmp_path):
    """Line 6 of the file, after two blank lines, used to be reported as line 4."""
    path = tmp_path / "gaps.csv"
    path.write_text("a,b,y\n1,1,1\n\n0,1,0\n\n1,2,1\n")
    with pytest.raises(DataError) as info:
        load_csv(path)
    assert str(info.value) == f"{path}: line 6, column 'b' has '2'; use only -1/+1 or 0/1, or cut real values with binarize median"
    assert path.read_text().splitlines()[5] == "1,2,1"  # the line named is the line that is wrong
    path.write_text("a,b,y\n\n1,1,1\n\n0,1\n")
    with pytest.raises(DataError, match="line 5 has 2 values but the header has 3 columns"):
        load_csv(path)


@pytest.mark.parametrize(("separator", "name"), [(";", "semicolons"), ("\t", "tabs")])
def test_semicolon_and_tab_separated_files_are_named_as_such(tmp_path, separator, name):
    path = tmp_path / "data.csv"
    path.write_text(separator.join(["a", "b", "y"]) + "\n" + separator.join(["1", "0", "1"]) + "\n")
    with pytest.raises(DataError) as info:
        load_csv(path)
    assert str(info.value).startswith(
        f"{path}: the columns are separated by {name}, but qbnn reads comma-separated files; save it with commas"
    )


def test_label_column_anywhere_with_any_two_values(tmp_path):
    path = tmp_path / "flowers.csv"
    path.write_text("species,petal,sepal\nsetosa,1,0\nversicolor,0,1\nsetosa,1,1\n")
    data = load_csv(path, label="species")
    assert data.feature_names == ("petal", "sepal") and data.X.tolist() == [[1, -1], [-1, 1], [1, 1]]
    assert data.y.tolist() == [-1, 1, -1]  # sorted classes: setosa -> -1, versicolor -> +1
    path.write_text("y,a\n2,1\n10,0\n")
    assert load_csv(path).y.tolist() == [-1, 1]  # numbers sort as numbers (2 < 10), as numpy.unique does
    with pytest.raises(DataError) as info:
        load_csv(path, label="kind")
    assert info.value.render({}) == f"{path}: has no column --label kind; the columns are y, a"


def test_real_features_are_cut_at_training_quantiles(tmp_path):
    from qbnn.model.data import read_table
    from qbnn.model.encoding import Encoding
    from qbnn.model.quantize import QuantileQuantizer

    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 3))
    labels = np.where(X[:, 0] > 0, "yes", "no")
    path = tmp_path / "real.csv"
    path.write_text("f1,f2,label,f3\n" + "".join(f"{float(a)!r},{float(b)!r},{c},{float(d)!r}\n" for (a, b, d), c in zip(X, labels)))
    table = read_table(path, "label")
    median = Encoding.fit(table, binarize="median")
    assert median.dataset(table).X.tolist() == np.where(X > np.median(X, axis=0), 1, -1).tolist()
    two = Encoding.fit(table, binarize="quantile", input_bits=2)
    assert two.dataset(table).X.tolist() == QuantileQuantizer(input_bits=2).fit_transform(X).tolist()
    assert Encoding.from_json(two.to_json()) == two
    assert two.to_json()["label_mapping"] == {"no": -1, "yes": 1} and two.decode([1, -1]) == ["yes", "no"]
    with pytest.raises(DataError, match="binarize='median' gives one bit per feature; with input_bits=2"):
        Encoding.fit(table, binarize="median", input_bits=2)
