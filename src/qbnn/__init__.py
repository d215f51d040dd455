"""qbnn: train and meta-train binary neural networks by quantum amplitude amplification.

Reproduces and extends Fawaz et al., *Training and Meta-Training Binary Neural
Networks with Quantum Computing* (KDD 2019), simulating the circuits exactly
with a structured engine (docs/concepts/engine.md).
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

from qbnn._moved import install as _install_moved

__version__ = "0.1.0"
_install_moved()


#: Public names and the module each lives in, imported on first use so that
#: ``import qbnn`` stays cheap (scikit-learn, Qiskit and numba load only when needed).
_LAZY = {
    "TrainingProblem": "qbnn.problem",
    "Network": "qbnn.model.network",
    "Dataset": "qbnn.model.data",
    "load_csv": "qbnn.model.data",
    "paper_problem": "qbnn.model.data",
    "compute_landscape": "qbnn.landscape",
    "get_engine": "qbnn.engines.registry",
    "train": "qbnn.search",
    "TrainingResult": "qbnn.search",
    "BlockCoordinate": "qbnn.search",
    "Condition": "qbnn.model.conditioning",
    "estimate_solutions": "qbnn.search.counting",
    "estimate_landscape": "qbnn.search.landscape_estimate",
    "train_classical": "qbnn.baselines",
    "QuantumBNNClassifier": "qbnn.classifier",
    "MedianBinarizer": "qbnn.classifier",
    "QuantileQuantizer": "qbnn.model.quantize",
    "StructuredSampler": "qbnn.simulator.sampler",
    "exact_probabilities": "qbnn.simulator.sampler",
    "PauliNoise": "qbnn.simulator.noise",
    "NoisyAmplification": "qbnn.engines.amplify_noisy",
    "noise_study": "qbnn.experiments.noise_study",
}


def __getattr__(name: str):
    """Lazy top-level access, e.g. ``from qbnn import QuantumBNNClassifier`` without importing scikit-learn eagerly."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'qbnn' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    *_LAZY,
    "ArchitectureError",
    "DataError",
    "EngineUnavailableError",
    "QbnnError",
    "ResourceLimitError",
    "UnsupportedGateError",
]
