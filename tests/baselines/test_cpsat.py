"""CP-SAT training is exact: its optimum equals the exhaustive landscape's best, and it reports what it proves."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qbnn.baselines import METHODS, ClassicalTraining, train_classical
from qbnn.baselines.cpsat import train_cpsat
from qbnn.errors import QbnnError
from qbnn.model.data import Dataset
from qbnn.model.network import Network
from qbnn.problem import TrainingProblem


def _check_exact(problem: TrainingProblem, result: ClassicalTraining) -> None:
    """Optimal, equal to the landscape's best admissible count, and the configuration classifies as reported."""
    correct = problem.landscape.correct.copy()
    if problem.exclude:
        correct[list(problem.exclude)] = -1
    assert result.optimal is True
    assert result.correct == int(correct.max())
    assert result.bound == result.correct
    assert result.forward_passes == 0
    assert result.configuration is not None and result.configuration not in problem.exclude
    assert problem.correct_count(result.configuration) == result.correct
    assert np.array_equal(problem.parameter_vector(result.configuration), np.array(result.parameters))


@pytest.mark.parametrize("meta", [False, True])
@pytest.mark.parametrize("number", [1, 2])
def test_paper_problems_reach_the_landscape_optimum(number, meta):
    problem = TrainingProblem.paper(number, meta=meta)
    result = train_classical(problem, "cp-sat", seed=0)
    _check_exact(problem, result)
    assert result.success and result.to_json()["classical"] is True


def _random_problem(layers, points, seed, meta=False, **kwargs) -> TrainingProblem:
    rng = np.random.default_rng(seed)
    X = rng.choice([-1, 1], size=(points, layers[0]))
    y = rng.choice([-1, 1], size=points)
    return TrainingProblem(Network(layers, meta=meta), Dataset(X, y), **kwargs)


@given(
    layers=st.sampled_from([(3, 2, 1), (2, 2, 1), (4, 1), (3, 1, 1), (2, 2, 2, 1)]),
    points=st.integers(1, 12),
    seed=st.integers(0, 10_000),
    meta=st.booleans(),
)
@settings(max_examples=25, deadline=None)
def test_random_small_problems_reach_the_landscape_optimum(layers, points, seed, meta):
    problem = _random_problem(layers, points, seed, meta=meta and layers[0] * layers[1] <= 6)
    _check_exact(problem, train_cpsat(problem, seed=0))


@given(points=st.integers(4, 12), seed=st.integers(0, 10_000), slack=st.integers(0, 4))
@settings(max_examples=15, deadline=None)
def test_threshold_target_is_a_constraint_and_still_maximised(points, seed, slack):
    problem = _random_problem((3, 2, 1), points, seed)
    best = int(problem.landscape.correct.max())
    target = max(0, best - slack)
    result = train_cpsat(problem.variant(min_correct=target))
    _check_exact(problem, result)  # still the maximum, not merely the target
    assert result.success


def test_unreachable_target_reports_the_best_and_a_bound_below_the_target():
    problem = _random_problem((3, 2, 1), 12, seed=3)
    best = int(problem.landscape.correct.max())
    assert best < 12
    result = train_cpsat(problem.variant(min_correct=best + 1))
    assert result.correct == best and not result.success
    assert result.bound is not None and best <= result.bound <= best


@given(seed=st.integers(0, 10_000), free=st.sets(st.integers(0, 13), min_size=1, max_size=8), meta=st.booleans())
@settings(max_examples=20, deadline=None)
def test_free_values_slices_reach_the_conditional_optimum(seed, free, meta):
    rng = np.random.default_rng(seed)
    network = Network((3, 2, 1), meta=meta)
    free = sorted(i for i in free if i < network.num_parameters) or [0]
    bits = rng.integers(0, 2, size=network.num_parameters)
    values = network.bits_to_parameters(bits)
    problem = TrainingProblem(network, _random_problem((3, 2, 1), 8, seed).data, free=free, values=values)
    result = train_cpsat(problem)
    _check_exact(problem, result)
    held = [j for j in range(network.num_parameters) if j not in free]
    assert [result.parameters[j] for j in held] == [int(values[j]) for j in held]


def test_excluded_configurations_are_never_reported():
    problem = TrainingProblem.paper(1)
    solutions = np.flatnonzero(problem.good_mask).tolist()
    excluded = solutions[:-1]
    result = train_cpsat(problem.variant(exclude=tuple(excluded)))
    assert result.configuration == solutions[-1] and result.correct == 8 and result.optimal


def test_multibit_features_reach_the_landscape_optimum():
    rng = np.random.default_rng(5)
    X = rng.choice([-3, -1, 1, 3], size=(10, 3))
    y = rng.choice([-1, 1], size=10)
    problem = TrainingProblem(Network((3, 2, 1)), Dataset(X, y, input_bits=2))
    _check_exact(problem, train_cpsat(problem))


def test_bad_time_limit_and_unknown_method_name_the_parameter():
    problem = TrainingProblem.paper(1)
    for bad in (0, -1.5, "soon"):
        with pytest.raises(QbnnError, match="time_limit"):
            train_classical(problem, "cp-sat", time_limit=bad)
    with pytest.raises(QbnnError, match=r"method='annealing'.*cp-sat.*local-search.*ste"):
        train_classical(problem, "annealing")
    with pytest.raises(QbnnError, match="num_workers"):
        train_cpsat(problem, num_workers=0)
    assert {"ste", "local-search", "cp-sat"} <= set(METHODS)
