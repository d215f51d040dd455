"""Quantum block training: Durr-Hoyer minimum finding over blocks of B parameters, the others fixed.

The paper's way past the 2^p wall (section 3): put only some parameters in
superposition and keep the rest at given values. :class:`BlockCoordinate`
starts from a seeded random configuration (or a given one), visits the
parameters in blocks of B consecutive indices in the documented parameter
order (docs/concepts/conventions.md), and for each block runs Durr-Hoyer minimum
finding over its 2^B settings with the other parameters folded into the
circuit as constants (:mod:`qbnn.compile.folded`). The incumbent is the
current configuration, so a block never lowers the training accuracy. It
stops after a sweep that improves nothing, after ``sweeps`` sweeps, or when
the oracle-call budget is spent.

Each block's U is compiled once from its op list and reused by every
threshold of that block; with the structured engine the Grover iterate is
memoized after one gate-by-gate run (:mod:`qbnn.engines.oplist`).

>>> from qbnn.problem import TrainingProblem
>>> from qbnn.search import train
>>> result = train(TrainingProblem.paper(2), BlockCoordinate(block_size=4, sweeps=3), seed=0)
>>> result.correct, len(result.sweeps) <= 3
(8, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from qbnn.errors import QbnnError
from qbnn.search.result import Progress, SearchTrace, TrainingResult, network_evaluations
from qbnn.search.minimum_finding import durr_hoyer
from qbnn.search.schedules import check_growth

if TYPE_CHECKING:
    from qbnn.problem import TrainingProblem

__all__ = ["BlockCoordinate", "BlockSession", "durr_hoyer_budget", "MAX_BLOCK_SIZE"]

#: Largest block: 2^B amplitudes and bit-rows per block search.
MAX_BLOCK_SIZE = 24


def durr_hoyer_budget(block_size: int) -> int:
    """Durr and Hoyer's bound for minimum finding over N = 2^B items: 22.5 sqrt(N) + 1.4 lg^2 N oracle calls.

    Within it the minimum is found with probability at least 1/2 (Durr & Hoyer 1996).
    """
    n = 1 << block_size
    return int(math.ceil(22.5 * math.sqrt(n) + 1.4 * block_size**2))


@dataclass
class BlockSession:
    """What :meth:`BlockCoordinate.run` works on: the whole problem and the engine name (no 2^p state)."""

    problem: TrainingProblem
    engine_name: str


@dataclass
class _BlockTrace(SearchTrace):
    """A search trace that also keeps the full parameter vector, per-sweep and per-block records."""

    vector: np.ndarray | None = None
    sweep_log: list[dict] = field(default_factory=list)
    block_log: list[dict] = field(default_factory=list)

    def to_result(self, strategy: str, engine: str, seed: int | None) -> TrainingResult:
        problem, network = self.problem, self.problem.network
        weights, connections = network.split_parameters(self.vector)
        index = None
        if network.num_parameters <= 62 and problem.condition is None:
            index = network.encode(weights, connections)
        return TrainingResult(
            success=self.success,
            index=index,
            weights=tuple(int(v) for v in weights),
            connections=None if connections is None else tuple(int(v) for v in connections),
            correct=self.best_correct,
            points=problem.data.num_points,
            target=problem.target,
            steps=len(self.ks),
            oracle_calls=self.calls,
            k_history=tuple(self.ks),
            strategy=strategy,
            seed=seed,
            engine=engine,
            network=tuple(network.layers),
            meta=network.meta,
            sweeps=tuple(self.sweep_log),
            blocks=tuple(self.block_log),
        )


@dataclass(frozen=True)
class BlockCoordinate:
    """Block-coordinate training: Durr-Hoyer over 2^B settings of each block of B parameters in turn.

    ``init`` is None (a seeded random configuration), a parameter vector (±1
    weights then 0/1 connections), or the path of a JSON file with a
    ``parameters`` object. ``block_calls`` bounds each block's minimum
    finding (default :func:`durr_hoyer_budget`). ``memoize`` replays the
    recorded Grover iterate on the structured engine (exact; False runs every
    gate of every iterate).
    """

    block_size: int = 8
    sweeps: int = 5
    init: object = None
    block_calls: int | None = None
    memoize: bool = True
    growth: float = 6 / 5
    name: str = field(default="block", init=False)

    def __post_init__(self) -> None:
        if not isinstance(self.block_size, (int, np.integer)) or not 1 <= self.block_size <= MAX_BLOCK_SIZE:
            raise QbnnError("{block_size} must be a whole number in 1.." + str(MAX_BLOCK_SIZE), block_size=self.block_size)
        if not isinstance(self.sweeps, (int, np.integer)) or self.sweeps < 1:
            raise QbnnError("{sweeps} must be a whole number >= 1", sweeps=self.sweeps)
        if self.block_calls is not None and self.block_calls < 1:
            raise QbnnError("{block_calls} must be >= 1", block_calls=self.block_calls)
        check_growth(self.growth)

    # --- the uniform strategy surface ------------------------------------------------

    def prepare(self, problem: TrainingProblem, engine: str) -> BlockSession:
        """Nothing to compile for the whole network: each block compiles its own U when visited."""
        if problem.condition is not None:
            raise QbnnError("{strategy} block chooses its own free parameters; drop {free}", strategy=..., free=...)
        if problem.exclude or problem.batch_size is not None:
            raise QbnnError("{strategy} block does not take {exclude} or {batch_size}", strategy=..., exclude=..., batch_size=...)
        if not isinstance(engine, str):
            raise QbnnError("{strategy} block needs an engine name; it compiles one circuit per block", strategy=...)
        return BlockSession(problem, engine)

    def initial_vector(self, problem: TrainingProblem, rng: np.random.Generator) -> np.ndarray:
        network = problem.network
        if self.init is None or (isinstance(self.init, str) and self.init == "random"):
            return network.bits_to_parameters(rng.integers(0, 2, network.num_parameters))
        from qbnn.model.conditioning import parse_values

        try:
            return parse_values(self.init if not isinstance(self.init, Path) else str(self.init), network)
        except QbnnError as exc:  # name the init parameter, not values
            renamed = {("init" if name == "values" else name): value for name, value in exc.parameters.items()}
            raise type(exc)(exc.template.replace("{values}", "{init}"), **renamed) from None

    def blocks(self, num_parameters: int) -> list[tuple[int, ...]]:
        """Consecutive blocks of ``block_size`` parameters in the documented order (the last may be shorter)."""
        b = self.block_size
        return [tuple(range(s, min(s + b, num_parameters))) for s in range(0, num_parameters, b)]

    def run(self, session: BlockSession, rng: np.random.Generator, budget: int, progress: Progress | None = None) -> SearchTrace:
        from qbnn.engines.oplist import FoldedEngine

        problem = session.problem
        network, data = problem.network, problem.data
        points = data.num_points
        vector = self.initial_vector(problem, rng)
        trace = _BlockTrace(problem, budget, progress)
        trace.vector = vector
        weights, connections = network.split_parameters(vector)
        trace.best_correct = int((network.forward(data.X, weights, connections) == data.y).sum())
        folded_engine = FoldedEngine(memoize=self.memoize) if session.engine_name == "structured" else None
        for sweep in range(self.sweeps):
            start_correct, start_calls, start_steps = trace.best_correct, trace.calls, len(trace.ks)
            for free in self.blocks(network.num_parameters):
                if trace.best_correct >= points or trace.calls >= budget:
                    break
                block_start, block_steps = trace.calls, len(trace.ks)
                sub = problem.variant(free=free, values=trace.vector, min_correct=None, exclude=())
                compiled = folded_engine.compile(sub) if folded_engine is not None else None
                self._minimum_finding(trace, sub, compiled, session.engine_name, rng, budget)
                trace.block_log.append(
                    {
                        "free": [free[0], free[-1]],
                        "correct": trace.best_correct,
                        "oracle_calls": trace.calls - block_start,
                        "network_evaluations": network_evaluations(trace.ks[block_steps:]),
                    }
                )
            trace.sweep_log.append(
                {
                    "accuracy": trace.best_correct / points,
                    "correct": trace.best_correct,
                    "oracle_calls": trace.calls - start_calls,
                    "network_evaluations": network_evaluations(trace.ks[start_steps:]),
                }
            )
            if trace.best_correct == start_correct or trace.best_correct >= points or trace.calls >= budget:
                break
        trace.success = trace.best_correct >= problem.target
        return trace

    def _minimum_finding(self, trace: _BlockTrace, sub: TrainingProblem, compiled, engine: str, rng, budget: int) -> None:
        """Durr-Hoyer over one block, the incumbent being the current configuration (so never worse)."""
        limit = min(budget, trace.calls + (self.block_calls or durr_hoyer_budget(len(sub.free))))
        if compiled is not None:
            prepare = compiled.amplification  # the block's U compiled once, every threshold on it
        else:
            from qbnn.engines.registry import get_engine

            prepare = get_engine(engine).prepare

        checked: dict[int, int] = {}  # the classical check of a configuration measured again (same answer)

        def measure(raised, k: int, target: int) -> None:
            index = int(raised.sample(k, rng))
            trace.calls += k + 1
            trace.ks.append(k)
            trace.thresholds.append(target)
            correct = checked.get(index)
            if correct is None:
                correct = checked[index] = sub.correct_count(index)
            if trace.progress is not None:
                trace.progress(trace.calls, trace.budget)
            if correct >= target:
                trace.best_correct, trace.vector = correct, sub.condition.vector(index)
                trace.calls_to_best = trace.calls

        durr_hoyer(
            sub,
            prepare,
            rng,
            best_correct=lambda: trace.best_correct,
            fits=lambda k: trace.calls + k + 1 <= limit,
            measure=measure,
            growth=self.growth,
        )
