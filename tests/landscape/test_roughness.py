"""Exact roughness measures against brute force; the circuit estimate of single-flip roughness against exact."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from qbnn.errors import QbnnError
from qbnn.landscape import compute_landscape
from qbnn.search.landscape_estimate import estimate_flip_roughness
from qbnn.landscape.roughness import (
    exact_roughness,
    local_entropy,
    robust_mask,
    walsh_hadamard,
)
from qbnn.model.data import Dataset
from qbnn.model.network import Network
from qbnn.problem import TrainingProblem


def _brute(correct: np.ndarray, points: int, target: int, radii=(1, 2)) -> dict:
    """Every measure by loops over configurations and masks (no transforms, no reshaping)."""
    n = correct.size
    p = n.bit_length() - 1
    c = [int(v) for v in correct]
    diffs = [abs(c[i] - c[i ^ (1 << j)]) for i in range(n) for j in range(p)]
    weak = [i for i in range(n) if all(c[i] >= c[i ^ (1 << j)] for j in range(p))]
    strict = [i for i in range(n) if all(c[i] > c[i ^ (1 << j)] for j in range(p))]
    mean = sum(c) / n
    var = sum((v - mean) ** 2 for v in c) / n
    rho = []
    for d in range(p + 1):
        masks = [m for m in range(n) if bin(m).count("1") == d]
        cov = sum((c[i] - mean) * (c[i ^ m] - mean) for i in range(n) for m in masks) / (n * len(masks))
        rho.append(cov / var if var > 0 else None)
    good = [v >= target for v in c]
    sols = [i for i in range(n) if good[i]]
    density = []
    for r in range(p + 1):
        masks = [m for m in range(n) if bin(m).count("1") == r]
        density.append(
            sum(good[s ^ m] for s in sols for m in masks) / (len(sols) * len(masks)) if sols else None
        )
    entropy = {}
    for r in radii:
        if 1 <= r <= p:
            masks = [m for m in range(n) if 1 <= bin(m).count("1") <= r]
            per = [sum(good[s ^ m] for m in masks) / len(masks) for s in sols]
            entropy[str(r)] = sum(per) / len(per) if per else None
    return {
        "mean_abs_change": sum(diffs) / len(diffs) if diffs else 0.0,
        "change_fraction": sum(d != 0 for d in diffs) / len(diffs) if diffs else 0.0,
        "local_optima": len(weak),
        "strict_local_optima": len(strict),
        "non_global_local_optima": sum(c[i] < max(c) for i in weak),
        "solutions": len(sols),
        "autocorrelation": rho,
        "solution_density": density,
        "mean_local_entropy": entropy,
    }


def _close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


@st.composite
def small_problems(draw):
    layers = draw(st.sampled_from([(2, 1), (3, 1), (4, 1), (2, 2, 1), (3, 2, 1)]))
    meta = draw(st.booleans()) and len(layers) == 2
    network = Network(layers, meta=meta)
    points = draw(st.integers(1, 6))
    X = np.array(draw(st.lists(st.lists(st.sampled_from([-1, 1]), min_size=layers[0], max_size=layers[0]),
                               min_size=points, max_size=points)))
    y = np.array(draw(st.lists(st.sampled_from([-1, 1]), min_size=points, max_size=points)))
    target = draw(st.integers(0, points))
    return network, Dataset(X, y), target


@settings(max_examples=40, deadline=None)
@given(small_problems())
def test_exact_measures_equal_brute_force(case):
    network, data, target = case
    correct = compute_landscape(network, data).correct
    got = exact_roughness(correct, data.num_points, target).to_json()
    want = _brute(np.asarray(correct), data.num_points, target)
    for key in ("mean_abs_change", "change_fraction", "local_optima", "strict_local_optima",
                "non_global_local_optima", "solutions"):
        assert _close(got[key], want[key]), key
    for key in ("autocorrelation", "solution_density"):
        assert len(got[key]) == len(want[key])
        assert all(_close(a, b) for a, b in zip(got[key], want[key])), (key, got[key], want[key])
    assert set(got["mean_local_entropy"]) == set(want["mean_local_entropy"])
    assert all(_close(got["mean_local_entropy"][r], want["mean_local_entropy"][r]) for r in want["mean_local_entropy"])


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 7), st.integers(0, 7), st.one_of(st.none(), st.floats(0.05, 1.0)), st.integers(0, 2**32 - 1))
def test_robust_mask_equals_brute_force(p, radius, fraction, seed):
    radius = min(radius, p)
    good = np.random.default_rng(seed).random(1 << p) < 0.7
    got = robust_mask(good, radius, fraction)
    masks = [m for m in range(1 << p) if 1 <= bin(m).count("1") <= radius]
    need = len(masks) if fraction is None else math.ceil(fraction * len(masks) - 1e-9)
    want = [bool(good[i]) and sum(bool(good[i ^ m]) for m in masks) >= need for i in range(1 << p)]
    assert got.tolist() == want
    if radius:
        assert np.allclose(local_entropy(good, radius) * len(masks),
                           [sum(bool(good[i ^ m]) for m in masks) for i in range(1 << p)])


def test_walsh_hadamard_is_its_own_inverse_up_to_n():
    v = np.random.default_rng(0).integers(0, 9, 64)
    assert np.allclose(walsh_hadamard(walsh_hadamard(v)) / 64, v)


def test_paper_problem_2_reference_values():
    r = exact_roughness(TrainingProblem.paper(2).landscape.correct, 8)
    assert (r.mean_abs_change, r.change_fraction, r.solutions, r.strict_local_optima) == (1.0, 0.4375, 4, 4)
    assert r.solution_density[1] == 0.0  # the 4 solutions of problem 2 are isolated


@pytest.mark.parametrize(("problem", "meta", "seed"), [(1, False, 0), (2, False, 1), (2, False, 2), (1, True, 3)])
def test_circuit_estimate_agrees_with_exact(problem, meta, seed):
    est = estimate_flip_roughness(TrainingProblem.paper(problem, meta=meta), precision=0.02, seed=seed)
    assert est.exact_change_fraction is not None
    lo, hi = est.interval
    assert lo <= est.exact_change_fraction <= hi
    assert hi - lo <= 2 * 0.02 + 1e-9
    assert est.network_evaluations == 4 * sum(est.shots * (2 * k + 1) for k in est.schedule)


def test_circuit_estimate_with_a_padded_index_register():
    # p = 3 parameters: j has 2 bits, value 3 flips nothing; the scale 4/3 undoes that
    data = Dataset(np.array([[1, -1, 1], [-1, -1, 1], [1, 1, -1]]), np.array([1, -1, -1]))
    problem = TrainingProblem(Network((3, 1)), data)
    est = estimate_flip_roughness(problem, precision=0.02, seed=5)
    assert est.scale == pytest.approx(4 / 3)
    assert est.interval[0] <= est.exact_change_fraction <= est.interval[1]


def test_bad_radius_and_fraction_name_the_parameter():
    good = np.ones(8, bool)
    with pytest.raises(QbnnError, match="radius=4"):
        robust_mask(good, 4)
    with pytest.raises(QbnnError, match="radius=-1"):
        robust_mask(good, -1)
    with pytest.raises(QbnnError, match="robust_fraction=0"):
        robust_mask(good, 1, 0)
