"""`qbnn reproduce`: every promised file, non-trivial figures, the paper-vs-ours numbers, determinism."""

from __future__ import annotations

import json

import matplotlib.image as mpimg
import numpy as np
import pytest

from qbnn.cli.main import main
from qbnn.baselines.random_search import steps_for_confidence
from qbnn.experiments.report import FIGURES, paper_numbers_reproduced

# session-scoped: the file runs in one xdist worker (tests/conftest.py), which may interleave other files' tests


@pytest.fixture(scope="session")
def reproduced(tmp_path_factory):
    out = tmp_path_factory.mktemp("results")
    assert main(["reproduce", "--out", str(out), "--runs", "20", "--shots", "10"]) == 0
    return out


def test_writes_every_promised_file(reproduced):
    for name in (*FIGURES, "results.json", "report.md"):
        assert (reproduced / name).is_file(), name


@pytest.mark.parametrize("name", FIGURES)
def test_figures_are_non_trivial_images(reproduced, name):
    image = mpimg.imread(reproduced / name)
    assert image.ndim == 3 and image.shape[0] > 200 and image.shape[1] > 400
    assert image[..., :3].std() > 0.05  # not a blank canvas
    rgb = (image[..., :3] * 255).astype(np.uint32)
    colours = np.unique((rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2])
    assert colours.size > 20  # lines, text and colours


def test_results_hold_the_table_numbers(reproduced):
    results = json.loads((reproduced / "results.json").read_text())
    land = results["landscapes"]
    assert [land[k]["solutions"] for k in ("problem 1", "problem 2", "problem 1 meta", "problem 2 meta")] == [8, 4, 24, 156]
    assert land["problem 1"]["solutions_from_circuit"] == pytest.approx(8, abs=1e-9)
    assert land["problem 2 meta"]["solutions_from_circuit"] == pytest.approx(156, abs=1e-6)
    for number in (1, 2):
        assert results["figure4"][f"problem {number}"]["max_abs_error_vs_theory"] < 1e-12
        panel = results["figure5"][f"problem {number}"]
        assert panel["all_succeeded"]
        assert panel["classical_steps_for_90_without_replacement"] == steps_for_confidence(
            land[f"problem {number}"]["solutions"], 256, replacement=False
        )
        assert results["figure6"][f"problem {number} meta"]["learned_success"]
    assert results["figure6"]["problem 1 meta"]["optimal_k"] == 20
    assert results["figure6"]["problem 2 meta"]["optimal_k"] == 8
    table = {row["quantity"]: row for row in results["paper_vs_ours"]}
    assert table["problem 1: 100%-accurate weight sets"]["ours"].startswith("8 of 256")
    assert "64 without replacement, 73 with" in table["problem 1: classical random search steps for 90%"]["ours"]
    assert "112 without replacement, 147 with" in table["problem 2: classical random search steps for 90%"]["ours"]
    for row in results["paper_vs_ours"]:
        assert row["agrees"] or row["note"], row["quantity"]  # every difference is explained
    # every number the paper states has a row with our value
    assert table["problem 2: 100%-accurate weight sets"]["ours"].startswith("4 of 256")
    for number, paper_steps, ours in ((1, "5 steps", 6), (2, "6 steps", 7)):
        row = table[f"problem {number}: paper schedule passes 90% success after"]
        assert row["paper"] == paper_steps and row["ours"].startswith(f"step {ours} exactly")
        assert results["figure5"][f"problem {number}"]["steps_for_90_exact"] == ours
    for number in (1, 2):
        assert table[f"problem {number}: success vs k follows sin^2((2k+1)theta) (fig. 4)"]["agrees"]
    meta_rows = [table[f"problem {number} meta: amplifications that suffice"] for number in (1, 2)]
    assert [r["paper"] for r in meta_rows] == ["16-20", "16-20"]
    assert [r["agrees"] for r in meta_rows] == [True, False]  # optimal k = 20 for 24 solutions, 8 for 156
    assert "first peak is at k = 8" in meta_rows[1]["note"]
    window = results["figure6"]["problem 2 meta"]["success_for_k_16_to_20"]
    assert sorted(window) == ["16", "17", "18", "19", "20"] and max(window.values()) < 0.6
    assert [table[f"problem {n}: classical random search steps for 90%"]["paper"] for n in (1, 2)] == ["28", "57"]
    stated = [row for row in results["paper_vs_ours"] if row["agrees"] is not None]  # rows stating a paper number
    assert paper_numbers_reproduced(results["paper_vs_ours"]) == (sum(bool(row["agrees"]) for row in stated), len(stated))


def test_report_embeds_figures_and_the_table(reproduced):
    report = (reproduced / "report.md").read_text()
    for name in FIGURES:
        assert f"]({name})" in report
    assert "## Paper vs ours" in report and report.count("\n| problem") >= 14


def test_same_seed_same_files(reproduced, tmp_path, capsys):
    assert main(["reproduce", "--out", str(tmp_path), "--runs", "20", "--shots", "10"]) == 0
    captured = capsys.readouterr()
    assert captured.out.split() == [str(tmp_path / name) for name in (*FIGURES, "results.json", "report.md")]
    agree, stated = paper_numbers_reproduced(json.loads((tmp_path / "results.json").read_text())["paper_vs_ours"])
    assert f"{agree} of {stated} paper numbers reproduced" in " ".join(captured.err.split())
    for name in ("results.json", "report.md"):
        assert (tmp_path / name).read_text() == (reproduced / name).read_text()


def test_out_must_be_a_directory(tmp_path, capsys):
    target = tmp_path / "file.txt"
    target.write_text("x")
    assert main(["reproduce", "--out", str(target)]) == 2
    assert capsys.readouterr().err == f"qbnn: error: --out {target} is a file; give a folder (it is created if missing)\n"


def test_out_holding_the_users_files_is_refused_unless_forced(tmp_path, capsys):
    """reproduce --out DIR used to overwrite the user's own report.md without a word."""
    (tmp_path / "report.md").write_text("my notes")
    assert main(["reproduce", "--out", str(tmp_path), "--runs", "1", "--shots", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "report.md is not one qbnn wrote there" in err and "--force" in err
    assert (tmp_path / "report.md").read_text() == "my notes" and sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]
    assert main(["reproduce", "--help"]) == 0
    assert "--force" in capsys.readouterr().out


def test_a_second_run_into_its_own_folder_is_allowed(reproduced):
    from qbnn.core.outputs import check_output_folder

    assert check_output_folder(reproduced) == reproduced  # every file is listed, unchanged, in the manifest


def test_paper_vs_ours_table_matches_its_golden_file(reproduced, golden):
    """The table a reader checks first: any change to it is a visible diff in tests/golden/."""
    report = (reproduced / "report.md").read_text()
    start = report.index("## Paper vs ours")
    end = report.find("\n## ", start + 1)
    golden("report_paper_vs_ours.md", report[start : None if end < 0 else end].rstrip() + "\n")
