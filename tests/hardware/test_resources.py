"""Resources counted two ways agree: walking the circuit and the closed form."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qbnn.model.data import Dataset
from qbnn.model.network import Network
from qbnn.problem import TrainingProblem
from qbnn.hardware.resources import closed_form_profile, count_resources, gate_profile, problem_resources


@pytest.mark.parametrize("meta", [False, True])
@pytest.mark.parametrize("problem", [1, 2])
def test_closed_form_matches_built_circuits(problem, meta):
    training = TrainingProblem.paper(problem, meta=meta)
    assert gate_profile(training.qbnn.circuit) == closed_form_profile(training)
    assert gate_profile(training.grover_iterate) == closed_form_profile(training, iterate=True)


@settings(max_examples=20, deadline=None)
@given(
    layers=st.lists(st.integers(1, 4), min_size=1, max_size=3),
    points=st.integers(1, 5),
    meta=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_closed_form_on_random_architectures(layers, points, meta, seed):
    rng = np.random.default_rng(seed)
    network = Network((*layers, 1), meta=meta)
    data = Dataset(rng.choice([-1, 1], size=(points, layers[0])), rng.choice([-1, 1], size=points))
    training = TrainingProblem(network, data)
    assert gate_profile(training.qbnn.circuit) == closed_form_profile(training)


def test_paper_circuit_counts():
    counts = problem_resources(TrainingProblem.paper(1))
    u, q = counts["U"], counts["grover_iterate"]
    assert u.qubits == q.qubits == 24
    assert u.gates["h"] == 8 and q.gates["h"] == 16
    assert set(u.transpiled_gates) <= {"cx", "u"}
    assert u.transpiled_size == sum(u.transpiled_gates.values())
    assert q.size == 2 * u.size + 2 * 24 + 2


def test_untranspiled_count_is_cheap_and_empty():
    res = count_resources(TrainingProblem.paper(2).qbnn.circuit, transpiled=False)
    assert res.transpiled_gates == {} and res.size == sum(res.gates.values())


def test_activation_costs_follow_their_closed_forms():
    from math import comb

    from qbnn.compile.counter import at_least_cubes, counter_bits
    from qbnn.model.network import firing_threshold
    from qbnn.hardware.resources import activation_cost

    for n in range(3, 10):
        paper, counter = activation_cost("paper", n), activation_cost("counter", n)
        k = firing_threshold(n)
        assert paper.ancillas == comb(n, k) and paper.gates == 2 * comb(n, k) + 2
        b = counter_bits(n)
        assert counter.ancillas == b
        assert counter.gates == 2 * n * b + len(at_least_cubes(k, b))
        assert counter.max_controls <= b
    assert activation_cost("counter", 9).cx < activation_cost("paper", 9).cx / 30
