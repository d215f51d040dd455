"""Search strategies: determinism, classical truth of every reported solution, exact statistics."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qbnn.engines.amplitude import success_probability
from qbnn.model.data import Dataset
from qbnn.engines.registry import get_engine
from qbnn.errors import QbnnError
from qbnn.model.network import Network
from qbnn.problem import TrainingProblem
from qbnn.search import (
    BBHT,
    FixedK,
    PaperSchedule,
    default_budget,
    paper_schedule_success_cdf,
    train,
)

# session-scoped: the file runs in one xdist worker (tests/conftest.py), which may interleave other files' tests

RUNS = 400


def binomial_tolerance(p: float, runs: int, sigmas: float = 4.5) -> float:
    """Half-width of a 4.5-sigma binomial interval (false alarm ~7e-6 per check), at least 1/runs."""
    return sigmas * math.sqrt(max(p * (1 - p), 1.0 / runs) / runs) + 1.0 / runs


@pytest.fixture(scope="session")
def amplified():
    """The structured engine prepared once per paper case, shared by many seeds."""
    cache = {}

    def get(number: int, meta: bool):
        if (number, meta) not in cache:
            problem = TrainingProblem.paper(number, meta=meta)
            cache[number, meta] = (problem, get_engine("structured").prepare(problem))
        return cache[number, meta]

    return get


@pytest.mark.parametrize("strategy", ["paper", "bbht"])
@pytest.mark.parametrize(("number", "meta"), [(1, False), (2, False), (1, True), (2, True)])
def test_every_reported_solution_classifies_every_point(amplified, strategy, number, meta):
    problem, amp = amplified(number, meta)
    for seed in range(25):
        result = train(problem, strategy, engine=amp, seed=seed)
        assert result.success
        outputs = problem.network.forward(
            problem.data.X, np.array(result.weights), None if result.connections is None else np.array(result.connections)
        )
        assert np.array_equal(outputs, problem.data.y)
        assert result.correct == result.points == 8
        assert (result.connections is not None) == meta
        assert result.oracle_calls == sum(k + 1 for k in result.k_history)
        assert result.steps == len(result.k_history)


def test_same_seed_same_result_and_different_seeds_differ(amplified):
    problem, amp = amplified(2, True)
    runs = [train(problem, "bbht", engine=amp, seed=s) for s in (5, 5, 6)]
    assert runs[0] == runs[1]
    fresh = train(problem, "bbht", seed=5)  # a freshly prepared engine gives the same answer
    assert fresh.to_json() == runs[0].to_json()
    histories = {r.k_history for r in (train(problem, "bbht", engine=amp, seed=s) for s in range(10))}
    assert len(histories) > 1


@pytest.mark.parametrize(("number", "k"), [(1, 1), (1, 4), (2, 2), (2, 6)])
def test_fixed_k_success_rate_matches_the_exact_probability(amplified, number, k):
    problem, amp = amplified(number, False)
    exact = success_probability(problem.num_solutions, problem.num_configurations, k)
    wins = sum(train(problem, FixedK(k), engine=amp, seed=seed).success for seed in range(RUNS))
    assert abs(wins / RUNS - exact) <= binomial_tolerance(exact, RUNS)


@pytest.mark.parametrize(("number", "meta"), [(1, False), (2, False), (2, True)])
def test_paper_schedule_cumulative_success_matches_its_exact_distribution(amplified, number, meta):
    problem, amp = amplified(number, meta)
    steps = np.array([train(problem, PaperSchedule(), engine=amp, seed=seed).steps for seed in range(RUNS)])
    horizon = 25
    # the exact distribution from the sin^2 law alone (M and N from the landscape), not from the engine
    m, n = problem.num_solutions, problem.num_configurations
    exact = paper_schedule_success_cdf(lambda k: success_probability(m, n, k), horizon)
    observed = (steps[None, :] <= np.arange(1, horizon + 1)[:, None]).mean(axis=1)
    for t in range(horizon):
        assert abs(observed[t] - exact[t]) <= binomial_tolerance(exact[t], RUNS), t


def test_paper_schedule_cdf_formula_on_a_hand_case():
    # p(0) = 0.5, p(1) = 1: step 1 succeeds w.p. 0.5; step 2 w.p. (0.5 + 1)/2 = 0.75
    cdf = paper_schedule_success_cdf(lambda k: [0.5, 1.0][k], 2)
    assert cdf == pytest.approx([0.5, 1 - 0.5 * 0.25])


@pytest.mark.parametrize(("number", "first_step_over_90"), [(1, 6), (2, 7)])
def test_paper_schedule_passes_90_percent_where_the_paper_says(amplified, number, first_step_over_90):
    # the paper's "5 and 6 steps" count n, the top of the k range, which starts at 0: steps 6 and 7
    problem, amp = amplified(number, False)
    cdf = paper_schedule_success_cdf(amp.success_probability, 10)
    assert cdf[first_step_over_90 - 1] > 0.9 > cdf[first_step_over_90 - 2]


def test_bbht_schedule_grows_by_six_fifths_and_is_capped():
    rng = np.random.default_rng(0)
    ks = [k for _, k in zip(range(200), BBHT().schedule(rng, 256))]
    assert max(ks) < 16  # k < m <= sqrt(256)
    assert ks[0] == 0  # m = 1 at the first step
    assert max(ks[:5]) <= 2  # m = 1, 1.2, 1.44, 1.73, 2.07 -> k < 3


def test_no_perfect_configuration_stops_at_the_budget_with_the_best_seen():
    X = np.array([[a, b, c] for a in (-1, 1) for b in (-1, 1) for c in (-1, 1)])
    parity = Dataset(X, np.prod(X, axis=1).astype(np.int8), name="parity3")
    problem = TrainingProblem(Network((3, 2, 1)), parity)
    assert problem.num_solutions == 0
    for strategy in ("paper", "bbht"):
        result = train(problem, strategy, seed=2, max_oracle_calls=60)
        assert not result.success
        assert result.oracle_calls <= 60
        assert result.correct == problem.correct_count(result.index) <= problem.landscape.best_correct
        # the best seen is the best of the candidates measured, which had several chances
        assert result.correct >= 4


def test_default_budget_is_enough_for_meta_bbht(amplified):
    problem, amp = amplified(1, True)
    assert default_budget(problem.num_configurations) == 20 * 128 + 50
    assert all(train(problem, "bbht", engine=amp, seed=s).success for s in range(20))


def test_bad_strategy_options_have_clear_errors():
    """Library errors name Python parameters; the CLI renders the same error with its flags."""
    problem = TrainingProblem.paper(1)
    cases = [
        (dict(strategy="fixed"), "strategy 'fixed' needs k (", "strategy 'fixed' needs --k ("),
        (dict(strategy="paper", k=3), "k=3 is only used by the strategy 'fixed'", "--k 3 is only used by the strategy 'fixed'"),
        (dict(strategy="greedy"), "unknown strategy='greedy'; choose one of paper", "unknown --strategy greedy; choose one of paper"),
        (dict(strategy="fixed", k=7, max_oracle_calls=5), "max_oracle_calls=5 is too small for one step with k = 7",
         "--max-oracle-calls 5 is too small for one step with k = 7"),
        (dict(strategy="paper", max_oracle_calls=0), "max_oracle_calls=0 must be at least 1", "--max-oracle-calls 0 must be"),
        (dict(strategy="paper", seed=-1), "seed=-1 must be a whole number >= 0", "--seed -1 must be a whole number >= 0"),
    ]
    for kwargs, python, cli in cases:
        with pytest.raises(QbnnError) as info:
            train(problem, **kwargs)
        assert str(info.value).startswith(python) and info.value.render({}).startswith(cli)


def test_strategies_are_uniform_objects(amplified):
    """Every strategy runs through the same run(amplification, rng, budget, progress); no special case."""
    from qbnn.search import BBHT, BestAccuracy, FixedK, PaperSchedule

    problem, amp = amplified(1, False)
    for strategy in (FixedK(3, attempts=5), PaperSchedule(), BBHT(), BestAccuracy()):
        calls = []
        trace = strategy.run(amp, np.random.default_rng(4), 60, lambda done, budget: calls.append((done, budget)))
        assert trace.calls == sum(k + 1 for k in trace.ks) <= 60
        assert [c for c, _ in calls] == list(np.cumsum([k + 1 for k in trace.ks]))
        assert trace.best_correct == problem.correct_count(trace.best_index)
        result = train(problem, strategy, engine=amp, seed=4, max_oracle_calls=60)
        assert result.strategy == strategy.name and result.oracle_calls == trace.calls
        assert result.k_history == tuple(trace.ks)  # the same seed gives the same run


def test_result_json_has_the_documented_keys():
    result = train(TrainingProblem.paper(2, meta=True), "bbht", seed=0)
    payload = result.to_json()
    for key in ("success", "parameters", "correct", "points", "accuracy", "steps", "oracle_calls", "k_history"):
        assert key in payload
    assert len(payload["parameters"]["weights"]) == 8 and len(payload["parameters"]["connections"]) == 6
    assert payload["accuracy"] == 1.0


# --- Durr-Hoyer minimum finding (--strategy best) -------------------------------------------


def test_best_finds_six_of_eight_on_three_bit_parity():
    from qbnn.model.data import parity_problem

    problem = TrainingProblem(Network((3, 2, 1)), parity_problem(3))
    assert problem.landscape.best_correct == 6 and problem.num_solutions == 0
    runs = 60
    results = [train(problem, "best", seed=seed) for seed in range(runs)]
    found = sum(r.correct == 6 for r in results)
    # Durr-Hoyer succeeds w.p. >= 1/2 within 22.5 sqrt(N) calls; with a 370-call budget on 64 of 256 optimal
    # configurations it should essentially always succeed: require >= 90% (P(fewer | p=0.99) < 1e-6)
    assert found >= 0.9 * runs
    for r in results:
        assert r.correct == problem.correct_count(r.index)
        assert r.oracle_calls <= default_budget(256)
        assert r.oracle_calls_to_best <= r.oracle_calls
        assert list(r.thresholds) == sorted(r.thresholds)  # the threshold only rises
        assert not r.success  # 8/8 (the default target) is impossible, and reported as such


@pytest.mark.parametrize("seed", range(3))
def test_best_finds_the_true_best_on_random_labels(seed):
    rng = np.random.default_rng(100 + seed)
    X = np.array([[a, b, c] for a in (-1, 1) for b in (-1, 1) for c in (-1, 1)])
    problem = TrainingProblem(Network((3, 2, 1)), Dataset(X, rng.choice([-1, 1], size=8)))
    best = problem.landscape.best_correct
    wins = sum(train(problem, "best", seed=s).correct == best for s in range(20))
    assert wins >= 17


@pytest.mark.parametrize(("number", "meta"), [(1, False), (2, False), (2, True)])
def test_best_reaches_a_perfect_configuration_when_one_exists(number, meta):
    problem = TrainingProblem.paper(number, meta=meta)
    results = [train(problem, "best", seed=s) for s in range(10)]
    assert sum(r.success for r in results) >= 9
    for r in results:
        if r.success:
            assert problem.is_good(r.index) and r.correct == 8
            assert r.oracle_calls == sum(k + 1 for k in r.k_history)


def test_raising_the_target_reuses_u_and_marks_the_right_configurations():
    problem = TrainingProblem.paper(2)
    base = problem.qbnn
    six = problem.with_target(6)
    assert "cnt" in [r.name for r in six.qbnn.circuit.qregs]  # compiled here, then handed on
    seven = six.with_target(7)
    assert seven.qbnn is six.qbnn  # one U with its count register, shared by every lower target
    assert problem.with_target(8).qbnn is base  # the paper's U, no count register
    for sub, target in ((six, 6), (seven, 7)):
        assert sub.target == target
        assert sub.num_solutions == problem.landscape.count_at_least(target)
        amp = get_engine("structured").prepare(sub)
        assert amp.success_probability(0) == pytest.approx(sub.num_solutions / 256, abs=1e-12)
        assert amp.success_probability(2) == pytest.approx(success_probability(sub.num_solutions, 256, 2), abs=1e-12)


def test_best_never_reports_an_excluded_configuration() -> None:
    """Dürr–Høyer's random first incumbent must not be a deselected configuration (--exclude)."""
    full = TrainingProblem.paper(1)
    solutions = np.flatnonzero(full.good_mask)
    excluded = tuple(int(i) for i in solutions[:-1])  # keep exactly one solution
    problem = TrainingProblem.paper(1, exclude=excluded)
    successes = 0
    for seed in range(120):
        result = train(problem, "best", engine="analytic", seed=seed)
        assert result.index is not None  # the first incumbent is always measured
        assert result.index not in excluded, f"seed {seed} reported excluded index {result.index}"
        if result.success:
            assert result.index == int(solutions[-1])
            successes += 1
    assert successes >= 60  # the one admissible solution is found in most runs, so the checks above had work to do


@pytest.mark.parametrize("strategy", ["paper", "bbht", "best"])
def test_all_solutions_excluded_never_reports_an_excluded_best(strategy) -> None:
    """Every solution deselected: the search fails and its best is an admissible configuration (or none)."""
    full = TrainingProblem.paper(2)
    excluded = tuple(int(i) for i in np.flatnonzero(full.good_mask))
    problem = TrainingProblem.paper(2, exclude=excluded)
    assert problem.num_solutions == 0
    admissible_best = max(problem.correct_count(i) for i in range(256) if i not in excluded)
    for seed in range(30):
        result = train(problem, strategy, engine="analytic", seed=seed, max_oracle_calls=40)
        assert not result.success
        assert result.index is None or result.index not in excluded
        if result.index is not None:
            assert result.correct == problem.correct_count(result.index) <= admissible_best
