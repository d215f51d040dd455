"""Landscape study (issue 27): estimated accuracy distribution vs epsilon, roughness, and which solutions generalise.

Three parts, each seeded and returned as JSON-ready dicts:

- :func:`epsilon_study`: the cost of estimating the fraction at one level to half-width epsilon, by MLAE on the
  threshold oracle (network evaluations) and by classical Monte Carlo (forward passes), over epsilon and seeds;
  fitted slopes of log cost against log(1/epsilon) (Brassard et al.: quantum 1, classical 2).
- :func:`roughness_study`: the exact roughness measures (and the circuit estimate of the single-flip change
  fraction) for the paper's problems, 3-bit parity and random teacher networks.
- :func:`generalisation_study`: random teachers with label noise; for each seed, the held-out accuracy and local
  entropy of solutions sampled by plain Grover (threshold oracle, structured engine), of solutions sampled by
  robust Grover (the robust oracle's marked set, sampled by the analytic engine under the sin^2 law, which
  tests/compile/test_robust.py checks against the structured engine), and of the most robust solutions;
  paired Wilcoxon tests over seeds.

``landscape_figure`` draws the first two.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from qbnn.compile.robust import robust_problem
from qbnn.search.landscape_estimate import estimate_flip_roughness
from qbnn.engines.amplitude import optimal_iterations
from qbnn.engines.registry import get_engine
from qbnn.search.landscape_estimate import estimate_landscape
from qbnn.landscape.generalisation import (
    held_out_accuracy,
    local_entropies,
    most_robust,
    paired_wilcoxon,
    teacher_split,
)
from qbnn.landscape.roughness import exact_roughness
from qbnn.model.data import parity_problem
from qbnn.model.network import Network
from qbnn.problem import TrainingProblem

__all__ = ["epsilon_study", "roughness_study", "generalisation_study", "landscape_figure", "run_landscape_study"]


class _Prepared:
    """One prepared amplification per target, reused across seeds and epsilons (distributions cached per k)."""

    name = "structured"

    def __init__(self) -> None:
        self.engine = get_engine("structured")
        self.cache: dict = {}

    def prepare(self, problem):
        key = (id(problem.base) if hasattr(problem, "base") else id(problem), problem.target)
        if key not in self.cache:
            self.cache[key] = self.engine.prepare(problem)
        return self.cache[key]


def _slope(epsilons, costs) -> float:
    return float(np.polyfit(np.log(1 / np.asarray(epsilons)), np.log(np.asarray(costs, dtype=float)), 1)[0])


def epsilon_study(
    cases: Sequence[tuple[str, TrainingProblem, int]] | None = None,
    epsilons: Sequence[float] = (0.04, 0.02, 0.01, 0.005, 0.0025, 0.00125),
    seeds: int = 8,
) -> dict:
    """Cost against epsilon for each (name, problem, level); mean over seeds, coverage, fitted slopes."""
    if cases is None:
        cases = [
            ("problem 2, level 5", TrainingProblem.paper(2), 5),
            ("problem 1 meta, level 7", TrainingProblem.paper(1, meta=True), 7),
            ("[5,2,1] teacher, level 10", TrainingProblem(*teacher_split((5, 2, 1), 12, 0.0, 0)[:2]), 10),
        ]
    rows = []
    for name, problem, level in cases:
        engine = _Prepared()
        quantum, classical, covered, total = [], [], 0, 0
        for eps in epsilons:
            runs = [estimate_landscape(problem, [level], precision=eps, seed=s, engine=engine, classical=False).levels[0]
                    for s in range(seeds)]
            quantum.append(float(np.mean([r.network_evaluations for r in runs])))
            classical.append(float(np.mean([r.classical_forward_passes for r in runs])))
            covered += sum(r.interval[0] <= r.exact_fraction <= r.interval[1] for r in runs)
            total += len(runs)
        rows.append({
            "case": name,
            "parameters": problem.num_parameters,
            "level": level,
            "exact_fraction": runs[0].exact_fraction,
            "epsilons": list(epsilons),
            "network_evaluations": quantum,
            "classical_forward_passes": classical,
            "quantum_slope": _slope(epsilons, quantum),
            "classical_slope": _slope(epsilons, classical),
            "coverage": covered / total,
        })
    return {"seeds": seeds, "confidence": 0.95, "shots": 64, "rows": rows}


def _roughness_cases() -> list[tuple[str, TrainingProblem]]:
    cases = [
        ("problem 1", TrainingProblem.paper(1)),
        ("problem 2", TrainingProblem.paper(2)),
        ("problem 2 meta", TrainingProblem.paper(2, meta=True)),
        ("3-bit parity [3,2,1]", TrainingProblem(Network((3, 2, 1)), parity_problem(3))),
    ]
    for seed in range(2):
        network, train, _, _ = teacher_split((5, 2, 1), 12, 0.1, seed)
        cases.append((f"[5,2,1] teacher seed {seed}, 12 points, 10% noise", TrainingProblem(network, train)))
    cases.append(("breast cancer [16,8,1], block of 12 (neuron 1's weights), the rest random", breast_cancer_block()))
    return cases


def real_data_generalisation(
    seeds: int = 12, block: int = 12, margin: float = 0.02, radius: int = 1, test_share: float = 0.3, dataset: str = "breast-cancer"
) -> dict:
    """Real-data blocks: do the most robust solutions generalise better than those uniform Grover sampling returns?

    Per seed: a stratified split (``test_share`` held out), [16,8,1] on breast cancer ([64,8,1] on digits 3 vs 8)
    with the first ``block`` weights free and the rest
    at seeded random values; the marked set is every setting within ``margin`` of the block's best training accuracy.
    Exactly, over all 2^block settings: the mean held-out accuracy of the marked set (what uniform sampling returns
    on average) and of its most robust members (largest local entropy at ``radius``); paired Wilcoxon over seeds.
    """
    from sklearn.model_selection import train_test_split

    from qbnn.model.data import Dataset

    rows, plain_acc, robust_acc = [], [], []
    for seed in range(seeds):
        full = breast_cancer_block(block, seed) if dataset == "breast-cancer" else digits_block(block, seed)
        X, y = full.data.X, full.data.y
        tr, te = train_test_split(np.arange(y.size), test_size=test_share, stratify=y, random_state=seed)
        train_data, test_data = Dataset(X[tr], y[tr], name="train"), Dataset(X[te], y[te], name="held out")
        problem = full.variant(data=train_data, min_correct=None)
        correct = problem.landscape.correct
        tau = int(math.ceil(correct.max() - margin * train_data.num_points))
        marked = np.flatnonzero(correct >= tau)
        robust = most_robust(correct, tau, radius)
        held = held_out_accuracy(problem.network, np.arange(correct.size), test_data, problem)
        entropy = local_entropies(correct, tau, radius)
        plain_acc.append(float(held[marked].mean()))
        robust_acc.append(float(held[robust].mean()))
        rows.append({
            "seed": seed, "target": tau, "marked": int(marked.size), "most_robust": int(robust.size),
            "held_out_plain": plain_acc[-1], "held_out_most_robust": robust_acc[-1],
            "local_entropy_plain": float(entropy[marked].mean()), "local_entropy_most_robust": float(entropy[robust].mean()),
        })
    return {
        "setting": {"dataset": dataset, "block": block, "margin": margin, "radius": radius, "test_share": test_share},
        "rows": rows,
        "held_out": paired_wilcoxon(plain_acc, robust_acc).to_json(),
    }


def breast_cancer_block(block: int = 12, seed: int = 0) -> TrainingProblem:
    """A real-data block: breast cancer's 16 most informative features cut at their medians, [16,8,1], the first
    ``block`` weights free and every other parameter at a seeded random value (what block training searches)."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.feature_selection import SelectKBest, f_classif

    from qbnn.classifier import MedianBinarizer
    from qbnn.model.data import Dataset

    bunch = load_breast_cancer()
    X = SelectKBest(f_classif, k=16).fit_transform(bunch.data, bunch.target)
    bits = MedianBinarizer().fit_transform(X).astype(np.int8)
    y = np.where(bunch.target == 1, 1, -1).astype(np.int8)
    network = Network((16, 8, 1))
    values = np.random.default_rng(seed).choice(np.array([-1, 1], dtype=np.int8), network.num_parameters)
    return TrainingProblem(network, Dataset(bits, y, name="breast cancer"), free=list(range(block)), values=values)


def digits_block(block: int = 12, seed: int = 0) -> TrainingProblem:
    """Digits 3 vs 8 (8x8 pixels > 7 of 16 as +1), [64,8,1], the first ``block`` weights free, the rest seeded random."""
    from sklearn.datasets import load_digits

    from qbnn.model.data import Dataset

    bunch = load_digits()
    keep = np.isin(bunch.target, (3, 8))
    bits = np.where(bunch.data[keep] > 7, 1, -1).astype(np.int8)
    y = np.where(bunch.target[keep] == 8, 1, -1).astype(np.int8)
    network = Network((64, 8, 1))
    values = np.random.default_rng(seed).choice(np.array([-1, 1], dtype=np.int8), network.num_parameters)
    return TrainingProblem(network, Dataset(bits, y, name="digits 3 vs 8"), free=list(range(block)), values=values)


def roughness_study(estimate: bool = True) -> dict:
    """Exact roughness (and the circuit estimate) of the paper's problems, parity and teacher networks."""
    rows = []
    for name, problem in _roughness_cases():
        land = problem.landscape
        row = {"case": name, "parameters": problem.num_parameters,
               **exact_roughness(land.correct, land.points, land.best_correct).to_json()}
        if estimate and problem.num_parameters <= 12 and problem.condition is None:
            est = estimate_flip_roughness(problem, precision=0.02, seed=0)
            row["estimated_change_fraction"] = est.change_fraction
            row["estimated_interval"] = list(est.interval)
            row["estimate_network_evaluations"] = est.network_evaluations
        rows.append(row)
    return {"threshold": "best accuracy of each landscape", "rows": rows}


def generalisation_study(
    layers=(5, 2, 1), train_points: int = 12, noise: float = 0.1, seeds: int = 12, samples: int = 20,
    radius: int = 1,
) -> dict:
    """Plain Grover vs robust Grover vs most robust solutions: held-out accuracy and local entropy, paired over seeds."""
    plain_acc, robust_acc, best_acc, plain_ent, robust_ent, rows = [], [], [], [], [], []
    for seed in range(seeds):
        network, train, test, _ = teacher_split(layers, train_points, noise, seed)
        problem = TrainingProblem(network, train)
        correct = problem.landscape.correct
        tau = int(correct.max())
        problem = problem.variant(min_correct=tau)
        rng = np.random.default_rng(seed)
        amp = get_engine("structured").prepare(problem)
        k = optimal_iterations(problem.num_solutions, problem.num_configurations)
        drawn = amp.sample(k, rng, shots=4 * samples)
        plain = drawn[problem.good_mask[drawn]][:samples]
        entropy_all = local_entropies(correct, tau, radius)
        best_solutions = most_robust(correct, tau, radius)
        # the robust oracle asks for at least the local entropy of the most robust solution (so it marks them)
        # (all solutions isolated: radius 0, i.e. every solution, the plain marked set)
        fraction = float(entropy_all[best_solutions[0]])
        robust = robust_problem(problem, radius, min(1.0, fraction)) if fraction > 0 else robust_problem(problem, 0)
        ramp = get_engine("analytic").prepare(robust)
        rk = optimal_iterations(robust.num_solutions, robust.num_configurations)
        rdrawn = ramp.sample(rk, rng, shots=4 * samples)
        robust_found = rdrawn[robust.good_mask[rdrawn]][:samples]
        pa = held_out_accuracy(network, plain, test).mean() if plain.size else math.nan
        ra = held_out_accuracy(network, robust_found, test).mean() if robust_found.size else math.nan
        ba = held_out_accuracy(network, best_solutions, test).mean()
        plain_acc.append(pa), robust_acc.append(ra), best_acc.append(ba)
        plain_ent.append(float(entropy_all[plain].mean()) if plain.size else math.nan)
        robust_ent.append(float(entropy_all[robust_found].mean()) if robust_found.size else math.nan)
        rows.append({
            "seed": seed, "threshold": tau, "points": train.num_points, "held_out_points": test.num_points,
            "solutions": problem.num_solutions, "robust_solutions": robust.num_solutions,
            "robust_fraction": robust.fraction, "plain_samples": int(plain.size), "robust_samples": int(robust_found.size),
            "plain_held_out": pa, "robust_held_out": ra, "most_robust_held_out": ba,
            "plain_local_entropy": plain_ent[-1], "robust_local_entropy": robust_ent[-1],
            "all_solutions_held_out": float(held_out_accuracy(network, np.flatnonzero(problem.good_mask), test).mean()),
        })
    return {
        "layers": list(layers), "train_points": train_points, "noise": noise, "seeds": seeds, "samples": samples,
        "radius": radius, "rows": rows,
        "robust_vs_plain": paired_wilcoxon(plain_acc, robust_acc).to_json(),
        "most_robust_vs_plain": paired_wilcoxon(plain_acc, best_acc).to_json(),
        "local_entropy_robust_vs_plain": paired_wilcoxon(plain_ent, robust_ent).to_json(),
    }


def landscape_figure(epsilon: dict, roughness: dict):
    """Cost against 1/epsilon (log-log, quantum and classical) and autocorrelation against Hamming distance."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 4))
    left, right = figure.subplots(1, 2)
    for row in epsilon["rows"]:
        inv = 1 / np.asarray(row["epsilons"])
        left.loglog(inv, row["network_evaluations"], "o-", label=f"{row['case']}: MLAE (slope {row['quantum_slope']:.2f})")
        left.loglog(inv, row["classical_forward_passes"], "s--",
                    label=f"{row['case']}: Monte Carlo (slope {row['classical_slope']:.2f})")
    left.set_xlabel("1 / epsilon (interval half-width)")
    left.set_ylabel("network evaluations / forward passes")
    left.legend(fontsize=6)
    for row in roughness["rows"]:
        rho = [np.nan if v is None else v for v in row["autocorrelation"]]
        right.plot(range(len(rho)), rho, "o-", label=row["case"])
    right.set_xlabel("Hamming distance d")
    right.set_ylabel("autocorrelation of correct points")
    right.legend(fontsize=6)
    figure.tight_layout()
    return figure


def run_landscape_study(output=None, seeds: int = 8) -> dict:
    """All three parts; with ``output`` (a directory) also landscape_study.json and landscape_study.png."""
    result = {
        "epsilon": epsilon_study(seeds=seeds),
        "roughness": roughness_study(),
        "generalisation": generalisation_study(),
    }
    if output is not None:
        import json
        from pathlib import Path

        out = Path(output)
        out.mkdir(parents=True, exist_ok=True)
        (out / "landscape_study.json").write_text(json.dumps(result, indent=1, default=float))
        landscape_figure(result["epsilon"], result["roughness"]).savefig(out / "landscape_study.png", dpi=120)
    return result
