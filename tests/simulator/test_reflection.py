"""The reflection replay: each Grover iterate bit for bit the gate-by-gate one, on every kind of QBNN problem."""

from __future__ import annotations

import numpy as np
import pytest

from qbnn.model.data import paper_problem
from qbnn.engines.amplify_structured import StructuredAmplification
from qbnn.simulator.reflection import ReflectionReplay
from qbnn.simulator.structured import StructuredSimulator
from qbnn.model.network import Network
from qbnn.problem import TrainingProblem
from qbnn.testing import PROBLEM_KINDS, problem_kind


@pytest.mark.parametrize("case", PROBLEM_KINDS)
def test_replayed_iterates_equal_the_gate_by_gate_ones_bit_for_bit(case):
    problem = problem_kind(case)
    simulator = StructuredSimulator()
    replayed = StructuredAmplification(problem, simulator)
    walked = StructuredAmplification(problem, simulator, replay=False)
    assert replayed.replay is not None and walked.replay is None  # every QBNN U is an H layer, then permutations
    for k in (0, 1, 2, 7, 3):  # also going back in k
        a, b = replayed.state_after(k), walked.state_after(k)
        assert np.array_equal(a.amplitudes, b.amplitudes) and np.array_equal(a.rows, b.rows)
        assert a.global_phase == b.global_phase


def test_memory_saving_path_with_replay_is_exact_at_small_p():
    """The p = 30 configuration forced at p = 14: no state after U kept, no dense distribution, replayed iterates."""
    problem = TrainingProblem.paper(1, meta=True)
    simulator = StructuredSimulator()
    saving = StructuredAmplification(problem, simulator, dense_limit=4, keep_initial=False)
    reference = StructuredAmplification(problem, simulator, replay=False)
    assert saving.replay is not None and not saving.dense and not saving.keep_initial
    for k in (0, 5, 20, 3):
        assert saving.success_probability(k) == pytest.approx(reference.success_probability(k), abs=1e-13)
    draws = saving.sample(20, np.random.default_rng(4), shots=300)
    assert np.isin(draws, np.flatnonzero(problem.good_mask)).mean() > 0.95  # at k = 20 almost every shot is a solution


def test_replay_refuses_what_it_cannot_reproduce():
    problem = TrainingProblem.paper(1)
    simulator = StructuredSimulator()
    assert ReflectionReplay.of(simulator.compile(problem.grover_iterate)) is None  # parts unknown: walk the gates
    (iterate,) = simulator.compile_iterates(problem, simulator.compile(problem.state_preparation))
    replay = ReflectionReplay.of(iterate)
    assert replay is not None and replay.hadamard_bits.tolist() == list(range(8))
    minibatch = TrainingProblem(Network((3, 2, 1)), paper_problem(1), batch_size=4)
    assert StructuredAmplification(minibatch, simulator).replay is None  # one iterate per batch: gate by gate
    from qbnn.simulator.structured import StructuredState

    with pytest.raises(ValueError, match="states U Q\\^k \\|0> of its own U"):
        replay.apply(StructuredState.zero(problem.num_qubits))
