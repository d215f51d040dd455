"""The QBNN's Grover iterate run by each engine: the sin^2 law, Aer agreement, the reference file."""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest

from qbnn.engines.amplitude import success_probability
from qbnn.engines.amplify_aer import AerEngine
from qbnn.engines.registry import get_engine
from qbnn.errors import EngineUnavailableError, QbnnError, ResourceLimitError
from qbnn.problem import TrainingProblem

CASES = [(1, False, 12), (2, False, 12), (1, True, 25), (2, True, 25)]


@pytest.mark.parametrize(("problem", "meta", "kmax"), CASES)
def test_structured_follows_the_sin2_law(problem, meta, kmax):
    training = TrainingProblem.paper(problem, meta=meta)
    amp = get_engine("structured").prepare(training)
    m, n = training.num_solutions, training.num_configurations
    for k in range(kmax + 1):
        assert amp.success_probability(k) == pytest.approx(success_probability(m, n, k), abs=1e-12)
        dist = amp.distribution(k)
        assert dist.sum() == pytest.approx(1.0, abs=1e-12)
        # amplitude amplification keeps probabilities uniform within the good and the bad set
        assert np.ptp(dist[training.good_mask]) < 1e-12 and np.ptp(dist[~training.good_mask]) < 1e-12


@pytest.mark.parametrize(("problem", "meta"), [(1, False), (2, False), (1, True), (2, True)])
def test_structured_matches_reference_probabilities(reference, problem, meta):
    ref = reference[f"problem{problem}" + ("_meta" if meta else "")]
    amp = get_engine("structured").prepare(TrainingProblem.paper(problem, meta=meta))
    for k, expected in enumerate(ref["success_probability_by_k"]):
        assert amp.success_probability(k) == pytest.approx(expected, abs=1e-12)


def test_structured_and_analytic_distributions_agree():
    training = TrainingProblem.paper(2, meta=True)
    structured = get_engine("structured").prepare(training)
    analytic = get_engine("analytic").prepare(training)
    for k in (0, 3, 8, 7, 1):  # also going back in k
        np.testing.assert_allclose(structured.distribution(k), analytic.distribution(k), atol=1e-13)


def test_full_circuit_state_after_u_equals_aers_state_vector():
    """The paper's full 24-qubit U: Aer's whole state vector (2^24 amplitudes) equals the engine's state.

    U Q^k at this size costs Aer minutes (a 256 MiB vector per gate); the full-size iterate is checked against
    the exact landscape above, and against Aer on smaller circuits of the same class below, up to k = 8.
    """
    from qiskit import transpile
    from qiskit_aer import AerSimulator

    training = TrainingProblem.paper(1)
    u = training.state_preparation.copy()
    u.save_statevector()
    # single precision and no fusion: 16 s instead of 40 s; the amplitudes are 0 or +-1/16, so 1e-6 still decides
    simulator = AerSimulator(method="statevector", fusion_enable=False, precision="single")
    vector = np.asarray(simulator.run(transpile(u, simulator), shots=1).result().get_statevector())
    state = get_engine("structured").prepare(training).state_after(0)
    basis = state.basis_outcome_of_index(range(training.num_qubits))
    np.testing.assert_allclose(vector[basis], state.amplitudes * state.global_phase, atol=1e-6)
    assert np.sum(np.abs(vector) ** 2) - np.sum(np.abs(vector[basis]) ** 2) < 1e-6  # nothing anywhere else
    # and the state carries what U computes: every accuracy qubit is 1 exactly on the eight solutions
    accuracy = state.basis_outcome_of_index(training.qbnn.accuracy_qubits)
    configurations = state.basis_outcome_of_index(training.parameter_qubits)
    all_correct = (1 << len(training.qbnn.accuracy_qubits)) - 1  # one accuracy qubit per training point
    assert sorted(configurations[accuracy == all_correct].tolist()) == np.flatnonzero(training.good_mask).tolist()


@pytest.mark.parametrize(("layers", "meta", "points"), [((3, 1), False, 4), ((2, 1), True, 3), ((2, 2, 1), False, 2)])
def test_grover_iterate_agrees_with_aer_at_larger_k_on_smaller_circuits(layers, meta, points):
    """Circuits of the same class (paper sign, accuracy register, paper oracle) small enough for k up to 8."""
    from qbnn.model.data import Dataset
    from qbnn.model.network import Network

    rng = np.random.default_rng(sum(layers) + points)
    data = Dataset(rng.choice([-1, 1], (points, layers[0])), rng.choice([-1, 1], points))
    training = TrainingProblem(Network(layers, meta=meta), data)
    assert training.num_qubits <= 16
    aer = AerEngine().prepare(training)
    aer.prefetch(range(9))
    structured = get_engine("structured").prepare(training)
    for k in range(9):
        np.testing.assert_allclose(structured.distribution(k), aer.distribution(k), atol=1e-9)


def test_aer_refuses_a_state_vector_that_does_not_fit():
    with pytest.raises(ResourceLimitError, match=r"Aer's state vector for 30 qubits needs 16\.0 GiB.*use engine structured") as info:
        AerEngine(max_memory_bytes=1 << 30).prepare(TrainingProblem.paper(1, meta=True))
    assert "use --engine structured" in info.value.render({})


def test_aer_memory_check_does_not_move_with_the_momentary_load(monkeypatch):
    """It used to read MemAvailable, so the same command flipped between running and refusing."""
    import qbnn.core.memory

    monkeypatch.delenv("QBNN_MAX_MEMORY", raising=False)
    monkeypatch.setattr(qbnn.core.memory, "available_memory_bytes", lambda: 1)  # a machine busy right now
    problem = TrainingProblem.paper(1, meta=True)
    need = (1 << problem.num_qubits) * 16
    total = qbnn.core.memory.machine_memory_bytes()
    pages = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert total == int(pages * qbnn.core.memory.USABLE_FRACTION)
    if need > total:
        with pytest.raises(ResourceLimitError, match="may be used on this machine"):
            AerEngine().prepare(problem)
    small = TrainingProblem.paper(1)  # 24 qubits, 256 MiB: fits the machine whatever is free this instant
    assert (1 << small.num_qubits) * 16 <= total
    assert AerEngine().prepare(small).problem is small


def test_structured_refuses_what_memory_cannot_hold():
    with pytest.raises(ResourceLimitError, match=r"^amplifying 8 parameters on 24 qubits needs .* \(state .*\) but only 4\.0 KiB is available"):
        get_engine("structured", max_memory_bytes=1 << 12).prepare(TrainingProblem.paper(1)).distribution(0)


def test_sampling_is_deterministic_per_seed():
    amp = get_engine("structured").prepare(TrainingProblem.paper(1))
    a = amp.sample(4, np.random.default_rng(11), shots=50)
    b = amp.sample(4, np.random.default_rng(11), shots=50)
    assert np.array_equal(a, b)
    assert np.mean(amp.problem.good_mask[a]) > 0.9


def test_aer_engine_without_qiskit_aer_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "qiskit_aer", None)  # makes `import qiskit_aer` raise ImportError
    with pytest.raises(EngineUnavailableError, match=r"^engine='aer' needs Qiskit Aer, which is not installed; run: pip install 'qbnn\[aer\]'") as info:
        get_engine("aer").prepare(TrainingProblem.paper(1))
    assert info.value.render({}).startswith("--engine aer needs Qiskit Aer") and "(or use --engine aer structured)" not in info.value.render({})


def test_unknown_engine():
    with pytest.raises(QbnnError, match="unknown engine 'gpu'; choose one of structured, aer, analytic"):
        get_engine("gpu")


def test_structured_refuses_at_prepare_naming_every_parameter_qubit():
    """The check happens before compiling or growing the state, and counts all p parameter qubits."""
    problem = TrainingProblem.paper(1, meta=True)  # p = 14
    with pytest.raises(ResourceLimitError, match=r"^amplifying 14 parameters on 30 qubits needs .* but only 64\.0 KiB is available"):
        get_engine("structured", max_memory_bytes=1 << 16).prepare(problem)
