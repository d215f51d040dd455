"""Single-flip local search: reaches the landscape optimum on the paper problems, counts its work, is reproducible."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qbnn.baselines import train_classical
from qbnn.baselines.local_search import default_budget, train_local_search
from qbnn.errors import QbnnError
from qbnn.model.data import Dataset
from qbnn.model.network import Network
from qbnn.problem import TrainingProblem


@pytest.mark.parametrize("meta", [False, True])
@pytest.mark.parametrize("number", [1, 2])
def test_paper_problems_reach_the_landscape_optimum(number, meta):
    problem = TrainingProblem.paper(number, meta=meta)
    for seed in range(5):
        result = train_classical(problem, "local-search", seed=seed)
        assert result.correct == int(problem.landscape.correct.max()) and result.success
        assert problem.correct_count(result.configuration) == result.correct
        assert 1 <= result.forward_passes <= default_budget(problem)


@given(seed=st.integers(0, 10_000), points=st.integers(2, 12))
@settings(max_examples=20, deadline=None)
def test_best_of_many_restarts_is_the_landscape_optimum_and_seeded(seed, points):
    rng = np.random.default_rng(seed)
    problem = TrainingProblem(Network((3, 2, 1)), Dataset(rng.choice([-1, 1], (points, 3)), rng.choice([-1, 1], points)))
    result = train_local_search(problem, seed=seed, max_forward_passes=3000)
    assert result.correct == int(problem.landscape.correct.max())
    again = train_local_search(problem, seed=seed, max_forward_passes=3000)
    assert (again.parameters, again.forward_passes) == (result.parameters, result.forward_passes)


def test_budget_is_respected_and_counted_in_network_evaluations():
    rng = np.random.default_rng(0)
    problem = TrainingProblem(Network((6, 3, 1)), Dataset(rng.choice([-1, 1], (40, 6)), rng.choice([-1, 1], 40)))
    for budget in (1, 7, 50):
        result = train_local_search(problem, seed=1, max_forward_passes=budget)
        assert result.forward_passes == budget  # random labels: the target (all 40) is never met, so all is spent
        assert not result.success


def test_fixed_parameters_never_move_and_exclusions_are_never_reported():
    problem = TrainingProblem.paper(1)
    solutions = np.flatnonzero(problem.good_mask).tolist()
    excluded = problem.variant(exclude=tuple(solutions[:-1]))
    assert train_local_search(excluded, seed=0, max_forward_passes=5000).configuration == solutions[-1]
    values = problem.parameter_vector(solutions[0])
    sliced = problem.variant(free=[0, 5], values=values)
    result = train_local_search(sliced, seed=0)
    held = [j for j in range(8) if j not in (0, 5)]
    assert [result.parameters[j] for j in held] == [int(values[j]) for j in held]
    assert result.correct == int(sliced.landscape.correct.max())


def test_bad_arguments_name_the_parameter():
    problem = TrainingProblem.paper(1)
    with pytest.raises(QbnnError, match="max_forward_passes"):
        train_local_search(problem, max_forward_passes=0)
    with pytest.raises(QbnnError, match="time_limit"):
        train_classical(problem, "local-search", time_limit=-1)
