"""The structured engine over index chunks on Dask equals the one-process engine (LocalCluster, 2 worker processes)."""

from __future__ import annotations

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit.library import MCXGate, ZGate

from qbnn.engines.distributed_structured import DaskStructuredSimulator, default_chunk_bits
from qbnn.engines.registry import get_engine
from qbnn.simulator.structured import StructuredSimulator
from qbnn.errors import QbnnError, ResourceLimitError, UnsupportedGateError
from qbnn.problem import TrainingProblem
from qbnn.search import train


@pytest.fixture(scope="module")
def client(dask_cluster):
    return dask_cluster


def dask_engine(client, problem: TrainingProblem, chunk_bits: int, **options):
    return get_engine("structured-dask", client=client, chunk_bits=chunk_bits, **options).prepare(problem)


# problem, meta, chunk bits (8 or 16 chunks), iterations compared state by state
CASES = [(1, False, 6, 5), (2, False, 6, 3), (1, True, 10, 2), (2, True, 11, 2)]


@pytest.mark.parametrize(("number", "meta", "bits", "kmax"), CASES)
def test_state_after_each_iteration_equals_one_process_engine(client, number, meta, bits, kmax):
    problem = TrainingProblem.paper(number, meta=meta)
    one = get_engine("structured").prepare(problem)
    amp = dask_engine(client, problem, bits)
    for k in range(kmax + 1):
        ours, reference = amp.state_after(k), one.state_after(k)
        assert np.array_equal(ours.rows, reference.rows)  # same bit-rows, same index layout
        np.testing.assert_allclose(ours.amplitudes, reference.amplitudes, rtol=0, atol=1e-12)
        assert ours.global_phase == pytest.approx(reference.global_phase, abs=1e-12)
    counts = amp.simulator.counts
    assert amp._state.num_chunks == 1 << (problem.num_parameters - bits)
    assert counts["reflections"] == kmax and counts["chunk_butterflies"] == 0  # the diffusion ran as a reduction


@pytest.mark.parametrize(("number", "meta"), [(1, False), (2, False), (1, True), (2, True)])
def test_success_probabilities_match_reference_and_one_process(client, reference, number, meta):
    problem = TrainingProblem.paper(number, meta=meta)
    expected = reference[f"problem{number}" + ("_meta" if meta else "")]["success_probability_by_k"]
    ks = range(13) if not meta else range(6)
    one = get_engine("structured").prepare(problem)
    amp = dask_engine(client, problem, default_chunk_bits(problem.num_parameters, 2))
    amp.prefetch(ks)
    for k in ks:
        assert amp.success_probability(k) == pytest.approx(expected[k], abs=1e-12)
        assert amp.success_probability(k) == pytest.approx(one.success_probability(k), abs=1e-12)


def test_chunk_butterflies_give_the_same_state_as_the_reflection(client):
    one = StructuredSimulator()
    problem = TrainingProblem.paper(1)
    u, q = one.compile(problem.state_preparation), one.compile(problem.grover_iterate)
    states = {}
    for reflection in (True, False):
        sim = DaskStructuredSimulator(client, chunk_bits=6, reflection=reflection)
        state = sim.run(u)
        for _ in range(3):
            state = sim.apply(state, q)
        states[reflection] = sim.gather(state)
        expected = "reflections" if reflection else "chunk_butterflies"
        assert sim.counts[expected] == (3 if reflection else 3 * 2 * 2)  # 2 high bits, 2 H layers per iterate
    reference = one.run(u)
    q.repeat(reference, 3, one)
    for state in states.values():
        np.testing.assert_allclose(state.amplitudes, reference.amplitudes, rtol=0, atol=1e-12)
        assert np.array_equal(state.rows, reference.rows)


def test_distribution_and_seeded_samples_equal_one_process(client):
    problem = TrainingProblem.paper(2, meta=True)
    one = get_engine("structured").prepare(problem)
    amp = dask_engine(client, problem, 10)
    for k in (0, 3, 1):
        np.testing.assert_allclose(amp.distribution(k), one.distribution(k), rtol=0, atol=1e-12)
        ours = amp.sample(k, np.random.default_rng(k), shots=300)
        assert np.array_equal(ours, one.sample(k, np.random.default_rng(k), shots=300))
        assert amp.sample(k, np.random.default_rng(7)) == one.sample(k, np.random.default_rng(7))


@pytest.mark.parametrize(("number", "meta", "strategy", "seed"), [(1, False, "paper", 4), (2, True, "bbht", 1), (1, True, "fixed", 2)])
def test_training_gives_the_one_process_result(client, number, meta, strategy, seed):
    problem = TrainingProblem.paper(number, meta=meta)
    k = 3 if strategy == "fixed" else None
    ours = train(problem, strategy, engine=dask_engine(client, problem, 6 if not meta else 10), seed=seed, k=k)
    reference = train(problem, strategy, engine="structured", seed=seed, k=k)
    assert ours.success == reference.success
    assert (ours.index, ours.k_history, ours.oracle_calls) == (reference.index, reference.k_history, reference.oracle_calls)
    assert ours.engine == "structured-dask"


@pytest.mark.parametrize("options", [{"batch_size": 4}, {"min_correct": 6}])
def test_minibatch_and_threshold_oracles(client, options):
    problem = TrainingProblem.paper(2, **options)
    one = get_engine("structured").prepare(problem)
    amp = dask_engine(client, problem, 6)
    for k in range(5):
        assert amp.success_probability(k) == pytest.approx(one.success_probability(k), abs=1e-12)


def random_circuit(rng: np.random.Generator) -> QuantumCircuit:
    """7-10 index bits (1-16 chunks of 2^6), then X/MCX/MCZ/SWAP/H at random: H on high bits included."""
    n = int(rng.integers(8, 12))
    qc = QuantumCircuit(n)
    for q in rng.permutation(n)[: int(rng.integers(7, n))]:
        qc.h(int(q))
    for _ in range(int(rng.integers(5, 30))):
        kind = rng.choice(["x", "mcx", "mcz", "h", "swap"])
        if kind == "x":
            qc.x(int(rng.integers(n)))
        elif kind == "h":
            qc.h(int(rng.integers(n)))
        elif kind == "swap":
            a, b = rng.choice(n, 2, replace=False)
            qc.swap(int(a), int(b))
        else:
            qubits = [int(v) for v in rng.choice(n, int(rng.integers(1, 5)), replace=False)]
            controls = len(qubits) - 1
            state = int(rng.integers(0, 1 << controls)) if controls else None
            if kind == "mcx":
                qc.x(qubits[0]) if controls == 0 else qc.append(MCXGate(controls, ctrl_state=state), qubits)
            else:
                gate = ZGate() if controls == 0 else ZGate().control(controls, ctrl_state=state, annotated=False)
                qc.append(gate, qubits)
    return qc


def test_random_circuits_agree_with_one_process_engine(client):
    rng = np.random.default_rng(1)
    one = StructuredSimulator()
    sim = DaskStructuredSimulator(client, chunk_bits=6)
    compared = 0
    for _ in range(20):
        circuit = random_circuit(rng)
        try:
            expected = one.run(circuit).statevector()
        except UnsupportedGateError:
            continue
        try:
            ours = sim.gather(sim.run(circuit))
        except UnsupportedGateError as exc:  # an index relabelling across chunks: refused, never wrong
            assert "cannot run on Dask chunks" in str(exc)
            continue
        np.testing.assert_allclose(ours.statevector(), expected, rtol=0, atol=1e-12)
        compared += 1
    assert compared >= 12 and sim.counts["chunk_butterflies"] > 0 and sim.counts["extensions"] > 0


def test_h_that_crosses_chunks_badly_is_refused_with_its_position(client):
    qc = QuantumCircuit(8)
    qc.h(range(7))  # index bits 0..6; with 2^6 per chunk, qubit 6 is the high bit
    qc.cx(6, 7)  # qubit 7 now depends on the high bit too
    qc.h(6)
    with pytest.raises(UnsupportedGateError, match=r"gate 'h' at instruction 8 on qubit 6 cannot run on Dask chunks.*use engine aer") as info:
        DaskStructuredSimulator(client, chunk_bits=6).run(qc)
    assert info.value.render({}).endswith("run without --workers/--scheduler (the one-process structured engine) or use --engine aer")


def test_memory_per_worker_is_checked_before_chunks_grow(client):
    qc = QuantumCircuit(12)
    qc.h(range(12))
    sim = DaskStructuredSimulator(client, chunk_bits=6, max_memory_bytes=4000)
    with pytest.raises(ResourceLimitError, match=r"chunks of .* over 2 workers need .* per worker but a worker has .*add workers"):
        sim.run(qc)


def test_chunk_size_limits(client):
    with pytest.raises(QbnnError, match="chunk_bits=3 is too small"):
        DaskStructuredSimulator(client, chunk_bits=3)
    assert default_chunk_bits(8, 2) == 6 and default_chunk_bits(20, 2) == 17 and default_chunk_bits(40, 2) == 24


def diffusion_circuit(acting_on_all_chunks: bool) -> QuantumCircuit:
    """H on 8 qubits (qubits 6, 7 are the high bits of 2^6-chunks), a phase, then H . L . H with L a reflection.

    L flips the sign of one basis state whose high qubits are |11> (one chunk, signs s_h = -1 on two chunks),
    or, with ``acting_on_all_chunks``, a CZ on two low qubits (every chunk: the butterflies are needed).
    """
    qc = QuantumCircuit(8)
    qc.h(range(8))
    qc.append(ZGate().control(3, ctrl_state="101", annotated=False), [0, 3, 6, 7])
    qc.h(range(8))
    if acting_on_all_chunks:
        qc.cz(0, 1)
    else:
        qc.x(range(6))
        qc.append(ZGate().control(7, annotated=False), range(8))
        qc.x(range(6))
    qc.h(range(8))
    return qc


@pytest.mark.parametrize(("acting_on_all_chunks", "reflections", "butterflies"), [(False, 1, 0), (True, 0, 4)])
def test_diffusion_runs_as_a_reduction_only_when_it_acts_on_one_chunk(client, acting_on_all_chunks, reflections, butterflies):
    circuit = diffusion_circuit(acting_on_all_chunks)
    sim = DaskStructuredSimulator(client, chunk_bits=6)
    ours = sim.gather(sim.run(circuit))
    np.testing.assert_allclose(ours.statevector(), StructuredSimulator().run(circuit).statevector(), rtol=0, atol=1e-12)
    assert sim.counts["reflections"] == reflections and sim.counts["chunk_butterflies"] == butterflies
