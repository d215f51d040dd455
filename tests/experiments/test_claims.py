"""The paper's unnumbered claims: exact mean-call formulas, slopes from the rows, parity, landscape independence."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qbnn.engines.amplitude import success_probability
from qbnn.model.data import Dataset, paper_problem
from qbnn.experiments.claims import (
    ScalingCase,
    landscape_independence,
    majority,
    mean_calls_bbht,
    mean_calls_paper_schedule,
    parity,
    planted,
    scaling,
)
from qbnn.model.network import Network
from qbnn.problem import TrainingProblem
from qbnn.search import BBHT, PaperSchedule, train


def _forward_counts(network: Network, data: Dataset) -> np.ndarray:
    """Correct points per configuration by the plain forward pass, one configuration at a time."""
    counts = []
    for index in range(network.num_configurations):
        weights, connections = network.decode(index)
        counts.append(int((network.forward(data.X, weights, connections) == data.y).sum()))
    return np.array(counts)


@settings(max_examples=25, deadline=None)
@given(st.floats(min_value=0.05, max_value=1.0))
def test_mean_calls_with_a_constant_success_probability_match_closed_forms(c):
    # paper schedule: step t costs (t+1)/2 on average; sum_t (1-c)^(t-1) (t+1)/2 = (1/c^2 + 1/c)/2
    assert mean_calls_paper_schedule(lambda k: c) == pytest.approx((1 / c**2 + 1 / c) / 2, rel=1e-9)
    # BBHT on N = 1 never lets m grow past 1: every step has k = 0, one call, so a geometric mean 1/c
    assert mean_calls_bbht(lambda k: c, 1) == pytest.approx(1 / c, rel=1e-9)


@pytest.mark.parametrize("strategy", [PaperSchedule(), BBHT()])
def test_exact_mean_calls_agree_with_seeded_runs(strategy):
    problem = TrainingProblem.paper(2)
    m, n = problem.num_solutions, problem.num_configurations
    p = lambda k: success_probability(m, n, k)  # noqa: E731
    exact = mean_calls_paper_schedule(p) if isinstance(strategy, PaperSchedule) else mean_calls_bbht(p, n)
    calls = np.array([train(problem, strategy, engine="analytic", seed=s).oracle_calls for s in range(400)])
    assert abs(calls.mean() - exact) < 4 * calls.std() / np.sqrt(calls.size)


def test_slopes_come_from_the_rows_and_land_in_the_expected_ranges():
    cases = [
        ScalingCase("[3,1] majority-3", (3, 1), lambda: majority(3)),
        ScalingCase("[3,2,1] problem 2", (3, 2, 1), lambda: paper_problem(2)),
        ScalingCase("[8,1] random teacher", (8, 1), lambda: planted((8, 1), 10, 0), engine="analytic"),
        ScalingCase("[12,1] random teacher", (12, 1), lambda: planted((12, 1), 16, 5), engine="analytic"),
        ScalingCase("[16,1] random teacher", (16, 1), lambda: planted((16, 1), 24, 5), engine="analytic"),
    ]
    claim = scaling(cases)
    rows = claim["rows"]
    assert {r["engine"] for r in rows} == {"structured", "analytic"}
    x = np.log([r["configurations"] / r["solutions"] for r in rows])
    assert np.ptp(x) > np.log(1000)  # three orders of magnitude of hardness
    quantum = np.polyfit(x, np.log([r["quantum_calls"] for r in rows]), 1)[0]
    classical = np.polyfit(x, np.log([r["classical_calls"] for r in rows]), 1)[0]
    assert claim["quantum_slope"] == pytest.approx(quantum) and claim["classical_slope"] == pytest.approx(classical)
    assert 0.4 < quantum < 0.6 and 0.9 < classical < 1.1
    for row in rows:
        if row["engine"] == "structured":  # the circuit was run, and it obeys the sin^2 law
            assert row["k_from_circuit"] > 0 and row["max_abs_error_vs_theory"] < 1e-9
    # the structured row of the paper's problem 2 counts its solutions like the plain forward pass does
    row = next(r for r in rows if r["case"] == "[3,2,1] problem 2")
    assert row["solutions"] == int((_forward_counts(Network((3, 2, 1)), paper_problem(2)) == 8).sum())


def test_parity_weights_classify_all_eight_points():
    claim = parity(architectures=[(3, 2, 1), (3, 3, 1)], seed=7)
    network = Network(tuple(claim["layers"]))
    X = np.array(list(itertools.product((-1, 1), repeat=3)))
    parity_labels = X.prod(axis=1)  # +1 iff an even number of -1 features
    assert claim["points"] == 8 and claim["correct"] == 8
    assert np.array_equal(network.forward(X, np.array(claim["weights"])), parity_labels)
    # the paper's [3,2,1] has no perfect fit, and minimum finding reaches its true best
    assert claim["without_solutions"] == [[3, 2, 1]]
    data = Dataset(X, parity_labels)
    best = int(_forward_counts(Network((3, 2, 1)), data).max())
    assert best < 8 and claim["minimum_finding"]["correct"] == best


def test_landscape_independence_cases_share_m_and_n_but_not_histograms():
    claim = landscape_independence(k_max=6)
    network = Network(tuple(claim["layers"]))
    histograms, counts = [], set()
    for case in claim["cases"]:
        correct = _forward_counts(network, Dataset(np.array(case["X"]), np.array(case["y"])))
        counts.add((int((correct == case["points"]).sum()), correct.size))
        histograms.append(tuple(np.bincount(correct, minlength=9)))
        assert (case["solutions"], case["configurations"]) == (int((correct == case["points"]).sum()), correct.size)
    assert len(counts) == 1 and len(set(histograms)) == len(histograms) >= 2
    curves = np.array([case["success"] for case in claim["cases"]])
    assert claim["max_difference"] == pytest.approx(float(np.ptp(curves, axis=0).max()), abs=1e-15)
    assert claim["max_difference"] < 1e-12 and curves.max() > 0.9  # the curves rise, and lie on one another

