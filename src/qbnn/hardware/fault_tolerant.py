"""Fault-tolerant cost of quantum training: logical counts, then a surface-code estimate.

Logical counts. Every gate of the QBNN circuits is H, X, Z, CX, CZ or a
multi-controlled X/Z (any control states). We count a multi-controlled X with
c >= 2 controls the way Qualtran's ``MultiControlX`` does: a ladder of c - 1
temporary logical-ANDs into c - 1 *clean* ancillas (released at once), a CNOT
into the target, and the measurement-based uncomputation of the ladder
(Gidney 2018, "Halving the cost of quantum addition", arXiv:1709.06648,
fig. 3). Each AND costs one Toffoli-class gate (4 T gates, Jones 2013,
arXiv:1212.5069); its uncomputation and every other gate are Clifford. So

    MCX(c): c - 1 Toffolis, 4(c - 1) T gates, c - 1 clean ancillas (c >= 2),

an MCZ on c + 1 qubits is an MCX(c) between two H gates, and open controls
add only X gates. The logical qubits are the circuit's plus the largest
ladder any one gate needs (ancillas are reused gate after gate).

Surface-code model (Gidney & Fowler 2019, "Efficient magic state factories
with a catalyzed |CCZ> -> 2|T> transformation", arXiv:1812.01238; the model
Qualtran implements in ``qualtran.surface_code`` and our tests compare with):
logical error per tile per code cycle 0.1 (p / 0.01)^((d+1)/2); one CCZ
factory with level-1/level-2 distances d1/d2 (fixed, or the least qubits x
time on Qualtran's grid of them), 6 * 64 d1^2 + 64 d2^2 physical qubits, 5.5 max(2 d1 + 1, d2) cycles per CCZ state and error
1000 P_L(d2) + 28 e1^2 per state; the algorithm's qubits sit in
ceil(1.5 n) tiles of 2 d^2 physical qubits (50% routing overhead), with the
data distance d the smallest that keeps tiles x cycles x P_L(d) within what
the factory leaves of the error budget. The run is factory-limited: one
Toffoli per factory period.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace

from qiskit import QuantumCircuit
from qiskit.circuit import ControlledGate

from qbnn.errors import QbnnError

__all__ = [
    "MCX_DECOMPOSITION",
    "mcx_toffolis",
    "mcx_ancillas",
    "LogicalCounts",
    "logical_counts",
    "search_iterations",
    "CCZFactory",
    "factory_grid",
    "ModelLimitError",
    "SurfaceCodeModel",
    "PhysicalEstimate",
    "FaultTolerantEstimate",
    "fault_tolerant_estimate",
]

MCX_DECOMPOSITION = (
    "MCX with c >= 2 controls = c - 1 temporary logical-ANDs into c - 1 clean ancillas, a CNOT, and a "
    "measurement-based uncompute (Gidney 2018, arXiv:1709.06648; Qualtran's MultiControlX): c - 1 Toffolis, "
    "4 T per Toffoli (Jones 2013, arXiv:1212.5069); MCZ = H MCX H; X, Z, H, CX, CZ and open controls are Clifford"
)
T_PER_TOFFOLI = 4
_CLIFFORD = frozenset({"h", "x", "z", "cx", "cz", "id", "barrier"})


def mcx_toffolis(num_controls: int) -> int:
    """Toffolis of a multi-controlled X (or Z on ``num_controls`` + 1 qubits): c - 1 for c >= 2, else 0."""
    return max(0, int(num_controls) - 1)


def mcx_ancillas(num_controls: int) -> int:
    """Clean ancillas the AND ladder of a c-controlled X borrows for the duration of the gate."""
    return max(0, int(num_controls) - 1)


@dataclass(frozen=True)
class LogicalCounts:
    """Logical qubits (circuit + ladder ancillas), Toffolis and T gates of one circuit."""

    circuit_qubits: int
    logical_qubits: int
    toffoli_count: int
    t_count: int
    multi_controlled_gates: int

    def to_json(self) -> dict:
        return asdict(self)


def logical_counts(circuit: QuantumCircuit) -> LogicalCounts:
    """Count ``circuit`` under :data:`MCX_DECOMPOSITION`; refuse gates outside H/X/Z/CX/CZ/MCX/MCZ."""
    toffolis = 0
    ancillas = 0
    multi = 0
    for index, instruction in enumerate(circuit.data):
        op = instruction.operation
        if isinstance(op, ControlledGate) and op.base_gate.name in ("x", "z"):
            controls = op.num_ctrl_qubits
            toffolis += mcx_toffolis(controls)
            ancillas = max(ancillas, mcx_ancillas(controls))
            multi += controls >= 2
        elif op.name not in _CLIFFORD:
            raise QbnnError(
                f"gate {op.name!r} at position {index} is outside the counted set (H, X, Z, CX, CZ, multi-controlled X/Z)"
            )
    return LogicalCounts(circuit.num_qubits, circuit.num_qubits + ancillas, toffolis, T_PER_TOFFOLI * toffolis, multi)


def iterate_logical_counts(oracle: QuantumCircuit, u: QuantumCircuit, zero_reflection: QuantumCircuit) -> LogicalCounts:
    """:func:`logical_counts` of Q = S_chi, U^-1, S_0, U from its parts, without composing Q in Qiskit.

    Every counted gate is its own inverse's equal in cost (X/Z-type, H), so Q's Toffolis are S_chi's + twice
    U's + S_0's, its ladder ancillas the largest of the parts'.
    """
    parts = [logical_counts(oracle), logical_counts(u), logical_counts(zero_reflection)]
    weights = (1, 2, 1)
    toffolis = sum(w * c.toffoli_count for w, c in zip(weights, parts))
    return LogicalCounts(
        u.num_qubits,
        max(c.logical_qubits for c in parts),
        toffolis,
        T_PER_TOFFOLI * toffolis,
        sum(w * c.multi_controlled_gates for w, c in zip(weights, parts)),
    )


def search_iterations(num_parameters: int, num_solutions: int | None = None) -> int:
    """Grover iterations of one search: round(pi/(4 theta) - 1/2), sin^2 theta = M/2^p; M unknown: floor(pi/4 sqrt(2^p)).

    >>> search_iterations(8, 8), search_iterations(8)
    (4, 12)
    """
    size = 2.0 ** int(num_parameters)
    if num_solutions is None:
        return math.floor(math.pi / 4 * math.sqrt(size))
    if num_solutions <= 0:
        return 0
    from qbnn.engines.amplitude import optimal_iterations

    if num_parameters <= 62:
        return optimal_iterations(int(num_solutions), 2 ** int(num_parameters))
    theta = math.asin(math.sqrt(num_solutions / size))
    return max(0, round(math.pi / (4 * theta) - 0.5))


class ModelLimitError(QbnnError, ValueError):
    """A computation too long for the surface-code model's factories at the given error budget."""


@dataclass(frozen=True)
class PhysicalEstimate:
    """Code distance, physical qubits and wall-clock time of a computation under :class:`SurfaceCodeModel`."""

    code_distance: int
    factory_distances: tuple[int, int]
    physical_qubits: int
    data_qubits: int
    factory_qubits: int
    code_cycles: int
    wall_time_s: float
    failure_probability: float
    factory_error: float
    data_error: float

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class CCZFactory:
    """A catalysed |CCZ> factory with level-1/level-2 code distances (Gidney & Fowler 2019; Qualtran's CCZ2TFactory)."""

    l1_distance: int = 15
    l2_distance: int = 31

    @property
    def physical_qubits(self) -> int:
        return 6 * (4 * 8 * 2 * self.l1_distance**2) + 4 * 8 * 2 * self.l2_distance**2

    @property
    def cycles_per_ccz(self) -> float:
        """Code cycles per CCZ state (effective depth 5.5 of the overlapped schedule)."""
        return 5.5 * max(2 * self.l1_distance + 1, self.l2_distance)

    def ccz_error(self, model: SurfaceCodeModel) -> float:
        """Chance that one distilled CCZ state is bad: level-2 topology + 28 e1^2 (e1: level-1 T error)."""
        rate = model.logical_error_rate
        l0 = model.physical_error + 100 * rate(self.l1_distance // 2)
        l1 = 1100 * rate(self.l1_distance) + 35 * l0**3
        return 1000 * rate(self.l2_distance) + 28 * l1**2


def factory_grid() -> tuple[CCZFactory, ...]:
    """Level distances 5..23 and l1 + 2..39 (odd), the grid Qualtran's ``iter_ccz2t_factories`` searches."""
    return tuple(CCZFactory(l1, l2) for l1 in range(5, 25, 2) for l2 in range(l1 + 2, 41, 2))


@dataclass(frozen=True)
class SurfaceCodeModel:
    """Gidney-Fowler (arXiv:1812.01238) surface-code costs: one catalysed CCZ factory, simple data block.

    ``factory=None`` picks, per computation, the factory of :func:`factory_grid`
    with the least space-time volume (physical qubits x time) that fits the
    error budget, as Qualtran's ``get_ccz2t_costs_from_grid_search`` does.
    """

    physical_error: float = 1e-3
    error_budget: float = 0.01
    code_cycle_us: float = 1.0
    routing_overhead: float = 0.5
    factory: CCZFactory | None = None
    error_rate_scaler: float = 0.1
    error_rate_threshold: float = 0.01

    def __post_init__(self) -> None:
        if not 0.0 < self.error_budget < 1.0:
            raise QbnnError("{error_budget} must lie strictly between 0 and 1, e.g. 0.01", error_budget=self.error_budget)
        if not self.code_cycle_us > 0.0:
            raise QbnnError("{code_cycle_us} must be positive (microseconds per surface-code cycle)", code_cycle_us=self.code_cycle_us)
        if not 0.0 < self.physical_error < self.error_rate_threshold:
            raise QbnnError(
                f"{{physical_error}} must lie between 0 and the threshold {self.error_rate_threshold}",
                physical_error=self.physical_error,
            )

    def logical_error_rate(self, distance: int) -> float:
        """Error per tile per code cycle at code distance ``distance``: a (p / p_th)^((d+1)/2)."""
        return self.error_rate_scaler * (self.physical_error / self.error_rate_threshold) ** ((distance + 1) / 2)

    def distance_for(self, error_per_tile_cycle: float) -> int:
        """The smallest odd distance >= 3 whose logical error rate is at most ``error_per_tile_cycle``."""
        r = math.log(error_per_tile_cycle / self.error_rate_scaler) / math.log(self.physical_error / self.error_rate_threshold)
        return max(3, 2 * math.ceil(r) - 1)

    def estimate_with(self, factory: CCZFactory, logical_qubits: int, toffolis: int) -> PhysicalEstimate | None:
        """Costs with this ``factory``, or None when the factory alone exceeds the error budget."""
        cycles = math.ceil(toffolis * factory.cycles_per_ccz)
        factory_error = toffolis * factory.ccz_error(self)
        left = self.error_budget - factory_error
        if left <= 0:
            return None
        tiles = math.ceil((1 + self.routing_overhead) * logical_qubits)
        distance = self.distance_for(left / max(1, tiles * cycles))
        data_qubits = tiles * 2 * distance**2
        data_error = tiles * cycles * self.logical_error_rate(distance)
        return PhysicalEstimate(
            code_distance=distance,
            factory_distances=(factory.l1_distance, factory.l2_distance),
            physical_qubits=data_qubits + factory.physical_qubits,
            data_qubits=data_qubits,
            factory_qubits=factory.physical_qubits,
            code_cycles=cycles,
            wall_time_s=cycles * self.code_cycle_us * 1e-6,
            failure_probability=factory_error + data_error,
            factory_error=factory_error,
            data_error=data_error,
        )

    def estimate(self, logical_qubits: int, toffolis: int) -> PhysicalEstimate:
        """Distance, qubits and time to run ``toffolis`` Toffolis on ``logical_qubits`` within the error budget."""
        factories = (self.factory,) if self.factory is not None else factory_grid()
        options = [e for f in factories if (e := self.estimate_with(f, logical_qubits, toffolis)) is not None]
        if not options:
            raise ModelLimitError(
                f"no two-level CCZ factory distils {toffolis:.3g} Toffolis within {{error_budget}}; "
                "allow a larger budget or a lower physical error rate",
                error_budget=self.error_budget,
            )
        return min(options, key=lambda e: (e.physical_qubits * e.code_cycles, e.code_cycles))

    def assumptions(self) -> list[str]:
        """Every modelling choice, one line each, for printing beside the numbers."""
        factory = (
            f"one catalysed CCZ factory with level distances {self.factory.l1_distance}/{self.factory.l2_distance}"
            if self.factory is not None
            else "one catalysed CCZ factory, level distances chosen from 5..23 / 7..39 for the least qubits x time"
        )
        return [
            f"physical error rate {self.physical_error:g} per operation; surface-code cycle {self.code_cycle_us:g} us",
            f"logical error per tile per cycle {self.error_rate_scaler:g} (p / {self.error_rate_threshold:g})^((d+1)/2) "
            "(Fowler & Gidney 2018, arXiv:1808.06709)",
            f"{factory}: 6 x 64 d1^2 + 64 d2^2 physical qubits, 5.5 max(2 d1 + 1, d2) cycles per Toffoli "
            "(Gidney & Fowler 2019, arXiv:1812.01238, as in Qualtran's CCZ2TFactory)",
            f"data: ceil({1 + self.routing_overhead:g} n) tiles of 2 d^2 physical qubits; d the smallest odd distance "
            f"keeping total failure (factory + data) within the error budget {self.error_budget:g}",
            "Toffolis run one after another at the factory's rate; Clifford gates and classical control take no extra time",
            MCX_DECOMPOSITION,
        ]


@dataclass(frozen=True)
class FaultTolerantEstimate:
    """Logical counts of U and Q, the search's iterations, and its surface-code cost."""

    U: LogicalCounts
    Q: LogicalCounts
    parameters: int
    solutions: int | None
    iterations: int
    total_toffolis: int
    logical_qubits: int
    logical_time_s: float
    physical: PhysicalEstimate
    model: SurfaceCodeModel = field(repr=False)

    def to_json(self) -> dict:
        return {
            "parameters": self.parameters,
            "solutions": self.solutions,
            "logical_qubits": {"U": self.U.logical_qubits, "Q": self.Q.logical_qubits},
            "toffoli_count": {"U": self.U.toffoli_count, "Q": self.Q.toffoli_count},
            "t_count": {"U": self.U.t_count, "Q": self.Q.t_count},
            "iterations": self.iterations,
            "total_toffolis": self.total_toffolis,
            "logical_time_s": self.logical_time_s,
            "code_distance": self.physical.code_distance,
            "factory_distances": list(self.physical.factory_distances),
            "physical_qubits": self.physical.physical_qubits,
            "wall_time_s": self.physical.wall_time_s,
            "failure_probability": self.physical.failure_probability,
            "assumptions": self.assumptions(),
        }

    def assumptions(self) -> list[str]:
        if self.solutions == 0:
            where = (
                f"M = 0 of 2^{self.parameters}: no configuration classifies every point, so no search succeeds; "
                f"costed as a search for one solution, floor(pi/4 sqrt(2^{self.parameters}))"
            )
        elif self.solutions is not None:
            where = f"M = {self.solutions} solutions of 2^{self.parameters} (exact landscape)"
        else:
            where = f"one solution assumed: floor(pi/4 sqrt(2^{self.parameters}))"
        return [
            f"search: U once, then {self.iterations} Grover iterates ({where}); one measurement",
            "logical time: one Toffoli per logical time step of d code cycles (the data block's consumption rate, "
            "Litinski 2019, arXiv:1808.02892); wall-clock: the slower of that and the factory",
            *self.model.assumptions(),
        ]


def fault_tolerant_estimate(
    U: QuantumCircuit,
    Q: QuantumCircuit,
    num_parameters: int,
    num_solutions: int | None = None,
    model: SurfaceCodeModel | None = None,
) -> FaultTolerantEstimate:
    """Cost of one search: U then ``search_iterations`` Grover iterates Q, on a surface-code computer (M = 0: as for M = 1)."""
    model = model or SurfaceCodeModel()
    u, q = logical_counts(U), logical_counts(Q)
    # M = 0 would cost U alone and find nothing: cost the search one solution would need instead (said in assumptions)
    iterations = search_iterations(num_parameters, num_solutions or None)
    total = u.toffoli_count + iterations * q.toffoli_count
    qubits = max(u.logical_qubits, q.logical_qubits)
    physical = model.estimate(qubits, total)
    logical_time = total * physical.code_distance * model.code_cycle_us * 1e-6
    if logical_time > physical.wall_time_s:  # only for d > 170, i.e. never at sane error budgets
        physical = replace(physical, wall_time_s=logical_time)
    return FaultTolerantEstimate(u, q, int(num_parameters), num_solutions, iterations, total, qubits, logical_time, physical, model)

