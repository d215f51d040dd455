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


def __getattr__(name: str):
    """Lazy top-level access: ``from qbnn import QuantumBNNClassifier`` without importing scikit-learn eagerly."""
    if name in ("QuantumBNNClassifier", "MedianBinarizer"):
        from qbnn import classifier

        return getattr(classifier, name)
    if name in ("StructuredSampler",):
        from qbnn import sampler

        return getattr(sampler, name)
    raise AttributeError(f"module 'qbnn' has no attribute {name!r}")


__all__ = [
    "QuantumBNNClassifier",
    "MedianBinarizer",
    "ArchitectureError",
    "DataError",
    "EngineUnavailableError",
    "QbnnError",
    "ResourceLimitError",
    "UnsupportedGateError",
]
