"""Binary neural network architecture, parameter layout and classical forward pass.

Conventions (docs/concepts/conventions.md): weights, inputs and labels are in {-1, +1};
a neuron fires +1 iff at least ceil(N/2) of its N weighted inputs are +1
(sign(0) = +1); weighting is x XNOR w; no biases. Bit j of a configuration
index is parameter j: first-layer weights neuron-major, then later layers,
then (meta) one connection bit per first-layer connection, where an absent
connection feeds -1 into the unchanged activation.

A network may have any number of parameters: only those put in superposition
(all of them, or the free ones of a :class:`~qbnn.model.conditioning.Condition`)
must fit the engines; a full configuration of a large network is a parameter
vector (±1 weights then 0/1 connections), see :meth:`Network.parameter_vector`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from qbnn.errors import ArchitectureError, DataError
from qbnn.model.input_levels import check_meta, first_layer_signs, first_layer_signs_batch, is_binary


def _short(vector: np.ndarray) -> str:
    """A parameter vector as a short comma list for error messages."""
    values = [str(int(v)) for v in np.asarray(vector).ravel()[:8]]
    return ",".join(values) + (",..." if np.asarray(vector).size > 8 else "")

__all__ = ["Network", "parse_layers", "firing_threshold", "MAX_SUPERPOSED"]

#: At most this many parameters can be in superposition at once (a configuration index is one int64).
MAX_SUPERPOSED = 62


def firing_threshold(num_inputs: int) -> int:
    """Number of +1 inputs a neuron needs to fire: ceil(N/2), so a tie fires +1."""
    return (num_inputs + 1) // 2


def parse_layers(text: str | Sequence[int]) -> tuple[int, ...]:
    """Parse ``"3,2,1"`` (or a sequence) into layer sizes, with a one-line error if malformed."""
    if isinstance(text, str):
        parts = [part.strip() for part in text.split(",")]
        try:
            sizes = tuple(int(part) for part in parts)
        except ValueError:
            raise ArchitectureError(
                "{layers} is not a comma-separated list of integers; write e.g. 3,2,1", layers=text
            ) from None
    else:
        sizes = tuple(int(s) for s in text)
    return sizes


@dataclass(frozen=True)
class Network:
    """A fully connected BNN ``layers = (n0, n1, ..., 1)``, optionally with meta connection bits.

    >>> net = Network((3, 2, 1))
    >>> net.num_weights, net.num_parameters
    (8, 8)
    >>> Network((3, 2, 1), meta=True).num_parameters
    14
    """

    layers: tuple[int, ...]
    meta: bool = False

    def __post_init__(self) -> None:
        layers = tuple(int(n) for n in self.layers)
        object.__setattr__(self, "layers", layers)
        text = ",".join(str(n) for n in layers)
        if len(layers) < 2:
            raise ArchitectureError("{layers} needs at least an input and an output layer; write e.g. 3,2,1", layers=text)
        if any(n < 1 for n in layers):
            raise ArchitectureError("{layers} has a layer with no neurons; every size must be >= 1", layers=text)
        if layers[-1] != 1:
            raise ArchitectureError(
                f"{{layers}} must end in a single output neuron (1); write e.g. {','.join(map(str, layers[:-1]))},1",
                layers=text,
            )

    @property
    def num_inputs(self) -> int:
        return self.layers[0]

    @property
    def num_layers(self) -> int:
        """Number of neuron layers (weight layers), i.e. ``len(layers) - 1``."""
        return len(self.layers) - 1

    @cached_property
    def weight_offsets(self) -> tuple[int, ...]:
        """Index of the first weight of each weight layer; the last entry is the weight count."""
        offsets = [0]
        for fan_in, width in zip(self.layers[:-1], self.layers[1:]):
            offsets.append(offsets[-1] + fan_in * width)
        return tuple(offsets)

    @property
    def num_weights(self) -> int:
        return self.weight_offsets[-1]

    @property
    def num_connections(self) -> int:
        """Meta parameters: one per first-layer connection (paper section 5.1), else 0."""
        return self.layers[0] * self.layers[1] if self.meta else 0

    @property
    def num_parameters(self) -> int:
        return self.num_weights + self.num_connections

    @property
    def num_configurations(self) -> int:
        return 1 << self.num_parameters

    def weight_index(self, layer: int, neuron: int, source: int) -> int:
        """Parameter index of the weight from ``source`` in layer ``layer`` into ``neuron`` of the next."""
        return self.weight_offsets[layer] + neuron * self.layers[layer] + source

    def connection_index(self, neuron: int, source: int) -> int:
        """Parameter index of the meta bit for first-layer connection source -> neuron."""
        if not self.meta:
            raise ArchitectureError("this network has no connection bits; build it with meta=True")
        return self.num_weights + neuron * self.layers[0] + source

    def describe(self) -> str:
        text = ",".join(str(n) for n in self.layers)
        return f"[{text}]" + (" meta" if self.meta else "")

    # --- configurations -------------------------------------------------------------

    def decode(self, index: int) -> tuple[np.ndarray, np.ndarray | None]:
        """Split a configuration index into (weights in {-1,+1}, connections in {0,1} or None)."""
        index = int(index)
        if not 0 <= index < self.num_configurations:
            raise ValueError(f"configuration {index} is outside 0..{self.num_configurations - 1}")
        bits = np.array([(index >> j) & 1 for j in range(self.num_parameters)], dtype=np.int8)
        return self.split_parameters(self.bits_to_parameters(bits))

    def bits_to_parameters(self, bits: np.ndarray) -> np.ndarray:
        """Parameter bits (1 = weight +1 / connection present) -> parameter values, along the last axis."""
        bits = np.asarray(bits).astype(np.int8)
        values = bits.copy()
        values[..., : self.num_weights] = 2 * bits[..., : self.num_weights] - 1
        return values

    def parameter_vector(
        self, weights: Sequence[int] | np.ndarray, connections: Sequence[int] | np.ndarray | None = None
    ) -> np.ndarray:
        """One vector of all p parameter values: the ±1 weights, then (meta) the 0/1 connections."""
        weights = np.asarray(weights, dtype=np.int8).ravel()
        parts = [weights]
        if self.meta:
            if connections is None:
                raise ValueError("a meta network needs connections")
            parts.append(np.asarray(connections, dtype=np.int8).ravel())
        vector = np.concatenate(parts)
        self.check_parameters(vector)
        return vector

    def split_parameters(self, vector: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Inverse of :meth:`parameter_vector`: (weights, connections or None)."""
        vector = np.asarray(vector, dtype=np.int8)
        return vector[: self.num_weights].copy(), (vector[self.num_weights :].copy() if self.meta else None)

    def check_parameters(self, vector: np.ndarray, name: str = "values") -> None:
        """Refuse a parameter vector of the wrong length or with values outside ±1 (weights) / 0,1 (connections)."""
        vector = np.asarray(vector)
        if vector.shape != (self.num_parameters,):
            raise DataError(
                "{" + name + "} has " + str(vector.size) + f" values but {self.describe()} has {self.num_parameters} "
                f"parameters ({self.num_weights} weights in -1/+1" + (f", then {self.num_connections} connections in 0/1)" if self.meta else ")"),
                **{name: _short(vector)},
            )
        w = vector[: self.num_weights]
        if not np.isin(w, (-1, 1)).all():
            bad = int(np.flatnonzero(~np.isin(w, (-1, 1)))[0])
            raise DataError(
                "{" + name + "}: parameter " + str(bad) + f" is a weight and must be -1 or +1, not {w[bad]}",
                **{name: _short(vector)},
            )
        c = vector[self.num_weights :]
        if not np.isin(c, (0, 1)).all():
            bad = int(np.flatnonzero(~np.isin(c, (0, 1)))[0])
            raise DataError(
                "{" + name + "}: parameter " + str(self.num_weights + bad) + f" is a connection and must be 0 or 1, not {c[bad]}",
                **{name: _short(vector)},
            )

    def encode(self, weights: Sequence[int] | np.ndarray, connections: Sequence[int] | np.ndarray | None = None) -> int:
        """Inverse of :meth:`decode`: the configuration index of these parameters."""
        weights = np.asarray(weights)
        if weights.shape != (self.num_weights,) or not np.isin(weights, (-1, 1)).all():
            raise ValueError(f"weights must be {self.num_weights} values in -1/+1")
        bits = list((weights > 0).astype(int))
        if self.meta:
            if connections is None:
                raise ValueError("a meta network needs connections")
            conn = np.asarray(connections)
            if conn.shape != (self.num_connections,) or not np.isin(conn, (0, 1)).all():
                raise ValueError(f"connections must be {self.num_connections} values in 0/1")
            bits += list(conn.astype(int))
        elif connections is not None:
            raise ValueError("connections given for a network without meta bits")
        return sum(int(b) << j for j, b in enumerate(bits))

    # --- classical forward pass -----------------------------------------------------

    def _points(self, X) -> np.ndarray:
        """``X`` as an array of points x n0, or a one-line error if its width is not the first layer's."""
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.num_inputs:
            raise ArchitectureError(
                f"data has {X.shape[-1] if X.ndim else 0} features but {{layers}} starts with {self.num_inputs}; "
                "make the first layer size equal the number of feature columns",
                layers=",".join(map(str, self.layers)),
            )
        return X

    def forward(
        self,
        X: np.ndarray,
        weights: np.ndarray,
        connections: np.ndarray | None = None,
    ) -> np.ndarray:
        """Outputs in {-1,+1} of the network on points ``X`` (points x n0) for one configuration."""
        X = self._points(X)
        weights = np.asarray(weights)
        activity = X.astype(np.int64)
        multibit = not is_binary(X)  # features beyond ±1 (qbnn.model.input_levels): the first layer sums them
        for layer in range(self.num_layers):
            fan_in, width = self.layers[layer], self.layers[layer + 1]
            start = self.weight_offsets[layer]
            W = weights[start : start + fan_in * width].reshape(width, fan_in).astype(np.int64)
            if layer == 0 and multibit:
                check_meta(self.meta, 2)
                activity = first_layer_signs(activity, W)
                continue
            products = activity[:, None, :] * W[None, :, :]  # points x neurons x inputs
            plus = products > 0
            if layer == 0 and self.meta:
                if connections is None:
                    raise ValueError("a meta network needs connections")
                mask = np.asarray(connections).reshape(width, fan_in).astype(bool)
                plus = plus & mask[None, :, :]
            activity = np.where(plus.sum(axis=2) >= firing_threshold(fan_in), 1, -1)
        return activity[:, 0].astype(np.int8)

    def forward_many(self, X: np.ndarray, parameters: np.ndarray) -> np.ndarray:
        """Outputs in {-1,+1} for many configurations at once: ``parameters`` is (C, p), the result (C, points).

        Each layer is a batched matrix product: with ±1 inputs and weights (and
        0/1 connection masks) the number of +1 products is (sum of m x w + sum of m) / 2.
        """
        X = self._checked_points(X)
        P = np.atleast_2d(np.asarray(parameters)).astype(np.float32)
        count = P.shape[0]
        activity = np.broadcast_to(X.astype(np.float32), (count, *X.shape))  # C x points x inputs
        multibit = not is_binary(X)  # features beyond ±1 (qbnn.model.input_levels): the first layer is sign(x . w)
        for layer in range(self.num_layers):
            fan_in, width = self.layers[layer], self.layers[layer + 1]
            start = self.weight_offsets[layer]
            W = P[:, start : start + fan_in * width].reshape(count, width, fan_in)
            if layer == 0 and multibit:
                check_meta(self.meta, 2)
                sums = np.matmul(activity.astype(np.float64), np.transpose(W, (0, 2, 1)).astype(np.float64))
                activity = np.where(sums >= 0, 1.0, -1.0).astype(np.float32)
                continue
            if layer == 0 and self.meta:
                M = P[:, self.num_weights :].reshape(count, width, fan_in)
                plus = (np.matmul(activity, np.transpose(W * M, (0, 2, 1))) + M.sum(axis=2)[:, None, :]) / 2
            else:
                plus = (np.matmul(activity, np.transpose(W, (0, 2, 1))) + fan_in) / 2
            activity = np.where(plus >= firing_threshold(fan_in) - 0.25, 1.0, -1.0).astype(np.float32)
        return activity[:, :, 0].astype(np.int8)

    def correct_counts(self, parameters: np.ndarray, X: np.ndarray, y: np.ndarray, chunk: int = 4096) -> np.ndarray:
        """Correctly classified points for each row of ``parameters`` (C, p), in chunks of configurations."""
        parameters = np.atleast_2d(np.asarray(parameters))
        y = np.asarray(y)
        out = np.empty(parameters.shape[0], dtype=np.int64)
        rows = max(1, chunk * 64 // max(1, len(y)))
        for start in range(0, parameters.shape[0], rows):
            part = parameters[start : start + rows]
            out[start : start + len(part)] = (self.forward_many(X, part) == y[None, :]).sum(axis=1)
        return out

    def _checked_points(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.num_inputs:
            raise ArchitectureError(
                f"data has {X.shape[-1] if X.ndim else 0} features but {{layers}} starts with {self.num_inputs}; "
                "make the first layer size equal the number of feature columns",
                layers=",".join(str(n) for n in self.layers),
            )
        return X

    def correct_bits_for(self, index: int, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Per point, True where configuration ``index`` classifies it correctly."""
        weights, connections = self.decode(index)
        return self.forward(X, weights, connections) == np.asarray(y)

    def batch_correct_counts(self, indices: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Number of correctly classified points for each configuration in ``indices`` (vectorised).

        Works on the bits of the indices directly: each layer is a popcount of
        XNOR products against the firing threshold, for all configurations at once.
        """
        indices = np.asarray(indices, dtype=np.int64)
        X = self._points(X)
        bits = [((indices >> j) & 1).astype(bool) for j in range(self.num_parameters)]
        counts = np.zeros(indices.shape, dtype=np.int32)
        multibit = not is_binary(X)  # features beyond ±1 (qbnn.model.input_levels): the first layer sums them
        if multibit:
            check_meta(self.meta, 2)
        for point, label in zip(X, np.asarray(y)):
            activity: list[np.ndarray | bool] = [bool(v > 0) for v in point]
            for layer in range(self.num_layers):
                fan_in, width = self.layers[layer], self.layers[layer + 1]
                threshold = firing_threshold(fan_in)
                if layer == 0 and multibit:
                    activity = [
                        first_layer_signs_batch(point, [bits[self.weight_index(0, n, s)] for s in range(fan_in)])
                        for n in range(width)
                    ]
                    continue
                next_activity = []
                for neuron in range(width):
                    plus = np.zeros(indices.shape, dtype=np.int8)
                    for source in range(fan_in):
                        w = bits[self.weight_index(layer, neuron, source)]
                        term = ~(activity[source] ^ w)  # x XNOR w: +1 when they agree
                        if layer == 0 and self.meta:
                            term = term & bits[self.connection_index(neuron, source)]
                        plus += term
                    next_activity.append(plus >= threshold)
                activity = next_activity
            counts += activity[0] == (label > 0)
        return counts
