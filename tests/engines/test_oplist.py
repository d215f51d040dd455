"""Op lists on the structured engine: the same distributions as the Qiskit path, memoized or gate by gate."""

from __future__ import annotations

import numpy as np
import pytest

from qbnn.model.data import Dataset
from qbnn.engines.oplist import FoldedEngine
from qbnn.engines.registry import get_engine
from qbnn.model.network import Network
from qbnn.problem import TrainingProblem


@pytest.mark.parametrize(("activation", "targets"), [("counter", (8, 6, 5)), ("paper", (8, 7))])
def test_memoized_and_gate_by_gate_iterates_equal_the_qiskit_circuits(activation, targets):
    net = Network((3, 2, 1), meta=True)
    values = net.bits_to_parameters(np.random.default_rng(0).integers(0, 2, 14))
    for target in targets:
        problem = TrainingProblem.paper(
            2, meta=True, free=[0, 3, 4, 6, 9, 12], values=values, min_correct=target, activation=activation
        )
        reference = get_engine("structured").prepare(problem)  # Qiskit U, marking_oracle, grover_operator
        memoized = FoldedEngine(memoize=True).prepare(problem)
        gate_by_gate = FoldedEngine(memoize=False).prepare(problem)
        assert memoized.memoized and not gate_by_gate.memoized
        theta = np.arcsin(np.sqrt(problem.num_solutions / problem.num_configurations))
        for k in range(4):
            np.testing.assert_allclose(memoized.distribution(k), reference.distribution(k), atol=1e-12)
            np.testing.assert_allclose(gate_by_gate.distribution(k), reference.distribution(k), atol=1e-12)
            assert memoized.success_probability(k) == pytest.approx(np.sin((2 * k + 1) * theta) ** 2, abs=1e-9)


def test_one_compiled_block_serves_every_threshold():
    rng = np.random.default_rng(5)
    net = Network((5, 3, 1))
    data = Dataset(rng.choice([-1, 1], size=(20, 5)), rng.choice([-1, 1], size=20))
    values = net.bits_to_parameters(rng.integers(0, 2, net.num_parameters))
    problem = TrainingProblem(net, data, free="3-9", values=values, activation="counter")
    block = FoldedEngine().compile(problem)
    for target in (problem.landscape.best_correct, problem.landscape.best_correct - 2):
        sub = problem.with_target(target)
        amplification = block.amplification(sub)
        mask = sub.good_mask
        theta = np.arcsin(np.sqrt(mask.sum() / mask.size))
        for k in range(3):
            assert amplification.success_probability(k) == pytest.approx(np.sin((2 * k + 1) * theta) ** 2, abs=1e-9)


def _same_steps(a, b):
    return len(a) == len(b) and all(x[0] == y[0] and x[1].dtype == y[1].dtype and np.array_equal(x[1], y[1]) for x, y in zip(a, b))


@pytest.mark.parametrize("meta", [False, True])
def test_derived_records_equal_the_gate_by_gate_records(meta):
    """The closed-form reflection, the oracle signs from the accuracy counts and the fast packing are the recorded ones."""
    from qbnn.engines.oplist import FoldedEngine, _pack, grover_ops, oracle_ops
    from qbnn.simulator.ops import pack_ops

    rng = np.random.default_rng(3)
    net = Network((4, 3, 1), meta=meta)
    problem = TrainingProblem(net, Dataset(rng.choice([-1, 1], size=(14, 4)), rng.choice([-1, 1], size=14)), activation="counter")
    for _ in range(3):
        free = tuple(sorted(rng.choice(net.num_parameters, size=5, replace=False)))
        values = net.bits_to_parameters(rng.integers(0, 2, net.num_parameters))
        block = FoldedEngine().compile(problem.variant(free=free, values=values, min_correct=None, exclude=()))
        recorded = block._try_record(grover_ops(block.folded.ops, [], block.num_qubits))
        assert block._derived_reflection() is not None and _same_steps(block._derived_reflection(), recorded)
        for target in range(-1, problem.data.num_points + 2):
            ops, _ = oracle_ops(block.folded.accuracy_qubits, block.count_register, target)
            assert _same_steps(block.oracle_sign(target), block._try_record(ops))
            packed, reference = _pack(grover_ops(block.folded.ops, ops, block.num_qubits)), pack_ops(grover_ops(block.folded.ops, ops, block.num_qubits))
            assert all(x.dtype == y.dtype and np.array_equal(x, y) for x, y in zip(packed, reference))


def test_checkpoints_give_the_same_floats_in_any_order_of_k():
    from qbnn.engines.oplist import FoldedEngine

    rng = np.random.default_rng(4)
    net = Network((4, 3, 1))
    problem = TrainingProblem(net, Dataset(rng.choice([-1, 1], size=(12, 4)), rng.choice([-1, 1], size=12)), activation="counter")
    values = net.bits_to_parameters(rng.integers(0, 2, net.num_parameters))
    sub = problem.variant(free=(0, 1, 2, 3, 4, 5), values=values, min_correct=None, exclude=()).with_target(8)
    block = FoldedEngine().compile(sub)
    shuffled = block.amplification(sub)
    for k in (0, 5, 2, 7, 3, 9, 1, 6):
        fresh = block.amplification(sub)  # straight from U, no checkpoint used
        assert np.array_equal(shuffled._compute_distribution(k), fresh._compute_distribution(k))
    assert shuffled._checkpoints  # the order above did restart from checkpoints
