"""`--robust R [--robust-fraction F]` on train and count: robust marking oracles from the command line."""

from __future__ import annotations

import json

import numpy as np
import pytest

from qbnn.cli.main import main
from qbnn.landscape.roughness import robust_mask
from qbnn.problem import TrainingProblem


def _exact_robust(target: int, radius: int, fraction: float | None) -> np.ndarray:
    problem = TrainingProblem.paper(1, min_correct=target)
    return robust_mask(problem.good_mask, radius, fraction)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_train_finds_a_configuration_the_exact_landscape_calls_robust(capsys, seed):
    code = main(["train", "--problem", "1", "--min-correct", "6", "--robust", "1", "--robust-fraction", "0.5",
                 "--strategy", "bbht", "--seed", str(seed), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["success"]
    mask = _exact_robust(6, 1, 0.5)
    assert 0 < mask.sum() < TrainingProblem.paper(1, min_correct=6).num_solutions  # robustness is a real restriction here
    assert mask[out["configuration"]]
    assert out["network_evaluations"] == sum(2 * k + 1 for k in out["k_history"])


def test_count_estimates_the_number_of_robust_configurations(capsys):
    code = main(["count", "--problem", "1", "--min-correct", "6", "--robust", "1", "--robust-fraction", "0.5", "--json"])
    out = json.loads(capsys.readouterr().out)
    exact = int(_exact_robust(6, 1, 0.5).sum())
    assert code == 0 and out["interval"][0] <= exact <= out["interval"][1]


@pytest.mark.parametrize(
    "args, words",
    [
        (["train", "--problem", "1", "--robust", "1", "--strategy", "cp-sat"], "--robust 1"),
        (["train", "--problem", "1", "--robust-fraction", "0.5"], "--robust-fraction"),
        (["train", "--problem", "1", "--min-correct", "6", "--robust", "1"], "radius-1 neighbours"),
        (["train", "--problem", "1", "--robust", "9"], "--robust"),
        (["count", "--problem", "1", "--robust", "1", "--method", "qpe", "--min-correct", "6"], "--method mle"),
    ],
)
def test_robust_mistakes_are_one_line_and_exit_2(capsys, args, words):
    code = main(args)
    err = capsys.readouterr().err.strip()
    assert code == 2 and words in err and len(err.splitlines()) == 1


def test_amplify_follows_the_sin2_law_of_the_robust_count(capsys):
    code = main(["amplify", "--problem", "1", "--min-correct", "6", "--robust", "1", "--robust-fraction", "0.5", "--k", "0-3", "--json"])
    out = json.loads(capsys.readouterr().out)
    m = int(_exact_robust(6, 1, 0.5).sum())
    theta = np.arcsin(np.sqrt(m / 256))
    assert code == 0
    np.testing.assert_allclose(out["success_probability"], [np.sin((2 * k + 1) * theta) ** 2 for k in range(4)], atol=1e-12)


def test_resources_reports_the_robust_oracle(capsys):
    assert main(["resources", "--problem", "1", "--robust", "1", "--json"]) == 0
    oracle = json.loads(capsys.readouterr().out)["robust_oracle"]
    assert oracle["radius"] == 1 and oracle["neighbours"] == 8 and oracle["network_evaluations_per_oracle_call"] == 4 * 9
    assert oracle["qubits"] > 24 and oracle["oracle_gates"] == sum(oracle["oracle_gate_counts"].values())
