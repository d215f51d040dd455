"""The one lowering: every gate equals Qiskit's matrix on every basis state; refusals; one place to add a gate."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit import Parameter
from qiskit.circuit.library import (
    CCXGate, CXGate, GlobalPhaseGate, MCPhaseGate, MCXGate, QFTGate, RYGate, SwapGate, UnitaryGate, ZGate,
)
from qiskit.quantum_info import Operator

from qbnn.simulator import lowering
from qbnn.simulator.lowering import lower_circuit
from qbnn.simulator.ops import DIAGONAL, H, PERM, PHASE, UNITARY
from qbnn.simulator.structured import StructuredSimulator
from qbnn.errors import UnsupportedGateError
from qbnn.testing import PROBLEM_KINDS, problem_kind

GATES = [
    ("x", lambda qc: qc.x(0), 1),
    ("z", lambda qc: qc.z(0), 1),
    ("cx", lambda qc: qc.cx(0, 1), 2),
    ("cx_o0", lambda qc: qc.append(CXGate(ctrl_state=0), [0, 1]), 2),
    ("cz", lambda qc: qc.cz(0, 1), 2),
    ("swap", lambda qc: qc.append(SwapGate(), [0, 1]), 2),
    ("ccx", lambda qc: qc.ccx(0, 1, 2), 3),
    ("ccx_o1", lambda qc: qc.append(CCXGate(ctrl_state=1), [0, 1, 2]), 3),
    ("ccz", lambda qc: qc.ccz(0, 1, 2), 3),
    ("mcx3", lambda qc: qc.append(MCXGate(3), [0, 1, 2, 3]), 4),
    ("mcx3_o5", lambda qc: qc.append(MCXGate(3, ctrl_state=5), [0, 1, 2, 3]), 4),
    ("mcx4_o0", lambda qc: qc.append(MCXGate(4, ctrl_state=0), [0, 1, 2, 3, 4]), 5),
    ("mcz3", lambda qc: qc.append(ZGate().control(3, annotated=False), [0, 1, 2, 3]), 4),
    ("mcz3_o2", lambda qc: qc.append(ZGate().control(3, ctrl_state=2, annotated=False), [0, 1, 2, 3]), 4),
    ("h_mcx_h", lambda qc: (qc.h(2), qc.ccx(0, 1, 2), qc.h(2)), 3),
    ("global_phase", lambda qc: (qc.append(GlobalPhaseGate(0.7), []), qc.x(0), qc.barrier()), 1),
    # single-qubit unitaries and their controlled versions
    ("ry", lambda qc: qc.ry(0.7, 0), 1),
    ("rx", lambda qc: qc.rx(-1.1, 0), 1),
    ("rz", lambda qc: qc.rz(0.4, 0), 1),
    ("p", lambda qc: qc.p(2.2, 0), 1),
    ("u", lambda qc: qc.u(0.3, 1.2, -0.8, 0), 1),
    ("t_s_y_sx", lambda qc: (qc.t(0), qc.s(0), qc.y(0), qc.sx(0), qc.sdg(0)), 1),
    ("cry", lambda qc: qc.cry(1.3, 0, 1), 2),
    ("ch", lambda qc: qc.ch(1, 0), 2),
    ("cp", lambda qc: qc.cp(0.9, 0, 1), 2),
    ("crz", lambda qc: qc.crz(0.5, 1, 0), 2),
    ("cu", lambda qc: qc.cu(0.3, 0.2, 0.1, 0.4, 0, 1), 2),
    ("cry_o0", lambda qc: qc.append(RYGate(0.6).control(1, ctrl_state=0, annotated=True), [0, 1]), 2),
    ("mcp", lambda qc: qc.append(MCPhaseGate(0.35, 2), [0, 1, 2]), 3),
    ("mcry", lambda qc: qc.append(RYGate(-0.5).control(2, ctrl_state=1, annotated=True), [2, 0, 1]), 3),
    ("iswap_rzz", lambda qc: (qc.iswap(0, 1), qc.rzz(0.3, 1, 2)), 3),
    ("qft", lambda qc: qc.append(QFTGate(3), [0, 1, 2]), 3),
    ("iqft", lambda qc: qc.append(QFTGate(3).inverse(), [2, 0, 1]), 3),
    ("unitary2", lambda qc: qc.append(UnitaryGate(_random_unitary(4, 3)), [0, 2]), 3),
    ("controlled_composite", lambda qc: qc.append(_composite().control(1, ctrl_state=0), [2, 0, 1]), 3),
    ("annotated_power", lambda qc: qc.append(_composite().power(3, annotated=True).inverse(annotated=True), [0, 1]), 2),
]


def _random_unitary(dim: int, seed: int) -> np.ndarray:
    z = np.random.default_rng(seed).normal(size=(dim, dim)) + 1j * np.random.default_rng(seed + 1).normal(size=(dim, dim))
    q, r = np.linalg.qr(z)
    return q * (np.diag(r) / np.abs(np.diag(r)))


def _composite():
    inner = QuantumCircuit(2, name="inner")
    inner.cx(0, 1)
    inner.ry(0.4, 1)
    inner.h(0)
    inner.cp(0.7, 1, 0)
    inner.cx(0, 1)
    return inner.to_gate()


@pytest.mark.parametrize(("name", "build", "n"), GATES, ids=[g[0] for g in GATES])
def test_gate_matches_operator_on_every_basis_state(name, build, n):
    gate = QuantumCircuit(n)
    build(gate)
    matrix = Operator(gate).data
    sim = StructuredSimulator()
    for bits in itertools.product((0, 1), repeat=n):
        circuit = QuantumCircuit(n)
        for q, b in enumerate(bits):
            if b:
                circuit.x(q)
        circuit.compose(gate, inplace=True)
        start = sum(b << q for q, b in enumerate(bits))
        np.testing.assert_allclose(sim.run(circuit).statevector(), matrix[:, start], atol=1e-12)


def test_h_mcx_h_is_lowered_to_a_phase():
    qc = QuantumCircuit(3)
    qc.h(2)
    qc.ccx(0, 1, 2)
    qc.h(2)
    ops = lower_circuit(qc).ops
    assert [op.kind for op in ops] == [PHASE]


def test_composite_gates_are_unrolled():
    inner = QuantumCircuit(2, name="inner")
    inner.cx(0, 1)
    inner.z(1)
    qc = QuantumCircuit(3)
    qc.h(0)
    qc.append(inner.to_gate(), [0, 2])
    state = StructuredSimulator().run(qc)
    from qiskit.quantum_info import Statevector

    np.testing.assert_allclose(state.statevector(), Statevector(qc).data, atol=1e-12)


def test_controlled_conjugation_controls_only_the_middle():
    """c(V M V^-1) = V c(M) V^-1: a controlled compute / rotate / uncompute block adds one condition to M only."""
    block = QuantumCircuit(3, name="block")
    block.ccx(0, 1, 2)
    block.h(1)
    block.ry(0.3, 2)
    block.h(1)
    block.ccx(0, 1, 2)
    qc = QuantumCircuit(4)
    qc.append(block.to_gate().control(1), [3, 0, 1, 2])
    ops = lower_circuit(qc).ops
    assert [(op.kind, 3 in op.controls) for op in ops] == [(PERM, False), (H, False), (UNITARY, True), (H, False), (PERM, False)]
    qc2 = QuantumCircuit(4)
    qc2.h([0, 1, 3])
    qc2.compose(qc, inplace=True)
    from qiskit.quantum_info import Statevector

    np.testing.assert_allclose(StructuredSimulator().run(qc2).statevector(), Statevector(qc2).data, atol=1e-12)


def test_real_rotations_stay_real_and_phases_are_exact_kinds():
    qc = QuantumCircuit(2)
    qc.ry(0.3, 0)
    qc.cry(0.2, 0, 1)
    qc.p(np.pi, 1)
    qc.cp(0.5, 0, 1)
    ops = lower_circuit(qc).ops
    assert [op.kind for op in ops] == [UNITARY, UNITARY, PHASE, DIAGONAL]
    assert ops[0].is_real and ops[1].is_real and not ops[3].is_real
    real = QuantumCircuit(2)
    real.ry(0.3, 0)
    real.cry(0.2, 0, 1)
    real.p(np.pi, 1)
    assert StructuredSimulator().run(real).amplitudes.dtype == np.float64
    assert StructuredSimulator().run(qc).amplitudes.dtype == np.complex128


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda qc: (qc.h(0), qc.reset(1)), r"^gate 'reset' at instruction 1 on qubits \(1,\) .*resets are not supported"),
        (lambda qc: (qc.h(0), qc.measure(0, 0), qc.barrier(), qc.ry(0.1, 0)), r"^gate 'ry' at instruction 3 .*after its measurement at instruction 1"),
        (lambda qc: (qc.x(0), qc.ry(Parameter("a"), 1)), r"^gate 'ry' at instruction 1 on qubits \(1,\) .*unbound parameters"),
        (lambda qc: (qc.h(0), qc.append(_composite().power(0.5, annotated=True), [0, 1])), r"^gate 'annotated' at instruction 1 .*non-integer power"),
    ],
)
def test_refusals_name_gate_position_and_reason(build, message):
    qc = QuantumCircuit(2, 1)
    build(qc)
    with pytest.raises(UnsupportedGateError, match=message) as info:
        StructuredSimulator().run(qc)
    assert "engine='aer'" in str(info.value) and info.value.render({}).endswith("use --engine aer (or Qiskit Aer's SamplerV2) for such circuits")


def test_a_gate_inside_a_composite_is_refused_at_the_composite_position():
    inner = QuantumCircuit(2, name="inner")
    inner.cx(0, 1)
    inner.reset(1)
    qc = QuantumCircuit(3)
    qc.h(0)
    qc.ccx(0, 1, 2)
    qc.append(inner.to_instruction(), [0, 2])
    with pytest.raises(UnsupportedGateError, match=r"^gate 'reset' inside 'inner' at instruction 2 on qubits \(0, 2\) "):
        StructuredSimulator().run(qc)


def test_hadamard_on_an_entangled_qubit_becomes_a_new_index_bit():
    from qiskit.quantum_info import Statevector

    qc = QuantumCircuit(3)
    qc.h(0)
    qc.cx(0, 1)
    qc.h(1)
    qc.cry(0.4, 1, 2)
    state = StructuredSimulator().run(qc)
    assert state.num_index_bits == 3
    np.testing.assert_allclose(state.statevector(), Statevector(qc).data, atol=1e-12)


def test_one_lowering_for_every_engine_one_place_to_add_a_gate(monkeypatch):
    """A gate added to the dispatch table runs on the structured engine, in the sampler and in the Dask compiler."""
    from qiskit.circuit import Gate

    from qbnn.engines.distributed_structured import DaskStructuredSimulator
    from qbnn.simulator.sampler import exact_probabilities

    class Flip(Gate):  # no definition, no matrix: only the table knows it
        def __init__(self):
            super().__init__("flip_both", 2, [])

    qc = QuantumCircuit(3, 3)
    qc.h(0)
    qc.append(Flip(), [0, 1])
    qc.measure(range(3), range(3))
    with pytest.raises(UnsupportedGateError, match="gate 'flip_both' at instruction 1"):
        StructuredSimulator().compile(qc)
    monkeypatch.setitem(
        lowering.HANDLERS, "flip_both",
        lambda op, lowerer, depth: lowering._Block([lowering.Op(PERM, 1, (0,), (1,)), lowering.Op(PERM, 0)]),
    )
    assert exact_probabilities(qc) == pytest.approx({"001": 0.5, "010": 0.5})
    dask_sim = DaskStructuredSimulator.__new__(DaskStructuredSimulator)
    dask_sim.max_memory_bytes = 1 << 30
    assert [op.kind for op in dask_sim.compile(qc).lowered.ops] == [H, PERM, PERM]


@pytest.mark.parametrize("case", PROBLEM_KINDS)
def test_iterate_from_lowered_parts_is_the_lowering_of_qiskits_iterate(case):
    """Q from (S_chi, U lowered once, S_0) is lower_circuit(grover_operator(...)) op for op: kinds, qubits,
    conditions, user positions and names; the engine compiles it this way, so QBNN results are unchanged."""
    from qbnn.simulator.lowering import lower_grover_iterate

    problem = problem_kind(case)
    direct = lower_circuit(problem.grover_iterate)
    parts = lower_grover_iterate(*problem.iterate_parts, lowered_preparation=lower_circuit(problem.state_preparation))
    assert parts.ops == direct.ops and parts.unrolled == direct.unrolled
    assert parts.global_phase == pytest.approx(direct.global_phase, abs=1e-12)
    simulator = StructuredSimulator()
    (program,) = simulator.compile_iterates(problem, simulator.compile(problem.state_preparation))
    direct_arrays = simulator.compile(problem.grover_iterate).arrays
    assert [array.tolist() for array in program.arrays] == [array.tolist() for array in direct_arrays]
