"""How much Pauli noise training by amplitude amplification survives (issue 15).

For each error rate r, noisy trajectories of U Q^k (:mod:`qbnn.engines.amplify_noisy`)
give the success probability P_r(k) for k = 0..K; the table keeps the best
k >= 1 and the expected oracle calls to a solution when U Q^k is run and
measured until a solution appears, (k + 1) / P_r(k), minimised over k.
Classical random search (with replacement) needs N / M calls; measuring
after U alone (k = 0) is exactly that, whatever the noise. The crossover is
the first rate of the grid at which no k >= 1 beats it.

The best k falls as the rate rises (errors pile up with every iterate), and a
trajectory costs more the more iterates it runs, so ``adaptive_k`` tries each
rate on k <= 4 first and doubles the range while its best k lies on the range's
edge (up to ``max_k``): the high rates, where a run to the noiseless optimum
would suffer tens of errors, then cost a few iterates. Stopping when the best k
is inside the range is a rule, not a proof that no larger k does better;
every row records the range it tried.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qbnn.engines.amplify_noisy import NoisyAmplification
from qbnn.simulator.noise import PauliNoise
from qbnn.problem import TrainingProblem

__all__ = ["NoiseStudyRow", "NoiseStudy", "noise_study", "study_table", "study_figure", "ADAPTIVE_START_K"]

#: The first range an adaptive study tries at each rate: k = 0..4.
ADAPTIVE_START_K = 4


@dataclass(frozen=True)
class NoiseStudyRow:
    """One error rate: the best k >= 1, its success probability (and interval), expected oracle calls."""

    rate: float
    best_k: int
    best_success_probability: float
    interval: tuple[float, float]
    expected_oracle_calls: float
    success_probability: tuple[float, ...]  # per k = 0..K

    @property
    def calls_interval(self) -> tuple[float, float]:
        """Expected oracle calls at the best k over the success probability's interval: (k + 1) / high, (k + 1) / low."""
        low, high = self.interval
        calls = self.best_k + 1
        return (calls / high if high > 0 else math.inf, calls / low if low > 0 else math.inf)

    @property
    def max_k(self) -> int:
        """The largest k tried at this rate."""
        return len(self.success_probability) - 1

    @property
    def at_edge(self) -> bool:
        """True when the best k is the largest one tried: a longer range might do better."""
        return self.best_k == self.max_k


@dataclass(frozen=True)
class NoiseStudy:
    """Best success probability and expected oracle calls against the error rate, beside random search."""

    problem: str
    meta: bool
    model: str
    solutions: int
    configurations: int
    trajectories: int
    seed: int | None
    max_k: int
    noiseless_best_k: int
    noiseless_expected_oracle_calls: float
    rows: tuple[NoiseStudyRow, ...] = field(default=())

    @property
    def random_search_oracle_calls(self) -> float:
        """Expected guesses of random search with replacement: N / M."""
        return self.configurations / self.solutions

    @property
    def crossover_rate(self) -> float | None:
        """The first rate of the grid at which amplitude amplification no longer beats random search."""
        for row in self.rows:
            if row.expected_oracle_calls >= self.random_search_oracle_calls:
                return row.rate
        return None

    @property
    def crossover_interpolated(self) -> float | None:
        """The crossover between the two grid rates around it, interpolating log(calls) linearly in log(rate)."""
        target = self.random_search_oracle_calls
        rows = [row for row in self.rows if row.rate > 0 and math.isfinite(row.expected_oracle_calls)]
        for below, above in zip(rows, rows[1:]):
            if below.expected_oracle_calls < target <= above.expected_oracle_calls:
                x0, x1 = math.log(below.rate), math.log(above.rate)
                y0, y1 = math.log(below.expected_oracle_calls), math.log(above.expected_oracle_calls)
                return math.exp(x0 + (math.log(target) - y0) * (x1 - x0) / (y1 - y0))
        return None

    def to_json(self) -> dict:
        return {
            "problem": self.problem,
            "meta": self.meta,
            "model": self.model,
            "solutions": self.solutions,
            "configurations": self.configurations,
            "trajectories": self.trajectories,
            "seed": self.seed,
            "max_k": self.max_k,
            "random_search_oracle_calls": self.random_search_oracle_calls,
            "noiseless_best_k": self.noiseless_best_k,
            "noiseless_expected_oracle_calls": self.noiseless_expected_oracle_calls,
            "crossover_rate": self.crossover_rate,
            "crossover_interpolated": self.crossover_interpolated,
            "rows": [
                {
                    "rate": row.rate,
                    "best_k": row.best_k,
                    "best_success_probability": row.best_success_probability,
                    "interval": list(row.interval),
                    "expected_oracle_calls": row.expected_oracle_calls,
                    "expected_oracle_calls_interval": list(row.calls_interval),
                    "success_probability": list(row.success_probability),
                    "max_k": row.max_k,
                    "best_k_at_edge": row.at_edge,
                }
                for row in self.rows
            ],
        }


def _best(probabilities: Sequence[float]) -> tuple[int, float]:
    """k >= 1 minimising (k + 1) / P(k), and that value."""
    calls = [(k + 1) / p if p > 0 else math.inf for k, p in enumerate(probabilities)]
    k = min(range(1, len(calls)), key=lambda j: calls[j])
    return k, calls[k]


def noise_study(
    problem: TrainingProblem,
    rates: Sequence[float],
    *,
    model: str = "depolarizing",
    trajectories: int = 100,
    seed: int | None = 0,
    max_k: int | None = None,
    adaptive_k: bool = False,
    name: str = "",
    client=None,
    on_rate=None,
) -> NoiseStudy:
    """Noisy success probabilities of ``problem`` for k = 0..max_k at each rate (default max_k: 1.5x the noiseless optimum).

    With ``adaptive_k`` each rate starts at k <= 4 and doubles its range while the best k is the range's
    last (see the module docstring). With a Dask ``client`` the trajectories run on its workers (the same
    numbers, trajectory by trajectory). ``on_rate(done, total)`` is called after each rate.

    >>> study = noise_study(TrainingProblem.paper(1), [0.0], trajectories=2)
    >>> study.rows[0].best_k, round(study.rows[0].best_success_probability, 4), study.crossover_rate
    (3, 0.8969, None)
    """
    exact = NoisyAmplification(problem, PauliNoise(model, 0.0), trajectories=max(2, int(trajectories)), seed=seed, client=client)
    m, n = problem.num_solutions, problem.num_configurations
    if max_k is None:
        theta = math.asin(math.sqrt(m / n))
        max_k = max(2, math.ceil(1.5 * math.pi / (4 * theta)))
    ks = list(range(max_k + 1))
    noiseless = [exact.exact.success_probability(k) for k in ks]
    best_k, best_calls = _best(noiseless)
    rows = []
    grid = sorted(float(r) for r in rates)
    for done, rate in enumerate(grid, start=1):
        amplification = exact.with_noise(PauliNoise(model, rate))
        top = min(ADAPTIVE_START_K, max_k) if adaptive_k else max_k
        while True:
            estimate = amplification.estimate(range(top + 1))
            k, calls = _best(estimate.success_probability)
            if not adaptive_k or k < top or top >= max_k:
                break
            top = min(2 * top, max_k)
        rows.append(NoiseStudyRow(rate, k, estimate.success_probability[k], estimate.interval[k], calls, estimate.success_probability))
        if on_rate is not None:
            on_rate(done, len(grid))
    return NoiseStudy(
        problem=name or problem.data.name,
        meta=problem.network.meta,
        model=model,
        solutions=m,
        configurations=n,
        trajectories=int(trajectories),
        seed=seed,
        max_k=max_k,
        noiseless_best_k=best_k,
        noiseless_expected_oracle_calls=best_calls,
        rows=tuple(rows),
    )


def study_table(studies: Sequence[NoiseStudy]) -> str:
    """Markdown: per problem and rate, best k, its success probability (interval) and expected oracle calls."""
    lines = [
        "| problem | error rate | best k (of 0..K) | success probability (95% interval) | expected oracle calls (interval) | random search |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for study in studies:
        label = study.problem + (" (meta)" if study.meta else "")
        lines.append(
            f"| {label} | 0 | {study.noiseless_best_k} (of {study.max_k}) | exact | {study.noiseless_expected_oracle_calls:.1f} | "
            f"{study.random_search_oracle_calls:.1f} |"
        )
        for row in study.rows:
            lo, hi = row.interval
            edge = ", at the edge" if row.at_edge else ""
            lines.append(
                f"| {label} | {row.rate:g} | {row.best_k} (of {row.max_k}{edge}) | {row.best_success_probability:.4f} ({lo:.4f}-{hi:.4f}) | "
                f"{row.expected_oracle_calls:.1f} ({row.calls_interval[0]:.1f}-{row.calls_interval[1]:.1f}) | "
                f"{study.random_search_oracle_calls:.1f} |"
            )
        crossover, between = study.crossover_rate, study.crossover_interpolated
        where = "a rate above the grid" if crossover is None else f"{crossover:g} of the grid"
        if between is not None:
            where += f" (about {between:.2g}, interpolated)"
        lines.append(f"| {label} | crossover | | amplitude amplification stops beating random search at {where} | | |")
    return "\n".join(lines)


def study_figure(studies: Sequence[NoiseStudy], path: str | Path) -> Path:
    """Two panels against the error rate: best success probability, expected oracle calls (random search dashed)."""
    from qbnn.figures.paper import plt, save_figure

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for study in studies:
        label = study.problem + (" meta" if study.meta else "")
        rates = [row.rate for row in study.rows if row.rate > 0]
        rows = [row for row in study.rows if row.rate > 0]
        line = left.errorbar(
            rates,
            [row.best_success_probability for row in rows],
            yerr=[[row.best_success_probability - row.interval[0] for row in rows],
                  [row.interval[1] - row.best_success_probability for row in rows]],
            marker="o", capsize=3, label=label,
        )
        color = line[0].get_color()
        left.axhline(study.solutions / study.configurations, color=color, linestyle=":", linewidth=1)
        calls = [row.expected_oracle_calls for row in rows]
        spread = [[c - row.calls_interval[0] for c, row in zip(calls, rows)],
                  [min(row.calls_interval[1], 10 * c) - c for c, row in zip(calls, rows)]]  # an infinite end drawn at 10x
        right.errorbar(rates, calls, yerr=spread, marker="o", capsize=3, color=color, label=f"{label}: amplitude amplification")
        right.axhline(study.random_search_oracle_calls, color=color, linestyle="--", linewidth=1, label=f"{label}: random search N/M")
    left.set_xscale("log")
    left.set_xlabel("error rate per gate and qubit")
    left.set_ylabel("best success probability (k >= 1)")
    left.set_title("dotted: M/N (a random guess)")
    left.legend(fontsize=8)
    right.set_xscale("log")
    right.set_yscale("log")
    right.set_xlabel("error rate per gate and qubit")
    right.set_ylabel("expected oracle calls to a solution")
    right.legend(fontsize=7)
    return save_figure(fig, path)
