"""MLAE counting: estimates near the truth, intervals that cover it at their stated rate."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from qbnn.engines.amplitude import optimal_iterations, success_probability
from qbnn.cli.main import main
from qbnn.search.counting import default_schedule, estimate_solutions
from qbnn.engines.analytic import AnalyticEngine
from qbnn.problem import TrainingProblem


def test_default_schedule_is_exponential_up_to_sqrt_n():
    assert default_schedule(256) == [0, 1, 2, 4, 8]
    assert default_schedule(16384)[-1] <= math.pi / 4 * 128 < 2 * default_schedule(16384)[-1]


@pytest.mark.parametrize(("problem", "meta"), [(1, False), (2, False), (1, True), (2, True)])
def test_interval_coverage_matches_confidence(problem, meta):
    amp = AnalyticEngine().prepare(TrainingProblem.paper(problem, meta=meta))
    truth = amp.problem.num_solutions
    runs = 80
    covered = sum(
        r.interval[0] <= truth <= r.interval[1] for r in (estimate_solutions(amp, seed=s) for s in range(runs))
    )
    # 95% nominal; a binomial(80, 0.95) falls below 0.85*80 with probability 1.6e-4 (the seeds are fixed)
    assert covered >= 0.85 * runs


def test_estimate_is_deterministic_and_counts_oracle_calls():
    amp = AnalyticEngine().prepare(TrainingProblem.paper(2))
    a, b = estimate_solutions(amp, seed=7), estimate_solutions(amp, seed=7)
    assert a == b
    assert a.oracle_calls == sum(a.shots * (k + 1) for k in a.schedule)
    assert a.optimal_k == optimal_iterations(a.solutions_rounded, 256)


def test_hits_follow_the_sin2_law():
    amp = AnalyticEngine().prepare(TrainingProblem.paper(1))
    result = estimate_solutions(amp, seed=3, shots=2000, schedule=[0, 1, 3])
    for k, hits in zip(result.schedule, result.hits):
        p = success_probability(8, 256, k)
        assert abs(hits / 2000 - p) <= 5 * np.sqrt(p * (1 - p) / 2000) + 1e-9


def test_count_cli_json(capsys):
    assert main(["count", "--problem", "1", "--engine", "analytic", "--seed", "4", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["configurations"] == 256 and out["confidence"] == 0.95
    assert out["interval"][0] <= out["solutions"] <= out["interval"][1]
    assert out["oracle_calls"] > 0 and out["seed"] == 4


def test_count_cli_rejects_zero_shots(capsys):
    assert main(["count", "--shots", "0"]) == 2
    assert "--shots 0 must be at least 1" in capsys.readouterr().err


def test_counting_runs_the_real_threshold_circuit_on_the_structured_engine():
    from qbnn.engines.registry import get_engine

    problem = TrainingProblem.paper(2, min_correct=7)  # the threshold oracle, not the paper's
    truth = problem.num_solutions
    amp = get_engine("structured").prepare(problem)
    result = estimate_solutions(amp, seed=5, shots=400, schedule=[0, 1, 2, 4])
    for k, hits in zip(result.schedule, result.hits):
        p = success_probability(truth, 256, k)
        assert abs(hits / 400 - p) <= 5 * np.sqrt(p * (1 - p) / 400) + 1e-9
    assert result.interval[0] <= truth <= result.interval[1]
    assert result.oracle_calls == 400 * (1 + 2 + 3 + 5)


def test_count_cli_on_the_default_structured_engine(capsys):
    assert main(["count", "--problem", "2", "--min-correct", "7", "--seed", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    truth = TrainingProblem.paper(2, min_correct=7).num_solutions
    assert out["engine"] == "structured" and out["target"] == 7
    assert out["interval"][0] <= truth <= out["interval"][1]
    assert out["optimal_k"] == optimal_iterations(out["solutions_rounded"], 256)


def test_docstring_examples_run():
    import doctest

    import qbnn.engines.amplitude
    import qbnn.search.counting

    for module in (qbnn.search.counting, qbnn.engines.amplitude):
        result = doctest.testmod(module)
        assert result.failed == 0 and result.attempted >= 1


# --------------------------------------------------------------------------- textbook counting (QPE)


def test_qpe_counting_register_follows_the_phase_estimation_law_exactly():
    """The structured engine's counting-register distribution equals the closed form for eigenphases +-2 theta."""
    from qbnn.search.counting import qpe_counting_state, qpe_outcome_probabilities

    problem = TrainingProblem.paper(2)
    m = 3
    state = qpe_counting_state(problem, m)
    n = problem.qbnn.circuit.num_qubits
    theta = math.asin(math.sqrt(problem.num_solutions / problem.num_configurations))
    np.testing.assert_allclose(state.probabilities(range(n, n + m)), qpe_outcome_probabilities(theta, m), atol=1e-10)


@pytest.mark.parametrize("number", [1, 2])
def test_qpe_counting_finds_the_paper_counts(number):
    from qbnn.search.counting import count_by_phase_estimation

    problem = TrainingProblem.paper(number)
    result = count_by_phase_estimation(problem, eval_qubits=4, shots=4000, seed=3)
    assert result.solutions_rounded == problem.num_solutions  # 8 and 4 (tests/reference/paper_problems.json)
    assert result.interval[0] <= problem.num_solutions <= result.interval[1]
    assert result.oracle_calls == 4000 * 16 and sum(result.counts.values()) == 4000


@pytest.mark.parametrize(("number", "solutions"), [(1, 24), (2, 156)])
def test_qpe_counting_finds_the_meta_counts(number, solutions):
    """The meta problems (2^14 configurations): 6 counting qubits and maximum likelihood give 24 and 156.

    For 156, 2^6 theta / pi = 1.99 sits next to an outcome, so almost every shot reads y = 2 or 62 (the textbook
    estimate N sin^2(2 pi / 64) = 157.4); the rare neighbours y = 1, 3, 61, 63 in 100,000 seeded shots (drawn from
    the exact distribution, so shots cost nothing) are what the likelihood needs to resolve it."""
    from qbnn.search.counting import count_by_phase_estimation, qpe_outcome_probabilities

    problem = TrainingProblem.paper(number, meta=True)
    assert problem.num_solutions == solutions  # the landscape's count (tests/reference/paper_problems.json)
    result = count_by_phase_estimation(problem, eval_qubits=6, shots=100_000, seed=0)
    assert result.solutions_rounded == solutions
    assert result.interval[0] <= solutions <= result.interval[1]
    theta = math.asin(math.sqrt(solutions / problem.num_configurations))
    law = qpe_outcome_probabilities(theta, 6)
    observed = np.array([result.counts.get(y, 0) for y in range(64)])
    assert 0.5 * np.abs(observed / 100_000 - law).sum() < 0.01  # total variation of the seeded shots


def test_count_cli_qpe_json(capsys):
    assert main(["count", "--problem", "2", "--method", "qpe", "--eval-qubits", "3", "--shots", "500", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["method"] == "qpe" and out["eval_qubits"] == 3 and out["configurations"] == 256
    assert out["interval"][0] <= out["solutions"] <= out["interval"][1]
    assert main(["count", "--method", "nope"]) == 2
    assert "--method nope is not one of mle, qpe" in capsys.readouterr().err
