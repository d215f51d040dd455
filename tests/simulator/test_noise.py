"""Pauli-noise trajectories on the structured engine: exact runs with errors, error sampling, Aer agreement."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from qiskit import QuantumCircuit
from qiskit.quantum_info import Statevector

from qbnn.simulator import noise as noise_module
from qbnn.simulator.noise import (
    NoisyCircuit,
    NoisyProgram,
    PauliNoise,
    insert_errors,
    parse_noise,
    run_arrays,
    run_noisy_segments,
    sample_error_slots,
)
from qbnn.simulator.noise_aer import append_engine_op, engine_circuit
from qbnn.simulator.structured import StructuredSimulator, StructuredState
from qbnn.errors import QbnnError
from qbnn.testing import planted_3sat

SIM = StructuredSimulator()


@st.composite
def class_circuits(draw):
    """Random circuits of the class with H anywhere (so errors and H on entangled qubits both occur)."""
    n = draw(st.integers(2, 8))
    qc = QuantumCircuit(n)
    if draw(st.booleans()):  # many superposed qubits: the merge lays them out as >= 6 low index bits
        qc.h(range(n))
    for _ in range(draw(st.integers(1, 40))):
        kind = draw(st.sampled_from(["h", "x", "cx", "ccx", "cz", "swap"]))
        qs = draw(st.permutations(range(n)))
        if kind == "h":
            qc.h(qs[0])
        elif kind == "x":
            qc.x(qs[0])
        elif kind == "cx":
            qc.cx(qs[0], qs[1])
        elif kind == "ccx" and n >= 3:
            qc.ccx(qs[0], qs[1], qs[2], ctrl_state=draw(st.integers(0, 3)))
        elif kind == "cz":
            qc.cz(qs[0], qs[1])
        elif kind == "swap":
            qc.swap(qs[0], qs[1])
    return qc


@settings(max_examples=25, deadline=None)
@given(class_circuits(), st.data(), st.sampled_from([62, 0]))
def test_a_trajectory_is_the_exact_state_of_the_circuit_with_those_paulis(qc, data, key_bits):
    """key_bits 0 forces the merge path of circuits too wide for integer keys."""
    noise_module._INT_KEY_BITS = key_bits
    program = SIM.compile(qc)
    noisy = NoisyProgram.of(program)
    count = data.draw(st.integers(0, min(4, noisy.num_slots)))
    chosen = data.draw(st.sets(st.integers(0, noisy.num_slots - 1), min_size=count, max_size=count)) if count else set()
    slots = np.array(sorted(chosen), dtype=np.int64)
    types = np.array(data.draw(st.lists(st.integers(1, 3), min_size=count, max_size=count)), dtype=np.int64)
    arrays, ys = insert_errors(noisy, slots, types)
    state = run_arrays(StructuredState.zero(qc.num_qubits), arrays, sorted(noisy.h_qubits), SIM.max_memory_bytes)
    state.global_phase *= np.exp(1j * program.lowered.global_phase) * 1j**ys
    # reference: the engine's gates as a Qiskit circuit with X/Y/Z inserted after the struck gates
    reference = QuantumCircuit(qc.num_qubits)
    after = {}
    for s, t in zip(slots, types):
        after.setdefault(int(noisy.slot_op[s]), []).append((int(noisy.slot_qubit[s]), int(t)))
    kinds, targets, starts, cq, cp = program.arrays
    for k in range(program.num_ops):
        controls, polarities = cq[starts[k] : starts[k + 1]].tolist(), cp[starts[k] : starts[k + 1]].tolist()
        append_engine_op(reference, int(kinds[k]), int(targets[k]), controls, polarities)
        for q, t in after.get(k, []):
            (reference.x, reference.y, reference.z)[t - 1](q)
    reference.global_phase = program.lowered.global_phase
    noise_module._INT_KEY_BITS = 62
    np.testing.assert_allclose(state.statevector(), Statevector(reference).data, atol=1e-9)


def test_slots_are_every_qubit_of_every_gate():
    qc = QuantumCircuit(3)
    qc.h(0)
    qc.ccx(0, 1, 2)
    qc.cz(1, 2)
    noisy = NoisyProgram.of(SIM.compile(qc))
    pairs = sorted(zip(noisy.slot_op.tolist(), noisy.slot_qubit.tolist()))
    assert pairs == [(0, 0), (1, 0), (1, 1), (1, 2), (2, 1), (2, 2)]


def test_error_slots_follow_independent_bernoulli_trials():
    rng = np.random.default_rng(5)
    counts = np.zeros(50)
    firsts = []
    for _ in range(4000):
        slots = sample_error_slots(50, 0.02, rng)
        assert np.all(np.diff(slots) > 0) and (slots.size == 0 or (slots[0] >= 0 and slots[-1] < 50))
        counts[slots] += 1
        conditioned = sample_error_slots(50, 0.02, rng, at_least_one=True)
        assert conditioned.size >= 1
        firsts.append(conditioned[0])
    # each slot is struck with probability 0.02: 80 expected of 4000, 5 sigma ~ 44
    assert np.all(np.abs(counts - 80) < 45)
    # first error given at least one: P(first = 0) = 0.02 / (1 - 0.98^50) = 0.0274
    p0 = 0.02 / (1 - 0.98**50)
    assert abs(np.mean(np.array(firsts) == 0) - p0) < 5 * np.sqrt(p0 * (1 - p0) / 4000)
    assert np.array_equal(sample_error_slots(7, 1.0, rng), np.arange(7))
    assert sample_error_slots(7, 0.0, rng).size == 0


def test_rate_zero_runs_the_noiseless_program_exactly():
    qc = QuantumCircuit(4)
    qc.h([0, 1])
    qc.ccx(0, 1, 2)
    qc.cx(2, 3)
    qc.cz(0, 3)
    program = SIM.compile(qc)
    exact = SIM.run(program)
    noisy = run_noisy_segments([NoisyProgram.of(program)], PauliNoise("depolarizing", 0.0), np.random.default_rng(0), simulator=SIM)
    assert np.array_equal(noisy.amplitudes, exact.amplitudes) and np.array_equal(noisy.rows, exact.rows)


def test_parse_noise_and_bad_values():
    assert parse_noise("phase-flip:0.25") == PauliNoise("phase-flip", 0.25)
    assert parse_noise(None) is None
    assert PauliNoise("depolarizing", 0.3).pauli_probabilities() == pytest.approx((0.1, 0.1, 0.1))
    for text, words in [("flip:0.1", "unknown noise model"), ("bit-flip:1.5", "must lie in [0, 1]"),
                        ("bit-flip:-0.1", "must lie in [0, 1]"), ("bit-flip", "not MODEL:RATE"), ("bit-flip:nan", "must lie")]:
        with pytest.raises(QbnnError, match="noise=") as info:
            parse_noise(text)
        assert words in str(info.value)
    with pytest.raises(QbnnError, match="rate=2"):
        PauliNoise("bit-flip", 2)


def sat_grover(n: int, clauses, k: int) -> QuantumCircuit:
    """Grover for 3-SAT: clause ancillas hold 'clause false', the phase marks all ancillas 0, then uncompute."""
    m = len(clauses)
    qc = QuantumCircuit(n + m)
    qc.h(range(n))
    oracle = QuantumCircuit(n + m)
    for c, (variables, negations) in enumerate(clauses):
        # the clause is false when every literal is false: variable v == negation s for all three
        state = sum(s << j for j, s in enumerate(negations))
        oracle.mcx(list(variables), n + c, ctrl_state=state)
    marked = oracle.copy()
    marked.x(range(n, n + m))
    marked.h(n + m - 1)
    marked.mcx(list(range(n, n + m - 1)), n + m - 1)
    marked.h(n + m - 1)
    marked.x(range(n, n + m))
    marked.compose(oracle.inverse(), inplace=True)
    diffusion = QuantumCircuit(n + m)
    diffusion.h(range(n))
    diffusion.x(range(n))
    diffusion.h(n - 1)
    diffusion.mcx(list(range(n - 1)), n - 1)
    diffusion.h(n - 1)
    diffusion.x(range(n))
    diffusion.h(range(n))
    for _ in range(k):
        qc.compose(marked, inplace=True)
        qc.compose(diffusion, inplace=True)
    return qc


@pytest.mark.parametrize("model", ["bit-flip", "phase-flip", "depolarizing"])
def test_grover_on_3sat_agrees_with_aer_density_matrix(model):
    from qiskit import transpile
    from qiskit_aer import AerSimulator

    planted, clauses = planted_3sat(4, 3, np.random.default_rng(11))
    program = SIM.compile(sat_grover(4, clauses, 2))  # 7 qubits
    noise = PauliNoise(model, 0.01)
    reference = engine_circuit([program], noise)
    reference.save_probabilities(list(range(4)))
    aer = AerSimulator(method="density_matrix")
    expected = np.asarray(aer.run(transpile(reference, aer, optimization_level=0)).result().data(0)["probabilities"])
    circuit = NoisyCircuit(program, noise, SIM)
    mean, error = circuit.probabilities(range(4), 300, np.random.default_rng(2))
    # every outcome within the normal interval at 99.9% (z = 3.29): 16 outcomes per model, family-wise ~2%
    assert np.all(np.abs(mean - expected) <= 3.29 * error + 1e-12)
    noiseless = SIM.run(program).probabilities(range(4))
    planted_index = int(sum(int(b) << j for j, b in enumerate(planted)))
    assert expected[planted_index] < noiseless[planted_index] - 0.02  # the noise is visible, not a no-op


def test_noisy_shots_follow_the_estimated_distribution_and_repeat_with_the_seed():
    planted, clauses = planted_3sat(4, 3, np.random.default_rng(11))
    circuit = NoisyCircuit(SIM.compile(sat_grover(4, clauses, 1)), PauliNoise("depolarizing", 0.02), SIM)
    shots = circuit.sample(range(4), 400, np.random.default_rng(9))
    again = circuit.sample(range(4), 400, np.random.default_rng(9))
    assert np.array_equal(shots, again)
    planted_rows = np.all(shots == planted[None, :], axis=1).mean()
    mean, error = circuit.probabilities(range(4), 200, np.random.default_rng(1))
    p = mean[int(sum(int(b) << j for j, b in enumerate(planted)))]
    assert abs(planted_rows - p) < 4 * np.sqrt(p * (1 - p) / 400) + 4 * error.max()


@pytest.mark.parametrize("key_bits", [62, 0])
def test_hadamard_on_an_entangled_qubit_is_exact_with_many_superposed_qubits(key_bits, monkeypatch):
    """H on a qubit another row depends on (what errors cause): index doubled, merged, laid out on 7 low bits."""
    monkeypatch.setattr(noise_module, "_INT_KEY_BITS", key_bits)
    qc = QuantumCircuit(9)
    qc.h(range(7))
    qc.ccx(0, 1, 7)
    qc.cx(2, 8)
    qc.x(0)  # as an error would
    qc.h(0)  # qubit 7 depends on qubit 0: outside the noiseless engine's class
    qc.cz(0, 7)
    qc.h([1, 2, 0])
    qc.ccx(3, 0, 8)
    qc.h(range(4))
    program = SIM.compile(qc)
    noisy = NoisyProgram.of(program)
    state = run_arrays(StructuredState.zero(9), program.arrays, sorted(noisy.h_qubits), SIM.max_memory_bytes)
    np.testing.assert_allclose(state.statevector(), Statevector(qc).data, atol=1e-9)
