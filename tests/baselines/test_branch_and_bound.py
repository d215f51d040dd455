"""Branch-and-bound training: exact optimum, sound bounds (checked on every node against every completion), small trees."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from qbnn.baselines import train_classical
from qbnn.baselines.branch_and_bound import (
    ACCEPTED,
    OPEN,
    REJECTED,
    Bounder,
    branch_order,
    search_tree,
    train_branch_and_bound,
)
from qbnn.baselines.result import free_and_fixed
from qbnn.errors import QbnnError, ResourceLimitError
from qbnn.model.data import Dataset, parity_problem
from qbnn.model.network import Network
from qbnn.problem import TrainingProblem


def _problems():
    yield TrainingProblem.paper(1)
    yield TrainingProblem.paper(2)
    yield TrainingProblem.paper(1, meta=True)
    yield TrainingProblem.paper(2, meta=True)
    yield TrainingProblem(Network((3, 2, 1)), parity_problem(3))
    yield TrainingProblem(Network((3, 2, 1), meta=True), parity_problem(3))
    yield TrainingProblem.paper(2, free=[0, 3, 5, 6, 7], values=[1, -1, 1, 1, 1, -1, 1, 1])


@pytest.mark.parametrize("problem", list(_problems()), ids=lambda p: f"{p.network.describe()} {p.data.name[:12]} free={p.free}")
def test_optimum_equals_the_exhaustive_landscape(problem):
    result = train_branch_and_bound(problem, target="best")
    assert result.optimal is True
    assert result.correct == result.bound == problem.landscape.best_correct
    assert problem.landscape.correct[result.configuration] == result.correct


def test_parity_has_no_perfect_configuration_and_the_proof_says_so():
    problem = TrainingProblem(Network((3, 2, 1)), parity_problem(3))
    assert problem.num_solutions == 0
    result = train_classical(problem, "branch-and-bound")  # target: all 8 points
    assert not result.success and result.bound == 7 and result.nodes == result.settings["tree_nodes"]
    best = train_classical(problem, "branch-and-bound", target="best")
    assert best.correct == 6 == problem.landscape.best_correct and best.optimal
    assert [r["target"] for r in best.settings["rounds"]] == [8, 7, 6]


@pytest.mark.parametrize("target", [5, 6, 7, 8])
def test_threshold_target_succeeds_exactly_when_a_configuration_reaches_it(target):
    problem = TrainingProblem(Network((3, 2, 1), meta=True), parity_problem(3), min_correct=target)
    result = train_branch_and_bound(problem)
    reachable = problem.landscape.count_at_least(target) > 0
    assert result.success == reachable
    if reachable:
        assert problem.landscape.correct[result.configuration] >= target
    else:
        assert result.bound == target - 1


def _completion_ranges(problem, tree, depth: int) -> tuple[np.ndarray, np.ndarray]:
    """Per node code at ``depth``: (min, max) correct count over every configuration completing it (exhaustive)."""
    free, _ = free_and_fixed(problem)
    position = {int(p): j for j, p in enumerate(free)}
    configurations = np.arange(problem.num_configurations)
    prefix = np.zeros(configurations.size, dtype=np.int64)
    for k in range(depth):
        prefix |= ((configurations >> position[int(tree.order[k])]) & 1) << k
    counts = np.asarray(problem.landscape.correct, dtype=np.int64)
    low = np.full(1 << depth, 10**9)
    high = np.full(1 << depth, -1)
    np.minimum.at(low, prefix, counts)
    np.maximum.at(high, prefix, counts)
    return low, high


def _check_every_node(problem, target):
    tree = search_tree(problem, target)
    for depth, (codes, status) in enumerate(zip(tree.codes, tree.status)):
        low, high = _completion_ranges(problem, tree, depth)
        low, high = low[codes], high[codes]
        right, wrong = tree.right[depth], tree.wrong[depth]
        assert (right <= low).all() and (high <= problem.data.num_points - wrong).all()
        assert (high[status == REJECTED] < target).all()  # never cut a node with a completion reaching the target
        assert (low[status == ACCEPTED] >= target).all()
        assert depth < tree.depth or not (status == OPEN).any()
    return tree


@pytest.mark.parametrize("problem", list(_problems())[:6], ids=lambda p: f"{p.network.describe()} {p.data.name[:12]}")
def test_bounds_never_cut_a_better_completion_on_every_node(problem):
    for target in (problem.landscape.best_correct, problem.landscape.best_correct + 1 if problem.landscape.best_correct < problem.data.num_points else 5):
        tree = _check_every_node(problem, target)
        solutions = sum(int(np.count_nonzero(s == ACCEPTED)) << (tree.depth - d) for d, s in enumerate(tree.status))
        assert solutions == problem.landscape.count_at_least(target)


@st.composite
def small_problems(draw):
    n0 = draw(st.integers(2, 3))
    hidden = draw(st.integers(1, 2))
    meta = draw(st.booleans()) and n0 * hidden <= 4
    points = draw(st.integers(2, 7))
    X = np.array(draw(st.lists(st.lists(st.sampled_from([-1, 1]), min_size=n0, max_size=n0), min_size=points, max_size=points)))
    y = np.array(draw(st.lists(st.sampled_from([-1, 1]), min_size=points, max_size=points)))
    return TrainingProblem(Network((n0, hidden, 1), meta=meta), Dataset(X, y))


@settings(max_examples=20, deadline=None)
@given(small_problems(), st.integers(0, 7))
def test_bounds_are_sound_on_random_problems(problem, target):
    target = min(target, problem.data.num_points)
    _check_every_node(problem, target)
    result = train_branch_and_bound(problem, target="best")
    assert result.correct == problem.landscape.best_correct and result.optimal


@settings(max_examples=12, deadline=None)
@given(small_problems())
def test_bounds_of_random_partial_assignments_enclose_every_completion(problem):
    network = problem.network
    bounder = Bounder(network, problem.data.X, problem.data.y)
    rng = np.random.default_rng(problem.data.num_points)
    everything = np.array([problem.parameter_vector(i) for i in range(problem.num_configurations)])
    counts = np.asarray(problem.landscape.correct)
    encoded = bounder.encode(everything)
    for _ in range(20):
        unknown = rng.random(network.num_parameters) < 0.5
        row = encoded[rng.integers(len(encoded))].copy()
        row[unknown] = 0
        match = np.all((encoded == row) | unknown[None, :], axis=1)
        right, wrong = bounder.bounds(row[None, :])
        assert right[0] <= counts[match].min() and counts[match].max() <= problem.data.num_points - wrong[0]


def _reference_dfs(problem, target) -> int:
    """A plain recursive backtracking search with the same bound and order: vertices evaluated until the first solution."""
    bounder = Bounder(problem.network, problem.data.X, problem.data.y)
    free, fixed = free_and_fixed(problem)
    order = branch_order(problem.network, free)
    base = bounder.encode(fixed)
    base[order] = 0
    visited = 0

    def visit(row, depth) -> bool:
        nonlocal visited
        visited += 1
        right, wrong = (int(v[0]) for v in bounder.bounds(row[None, :]))
        if problem.data.num_points - wrong < target:
            return False
        if right >= target:
            return True
        for value in (-1, 1):
            child = row.copy()
            child[order[depth]] = value
            if visit(child, depth + 1):
                return True
        return False

    visit(base, 0)
    return visited


@pytest.mark.parametrize("problem", list(_problems())[:6], ids=lambda p: f"{p.network.describe()} {p.data.name[:12]}")
def test_depth_first_count_matches_a_plain_recursive_search(problem):
    target = problem.landscape.best_correct
    assert search_tree(problem, target).dfs_nodes() == _reference_dfs(problem, target)


def _teacher(layers, points, seed):
    rng = np.random.default_rng(seed)
    network = Network(layers)
    X = rng.choice([-1, 1], (points, layers[0]))
    return TrainingProblem(network, Dataset(X, network.forward(X, rng.choice([-1, 1], network.num_weights))))


@pytest.mark.parametrize("layers,points,seed", [((4, 2, 1), 12, 0), ((5, 2, 1), 16, 1), ((4, 3, 1), 16, 2), ((5, 3, 1), 20, 3)])
def test_tree_is_smaller_than_the_full_binary_tree_on_separable_data(layers, points, seed):
    problem = _teacher(layers, points, seed)
    tree = search_tree(problem)
    full = 2 ** (problem.num_parameters + 1) - 1
    assert tree.marked > 0 and tree.nodes < full / 2
    result = train_branch_and_bound(problem)
    assert result.success and result.nodes == tree.dfs_nodes() == result.forward_passes <= tree.nodes


def test_output_first_order_prunes_more_than_the_natural_order():
    problem = _teacher((5, 2, 1), 16, 1)
    assert search_tree(problem).nodes < search_tree(problem, order="natural").nodes


def test_excluded_configurations_are_never_returned():
    base = TrainingProblem.paper(1)
    solutions = [int(i) for i in np.flatnonzero(base.good_mask)]
    problem = TrainingProblem.paper(1, exclude=solutions[:-1])
    result = train_branch_and_bound(problem)
    assert result.configuration == solutions[-1]
    assert train_branch_and_bound(TrainingProblem.paper(1, exclude=solutions)).success is False


def test_json_reports_nodes_optimal_and_wall_time():
    payload = train_classical(TrainingProblem.paper(1, meta=True), "branch-and-bound", target="best").to_json()
    assert payload["strategy"] == "branch-and-bound" and payload["optimal"] is True
    assert payload["nodes"] >= 1 and payload["forward_passes"] == payload["nodes"] and payload["wall_time_s"] >= 0


def test_bad_target_and_oversized_tree_are_refused():
    problem = TrainingProblem.paper(1)
    with pytest.raises(QbnnError, match="outside 0..8"):
        train_branch_and_bound(problem, target=9)
    with pytest.raises(QbnnError, match="'problem' or 'best'"):
        train_branch_and_bound(problem, target="most")
    with pytest.raises(ResourceLimitError, match="max_nodes"):
        search_tree(TrainingProblem(Network((3, 2, 1)), parity_problem(3)), 6, max_nodes=10)
    with pytest.raises(QbnnError, match="branching order"):
        branch_order(problem.network, order="random")
