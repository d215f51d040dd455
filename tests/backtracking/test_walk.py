"""Montanaro's walk simulated exactly: a reflection pair, the eigenvalue-1 lemma, detection on real BNN search trees."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from qbnn.backtracking.costs import detection_bits
from qbnn.backtracking.tree import BacktrackingTree
from qbnn.backtracking.walk import ACCEPT_THRESHOLD, WalkOperator, detection_probability, simulate_detection
from qbnn.errors import ResourceLimitError
from qbnn.model.data import parity_problem
from qbnn.model.network import Network
from qbnn.problem import TrainingProblem

PARITY = TrainingProblem(Network((3, 2, 1)), parity_problem(3))
PARITY_META = TrainingProblem(Network((3, 2, 1), meta=True), parity_problem(3))

# (problem, target, has a solution): trees of real branch-and-bound searches
REAL = [
    (TrainingProblem.paper(1), 8, True),
    (TrainingProblem.paper(2), 8, True),
    (TrainingProblem.paper(1, meta=True), 8, True),
    (PARITY, 6, True),
    (PARITY, 7, False),
    (PARITY, 8, False),
    (PARITY_META, 7, False),
    (PARITY_META, 8, False),
]


def _eigen_overlap(tree: BacktrackingTree) -> float:
    """|| projection of |r> onto the eigenvalue-1 eigenspace of R_B R_A ||^2 (dense)."""
    U = WalkOperator(tree).dense()
    values, vectors = np.linalg.eig(U)
    ones = vectors[:, np.abs(values - 1) < 1e-8]
    if not ones.shape[1]:
        return 0.0
    q, _ = np.linalg.qr(ones)
    return float(np.sum(np.abs(q[0, :]) ** 2))


@pytest.mark.parametrize("problem,target,solvable", REAL[:5])
def test_walk_operator_is_a_product_of_two_reflections(problem, target, solvable):
    tree = BacktrackingTree.from_problem(problem, target)
    walk = WalkOperator(tree)
    rng = np.random.default_rng(0)
    v = rng.normal(size=tree.nodes)
    for which in (0, 1):
        assert np.allclose(walk.reflect(which, walk.reflect(which, v)), v)  # R^2 = I
        assert np.isclose(np.linalg.norm(walk.reflect(which, v)), np.linalg.norm(v))


@pytest.mark.parametrize("problem,target,solvable", [REAL[0], REAL[1], REAL[3], REAL[4], REAL[5]])
def test_eigenvalue_one_overlap_is_at_least_half_iff_marked(problem, target, solvable):
    tree = BacktrackingTree.from_problem(problem, target)
    assert (tree.num_marked > 0) == solvable
    overlap = _eigen_overlap(tree)
    if solvable:
        assert overlap >= 0.5 - 1e-9  # Montanaro 2018, Lemma: an invariant vector with |<r|phi>|^2 >= 1/2
    else:
        assert overlap < 1e-9


@pytest.mark.parametrize("problem,target,solvable", REAL, ids=[f"{p.network.describe()}-{t}-{s}" for p, t, s in REAL])
def test_detection_on_real_search_trees(problem, target, solvable):
    tree = BacktrackingTree.from_problem(problem, target)
    run = simulate_detection(tree)
    assert run.detected == solvable
    if solvable:
        assert run.probability >= 0.5 - 1e-9
    else:
        assert run.probability <= 0.25  # the algorithm's stated error for one run
    assert run.walk_steps == 2 ** detection_bits(tree.nodes, tree.depth) - 1 and run.nodes == tree.nodes


@settings(max_examples=15, deadline=None)
@given(st.integers(2, 8), st.data())
def test_detection_on_complete_binary_trees(depth, data):
    leaves = 1 << depth
    marked = data.draw(st.lists(st.integers(0, leaves - 1), max_size=3, unique=True))
    tree = BacktrackingTree.complete_binary(depth, tuple(marked))
    run = simulate_detection(tree)
    assert run.detected == bool(marked)
    assert (run.probability >= 0.5 - 1e-9) if marked else (run.probability <= 0.25)


@settings(max_examples=10, deadline=None)
@given(st.integers(2, 60), st.booleans())
def test_detection_on_paths(length, marked):
    run = simulate_detection(BacktrackingTree.path(length, marked))
    assert run.detected == marked and ((run.probability >= 0.5 - 1e-9) if marked else run.probability <= 0.25)


def test_too_few_phase_bits_cannot_tell_an_empty_tree_apart():
    tree = BacktrackingTree.from_problem(PARITY_META, 7)  # nothing marked
    assert detection_probability(tree, 2) > ACCEPT_THRESHOLD  # the precision matters: too coarse, a false "marked"
    assert not simulate_detection(tree).detected


def test_simulation_refuses_trees_beyond_its_limit():
    tree = BacktrackingTree.complete_binary(6)
    with pytest.raises(ResourceLimitError, match="at most 100"):
        simulate_detection(tree, limit=100)
