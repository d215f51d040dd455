"""Minibatch training run by the engines: structured equals the classical recursion, Aer, and full batch."""

from __future__ import annotations

import numpy as np
import pytest

from qbnn.model.data import Dataset
from qbnn.engines.amplify_aer import AerEngine
from qbnn.engines.registry import get_engine
from qbnn.errors import DataError
from qbnn.model.network import Network
from qbnn.problem import TrainingProblem
from qbnn.search import train
from qbnn.testing import classical_minibatch_probabilities


@pytest.mark.parametrize(("number", "batch_size"), [(1, 2), (1, 4), (2, 3), (2, 4)])
def test_structured_minibatch_matches_the_classical_recursion(number, batch_size):
    problem = TrainingProblem.paper(number, batch_size=batch_size)
    amp = get_engine("structured").prepare(problem)
    expected = classical_minibatch_probabilities(problem.network, problem.data, batch_size, steps=10)
    for k in (0, 1, 2, 5, 10, 3):  # also backwards in k
        np.testing.assert_allclose(amp.distribution(k), expected[k], atol=1e-12)


@pytest.mark.parametrize("number", [1, 2])
def test_one_batch_of_every_point_is_the_full_oracle(number):
    full = get_engine("structured").prepare(TrainingProblem.paper(number))
    batch = get_engine("structured").prepare(TrainingProblem.paper(number, batch_size=8))
    for k in range(8):
        np.testing.assert_allclose(batch.distribution(k), full.distribution(k), atol=1e-12)


def test_minibatch_agrees_with_aer_on_a_small_case():
    rng = np.random.default_rng(5)
    data = Dataset(rng.choice([-1, 1], size=(6, 2)), rng.choice([-1, 1], size=6))
    problem = TrainingProblem(Network((2, 2, 1)), data, batch_size=2)
    aer = AerEngine().prepare(problem)
    aer.prefetch(range(5))
    structured = get_engine("structured").prepare(problem)
    for k in range(5):
        np.testing.assert_allclose(structured.distribution(k), aer.distribution(k), atol=1e-9)


def test_minibatch_training_finds_true_solutions_with_fewer_qubits():
    problem = TrainingProblem.paper(1, batch_size=4)
    assert problem.num_qubits == TrainingProblem.paper(1).num_qubits - 4
    amp = get_engine("structured").prepare(problem)
    for seed in range(20):
        result = train(problem, "bbht", engine=amp, seed=seed)
        assert result.success and problem.is_good(result.index)


def test_minibatch_refuses_threshold_targets():
    with pytest.raises(DataError, match="^batch_size works with the paper's 100% oracle only") as info:
        TrainingProblem.paper(1, batch_size=2, min_correct=6)
    assert info.value.render({}).endswith("drop --min-correct/--min-accuracy/--exclude or --batch-size")
    with pytest.raises(DataError, match="^batch_size=0 must be between 1 and the 8 training points") as info:
        TrainingProblem.paper(1, batch_size=0)
    assert info.value.render({}).startswith("--batch-size 0 must be between 1")
