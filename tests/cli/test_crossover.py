"""`qbnn crossover`: JSON contract, table and figure, one-line errors."""

from __future__ import annotations

import json

from qbnn.cli.main import main


def test_crossover_json_and_plot(capsys, tmp_path):
    figure = tmp_path / "crossover.png"
    assert main(["crossover", "--problem", "1", "--hidden", "1-2", "--sample", "32", "--out", str(figure), "--json"]) == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert [row["parameters"] for row in out["rows"]] == [4, 8]
    for row in out["rows"]:
        assert row["quantum_s"] > row["exhaustive_s"] > row["random_search_s"] > 0
    assert out["crossover_parameters"] is None
    assert figure.stat().st_size > 1000 and "wrote" in captured.err


def test_crossover_table_prints_assumptions(capsys):
    assert main(["crossover", "--hidden", "1", "--sample", "16", "--solutions", "2"]) == 0
    out = capsys.readouterr().out
    assert "| parameters |" in out and "assumptions:" in out and "M = 2 solution(s)" in out


def test_crossover_errors_are_one_line(capsys):
    for argv, needle in (
        (["crossover", "--hidden", "a-b"], "--hidden a-b is not a range"),
        (["crossover", "--hidden", "1", "--solutions", "0"], "--solutions 0 must be at least 1"),
        (["crossover", "--hidden", "1", "--out", "x.txt"], "--out x.txt"),
    ):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and needle in err


def test_crossover_reads_b_bit_data_with_input_bits(capsys, tmp_path):
    path = tmp_path / "two_bit.csv"
    path.write_text("a,b,y\n3,-1,1\n-3,1,0\n1,-3,1\n")
    argv = ["crossover", "--data", str(path), "--hidden", "1", "--sample", "8"]
    assert main(argv) == 2  # ±3 are not ±1 features
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "column 'a'" in err
    assert main([*argv, "--input-bits", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["input_bits"] == 2 and [row["parameters"] for row in out["rows"]] == [3]
    assert out["rows"][0]["toffolis"] > 0


def test_the_old_plot_flag_still_writes_the_figure_with_a_note(tmp_path, capsys):
    figure = tmp_path / "old.png"
    assert main(["crossover", "--problem", "1", "--hidden", "1-2", "--sample", "32", "--against", "exhaustive", "--plot", str(figure)]) == 0
    assert figure.stat().st_size > 1000 and "--plot is now --out" in capsys.readouterr().err


def test_crossover_reads_a_raw_csv_like_every_other_command(tmp_path, capsys):
    """--label and --binarize on crossover too (it read the CSV its own way before)."""
    path = tmp_path / "raw.csv"
    path.write_text("x1,label,x2,x3\n0.1,cat,3.0,2\n0.9,dog,1.0,5\n0.3,cat,2.5,1\n0.8,dog,0.5,7\n0.2,cat,2.9,3\n0.7,dog,1.2,6\n")
    args = ["crossover", "--data", str(path), "--label", "label", "--binarize", "median", "--hidden", "1", "--sample", "16",
            "--against", "exhaustive", "--json"]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["rows"][0]["parameters"] == 3 * 1 + 1  # [3,1,1]: the three feature columns, the label column out
    assert main(["crossover", "--data", str(path), "--label", "label", "--hidden", "1", "--sample", "16"]) == 2
    assert "--binarize" in capsys.readouterr().err  # real values need an encoding, and the error says which
