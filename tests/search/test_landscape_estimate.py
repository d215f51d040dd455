"""Estimated accuracy distribution: interval coverage at the stated confidence, costs, classical rival, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qbnn.engines.registry import get_engine
from qbnn.errors import QbnnError
from qbnn.search.landscape_estimate import (
    adaptive_mlae,
    classical_samples_for_width,
    estimate_landscape,
    wilson_interval,
)
from qbnn.problem import TrainingProblem


class CachingEngine:
    """The structured engine, prepared once per target (distributions are cached per k across seeds)."""

    name = "structured"

    def __init__(self):
        self.engine = get_engine("structured")
        self.prepared = {}

    def prepare(self, problem):
        if problem.target not in self.prepared:
            self.prepared[problem.target] = self.engine.prepare(problem)
        return self.prepared[problem.target]


@pytest.mark.parametrize(("problem", "meta", "precision"), [(1, False, 0.02), (2, False, 0.01), (2, True, 0.02)])
def test_intervals_cover_exact_fractions_at_stated_confidence(problem, meta, precision):
    engine = CachingEngine()
    tp = TrainingProblem.paper(problem, meta=meta)
    runs = 40
    covered = total = 0
    for seed in range(runs):
        est = estimate_landscape(tp, precision=precision, seed=seed, engine=engine, classical=False)
        for level in est.levels:
            covered += level.interval[0] <= level.exact_fraction <= level.interval[1]
            total += 1
            assert level.reached_precision and level.half_width <= precision + 1e-12
    # 95% nominal over 8 levels x 40 seeds (fixed seeds); a binomial(320, 0.95) is below 0.9 * 320 with prob < 1e-4
    assert covered >= 0.9 * total, covered / total


def test_costs_are_counted_and_classical_rival_reaches_the_same_width():
    est = estimate_landscape(TrainingProblem.paper(1), levels="4,8", precision=0.01, seed=3)
    assert [level.level for level in est.levels] == [4, 8]
    for level in est.levels:
        assert level.network_evaluations == sum(64 * (2 * k + 1) for k in level.schedule)
        lo, hi = level.classical_interval
        assert hi - lo <= (level.interval[1] - level.interval[0]) * 1.25 + 1e-3  # Wilson width at the measured fraction
        assert level.classical_forward_passes == classical_samples_for_width(
            level.fraction, level.interval[1] - level.interval[0])
    assert est.to_json()["network_evaluations"] == sum(level.network_evaluations for level in est.levels)


def test_quantum_cost_grows_like_one_over_epsilon_classical_like_its_square():
    engine = CachingEngine()
    tp = TrainingProblem.paper(2)
    eps = [0.04, 0.02, 0.01, 0.005, 0.0025]
    quantum, classical = [], []
    for e in eps:
        runs = [estimate_landscape(tp, levels=[5], precision=e, seed=s, engine=engine, classical=False).levels[0]
                for s in range(6)]
        quantum.append(np.mean([r.network_evaluations for r in runs]))
        classical.append(np.mean([r.classical_forward_passes for r in runs]))
    x = np.log(1 / np.array(eps))
    q_slope = np.polyfit(x, np.log(quantum), 1)[0]
    c_slope = np.polyfit(x, np.log(classical), 1)[0]
    assert 0.7 <= q_slope <= 1.3, q_slope
    assert 1.8 <= c_slope <= 2.2, c_slope


def test_mlae_alone_on_a_known_amplitude():
    a = 0.3
    theta = math.asin(math.sqrt(a))
    hits = 0
    for seed in range(60):
        r = adaptive_mlae(lambda k: math.sin((2 * k + 1) * theta) ** 2, precision=0.005, seed=seed)
        hits += r.interval[0] <= a <= r.interval[1]
    assert hits >= 54


def test_wilson_interval_and_sample_size_agree():
    n = classical_samples_for_width(0.2, 0.02)
    lo, hi = wilson_interval(int(0.2 * n), n)
    assert hi - lo <= 0.0201
    assert classical_samples_for_width(0.2, 0.01) > 3.5 * n


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"levels": "9"}, "levels"), ({"levels": "a,2"}, "levels"), ({"levels": []}, "levels"),
     ({"levels": [-1]}, "levels"), ({"precision": 0}, "precision"), ({"precision": 0.7}, "precision"),
     ({"precision": "x"}, "precision")],
)
def test_bad_levels_and_precision_name_the_parameter(kwargs, name):
    with pytest.raises(QbnnError) as info:
        estimate_landscape(TrainingProblem.paper(1), **kwargs)
    assert str(info.value).startswith(name + "=") and "\n" not in str(info.value)
