"""Query-count formulas: they grow as written, on trees of known size, and the tree flattening keeps T and n."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

from qbnn.backtracking.costs import (
    BETA,
    backtracking_costs,
    detection_bits,
    detection_walk_steps,
    finding_walk_steps,
    grover_queries,
    repetitions,
    tree_size_estimation_steps,
)
from qbnn.backtracking.tree import BacktrackingTree
from qbnn.baselines.branch_and_bound import search_tree
from qbnn.engines.amplitude import optimal_iterations
from qbnn.problem import TrainingProblem


@given(st.integers(1, 40))
def test_detection_steps_track_sqrt_t_n_on_complete_binary_trees(depth):
    nodes = 2 ** (depth + 1) - 1  # a tree of known size
    steps = detection_walk_steps(nodes, depth)
    scale = math.sqrt(nodes * depth) / BETA
    assert scale <= steps + 1 < 2 * scale + 1e-9  # 2^m with m = ceil(log2(sqrt(T n) / beta))


@given(st.integers(1, 10**9), st.integers(1, 60))
def test_quadrupling_t_doubles_the_detection_steps(nodes, depth):
    if math.sqrt(nodes * depth) / BETA >= 2:  # above the 1-bit floor
        assert detection_walk_steps(4 * nodes, depth) + 1 == 2 * (detection_walk_steps(nodes, depth) + 1)
        assert detection_walk_steps(nodes, 4 * depth) + 1 == 2 * (detection_walk_steps(nodes, depth) + 1)


@given(st.integers(1, 10**7), st.integers(1, 50))
def test_finding_is_levels_times_children_times_repetitions_times_detection(nodes, depth):
    assert finding_walk_steps(nodes, depth) == 2 * depth * repetitions(1 / (6 * depth)) * detection_walk_steps(nodes, depth)


def _binomial_tail(K: int, p: float, cut: int, above: bool) -> float:
    terms = [math.comb(K, j) * p**j * (1 - p) ** (K - j) for j in range(K + 1)]
    return sum(terms[cut + 1 :]) if above else sum(terms[: cut + 1])


@pytest.mark.parametrize("delta", [1 / 3, 0.1, 0.01, 1e-4])
def test_repetitions_meet_the_failure_probability(delta):
    K = repetitions(delta)
    cut = math.floor(3 * K / 8)
    assert _binomial_tail(K, 0.5, cut, above=False) <= delta and _binomial_tail(K, 0.25, cut, above=True) <= delta
    assert K <= math.ceil(32 * math.log(1 / delta))  # never above Hoeffding's bound


def test_tree_size_estimation_and_grover_formulas():
    assert tree_size_estimation_steps(1000, 10) == pytest.approx(math.sqrt(10 * 1000) / 0.5**1.5)
    for p in range(2, 12):
        for M in (1, 3, 2 ** (p - 2)):
            assert grover_queries(p, M) == optimal_iterations(M, 2**p) or abs(grover_queries(p, M) - optimal_iterations(M, 2**p)) == 1
    assert grover_queries(20, 0) == math.floor(math.pi / 4 * 2**10)


def test_costs_of_a_real_tree():
    problem = TrainingProblem.paper(1, meta=True)
    tree = search_tree(problem)
    flat = BacktrackingTree.from_search(tree)
    assert flat.nodes == tree.nodes and flat.depth == problem.num_parameters == 14
    assert flat.num_marked == tree.marked and flat.dfs_nodes == tree.dfs_nodes()
    assert np.array_equal(np.bincount(flat.level), tree.level_sizes)
    costs = backtracking_costs(problem.num_parameters, problem.num_solutions, tree.nodes, tree.depth, tree.dfs_nodes())
    payload = costs.to_json()
    assert payload["exhaustive"] == 2**14 and payload["nodes"] == tree.nodes and "arXiv:1509.02374" in payload["citations"]["detection"]


def test_complete_binary_and_path_trees_have_known_sizes():
    assert BacktrackingTree.complete_binary(5).nodes == 63 and BacktrackingTree.path(7).nodes == 8
    assert BacktrackingTree.complete_binary(3, (0, 7)).num_marked == 2
