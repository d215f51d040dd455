"""Variants of a problem are made one way (every field copied), and raised thresholds keep the engine's settings."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from qbnn.engines.amplify_noisy import NoisyAmplification
from qbnn.errors import QbnnError
from qbnn.problem import TrainingProblem
from qbnn.search import train
from qbnn.simulator.noise import PauliNoise


def _init_values(problem: TrainingProblem) -> dict:
    return {f.name: getattr(problem, f.name) for f in dataclasses.fields(problem) if f.init}


@pytest.mark.parametrize(
    "problem",
    [
        TrainingProblem.paper(1, batch_size=4),
        TrainingProblem.paper(2, min_correct=7, exclude=[3, 9], activation="counter"),
        TrainingProblem.paper(1, free=[0, 2, 5], values=[1, -1, 1, 1, -1, 1, 1, -1]),
    ],
    ids=["minibatch", "threshold-exclude-counter", "free"],
)
def test_a_variant_without_changes_copies_every_field(problem):
    copy = problem.variant()
    for name, value in _init_values(problem).items():
        np.testing.assert_array_equal(np.asarray(getattr(copy, name), dtype=object), np.asarray(value, dtype=object), err_msg=name)


def test_with_target_keeps_the_batch_size_and_refuses_what_minibatches_cannot_do():
    """Before, with_target dropped batch_size: minimum finding on minibatches silently used full-batch oracles."""
    problem = TrainingProblem.paper(1, batch_size=4)
    assert problem.with_target(8).batch_size == 4
    with pytest.raises(QbnnError, match="batch_size"):
        problem.with_target(6)


def test_an_unknown_field_is_refused():
    with pytest.raises(TypeError, match="no field"):
        TrainingProblem.paper(1).variant(learning_rate=0.1)


def test_minimum_finding_keeps_the_noise_of_the_engine_it_was_given(monkeypatch):
    """Before, each raised threshold was prepared by engine name ('structured'), so a noisy run ran noiseless."""
    problem = TrainingProblem.paper(2)
    noisy = NoisyAmplification(problem, PauliNoise("bit-flip", 1e-3), trajectories=4, seed=0)
    prepared: list[NoisyAmplification] = []
    original = NoisyAmplification.with_problem

    def spy(self, other):
        amplification = original(self, other)
        prepared.append(amplification)
        return amplification

    monkeypatch.setattr(NoisyAmplification, "with_problem", spy)
    result = train(problem, "best", engine=noisy, seed=3)
    assert prepared, "minimum finding raised no threshold"
    for amplification in prepared:
        assert isinstance(amplification, NoisyAmplification) and amplification.noise == noisy.noise
        assert amplification.problem.target > 0
    assert noisy.trajectories_run > 0  # measurements ran noisy trajectories, counted for the whole search
    assert result.correct == problem.landscape.correct[result.index]
