"""--input-bits on the commands: b-bit CSV files, the paper problems read at b bits, one-line refusals."""

from __future__ import annotations

import json

import numpy as np
import pytest

from qbnn.cli.main import main
from qbnn.model.data import Dataset
from qbnn.landscape import compute_landscape
from qbnn.model.network import Network

CSV = "a,b,y\n3,-1,1\n-3,1,0\n1,-3,1\n"


def run_json(capsys, *argv: str) -> dict:
    assert main([*argv, "--json"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    return json.loads(out)


def test_landscape_and_train_read_b_bit_csv(tmp_path, capsys):
    path = tmp_path / "two_bit.csv"
    path.write_text(CSV)
    out = run_json(capsys, "landscape", "--data", str(path), "--layers", "2,1", "--input-bits", "2")
    truth = compute_landscape(Network((2, 1)), Dataset([[3, -1], [-3, 1], [1, -3]], [1, -1, 1], input_bits=2))
    assert out["histogram"] == {str(k): v for k, v in truth.histogram.items()}
    assert out["input_bits"] == 2
    trained = run_json(
        capsys, "train", "--data", str(path), "--layers", "2,1", "--input-bits", "2", "--strategy", "bbht", "--seed", "1"
    )
    weights = np.array(trained["parameters"]["weights"])
    assert trained["success"] and trained["correct"] == 3 and trained["input_bits"] == 2
    assert (np.where(np.array([[3, -1], [-3, 1], [1, -3]]) @ weights >= 0, 1, -1) == [1, -1, 1]).all()


def test_b_bit_csv_without_input_bits_is_one_line_naming_line_and_column(tmp_path, capsys):
    path = tmp_path / "two_bit.csv"
    path.write_text(CSV)
    assert main(["landscape", "--data", str(path), "--layers", "2,1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "line 2, column 'a' has '3'" in err
    assert main(["landscape", "--data", str(path), "--layers", "2,1", "--input-bits", "1"]) == 2
    capsys.readouterr()
    path.write_text("a,b,y\n3,-1,1\n-3,2,0\n")
    assert main(["amplify", "--data", str(path), "--layers", "2,1", "--input-bits", "2", "--k", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "line 3, column 'b' has '2'; with --input-bits 2 use -3, -1, 1, 3" in err


def test_binary_data_reports_one_input_bit(capsys):
    assert run_json(capsys, "landscape", "--problem", "1")["input_bits"] == 1
    assert run_json(capsys, "landscape", "--problem", "1", "--input-bits", "3")["input_bits"] == 3  # ±1 are 3-bit levels


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["landscape", "--input-bits", "7"], "--input-bits 7 must be an integer 1..6"),
        (["count", "--input-bits", "0"], "--input-bits 0 must be an integer 1..6"),
        (["train", "--meta", "--input-bits", "2"], "--meta works with binary (±1) features only; drop it or use --input-bits 1"),
        (["resources", "--input-bits", "1-9"], "--input-bits 1-9 must lie in 1..6"),
        (["resources", "--meta", "--input-bits", "1-2"], "--meta works with binary"),
    ],
)
def test_bad_input_bits_are_one_line_errors(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_circuit_at_two_bits_has_a_sum_register_and_no_input_register(capsys):
    assert main(["circuit", "--problem", "2", "--input-bits", "2", "--format", "qasm3"]) == 0
    text = capsys.readouterr().out
    assert "qubit[4] sum;" in text and "qubit[3] x" not in text  # 3 features of up to ±3: sums to ±9, halved in 4 bits
    assert main(["circuit", "--problem", "2", "--format", "qasm3"]) == 0
    assert "qubit[3] x" in capsys.readouterr().out


def test_resources_against_b(capsys):
    out = run_json(capsys, "resources", "--layers", "3,1", "--input-bits", "1-3")
    rows = out["input_bits"]
    assert [(r["input_bits"], r["activation"], r["adder"]) for r in rows[:2]] == [(1, "paper", None), (1, "counter", None)]
    assert len(rows) == 2 + 2 * 2 * 2
    by = {(r["input_bits"], r["activation"], r["adder"]): r for r in rows}
    for b in (2, 3):
        for act in ("paper", "counter"):
            inc, rip = by[b, act, "increment"], by[b, act, "ripple"]
            assert inc["gates"] < rip["gates"] and inc["qubits"] < rip["qubits"]
    assert by[3, "paper", "increment"]["cx"] > by[2, "paper", "increment"]["cx"]
