"""Each strategy's success rate over many seeds against its exact probability (issue 6), for every oracle kind.

Exact probabilities come from outside the engines: the sin^2 law with M from the exact landscape, the
classical minibatch recursion, and dynamic programming over the BBHT and Durr-Hoyer processes
(:mod:`qbnn.testing`). A 4.5-sigma binomial bound makes a false failure about 7e-6 per check.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from qbnn.engines.amplitude import success_probability
from qbnn.model.data import Dataset, parity_problem
from qbnn.engines.registry import get_engine
from qbnn.model.network import Network
from qbnn.problem import TrainingProblem
from qbnn.search import BBHT, FixedK, default_budget, train
from qbnn.search import bbht_success_cdf, minimum_finding_success_probability
from qbnn.testing import classical_minibatch_probabilities

RUNS = 400


def binomial_tolerance(p: float, runs: int, sigmas: float = 4.5) -> float:
    return sigmas * math.sqrt(max(p * (1 - p), 1.0 / runs) / runs) + 1.0 / runs


def histogram(problem: TrainingProblem) -> np.ndarray:
    return np.bincount(problem.landscape.correct, minlength=problem.data.num_points + 1)


def parity() -> TrainingProblem:
    return TrainingProblem(Network((3, 2, 1)), parity_problem(3))


def three_bit_problem(labels: list[int]) -> TrainingProblem:
    """[3, 2, 1] on all 8 points of 3 bits with the given labels."""
    return TrainingProblem(Network((3, 2, 1)), Dataset(parity_problem(3).X, np.array(labels)))


ORACLES = {
    "threshold >= 6": lambda: TrainingProblem.paper(1, min_correct=6),
    "threshold >= 7, exclude": lambda: TrainingProblem.paper(2, min_correct=7, exclude=(0, 17, 200)),
    "exclude two solutions": lambda: TrainingProblem.paper(1, exclude=(66, 144)),
    "counter activation": lambda: TrainingProblem.paper(2, activation="counter"),
    "parity, >= 6 of 8": lambda: TrainingProblem(Network((3, 2, 1)), parity_problem(3), min_correct=6),
}


def test_the_deselected_configurations_are_solutions_of_the_paper_oracle():
    paper = TrainingProblem.paper(1)
    deselected = ORACLES["exclude two solutions"]()
    assert all(paper.is_good(e) and not deselected.is_good(e) for e in deselected.exclude)
    assert deselected.num_solutions == paper.num_solutions - 2


@pytest.mark.parametrize("name", list(ORACLES))
@pytest.mark.parametrize("k", [1, 3])
def test_fixed_k_success_rate_on_threshold_exclusion_and_counter_oracles(name, k):
    problem = ORACLES[name]()
    amp = get_engine("structured").prepare(problem)
    exact = success_probability(problem.num_solutions, problem.num_configurations, k)  # M from the landscape
    wins = 0
    for seed in range(RUNS):
        result = train(problem, FixedK(k), engine=amp, seed=seed)
        assert result.success == (result.index is not None and problem.is_good(result.index))
        wins += result.success
    assert abs(wins / RUNS - exact) <= binomial_tolerance(exact, RUNS)


@pytest.mark.parametrize(("number", "batch_size", "k"), [(1, 4, 4), (1, 2, 3), (2, 4, 5)])
def test_fixed_k_success_rate_with_minibatch_oracles(number, batch_size, k):
    problem = TrainingProblem.paper(number, batch_size=batch_size)
    amp = get_engine("structured").prepare(problem)
    distribution = classical_minibatch_probabilities(problem.network, problem.data, batch_size, k)[k]
    exact = float(distribution[problem.good_mask].sum())
    wins = sum(train(problem, FixedK(k), engine=amp, seed=seed).success for seed in range(RUNS))
    assert abs(wins / RUNS - exact) <= binomial_tolerance(exact, RUNS)


@pytest.mark.parametrize(
    "make",
    [
        lambda: TrainingProblem.paper(2),
        lambda: TrainingProblem.paper(1, min_correct=7),
        lambda: TrainingProblem.paper(2, meta=True),
    ],
    ids=["problem 2", "problem 1, >= 7", "problem 2 meta"],
)
def test_bbht_cumulative_success_matches_its_exact_distribution(make):
    problem = make()
    amp = get_engine("structured").prepare(problem)
    steps = np.array([train(problem, BBHT(), engine=amp, seed=seed).steps for seed in range(RUNS)])
    horizon = 15  # at most 79 oracle calls: the default budget never binds this early
    exact = bbht_success_cdf(amp.success_probability, horizon, problem.num_configurations)
    observed = (steps[None, :] <= np.arange(1, horizon + 1)[:, None]).mean(axis=1)
    for t in range(horizon):
        assert abs(observed[t] - exact[t]) <= binomial_tolerance(exact[t], RUNS), t


def test_bbht_cdf_formula_on_a_hand_case():
    # N = 4: m = 1, 1.2, 1.44, 1.728, 2 -> k in {0}, {0,1}, {0,1}, {0,1}, {0,1}
    p = [0.25, 1.0]
    cdf = bbht_success_cdf(lambda k: p[k], 3, 4)
    assert cdf == pytest.approx([0.25, 1 - 0.75 * (1 - 0.625), 1 - 0.75 * 0.375**2])


def test_minimum_finding_formula_on_a_hand_case():
    # 4 configurations with 0, 1, 1, 2 correct; budget 2: the random start (1 call) is the best w.p. 1/4,
    # else one step with k = 0 (1 call) samples uniformly: from best 0 the target >= 1 set is {1, 1, 2}
    # (hits the best w.p. 1/4); from best 1 the target >= 2 set is {2} (w.p. 1/4).
    assert minimum_finding_success_probability([1, 2, 1], budget=1) == pytest.approx(0.25)
    assert minimum_finding_success_probability([1, 2, 1], budget=2) == pytest.approx(0.25 + 0.75 * 0.25)


@pytest.mark.parametrize(
    ("name", "make", "budget"),
    [
        ("parity, budget 4", parity, 4),
        ("problem 1, budget 10", lambda: TrainingProblem.paper(1), 10),
        ("best 7/8 by 4 configurations, budget 16", lambda: three_bit_problem([1, 1, 1, -1, -1, -1, -1, -1]), 16),
    ],
)
def test_minimum_finding_success_rate_matches_its_exact_probability(name, make, budget):
    problem = make()
    best = problem.landscape.best_correct
    exact = minimum_finding_success_probability(histogram(problem), budget)
    assert 0.2 < exact < 0.95  # a budget where the rate is informative
    amp = get_engine("analytic").prepare(problem)  # the sin^2 law; the structured engine equals it (below)
    wins = sum(train(problem, "best", engine=amp, seed=s, max_oracle_calls=budget).correct == best for s in range(RUNS))
    assert abs(wins / RUNS - exact) <= binomial_tolerance(exact, RUNS)


def test_minimum_finding_on_the_structured_engine_equals_the_analytic_runs():
    problem = TrainingProblem.paper(1)
    for seed in range(8):
        structured = train(problem, "best", engine="structured", seed=seed, max_oracle_calls=10).to_json()
        analytic = train(problem, "best", engine="analytic", seed=seed, max_oracle_calls=10).to_json()
        assert structured.pop("engine") == "structured" and analytic.pop("engine") == "analytic"
        assert structured == analytic  # same draws from the same exact distributions


def test_minimum_finding_on_parity_within_the_default_budget_is_almost_sure():
    problem = parity()
    budget = default_budget(problem.num_configurations)
    exact = minimum_finding_success_probability(histogram(problem), budget)
    assert exact > 1 - 1e-9  # 6/8 "with high probability": the exact figure
    assert minimum_finding_success_probability(histogram(problem), budget, goal=7) == 0.0
