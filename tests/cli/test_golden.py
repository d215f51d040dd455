"""The `--json` contract of every command on the paper's problems, held against golden files.

A change to what a command prints is a visible diff in tests/golden/ (resources is pinned in
tests/cli/test_resources.py, the demo in tests/cli/test_demo.py, report.md's table in tests/experiments/test_report.py); after a deliberate change
run `make golden` (pytest --regen-golden) and commit the new files. The values themselves are
checked elsewhere against independent references; here the whole object is pinned.
"""

from __future__ import annotations

import json

import pytest

from qbnn.cli.main import main

CASES = {
    "landscape_problem1.json": ["landscape", "--problem", "1"],
    "landscape_problem2_meta.json": ["landscape", "--problem", "2", "--meta"],
    "amplify_problem1.json": ["amplify", "--problem", "1", "--k", "0-12"],
    "amplify_problem2_meta.json": ["amplify", "--problem", "2", "--meta", "--k", "0,4,8"],
    "amplify_problem1_minibatch.json": ["amplify", "--problem", "1", "--k", "0-3", "--batch-size", "4"],
    "count_problem2.json": ["count", "--problem", "2", "--seed", "3"],
    "train_problem1_paper.json": ["train", "--problem", "1", "--strategy", "paper", "--seed", "1"],
    "train_problem2_meta_bbht.json": ["train", "--problem", "2", "--meta", "--strategy", "bbht", "--seed", "2"],
    "train_problem1_fixed.json": ["train", "--problem", "1", "--strategy", "fixed", "--k", "3", "--seed", "4"],
    "train_problem1_best_threshold.json": ["train", "--problem", "1", "--strategy", "best", "--min-correct", "7", "--seed", "5"],
}


@pytest.mark.parametrize("name", list(CASES))
def test_json_output_matches_its_golden_file(name, capsys, golden):
    code = main([*CASES[name], "--json"])
    out = capsys.readouterr().out
    assert code in (0, 1) and out.count("\n") == 1
    golden(name, json.loads(out))
