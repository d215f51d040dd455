"""StructuredSampler against Qiskit Aer: exact probabilities, sampler semantics, Grover on 3-SAT, refusals."""

from __future__ import annotations

import math
import warnings

import numpy as np
from scipy.stats import binom
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from qiskit import ClassicalRegister, QuantumCircuit, QuantumRegister, transpile
from qiskit.circuit import Parameter
from qiskit.circuit.library import DiagonalGate, MCPhaseGate, MCXGate, ZGate
from qiskit.quantum_info import Statevector

from qbnn.errors import UnsupportedGateError
from qbnn.simulator.sampler import StructuredSampler, exact_probabilities, run_exact
from qbnn.testing import planted_3sat

from qiskit_aer import AerSimulator  # the test extra installs Aer and qiskit-algorithms
from qiskit_aer.primitives import SamplerV2 as AerSamplerV2
from qiskit_algorithms import AmplificationProblem, Grover

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # qiskit_algorithms uses GroverOperator

_AER = AerSimulator(method="statevector", max_parallel_threads=1)
AER_ONE_THREAD = {"backend_options": {"max_parallel_threads": 1}}  # threads only slow these small circuits down


def _aer_pass_manager():
    from qiskit.transpiler import generate_preset_pass_manager

    return generate_preset_pass_manager(optimization_level=0, backend=_AER)


def aer_probabilities(circuit: QuantumCircuit) -> dict[str, float]:
    """Outcome probabilities of the measured clbits (highest clbit leftmost) from Aer's state vector."""
    measured: dict[int, int] = {}
    for instruction in circuit.data:
        if instruction.operation.name == "measure":
            measured[circuit.find_bit(instruction.clbits[0]).index] = circuit.find_bit(instruction.qubits[0]).index
    bare = circuit.remove_final_measurements(inplace=False)
    bare.save_statevector()
    vector = _AER.run(transpile(bare, _AER, optimization_level=0)).result().get_statevector()
    qargs = [measured[c] for c in sorted(measured)]
    probs = Statevector(np.asarray(vector)).probabilities(qargs)
    return {format(i, f"0{len(qargs)}b"): float(p) for i, p in enumerate(probs) if p > 1e-14}


def assert_same_distribution(a: dict[str, float], b: dict[str, float], atol: float = 1e-9) -> None:
    for key in set(a) | set(b):
        assert abs(a.get(key, 0.0) - b.get(key, 0.0)) <= atol, (key, a.get(key), b.get(key))


# --------------------------------------------------------------------------- (a) exact probabilities


@st.composite
def oracle_circuits(draw):
    """Grover-like circuits of the class on <= 10 qubits: H on a search register, compute / sign / uncompute.

    The sign is a phase oracle (MCZ, cp(pi), +-1 Diagonal) or a kickback on a |-> ancilla (X then H).
    Computations mix MCX with any control state, SWAP and CSWAP; results are measured into one or two registers.
    """
    num_search = draw(st.integers(1, 5))
    num_work = draw(st.integers(0, 10 - num_search - 1))
    kickback = draw(st.booleans())
    n = num_search + num_work + int(kickback)
    qc = QuantumCircuit(n)
    qc.global_phase = draw(st.floats(0, 2 * math.pi))
    search = list(range(num_search))
    ancilla = n - 1 if kickback else None
    plain = [q for q in range(n) if q != ancilla]
    qc.h(search)
    if kickback:
        qc.x(ancilla)
        qc.h(ancilla)

    def random_gate(qubits: list[int]) -> tuple:
        kind = draw(st.sampled_from(["x", "mcx", "swap", "cswap"]))
        picked = draw(st.lists(st.sampled_from(qubits), min_size=1, max_size=min(len(qubits), 4), unique=True))
        if kind == "x" or len(picked) == 1:
            return ("x", picked[:1], None)
        if kind == "swap":
            return ("swap", picked[:2], None)
        if kind == "cswap" and len(picked) >= 3:
            return ("cswap", picked[:3], None)
        return ("mcx", picked, draw(st.integers(0, (1 << (len(picked) - 1)) - 1)))

    def apply(gate: tuple) -> None:
        kind, qubits, state = gate
        if kind == "x":
            qc.x(qubits[0])
        elif kind == "swap":
            qc.swap(*qubits)
        elif kind == "cswap":
            qc.cswap(*qubits)
        else:
            qc.append(MCXGate(len(qubits) - 1, ctrl_state=state), qubits)

    for _ in range(draw(st.integers(1, 2))):
        compute = [random_gate(plain) for _ in range(draw(st.integers(0, 6)))]
        for gate in compute:
            apply(gate)
        for _ in range(draw(st.integers(1, 3))):
            sign = draw(st.sampled_from(["mcz", "cp", "diagonal", "kickback"] if kickback else ["mcz", "cp", "diagonal"]))
            picked = draw(st.lists(st.sampled_from(plain), min_size=1, max_size=min(len(plain), 4), unique=True))
            if sign == "kickback":
                state = draw(st.integers(0, (1 << len(picked)) - 1))
                qc.append(MCXGate(len(picked), ctrl_state=state), [*picked, ancilla])
            elif sign == "mcz":
                state = draw(st.integers(0, (1 << (len(picked) - 1)) - 1)) if len(picked) > 1 else None
                gate = ZGate() if len(picked) == 1 else ZGate().control(len(picked) - 1, ctrl_state=state, annotated=False)
                qc.append(gate, picked)
            elif sign == "cp":
                if len(picked) == 1:
                    qc.p(math.pi, picked[0])
                else:
                    qc.append(MCPhaseGate(math.pi, len(picked) - 1), picked)
            else:
                signs = draw(st.lists(st.sampled_from([1, -1]), min_size=1 << len(picked), max_size=1 << len(picked)))
                qc.append(DiagonalGate(signs), picked)
        for gate in reversed(compute):
            apply(gate)
        if draw(st.booleans()):  # diffusion on the search register
            qc.h(search)
            qc.x(search)
            if num_search == 1:
                qc.z(0)
            else:
                qc.append(ZGate().control(num_search - 1, annotated=False), search)
            qc.x(search)
            qc.h(search)
    if kickback and draw(st.booleans()):
        qc.h(ancilla)
        qc.x(ancilla)
    measured = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True))
    split = draw(st.integers(0, len(measured)))
    first = ClassicalRegister(max(split, 1), "a")
    second = ClassicalRegister(len(measured) - split + draw(st.integers(0, 1)), "b")
    qc.add_register(first)
    qc.add_register(second)
    clbits = [*first[:split], *second[: len(measured) - split]]
    qc.measure(measured, clbits)
    return qc


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(oracle_circuits())
def test_exact_probabilities_equal_aer_statevector(circuit):
    ours = exact_probabilities(circuit)  # every circuit of the family runs (none is skipped)
    theirs = aer_probabilities(circuit)
    assert_same_distribution(ours, theirs)
    assert math.isclose(sum(ours.values()), 1.0, abs_tol=1e-9)


def test_run_exact_matches_statevector_with_resynthesised_gates():
    from qiskit.circuit.library import PhaseOracleGate

    qc = QuantumCircuit(5)
    qc.global_phase = 0.3
    qc.h([0, 1, 2])
    qc.cswap(0, 1, 3)
    qc.cp(math.pi, 1, 2)
    qc.ry(math.pi, 3)
    qc.y(0)
    qc.rz(math.pi, 1)
    qc.dcx(2, 4)
    qc.append(DiagonalGate([1, -1, -1, 1, 1, 1, -1, 1]), [0, 1, 2])
    qc.append(MCPhaseGate(math.pi, 3), [0, 1, 2, 3])
    qc.append(PhaseOracleGate("(a | b) & (~c | a) & (b ^ c)"), [0, 1, 2])
    qc.append(MCXGate(2, ctrl_state=1).inverse(annotated=True), [0, 1, 3])
    qc.append(MCXGate(2).control(1, annotated=True), [2, 0, 1, 4])
    inner = QuantumCircuit(3, name="inner")
    inner.ccx(0, 1, 2)
    inner.cz(0, 2)
    qc.append(inner.to_gate().control(1, ctrl_state=0), [4, 0, 1, 2])
    np.testing.assert_allclose(run_exact(qc).statevector(), Statevector(qc).data, atol=1e-12)


# --------------------------------------------------------------------------- (b) sampler semantics


def _two_register_circuit() -> QuantumCircuit:
    q = QuantumRegister(4, "q")
    alpha, beta = ClassicalRegister(3, "alpha"), ClassicalRegister(2, "beta")
    qc = QuantumCircuit(q, alpha, beta)
    qc.h([0, 1])
    qc.ccx(0, 1, 2)
    qc.cx(0, 3)
    qc.p(Parameter("theta"), 1)  # bound to 0 or pi: stays in the class
    qc.barrier()
    qc.measure([0, 2], [alpha[0], alpha[2]])  # alpha[1] is never measured: always 0
    qc.measure([3, 1], beta)
    return qc


def test_pub_shapes_registers_and_counts_match_aer_samplerv2():
    qc = _two_register_circuit()
    values = np.array([[0.0], [math.pi], [0.0]])  # shape (3,) of one-parameter sets
    pubs = [(qc, values, 300), (qc.assign_parameters([0.0]),)]
    ours = StructuredSampler(seed=11, default_shots=500).run(pubs).result()
    theirs = AerSamplerV2(default_shots=500, seed=11).run([(transpile(p[0], _AER), *p[1:]) for p in pubs]).result()
    assert len(ours) == len(theirs) == 2
    assert ours.metadata["version"] == 2
    for a, b in zip(ours, theirs):
        assert sorted(a.data.keys()) == sorted(b.data.keys()) == ["alpha", "beta"]
        assert a.data.shape == b.data.shape
        assert a.metadata["shots"] == b.metadata["shots"]
        for name in ("alpha", "beta"):
            x, y = a.data[name], b.data[name]
            assert (x.shape, x.num_shots, x.num_bits, x.array.shape) == (y.shape, y.num_shots, y.num_bits, y.array.shape)
            assert set(x.get_counts()) <= set(y.get_counts()) | set(exact_probabilities(pubs[0][0].assign_parameters([0.0]), register=name))
    assert ours[0].data.alpha.shape == (3,) and ours[0].data.alpha.num_shots == 300
    assert ours[1].data.alpha.num_shots == 500
    # alpha[1] is unmeasured: 0 in every shot; alpha = (q2 q? q0) with q2 = q0 q1
    assert set(ours[1].data.alpha.get_counts()) <= {"000", "001", "101"}
    # counts follow the exact distribution (5 sigma) for both samplers
    bound = qc.assign_parameters([0.0])
    for name in ("alpha", "beta"):
        exact = exact_probabilities(bound, register=name)
        for result in (ours[1], theirs[1]):
            counts = result.data[name].get_counts()
            for key, p in exact.items():
                assert abs(counts.get(key, 0) / 500 - p) <= 5 * math.sqrt(p * (1 - p) / 500) + 1e-12
            assert set(counts) <= set(exact)


def test_same_seed_same_counts_and_generator_seeds_advance():
    qc = _two_register_circuit().assign_parameters([math.pi])
    a = StructuredSampler(seed=5).run([qc]).result()[0].data
    b = StructuredSampler(seed=5).run([qc]).result()[0].data
    c = StructuredSampler(seed=6).run([qc]).result()[0].data
    assert a.alpha == b.alpha and a.beta == b.beta
    assert a.alpha != c.alpha
    sampler = StructuredSampler(seed=5)
    first = sampler.run([qc]).result()[0].data.alpha
    assert sampler.run([qc]).result()[0].data.alpha == first  # an int seed restarts on every run
    rng_sampler = StructuredSampler(seed=np.random.default_rng(5))
    x = rng_sampler.run([qc]).result()[0].data.alpha
    y = rng_sampler.run([qc]).result()[0].data.alpha
    assert x != y  # a Generator is advanced
    assert StructuredSampler(seed=np.random.default_rng(5)).run([qc]).result()[0].data.alpha == x


def test_it_is_a_qiskit_sampler_v2_importable_from_qbnn():
    from qiskit.primitives import BaseSamplerV2

    from qbnn import StructuredSampler as TopLevel

    assert TopLevel is StructuredSampler and isinstance(StructuredSampler(), BaseSamplerV2)
    assert StructuredSampler(default_shots=7).default_shots == 7


def test_circuit_without_registers_warns_and_gives_empty_data():
    qc = QuantumCircuit(2)
    qc.h(0)
    with pytest.warns(UserWarning, match="no output classical registers"):
        result = StructuredSampler(seed=1).run([qc], shots=10).result()
    assert len(result[0].data) == 0


# --------------------------------------------------------------------------- (c) Grover on 3-SAT


def satisfies(assignment, clauses) -> bool:
    return all(any(assignment[v] ^ s for v, s in zip(vs, ns)) for vs, ns in clauses)


def clause_oracle(n: int, clauses) -> QuantumCircuit:
    """One ancilla per clause (X, then MCX on the clause's falsifying assignment), MCZ on all, uncompute."""
    m = len(clauses)
    qc = QuantumCircuit(n + m, name="sat_oracle")

    def compute() -> None:
        for j, (variables, negations) in enumerate(clauses):
            qc.x(n + j)
            qc.append(MCXGate(3, ctrl_state=sum(s << i for i, s in enumerate(negations))), [*variables, n + j])

    compute()
    qc.append(ZGate().control(m - 1, annotated=False), range(n, n + m))
    compute()
    return qc


def sat_problem(n: int, clauses, oracle: QuantumCircuit | None = None) -> AmplificationProblem:
    oracle = clause_oracle(n, clauses) if oracle is None else oracle
    prep = QuantumCircuit(oracle.num_qubits)
    prep.h(range(n))
    return AmplificationProblem(
        oracle,
        state_preparation=prep,
        objective_qubits=list(range(n)),
        is_good_state=lambda bits: satisfies([int(b) for b in bits[::-1]], clauses),
    )


def _unique_instance(n: int, m: int, seed: int):
    rng = np.random.default_rng(seed)
    while True:
        planted, clauses = planted_3sat(n, m, rng)
        solutions = [x for x in range(1 << n) if satisfies([(x >> i) & 1 for i in range(n)], clauses)]
        if len(solutions) == 1:
            return planted, clauses


def test_grover_finds_the_planted_solution():
    n = 5
    planted, clauses = _unique_instance(n, 14, seed=1)
    problem = sat_problem(n, clauses)
    for seed in range(5):
        result = Grover(sampler=StructuredSampler(seed=seed)).amplify(problem)
        assert result.oracle_evaluation
        assert [int(b) for b in result.top_measurement[::-1]] == planted.tolist()


def _solutions(n: int, clauses) -> int:
    return sum(satisfies([(x >> i) & 1 for i in range(n)], clauses) for x in range(1 << n))


# (variables, clauses, seed, Grover iterations): small planted instances, a few solutions each
STATISTICS_CASES = [(4, 6, 3, 1), (4, 6, 4, 2), (5, 8, 8, 1), (5, 10, 1, 2)]


@pytest.mark.parametrize(("n", "m", "seed", "iterations"), STATISTICS_CASES)
def test_grover_success_statistics_agree_with_aer_within_binomial_bound(n, m, seed, iterations):
    """Grover (qiskit-algorithms) with one shot per run: success is Bernoulli(p), p = sin^2((2k+1) theta).

    p comes from the planted instance's solution count M (brute force), not from any simulator. Over
    100 seeds each sampler's success fraction is within 4.5 sigma of p and the two fractions are within
    4.5 sqrt(2) sigma of each other (a false failure has probability below 1e-4 per case).
    """
    runs = 100
    planted, clauses = planted_3sat(n, m, np.random.default_rng(seed))
    solutions = _solutions(n, clauses)
    assert solutions >= 1 and satisfies(planted, clauses)
    problem = sat_problem(n, clauses)
    p = math.sin((2 * iterations + 1) * math.asin(math.sqrt(solutions / 2**n))) ** 2
    circuit = Grover(iterations=iterations).construct_circuit(problem, iterations, measurement=True)
    exact = sum(v for k, v in exact_probabilities(circuit).items() if problem.is_good_state(k))
    assert exact == pytest.approx(p, abs=1e-9)

    def successes(make_sampler, transpiler=None) -> int:
        wins = 0
        for s in range(runs):
            result = Grover(iterations=iterations, sampler=make_sampler(s), transpiler=transpiler).amplify(problem)
            assert result.oracle_evaluation == satisfies([int(b) for b in result.top_measurement[::-1]], clauses)
            wins += bool(result.oracle_evaluation)
        return wins

    ours = successes(lambda s: StructuredSampler(seed=s, default_shots=1))  # no transpiling needed
    theirs = successes(lambda s: AerSamplerV2(seed=s, default_shots=1, options=AER_ONE_THREAD), _aer_pass_manager())
    sigma = math.sqrt(max(p * (1 - p), 1 / runs) / runs)
    assert abs(ours / runs - p) <= 4.5 * sigma
    assert abs(theirs / runs - p) <= 4.5 * sigma
    assert abs(ours - theirs) / runs <= 4.5 * math.sqrt(2) * sigma


def test_grover_with_kickback_oracle_and_optimal_iterations():
    n = 5
    planted, clauses = _unique_instance(n, 14, seed=3)
    m = len(clauses)
    phase = clause_oracle(n, clauses)
    # |-> ancilla form: the clause AND is an MCX onto an ancilla prepared by X then H
    kick = QuantumCircuit(n + m + 1)
    kick.x(n + m)
    kick.h(n + m)
    for instruction in phase.data:
        if getattr(getattr(instruction.operation, "base_gate", None), "name", "") == "z":
            kick.append(MCXGate(m), [*range(n, n + m), n + m])
        else:
            kick.append(instruction.operation, [phase.find_bit(q).index for q in instruction.qubits])
    kick.h(n + m)
    kick.x(n + m)
    problem = sat_problem(n, clauses, kick)
    k = Grover.optimal_num_iterations(1, n)
    circuit = Grover(iterations=k).construct_circuit(problem, k, measurement=True)
    ours = exact_probabilities(circuit)
    assert_same_distribution(ours, aer_probabilities(circuit))
    key = "".join(str(b) for b in planted[::-1])
    assert ours[key] > 0.99
    result = Grover(iterations=k, sampler=StructuredSampler(seed=0)).amplify(problem)
    assert result.oracle_evaluation and result.top_measurement == key


def test_grover_with_phase_oracle_gate():
    from qiskit.circuit.library import PhaseOracleGate

    n = 5
    planted, clauses = _unique_instance(n, 14, seed=4)
    names = [f"x{i}" for i in range(n)]
    expression = " & ".join(
        "(" + " | ".join(("~" if s else "") + names[v] for v, s in zip(vs, ns)) + ")" for vs, ns in clauses
    )
    oracle = QuantumCircuit(n)
    oracle.append(PhaseOracleGate(expression, var_order=names), range(n))
    problem = sat_problem(n, clauses, oracle)
    k = Grover.optimal_num_iterations(1, n)
    circuit = Grover(iterations=k).construct_circuit(problem, k, measurement=True)
    assert_same_distribution(exact_probabilities(circuit), aer_probabilities(circuit))
    result = Grover(sampler=StructuredSampler(seed=1)).amplify(problem)
    assert result.oracle_evaluation
    assert [int(b) for b in result.top_measurement[::-1]] == planted.tolist()


def _expression(clauses, names) -> str:
    return " & ".join("(" + " | ".join(("~" if s else "") + names[v] for v, s in zip(vs, ns)) + ")" for vs, ns in clauses)


def test_grover_with_a_phase_oracle_circuit_and_its_own_is_good_state():
    """The Qiskit tutorial form: AmplificationProblem(PhaseOracle(expr), is_good_state=oracle.evaluate_bitstring)."""
    from qiskit.circuit.library import PhaseOracle

    n = 5
    planted, clauses = _unique_instance(n, 14, seed=5)
    names = [f"x{i}" for i in range(n)]
    oracle = PhaseOracle(_expression(clauses, names), var_order=names)
    problem = AmplificationProblem(oracle, is_good_state=oracle.evaluate_bitstring)
    k = Grover.optimal_num_iterations(1, n)
    circuit = Grover(iterations=k).construct_circuit(problem, k, measurement=True)
    ours = exact_probabilities(circuit)
    assert_same_distribution(ours, aer_probabilities(circuit))
    key = "".join(str(b) for b in planted[::-1])
    assert ours[key] == pytest.approx(math.sin((2 * k + 1) * math.asin(math.sqrt(1 / 32))) ** 2, abs=1e-12)
    result = Grover(sampler=StructuredSampler(seed=2)).amplify(problem)
    assert result.oracle_evaluation and result.top_measurement == key


def test_grover_with_a_bit_flip_oracle_gate_on_a_minus_ancilla():
    """Boolean-expression synthesis in the bit-flip form, turned into a phase by kickback through |->."""
    from qiskit.circuit.library import BitFlipOracleGate

    n = 5
    planted, clauses = _unique_instance(n, 14, seed=6)
    names = [f"x{i}" for i in range(n)]
    oracle = QuantumCircuit(n + 1)
    oracle.x(n)
    oracle.h(n)
    oracle.append(BitFlipOracleGate(_expression(clauses, names), var_order=names), range(n + 1))
    oracle.h(n)
    oracle.x(n)
    problem = sat_problem(n, clauses, oracle)
    k = Grover.optimal_num_iterations(1, n)
    circuit = Grover(iterations=k).construct_circuit(problem, k, measurement=True)
    assert_same_distribution(exact_probabilities(circuit), aer_probabilities(circuit))
    result = Grover(iterations=k, sampler=StructuredSampler(seed=3)).amplify(problem)
    assert result.oracle_evaluation
    assert [int(b) for b in result.top_measurement[::-1]] == planted.tolist()


def test_docstring_examples_run():
    import doctest

    import qbnn.simulator.sampler

    result = doctest.testmod(qbnn.simulator.sampler)
    assert result.failed == 0 and result.attempted >= 3


# --------------------------------------------------------------------------- (d) refusals


def test_unsupported_operations_are_named_with_their_position():
    qc = QuantumCircuit(3, 3)
    qc.h(0)
    qc.cx(0, 1)
    qc.ry(0.3, 2)
    qc.t(1)
    qc.reset(2)
    qc.measure(range(3), range(3))
    with pytest.raises(UnsupportedGateError, match=r"gate 'reset' at instruction 4 on qubits \(2,\)"):
        StructuredSampler(seed=0).run([qc])
    inner = QuantumCircuit(2, name="inner")
    inner.cx(0, 1)
    inner.reset(1)
    outer = QuantumCircuit(2)
    outer.h(0)
    outer.append(inner.to_instruction(), [0, 1])
    with pytest.raises(UnsupportedGateError, match=r"gate 'reset' inside 'inner' at instruction 1"):
        exact_probabilities(outer)


def test_grover_refuses_an_oracle_outside_the_class():
    oracle = QuantumCircuit(3)
    oracle.ccz(0, 1, 2)
    oracle.reset(0)
    problem = AmplificationProblem(oracle, is_good_state=["111"])
    with pytest.raises(UnsupportedGateError, match=r"gate 'reset' inside"):
        Grover(iterations=1, sampler=StructuredSampler(seed=0)).amplify(problem)


def test_mid_circuit_measurement_reset_and_control_flow_are_refused():
    qc = QuantumCircuit(2, 2)
    qc.h(0)
    qc.measure(0, 0)
    qc.x(0)
    with pytest.raises(UnsupportedGateError, match="after its measurement at instruction 1: mid-circuit"):
        exact_probabilities(qc)
    qc = QuantumCircuit(2, 2)
    qc.reset(0)
    with pytest.raises(UnsupportedGateError, match="'reset' at instruction 0"):
        exact_probabilities(qc)
    qc = QuantumCircuit(2, 2)
    qc.h(0)
    qc.measure(0, 0)
    with qc.if_test((qc.clbits[0], 1)):
        qc.x(1)
    with pytest.raises(UnsupportedGateError, match="'if_else' at instruction 2.*control flow"):
        StructuredSampler().run([qc])
    qc = QuantumCircuit(2, 2)
    qc.h(0)
    qc.measure([0, 0], [0, 1])  # measuring twice is fine
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert exact_probabilities(qc) == pytest.approx({"00": 0.5, "11": 0.5})


# --------------------------------------------------------------------------- (e) amplitude estimation (ry-loaded problems)


def _ry_problem():
    """a = P(q1 = 1) = sin^2(t0/2) sin^2(t1/2) = 0.2 * 0.5, loaded by ry and cry."""
    from qiskit_algorithms import EstimationProblem

    t0, t1 = 2 * math.asin(math.sqrt(0.2)), math.pi / 2
    a = QuantumCircuit(2)
    a.ry(t0, 0)
    a.cry(t1, 0, 1)
    return EstimationProblem(a, objective_qubits=[1]), 0.1


def test_canonical_amplitude_estimation_circuit_is_exact_and_agrees_with_the_reference():
    from qiskit.primitives import StatevectorSampler
    from qiskit_algorithms import AmplitudeEstimation

    problem, truth = _ry_problem()
    ae = AmplitudeEstimation(4, sampler=StructuredSampler(seed=3, default_shots=2000))
    circuit = ae.construct_circuit(problem, measurement=True)  # QPE with controlled Q (controlled ry, cry, H ...)
    assert_same_distribution(exact_probabilities(circuit), aer_probabilities(circuit), atol=1e-10)
    ours = ae.estimate(problem)
    theirs = AmplitudeEstimation(4, sampler=StatevectorSampler(seed=3, default_shots=2000)).estimate(problem)
    assert ours.estimation == pytest.approx(theirs.estimation, abs=1e-12)  # the most likely grid point
    assert abs(ours.mle - truth) < 0.01 and abs(ours.mle - theirs.mle) < 0.01


@pytest.mark.parametrize("algorithm", ["iae", "mlae", "fae"])
def test_amplitude_estimation_algorithms_agree_with_the_reference_sampler(algorithm):
    from qiskit.primitives import StatevectorSampler
    from qiskit_algorithms import (
        FasterAmplitudeEstimation,
        IterativeAmplitudeEstimation,
        MaximumLikelihoodAmplitudeEstimation,
    )

    make = {
        "iae": lambda s: IterativeAmplitudeEstimation(0.01, 0.05, sampler=s),
        "mlae": lambda s: MaximumLikelihoodAmplitudeEstimation(2, sampler=s),
        "fae": lambda s: FasterAmplitudeEstimation(0.01, 3, sampler=s),
    }[algorithm]
    problem, truth = _ry_problem()
    ours = make(StructuredSampler(seed=4, default_shots=1000)).estimate(problem).estimation
    theirs = make(StatevectorSampler(seed=4, default_shots=1000)).estimate(problem).estimation
    # both within sampling error of the truth (the algorithms target 0.01; 0.03 is > 4 sigma here) and of each other
    assert abs(ours - truth) < 0.03 and abs(theirs - truth) < 0.03 and abs(ours - theirs) < 0.04


#: One tail of the normal law beyond 5 sigma.
FIVE_SIGMA_TAIL = 2.9e-7


@settings(max_examples=4, deadline=None)
@given(st.integers(0, 2**32 - 1))
@example(4_000_000)  # a rare outcome (p = 4.6e-6) drawn once: within 5 sigma as a binomial tail
def test_rotation_circuit_counts_match_aer_sampler_statistics(seed):
    """Counts of a random ry/cry/rz/ch/cp circuit from both samplers are within 5 sigma of the exact law.

    5 sigma as a binomial tail (each side below 2.9e-7, the normal law's 5-sigma tail): the normal bound alone
    refused a single count of an outcome of probability 4.6e-6 in 2,000 shots, which happens about once in 110.
    """
    rng = np.random.default_rng(seed)
    qc = QuantumCircuit(3, 3)
    for _ in range(6):
        a, b = (int(v) for v in rng.permutation(3)[:2])
        kind = str(rng.choice(["ry", "cry", "rz", "ch", "cp", "cx", "h"]))
        angle = float(rng.uniform(0, 2 * math.pi))
        {"ry": lambda: qc.ry(angle, a), "cry": lambda: qc.cry(angle, a, b), "rz": lambda: qc.rz(angle, a),
         "ch": lambda: qc.ch(a, b), "cp": lambda: qc.cp(angle, a, b), "cx": lambda: qc.cx(a, b), "h": lambda: qc.h(a)}[kind]()
    qc.h(0)
    qc.measure(range(3), range(3))
    exact = exact_probabilities(qc)
    assert_same_distribution(exact, aer_probabilities(qc), atol=1e-10)
    shots = 2000
    ours = StructuredSampler(seed=1, default_shots=shots).run([qc]).result()[0].data.c.get_counts()
    theirs = AerSamplerV2(seed=1, default_shots=shots, options=AER_ONE_THREAD).run([transpile(qc, _AER)]).result()[0].data.c.get_counts()
    for counts in (ours, theirs):
        assert set(counts) <= set(exact)
        for key, p in exact.items():
            count = counts.get(key, 0)
            assert binom.sf(count - 1, shots, p) > FIVE_SIGMA_TAIL and binom.cdf(count, shots, p) > FIVE_SIGMA_TAIL, (key, count, p)
