"""The noise study: exact at rate 0, expected oracle calls from the estimates, the crossover against random search."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qbnn.experiments.noise_study import NoiseStudy, NoiseStudyRow, noise_study, study_figure, study_table
from qbnn.problem import TrainingProblem


def test_rate_zero_row_is_the_noiseless_optimum_and_noise_costs_calls(tmp_path):
    problem = TrainingProblem.paper(2)
    study = noise_study(problem, [0.0, 1e-4], trajectories=8, max_k=4, seed=1, name="problem 2")
    theta = math.asin(math.sqrt(4 / 256))
    exact = [math.sin((2 * k + 1) * theta) ** 2 for k in range(5)]
    zero, noisy = study.rows
    assert zero.success_probability == pytest.approx(exact, abs=1e-12)
    calls = [(k + 1) / exact[k] for k in range(1, 5)]
    assert zero.expected_oracle_calls == pytest.approx(min(calls)) and zero.best_k == 1 + int(np.argmin(calls))
    assert noisy.expected_oracle_calls == pytest.approx((noisy.best_k + 1) / noisy.best_success_probability)
    assert noisy.expected_oracle_calls > zero.expected_oracle_calls
    assert study.random_search_oracle_calls == 64
    assert "| problem 2 | 0.0001 |" in study_table([study])
    assert study_figure([study], tmp_path / "noise.png").stat().st_size > 0


def test_crossover_is_the_first_rate_not_beating_random_search():
    def row(rate, calls):
        return NoiseStudyRow(rate, 1, 2 / calls, (0.0, 1.0), calls, ())

    study = NoiseStudy("p", False, "depolarizing", 4, 256, 10, 0, 6, 6, 6.1, (row(1e-5, 7), row(1e-4, 40), row(1e-3, 70), row(1e-2, 50)))
    assert study.crossover_rate == 1e-3
    # log-log interpolation between (1e-4, 40) and (1e-3, 70) at 256/4 = 64 calls
    expected = math.exp(math.log(1e-4) + (math.log(64) - math.log(40)) / (math.log(70) - math.log(40)) * math.log(10))
    assert study.crossover_interpolated == pytest.approx(expected)
    assert NoiseStudy("p", False, "bit-flip", 4, 256, 10, 0, 6, 6, 6.1, (row(1e-5, 7),)).crossover_rate is None


def test_adaptive_k_doubles_the_range_until_the_best_k_is_inside_it():
    problem = TrainingProblem.paper(2)
    study = noise_study(problem, [0.0, 3e-3], trajectories=6, adaptive_k=True, seed=2, name="problem 2")
    zero, noisy = study.rows
    # rate 0: the best of k <= 4 is k = 4, the range's edge, so the study tried k <= 8, where k = 4 is inside
    theta = math.asin(math.sqrt(4 / 256))
    exact = [math.sin((2 * k + 1) * theta) ** 2 for k in range(9)]
    assert zero.max_k == 8 and zero.success_probability == pytest.approx(exact, abs=1e-12)
    assert zero.best_k == study.noiseless_best_k and not zero.at_edge
    for row in study.rows:  # the stopping rule: inside the range, or the range reached max_k
        assert not row.at_edge or row.max_k == study.max_k
        assert row.max_k in (4, 8, study.max_k)
    # each row is the plain estimate over the range it tried (same seed, same trajectories)
    from qbnn.engines.amplify_noisy import NoisyAmplification
    from qbnn.simulator.noise import PauliNoise

    direct = NoisyAmplification(problem, PauliNoise("depolarizing", 3e-3), trajectories=6, seed=2).estimate(range(noisy.max_k + 1))
    assert noisy.success_probability == direct.success_probability
    fixed = noise_study(problem, [3e-3], trajectories=6, max_k=noisy.max_k, seed=2).rows[0]
    assert (fixed.best_k, fixed.expected_oracle_calls) == (noisy.best_k, noisy.expected_oracle_calls)


def test_rows_at_the_edge_are_marked_in_the_table():
    study = noise_study(TrainingProblem.paper(1), [0.0], trajectories=2, max_k=2, name="problem 1")
    (row,) = study.rows
    assert row.best_k == 2 and row.at_edge  # the noiseless optimum is k = 3, outside k <= 2
    assert "| problem 1 | 0 | 2 (of 2, at the edge) |" in study_table([study])
    assert study.to_json()["rows"][0]["best_k_at_edge"] is True


def test_calls_interval_is_the_calls_over_the_probability_interval():
    row = NoiseStudyRow(5e-4, 1, 0.03, (0.02, 0.04), 2 / 0.03, (0.0, 0.03))
    assert row.calls_interval == pytest.approx((2 / 0.04, 2 / 0.02))
    assert NoiseStudyRow(1e-3, 2, 0.01, (0.0, 0.02), 300.0, ()).calls_interval == (150.0, math.inf)
    study = NoiseStudy("p", True, "depolarizing", 156, 16384, 10, 0, 5, 5, 7.8, (row,))
    assert "| p (meta) | 0.0005 | 1 (of 1, at the edge) | 0.0300 (0.0200-0.0400) | 66.7 (50.0-100.0) |" in study_table([study])
