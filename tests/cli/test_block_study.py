"""``qbnn block-study``: JSON with rows and slopes, the written files, one-line errors with exit 2."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from qbnn.cli.block_study import block_study_command
from qbnn.cli.main import app, main

if not any(getattr(c, "name", None) == "block-study" for c in app.registered_commands):
    app.command("block-study")(block_study_command)  # until cli/main.py registers it


def teacher_csv(path):
    import numpy as np

    from qbnn.model.network import Network

    rng = np.random.default_rng(1)
    net = Network((5, 2, 1))
    X = rng.choice([-1, 1], size=(30, 5))
    y = net.forward(X, net.bits_to_parameters(rng.integers(0, 2, net.num_parameters)))
    y = np.where(rng.random(30) < 0.2, -y, y)
    path.write_text("a,b,c,d,e,y\n" + "\n".join(",".join(map(str, [*row, label])) for row, label in zip(X, y)) + "\n")
    return path


def test_json_rows_slopes_and_files(capsys, tmp_path):
    csv = teacher_csv(tmp_path / "t.csv")
    args = ["block-study", "--data", str(csv), "--layers", "5,2,1", "--block-sizes", "3-5", "--seeds", "2", "--out", str(tmp_path / "out"), "--json"]
    assert main(args) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [r["block_size"] for r in payload["rows"]] == [3, 4, 5]
    assert set(payload["slopes"]) == {"quantum", "random", "exhaustive"} and payload["slopes"]["exhaustive"] == pytest.approx(1.0)
    assert json.loads((tmp_path / "out" / "block_study.json").read_text()) == payload
    assert (tmp_path / "out" / "block_study.png").stat().st_size > 0


def test_runs_under_typers_cli_runner(tmp_path):
    csv = teacher_csv(tmp_path / "t.csv")
    result = CliRunner().invoke(app, ["block-study", "--data", str(csv), "--layers", "5,2,1", "--block-sizes", "3,4", "--seeds", "1"])
    assert result.exit_code == 0 and "log-log slopes against 2^B" in result.output


@pytest.mark.parametrize(
    "args, words",
    [
        (["--block-sizes", "8-x"], "--block-sizes 8-x is not a range"),
        (["--block-sizes", "8-21"], "--block-sizes 8-21 must lie in 1..20"),
        (["--block-sizes", "12"], "needs at least two different sizes"),
        (["--seeds", "0"], "--seeds 0 must be a whole number in 1..100"),
        (["--dataset", "iris"], "unknown --dataset iris"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(capsys, args, words):
    assert main(["block-study", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err, err
