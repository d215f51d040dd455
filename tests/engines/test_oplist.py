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
