"""Classical random search: exact formulas against enumeration and simulation."""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qbnn.baselines.random_search import simulate_random_search, steps_for_confidence, success_curve, success_within


@given(st.integers(1, 9), st.integers(0, 9), st.integers(0, 9))
@settings(max_examples=60, deadline=None)
def test_without_replacement_matches_enumeration_of_every_draw_order(total, good, steps):
    good = min(good, total)
    steps = min(steps, total)
    # every subset of `steps` distinct configurations is equally likely
    subsets = list(combinations(range(total), steps))
    hits = sum(any(i < good for i in s) for s in subsets) / len(subsets)
    assert success_within(good, total, steps, replacement=False) == pytest.approx(hits, abs=1e-12)


@given(st.integers(1, 300), st.integers(0, 300), st.integers(1, 400), st.booleans())
@settings(max_examples=100, deadline=None)
def test_curve_agrees_with_pointwise_formula(total, good, steps, replacement):
    good = min(good, total)
    curve = success_curve(good, total, steps, replacement=replacement)
    for s in (1, steps // 2, steps):
        if s >= 1:
            assert curve[s - 1] == pytest.approx(success_within(good, total, s, replacement=replacement), abs=1e-12)
    assert np.all(np.diff(curve) >= -1e-15)


def test_steps_for_90_percent_on_the_paper_counts():
    assert steps_for_confidence(8, 256, replacement=False) == 64
    assert steps_for_confidence(8, 256, replacement=True) == 73
    assert steps_for_confidence(4, 256, replacement=False) == 112
    assert steps_for_confidence(4, 256, replacement=True) == 147
    # the smallest such s: one step fewer is below 90%
    assert success_within(8, 256, 63, replacement=False) < 0.9 <= success_within(8, 256, 64, replacement=False)


@pytest.mark.parametrize("replacement", [False, True])
def test_simulation_agrees_with_the_formula(replacement):
    good = np.zeros(256, dtype=bool)
    good[[3, 70, 140, 200]] = True
    runs = 2000
    sim = simulate_random_search(good, runs, replacement=replacement, rng=np.random.default_rng(1))
    exact = success_curve(4, 256, 150, replacement=replacement)
    observed = sim.success_curve(150)
    tolerance = 4.5 * np.sqrt(np.maximum(exact * (1 - exact), 1 / runs) / runs) + 1 / runs
    assert np.all(np.abs(observed - exact) <= tolerance)
    if not replacement:
        assert sim.steps.max() <= 256 - 4 + 1


def test_no_solution_is_an_error():
    with pytest.raises(ValueError, match="no solutions"):
        steps_for_confidence(0, 256, replacement=True)
    with pytest.raises(ValueError, match="0 <= M <= N"):
        success_within(5, 4, 1, replacement=True)
