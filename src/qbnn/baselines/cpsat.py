"""Exact training as a constraint program solved by Google OR-tools CP-SAT.

One Boolean per free parameter (1 = weight +1 / connection present); fixed
parameters (``problem.free``/``values``) are constants. For each distinct
input pattern and first-layer neuron the weighted inputs are x XNOR w (a
literal, ANDed with the connection bit under meta: an absent connection feeds
-1, i.e. never counts as +1); the neuron output is a reified "at least ceil(N/2)
of N inputs are +1" (sign(0) = +1). Multi-bit features use sign(x . w) >= 0,
a linear constraint. Hidden layers are XNORs of the previous outputs. The
objective maximises the correct points (points with the same input pattern
share their output literal); a target below all points is also a hard
constraint (the threshold oracle's question), and every excluded configuration
is cut off by one clause.

Unit of work (:mod:`qbnn.baselines.result`): the solver never evaluates the
network, so ``forward_passes`` is 0 and ``wall_time_s`` is the cost. The
reported ``correct`` is recomputed by :meth:`Network.forward`, never taken from
the objective; ``bound`` is the solver's proved upper bound on correct points
and ``optimal`` whether it proved the optimum.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict

import numpy as np

from qbnn.baselines.result import ClassicalTraining, check_time_limit, free_and_fixed, make_result
from qbnn.errors import QbnnError
from qbnn.model.input_levels import is_binary
from qbnn.model.network import firing_threshold
from qbnn.problem import TrainingProblem

__all__ = ["train_cpsat", "DEFAULT_TIME_LIMIT"]

METHOD = "cp-sat"
#: Seconds CP-SAT may search when no ``time_limit`` is given.
DEFAULT_TIME_LIMIT = 10.0


def _cp_model():
    """The CP-SAT module, or a one-line error if OR-tools is missing."""
    try:
        from ortools.sat.python import cp_model
    except ImportError:  # pragma: no cover - ortools is an optional extra
        from qbnn.errors import EngineUnavailableError

        raise EngineUnavailableError("method 'cp-sat' needs Google OR-tools: pip install ortools") from None
    return cp_model


class _Builder:
    """The CP-SAT model of one problem: parameter literals, neuron outputs, correct-point counts."""

    def __init__(self, problem: TrainingProblem, cp_model) -> None:
        self.problem, self.cp = problem, cp_model
        self.model = cp_model.CpModel()
        network = problem.network
        self.free, self.fixed = free_and_fixed(problem)
        self.true = self.model.new_constant(1)
        self.false = self.model.new_constant(0)
        self.bits: list = []  # one literal (or constant) per parameter, 1 = weight +1 / connection present
        free = set(int(i) for i in self.free)
        self.free_vars: dict[int, object] = {}
        for j in range(network.num_parameters):
            if j in free:
                var = self.model.new_bool_var(f"p{j}")
                self.free_vars[j] = var
                self.bits.append(var)
            else:
                self.bits.append(self.true if self.fixed[j] > 0 else self.false)

    def _const(self, lit) -> bool | None:
        """True/False for a constant literal, None for a variable."""
        if lit is self.true:
            return True
        if lit is self.false:
            return False
        return None

    def _not(self, lit):
        known = self._const(lit)
        if known is None:
            return lit.Not()
        return self.false if known else self.true

    def _xnor(self, a, b):
        """A literal equal to a XNOR b (1 when they agree)."""
        ka, kb = self._const(a), self._const(b)
        if ka is not None:
            return b if ka else self._not(b)
        if kb is not None:
            return a if kb else self._not(a)
        e = self.model.new_bool_var("")
        self.model.add_bool_xor([a, b, e])  # a ^ b ^ e = 1, i.e. e = XNOR(a, b)
        return e

    def _and(self, a, b):
        ka, kb = self._const(a), self._const(b)
        if ka is not None:
            return b if ka else self.false
        if kb is not None:
            return a if kb else self.false
        t = self.model.new_bool_var("")
        self.model.add_bool_or([a.Not(), b.Not(), t])
        self.model.add_implication(t, a)
        self.model.add_implication(t, b)
        return t

    def _fires(self, terms: list, weights: list[int], threshold: int):
        """A literal equal to [sum weights_i * terms_i >= threshold] (constants folded)."""
        constant, variables, coefficients = 0, [], []
        for lit, weight in zip(terms, weights):
            known = self._const(lit)
            if known is None:
                variables.append(lit)
                coefficients.append(weight)
            elif known:
                constant += weight
        need = threshold - constant
        low = sum(c for c in coefficients if c < 0)
        high = sum(c for c in coefficients if c > 0)
        if low >= need:
            return self.true
        if high < need:
            return self.false
        out = self.model.new_bool_var("")
        expression = sum(c * v for c, v in zip(coefficients, variables))
        self.model.add(expression >= need).only_enforce_if(out)
        self.model.add(expression <= need - 1).only_enforce_if(out.Not())
        return out

    def _first_layer(self, pattern: tuple[int, ...], binary: bool) -> list:
        network = self.problem.network
        fan_in, width = network.layers[0], network.layers[1]
        outputs = []
        for neuron in range(width):
            weights = [self.bits[network.weight_index(0, neuron, s)] for s in range(fan_in)]
            if not binary:  # sign(sum x_j w_j) >= 0 with w = 2b - 1: 2 sum x_j b_j >= sum x_j
                outputs.append(self._fires(weights, [2 * int(x) for x in pattern], int(sum(pattern))))
                continue
            terms = [w if x > 0 else self._not(w) for x, w in zip(pattern, weights)]
            if network.meta:
                terms = [self._and(t, self.bits[network.connection_index(neuron, s)]) for s, t in enumerate(terms)]
            outputs.append(self._fires(terms, [1] * fan_in, firing_threshold(fan_in)))
        return outputs

    def output(self, pattern: tuple[int, ...], binary: bool):
        """The network's output literal (1 = +1) on one input pattern."""
        network = self.problem.network
        activity = self._first_layer(pattern, binary)
        for layer in range(1, network.num_layers):
            fan_in, width = network.layers[layer], network.layers[layer + 1]
            activity = [
                self._fires(
                    [self._xnor(a, self.bits[network.weight_index(layer, neuron, s)]) for s, a in enumerate(activity)],
                    [1] * fan_in,
                    firing_threshold(fan_in),
                )
                for neuron in range(width)
            ]
        return activity[0]

    def correct_expression(self):
        """The number of correct points as a linear expression, and its constant part's bounds."""
        X, y = np.asarray(self.problem.data.X), np.asarray(self.problem.data.y)
        binary = is_binary(X)
        labels: dict[tuple[int, ...], list[int]] = defaultdict(lambda: [0, 0])  # pattern -> [#label -1, #label +1]
        for point, label in zip(X, y):
            labels[tuple(int(v) for v in point)][int(label > 0)] += 1
        total = 0
        for pattern, (negative, positive) in labels.items():
            out = self.output(pattern, binary)
            known = self._const(out)
            if known is None:
                total += negative + (positive - negative) * out  # positive if out else negative
            else:
                total += positive if known else negative
        return total

    def exclude(self, index: int) -> None:
        """Cut off one configuration of the free parameters: at least one free bit differs from it."""
        literals = [
            var.Not() if (index >> j) & 1 else var for j, var in enumerate(self.free_vars[int(p)] for p in self.free)
        ]
        self.model.add_bool_or(literals)

    def parameters(self, solver) -> np.ndarray:
        vector = self.fixed.copy()
        num_weights = self.problem.network.num_weights
        for j, var in self.free_vars.items():
            bit = int(solver.boolean_value(var))
            vector[j] = (2 * bit - 1) if j < num_weights else bit
        return vector


def _solve(problem, cp_model, target: int | None, seconds: float, seed: int | None, workers: int):
    """Build and solve once; returns (builder, solver, status)."""
    builder = _Builder(problem, cp_model)
    correct = builder.correct_expression()
    for index in problem.exclude:
        builder.exclude(index)
    if target is not None:
        builder.model.add(correct >= target)
    builder.model.maximize(correct)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(seconds, 0.01)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 0 if seed is None else int(seed) % (2**31)
    status = solver.solve(builder.model)
    return builder, solver, status


def train_cpsat(
    problem: TrainingProblem,
    *,
    seed: int | None = 0,
    time_limit: float | None = None,
    num_workers: int = 1,
) -> ClassicalTraining:
    """The most accurate configuration CP-SAT finds within ``time_limit`` seconds (default 10), with its proved bound."""
    started = time.perf_counter()
    cp_model = _cp_model()
    seconds = check_time_limit(time_limit)
    seconds = DEFAULT_TIME_LIMIT if seconds is None else seconds
    if int(num_workers) != num_workers or num_workers < 1:
        raise QbnnError("{num_workers} must be a whole number >= 1", num_workers=num_workers)
    points = problem.data.num_points
    target = problem.target if 0 < problem.target < points else None
    builder, solver, status = _solve(problem, cp_model, target, seconds, seed, int(num_workers))
    infeasible_target = False
    if target is not None and status == cp_model.INFEASIBLE:  # no configuration meets the target: report the best one
        infeasible_target = True
        remaining = seconds - (time.perf_counter() - started)
        builder, solver, status = _solve(problem, cp_model, None, remaining, seed, int(num_workers))
    if status == cp_model.INFEASIBLE:
        raise QbnnError("{exclude} rules out every configuration; exclude fewer", exclude=len(problem.exclude))
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    parameters = builder.parameters(solver) if found else builder.fixed  # nothing found in time: the fixed values, +1 elsewhere
    bound = points
    if found or status == cp_model.UNKNOWN:
        bound = min(points, int(math.floor(solver.best_objective_bound + 1e-6)))
    if infeasible_target:
        bound = min(bound, problem.target - 1)
    settings = {
        "time_limit": seconds,
        "num_workers": int(num_workers),
        "status": solver.status_name(status),
        "target_constraint": target is not None and not infeasible_target,
    }
    return make_result(
        problem,
        METHOD,
        parameters,
        forward_passes=0,
        started=started,
        seed=seed,
        optimal=status == cp_model.OPTIMAL,
        bound=bound,
        settings=settings,
    )
