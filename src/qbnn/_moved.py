"""Modules that moved when the package was laid out by layer, still importable under their old names with a warning.

One import hook for all of them (no module files left behind): importing an
old name gives the new module itself, so classes and functions are the same
objects under both names, and says once where the module lives now.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import warnings

__all__ = ["MOVED", "install"]

#: old module name -> new module name (moved in version 0.2).
MOVED = {
    "qbnn.engines.lowering": "qbnn.simulator.lowering",
    "qbnn.engines.bitrows": "qbnn.simulator.bitrows",
    "qbnn.engines.bitrow_kernels": "qbnn.simulator.kernels",
    "qbnn.engines.complex_kernels": "qbnn.simulator.complex_kernels",
    "qbnn.engines.structured": "qbnn.simulator.structured",
    "qbnn.engines.noise": "qbnn.simulator.noise",
    "qbnn.engines.noise_aer": "qbnn.simulator.noise_aer",
    "qbnn.engines.dask_chunks": "qbnn.simulator.chunks",
    "qbnn.engines.precompile": "qbnn.simulator.precompile",
    "qbnn.engines.reflection": "qbnn.simulator.reflection",
    "qbnn.engines.gate_table": "qbnn.simulator.ops",
    "qbnn.engines.cluster": "qbnn.core.cluster",
    "qbnn.sampler": "qbnn.simulator.sampler",
    "qbnn.memory": "qbnn.core.memory",
    "qbnn.progress": "qbnn.core.progress",
    "qbnn.parsing": "qbnn.core.parsing",
    "qbnn.outputs": "qbnn.core.outputs",
    "qbnn.data": "qbnn.model.data",
    "qbnn.network": "qbnn.model.network",
    "qbnn.conditioning": "qbnn.model.conditioning",
    "qbnn.structure": "qbnn.model.describe",
    "qbnn.multibit": "qbnn.model.input_levels",
    "qbnn.quantize": "qbnn.model.quantize",
    "qbnn.landscape_summary": "qbnn.landscape.summary",
    "qbnn.counting": "qbnn.search.counting",
    "qbnn.amplitude": "qbnn.engines.amplitude",
    "qbnn.resources": "qbnn.hardware.resources",
    "qbnn.multibit_resources": "qbnn.hardware.input_bit_costs",
    "qbnn.compile.multibit": "qbnn.compile.input_layer",
    "qbnn.plots": "qbnn.figures.paper",
    "qbnn.plots_claims": "qbnn.figures.claims",
    "qbnn.report": "qbnn.experiments.report",
    "qbnn.classical": "qbnn.baselines.random_search",
}


class _MovedLoader(importlib.abc.Loader):
    def __init__(self, old: str, new: str) -> None:
        self.old, self.new = old, new

    def create_module(self, spec):
        warnings.warn(
            f"{self.old} moved to {self.new}; import it from there (the old name will be removed)",
            DeprecationWarning,
            stacklevel=4,
        )
        return importlib.import_module(self.new)

    def exec_module(self, module) -> None:
        sys.modules[self.old] = module  # the new module under the old name too: one object, one set of classes


class _MovedFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        new = MOVED.get(fullname)
        if new is None:
            return None
        return importlib.util.spec_from_loader(fullname, _MovedLoader(fullname, new))


def install() -> None:
    """Put the finder in front of the import system (once)."""
    if not any(isinstance(finder, _MovedFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _MovedFinder())
