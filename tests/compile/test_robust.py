"""The robust marking oracle marks exactly the configurations whose radius-R neighbourhood reaches the threshold."""

from __future__ import annotations

import numpy as np
import pytest

from qbnn.compile.robust import robust_oracle, robust_problem, robust_resources
from qbnn.engines.registry import get_engine
from qbnn.errors import QbnnError
from qbnn.landscape.roughness import robust_mask
from qbnn.model.data import Dataset
from qbnn.model.network import Network
from qbnn.problem import TrainingProblem
from qbnn.search.training import train
from qbnn.simulator.structured import StructuredSimulator


def marked_by_circuit(problem, radius, fraction=None) -> np.ndarray:
    """Run H then S_robust on the structured engine: the configurations whose amplitude is negative."""
    oracle, preparation, params = robust_oracle(problem, radius, fraction)
    circuit = preparation.compose(oracle)
    state = StructuredSimulator().run(circuit)
    others = [q for q in range(circuit.num_qubits) if q not in params]
    assert not state.basis_outcome_of_index(others).any(), "work qubits left dirty"
    amplitudes = np.real(state.amplitudes * np.exp(1j * state.global_phase))
    configuration = state.basis_outcome_of_index(params)
    marked = np.zeros(problem.num_configurations, bool)
    marked[configuration[amplitudes < 0]] = True
    assert np.allclose(np.abs(amplitudes), np.abs(amplitudes[0])) and amplitudes.size == problem.num_configurations
    return marked


def exact(problem, radius, fraction=None) -> np.ndarray:
    return robust_mask(problem.landscape.correct >= problem.target, radius, fraction)


def _random_problem(seed: int, meta: bool, layers=(3, 1)) -> TrainingProblem:
    rng = np.random.default_rng(seed)
    points = int(rng.integers(3, 6))
    X = rng.choice([-1, 1], size=(points, layers[0]))
    y = rng.choice([-1, 1], size=points)
    return TrainingProblem(Network(layers, meta=meta), Dataset(X, y), min_correct=int(rng.integers(1, points + 1)))


@pytest.mark.parametrize(
    ("number", "meta", "tau", "radius", "fraction"),
    [(1, False, 6, 1, 0.5), (2, False, 5, 1, 0.5), (2, False, 5, 1, None), (1, False, 8, 0, None),
    ],
)
def test_paper_problems_marked_set_is_exact(number, meta, tau, radius, fraction):
    problem = TrainingProblem.paper(number, meta=meta, min_correct=tau)
    got = marked_by_circuit(problem, radius, fraction)
    want = exact(problem, radius, fraction)
    assert got.tolist() == want.tolist()
    # every marked configuration: it and its radius-R neighbours reach the threshold (all, or the fraction)
    for w in np.flatnonzero(got):
        assert problem.landscape.correct[w] >= tau
        if fraction is None:
            for m in range(1, problem.num_configurations):
                if bin(m).count("1") <= radius:
                    assert problem.landscape.correct[w ^ m] >= tau


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("meta", [False, True])
def test_small_random_networks_plain_and_meta(seed, meta):
    problem = _random_problem(seed, meta)
    for radius, fraction in [(1, None), (2, None), (1, 0.6)]:
        got = marked_by_circuit(problem, radius, fraction)
        assert got.tolist() == exact(problem, radius, fraction).tolist(), (radius, fraction)


def test_meta_paper_problem_with_solutions():
    problem = TrainingProblem.paper(1, meta=True, min_correct=6)
    want = exact(problem, 1)
    assert want.sum() == 1844
    assert marked_by_circuit(problem, 1).tolist() == want.tolist()


def test_engine_follows_the_sin2_law_and_train_finds_robust_solutions():
    problem = TrainingProblem.paper(1, min_correct=6)
    robust = robust_problem(problem, 1, 0.5)
    amplification = get_engine("structured").prepare(robust)
    m, n = robust.num_solutions, robust.num_configurations
    theta = np.arcsin(np.sqrt(m / n))
    for k in (0, 1, 2):
        assert amplification.success_probability(k) == pytest.approx(np.sin((2 * k + 1) * theta) ** 2, abs=1e-9)
    for seed in range(3):
        result = train(robust, "bbht", engine=amplification, seed=seed)
        assert result.success and robust.good_mask[result.index]


def test_resources_and_refusals():
    problem = TrainingProblem.paper(1, min_correct=7)
    res = robust_resources(problem, 1)
    assert res["neighbours"] == 8 and res["network_evaluations_per_oracle_call"] == 36 and res["qubits"] > 8
    for radius in (-1, 9, 1.5, "1"):
        with pytest.raises(QbnnError, match=r"^radius="):
            robust_problem(problem, radius)
    for fraction in (0, 1.5, -0.1):
        with pytest.raises(QbnnError, match=r"^robust_fraction="):
            robust_problem(problem, 1, fraction)
