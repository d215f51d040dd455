"""`qbnn backtracking`: JSON keys, the simulated walk, one-line errors (exit 2); the scaling study and its figure."""

from __future__ import annotations

import json

import pytest

from qbnn.cli.backtracking import backtracking
from qbnn.cli.main import app, main

if not any(command.name == "backtracking" for command in app.registered_commands):
    app.command("backtracking")(backtracking)  # until cli/main.py registers it


def test_json_has_tree_quantum_and_classical_counts_side_by_side(capsys):
    assert main(["backtracking", "--problem", "1", "--meta", "--min-correct", "7", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["parameters"] == 14 and out["target"] == 7 and out["tree"]["depth"] == 14
    assert out["classical"]["exhaustive"] == 2**14 and out["classical"]["branch_and_bound_tree"] == out["tree"]["nodes"]
    assert set(out["backtracking"]) >= {"detection_walk_steps", "finding_walk_steps", "tree_size_estimation_steps"}
    assert out["grover"]["queries"] >= 1 and out["simulated"]["detected"] is True
    assert out["simulated"]["walk_steps"] == out["backtracking"]["detection_walk_steps"]


def test_meta_problem_1_at_all_points_is_detected(capsys):
    path_args = ["backtracking", "--layers", "3,2,1", "--problem", "1", "--meta", "--min-correct", "8", "--json"]
    assert main(path_args) == 0
    assert json.loads(capsys.readouterr().out)["simulated"]["detected"] is True


def test_parity_without_a_perfect_configuration(tmp_path, capsys):
    data = tmp_path / "parity.csv"
    rows = ["a,b,c,y"] + [f"{a},{b},{c},{1 if (a + b + c) % 2 == 0 else -1}" for a in (0, 1) for b in (0, 1) for c in (0, 1)]
    data.write_text("\n".join(rows) + "\n")
    assert main(["backtracking", "--data", str(data), "--min-correct", "7", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["solutions"] == 0 and out["simulated"]["detected"] is False and out["simulated"]["probability"] <= 0.25


@pytest.mark.parametrize(
    "argv,needle",
    [
        (["backtracking", "--min-correct", "9"], "--min-correct 9 is outside 0..8"),
        (["backtracking", "--layers", "3,3,1", "--max-nodes", "10"], "--max-nodes 10"),
        (["backtracking", "--problem", "1", "--meta", "--min-correct", "5", "--simulate"], "--simulate handles at most"),
        (["backtracking", "--order", "random"], "--order random"),
    ],
)
def test_errors_are_one_line_and_exit_2(argv, needle, capsys, monkeypatch):
    import qbnn.backtracking.walk as walk

    monkeypatch.setattr(walk, "SIMULATION_LIMIT", 1000)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and needle in err


def test_quick_study_rows_slopes_and_figure(tmp_path):
    from qbnn.backtracking.study import run_study, study_figure
    from qbnn.figures.paper import save_figure

    study = run_study(quick=True)
    cases = {r.case: r for r in study.rows}
    assert cases["3-bit parity, best + 1 (none)"].solutions == 0
    assert cases["problem 1"].solutions == 8  # the paper's M for problem 1
    for r in study.rows:
        assert r.nodes < 2 ** (r.parameters + 1) and r.dfs_nodes <= r.nodes
    assert 0 < study.slopes["classical_tree_nodes"] < 1 and study.slopes["exhaustive"] == pytest.approx(1.0)
    assert len(study.findings) == 4
    figure = tmp_path / "study.png"
    save_figure(study_figure(study), figure)
    assert figure.stat().st_size > 1000
