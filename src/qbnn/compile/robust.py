"""Circuits over Hamming neighbours: the robust marking oracle, and the single-flip difference of roughness.

**Robust oracle** (``robust_problem``). Most perfect binary-weight solutions are
isolated (Huang & Kabashima 2014); the dense regions generalise better
(Baldassi et al. 2015, 2016). The robust oracle marks configuration w only if
w reaches the threshold tau and so do all its neighbours within Hamming
distance R (or at least ``fraction`` of them). For every neighbour mask m of
weight 0..R in turn, coherently in w: X on the bits of m, the network (U
without its H layer) writes the accuracy register, a counter ``cnt`` counts it
(not needed at tau = all points), the comparator's cubes (``cnt >= tau``) set
the qubit ``self`` (m = 0) or increment the neighbour counter ``ncnt``
(m != 0), and everything but ``self``/``ncnt`` is uncomputed. A phase flip
where self = 1 and ncnt >= need, then the whole computation in reverse. One
oracle call evaluates 4 (L + 1) networks, L = sum_{r=1..R} C(p, r). The state
preparation is H on the parameters alone, so any engine that runs a
TrainingProblem runs :class:`RobustProblem` (``engine.prepare(robust)``,
``qbnn.search.train(robust, ..., engine=...)``).

**Single-flip roughness** (``estimate_flip_roughness``): w and j in
superposition, count correct(w) up and correct(w xor e_j) down, flag "they
differ", amplitude estimation of the flag; checked against the exact value of
:mod:`qbnn.landscape.roughness`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cached_property

import numpy as np
from qiskit import QuantumCircuit, QuantumRegister

from qbnn.compile.counter import add_count, at_least_cubes, counter_bits, phase_at_least
from qbnn.compile.neurons import controlled_x
from qbnn.compile.oracles import zero_reflection
from qbnn.errors import QbnnError
from qbnn.landscape.roughness import (
    ball_masks,
    check_radius,
    needed_neighbours,
    robust_mask,
)

__all__ = [
    "network_without_superposition",
    "robust_oracle",
    "RobustProblem",
    "robust_problem",
    "robust_resources",
    "flip_roughness_circuit",
]


def network_without_superposition(problem):
    """(U without its H layer, parameter qubits, accuracy qubits) of ``problem`` at the all-points target."""
    base = problem.variant(min_correct=problem.data.num_points, exclude=(), batch_size=None)
    qbnn = base.qbnn
    params = set(qbnn.parameter_qubits)
    u = qbnn.circuit.copy_empty_like(name="U_noH")
    for instruction in qbnn.circuit.data:
        qubits = [qbnn.circuit.find_bit(q).index for q in instruction.qubits]
        if instruction.operation.name == "h" and all(q in params for q in qubits):
            continue
        u.append(instruction)
    return u, list(qbnn.parameter_qubits), list(qbnn.accuracy_qubits), qbnn


def _state(values) -> str | None:
    """Qiskit ctrl_state for controls with required ``values`` (first control last); None if all 1."""
    values = [int(v) for v in values]
    return None if all(values) else "".join(str(v) for v in reversed(values))


def _increment_if(circuit: QuantumCircuit, controls, values, register) -> None:
    """register += 1 where every control equals its value (flip bit j when the bits below it are all 1)."""
    for j in reversed(range(len(register))):
        controlled_x(circuit, [*controls, *register[:j]], register[j], ctrl_state=_state([*values, *[1] * j]))


def robust_oracle(problem, radius: int, fraction: float | None = None):
    """(S_robust, preparation, parameter qubits): see the module docstring. ``problem`` is a TrainingProblem."""
    if problem.batch_size is not None or problem.exclude:
        raise QbnnError("the robust oracle takes no {batch_size} and no {exclude}", batch_size=..., exclude=...)
    u, params, acc, _ = network_without_superposition(problem)
    p = len(params)
    radius, fraction = check_radius(radius, p, fraction)
    points, tau = problem.data.num_points, problem.target
    masks = ball_masks(p, radius)
    need = needed_neighbours(p, radius, fraction)
    template = u.copy_empty_like(name="robust")
    cnt = QuantumRegister(counter_bits(points), "cnt") if tau < points else None
    ncnt = QuantumRegister(counter_bits(max(1, len(masks))), "ncnt")
    me = QuantumRegister(1, "self")
    for register in (cnt, ncnt, me):
        if register is not None:
            template.add_register(register)
    accq = [template.qubits[q] for q in acc]
    if cnt is None:  # tau = all points: one cube, every accuracy qubit |1>
        cubes = [(accq, [1] * len(accq))]
    else:
        cubes = [([cnt[i] for i in cube], list(cube.values())) for cube in at_least_cubes(tau, len(cnt))]
    compute = template.copy_empty_like(name="robust_count")
    for m in [0, *masks]:
        flipped = [template.qubits[params[b]] for b in range(p) if (m >> b) & 1]
        if flipped:
            compute.x(flipped)
        compute.compose(u, range(u.num_qubits), inplace=True)
        if cnt is not None:
            add_count(compute, accq, list(cnt))
        for qubits, values in cubes:
            if m == 0:
                controlled_x(compute, qubits, me[0], ctrl_state=_state(values) if qubits else None)
            else:
                _increment_if(compute, qubits, values, list(ncnt))
        if cnt is not None:
            add_count(compute, accq, list(cnt), subtract=True)
        compute.compose(u.inverse(), range(u.num_qubits), inplace=True)
        if flipped:
            compute.x(flipped)
    oracle = template.copy_empty_like(name="S_robust")
    oracle.compose(compute, inplace=True)
    phase_at_least(oracle, list(ncnt), need, [me[0]], [1])
    oracle.compose(compute.inverse(), inplace=True)
    preparation = template.copy_empty_like(name="H_params")
    preparation.h([template.qubits[q] for q in params])
    return oracle, preparation, params


class RobustProblem:
    """A TrainingProblem whose marked set is its robust configurations; engines and ``train`` run it as is.

    Every field of the wrapped problem is read through (network, data, target, landscape, correct_count...);
    the marked set, the oracle, the state preparation and the iterates are the robust ones.
    """

    def __init__(self, base, radius: int, fraction: float | None = None) -> None:
        if isinstance(base, RobustProblem):
            base = base.base
        radius, fraction = check_radius(radius, base.num_parameters, fraction)
        self.base, self.radius, self.fraction = base, radius, fraction

    def __getattr__(self, name):  # only called for what this class does not define
        if name == "base":
            raise AttributeError(name)
        return getattr(self.base, name)

    def __repr__(self) -> str:
        return f"RobustProblem({self.base!r}, radius={self.radius}, fraction={self.fraction})"

    @property
    def batch_size(self):
        return None

    @property
    def minibatch(self):
        return None

    @property
    def uses_paper_oracle(self) -> bool:
        return False

    @cached_property
    def _parts(self):
        return robust_oracle(self.base, self.radius, self.fraction)

    @property
    def oracle(self) -> QuantumCircuit:
        return self._parts[0]

    @property
    def state_preparation(self) -> QuantumCircuit:
        return self._parts[1]

    @property
    def parameter_qubits(self) -> list[int]:
        return list(self._parts[2])

    @property
    def num_qubits(self) -> int:
        return self.state_preparation.num_qubits

    @property
    def iterate_parts(self):
        preparation = self.state_preparation
        return self.oracle, preparation, zero_reflection(preparation)

    @cached_property
    def grover_iterate(self) -> QuantumCircuit:
        from qiskit.circuit.library import grover_operator

        oracle, preparation, reflection = self.iterate_parts
        return grover_operator(oracle, state_preparation=preparation, zero_reflection=reflection, name="Q_robust")

    @property
    def iterates(self) -> list[QuantumCircuit]:
        return [self.grover_iterate]

    @cached_property
    def good_mask(self) -> np.ndarray:
        mask = robust_mask(self.base.landscape.good_mask(self.base.target), self.radius, self.fraction)
        mask.setflags(write=False)
        return mask

    @property
    def num_solutions(self) -> int:
        return int(np.count_nonzero(self.good_mask))

    def is_good(self, index: int) -> bool:
        return bool(self.good_mask[int(index)])

    def with_target(self, min_correct: int) -> RobustProblem:
        return RobustProblem(self.base.with_target(min_correct), self.radius, self.fraction)

    def variant(self, **changes) -> RobustProblem:
        return RobustProblem(self.base.variant(**changes), self.radius, self.fraction)

    def full_batch(self) -> RobustProblem:
        return self

    def minibatch_saving(self):
        return None


def robust_problem(problem, radius: int, fraction: float | None = None) -> RobustProblem:
    """``problem`` with the robust oracle of radius ``radius`` (all neighbours, or at least ``fraction`` of them).

    >>> from qbnn.problem import TrainingProblem
    >>> robust = robust_problem(TrainingProblem.paper(1, min_correct=7), radius=1)
    >>> robust.num_solutions <= robust.base.num_solutions
    True
    """
    return RobustProblem(problem, radius, fraction)


def robust_resources(problem, radius: int, fraction: float | None = None) -> dict:
    """Qubits, gates and network evaluations of the robust oracle (for ``qbnn resources --robust R``)."""
    robust = RobustProblem(problem, radius, fraction)
    oracle = robust.oracle
    neighbours = len(ball_masks(robust.num_parameters, robust.radius))
    return {
        "radius": robust.radius,
        "robust_fraction": robust.fraction,
        "neighbours": neighbours,
        "needed_neighbours": needed_neighbours(robust.num_parameters, robust.radius, robust.fraction),
        "qubits": oracle.num_qubits,
        "oracle_gates": int(sum(oracle.count_ops().values())),
        "oracle_gate_counts": {str(k): int(v) for k, v in oracle.count_ops().items()},
        "network_evaluations_per_oracle_call": 4 * (neighbours + 1),
    }


# --------------------------------------------------------------------------- single-flip roughness from a circuit


def flip_roughness_circuit(problem):
    """(A, flag qubit, index bits b): A sets the flag iff correct(w) != correct(w xor e_j), w and j uniform.

    Qubits: U's (parameters first), then ``j`` (b bits), ``diff`` (counter bits of the points) and ``flag``.
    Values j >= p flip nothing, so P(flag) = (p / 2^b) * change_fraction.
    """
    u, params, acc, _ = network_without_superposition(problem)
    p = len(params)
    if p < 1:
        raise QbnnError("the roughness circuit needs at least one parameter in superposition; check {free}", free=...)
    b = max(1, (p - 1).bit_length())
    a = u.copy_empty_like(name="A_flip")
    j = QuantumRegister(b, "j")
    diff = QuantumRegister(counter_bits(problem.data.num_points), "diff")
    flag = QuantumRegister(1, "flag")
    for register in (j, diff, flag):
        a.add_register(register)
    a.h([a.qubits[q] for q in params])
    a.h(j)
    accq = [a.qubits[q] for q in acc]
    a.compose(u, range(u.num_qubits), inplace=True)
    add_count(a, accq, list(diff))
    a.compose(u.inverse(), range(u.num_qubits), inplace=True)

    def flip() -> None:
        for v in range(p):
            controlled_x(a, list(j), a.qubits[params[v]], ctrl_state="".join(str((v >> i) & 1) for i in reversed(range(b))))

    flip()
    a.compose(u, range(u.num_qubits), inplace=True)
    add_count(a, accq, list(diff), subtract=True)
    a.compose(u.inverse(), range(u.num_qubits), inplace=True)
    flip()
    # flag = [diff != 0]: |difference| <= points < 2^bits, so it is 0 mod 2^bits only when it is 0
    a.x(flag[0])
    controlled_x(a, list(diff), flag[0], ctrl_state="0" * len(diff))
    return a, a.find_bit(flag[0]).index, b
