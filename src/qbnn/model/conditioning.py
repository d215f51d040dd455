"""Conditional problems: some parameters in superposition, the rest held at given values (paper section 3).

"If just a single weight is set to superposition and the rest kept to a given
value, then the output is the cost landscape of just that one weight
conditional on the value of the others." A :class:`Condition` names the free
parameters (indices in the parameter order of docs/concepts/conventions.md) and the
values of all the others; configuration bit j is the j-th free parameter, so
a conditional problem has 2^f configurations however large the network is.

>>> from qbnn.model.network import Network
>>> net = Network((3, 2, 1))
>>> cond = Condition(net, free=(0, 6), values=[1, -1, 1, 1, 1, -1, 1, 1])
>>> cond.num_configurations, cond.vector(0b01).tolist()
(4, [1, -1, 1, 1, 1, -1, -1, 1])
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qbnn.errors import DataError
from qbnn.model.network import MAX_SUPERPOSED, Network
from qbnn.core.parsing import parse_int_range

__all__ = ["Condition", "parse_free", "parse_values", "make_condition"]


def parse_free(spec: str | Sequence[int], num_parameters: int) -> tuple[int, ...]:
    """``"0-5,9"`` (or a sequence of indices) -> sorted distinct parameter indices, each in 0..p-1."""
    if isinstance(spec, str):
        indices = parse_int_range(spec, parameter="free", low=0, high=num_parameters - 1)
    else:
        indices = sorted({int(i) for i in spec})
        bad = [i for i in indices if not 0 <= i < num_parameters]
        if bad:
            raise DataError(
                "{free}: parameter " + str(bad[0]) + f" does not exist; the network has parameters 0..{num_parameters - 1}",
                free=_spec(indices),
            )
    if not indices:
        raise DataError("{free} names no parameter; give at least one index, e.g. 0-5", free=spec)
    return tuple(indices)


def parse_values(spec: str | Path | Sequence[int] | np.ndarray, network: Network) -> np.ndarray:
    """All p parameter values from a comma list, a JSON file with a ``parameters`` object, or a sequence."""
    if isinstance(spec, (str, Path)) and (Path(spec).suffix.lower() == ".json" or Path(spec).is_file()):
        path = Path(spec)
        try:
            payload = json.loads(path.read_text())
        except FileNotFoundError:
            raise DataError("{values}: no such file", values=str(path)) from None
        except (OSError, ValueError) as exc:
            raise DataError("{values} is not a readable JSON file (" + type(exc).__name__ + ")", values=str(path)) from None
        parameters = payload.get("parameters") if isinstance(payload, dict) else None
        if not isinstance(parameters, dict) or not isinstance(parameters.get("weights"), list):
            raise DataError(
                "{values} has no 'parameters' object with 'weights'; give a training result's JSON (TrainingResult.to_json, which qbnn train prints) or a comma list",
                values=str(path),
            )
        weights = parameters["weights"]
        connections = parameters.get("connections") or []
        vector = np.asarray([*weights, *connections])
    elif isinstance(spec, str):
        try:
            vector = np.asarray([int(v) for v in spec.split(",") if v.strip()])
        except ValueError:
            raise DataError(
                "{values} is neither a comma list of parameter values (-1/+1 weights, 0/1 connections) nor a JSON file",
                values=spec if len(spec) < 40 else spec[:37] + "...",
            ) from None
    else:
        vector = np.asarray(spec)
    if vector.dtype.kind not in "iub" and vector.size:
        if not np.all(np.equal(np.mod(vector, 1), 0)):
            raise DataError("{values} must hold integers (-1/+1 weights, 0/1 connections)", values=...)
    vector = vector.astype(np.int64)
    network.check_parameters(vector, "values")
    return vector.astype(np.int8)


@dataclass(frozen=True, eq=False)
class Condition:
    """Which parameters are free (in superposition) and the values of the fixed ones.

    ``values`` holds all p parameter values; entries at free positions are ignored
    (and stored as the weight -1 / connection 0 of bit 0).
    """

    network: Network
    free: tuple[int, ...]
    values: np.ndarray

    def __post_init__(self) -> None:
        free = parse_free(self.free, self.network.num_parameters)
        if len(free) > MAX_SUPERPOSED:
            raise DataError(
                "{free} puts " + str(len(free)) + f" parameters in superposition; at most {MAX_SUPERPOSED} can be",
                free=_spec(free),
            )
        values = np.asarray(self.values, dtype=np.int64).copy()
        if values.shape == (self.network.num_parameters,):
            values[list(free)] = self._zero_value(free)
        self.network.check_parameters(values, "values")
        values = values.astype(np.int8)
        values.setflags(write=False)
        object.__setattr__(self, "free", free)
        object.__setattr__(self, "values", values)

    def _zero_value(self, free: tuple[int, ...]) -> np.ndarray:
        return np.array([-1 if j < self.network.num_weights else 0 for j in free], dtype=np.int64)

    @property
    def num_free(self) -> int:
        return len(self.free)

    @property
    def num_configurations(self) -> int:
        return 1 << self.num_free

    @property
    def fixed(self) -> tuple[int, ...]:
        free = set(self.free)
        return tuple(j for j in range(self.network.num_parameters) if j not in free)

    def is_free(self, parameter: int) -> bool:
        return parameter in self._free_position

    @property
    def _free_position(self) -> dict[int, int]:
        return {j: b for b, j in enumerate(self.free)}

    def position(self, parameter: int) -> int:
        """Configuration bit of a free parameter."""
        return self._free_position[parameter]

    def vectors(self, indices: np.ndarray) -> np.ndarray:
        """Full parameter vectors (C, p) of configuration indices over the free parameters."""
        indices = np.asarray(indices, dtype=np.int64).ravel()
        out = np.repeat(self.values[None, :], indices.size, axis=0)
        for b, j in enumerate(self.free):
            bit = ((indices >> b) & 1).astype(np.int8)
            out[:, j] = 2 * bit - 1 if j < self.network.num_weights else bit
        return out

    def vector(self, index: int) -> np.ndarray:
        """The full parameter vector of one configuration index."""
        index = int(index)
        if not 0 <= index < self.num_configurations:
            raise ValueError(f"configuration {index} is outside 0..{self.num_configurations - 1}")
        return self.vectors(np.array([index]))[0]

    def index_of(self, vector: np.ndarray) -> int:
        """The configuration index of a full parameter vector (its free part)."""
        vector = np.asarray(vector)
        return sum(int(vector[j] > 0) << b for b, j in enumerate(self.free))

    def with_values(self, vector: np.ndarray) -> Condition:
        """The same free set, the fixed parameters taken from ``vector``."""
        return Condition(self.network, self.free, vector)

    def describe(self) -> str:
        return f"{self.num_free} of {self.network.num_parameters} parameters free ({_spec(self.free)})"


def _spec(free: Sequence[int]) -> str:
    """Indices as a compact range list: (0, 1, 2, 5) -> '0-2,5'."""
    parts: list[str] = []
    free = sorted(free)
    i = 0
    while i < len(free):
        j = i
        while j + 1 < len(free) and free[j + 1] == free[j] + 1:
            j += 1
        parts.append(str(free[i]) if i == j else f"{free[i]}-{free[j]}")
        i = j + 1
    return ",".join(parts)


def make_condition(
    network: Network, free: str | Sequence[int] | None, values: str | Path | Sequence[int] | np.ndarray | None
) -> Condition | None:
    """The condition of ``free``/``values`` (None when neither is given: every parameter free)."""
    if free is None and values is None:
        return None
    if free is None:
        raise DataError("{values} fixes parameters but {free} does not say which are in superposition; give {free} as indices or ranges, e.g. 0-3", values=..., free=...)
    indices = parse_free(free, network.num_parameters)
    if values is None:
        if len(indices) < network.num_parameters:
            raise DataError("{free} leaves parameters fixed; give their values with {values}", free=..., values=...)
        vector = np.array([-1] * network.num_weights + [0] * network.num_connections, dtype=np.int8)
    else:
        vector = parse_values(values, network)
    return Condition(network, indices, vector)
