"""Toffoli/T counts against hand counts and Qualtran; the surface-code model against hand values and Qualtran."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from qiskit import QuantumCircuit
from qiskit.circuit.library import MCXGate, ZGate

from qbnn.errors import QbnnError
from qbnn.hardware.fault_tolerant import (
    CCZFactory,
    ModelLimitError,
    SurfaceCodeModel,
    fault_tolerant_estimate,
    logical_counts,
    mcx_toffolis,
    search_iterations,
)
from qbnn.problem import TrainingProblem
from qbnn.hardware.resources import gate_profile


def _qualtran_mcx(controls: int):
    """Qualtran's own count of its MultiControlX: (Toffoli-class gates, T count, qubits)."""
    from qualtran.bloqs.mcmt import MultiControlX
    from qualtran.resource_counting import QECGatesCost, QubitCount, get_cost_value

    bloq = MultiControlX(cvs=(1,) * controls)
    gates = get_cost_value(bloq, QECGatesCost())
    return gates.total_toffoli_only(), gates.total_t_count(), int(get_cost_value(bloq, QubitCount()))


def test_hand_count_of_a_small_circuit():
    circuit = QuantumCircuit(7)
    circuit.x(0)  # Clifford
    circuit.cx(0, 1)  # Clifford
    circuit.cz(1, 2)  # Clifford
    circuit.ccx(0, 1, 2)  # 1 Toffoli, 1 ancilla
    circuit.append(MCXGate(3), [0, 1, 2, 3])  # 2 Toffolis, 2 ancillas
    circuit.append(MCXGate(5, ctrl_state="01010"), [0, 1, 2, 3, 4, 5])  # 4 Toffolis (open controls: X gates), 4 ancillas
    circuit.ccz(0, 1, 2)  # MCZ on 3 qubits = H MCX(2) H: 1 Toffoli
    circuit.append(ZGate().control(4), [0, 1, 2, 3, 4])  # MCX(4) between H: 3 Toffolis
    counts = logical_counts(circuit)
    assert counts.toffoli_count == 1 + 2 + 4 + 1 + 3
    assert counts.t_count == 4 * 11
    assert counts.logical_qubits == 7 + 4 and counts.circuit_qubits == 7
    assert counts.multi_controlled_gates == 5


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=0, max_value=40))
def test_one_mcx_scales_linearly_in_its_controls(controls):
    circuit = QuantumCircuit(controls + 1)
    circuit.append(MCXGate(controls) if controls else ZGate(), range(controls + 1))
    counts = logical_counts(circuit)
    expected = max(0, controls - 1)
    assert counts.toffoli_count == expected == mcx_toffolis(controls)
    assert counts.t_count == 4 * expected
    assert counts.logical_qubits == controls + 1 + expected


@pytest.mark.parametrize("controls", [2, 3, 4, 7])
def test_mcx_count_matches_qualtrans_multicontrolx(controls):
    circuit = QuantumCircuit(controls + 1)
    circuit.append(MCXGate(controls), range(controls + 1))
    counts = logical_counts(circuit)
    toffolis, t_count, qubits = _qualtran_mcx(controls)
    assert (counts.toffoli_count, counts.t_count, counts.logical_qubits) == (toffolis, t_count, qubits)


def test_grover_iterate_of_problem_1_agrees_with_qualtran_gate_by_gate():
    """Independent path: qbnn's gate profile of Q times Qualtran's cost of each MCX kind."""
    problem = TrainingProblem.paper(1)
    Q = problem.grover_iterate
    profile = gate_profile(Q)
    qualtran_total = sum(n * _qualtran_mcx(c)[0] for (name, c), n in profile.items() if name in ("x", "z") and c >= 2)
    assert logical_counts(Q).toffoli_count == qualtran_total > 0
    assert logical_counts(Q).logical_qubits == Q.num_qubits + (Q.num_qubits - 2)  # S_0: Z on all n qubits


def test_search_iterations_by_hand():
    assert search_iterations(8, 8) == 4 and search_iterations(8, 4) == 6  # the paper's problems (docs/concepts/conventions.md)
    assert search_iterations(8) == math.floor(math.pi / 4 * 16) == 12
    assert search_iterations(100) == math.floor(math.pi / 4 * 2**50)
    assert search_iterations(70, 1) == round(math.pi / (4 * math.asin(2**-35)) - 0.5)


def test_distance_and_factory_error_by_hand():
    model = SurfaceCodeModel()
    assert model.logical_error_rate(17) == pytest.approx(0.1 * 0.1**9)
    assert model.distance_for(1e-10) == 17 and model.distance_for(0.99e-10) == 19 and model.distance_for(0.5) == 3
    # P_L(7) = 1e-5, P_L(15) = 1e-9, P_L(31) = 1e-17 at p = 1e-3
    l0 = 1e-3 + 100 * 1e-5
    l1 = 1100 * 1e-9 + 35 * l0**3
    assert CCZFactory(15, 31).ccz_error(model) == pytest.approx(1000 * 1e-17 + 28 * l1**2, rel=1e-9)
    assert CCZFactory(15, 31).physical_qubits == 6 * 64 * 225 + 64 * 961
    assert CCZFactory(15, 31).cycles_per_ccz == 5.5 * 31


@pytest.mark.parametrize(("qubits", "toffolis", "budget", "cycle_us"), [(26, 2488, 0.01, 1.0), (60, 10**7, 0.001, 2.5)])
def test_fixed_factory_matches_qualtrans_gidney_fowler_estimate(qubits, toffolis, budget, cycle_us):
    from qualtran.resource_counting import GateCounts
    from qualtran.surface_code import CCZ2TFactory
    from qualtran.surface_code.gidney_fowler_model import get_ccz2t_costs_from_error_budget

    model = SurfaceCodeModel(error_budget=budget, code_cycle_us=cycle_us, factory=CCZFactory(15, 31))
    ours = model.estimate(qubits, toffolis)
    theirs = get_ccz2t_costs_from_error_budget(
        n_logical_gates=GateCounts(toffoli=toffolis),
        n_algo_qubits=qubits,
        phys_err=1e-3,
        error_budget=budget,
        cycle_time_us=cycle_us,
        factory=CCZ2TFactory(15, 31),
    )
    assert ours.physical_qubits == theirs.footprint
    assert ours.wall_time_s == pytest.approx(theirs.duration_hr * 3600, rel=1e-12)
    assert ours.failure_probability == pytest.approx(theirs.failure_prob, rel=1e-9)
    assert ours.failure_probability <= budget


def test_grid_choice_is_costed_as_qualtran_costs_that_factory_and_distance():
    from qualtran.resource_counting import GateCounts
    from qualtran.surface_code import CCZ2TFactory, SimpleDataBlock
    from qualtran.surface_code.gidney_fowler_model import get_ccz2t_costs

    ours = SurfaceCodeModel().estimate(46, 10**9)
    d1, d2 = ours.factory_distances
    theirs = get_ccz2t_costs(
        n_logical_gates=GateCounts(toffoli=10**9),
        n_algo_qubits=46,
        phys_err=1e-3,
        cycle_time_us=1.0,
        factory=CCZ2TFactory(d1, d2),
        data_block=SimpleDataBlock(data_d=ours.code_distance),
    )
    assert (ours.physical_qubits, ours.failure_probability) == (theirs.footprint, pytest.approx(theirs.failure_prob))
    assert ours.failure_probability <= 0.01
    # the default factory (15/31) cannot distil 10^9 Toffolis within 1%: the grid had to go further
    with pytest.raises(ModelLimitError, match="error_budget=0.01"):
        SurfaceCodeModel(factory=CCZFactory(15, 31)).estimate(46, 10**9)


def test_whole_search_of_problem_1_adds_up():
    problem = TrainingProblem.paper(1)
    U, Q = problem.qbnn.circuit, problem.grover_iterate
    estimate = fault_tolerant_estimate(U, Q, 8, problem.num_solutions)
    assert estimate.iterations == 4
    assert estimate.total_toffolis == logical_counts(U).toffoli_count + 4 * logical_counts(Q).toffoli_count
    assert estimate.logical_time_s == pytest.approx(estimate.total_toffolis * estimate.physical.code_distance * 1e-6)
    payload = estimate.to_json()
    for key in ("logical_qubits", "toffoli_count", "t_count"):
        assert set(payload[key]) == {"U", "Q"}
    for key in ("iterations", "logical_time_s", "physical_qubits", "wall_time_s", "assumptions"):
        assert key in payload


def test_bad_model_settings_name_the_parameter():
    with pytest.raises(QbnnError, match="error_budget=1.5") as info:
        SurfaceCodeModel(error_budget=1.5)
    assert info.value.render({}).startswith("--error-budget 1.5")
    with pytest.raises(QbnnError, match="code_cycle_us=0"):
        SurfaceCodeModel(code_cycle_us=0)
    with pytest.raises(ModelLimitError):
        SurfaceCodeModel().estimate(10, 10**16)


def test_no_solution_is_costed_as_a_search_for_one_and_says_so():
    """3-bit parity on [3,2,1] has no 100% configuration: not 'U alone', but the one-solution search, stated."""
    import itertools

    import numpy as np

    from qbnn.model.data import Dataset
    from qbnn.model.network import Network

    X = np.array(list(itertools.product((-1, 1), repeat=3)))
    problem = TrainingProblem(Network((3, 2, 1)), Dataset(X, X.prod(axis=1)))
    assert problem.num_solutions == 0
    U, Q = problem.qbnn.circuit, problem.grover_iterate
    estimate = fault_tolerant_estimate(U, Q, 8, 0)
    assert estimate.iterations == search_iterations(8) == 12 and estimate.solutions == 0
    assert estimate.total_toffolis == logical_counts(U).toffoli_count + 12 * logical_counts(Q).toffoli_count
    assert "M = 0 of 2^8: no configuration classifies every point" in estimate.assumptions()[0]


@pytest.mark.parametrize("kind", ["paper_1", "paper_2_meta", "threshold_exclude", "counter", "multibit", "folded"])
def test_iterate_counts_from_parts_equal_the_counts_of_qiskits_iterate(kind):
    """What the crossover study counts without composing Q equals the count of the composed Q."""
    from qbnn.hardware.fault_tolerant import iterate_logical_counts, logical_counts
    from qbnn.testing import problem_kind

    problem = problem_kind(kind)
    assert iterate_logical_counts(*problem.iterate_parts) == logical_counts(problem.grover_iterate)
