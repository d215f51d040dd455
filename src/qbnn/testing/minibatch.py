"""An independent model of minibatch Grover search (paper section 6), with no circuit at all."""

from __future__ import annotations

import numpy as np

__all__ = ["classical_minibatch_probabilities"]


def classical_minibatch_probabilities(network, data, batch_size: int, steps: int) -> list[np.ndarray]:
    """Grover with a per-step phase oracle, on 2^p real amplitudes: a <- 2 mean(O a) - O a (no circuit)."""
    from qbnn.compile.minibatch import split_batches

    configs = np.arange(network.num_configurations)
    fits = []
    for batch in split_batches(data.num_points, batch_size):
        correct = network.batch_correct_counts(configs, data.X[batch], data.y[batch])
        fits.append(correct == len(batch))
    a = np.full(configs.size, 1 / np.sqrt(configs.size))
    history = [a**2]
    for step in range(steps):
        a = np.where(fits[step % len(fits)], -a, a)
        a = 2 * a.mean() - a
        history.append(a**2)
    return history
