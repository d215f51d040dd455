"""`qbnn landscape`, `circuit`: output contract and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from qiskit import qasm3

from qbnn.cli.main import main


def run_json(capsys, *argv: str) -> dict:
    assert main([*argv, "--json"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    return json.loads(out)


@pytest.mark.parametrize(
    ("args", "solutions", "configurations"),
    [(["--problem", "1"], 8, 256), (["--problem", "2"], 4, 256), (["--problem", "1", "--meta"], 24, 16384), (["--problem", "2", "--meta"], 156, 16384)],
)
def test_landscape_json(capsys, args, solutions, configurations):
    out = run_json(capsys, "landscape", *args)
    assert out["solutions"] == solutions and out["configurations"] == configurations
    assert out["points"] == 8 and out["best_accuracy"] == 8
    assert sum(out["histogram"].values()) == configurations
    assert out["parameters"] == (14 if "--meta" in args else 8)


def test_landscape_on_csv(capsys, tmp_path):
    path = tmp_path / "and.csv"
    path.write_text("a,b,y\n0,0,0\n0,1,0\n1,0,0\n1,1,1\n")
    out = run_json(capsys, "landscape", "--data", str(path), "--layers", "2,1")
    assert out["parameters"] == 2 and out["points"] == 4 and out["configurations"] == 4
    # brute force: one sign neuron of 2 inputs fires iff at least 1 of x_i * w_i is +1 (sign(0) = +1)
    points = [((-1, -1), -1), ((-1, 1), -1), ((1, -1), -1), ((1, 1), 1)]
    histogram: dict[str, int] = {}
    for w in ((-1, -1), (1, -1), (-1, 1), (1, 1)):  # configuration index order: bit j = weight j
        correct = sum((1 if sum(x * v > 0 for x, v in zip(xs, w)) >= 1 else -1) == y for xs, y in points)
        histogram[str(correct)] = histogram.get(str(correct), 0) + 1
    assert out["histogram"] == dict(sorted(histogram.items(), key=lambda kv: int(kv[0])))
    assert out["solutions"] == histogram.get("4", 0) and out["best_accuracy"] == max(map(int, histogram))


@pytest.mark.parametrize(
    ("csv_text", "extra", "message"),
    [
        ("a,b,label\n1,1,1\n", [], "no label column 'y'; name the label column with --label"),
        ("a,b,c,y\n1,2,1,1\n", [], "has '2'; use only -1/+1 or 0/1"),
        ("", [], "file is empty"),
        ("a,b,y\n1,1,1\n", ["--layers", "3,2,1"], "2 feature columns but --layers starts with 3; pass --layers 2,2,1 (or --hidden 2)"),
        ("a,a,y\n1,1,1\n", ["--layers", "2,1"], "duplicate column name 'a'"),
        ("a,b,y\n1,1,1\n", ["--layers", "2,2"], "must end in a single output neuron"),
    ],
)
def test_bad_input_one_line_error(capsys, tmp_path, csv_text, extra, message):
    path = tmp_path / "bad.csv"
    path.write_text(csv_text)
    code = main(["landscape", "--data", str(path), *extra])
    err = capsys.readouterr().err
    assert code != 0
    assert err.count("\n") == 1 and err.startswith("qbnn: error: ")
    assert message in err


def test_too_large_for_memory_is_one_line(capsys, monkeypatch):
    monkeypatch.setenv("QBNN_MAX_MEMORY", "64K")
    assert main(["landscape", "--problem", "1", "--meta"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "2^14 configurations and needs" in err and "only 64.0 KiB is available; use fewer parameters" in err


def test_problem_and_data_together_are_refused(capsys, tmp_path):
    assert main(["landscape", "--problem", "1", "--data", str(tmp_path / "x.csv")]) == 2
    assert "either --problem or --data" in capsys.readouterr().err


def test_unknown_option_is_one_line(capsys):
    assert main(["landscape", "--nope"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "No such option: --nope" in err


def test_circuit_qasm3_roundtrips(tmp_path, capsys):
    out = tmp_path / "u.qasm"
    assert main(["circuit", "--problem", "2", "--format", "qasm3", "--out", str(out)]) == 0
    text = out.read_text()
    assert text.startswith("OPENQASM 3.0;")
    assert "qubit[8] w;" in text and "qubit[8] acc;" in text


def test_circuit_text_and_png(tmp_path, capsys):
    assert main(["circuit", "--format", "text"]) == 0
    assert "w_0" in capsys.readouterr().out
    png, data = tmp_path / "u.png", tmp_path / "two.csv"
    data.write_text("a,b,c,y\n1,0,1,1\n0,0,1,0\n")  # two points keep the drawing small (drawing is the slow part)
    assert main(["circuit", "--data", str(data), "--format", "png", "--out", str(png), "--layers", "3,1"]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["two.csv", "u.png"]  # no temporary left behind


@pytest.mark.parametrize(
    ("out", "message"),
    [
        (None, "--format png needs --out FILE.png"),
        ("u.jpg", "u.jpg must name a .png file"),
        ("missing/u.png", "does not exist; create it first"),
    ],
)
def test_circuit_png_errors_are_one_line(tmp_path, capsys, out, message):
    argv = ["circuit", "--layers", "3,1", "--format", "png"] + ([] if out is None else ["--out", str(tmp_path / out)])
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
    assert not list(tmp_path.iterdir())


def test_circuit_q_is_one_grover_iterate(tmp_path, capsys):
    out = tmp_path / "q.qasm"
    assert main(["circuit", "--problem", "1", "--part", "Q", "--format", "qasm3", "--out", str(out)]) == 0
    text = out.read_text()
    assert text.startswith("OPENQASM 3.0;") and "qubit[8] acc;" in text
    assert text.count("\nh w[") == 16  # U^-1 and U each put the 8 weight qubits through H
    assert "\nc7z acc[0], acc[1], acc[2], acc[3], acc[4], acc[5], acc[6], acc[7];" in text  # S_chi
    assert text.count("\nc23z ") == 1  # S_0 on all 24 qubits


def test_installed_console_script_reports_errors_without_traceback(tmp_path):
    exe = Path(sys.executable).with_name("qbnn")
    result = subprocess.run([str(exe), "landscape", "--problem", "7"], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.strip() == "qbnn: error: --problem 7 does not exist; the paper has problems 1 and 2"
    assert "Traceback" not in result.stderr
