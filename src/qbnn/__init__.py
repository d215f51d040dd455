"""qbnn: train and meta-train binary neural networks by quantum amplitude amplification.

Reproduces and extends Fawaz et al., *Training and Meta-Training Binary Neural
Networks with Quantum Computing* (KDD 2019), simulating the circuits exactly
with a structured engine (DESIGN.md section 3).
"""

from __future__ import annotations

from qbnn.errors import (
    ArchitectureError,
    DataError,
    EngineUnavailableError,
    QbnnError,
    ResourceLimitError,
    UnsupportedGateError,
)

__version__ = "0.1.0"

__all__ = [
    "ArchitectureError",
    "DataError",
    "EngineUnavailableError",
    "QbnnError",
    "ResourceLimitError",
    "UnsupportedGateError",
]
