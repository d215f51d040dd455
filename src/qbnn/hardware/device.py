"""U and Q compiled for a real device: IBM's calibrated fake backends, offline.

``qiskit-ibm-runtime`` ships snapshots of its devices (coupling map, basis
gates, per-gate error rates) as "fake" backends that need no network. We
transpile to one at optimisation level 3 with a fixed seed and report what a
run would cost there: two-qubit gates, depth, and the product of (1 - reported
error) over every gate as an estimate of the chance that no gate fails (no
readout, idling or crosstalk errors; an optimistic bound).
"""

from __future__ import annotations

import inspect
import math
import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from qiskit import QuantumCircuit, transpile

from qbnn.errors import EngineUnavailableError, QbnnError, ResourceLimitError

if TYPE_CHECKING:
    from qiskit.providers import BackendV2

    from qbnn.problem import TrainingProblem

__all__ = [
    "DeviceError",
    "DeviceCompilation",
    "known_devices",
    "load_device",
    "compile_for_device",
    "device_resources",
    "estimated_success",
    "log10_estimated_success",
    "active_subcircuit",
    "OPTIMIZATION_LEVEL",
]

OPTIMIZATION_LEVEL = 3
_SKIP = frozenset({"barrier", "delay", "measure", "reset"})


class DeviceError(QbnnError, ValueError):
    """A device name that qiskit-ibm-runtime does not ship."""


def _fake_provider():
    try:
        from qiskit_ibm_runtime import fake_provider
    except ImportError:  # pragma: no cover - depends on the install
        raise EngineUnavailableError(
            "device compilation needs qiskit-ibm-runtime; install it with: pip install 'qbnn[hardware]'"
        ) from None
    return fake_provider


def _device_name(class_name: str) -> str:
    """'FakeSherbrooke' -> 'fake_sherbrooke', 'FakeManilaV2' -> 'fake_manila' (the backends' own names)."""
    stem = re.sub(r"(V2|Backend)$", "", class_name[len("Fake"):])
    return "fake_" + re.sub(r"(?<!^)(?=[A-Z])", "_", stem).lower()


@lru_cache(maxsize=1)
def _device_classes() -> dict[str, type]:
    from qiskit.providers import BackendV2

    provider = _fake_provider()
    classes = {}
    for name, cls in vars(provider).items():
        if inspect.isclass(cls) and name.startswith("Fake") and issubclass(cls, BackendV2):
            classes[_device_name(name)] = cls
    return classes


def known_devices() -> tuple[str, ...]:
    """Names of every fake backend qiskit-ibm-runtime ships (``fake_sherbrooke``, ``fake_torino``, ...)."""
    return tuple(sorted(_device_classes()))


@lru_cache(maxsize=8)
def load_device(device: str) -> BackendV2:
    """The calibrated fake backend called ``device``; an unknown name lists the known ones."""
    classes = _device_classes()
    if device not in classes:
        raise DeviceError(
            "{device} is not a device qiskit-ibm-runtime ships; known: " + ", ".join(sorted(classes)), device=device
        )
    with warnings.catch_warnings():  # some snapshots warn that their error values are not typical
        warnings.simplefilter("ignore", UserWarning)
        return classes[device]()


def estimated_success(circuit: QuantumCircuit, backend: BackendV2) -> float:
    """Product of (1 - reported error) over the gates of a transpiled ``circuit`` on ``backend``."""
    return 10.0 ** log10_estimated_success(circuit, backend)


def log10_estimated_success(circuit: QuantumCircuit, backend: BackendV2) -> float:
    """log10 of :func:`estimated_success`, which underflows to 0 for deep circuits (Q has ~10^5 gates).

    Gates without a reported error (e.g. the virtual RZ) count as perfect; a gate
    reported as always failing (error 1) gives -inf.
    """
    target = backend.target
    total = 0.0
    for instruction in circuit.data:
        name = instruction.operation.name
        if name in _SKIP:
            continue
        qargs = tuple(circuit.find_bit(q).index for q in instruction.qubits)
        properties = target[name].get(qargs) if name in target else None
        error = getattr(properties, "error", None)
        if error:
            if float(error) >= 1.0:  # a calibration marks this gate as always failing (a broken qubit or coupler)
                return -math.inf
            total += math.log10(1.0 - float(error))
    return total


@dataclass(frozen=True)
class DeviceCompilation:
    """One circuit transpiled for one device, and what it costs there."""

    device: str
    device_qubits: int
    qubits: int
    two_qubit_gates: int
    depth: int
    gates: dict[str, int]
    estimated_success: float
    log10_estimated_success: float
    seed: int
    circuit: QuantumCircuit = field(repr=False, compare=False)

    def physical_input(self, virtual: int) -> int:
        """The device qubit that carries virtual qubit ``virtual`` at the start."""
        return self.circuit.layout.initial_index_layout()[virtual]

    def physical_output(self, virtual: int) -> int:
        """The device qubit that carries virtual qubit ``virtual`` at the end (after routing swaps)."""
        return self.circuit.layout.final_index_layout()[virtual]

    def to_json(self) -> dict:
        return {
            "device": self.device,
            "device_qubits": self.device_qubits,
            "qubits": self.qubits,
            "two_qubit_gates": self.two_qubit_gates,
            "depth": self.depth,
            "gates": self.gates,
            "estimated_success": self.estimated_success,
            "log10_estimated_success": self.log10_estimated_success if math.isfinite(self.log10_estimated_success) else None,
            "seed": self.seed,
        }


def compile_for_device(circuit: QuantumCircuit, device: str, *, seed: int = 2019, label: str = "the circuit") -> DeviceCompilation:
    """Transpile ``circuit`` for ``device`` (optimisation level 3, ``seed``); refuse one larger than the device."""
    backend = load_device(device)
    if circuit.num_qubits > backend.num_qubits:
        raise ResourceLimitError(
            f"{label} needs {circuit.num_qubits} qubits but {{device}} has {backend.num_qubits}; "
            "choose a larger device or a smaller network",
            device=device,
        )
    low = transpile(circuit, backend, optimization_level=OPTIMIZATION_LEVEL, seed_transpiler=seed)
    gates = {name: int(n) for name, n in sorted(low.count_ops().items())}
    two_qubit = sum(1 for ins in low.data if len(ins.qubits) == 2 and ins.operation.name not in _SKIP)
    return DeviceCompilation(
        device=device,
        device_qubits=backend.num_qubits,
        qubits=circuit.num_qubits,
        two_qubit_gates=two_qubit,
        depth=low.depth(),
        gates=gates,
        estimated_success=10.0 ** (log_success := log10_estimated_success(low, backend)),
        log10_estimated_success=log_success,
        seed=seed,
        circuit=low,
    )


def device_resources(problem: TrainingProblem, device: str, *, seed: int = 2019) -> dict[str, DeviceCompilation]:
    """U and one Grover iterate Q of ``problem`` compiled for ``device``."""
    return {
        "U": compile_for_device(problem.qbnn.circuit, device, seed=seed, label="U"),
        "Q": compile_for_device(problem.grover_iterate, device, seed=seed, label="Q"),
    }


def active_subcircuit(circuit: QuantumCircuit) -> tuple[QuantumCircuit, dict[int, int]]:
    """``circuit`` without its idle wires, and the map device qubit -> wire of the smaller circuit.

    A transpiled circuit spans the whole device (127 qubits) but touches only a
    few; dropping the rest makes it simulable (e.g. by Aer's matrix product states).
    """
    used = sorted({circuit.find_bit(q).index for ins in circuit.data for q in ins.qubits})
    wire = {q: i for i, q in enumerate(used)}
    small = QuantumCircuit(len(used), circuit.num_clbits)
    for ins in circuit.data:
        small.append(
            ins.operation, [wire[circuit.find_bit(q).index] for q in ins.qubits], [circuit.find_bit(c).index for c in ins.clbits]
        )
    return small, wire
