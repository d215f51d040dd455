"""A learned configuration described for people: weights per neuron and which connections exist."""

from __future__ import annotations

import numpy as np

from qbnn.model.network import Network

__all__ = ["describe_configuration"]


def describe_configuration(
    network: Network, weights, connections=None, feature_names: tuple[str, ...] | None = None
) -> str:
    """Text rendering of a configuration: one line per neuron with its signed inputs.

    Absent first-layer connections (meta) are shown as ``.``; a neuron with no
    inputs always outputs -1 (paper section 5.1).

    >>> print(describe_configuration(Network((3, 2, 1), meta=True), [1] * 8, [1, 0, 1, 0, 0, 0]))
    layer 1 neuron 1: +x1 . +x3
    layer 1 neuron 2: . . .   (no inputs: always -1)
    layer 2 neuron 1: +h1 +h2
    """
    weights = np.asarray(weights)
    names = list(feature_names or [f"x{i + 1}" for i in range(network.num_inputs)])
    lines = []
    for layer in range(network.num_layers):
        fan_in, width = network.layers[layer], network.layers[layer + 1]
        sources = names if layer == 0 else [f"h{i + 1}" for i in range(fan_in)]
        for neuron in range(width):
            terms = []
            present = 0
            for source in range(fan_in):
                w = int(weights[network.weight_index(layer, neuron, source)])
                on = True
                if layer == 0 and network.meta and connections is not None:
                    on = bool(int(connections[network.connection_index(neuron, source) - network.num_weights]))
                present += on
                terms.append(("+" if w > 0 else "-") + sources[source] if on else ".")
            note = "   (no inputs: always -1)" if present == 0 else ""
            lines.append(f"layer {layer + 1} neuron {neuron + 1}: {' '.join(terms)}{note}")
    return "\n".join(lines)
