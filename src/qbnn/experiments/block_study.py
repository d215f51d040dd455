"""``qbnn block-study``: does Durr-Hoyer's square root show inside block training, as B grows?

For each block size B and seed, quantum block training
(:class:`~qbnn.search.block.BlockCoordinate`, simulated exactly) runs on a
training split. Every block it visits is also solved classically, for the
study only, from its exact conditional landscape (2^B forward passes): the
block's optimum count m* and its number t of optimal settings. For each
block whose start is not already optimal the study records

- ``quantum``: network evaluations (sum of 2k + 1 over the block's
  measurements) until Durr-Hoyer first *measures* a setting with m* correct
  (blocks where it never does within its budget are counted as misses);
- ``random``: the expected number of uniform random draws until one of the t
  optima, with replacement (N/t) and without ((N + 1)/(t + 1)), N = 2^B;
- ``exhaustive``: N forward passes (what it takes to know the optimum).

Rows average over blocks and seeds; ``slopes`` are least-squares slopes of
log(mean count) against log(N) over the study's own rows. The square-root law
predicts 0.5 for quantum, 1 for random search when t does not grow with N,
and exactly 1 for exhaustive. The rows also give final train and held-out
accuracy and the quantum training's wall time (the landscapes excluded), so
the same table says what larger blocks buy.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from qbnn.errors import QbnnError
from qbnn.search.block import BlockCoordinate

__all__ = ["BlockStudySettings", "BlockStudyRow", "BlockStudyResult", "run_block_study", "fit_slopes", "DATASETS"]

DATASETS = ("breast-cancer", "digits")
#: Largest block the study allows (2^B landscape rows per block, classically).
MAX_STUDY_BLOCK = 20


@dataclass(frozen=True)
class BlockStudySettings:
    """What to measure; every bound is checked here and errors name these parameters."""

    dataset: str | None = "breast-cancer"
    data: Path | None = None  # a CSV (qbnn's format) instead of a dataset; ``layers`` then required
    layers: tuple[int, ...] | None = None
    block_sizes: tuple[int, ...] = (8, 10, 12, 14, 16)
    seeds: int = 3
    sweeps: int = 1
    features: int = 16  # breast cancer: F-test features, median-binarised on the training rows
    test_fraction: float = 0.2
    binarize: str | None = None  # ``data``: 'median' for real-valued columns
    seed: int = 0

    def __post_init__(self) -> None:
        sizes = tuple(self.block_sizes)
        if not sizes or any(not isinstance(b, (int, np.integer)) or not 1 <= b <= MAX_STUDY_BLOCK for b in sizes):
            raise QbnnError("{block_sizes} must be whole numbers in 1.." + str(MAX_STUDY_BLOCK), block_sizes=self.block_sizes)
        if len(set(sizes)) < 2:
            raise QbnnError("{block_sizes} needs at least two different sizes to fit a slope", block_sizes=self.block_sizes)
        object.__setattr__(self, "block_sizes", tuple(sorted(set(int(b) for b in sizes))))
        if not isinstance(self.seeds, (int, np.integer)) or not 1 <= self.seeds <= 100:
            raise QbnnError("{seeds} must be a whole number in 1..100", seeds=self.seeds)
        if not isinstance(self.sweeps, (int, np.integer)) or not 1 <= self.sweeps <= 20:
            raise QbnnError("{sweeps} must be a whole number in 1..20", sweeps=self.sweeps)
        if not 0.0 < self.test_fraction < 1.0:
            raise QbnnError("{test_fraction} must lie strictly between 0 and 1", test_fraction=self.test_fraction)
        if (self.data is None) == (self.dataset is None):
            raise QbnnError("give one of {dataset} and {data}", dataset=self.dataset, data=self.data)
        if self.dataset is not None and self.dataset not in DATASETS:
            raise QbnnError("unknown {dataset}; choose one of " + ", ".join(DATASETS), dataset=self.dataset)
        if self.data is not None and self.layers is None:
            raise QbnnError("{data} needs {layers}", data=self.data, layers=None)


@dataclass(frozen=True)
class BlockStudyRow:
    """One block size, averaged over the blocks (start not optimal) of every seed."""

    block_size: int
    configurations: int
    blocks: int  # blocks measured (start not already optimal)
    already_optimal: int  # blocks whose start was optimal (no count to the optimum)
    found: int  # of ``blocks``, those where Durr-Hoyer measured the optimum within its budget
    optima_mean: float  # mean number t of optimal settings per block
    quantum: float  # mean network evaluations to the first measured optimum (found blocks)
    quantum_all: float  # the same, misses counted at their whole block's evaluations (a lower bound)
    random: float  # expected draws with replacement, N/t
    random_without_replacement: float  # (N + 1)/(t + 1)
    exhaustive: float  # N
    train_accuracy: float
    test_accuracy: float
    train_accuracy_sd: float
    test_accuracy_sd: float
    network_evaluations: float  # per training (mean over seeds)
    exhaustive_forward_passes: float  # the same blocks searched exhaustively, per training
    seconds: float  # quantum training wall time per seed, landscapes excluded


def fit_slopes(rows: list[BlockStudyRow] | list[dict]) -> dict[str, float | None]:
    """Least-squares slopes of log(count) against log(N) for quantum, random and exhaustive, from ``rows``."""
    rows = [asdict(r) if isinstance(r, BlockStudyRow) else r for r in rows]
    out: dict[str, float | None] = {}
    for key in ("quantum", "random", "exhaustive"):
        usable = [(r["configurations"], r[key]) for r in rows if r[key] is not None and r[key] > 0 and np.isfinite(r[key])]
        if len({n for n, _ in usable}) < 2:
            out[key] = None
            continue
        x = np.log([n for n, _ in usable])
        y = np.log([v for _, v in usable])
        out[key] = float(np.polyfit(x, y, 1)[0])
    return out


@dataclass(frozen=True)
class BlockStudyResult:
    dataset: str
    layers: tuple[int, ...]
    parameters: int
    train_points: int
    test_points: int
    settings: BlockStudySettings
    rows: list[BlockStudyRow] = field(default_factory=list)

    @property
    def slopes(self) -> dict[str, float | None]:
        return fit_slopes(self.rows)

    def to_json(self) -> dict:
        settings = asdict(self.settings)
        settings["data"] = None if self.settings.data is None else str(self.settings.data)
        return {
            "dataset": self.dataset,
            "network": list(self.layers),
            "parameters": self.parameters,
            "train_points": self.train_points,
            "test_points": self.test_points,
            "settings": settings,
            "rows": [asdict(r) for r in self.rows],
            "slopes": self.slopes,
        }

    def markdown(self) -> str:
        s = self.slopes
        fmt = lambda v: "-" if v is None else f"{v:.2f}"  # noqa: E731
        head = [
            f"{self.dataset}: BNN {list(self.layers)} ({self.parameters} weights), {self.train_points} training and "
            f"{self.test_points} held-out points, {self.settings.seeds} seeds, {self.settings.sweeps} sweep(s)",
            "",
            "| B | blocks (found / measured / start optimal) | optima t | quantum evals to optimum | random N/t "
            "| random w/o repl. | exhaustive 2^B | train acc | held-out acc | seconds |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        body = [
            f"| {r.block_size} | {r.found} / {r.blocks} / {r.already_optimal} | {r.optima_mean:.1f} | {r.quantum:,.0f} "
            f"| {r.random:,.0f} | {r.random_without_replacement:,.0f} | {r.exhaustive:,.0f} "
            f"| {r.train_accuracy:.3f} ± {r.train_accuracy_sd:.3f} | {r.test_accuracy:.3f} ± {r.test_accuracy_sd:.3f} | {r.seconds:.1f} |"
            for r in self.rows
        ]
        tail = ["", f"log-log slopes against 2^B: quantum {fmt(s['quantum'])}, random {fmt(s['random'])}, exhaustive {fmt(s['exhaustive'])}"]
        return "\n".join(head + body + tail)


def _load(settings: BlockStudySettings):
    """Training and held-out ±1 features and labels, the network and a title."""
    from sklearn.model_selection import train_test_split

    from qbnn.model.network import Network

    if settings.data is not None:
        from qbnn.model.data import read_table, stratified_split
        from qbnn.model.encoding import Encoding

        table = read_table(settings.data)
        train_rows, test_rows = stratified_split(table.labels, settings.test_fraction, settings.seed, where=table.path)
        held, table = table.subset(test_rows), table.subset(train_rows)
        encoding = Encoding.fit(table, binarize=settings.binarize)
        train, test = encoding.dataset(table), encoding.dataset(held)
        Xtr, ytr, Xte, yte, title = train.X, train.y, test.X, test.y, Path(settings.data).name
    else:
        from qbnn.experiments.realdata import load_real_data

        X, y, title = load_real_data(settings.dataset, None, settings.seed)
        y = np.where(y == 1, 1, -1)
        Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=settings.test_fraction, stratify=y, random_state=settings.seed)
        if settings.dataset == "breast-cancer":
            from sklearn.feature_selection import SelectKBest, f_classif
            from sklearn.pipeline import make_pipeline

            from qbnn.classifier import MedianBinarizer

            prep = make_pipeline(SelectKBest(f_classif, k=settings.features), MedianBinarizer()).fit(Xtr, ytr)
            Xtr, Xte = prep.transform(Xtr), prep.transform(Xte)
    layers = tuple(settings.layers) if settings.layers is not None else (Xtr.shape[1], 8, 1)
    if layers[0] != Xtr.shape[1]:
        raise QbnnError("{layers} must start with the number of features, " + str(Xtr.shape[1]), layers=settings.layers)
    return np.asarray(Xtr), np.asarray(Xte), np.asarray(ytr), np.asarray(yte), Network(layers), title


def block_record(start: int, final: int, optimum: int, optima: int, ks: list[int], thresholds: list[int]) -> dict:
    """One block's counts: network evaluations until the optimum was first measured (None if never).

    Durr-Hoyer's rounds search above the incumbent. The measurement that first reaches m* ends the
    round before the first round searching above m* (threshold m* + 1); without such a round (m* is
    every point, or the budget ended) it is the block's last measurement.
    """
    evaluations = [2 * k + 1 for k in ks]
    first = None
    if start < optimum <= final:
        cut = thresholds.index(optimum + 1) if optimum + 1 in thresholds else len(ks)
        first = sum(evaluations[:cut])
    return {"start": start, "optimum": optimum, "optima": optima, "quantum": first, "evaluations": sum(evaluations)}


@dataclass(frozen=True)
class _Observed(BlockCoordinate):
    """Block training as it is, telling ``observe`` each block's sub-problem and what its search did."""

    observe: Callable | None = field(default=None, compare=False)

    def _minimum_finding(self, trace, sub, compiled, engine, rng, budget) -> None:
        start, first_step = trace.best_correct, len(trace.ks)
        super()._minimum_finding(trace, sub, compiled, engine, rng, budget)
        self.observe(sub, start, trace.best_correct, list(trace.ks[first_step:]), list(trace.thresholds[first_step:]))


def run_block_study(settings: BlockStudySettings | None = None, progress: Callable[[str], None] | None = None) -> BlockStudyResult:
    """Run the study: per block size and seed, quantum block training with every block's landscape beside it."""
    from qbnn.experiments.realdata import exhaustive_blocks
    from qbnn.model.data import Dataset
    from qbnn.problem import TrainingProblem
    from qbnn.search.block import BlockSession

    settings = settings or BlockStudySettings()
    say = progress or (lambda message: None)
    Xtr, Xte, ytr, yte, network, title = _load(settings)
    problem = TrainingProblem(network, Dataset(Xtr, ytr, name=title), activation="counter")
    rows = []
    for B in settings.block_sizes:
        records, trains, tests, seconds, evaluations, passes = [], [], [], [], [], []
        for s in range(settings.seeds):
            say(f"B = {B}, seed {s + 1}/{settings.seeds}")
            seed = settings.seed + s
            landscape_s = [0.0]

            def observe(sub, start, final, ks, thresholds, _landscape_s=landscape_s):
                clock = time.perf_counter()
                correct = np.asarray(sub.landscape.correct)  # classical, for the study only
                optimum = int(correct.max())
                records.append(block_record(start, final, optimum, int(np.count_nonzero(correct == optimum)), ks, thresholds))
                _landscape_s[0] += time.perf_counter() - clock

            strategy = _Observed(block_size=B, sweeps=settings.sweeps, observe=observe)
            clock = time.perf_counter()
            trace = strategy.run(BlockSession(problem, "structured"), np.random.default_rng(seed), 10**12)
            seconds.append(time.perf_counter() - clock - landscape_s[0])
            trains.append(float(np.mean(network.forward(Xtr, trace.vector) == ytr)))
            tests.append(float(np.mean(network.forward(Xte, trace.vector) == yte)))
            evaluations.append(sum(2 * k + 1 for k in trace.ks))
            init = strategy.initial_vector(problem, np.random.default_rng(seed))  # the quantum run's start
            passes.append(exhaustive_blocks(problem, strategy.blocks(network.num_parameters), init, settings.sweeps)[2])
        rows.append(_row(B, records, trains, tests, seconds, evaluations, passes))
    return BlockStudyResult(title, network.layers, network.num_parameters, len(ytr), len(yte), settings, rows)


def _row(B, records, trains, tests, seconds, evaluations, passes) -> BlockStudyRow:
    n = 1 << B
    measured = [r for r in records if r["start"] < r["optimum"]]
    found = [r for r in measured if r["quantum"] is not None]
    mean = lambda values: float(np.mean(values)) if len(values) else float("nan")  # noqa: E731
    return BlockStudyRow(
        block_size=B,
        configurations=n,
        blocks=len(measured),
        already_optimal=len(records) - len(measured),
        found=len(found),
        optima_mean=mean([r["optima"] for r in measured]),
        quantum=mean([r["quantum"] for r in found]),
        quantum_all=mean([r["quantum"] if r["quantum"] is not None else r["evaluations"] for r in measured]),
        random=mean([n / r["optima"] for r in measured]),
        random_without_replacement=mean([(n + 1) / (r["optima"] + 1) for r in measured]),
        exhaustive=float(n),
        train_accuracy=mean(trains),
        test_accuracy=mean(tests),
        train_accuracy_sd=float(np.std(trains)),
        test_accuracy_sd=float(np.std(tests)),
        network_evaluations=mean(evaluations),
        exhaustive_forward_passes=mean(passes),
        seconds=mean(seconds),
    )
