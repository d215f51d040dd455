"""A BNN of the same architecture trained classically by the straight-through estimator (baseline).

Why a few lines of numpy rather than larq: larq needs TensorFlow, far too
heavy a dependency for one baseline, and the network here is small. The
forward pass is exactly qbnn's (sign with sign(0) = +1 of x . w, no biases);
the backward pass replaces d sign(z)/dz by 1 for |z| <= fan-in (hard tanh,
Courbariaux et al. 2016) on real-valued latent weights clipped to [-1, 1].
The binary weights it returns are checked by :meth:`Network.forward`.
"""

from __future__ import annotations

import numpy as np

from qbnn.model.network import Network

__all__ = ["train_ste"]


def _sign(z: np.ndarray) -> np.ndarray:
    return np.where(z >= 0, 1.0, -1.0)


def train_ste(
    network: Network, X: np.ndarray, y: np.ndarray, *, epochs: int = 60, learning_rate: float = 0.01, batch: int = 32, seed: int = 0
) -> np.ndarray:
    """Binary weights (±1, the network's parameter order) after STE training with Adam on a hinge loss."""
    if network.meta:
        raise ValueError("the STE baseline trains weights only (no meta connections)")
    rng = np.random.default_rng(seed)
    layers = network.layers
    latent = [rng.uniform(-1, 1, size=(layers[i + 1], layers[i])) for i in range(network.num_layers)]
    moments = [(np.zeros_like(w), np.zeros_like(w)) for w in latent]
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    step = 0
    best, best_correct = None, -1
    for _ in range(epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y), batch):
            idx = order[start : start + batch]
            activity = [X[idx]]
            pre = []
            for w in latent:
                z = activity[-1] @ _sign(w).T
                pre.append(z)
                activity.append(_sign(z))
            out = pre[-1][:, 0] / layers[-2]
            margin = y[idx] * out
            grad = np.where(margin < 1, -y[idx], 0.0)[:, None] / layers[-2] / len(idx)  # hinge loss on the scaled output
            step += 1
            for layer in reversed(range(network.num_layers)):
                fan_in = layers[layer]
                gz = grad * (np.abs(pre[layer]) <= fan_in)
                gw = gz.T @ activity[layer]
                grad = gz @ _sign(latent[layer])
                m, v = moments[layer]
                m[:] = 0.9 * m + 0.1 * gw
                v[:] = 0.999 * v + 0.001 * gw**2
                latent[layer] -= learning_rate * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
                np.clip(latent[layer], -1, 1, out=latent[layer])
        weights = np.concatenate([_sign(w).ravel() for w in latent]).astype(np.int8)
        correct = int((network.forward(X.astype(np.int64), weights) == y).sum())
        if correct > best_correct:  # keep the best epoch on the training data (no peeking at held-out data)
            best, best_correct = weights, correct
    return best
