"""The crossover arithmetic on a case worked out by hand, the crossing rule, and a tiny measured study."""

from __future__ import annotations

import math

import pytest

from qbnn.model.data import paper_problem
from qbnn.hardware.crossover import (
    CrossoverRow,
    SizeCost,
    crossover_figure,
    crossover_rows,
    crossover_study,
    first_crossing,
)
from qbnn.hardware.fault_tolerant import CCZFactory, SurfaceCodeModel, logical_counts
from qbnn.model.network import Network
from qbnn.problem import TrainingProblem


def test_two_sizes_worked_out_by_hand():
    # One factory 15/31: 5.5 * 31 = 170.5 code cycles of 1 us per Toffoli.
    model = SurfaceCodeModel(factory=CCZFactory(15, 31))
    costs = [
        SizeCost((3, 1, 1), 4, 10, 10, 20, 1e-4),
        SizeCost((3, 2, 1), 8, 10, 10, 20, 1e-3),
    ]
    small, large = crossover_rows(costs, solutions=1, model=model)
    # p = 4, M = 1: theta = asin(1/4); pi/(4 theta) - 1/2 = 2.61 -> k = 3 (sin^2(7 theta) = 0.961 beats sin^2(5 theta) = 0.908)
    theta = math.asin(0.25)
    assert small.iterations == 3
    p_success = math.sin(7 * theta) ** 2
    assert p_success == pytest.approx(0.9613, abs=1e-4)
    assert small.toffolis == 10 + 3 * 20 == 70
    assert small.quantum_s == pytest.approx(math.ceil(70 * 170.5) * 1e-6 / p_success)  # 0.012415 s
    assert small.exhaustive_s == pytest.approx(16 * 1e-4)  # 0.0016 s: classical wins
    assert small.random_search_s == pytest.approx(17 / 2 * 1e-4)
    # p = 8, M = 1: theta = asin(1/16); pi/(4 theta) - 1/2 = 12.06 -> k = 12, 250 Toffolis
    theta = math.asin(1 / 16)
    assert large.iterations == 12 and large.toffolis == 250
    assert large.quantum_s == pytest.approx(math.ceil(250 * 170.5) * 1e-6 / math.sin(25 * theta) ** 2)  # 0.04263 s
    assert large.exhaustive_s == pytest.approx(0.256) and large.random_search_s == pytest.approx(257 / 2 * 1e-3)
    assert first_crossing([small, large], "exhaustive_s") == 8
    assert first_crossing([small, large], "random_search_s") == 8
    # with 3 solutions random search needs (256 + 1)/4 draws: 0.064 s, still slower than the quantum 0.0x s
    three = crossover_rows(costs[1:], solutions=3, model=model)[0]
    assert three.random_search_s == pytest.approx(257 / 4 * 1e-3)


def _row(p: int, quantum: float | None, exhaustive: float) -> CrossoverRow:
    return CrossoverRow((3, 1, 1), p, 1, quantum, exhaustive, exhaustive, 1, 3, 1, 1.0)


def test_the_crossing_is_where_quantum_stays_faster():
    assert first_crossing([_row(4, 2.0, 1.0), _row(8, 1.0, 2.0), _row(12, 1.0, 4.0)]) == 8
    assert first_crossing([_row(4, 2.0, 1.0), _row(8, 1.0, 2.0), _row(12, 5.0, 4.0)]) is None
    assert first_crossing([_row(4, 2.0, 1.0), _row(8, 3.0, 2.0)]) is None
    # a size beyond the factory model neither makes nor breaks a crossing
    assert first_crossing([_row(4, 2.0, 1.0), _row(8, 1.0, 2.0), _row(12, None, 4.0)]) == 8


def test_a_tiny_measured_study_is_consistent_with_its_circuits():
    data = paper_problem(1)
    study = crossover_study(data, [1, 2], sample=64)
    assert [row.parameters for row in study.rows] == [4, 8]
    row = study.rows[1]
    problem = TrainingProblem(Network((3, 2, 1)), data, activation="counter")
    u, q = logical_counts(problem.qbnn.circuit), logical_counts(problem.grover_iterate)
    assert row.iterations == 12 and row.toffolis == u.toffoli_count + 12 * q.toffoli_count
    assert row.seconds_per_configuration > 0
    assert row.exhaustive_s == pytest.approx(256 * row.seconds_per_configuration)
    assert study.crossover_parameters is None  # a few microseconds of CPU vs seconds of surface code
    payload = study.to_json()
    assert set(payload["rows"][0]) >= {"parameters", "quantum_s", "exhaustive_s", "random_search_s"}
    assert "crossover_parameters" in payload and any("M = 1" in a for a in payload["assumptions"])
    figure = crossover_figure(study)
    assert len(figure.axes[0].lines) >= 3
