"""``qbnn demo --dataset breast-cancer|digits``: quantum block training against the strongest classical trainers.

Over ``seeds`` seeds, each a fresh stratified ``folds``-fold split, on the same
binary features and the same BNN, per fold:

- ``quantum``: block training (:class:`~qbnn.search.block.BlockCoordinate`:
  Durr-Hoyer over 2^B settings per block, circuits simulated exactly on the
  structured engine); its work is counted in *network evaluations*
  (applications of U or U-inverse, 2k + 1 per measurement after k iterates),
  its oracle calls (k + 1) beside them;
- ``exhaustive``, ``random-blocks``, ``greedy-blocks``: the same blocks from
  the same start, searched classically: every one of the 2^B settings; as many
  uniformly random settings as the quantum run's network evaluations in that
  block; single-flip greedy ascent inside the block (random restarts inside
  the block at a local optimum) with that same budget. The classical searches
  follow the quantum run's sequence of blocks;
- ``local-search``, ``ste``, ``cp-sat``: :func:`qbnn.baselines.train_classical`
  (single-flip local search with restarts; a correct, cross-validated
  straight-through estimator; CP-SAT given the quantum run's wall time);
- ``logistic``, ``logistic-raw``, ``majority``: logistic regression on the same
  bits, on the raw standardised features (the ceiling), the majority class.

Every (seed, fold, method) row is kept; the summary gives train and held-out
accuracy as mean ± sd over the seeds (each seed's mean over its folds), work
and wall time per fold, and the paired Wilcoxon signed-rank p-value of the
quantum row's held-out accuracy against each other method over seeds × folds.

Breast cancer: ``features`` (16) features chosen by F-test inside each fold,
binarised at the training medians, BNN [16, 8, 1] (136 weights). Digits: the
hard pair 3 vs 8, 8x8 pixels binarised at > 7 (of 0..16), BNN [64, 8, 1]
(520 weights). Settings check themselves (:class:`~qbnn.errors.QbnnError`
naming the parameter).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np

from qbnn.errors import QbnnError
from qbnn.experiments.demo import BREAST_CANCER_FEATURES, check_hidden, check_samples, check_whole

__all__ = [
    "RealDataSettings",
    "RealDataRow",
    "RealDataResult",
    "run_real_data_study",
    "DATASETS",
    "METHODS",
    "block_search",
    "wilcoxon_p",
]

DATASETS = ("breast-cancer", "digits")

#: Method keys in the order of the table.
METHODS = (
    "quantum",
    "exhaustive",
    "random-blocks",
    "greedy-blocks",
    "local-search",
    "ste",
    "cp-sat",
    "logistic",
    "logistic-raw",
    "majority",
)


@dataclass(frozen=True)
class RealDataSettings:
    """One study: dataset, network, block training, folds and seeds (seeds ``seed`` .. ``seed + seeds - 1``)."""

    dataset: str = "breast-cancer"
    hidden: tuple[int, ...] = (8,)
    features: int | None = None  # breast cancer only (default 16): F-test selection inside each fold
    block_size: int = 12
    sweeps: int = 5
    folds: int = 5
    seeds: int = 5
    max_samples: int | None = None
    seed: int = 0
    activation: str = "counter"
    methods: tuple[str, ...] = METHODS
    cp_sat_time_limit: float | None = None  # None: the quantum run's wall time in that fold

    def __post_init__(self) -> None:
        from qbnn.search.block import MAX_BLOCK_SIZE

        if self.dataset not in DATASETS:
            raise QbnnError("{dataset} does not exist; choose one of " + ", ".join(DATASETS) + ", mnist", dataset=self.dataset)
        if self.dataset == "digits" and self.features is not None:
            raise QbnnError(
                "{features} does not apply to {dataset} (all 64 pixels are the inputs)", features=..., dataset="digits"
            )
        if self.features is not None:
            if not isinstance(self.features, (int, np.integer)) or not 1 <= self.features <= BREAST_CANCER_FEATURES:
                raise QbnnError(
                    "{features} must lie in 1.." + f"{BREAST_CANCER_FEATURES} (breast cancer has 30 features)",
                    features=self.features,
                )
        object.__setattr__(self, "hidden", check_hidden(self.hidden))
        check_whole("block_size", self.block_size, 1, MAX_BLOCK_SIZE)
        check_whole("sweeps", self.sweeps, 1)
        if not isinstance(self.folds, (int, np.integer)) or self.folds < 2:
            raise QbnnError("{folds} must be at least 2", folds=self.folds)
        check_whole("seeds", self.seeds, 1, 1000)
        check_whole("seed", self.seed, 0)
        check_samples(self.max_samples, self.folds)
        unknown = [m for m in self.methods if m not in METHODS]
        if unknown or "quantum" not in self.methods:
            raise QbnnError(
                "{methods} must include quantum and name only " + ", ".join(METHODS), methods=",".join(self.methods)
            )
        object.__setattr__(self, "methods", tuple(m for m in METHODS if m in self.methods))
        if self.cp_sat_time_limit is not None and not float(self.cp_sat_time_limit) > 0:
            raise QbnnError("{cp_sat_time_limit} must be a number of seconds > 0", cp_sat_time_limit=self.cp_sat_time_limit)

    @property
    def num_features(self) -> int:
        return 64 if self.dataset == "digits" else (16 if self.features is None else int(self.features))


@dataclass(frozen=True)
class RealDataRow:
    """One method over every seed and fold."""

    method: str
    label: str
    train_mean: float  # mean over seeds of each seed's mean over folds
    train_std: float  # sd over seeds
    test_mean: float
    test_std: float
    network_evaluations: float | None  # quantum: mean per fold (2k + 1 per measurement)
    forward_passes: float | None  # classical searches: mean per fold
    oracle_calls: float | None  # quantum: mean per fold (k + 1 per measurement, as the paper counts)
    seconds: float  # mean wall time per fold, measured in this run
    wilcoxon_p: float | None  # held-out accuracy, paired over seeds x folds, quantum against this method
    wins: int | None  # folds where quantum's held-out accuracy is higher / equal / lower
    ties: int | None
    losses: int | None

    def markdown(self) -> str:
        work = self.network_evaluations if self.network_evaluations is not None else self.forward_passes
        shown = "-" if work is None else f"{work:,.0f}"
        p = "-" if self.wilcoxon_p is None else f"{self.wilcoxon_p:.3g}"
        record = "-" if self.wins is None else f"{self.wins}/{self.ties}/{self.losses}"
        return (
            f"| {self.label} | {self.train_mean:.3f} ± {self.train_std:.3f} | {self.test_mean:.3f} ± {self.test_std:.3f} "
            f"| {shown} | {self.seconds:.2f} | {p} | {record} |"
        )


@dataclass(frozen=True)
class RealDataResult:
    dataset: str
    samples: int
    layers: tuple[int, ...]
    parameters: int
    settings: RealDataSettings
    rows: list[RealDataRow] = field(default_factory=list)
    folds: list[dict] = field(default_factory=list)  # one row per seed, fold and method

    def to_json(self) -> dict:
        return {
            "dataset": self.dataset,
            "samples": self.samples,
            "network": list(self.layers),
            "parameters": self.parameters,
            "settings": asdict(self.settings),
            "methods": [asdict(r) for r in self.rows],
            "folds": list(self.folds),
        }

    def markdown(self) -> str:
        s = self.settings
        head = [
            f"{self.dataset}: {self.samples} samples, BNN {list(self.layers)} ({self.parameters} weights), "
            f"blocks of {s.block_size}, at most {s.sweeps} sweeps, {s.folds}-fold CV, seeds {s.seed}..{s.seed + s.seeds - 1}",
            "",
            "| method | train accuracy | held-out accuracy | network evaluations (quantum) or forward passes per fold "
            "| seconds per fold | Wilcoxon p (quantum vs) | quantum better/equal/worse |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        return "\n".join(head + [r.markdown() for r in self.rows])


def load_real_data(name: str, max_samples: int | None, seed: int) -> tuple[np.ndarray, np.ndarray, str]:
    """Raw features and 0/1 labels of ``name`` (digits: 3 vs 8, pixel intensities 0..16)."""
    from sklearn.datasets import load_breast_cancer, load_digits

    if name == "breast-cancer":
        bunch = load_breast_cancer()
        X, y, title = bunch.data, bunch.target, "breast cancer (scikit-learn)"
    elif name == "digits":
        bunch = load_digits()
        keep = np.isin(bunch.target, (3, 8))
        X = bunch.data[keep]
        y, title = (bunch.target[keep] == 8).astype(int), "digits 3 vs 8 (scikit-learn, pixels > 7)"
    else:
        raise QbnnError("{dataset} does not exist; choose one of " + ", ".join(DATASETS), dataset=name)
    if max_samples is not None and max_samples < len(y):
        pick = np.sort(np.random.default_rng(seed).choice(len(y), size=max_samples, replace=False))
        X, y = X[pick], y[pick]
    return X, y, title


def exhaustive_blocks(problem, blocks: list[tuple[int, ...]], vector: np.ndarray, sweeps: int) -> tuple[np.ndarray, int, int]:
    """The block algorithm with classical exhaustive search: the best of 2^B forward passes per block.

    Keeps the current setting on ties (so it never gets worse); returns (vector, correct, forward passes).
    """
    from qbnn.model.conditioning import Condition

    network, data = problem.network, problem.data
    correct = int(network.correct_counts(vector[None, :], data.X, data.y)[0])
    passes = 0
    for _ in range(sweeps):
        before = correct
        for free in blocks:
            if correct == data.num_points:
                break
            condition = Condition(network, free, vector)
            counts = network.correct_counts(condition.vectors(np.arange(condition.num_configurations)), data.X, data.y)
            passes += condition.num_configurations
            best = int(np.argmax(counts))
            if counts[best] > correct:
                vector, correct = condition.vector(best), int(counts[best])
        if correct == before or correct == data.num_points:
            break
    return vector, correct, passes


def _flip(network, vector: np.ndarray, positions) -> np.ndarray:
    """One copy of ``vector`` per position with that parameter flipped (weights ±1, connections 0/1)."""
    out = np.repeat(vector[None, :], len(positions), axis=0)
    rows = np.arange(len(positions))
    cols = np.asarray(positions)
    weights = cols < network.num_weights
    out[rows[weights], cols[weights]] *= -1
    out[rows[~weights], cols[~weights]] = 1 - out[rows[~weights], cols[~weights]]
    return out


def block_search(
    problem, visits: list[tuple[tuple[int, ...], int]], vector: np.ndarray, rng: np.random.Generator, kind: str
) -> tuple[np.ndarray, int, int]:
    """Visit ``(block, budget)`` in turn and search each block classically with ``budget`` forward passes.

    ``kind`` "random": the best of ``budget`` uniformly random settings of the block; "greedy": steepest
    single-flip ascent inside the block from the current setting, restarting from a random setting of the
    block at a local optimum. The incumbent is kept on ties. Returns (vector, correct, forward passes).
    """
    from qbnn.model.conditioning import Condition

    network, data = problem.network, problem.data
    X, y = data.X, data.y
    correct = int(network.correct_counts(vector[None, :], X, y)[0])
    passes = 0
    for free, budget in visits:
        if correct == data.num_points:
            break
        condition = Condition(network, free, vector)
        left = int(budget)
        if kind == "random":
            while left > 0:
                draw = min(left, 4096)
                candidates = condition.vectors(rng.integers(0, condition.num_configurations, size=draw))
                counts = network.correct_counts(candidates, X, y)
                left -= draw
                passes += draw
                if counts.max() > correct:
                    vector, correct = candidates[int(np.argmax(counts))].copy(), int(counts.max())
            continue
        here, here_correct = vector, correct
        while left > 0:
            flips = list(free)[: left]
            neighbours = _flip(network, here, flips)
            counts = network.correct_counts(neighbours, X, y)
            left -= len(flips)
            passes += len(flips)
            best = int(np.argmax(counts))
            if counts[best] > here_correct:
                here, here_correct = neighbours[best], int(counts[best])
                if here_correct > correct:
                    vector, correct = here.copy(), here_correct
                    condition = Condition(network, free, vector)
                continue
            if left <= 0:
                break
            here = condition.vectors(rng.integers(0, condition.num_configurations, size=1))[0]  # restart in the block
            here_correct = int(network.correct_counts(here[None, :], X, y)[0])
            left -= 1
            passes += 1
    return vector, correct, passes


def wilcoxon_p(a, b) -> float | None:
    """Two-sided paired Wilcoxon signed-rank p-value of a against b (1.0 when every pair is equal)."""
    from scipy.stats import wilcoxon

    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if len(a) < 2:
        return None
    if np.allclose(a, b):
        return 1.0
    return float(wilcoxon(a, b).pvalue)


def _labels(settings: RealDataSettings) -> dict[str, str]:
    b = settings.block_size
    return {
        "quantum": f"quantum block training (Durr-Hoyer, blocks of {b}, structured engine)",
        "exhaustive": f"same blocks, classical exhaustive search (2^{b} per block)",
        "random-blocks": "same blocks, random search with the quantum run's network evaluations per block",
        "greedy-blocks": "same blocks, greedy single-flip search with the quantum run's network evaluations per block",
        "local-search": "local search (single flips, random restarts)",
        "ste": "straight-through estimator, tuned by internal CV",
        "cp-sat": "CP-SAT with the quantum run's wall time",
        "logistic": "logistic regression, same bits",
        "logistic-raw": "logistic regression, raw features (ceiling)",
        "majority": "majority class",
    }


def run_real_data_study(settings: RealDataSettings | None = None, progress: Callable[[str], None] | None = None) -> RealDataResult:
    """Every method on the same seeds, folds, binary features and architecture."""
    from sklearn.feature_selection import SelectKBest, f_classif
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from qbnn.classifier import MedianBinarizer
    from qbnn.model.data import Dataset
    from qbnn.model.network import Network
    from qbnn.problem import TrainingProblem
    from qbnn.search import BlockCoordinate, train

    settings = settings or RealDataSettings()
    say = progress or (lambda message: None)
    X, y, title = load_real_data(settings.dataset, settings.max_samples, settings.seed)
    network = Network((settings.num_features, *settings.hidden, 1))
    strategy = BlockCoordinate(block_size=settings.block_size, sweeps=settings.sweeps)
    blocks = strategy.blocks(network.num_parameters)
    labels = _labels(settings)
    rows: list[dict] = []
    for seed in range(settings.seed, settings.seed + settings.seeds):
        split = StratifiedKFold(settings.folds, shuffle=True, random_state=seed)
        for fold, (tr, te) in enumerate(split.split(X, y)):
            where = f"seed {seed}, fold {fold + 1}/{settings.folds}"
            if settings.dataset == "breast-cancer":
                prep = make_pipeline(SelectKBest(f_classif, k=settings.num_features), MedianBinarizer()).fit(X[tr], y[tr])
                Btr, Bte = prep.transform(X[tr]), prep.transform(X[te])
            else:
                Btr, Bte = np.where(X[tr] > 7, 1, -1).astype(np.int8), np.where(X[te] > 7, 1, -1).astype(np.int8)
            ytr, yte = np.where(y[tr] == 1, 1, -1), np.where(y[te] == 1, 1, -1)
            problem = TrainingProblem(network, Dataset(Btr, ytr, name=where), activation=settings.activation)
            run_seed = 1000 * seed + fold

            def accuracy(vector, B: np.ndarray, labels_: np.ndarray) -> float:
                weights, connections = network.split_parameters(np.asarray(vector, dtype=np.int8))
                return float(np.mean(network.forward(B, weights, connections) == labels_))

            def record(method: str, vector, seconds: float, **work) -> None:
                row = {"seed": seed, "fold": fold, "method": method}
                row["train_accuracy"] = accuracy(vector, Btr, ytr) if vector is not None else work.pop("train")
                row["test_accuracy"] = accuracy(vector, Bte, yte) if vector is not None else work.pop("test")
                row.update({"network_evaluations": None, "forward_passes": None, "oracle_calls": None})
                row.update(work)
                row["wall_time_s"] = float(seconds)
                rows.append(row)

            say(f"{where}: quantum block training")
            start = time.perf_counter()
            result = train(problem, strategy, seed=run_seed, max_oracle_calls=10**12)
            quantum_seconds = time.perf_counter() - start
            weights = np.asarray(result.weights, dtype=np.int8)
            record(
                "quantum", weights, quantum_seconds,
                network_evaluations=int(result.network_evaluations), oracle_calls=int(result.oracle_calls),
                sweeps=len(result.sweeps), blocks=len(result.blocks),
            )
            init = strategy.initial_vector(problem, np.random.default_rng(run_seed))  # the quantum run's start
            visits = [(tuple(range(b["free"][0], b["free"][1] + 1)), int(b["network_evaluations"])) for b in result.blocks]
            wanted = settings.methods

            if "exhaustive" in wanted:
                say(f"{where}: exhaustive blocks")
                start = time.perf_counter()
                vector, _, passes = exhaustive_blocks(problem, blocks, init, settings.sweeps)
                record("exhaustive", vector, time.perf_counter() - start, forward_passes=int(passes))
            for kind in ("random", "greedy"):
                if f"{kind}-blocks" in wanted:
                    say(f"{where}: {kind} search in the quantum run's blocks")
                    start = time.perf_counter()
                    rng = np.random.default_rng(run_seed + 7)
                    vector, _, passes = block_search(problem, visits, init.copy(), rng, kind)
                    record(f"{kind}-blocks", vector, time.perf_counter() - start, forward_passes=int(passes))
            for method in ("local-search", "ste", "cp-sat"):
                if method not in wanted:
                    continue
                from qbnn.baselines import train_classical

                say(f"{where}: {method}")
                limit = None
                if method == "cp-sat":
                    limit = settings.cp_sat_time_limit or max(quantum_seconds, 0.1)
                start = time.perf_counter()
                found = train_classical(problem, method, seed=run_seed, time_limit=limit)
                extra = {"forward_passes": int(found.forward_passes)}
                if method == "cp-sat":
                    extra.update(time_limit_s=float(limit), optimal=found.optimal, bound=found.bound)
                record(method, np.asarray(found.parameters, dtype=np.int8), time.perf_counter() - start, **extra)
            if "logistic" in wanted:
                start = time.perf_counter()
                logistic = LogisticRegression(max_iter=5000).fit(Btr, ytr)
                record("logistic", None, time.perf_counter() - start, train=logistic.score(Btr, ytr), test=logistic.score(Bte, yte))
            if "logistic-raw" in wanted:
                start = time.perf_counter()
                raw = make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000)).fit(X[tr], ytr)
                record("logistic-raw", None, time.perf_counter() - start, train=raw.score(X[tr], ytr), test=raw.score(X[te], yte))
            if "majority" in wanted:
                start = time.perf_counter()
                major = 1 if (ytr == 1).sum() >= (ytr == -1).sum() else -1
                record(
                    "majority", None, time.perf_counter() - start,
                    train=float(np.mean(ytr == major)), test=float(np.mean(yte == major)),
                )
    return RealDataResult(title, len(y), network.layers, network.num_parameters, settings, summarise(rows, settings, labels), rows)


def summarise(rows: list[dict], settings: RealDataSettings, labels: dict[str, str]) -> list[RealDataRow]:
    """Mean ± sd over seeds, work and time per fold, and the paired test against the quantum row."""
    key = lambda r: (r["seed"], r["fold"])  # noqa: E731
    quantum = {key(r): r["test_accuracy"] for r in rows if r["method"] == "quantum"}
    out = []
    for method in settings.methods:
        mine = sorted((r for r in rows if r["method"] == method), key=key)
        per_seed = {}
        for r in mine:
            per_seed.setdefault(r["seed"], []).append((r["train_accuracy"], r["test_accuracy"]))
        means = np.array([np.mean(v, axis=0) for _, v in sorted(per_seed.items())])

        def mean_of(name: str) -> float | None:
            values = [r[name] for r in mine if r.get(name) is not None]
            return float(np.mean(values)) if values else None

        p = wins = ties = losses = None
        if method != "quantum":
            q = np.array([quantum[key(r)] for r in mine])
            other = np.array([r["test_accuracy"] for r in mine])
            p = wilcoxon_p(q, other)
            wins, ties, losses = int((q > other + 1e-12).sum()), int((np.abs(q - other) <= 1e-12).sum()), int((q < other - 1e-12).sum())
        out.append(
            RealDataRow(
                method=method,
                label=labels[method],
                train_mean=float(means[:, 0].mean()),
                train_std=float(means[:, 0].std()),
                test_mean=float(means[:, 1].mean()),
                test_std=float(means[:, 1].std()),
                network_evaluations=mean_of("network_evaluations"),
                forward_passes=mean_of("forward_passes"),
                oracle_calls=mean_of("oracle_calls"),
                seconds=float(np.mean([r["wall_time_s"] for r in mine])),
                wilcoxon_p=p,
                wins=wins,
                ties=ties,
                losses=losses,
            )
        )
    return out


def figure(result: RealDataResult, path) -> None:
    """Held-out accuracy per method (each seed's mean over folds as a dot, mean ± sd as a bar) and work per fold."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = result.rows
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 0.45 * len(rows) + 1.8), sharey=True)
    ys = np.arange(len(rows))[::-1]
    for yv, row in zip(ys, rows):
        per_seed = {}
        for r in result.folds:
            if r["method"] == row.method:
                per_seed.setdefault(r["seed"], []).append(r["test_accuracy"])
        left.scatter([np.mean(v) for v in per_seed.values()], [yv] * len(per_seed), s=12, color="0.6", zorder=2)
        left.errorbar(row.test_mean, yv, xerr=row.test_std, fmt="o", color="C3" if row.method == "quantum" else "C0", zorder=3)
        work = row.network_evaluations if row.network_evaluations is not None else row.forward_passes
        if work:
            right.barh(yv, work, color="C3" if row.method == "quantum" else "C0")
    left.set_yticks(ys, [r.method for r in rows])
    left.set_xlabel("held-out accuracy (dots: seeds; bars: mean ± sd)")
    right.set_xscale("log")
    right.set_xlabel("network evaluations (quantum) / forward passes per fold")
    fig.suptitle(f"{result.dataset}: BNN {list(result.layers)}, {result.settings.seeds} seeds x {result.settings.folds} folds")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
