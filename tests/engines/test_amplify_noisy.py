"""Noisy amplitude amplification: rate 0 is exact, a small QBNN agrees with Aer's density matrix, seeds repeat."""

from __future__ import annotations

import numpy as np
import pytest

from qbnn.model.data import Dataset
from qbnn.engines.amplify_noisy import NoisyAmplification
from qbnn.simulator.noise import PauliNoise
from qbnn.simulator.noise_aer import aer_parameter_distributions
from qbnn.model.network import Network
from qbnn.problem import TrainingProblem
from qbnn.search import train


def small_qbnn() -> TrainingProblem:
    """[2, 1] on two points: 6 qubits, 4 configurations, 1 solution (k = 1 finds it with certainty)."""
    return TrainingProblem(Network((2, 1)), Dataset(np.array([[1, 1], [-1, 1]]), np.array([1, -1])))


def test_rate_zero_gives_the_noiseless_probabilities_exactly():
    problem = TrainingProblem.paper(1)
    amplification = NoisyAmplification(problem, PauliNoise("depolarizing", 0.0), trajectories=5)
    estimate = amplification.estimate(range(6))
    exact = tuple(amplification.exact.success_probability(k) for k in range(6))
    assert estimate.success_probability == exact == estimate.noiseless
    assert estimate.interval == tuple((p, p) for p in exact)
    assert exact[4] == pytest.approx(np.sin(9 * np.arcsin(np.sqrt(8 / 256))) ** 2, abs=1e-12)


@pytest.mark.parametrize("model", ["bit-flip", "phase-flip", "depolarizing"])
def test_small_qbnn_agrees_with_aer_density_matrix(model):
    problem = small_qbnn()
    noise = PauliNoise(model, 0.03)
    amplification = NoisyAmplification(problem, noise, trajectories=300, seed=4, confidence=0.999)
    ks = [0, 1, 2]
    estimate = amplification.estimate(ks)
    reference = aer_parameter_distributions(
        amplification.exact.u_program, amplification.exact.q_programs, problem.parameter_qubits, noise, ks
    )
    for j, k in enumerate(ks):
        expected = float(reference[k][problem.good_mask].sum())
        low, high = estimate.interval[j]
        assert low - 1e-12 <= expected <= high + 1e-12, (k, expected, estimate.interval[j])
    assert estimate.noiseless[1] == pytest.approx(1.0, abs=1e-12)
    assert float(reference[1][problem.good_mask].sum()) < 0.9  # noise really lowers the k = 1 peak


def test_same_seed_same_estimates_other_seed_other_estimates():
    problem = small_qbnn()
    noise = PauliNoise("depolarizing", 0.02)
    first = NoisyAmplification(problem, noise, trajectories=50, seed=7).estimate([1, 2])
    again = NoisyAmplification(problem, noise, trajectories=50, seed=7).estimate([1, 2])
    other = NoisyAmplification(problem, noise, trajectories=50, seed=8).estimate([1, 2])
    assert first == again
    assert first.success_probability != other.success_probability


def test_noisy_measurements_succeed_as_often_as_the_estimate_says():
    problem = small_qbnn()
    noise = PauliNoise("bit-flip", 0.03)
    amplification = NoisyAmplification(problem, noise, trajectories=300, seed=1)
    p = amplification.estimate([1]).success_probability[0]
    draws = amplification.sample(1, np.random.default_rng(3), shots=600)
    hits = float(problem.good_mask[draws].mean())
    assert abs(hits - p) < 4 * np.sqrt(p * (1 - p) / 600) + 0.03
    assert amplification.trajectories_run > 0


def test_training_on_noisy_runs_counts_oracle_calls_and_repeats_with_the_seed():
    problem = TrainingProblem.paper(1)
    noise = PauliNoise("depolarizing", 1e-4)
    results = [train(problem, "bbht", engine=NoisyAmplification(problem, noise), seed=2) for _ in range(2)]
    assert results[0] == results[1]
    result = results[0]
    assert result.oracle_calls == sum(k + 1 for k in result.k_history)
    assert result.success == problem.is_good(result.index)
