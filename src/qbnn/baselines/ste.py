"""The straight-through estimator (Courbariaux, Hubara et al., NeurIPS 2016): the standard way BNNs are trained.

Latent real weights, clipped to [-1, 1], are binarised by sign (sign(0) = +1)
in the forward pass, which is exactly :meth:`Network.forward`; a neuron's
pre-activation z (x . w, or sum of c (x w + 1) - N under meta, whose sign is
the "at least ceil(N/2) agreeing inputs" rule) is scaled to s = z / sqrt(N) —
the role batch normalisation plays in the paper — and the backward pass
replaces d sign(s)/ds by the hard-tanh derivative 1_{|s| <= 1}, so saturated
neurons pass no gradient. (The window |z| <= N of
:mod:`qbnn.experiments.ste` never cuts, since |z| <= N always.) The loss is
the squared hinge on the scaled output, minimised by Adam, full batch by
default. The best binarised configuration seen on the training data is kept.

Meta connection bits are trained too, as latent gates in [-1, 1] binarised
to 0/1 (present iff >= 0), initialised present. Only ``problem.free``
parameters move; fixed ones keep their ``values``. Learning rate and epochs
come from k-fold cross-validation on the training data over a small grid
unless given (``lr=``, ``epochs=``); the final training runs from up to
``restarts`` random initialisations (stopping once the target is met).

Why numpy, not torch: no heavy dependency for one baseline, bitwise
deterministic for a seed on any machine, and the networks here are tiny.

Unit of work (:mod:`qbnn.baselines.result`): one forward pass is the network
on every training point once; a backward pass is counted as one more, so a
full-batch epoch costs 2 and a minibatch epoch 2 plus 1 for checking the
binarised weights on the whole training set. Cross-validation is counted too
(``settings["cv_forward_passes"]``), prorated by the points it touches.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from qbnn.baselines.result import ClassicalTraining, check_time_limit, configuration_of, free_and_fixed, make_result
from qbnn.errors import QbnnError
from qbnn.model.network import Network
from qbnn.problem import TrainingProblem

__all__ = ["train_ste", "LR_GRID", "EPOCH_GRID"]

METHOD = "ste"
#: Learning rates and epoch counts cross-validated when not given.
LR_GRID = (0.1, 0.03, 0.01)
EPOCH_GRID = (30, 100, 300)
#: Hard-tanh window on the scaled pre-activation: |s| <= WINDOW passes the gradient.
WINDOW = 1.0
_BETA1, _BETA2, _EPS = 0.9, 0.999, 1e-8


def _sign(z: np.ndarray) -> np.ndarray:
    return np.where(z >= 0, 1.0, -1.0)


@dataclass
class _Latent:
    """Latent weights per layer (width x fan-in), meta gates (n1 x n0) or None, and which entries may move."""

    weights: list[np.ndarray]
    gates: np.ndarray | None
    free_weights: list[np.ndarray]
    free_gates: np.ndarray | None

    def arrays(self) -> list[np.ndarray]:
        return self.weights + ([self.gates] if self.gates is not None else [])

    def masks(self) -> list[np.ndarray]:
        return self.free_weights + ([self.free_gates] if self.free_gates is not None else [])

    def binary(self) -> tuple[list[np.ndarray], np.ndarray | None]:
        return [_sign(w) for w in self.weights], (None if self.gates is None else (self.gates >= 0).astype(np.float64))

    def vector(self) -> np.ndarray:
        """All p parameter values of the binarised network (the library's parameter order)."""
        weights, gates = self.binary()
        parts = [w.ravel() for w in weights] + ([gates.ravel()] if gates is not None else [])
        return np.concatenate(parts).astype(np.int8)


def _init(network: Network, free: np.ndarray, fixed: np.ndarray, rng: np.random.Generator) -> _Latent:
    """Free weights uniform in [-1, 1], free gates uniform in [0, 1] (present); fixed ones at their value."""
    mask = np.zeros(network.num_parameters, dtype=bool)
    mask[free] = True
    weights, free_weights = [], []
    for layer in range(network.num_layers):
        fan_in, width = network.layers[layer], network.layers[layer + 1]
        start = network.weight_offsets[layer]
        block = slice(start, start + fan_in * width)
        m = mask[block].reshape(width, fan_in)
        w = np.where(m, rng.uniform(-1, 1, size=(width, fan_in)), fixed[block].reshape(width, fan_in).astype(np.float64))
        weights.append(w)
        free_weights.append(m)
    gates = free_gates = None
    if network.meta:
        shape = (network.layers[1], network.layers[0])
        free_gates = mask[network.num_weights :].reshape(shape)
        held = np.where(fixed[network.num_weights :].reshape(shape) > 0, 1.0, -1.0)
        gates = np.where(free_gates, rng.uniform(0, 1, size=shape), held)
    return _Latent(weights, gates, free_weights, free_gates)


def _norms(network: Network, X: np.ndarray) -> list[float]:
    """sqrt(fan-in), the first layer's scaled by the features' root mean square (1 for ±1 data)."""
    rms = float(np.sqrt(np.mean(X.astype(np.float64) ** 2))) if X.size else 1.0
    return [math.sqrt(network.layers[0]) * max(rms, 1e-12)] + [math.sqrt(n) for n in network.layers[1:-1]]


def _forward(latent: _Latent, X: np.ndarray, norms: list[float]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Binarised forward pass: (activities per layer incl. input, scaled pre-activations per layer)."""
    weights, gates = latent.binary()
    activity, scaled = [X], []
    for layer, w in enumerate(weights):
        a = activity[-1]
        if layer == 0 and gates is not None:  # absent connections never count as +1: z = sum c (x w + 1) - N
            z = a @ (w * gates).T + gates.sum(axis=1)[None, :] - w.shape[1]
        else:
            z = a @ w.T
        scaled.append(z / norms[layer])
        activity.append(_sign(z))
    return activity, scaled


def _gradients(latent: _Latent, X: np.ndarray, y: np.ndarray, norms: list[float]):
    """(gradients per latent array, binarised outputs on X) of the squared hinge loss, by the STE."""
    weights, gates = latent.binary()
    activity, scaled = _forward(latent, X, norms)
    out = scaled[-1][:, 0]
    slack = np.maximum(0.0, 1.0 - y * out)
    ds = (-2.0 * y * slack / len(y))[:, None]  # d loss / d s of the output neuron (no window: the loss sees s)
    grads: list[np.ndarray] = [np.zeros_like(w) for w in weights]
    gate_grad = None
    for layer in reversed(range(len(weights))):
        dz = ds / norms[layer]
        if layer == 0 and gates is not None:
            dzx = dz.T @ activity[0]
            grads[0] = dzx * gates
            gate_grad = dzx * weights[0] + dz.sum(axis=0)[:, None]
        else:
            grads[layer] = dz.T @ activity[layer]
        if layer > 0:
            da = dz @ weights[layer]
            ds = da * (np.abs(scaled[layer - 1]) <= WINDOW)  # hard tanh: straight through inside the window only
    # straight through the binarisation of the latent weights/gates (|latent| <= 1 always after clipping)
    grads = [g * (np.abs(w) <= 1) for g, w in zip(grads, latent.weights)]
    if gate_grad is not None:
        grads.append(gate_grad * (np.abs(latent.gates) <= 1))
    return grads, activity[-1][:, 0]


class _Adam:
    """Adam on the free entries of the latent arrays, clipping them to [-1, 1]."""

    def __init__(self, latent: _Latent, lr: float) -> None:
        self.lr, self.step = lr, 0
        self.moments = [(np.zeros_like(a), np.zeros_like(a)) for a in latent.arrays()]

    def update(self, latent: _Latent, grads: list[np.ndarray]) -> None:
        self.step += 1
        for array, mask, grad, (m, v) in zip(latent.arrays(), latent.masks(), grads, self.moments):
            grad = np.where(mask, grad, 0.0)
            m *= _BETA1
            m += (1 - _BETA1) * grad
            v *= _BETA2
            v += (1 - _BETA2) * grad**2
            step = self.lr * (m / (1 - _BETA1**self.step)) / (np.sqrt(v / (1 - _BETA2**self.step)) + _EPS)
            array -= np.where(mask, step, 0.0)
            np.clip(array, -1.0, 1.0, out=array)


@dataclass
class _Fit:
    """One training run: the best binarised vector on its training points, its count, and the work done."""

    vector: np.ndarray
    correct: int
    point_evaluations: int
    checkpoints: dict[int, np.ndarray]  # epochs -> best vector after that many epochs


def _fit(
    network: Network,
    free: np.ndarray,
    fixed: np.ndarray,
    X: np.ndarray,
    y: np.ndarray,
    *,
    lr: float,
    epochs: int,
    batch_size: int | None,
    rng: np.random.Generator,
    target: int,
    admissible=lambda vector: True,
    deadline: float | None = None,
    checkpoints: tuple[int, ...] = (),
) -> _Fit:
    """Adam with the STE for ``epochs`` epochs (or until ``target`` correct / the deadline), keeping the best seen."""
    latent = _init(network, free, fixed, rng)
    adam = _Adam(latent, lr)
    norms = _norms(network, X)
    n = len(y)
    full = batch_size is None or batch_size >= n
    best, best_correct, work = latent.vector(), -1, 0
    saved: dict[int, np.ndarray] = {}

    def consider(outputs: np.ndarray, vector: np.ndarray) -> None:
        nonlocal best, best_correct
        correct = int((outputs == y).sum())
        if correct > best_correct and admissible(vector):
            best, best_correct = vector, correct

    for epoch in range(epochs):
        if best_correct >= target or (deadline is not None and time.perf_counter() > deadline):
            break
        if full:
            vector = latent.vector()
            grads, outputs = _gradients(latent, X, y, norms)
            work += 2 * n
            consider(outputs, vector)  # the forward pass of this step checks the weights it starts from
            adam.update(latent, grads)
        else:
            order = rng.permutation(n)
            for start in range(0, n, batch_size):
                idx = order[start : start + batch_size]
                grads, _ = _gradients(latent, X[idx], y[idx], norms)
                work += 2 * len(idx)
                adam.update(latent, grads)
            activity, _ = _forward(latent, X, norms)
            work += n
            consider(activity[-1][:, 0], latent.vector())
        if epoch + 1 in checkpoints:
            saved[epoch + 1] = best
    if full and best_correct < target and (deadline is None or time.perf_counter() <= deadline):
        activity, _ = _forward(latent, X, norms)  # the weights after the last update
        work += n
        consider(activity[-1][:, 0], latent.vector())
    for c in checkpoints:
        saved.setdefault(c, best)  # stopped early: the best stays the best
    return _Fit(best, best_correct, work, saved)


def _cross_validate(network, free, fixed, X, y, *, lrs, epoch_grid, batch_size, folds, rng, deadline):
    """(lr, epochs) with the best mean held-out accuracy over ``folds`` folds; ties go to the earlier grid entry."""
    n = len(y)
    order = rng.permutation(n)
    parts = np.array_split(order, folds)
    scores: dict[tuple[float, int], float] = {}
    work = 0
    top = max(epoch_grid)
    for lr in lrs:
        for k in range(folds):
            test = parts[k]
            train = np.concatenate([parts[i] for i in range(folds) if i != k])
            fit = _fit(
                network, free, fixed, X[train], y[train], lr=lr, epochs=top, batch_size=batch_size, rng=rng,
                target=len(train), deadline=deadline, checkpoints=tuple(epoch_grid),
            )
            work += fit.point_evaluations
            for epochs, vector in fit.checkpoints.items():
                weights, connections = network.split_parameters(vector)
                accuracy = float((network.forward(X[test], weights, connections) == y[test]).mean())
                work += len(test)
                scores[(lr, epochs)] = scores.get((lr, epochs), 0.0) + accuracy / folds
    grid = [(lr, e) for e in sorted(epoch_grid) for lr in lrs]
    best = max(grid, key=lambda key: (scores.get(key, -1.0), -grid.index(key)))
    return best, scores, work


def train_ste(
    problem: TrainingProblem,
    *,
    seed: int | None = 0,
    time_limit: float | None = None,
    lr: float | None = None,
    epochs: int | None = None,
    batch_size: int | None = None,
    folds: int = 3,
    restarts: int = 4,
) -> ClassicalTraining:
    """Binary weights (and gates) trained by the STE with Adam; lr/epochs cross-validated unless given."""
    started = time.perf_counter()
    limit = check_time_limit(time_limit)
    deadline = None if limit is None else started + limit
    if lr is not None and not (float(lr) > 0):
        raise QbnnError("{lr} must be a learning rate > 0", lr=lr)
    if epochs is not None and (int(epochs) != epochs or epochs < 1):
        raise QbnnError("{epochs} must be a whole number >= 1", epochs=epochs)
    if batch_size is not None and (int(batch_size) != batch_size or batch_size < 1):
        raise QbnnError("{batch_size} must be a whole number >= 1 (or None for full batch)", batch_size=batch_size)
    if int(restarts) != restarts or restarts < 1:
        raise QbnnError("{restarts} must be a whole number >= 1", restarts=restarts)
    if int(folds) != folds or folds < 2:
        raise QbnnError("{folds} must be a whole number >= 2", folds=folds)
    rng = np.random.default_rng(seed)
    network = problem.network
    X = np.asarray(problem.data.X, dtype=np.float64)
    y = np.asarray(problem.data.y, dtype=np.float64)
    free, fixed = free_and_fixed(problem)
    settings: dict = {"batch_size": batch_size, "window": WINDOW, "scale": "sqrt(fan_in)", "loss": "squared hinge"}
    work = 0
    if lr is None or epochs is None:
        lrs = LR_GRID if lr is None else (float(lr),)
        epoch_grid = EPOCH_GRID if epochs is None else (int(epochs),)
        if len(y) >= 2 * folds:
            cv_deadline = None if deadline is None else started + limit / 2
            (lr_cv, epochs_cv), scores, cv_work = _cross_validate(
                network, free, fixed, X, y, lrs=lrs, epoch_grid=epoch_grid, batch_size=batch_size, folds=folds,
                rng=rng, deadline=cv_deadline,
            )
            work += cv_work
            settings["cv_folds"] = folds
            settings["cv_accuracy"] = {f"lr={k[0]},epochs={k[1]}": round(v, 6) for k, v in sorted(scores.items())}
            settings["cv_forward_passes"] = math.ceil(cv_work / len(y))
        else:  # too few points to hold any out
            lr_cv, epochs_cv = lrs[0], max(epoch_grid)
        lr = lr_cv if lr is None else lr
        epochs = epochs_cv if epochs is None else epochs
    excluded = set(problem.exclude)
    best: _Fit | None = None
    runs = 0
    for _ in range(int(restarts)):  # fresh random latent weights; the best binarised network over all runs is kept
        if best is not None and (best.correct >= problem.target or (deadline is not None and time.perf_counter() > deadline)):
            break
        fit = _fit(
            network, free, fixed, X, y, lr=float(lr), epochs=int(epochs), batch_size=batch_size, rng=rng,
            target=problem.target, deadline=deadline,
            admissible=(lambda v: configuration_of(problem, v) not in excluded) if excluded else (lambda v: True),
        )
        work += fit.point_evaluations
        runs += 1
        if best is None or fit.correct > best.correct:
            best = fit
    settings.update(lr=float(lr), epochs=int(epochs), restarts=runs)
    forward_passes = math.ceil(work / len(y)) if len(y) else 0
    return make_result(problem, METHOD, best.vector, forward_passes=forward_passes, started=started, seed=seed, settings=settings)
