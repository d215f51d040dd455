"""Threshold and exclusion oracles equal their classical definition on every configuration."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qbnn.engines.amplitude import success_probability
from qbnn.model.data import Dataset, parity_problem
from qbnn.engines.amplify_aer import AerEngine
from qbnn.engines.registry import get_engine
from qbnn.simulator.structured import StructuredSimulator
from qbnn.errors import DataError
from qbnn.model.network import Network
from qbnn.problem import TrainingProblem


def signs_applied_by_the_oracle(problem: TrainingProblem) -> np.ndarray:
    """Run U, then S_chi, on the structured engine; return per configuration the sign S_chi applied."""
    sim = StructuredSimulator()
    before = sim.run(problem.qbnn.circuit)
    oracle = problem.oracle if problem.oracle is not None else problem.grover_iterate  # not used for paper oracle
    after = sim.run(sim.compile(oracle), before.copy())
    # every row except the phase is unchanged: the oracle is diagonal and leaves its workspace clean
    assert np.array_equal(after.rows, before.rows)
    ratio = (after.amplitudes * after.global_phase) / (before.amplitudes * before.global_phase)
    np.testing.assert_allclose(ratio.imag, 0, atol=1e-12)
    configurations = before.basis_outcome_of_index(problem.qbnn.parameter_qubits)
    signs = np.empty(problem.num_configurations)
    signs[configurations] = ratio.real
    return signs


CASES = [
    (TrainingProblem.paper(1, min_correct=6), "problem 1, >= 6"),
    (TrainingProblem.paper(2, min_correct=7), "problem 2, >= 7"),
    (TrainingProblem.paper(1, min_correct=0), "problem 1, >= 0 (everything)"),
    (TrainingProblem.paper(1, exclude=(5, 40)), "problem 1, exclude"),
    (TrainingProblem.paper(2, min_correct=5, exclude=(0, 3, 255)), "problem 2, >= 5, exclude"),
    (TrainingProblem.paper(2, meta=True, min_correct=7), "problem 2 meta, >= 7"),
    (TrainingProblem(Network((3, 2, 1)), parity_problem(3), min_correct=6), "parity, >= 6"),
    (TrainingProblem.paper(1, min_correct=7, activation="counter"), "problem 1 counter, >= 7"),
]


@pytest.mark.parametrize(("problem", "name"), CASES, ids=[name for _, name in CASES])
def test_oracle_marks_exactly_the_good_configurations(problem, name):
    signs = signs_applied_by_the_oracle(problem)
    correct = problem.landscape.correct
    good = (correct >= problem.target) & ~np.isin(np.arange(problem.num_configurations), problem.exclude)
    assert np.array_equal(good, problem.good_mask)
    np.testing.assert_allclose(signs, np.where(good, -1.0, 1.0), atol=1e-12)


@pytest.mark.parametrize(("problem", "name"), CASES[:5] + CASES[6:], ids=[n for _, n in CASES[:5] + CASES[6:]])
def test_threshold_iterate_follows_the_sin2_law(problem, name):
    amp = get_engine("structured").prepare(problem)
    m, n = problem.num_solutions, problem.num_configurations
    for k in range(8):
        assert amp.success_probability(k) == pytest.approx(success_probability(m, n, k), abs=1e-12)


def test_full_target_reduces_to_the_paper_oracle():
    paper = TrainingProblem.paper(1)
    assert paper.oracle is None  # S_chi is the multi-controlled Z on the accuracy qubits
    explicit = TrainingProblem.paper(1, exclude=())
    assert explicit.uses_paper_oracle
    # a threshold problem with tau = all points that excludes nothing builds the same circuit
    assert TrainingProblem.paper(1, min_correct=8).grover_iterate == paper.grover_iterate


@pytest.mark.parametrize("activation", ["paper", "counter"])
def test_threshold_oracle_agrees_with_aer_on_a_small_case(activation):
    rng = np.random.default_rng(3)
    data = Dataset(rng.choice([-1, 1], size=(3, 2)), np.array([1, -1, 1]), name="small")
    problem = TrainingProblem(Network((2, 2, 1)), data, min_correct=2, exclude=(1,), activation=activation)
    assert 0 < problem.num_solutions < problem.num_configurations
    assert problem.grover_iterate.num_qubits <= 17  # 2^17 amplitudes: quick for Aer
    aer = AerEngine().prepare(problem)
    aer.prefetch(range(4))
    structured = get_engine("structured").prepare(problem)
    for k in range(4):
        np.testing.assert_allclose(structured.distribution(k), aer.distribution(k), atol=1e-9)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), points=st.integers(2, 6), data=st.data())
def test_random_thresholds_on_random_data(seed, points, data):
    rng = np.random.default_rng(seed)
    dataset = Dataset(rng.choice([-1, 1], size=(points, 3)), rng.choice([-1, 1], size=points))
    target = data.draw(st.integers(0, points))
    exclude = tuple(data.draw(st.lists(st.integers(0, 255), max_size=3)))
    problem = TrainingProblem(Network((3, 2, 1)), dataset, min_correct=target, exclude=exclude)
    if problem.uses_paper_oracle:
        return
    signs = signs_applied_by_the_oracle(problem)
    np.testing.assert_allclose(signs, np.where(problem.good_mask, -1.0, 1.0), atol=1e-12)


def test_errors():
    with pytest.raises(DataError, match="^min_correct=9 is outside 0..8") as info:
        TrainingProblem.paper(1, min_correct=9)
    assert info.value.render({}).startswith("--min-correct 9 is outside 0..8")
    with pytest.raises(DataError, match="^exclude=256 is not a configuration index; use 0..255") as info:
        TrainingProblem.paper(1, exclude=(256,))
    assert info.value.render({}).startswith("--exclude 256 is not a configuration index")
