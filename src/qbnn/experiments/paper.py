"""The paper's evidence (section 5, figures 3-6), recomputed from the circuits by an engine.

One function per figure; each returns plain data (dicts of lists and numbers)
that :mod:`qbnn.experiments.report` turns into PNGs, ``results.json`` and ``report.md``.
Everything random goes through numpy Generators seeded from
:attr:`ReproduceSettings.seed`, so the same settings give the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

from qbnn.engines.amplitude import optimal_iterations, success_curve
from qbnn.baselines.random_search import steps_for_confidence, success_curve as classical_curve
from qbnn.engines.protocol import Amplification
from qbnn.engines.registry import get_engine
from qbnn.problem import TrainingProblem
from qbnn.search import BBHT, PaperSchedule, paper_schedule_success_cdf, train
from qbnn.model.describe import describe_configuration

__all__ = ["ReproduceSettings", "PaperCases", "landscapes", "figure3", "figure4", "figure5", "figure6"]

Tick = Callable[[str], None]


@dataclass(frozen=True)
class ReproduceSettings:
    """Knobs of ``qbnn reproduce``; the defaults are the paper's (100 runs, 50 shots)."""

    runs: int = 100  # runs of the paper schedule (figure 5) and of BBHT meta-training (figure 6)
    shots: int = 50  # measurements per k in figure 4
    seed: int = 2019
    k_max: int = 12  # figure 4
    meta_k_max: int = 30  # figure 6
    engine: str = "structured"

    def to_json(self) -> dict:
        return asdict(self)

    def rng(self, *stream: int) -> np.random.Generator:
        """An independent, reproducible Generator per experiment (SeedSequence spawn keys)."""
        return np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=stream))


class PaperCases:
    """The four paper problems, each prepared once on the chosen engine and shared by the experiments."""

    def __init__(self, engine: str = "structured") -> None:
        self.engine = engine
        self._cache: dict[tuple[int, bool], tuple[TrainingProblem, Amplification]] = {}

    def get(self, number: int, meta: bool = False) -> tuple[TrainingProblem, Amplification]:
        if (number, meta) not in self._cache:
            problem = TrainingProblem.paper(number, meta=meta)
            self._cache[number, meta] = (problem, get_engine(self.engine).prepare(problem))
        return self._cache[number, meta]


def _label(number: int, meta: bool) -> str:
    return f"problem {number}" + (" meta" if meta else "")


def landscapes(cases: PaperCases) -> dict:
    """Solutions per case, from the exact landscape and, independently, from the circuit (P(success) at k=0 x N)."""
    out = {}
    for number in (1, 2):
        for meta in (False, True):
            problem, amp = cases.get(number, meta)
            summary = problem.landscape.summary()
            from_circuit = amp.success_probability(0) * problem.num_configurations
            out[_label(number, meta)] = {
                "solutions": summary["solutions"],
                "configurations": summary["configurations"],
                "parameters": summary["parameters"],
                "solutions_from_circuit": round(from_circuit, 9),
                "histogram": summary["histogram"],
                "qubits": problem.grover_iterate.num_qubits,
                "gates_per_iteration": len(problem.grover_iterate.data),
            }
    return out


def figure3(cases: PaperCases, settings: ReproduceSettings) -> dict:
    """Distribution over the 256 weight settings of problem 1 for k = 0, a sub-optimal k and the optimal k."""
    problem, amp = cases.get(1)
    k_opt = optimal_iterations(problem.num_solutions, problem.num_configurations)
    ks = [0, max(1, k_opt // 2), k_opt]
    return {
        "problem": 1,
        "k": ks,
        "distributions": {k: amp.distribution(k).tolist() for k in ks},
        "success_probability": [amp.success_probability(k) for k in ks],
        "solutions": np.flatnonzero(problem.good_mask).tolist(),
    }


def figure4(cases: PaperCases, settings: ReproduceSettings) -> dict:
    """Success probability vs k for problems 1 and 2: exact from the circuit, sin^2 law, and 50-shot estimates."""
    out = {}
    ks = list(range(settings.k_max + 1))
    for number in (1, 2):
        problem, amp = cases.get(number)
        amp.prefetch(ks)
        rng = settings.rng(4, number)
        exact = [amp.success_probability(k) for k in ks]
        theory = success_curve(problem.num_solutions, problem.num_configurations, ks).tolist()
        estimate = [float(problem.good_mask[amp.sample(k, rng, shots=settings.shots)].mean()) for k in ks]
        out[_label(number, False)] = {
            "label": _label(number, False),
            "k": ks,
            "exact": exact,
            "theory": theory,
            "estimate": estimate,
            "shots": settings.shots,
            "solutions": problem.num_solutions,
            "configurations": problem.num_configurations,
            "max_abs_error_vs_theory": float(np.max(np.abs(np.subtract(exact, theory)))),
            "optimal_k": optimal_iterations(problem.num_solutions, problem.num_configurations),
        }
    return out


def figure5(cases: PaperCases, settings: ReproduceSettings, tick: Tick | None = None) -> dict:
    """Runs of the paper schedule vs classical random search: cumulative success against steps."""
    out = {}
    for number in (1, 2):
        problem, amp = cases.get(number)
        m, n = problem.num_solutions, problem.num_configurations
        results = []
        for run in range(settings.runs):
            seed = int(settings.rng(5, number, run).integers(2**31))
            results.append(train(problem, PaperSchedule(), engine=amp, seed=seed))
            if tick:
                tick(f"figure 5, problem {number}: paper schedule run {run + 1}/{settings.runs}")
        steps = np.array([r.steps for r in results])
        calls = np.array([r.oracle_calls for r in results])
        evaluations = np.array([r.network_evaluations for r in results])
        horizon = int(max(steps.max(), steps_for_confidence(m, n, 0.99, replacement=False)))
        t = np.arange(1, horizon + 1)
        runs_curve = (steps[None, :] <= t[:, None]).mean(axis=1)
        exact = paper_schedule_success_cdf(amp.success_probability, horizon)
        out[_label(number, False)] = {
            "label": _label(number, False),
            "runs": settings.runs,
            "all_succeeded": bool(all(r.success and r.correct == r.points for r in results)),
            "steps": t.tolist(),
            "quantum_runs": runs_curve.tolist(),
            "quantum_exact": exact.tolist(),
            "classical_without": classical_curve(m, n, horizon, replacement=False).tolist(),
            "classical_with": classical_curve(m, n, horizon, replacement=True).tolist(),
            "steps_for_90_exact": int(np.argmax(exact > 0.9)) + 1,
            "steps_for_90_runs": int(np.argmax(runs_curve > 0.9)) + 1,
            "success_at_paper_steps_exact": float(exact[[4, 5][number - 1]]),
            "mean_steps": float(steps.mean()),
            "mean_oracle_calls": float(calls.mean()),
            "mean_network_evaluations": float(evaluations.mean()),
            "run_network_evaluations": evaluations.tolist(),
            "classical_steps_for_90_without_replacement": steps_for_confidence(m, n, 0.9, replacement=False),
            "classical_steps_for_90_with_replacement": steps_for_confidence(m, n, 0.9, replacement=True),
            "classical_mean_draws_without_replacement": (n + 1) / (m + 1),
        }
    return out


def figure6(cases: PaperCases, settings: ReproduceSettings, tick: Tick | None = None) -> dict:
    """Meta-training: success vs k, the learned structures (fixed optimal k) and BBHT runs' cost."""
    out = {}
    ks = list(range(settings.meta_k_max + 1))
    for number in (1, 2):
        problem, amp = cases.get(number, meta=True)
        m, n = problem.num_solutions, problem.num_configurations
        if tick:
            tick(f"figure 6, problem {number} meta: exact success for k = 0..{settings.meta_k_max}")
        amp.prefetch(ks)
        exact = [amp.success_probability(k) for k in ks]
        k_opt = optimal_iterations(m, n)
        # measure at the optimal k; of the solutions seen, show the sparsest (fewest connections), as a reader would
        draws = amp.sample(k_opt, settings.rng(6, number), shots=settings.shots)
        found = sorted({int(i) for i in draws if problem.is_good(int(i))})
        if found:
            chosen = min(found, key=lambda i: (int(problem.network.decode(i)[1].sum()), i))
        else:  # no solution among the shots: fall back to a seeded search
            chosen = train(problem, BBHT(), engine=amp, seed=settings.seed).index
        w, c = problem.network.decode(chosen)
        bbht = []
        for run in range(settings.runs):
            seed = int(settings.rng(6, number, run).integers(2**31))
            bbht.append(train(problem, BBHT(), engine=amp, seed=seed))
            if tick:
                tick(f"figure 6, problem {number} meta: BBHT run {run + 1}/{settings.runs}")
        calls = np.array([r.oracle_calls for r in bbht])
        evaluations = np.array([r.network_evaluations for r in bbht])
        window = range(16, 21)
        out[_label(number, True)] = {
            "label": _label(number, False),
            "network": problem.network,  # dropped from JSON by the report
            "solutions": m,
            "configurations": n,
            "k": ks,
            "exact": exact,
            "theory": success_curve(m, n, ks).tolist(),
            "max_abs_error_vs_theory": float(np.max(np.abs(np.subtract(exact, success_curve(m, n, ks))))),
            "optimal_k": k_opt,
            "success_at_optimal_k": exact[k_opt],
            "success_for_k_16_to_20": {k: exact[k] for k in window if k < len(exact)},
            "weights": [int(v) for v in w],
            "connections": [int(v) for v in c],
            "learned_correct": problem.correct_count(chosen),
            "learned_success": problem.is_good(chosen),
            "distinct_solutions_seen": len(found),
            "structure_shots": settings.shots,
            "structure": describe_configuration(problem.network, w, c),
            "bbht_runs": settings.runs,
            "bbht_all_succeeded": bool(all(r.success for r in bbht)),
            "bbht_mean_oracle_calls": float(calls.mean()),
            "bbht_median_oracle_calls": float(np.median(calls)),
            "bbht_mean_network_evaluations": float(evaluations.mean()),
            "classical_steps_for_90_without_replacement": steps_for_confidence(m, n, 0.9, replacement=False),
            "classical_mean_draws_without_replacement": (n + 1) / (m + 1),
        }
    return out
