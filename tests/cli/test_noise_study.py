"""``qbnn noise-study``: the JSON rows, the written figure and table, one-line errors."""

from __future__ import annotations

import json

import pytest

from qbnn.cli.main import main


def test_noise_study_json_and_files(capsys, tmp_path):
    args = ["noise-study", "--problem", "1", "--rates", "0,1e-4", "--trajectories", "5", "--max-k", "3", "--out", str(tmp_path), "--json"]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    (study,) = out["studies"]
    assert study["random_search_oracle_calls"] == 32 and [row["rate"] for row in study["rows"]] == [0.0, 1e-4]
    assert study["rows"][0]["expected_oracle_calls"] == pytest.approx(study["noiseless_expected_oracle_calls"])
    assert (tmp_path / "noise_study.png").stat().st_size > 0
    assert "| problem 1 | 0.0001 |" in (tmp_path / "noise_study.md").read_text()


def test_adaptive_k_rows_record_their_range_and_the_edge_is_reported(capsys):
    assert main(["noise-study", "--problem", "1", "--rates", "0", "--trajectories", "2", "--max-k", "2"]) == 0
    assert "at rate 0 the best k is the largest tried" in capsys.readouterr().out
    assert main(["noise-study", "--problem", "2", "--rates", "0", "--trajectories", "2", "--adaptive-k", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)["studies"][0]["rows"]
    assert row["max_k"] == 8 and row["best_k"] == 4 and not row["best_k_at_edge"]


@pytest.mark.parametrize(
    "args, words",
    [
        (["--rates", "1e-3,x"], "--rates 1e-3,x is not"),
        (["--rates", "1.5"], "must lie in [0, 1]"),
        (["--model", "amplitude-damping"], "unknown noise model"),
        (["--problem", "3"], "--problem 3 does not exist"),
        (["--trajectories", "1"], "--trajectories 1 must be at least 2"),
    ],
)
def test_bad_study_options_are_one_line_and_exit_2(capsys, args, words):
    assert main(["noise-study", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err
