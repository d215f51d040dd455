"""What the QBNN circuits would take on real hardware.

:mod:`~qbnn.hardware.device` compiles U and Q for IBM's calibrated fake
backends; :mod:`~qbnn.hardware.fault_tolerant` counts Toffolis and costs a
search on a surface-code computer; :mod:`~qbnn.hardware.crossover` finds the
network size from which that computer beats exhaustive search on this CPU.
"""

from qbnn.hardware.crossover import Crossover, CrossoverRow, SizeCost, crossover_rows, crossover_study, first_crossing
from qbnn.hardware.device import DeviceCompilation, compile_for_device, device_resources, known_devices, load_device
from qbnn.hardware.fault_tolerant import (
    MCX_DECOMPOSITION,
    CCZFactory,
    FaultTolerantEstimate,
    LogicalCounts,
    SurfaceCodeModel,
    fault_tolerant_estimate,
    logical_counts,
    mcx_toffolis,
    search_iterations,
)

__all__ = [
    "MCX_DECOMPOSITION",
    "CCZFactory",
    "Crossover",
    "DeviceCompilation",
    "compile_for_device",
    "device_resources",
    "known_devices",
    "load_device",
    "CrossoverRow",
    "FaultTolerantEstimate",
    "LogicalCounts",
    "SizeCost",
    "SurfaceCodeModel",
    "crossover_rows",
    "crossover_study",
    "fault_tolerant_estimate",
    "first_crossing",
    "logical_counts",
    "mcx_toffolis",
    "search_iterations",
]
