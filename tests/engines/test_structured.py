"""The structured engine against Qiskit Aer on random circuits of its class, and its guarantees."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from qiskit import QuantumCircuit
from qiskit.circuit.library import MCXGate, ZGate

from qbnn.engines.amplify_aer import load_aer_simulator
from qbnn.engines.structured import StructuredSimulator, StructuredState
from qbnn.errors import ResourceLimitError, UnsupportedGateError


def aer_statevector(circuit: QuantumCircuit) -> np.ndarray:
    from qiskit import transpile

    sim = load_aer_simulator()
    qc = circuit.copy()
    qc.save_statevector()
    return np.asarray(sim.run(transpile(qc, sim, optimization_level=0)).result().get_statevector())


@st.composite
def structured_circuits(draw):
    n = draw(st.integers(2, 12))
    qc = QuantumCircuit(n)
    qc.global_phase = draw(st.floats(0, 2 * np.pi))
    for q in draw(st.lists(st.integers(0, n - 1), max_size=n, unique=True)):
        qc.h(q)
    for _ in range(draw(st.integers(0, 30))):
        kind = draw(st.sampled_from(["x", "mcx", "mcz", "h", "swap"]))
        if kind == "x":
            qc.x(draw(st.integers(0, n - 1)))
        elif kind == "h":
            qc.h(draw(st.integers(0, n - 1)))
        elif kind == "swap":
            a, b = draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True))
            qc.swap(a, b)
        else:
            qubits = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=min(n, 5), unique=True))
            controls = len(qubits) - 1
            state = draw(st.integers(0, (1 << controls) - 1)) if controls else None
            if kind == "mcx":
                if controls == 0:
                    qc.x(qubits[0])
                else:
                    qc.append(MCXGate(controls, ctrl_state=state), qubits)
            else:
                gate = ZGate() if controls == 0 else ZGate().control(controls, ctrl_state=state, annotated=False)
                qc.append(gate, qubits)
    return qc


@settings(max_examples=60, deadline=None)
@given(structured_circuits())
def test_random_circuits_agree_with_aer_including_global_phase(circuit):
    try:
        state = StructuredSimulator().run(circuit)
    except UnsupportedGateError:
        assume(False)  # an H the structure cannot take: refused, and refusals are tested elsewhere
        return
    np.testing.assert_allclose(state.statevector(), aer_statevector(circuit), atol=1e-9)
    assert np.isrealobj(state.amplitudes)


@pytest.mark.parametrize("kickback", [True, False])
def test_grover_with_boolean_oracle_agrees_with_aer(kickback):
    n = 4
    qc = QuantumCircuit(n + 1)
    qc.h(range(n))
    if kickback:
        qc.x(n)
        qc.h(n)
    for _ in range(2):
        if kickback:
            qc.append(MCXGate(n, ctrl_state="1011"), [*range(n), n])
        else:
            qc.append(ZGate().control(n - 1, ctrl_state="011", annotated=False), range(n))
        qc.h(range(n))
        qc.x(range(n))
        qc.append(ZGate().control(n - 1, annotated=False), range(n))
        qc.x(range(n))
        qc.h(range(n))
    if kickback:
        qc.h(n)
        qc.x(n)
    state = StructuredSimulator().run(qc)
    np.testing.assert_allclose(state.statevector(), aer_statevector(qc), atol=1e-9)
    assert state.probabilities(range(n)).argmax() == 0b1011


def test_qiskit_grover_operator_runs_after_lowering():
    from qiskit.circuit.library import grover_operator

    oracle = QuantumCircuit(3)
    oracle.ccz(0, 1, 2)
    qc = QuantumCircuit(3)
    qc.h(range(3))
    qc.compose(grover_operator(oracle), inplace=True)
    np.testing.assert_allclose(StructuredSimulator().run(qc).statevector(), aer_statevector(qc), atol=1e-9)


def test_memory_is_checked_before_the_index_grows():
    qc = QuantumCircuit(30)
    qc.h(range(30))
    with pytest.raises(ResourceLimitError, match=r"would grow to \d+ superposed qubits and need .* but only 1\.0 MiB"):
        StructuredSimulator(max_memory_bytes=1 << 20).run(qc)


def test_sampling_is_seeded_and_follows_the_exact_distribution():
    qc = QuantumCircuit(3)
    qc.h([0, 1])
    qc.ccx(0, 1, 2)
    state = StructuredSimulator().run(qc)
    probs = state.probabilities([0, 1, 2])
    a = state.sample([0, 1, 2], 4000, np.random.default_rng(5))
    b = state.sample([0, 1, 2], 4000, np.random.default_rng(5))
    assert np.array_equal(a, b)
    counts = np.bincount(a, minlength=8) / 4000
    sigma = np.sqrt(probs * (1 - probs) / 4000)
    assert np.all(np.abs(counts - probs) <= 5 * sigma + 1e-12)
    assert set(np.flatnonzero(counts)) <= set(np.flatnonzero(probs))


def test_zero_state_and_dense_limits():
    state = StructuredState.zero(40)
    assert state.probabilities([0, 1]).tolist() == [1.0, 0.0, 0.0, 0.0]
    with pytest.raises(ResourceLimitError, match="state vector of 40 qubits"):
        state.statevector()
