"""--free/--values on the commands: conditional landscapes, and one-line refusals with exit 2."""

from __future__ import annotations

import json

import pytest

from qbnn.cli.main import main
from qbnn.landscape import compute_landscape
from qbnn.model.network import Network
from qbnn.model.data import paper_problem

VALUES = "1,-1,1,1,1,-1,1,1"


def run_json(capsys, *argv: str) -> dict:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_landscape_counts_the_free_parameters_only(capsys):
    summary = run_json(capsys, "landscape", "--problem", "1", "--free", "0-1,6", "--values", VALUES)
    assert summary["free"] == [0, 1, 6] and summary["configurations"] == 8 and summary["parameters"] == 8
    full = compute_landscape(Network((3, 2, 1)), paper_problem(1)).correct
    base = sum(1 << j for j, v in enumerate(map(int, VALUES.split(","))) if v > 0) & ~(0b1000011)
    expected = [int(full[base | (i & 3) | ((i >> 2) << 6)]) for i in range(8)]
    assert summary["best_accuracy"] == max(expected)
    assert sum(summary["histogram"].values()) == 8


def test_resources_show_the_saving(capsys):
    payload = run_json(capsys, "resources", "--problem", "1", "--free", "0-2", "--values", VALUES)
    assert payload["parameter_qubits"] == 3 and payload["free"] == [0, 1, 2]
    assert payload["saved"]["qubits"] == payload["unfolded"]["qubits"] - payload["qubits"] > 0
    assert payload["saved"]["gates"] > 0


def test_train_with_values_from_a_train_json(capsys, tmp_path):
    first = run_json(capsys, "train", "--problem", "2", "--strategy", "bbht", "--seed", "1")
    path = tmp_path / "found.json"
    path.write_text(json.dumps(first))
    again = run_json(capsys, "train", "--problem", "2", "--free", "0-2", "--values", str(path), "--strategy", "bbht")
    assert again["success"] and again["correct"] == 8
    assert again["parameters"]["weights"][3:] == first["parameters"]["weights"][3:]  # the fixed ones are kept


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--free", "0-8", "--values", VALUES], "--free 0-8 must lie in 0..7"),
        (["--free", "0", "--values", "1,1"], "--values 1,1 has 2 values"),
        (["--free", "0", "--values", "1,1,1,1,1,1,1,7"], "parameter 7 is a weight and must be -1 or \\+1"),
        (["--free", "0", "--values", "{missing}.json"], "no such file"),
        (["--free", "0", "--values", "{nofield}"], "no 'parameters' object"),
        (["--values", VALUES], "--values fixes parameters but --free does not say"),
    ],
)
@pytest.mark.parametrize("command", ["landscape", "circuit", "resources", "amplify", "count", "train"])
def test_bad_free_or_values_is_one_line_and_exit_2(capsys, tmp_path, command, argv, message):
    (tmp_path / "nofield.json").write_text('{"weights": [1, 1]}')
    argv = [a.format(missing=tmp_path / "missing", nofield=tmp_path / "nofield.json") for a in argv]
    assert main([command, "--problem", "1", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and err.startswith("qbnn: error:")
    import re

    assert re.search(message, err), err
