"""Block training: never worse from block to block, deterministic, honest about its accuracy, and it learns."""

from __future__ import annotations

import numpy as np
import pytest

from qbnn.model.data import Dataset
from qbnn.errors import QbnnError
from qbnn.model.network import Network
from qbnn.problem import TrainingProblem
from qbnn.search import BlockCoordinate, train
from qbnn.search.block import durr_hoyer_budget


def teacher_problem(layers, points, seed, activation="counter"):
    """Data labelled by a random teacher network of the same architecture (so 100% is reachable)."""
    rng = np.random.default_rng(seed)
    net = Network(layers)
    X = rng.choice([-1, 1], size=(points, layers[0]))
    teacher = net.bits_to_parameters(rng.integers(0, 2, net.num_parameters))
    return TrainingProblem(net, Dataset(X, net.forward(X, teacher)), activation=activation)


def forward_correct(problem, result) -> int:
    weights = np.asarray(result.weights)
    connections = None if result.connections is None else np.asarray(result.connections)
    return int((problem.network.forward(problem.data.X, weights, connections) == problem.data.y).sum())


def test_random_teacher_data_is_learned_to_at_least_90_percent():
    problem = teacher_problem((8, 4, 1), 80, seed=4)  # 36 parameters: more than a full search could hold
    result = train(problem, BlockCoordinate(block_size=6, sweeps=4), seed=2)
    assert result.correct >= 0.9 * 80
    assert result.correct == forward_correct(problem, result)  # the reported accuracy is the forward pass's


def test_blocks_never_lower_accuracy_and_runs_are_deterministic():
    problem = teacher_problem((6, 3, 1), 40, seed=7)
    strategy = BlockCoordinate(block_size=5, sweeps=3)
    first = train(problem, strategy, seed=11)
    again = train(problem, strategy, seed=11)
    assert first == again
    corrects = [b["correct"] for b in first.blocks]
    assert corrects == sorted(corrects)  # monotone from one block to the next
    assert [s["correct"] for s in first.sweeps] == sorted(s["correct"] for s in first.sweeps)
    assert sum(s["oracle_calls"] for s in first.sweeps) == first.oracle_calls == sum(b["oracle_calls"] for b in first.blocks)
    assert all(b["oracle_calls"] <= durr_hoyer_budget(5) for b in first.blocks)
    assert first.correct == forward_correct(problem, first) == first.sweeps[-1]["correct"]
    assert first.to_json()["sweeps"] == [dict(s) for s in first.sweeps]


def test_the_memoized_iterate_changes_nothing_but_speed():
    problem = teacher_problem((4, 3, 1), 24, seed=1, activation="paper")
    memoized = train(problem, BlockCoordinate(block_size=5, sweeps=2), seed=3)
    gate_by_gate = train(problem, BlockCoordinate(block_size=5, sweeps=2, memoize=False), seed=3)
    assert memoized == gate_by_gate  # exact memoization: the same distributions, hence the same samples


def test_meta_networks_and_a_given_start(tmp_path):
    problem = TrainingProblem(Network((3, 2, 1), meta=True), teacher_problem((3, 2, 1), 8, seed=0).data)
    start = [1] * 8 + [1] * 6
    path = tmp_path / "start.json"
    path.write_text('{"parameters": {"weights": %s, "connections": %s}}' % (start[:8], start[8:]))
    result = train(problem, BlockCoordinate(block_size=7, init=str(path)), seed=0)
    start_correct = int((problem.network.forward(problem.data.X, np.ones(8), np.ones(6)) == problem.data.y).sum())
    assert result.correct >= start_correct and result.correct == forward_correct(problem, result)
    with pytest.raises(QbnnError, match="init=.* has 2 values"):
        train(problem, BlockCoordinate(init="1,1"), seed=0)
    with pytest.raises(QbnnError, match="block_size=0 must be"):
        BlockCoordinate(block_size=0)
