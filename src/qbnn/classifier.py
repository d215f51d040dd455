"""A scikit-learn classifier trained by amplitude amplification over BNN weights.

``QuantumBNNClassifier`` builds the BNN ``[n_features, *hidden, 1]``, compiles
the QBNN circuit for the training points and searches its weights (and, with
``meta``, first-layer connections) with a quantum search strategy on the
chosen engine, then predicts with the classical forward pass of the weights
found. Features must be binary (-1/+1 or 0/1); ``binarize="median"``
(:class:`MedianBinarizer`), ``input_bits`` with quantiles, or scikit-learn's
``Binarizer``/``KBinsDiscretizer`` handle the rest. ``strategy`` may also name a
classical trainer of :mod:`qbnn.baselines` (``"ste"``, ``"local-search"``,
``"cp-sat"``, ``"branch-and-bound"``), for a like-for-like comparison.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from qbnn.model.data import Dataset
from qbnn.model.network import Network
from qbnn.problem import TrainingProblem, resolve_target

__all__ = ["QuantumBNNClassifier", "MedianBinarizer"]

QUANTUM_STRATEGIES = ("bbht", "paper", "best")
CLASSICAL_STRATEGIES = ("ste", "local-search", "cp-sat", "branch-and-bound")
STRATEGIES = QUANTUM_STRATEGIES + CLASSICAL_STRATEGIES
#: Default bound on parameter qubits (the engine holds 2^p amplitudes); ``qbnn demo`` checks against it too.
DEFAULT_MAX_PARAMETERS = 20


class MedianBinarizer(TransformerMixin, BaseEstimator):
    """Map each feature to +1 above its training median and -1 otherwise.

    >>> import numpy as np
    >>> MedianBinarizer().fit_transform(np.array([[0.1], [0.5], [0.9]])).ravel().tolist()
    [-1, -1, 1]
    """

    def fit(self, X, y=None):
        from qbnn.model.quantize import QuantileQuantizer

        X = validate_data(self, X, dtype=np.float64)
        self.medians_ = QuantileQuantizer(input_bits=1).fit(X).thresholds_[:, 0]  # one implementation of the cut
        return self

    def transform(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return np.where(X > self.medians_, 1, -1).astype(np.int8)


class QuantumBNNClassifier(ClassifierMixin, BaseEstimator):
    """Binary neural network classifier trained by quantum amplitude amplification.

    Parameters
    ----------
    hidden : tuple of int
        Hidden layer sizes; the network is ``[n_features, *hidden, 1]``.
    meta : bool
        Also learn which first-layer connections exist (paper section 5.1).
    strategy : {"bbht", "paper", "best", "ste", "local-search", "cp-sat", "branch-and-bound"}
        Search strategy: Boyer et al. for unknown solution counts (default), the
        paper's schedule, or Durr-Hoyer minimum finding (the best training
        accuracy found within the budget, raising the threshold on each find);
        or a classical trainer of :mod:`qbnn.baselines` (straight-through
        estimator, local search, CP-SAT, branch and bound), bounded by ``time_limit``.
    min_accuracy : float
        Training-accuracy target of the oracle (1.0 = the paper's 100%).
    engine : {"structured", "aer", "analytic"}
        Simulator of the circuits.
    max_oracle_calls : int or None
        Budget; when it runs out the best configuration measured is kept.
    block_size : int or None
        Train by blocks (:class:`~qbnn.search.block.BlockCoordinate`): Durr-Hoyer
        over 2^block_size settings of each block of parameters, the others held
        fixed, for at most ``sweeps`` sweeps; ``strategy`` is then not used and
        the network may have any number of parameters (only a block must fit).
    sweeps : int
        Sweeps of block training (it also stops after a sweep without improvement).
    max_parameters : int
        Refuse networks with more parameter qubits than this (2^p amplitudes).
    activation : {"paper", "counter"}
        Sign circuit: the paper's OR of ANDs, or a reversible counter and
        comparator (far fewer gates for neurons with many inputs).
    binarize : {None, "median", "quantile"}
        None (default): features must already be binary (-1/+1 or 0/1), anything
        else is a ValueError. "median": threshold each feature at its training
        median first (:class:`MedianBinarizer`), for real-valued data; "quantile"
        is the same at ``input_bits=1`` (and what ``input_bits`` > 1 does anyway).
    input_bits : int
        1 (default): binary features as above. b in 2..6: multi-bit inputs
        (:mod:`qbnn.model.input_levels`); real features are quantised into the 2^b odd
        levels at their training quantiles (:class:`qbnn.QuantileQuantizer`,
        fitted in ``fit``) and the first layer sums them with reversible adders.
        Not with ``meta``.
    time_limit : float or None
        Classical strategies: stop after this many seconds with the best found.
    robust : int or None
        Quantum strategies over all parameters: mark only configurations whose Hamming-radius-R
        neighbours also reach the target (:func:`qbnn.compile.robust.robust_problem`), the dense
        solutions the statistical physics of binary networks associates with generalisation.
    robust_fraction : float or None
        With ``robust``: at least this fraction of the neighbours, not all.
    random_state : int or None
        Seed of every measurement.

    Attributes
    ----------
    weights_, connections_ : arrays of the configuration found (connections_ is None without meta)
    oracle_calls_ : quantum oracle calls used (Grover iterations + measurements); None for a classical strategy
    network_evaluations_ : quantum strategies: applications of U or U-inverse (2k + 1 per measurement)
    forward_passes_ : classical strategies: forward passes over the training set
    success_ : whether the training-accuracy target was reached (a ``ConvergenceWarning`` says when it was not)
    classes_, n_features_in_

    Examples
    --------
    >>> from qbnn.model.data import paper_problem
    >>> data = paper_problem(1)
    >>> clf = QuantumBNNClassifier(hidden=(2,), strategy="bbht", random_state=0).fit(data.X, data.y)
    >>> clf.score(data.X, data.y), clf.success_, clf.connections_ is None
    (1.0, True, True)
    """

    def __init__(
        self,
        hidden=(2,),
        meta=False,
        strategy="bbht",
        min_accuracy=1.0,
        engine="structured",
        max_oracle_calls=None,
        max_parameters=DEFAULT_MAX_PARAMETERS,
        activation="paper",
        binarize=None,
        input_bits=1,
        block_size=None,
        sweeps=5,
        time_limit=None,
        robust=None,
        robust_fraction=None,
        random_state=None,
    ):
        self.hidden = hidden
        self.meta = meta
        self.strategy = strategy
        self.min_accuracy = min_accuracy
        self.engine = engine
        self.max_oracle_calls = max_oracle_calls
        self.max_parameters = max_parameters
        self.activation = activation
        self.binarize = binarize
        self.input_bits = input_bits
        self.block_size = block_size
        self.sweeps = sweeps
        self.time_limit = time_limit
        self.robust = robust
        self.robust_fraction = robust_fraction
        self.random_state = random_state

    def _binary_features(self, X: np.ndarray, *, fit: bool) -> np.ndarray:
        """The features the network sees: X itself, X thresholded at the training medians, or b-bit levels."""
        if self.input_bits != 1:
            return self._quantised_features(X, fit=fit)
        if self.binarize is None:
            return self._check_binary(X)
        if self.binarize not in ("median", "quantile"):
            raise ValueError(f"binarize={self.binarize!r} is not supported; use None (binary X), 'median' or 'quantile'")
        if fit:
            self.binarizer_ = MedianBinarizer().fit(X)
        return self.binarizer_.transform(X)

    def _quantised_features(self, X: np.ndarray, *, fit: bool) -> np.ndarray:
        """input_bits = b > 1: the 2^b odd levels at the training quantiles (QuantileQuantizer)."""
        from qbnn.model.quantize import QuantileQuantizer

        if fit:
            if self.meta:
                raise ValueError(f"{type(self).__name__}: meta=True works with input_bits=1 only (binary features)")
            self.quantizer_ = QuantileQuantizer(input_bits=self.input_bits).fit(X)
        return self.quantizer_.transform(X)

    def _check_binary(self, X: np.ndarray) -> np.ndarray:
        values = np.unique(X)
        if not np.isin(values, (-1.0, 0.0, 1.0)).all() or (0.0 in values and -1.0 in values):
            raise ValueError(
                f"{type(self).__name__} needs binary features in -1/+1 or 0/1, got values such as "
                f"{values[~np.isin(values, (-1.0, 0.0, 1.0))][:3].tolist() or values[:3].tolist()}; "
                "binarise them first, e.g. with qbnn.MedianBinarizer or sklearn.preprocessing.Binarizer"
            )
        return np.where(X > 0, 1, -1).astype(np.int8)

    def _check_params(self) -> None:
        """ValueError naming the parameter, per scikit-learn conventions (checked in fit, not __init__)."""
        from qbnn.compile.qbnn import ACTIVATIONS
        from qbnn.engines.registry import ENGINE_NAMES

        name = type(self).__name__
        if self.strategy not in STRATEGIES:
            raise ValueError(f"{name}: strategy={self.strategy!r} is not supported; choose one of {', '.join(STRATEGIES)}")
        if self.engine not in ENGINE_NAMES:
            raise ValueError(f"{name}: engine={self.engine!r} is not supported; choose one of {', '.join(ENGINE_NAMES)}")
        if self.activation not in ACTIVATIONS:
            raise ValueError(
                f"{name}: activation={self.activation!r} is not supported; choose one of {', '.join(ACTIVATIONS)}"
            )
        if not isinstance(self.min_accuracy, numbers.Real) or not 0.0 <= float(self.min_accuracy) <= 1.0:
            raise ValueError(f"{name}: min_accuracy={self.min_accuracy!r} must be a number in [0, 1]")
        if self.max_oracle_calls is not None and (
            not isinstance(self.max_oracle_calls, numbers.Integral) or self.max_oracle_calls < 1
        ):
            raise ValueError(f"{name}: max_oracle_calls={self.max_oracle_calls!r} must be None or an integer >= 1")
        if self.block_size is not None and (
            isinstance(self.block_size, bool) or not isinstance(self.block_size, numbers.Integral) or not 1 <= self.block_size <= 24
        ):
            raise ValueError(f"{name}: block_size={self.block_size!r} must be None or an integer in 1..24")
        if self.strategy in CLASSICAL_STRATEGIES and (self.block_size is not None or self.max_oracle_calls is not None):
            raise ValueError(
                f"{name}: strategy={self.strategy!r} is classical; block_size and max_oracle_calls belong to the "
                "quantum strategies (bound it with time_limit)"
            )
        if self.time_limit is not None and self.strategy not in CLASSICAL_STRATEGIES:
            raise ValueError(f"{name}: time_limit bounds the classical strategies; a quantum search is bounded by max_oracle_calls")
        if isinstance(self.sweeps, bool) or not isinstance(self.sweeps, numbers.Integral) or self.sweeps < 1:
            raise ValueError(f"{name}: sweeps={self.sweeps!r} must be an integer >= 1")
        if not all(isinstance(h, numbers.Integral) and h >= 1 for h in self._hidden_sizes()):
            raise ValueError(f"{name}: hidden={self.hidden!r} must be a tuple of layer sizes >= 1, e.g. (2,)")

    def _hidden_sizes(self) -> tuple:
        """``hidden`` as a tuple of layer sizes (a single int is one hidden layer, None none)."""
        return (self.hidden,) if isinstance(self.hidden, numbers.Integral) else tuple(self.hidden or ())

    def _network(self, n_features: int) -> Network:
        network = Network((n_features, *(int(h) for h in self._hidden_sizes()), 1), meta=bool(self.meta))
        if self.strategy in CLASSICAL_STRATEGIES:  # nothing in superposition: the classical trainers scale further
            return network
        if self.block_size is not None:  # block training: only a block is ever in superposition
            if int(self.block_size) > self.max_parameters:
                raise ValueError(
                    f"block_size={self.block_size} is above max_parameters={self.max_parameters} (2^B amplitudes per block)"
                )
            return network
        if network.num_parameters > self.max_parameters:
            raise ValueError(
                f"{network.describe()} has {network.num_parameters} parameter qubits, above max_parameters="
                f"{self.max_parameters} (the engine holds 2^p amplitudes); select fewer features or smaller hidden layers"
            )
        return network

    def _check_memory(self, network: Network, num_points: int) -> None:
        """Refuse, before compiling, a network whose simulation cannot fit in memory (ValueError)."""
        from qbnn.compile.counter import counter_activation_ancillas
        from qbnn.compile.neurons import paper_activation_ancillas
        from qbnn.core.memory import available_memory_bytes, format_bytes

        widest = max(network.layers[:-1])
        ancillas = (paper_activation_ancillas if self.activation == "paper" else counter_activation_ancillas)(widest)
        classical = ancillas + sum(network.layers) + num_points  # bit rows besides the parameters
        superposed = network.num_parameters if self.block_size is None else min(int(self.block_size), network.num_parameters)
        size = 1 << superposed
        need = 8 * size + classical * size // 8  # float64 amplitudes + one bit row per classical qubit
        have = available_memory_bytes()
        if need > have:
            raise ValueError(
                f"{network.describe()} on {num_points} points needs about {format_bytes(need)} to simulate "
                f"(2^{superposed} amplitudes, {classical} bit rows) but only {format_bytes(have)} is "
                "available; select fewer features, use smaller hidden layers or activation='counter'"
            )

    def fit(self, X, y):
        """Search the BNN's configuration by amplitude amplification on (X, y); returns self."""
        from qbnn.search import train

        self._check_params()
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        if self.classes_.size > 2:
            raise ValueError(
                f"Only binary classification is supported; y has {self.classes_.size} classes "
                f"{self.classes_.tolist()[:5]}; give exactly two classes"
            )
        if self.classes_.size < 2:
            raise ValueError(
                f"{type(self).__name__} needs two classes to learn from; y has only one class {self.classes_.tolist()}"
            )
        binary = self._binary_features(X, fit=True)
        labels = np.where(y == self.classes_[1], 1, -1).astype(np.int8)
        network = self._network(binary.shape[1])
        classical = self.strategy in CLASSICAL_STRATEGIES
        if not classical:
            self._check_memory(network, binary.shape[0])
        data = Dataset(binary, labels, name="fit data", input_bits=int(self.input_bits))
        target = resolve_target(data.num_points, min_accuracy=float(self.min_accuracy))
        problem = TrainingProblem(network, data, min_correct=target, activation=self.activation)
        if self.robust is not None:
            from qbnn.compile.robust import robust_problem
            from qbnn.search.training import check_strategy_options

            check_strategy_options(
                "block" if self.block_size is not None else self.strategy, classical=classical, robust=self.robust
            )
            problem = robust_problem(problem, int(self.robust), self.robust_fraction)
        if isinstance(self.random_state, numbers.Integral):
            seed = int(self.random_state)
        else:
            seed = int(check_random_state(self.random_state).randint(2**31 - 1))
        strategy = self.strategy
        if classical:
            from qbnn.baselines import train_classical

            result = train_classical(problem, strategy, seed=seed, time_limit=self.time_limit)
            self.oracle_calls_, self.network_evaluations_ = None, None
            self.forward_passes_ = int(result.forward_passes)
        else:
            if self.block_size is not None:
                from qbnn.search.block import BlockCoordinate

                strategy = BlockCoordinate(block_size=int(self.block_size), sweeps=int(self.sweeps))
            result = train(problem, strategy, engine=self.engine, seed=seed, max_oracle_calls=self.max_oracle_calls)
            self.oracle_calls_ = int(result.oracle_calls)
            self.network_evaluations_ = int(result.network_evaluations)
            self.forward_passes_ = None
        self.network_ = network
        self.weights_ = np.asarray(result.weights, dtype=np.int8)
        self.connections_ = None if result.connections is None else np.asarray(result.connections, dtype=np.int8)
        self.success_ = bool(result.success)
        self.train_correct_ = int(result.correct)
        self.result_ = result
        if not self.success_ and (self.strategy != "best" or float(self.min_accuracy) < 1.0):
            warnings.warn(
                f"{type(self).__name__} reached {result.correct}/{result.points} correct training points, below the "
                f"target min_accuracy={self.min_accuracy!r} ({result.target}); the best configuration found is kept. "
                "Lower min_accuracy, raise the budget, or use strategy='best' (the best accuracy within the budget)",
                ConvergenceWarning,
                stacklevel=2,
            )
        return self

    def decision_function(self, X) -> np.ndarray:
        """The network's output in {-1, +1} for each row of X."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return self.network_.forward(self._binary_features(X, fit=False), self.weights_, self.connections_).astype(np.int64)

    def predict(self, X) -> np.ndarray:
        """The class of each row of X (classes_[1] where the network outputs +1)."""
        check_is_fitted(self)
        return self.classes_[(self.decision_function(X) > 0).astype(int)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags
