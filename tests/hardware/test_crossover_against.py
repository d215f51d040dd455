"""`qbnn crossover --against`: fault-tolerant Grover and quantum backtracking against measured branch-and-bound."""

from __future__ import annotations

import json

import pytest

from qbnn.backtracking.costs import finding_walk_steps
from qbnn.cli.main import main
from qbnn.errors import QbnnError
from qbnn.hardware.crossover import PREDICATES_PER_STEP, U_PER_PREDICATE, crossover_study, crossover_summary
from qbnn.model.data import paper_problem


def test_branch_and_bound_side_is_measured_and_priced():
    result = crossover_study(paper_problem(1), [1, 2, 3], sample=16, against="branch-and-bound", walk_steps=finding_walk_steps)
    side = result.branch_and_bound
    assert side is not None and [r.parameters for r in side.rows] == [4, 8, 12]
    assert all(r.measured for r in side.rows)
    row8 = side.rows[1]
    assert row8.tree_nodes == 111 and row8.dfs_nodes == 13  # the tree of problem 1 on [3, 2, 1]
    assert row8.backtracking_walk_steps == finding_walk_steps(111, 8)
    assert row8.backtracking_toffolis > PREDICATES_PER_STEP * U_PER_PREDICATE * row8.backtracking_walk_steps
    for r in side.rows:  # at these sizes the CPU wins against both quantum searches
        assert r.branch_and_bound_s < r.grover_s and r.branch_and_bound_s < r.backtracking_s
    assert side.grover_crossover_parameters is None and side.backtracking_crossover_parameters is None
    assert "never beats classical branch-and-bound" in crossover_summary(result)
    assert any("extrapolated" in a for a in side.assumptions)


def test_larger_sizes_are_extrapolated_from_the_measured_growth(monkeypatch):
    import qbnn.hardware.crossover as crossover

    monkeypatch.setattr(crossover, "BNB_MEASURE_PARAMETERS", 12)
    result = crossover_study(paper_problem(2), [1, 2, 3, 4], sample=16, against="branch-and-bound", walk_steps=finding_walk_steps)
    rows = result.branch_and_bound.rows
    assert [r.measured for r in rows] == [True, True, True, False]
    assert rows[-1].tree_nodes == pytest.approx(2 ** (result.branch_and_bound.growth_tree * 16 + _intercept(rows)), rel=1e-6)


def _intercept(rows):
    import numpy as np

    p = np.array([r.parameters for r in rows if r.measured], float)
    return float(np.polyfit(p, np.log2([r.tree_nodes for r in rows if r.measured]), 1)[1])


def test_against_needs_the_walk_formula_and_a_known_competitor():
    with pytest.raises(QbnnError, match="walk_steps"):
        crossover_study(paper_problem(1), [1], sample=8, against="branch-and-bound")
    with pytest.raises(QbnnError, match="against"):
        crossover_study(paper_problem(1), [1], sample=8, against="cp-sat")


def test_cli_against(capsys):
    assert main(["crossover", "--hidden", "1-2", "--sample", "16", "--json"]) == 0  # default: branch-and-bound
    out = json.loads(capsys.readouterr().out)
    assert out["against"] == "branch-and-bound" and len(out["branch_and_bound"]["rows"]) == 2
    assert main(["crossover", "--hidden", "1-2", "--sample", "16", "--against", "exhaustive", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["against"] == "exhaustive" and "branch_and_bound" not in out
    assert main(["crossover", "--hidden", "1", "--against", "magic"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--against magic" in err
