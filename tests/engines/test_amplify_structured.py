"""The structured amplification's memory-saving paths: forced at small p, they must give what the normal path gives."""

from __future__ import annotations

import numpy as np
import pytest

from qbnn.cli.main import main
from qbnn.model.data import Dataset
from qbnn.engines.amplify_aer import AerEngine
from qbnn.engines.amplify_structured import StructuredAmplification, StructuredEngine, plan_memory
from qbnn.simulator.structured import StructuredSimulator, state_memory_bytes
from qbnn.errors import ResourceLimitError
from qbnn.model.network import Network
from qbnn.problem import TrainingProblem

#: out of order on purpose: going back to a smaller k re-runs U when the state after U is not kept
KS = [0, 3, 1, 4, 2, 0]


def saving(problem: TrainingProblem) -> StructuredAmplification:
    """Nothing kept that can be recomputed, and no dense distribution (as at p = 30)."""
    return StructuredAmplification(problem, StructuredSimulator(), dense_limit=0, keep_initial=False)


@pytest.mark.parametrize(("number", "meta"), [(1, False), (2, True)])
def test_memory_saving_path_gives_the_same_probabilities_and_samples(number, meta):
    problem = TrainingProblem.paper(number, meta=meta)
    normal = StructuredEngine().prepare(problem)
    small = saving(problem)
    assert normal.keep_initial and normal.dense and not small.keep_initial and not small.dense
    for k in KS:
        assert small.success_probability(k) == normal.success_probability(k)  # the same sum, in the same order
        dense = normal.distribution(k)
        assert small.success_probability(k) == pytest.approx(float(dense[problem.good_mask].sum()), abs=1e-15)
        a = normal.sample(k, np.random.default_rng(k), shots=3000)
        b = small.sample(k, np.random.default_rng(k), shots=3000)
        assert np.array_equal(a, b)  # one chunk here: the same draws land on the same configurations
        np.testing.assert_array_equal(small.state_after(k).amplitudes, normal.state_after(k).amplitudes)


def test_chunked_sampling_follows_the_exact_distribution(monkeypatch):
    """Several chunks (of 512 amplitudes) and a parameter layout read from the rows, not assumed."""
    import qbnn.engines.amplify_structured as module

    monkeypatch.setattr(module, "CHUNK_AMPLITUDES", 512)
    problem = TrainingProblem.paper(1, meta=True)
    dense = StructuredEngine().prepare(problem).distribution(3)
    small = saving(problem)
    shots = 20_000
    draws = small.sample(3, np.random.default_rng(9), shots=shots)
    assert np.array_equal(draws, small.sample(3, np.random.default_rng(9), shots=shots))  # seeded
    monkeypatch.setattr(StructuredAmplification, "_identity_layout", lambda self, state: False)
    assert np.array_equal(draws, small.sample(3, np.random.default_rng(9), shots=shots))
    assert small.success_probability(3) == pytest.approx(float(dense[problem.good_mask].sum()), abs=1e-14)
    good = problem.good_mask
    hits = good[draws].mean()
    p = float(dense[good].sum())
    assert abs(hits - p) <= 5 * np.sqrt(p * (1 - p) / shots)
    assert dense[draws].min() > 0  # never a configuration of probability 0


def test_memory_saving_path_agrees_with_aer():
    X = np.array([[1, -1], [-1, 1], [1, 1]], dtype=np.int8)
    problem = TrainingProblem(Network((2, 2, 1)), Dataset(X, np.array([1, -1, 1], dtype=np.int8), name="tiny"))
    aer = AerEngine().prepare(problem)
    small = saving(problem)
    for k in [2, 0, 1]:
        assert small.success_probability(k) == pytest.approx(float(aer.distribution(k)[problem.good_mask].sum()), abs=1e-9)


def test_no_dense_distribution_above_the_limit():
    small = saving(TrainingProblem.paper(1))
    with pytest.raises(ResourceLimitError, match="2\\^8 entries; use success_probability"):
        small.distribution(0)


def test_memory_plan_counts_one_state_and_keeps_the_initial_only_if_it_fits():
    problem = TrainingProblem.paper(1, meta=True)
    state = state_memory_bytes(problem.num_qubits, 14)
    assert state == 8 * 2**14 + problem.num_qubits * 8 * 2**8
    roomy = plan_memory(problem, 1 << 30)
    assert roomy.state == state and roomy.initial == state
    tight = plan_memory(problem, roomy.total - 1)
    assert tight.initial == 0 and tight.total == roomy.total - state
    assert not StructuredAmplification(problem, StructuredSimulator(max_memory_bytes=tight.total)).keep_initial


def test_refusal_comes_before_anything_is_compiled_or_built(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("the state was about to be built")

    monkeypatch.setattr(StructuredSimulator, "compile", forbidden)
    monkeypatch.setattr(StructuredSimulator, "run", forbidden)
    problem = TrainingProblem.paper(1, meta=True)
    with pytest.raises(ResourceLimitError) as info:
        StructuredEngine(max_memory_bytes=64 << 10).prepare(problem)
    message = str(info.value)
    assert "\n" not in message and "amplifying 14 parameters on" in message and "but only 64.0 KiB" in message


def test_cli_refuses_in_one_line_with_exit_2(capsys, monkeypatch):
    monkeypatch.setenv("QBNN_MAX_MEMORY", "64K")
    assert main(["amplify", "--problem", "1", "--meta", "--k", "0-2"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "amplifying 14 parameters" in err and "needs" in err
