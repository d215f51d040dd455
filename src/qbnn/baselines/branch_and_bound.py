"""Exact classical training by branch-and-bound: the structured search the paper's conclusion asks about.

The search tree. The free parameters (all of them, or ``problem.free``) are
assigned one at a time in a fixed order (:func:`branch_order`), value bit 0
(weight -1, connection absent) before bit 1; a node at depth d is the
assignment of the first d of them, the others unknown. The default order is
**output layer first**, then the layers below it, each layer neuron by neuron
and, in the first layer, each weight followed by its connection bit (meta).
Why: an output neuron can only be decided once its weights are known; with
the last layer first, every hidden neuron whose weights are complete feeds a
known term into the output at once, so points become certainly right or
wrong while the tree is still shallow. The parameter order of the network
(first layer first, ``order="natural"``) leaves the output unknown until the
last few levels and prunes almost nothing (see the study).

The bound (three-valued interval propagation, proved below). For a node,
every weight/input/connection is known or unknown. A term x XNOR w of a
neuron is *certainly +1* when x and w are known and agree (and, meta, the
connection is known present), *certainly not +1* when x and w are known and
disagree or the connection is known absent, and unknown otherwise. With lo
certain terms and hi = N - (certainly-not terms), the neuron's count of +1
terms in every completion lies in [lo, hi]; it is **decided** +1 when
lo >= ceil(N/2), decided -1 when hi < ceil(N/2), unknown otherwise, and its
output feeds the next layer as a known or unknown input. (Multi-level first
layer inputs: the known part of x . w plus or minus sum |x| over unknown
weights, against 0.) Proof by induction over layers: a completion fixes
every unknown, each term then takes a value consistent with its class, so the
count lies in [lo, hi] and a decided neuron takes its decided value. Hence a
point whose output neuron is decided and differs from its label is wrong in
every completion (``wrong``), and one decided equal to its label is right in
every completion (``right``): every completion classifies between ``right``
and ``points - wrong`` points correctly. At a leaf (all known) both equal the
exact count. ``tests/baselines/test_branch_and_bound.py`` checks both sides
against every completion of every node of small trees.

Pruning. For a target tau a node is *rejected* when points - wrong < tau (no
completion reaches tau) and *accepted* (marked: every completion is a
solution) when right >= tau; rejected and accepted nodes are leaves of the
tree. With ``problem.exclude`` a node is accepted only at depth n, if its
configuration is not excluded. Minimum finding ("best") raises the target:
tau = incumbent + 1 until the tree for tau has no marked vertex, which proves
the incumbent optimal (each round prunes every node that cannot beat it).

Units. ``nodes`` counts the vertices on which the bound was evaluated:
the root, and both children of every node that was neither accepted nor
rejected; rejected children are vertices too (leaves of the tree, as in
Montanaro's backtracking model). One bound evaluation is one *partial forward
pass*: the three-valued forward pass above over every training point once,
so ``forward_passes`` (the unit of :mod:`qbnn.baselines.result`) equals the
number of bound evaluations. For a target, the classical search pays the
nodes a depth-first search visits up to and including the first accepted
node (all T when there is none); the tree itself (``tree_nodes`` = T) is built
level by level, vectorised over nodes and points, and the depth-first count
is read off it (pre-order positions from subtree sizes).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np

from qbnn.baselines.result import ClassicalTraining, check_time_limit, free_and_fixed, make_result
from qbnn.errors import DataError, QbnnError, ResourceLimitError
from qbnn.model.input_levels import is_binary
from qbnn.model.network import Network, firing_threshold

__all__ = [
    "ORDERS",
    "REJECTED",
    "OPEN",
    "ACCEPTED",
    "branch_order",
    "Bounder",
    "SearchTree",
    "search_tree",
    "train_branch_and_bound",
    "resolve_bnb_target",
    "DEFAULT_MAX_NODES",
]

METHOD = "branch-and-bound"
ORDERS = ("output-first", "natural")
REJECTED, OPEN, ACCEPTED = 0, 1, 2
#: Trees larger than this are refused (memory: about 20 bytes per node plus one level's work arrays).
DEFAULT_MAX_NODES = 20_000_000
#: Work elements (nodes x points x neurons x inputs) per vectorised chunk.
_CHUNK_ELEMENTS = 1 << 22


def branch_order(network: Network, free: np.ndarray | list[int] | tuple[int, ...] | None = None, order: str = "output-first") -> np.ndarray:
    """The free parameters in the order the tree assigns them (see the module docstring).

    >>> branch_order(Network((2, 1, 1))).tolist()
    [2, 0, 1]
    >>> branch_order(Network((2, 1, 1), meta=True)).tolist()
    [2, 0, 3, 1, 4]
    """
    if order not in ORDERS:
        raise QbnnError("{order} is not a branching order; choose one of " + ", ".join(ORDERS), order=order)
    everything = list(range(network.num_parameters))
    if order == "natural":
        sequence = everything
    else:
        sequence = []
        for layer in reversed(range(network.num_layers)):
            fan_in, width = network.layers[layer], network.layers[layer + 1]
            for neuron in range(width):
                for source in range(fan_in):
                    sequence.append(network.weight_index(layer, neuron, source))
                    if layer == 0 and network.meta:
                        sequence.append(network.connection_index(neuron, source))
    if free is None:
        return np.asarray(sequence, dtype=np.int64)
    wanted = {int(j) for j in free}
    return np.asarray([j for j in sequence if j in wanted], dtype=np.int64)


class Bounder:
    """Three-valued forward passes of many partial assignments at once: (right, wrong) per node.

    A partial assignment is a row of p int8 values: weights -1/+1 or 0 (unknown);
    connections (meta) +1 present, -1 absent, 0 unknown (an internal encoding).
    """

    def __init__(self, network: Network, X: np.ndarray, y: np.ndarray) -> None:
        self.network = network
        self.X = np.asarray(X).astype(np.int64)
        self.y = np.asarray(y).astype(np.int8)
        self.multibit = not is_binary(self.X)
        if self.multibit and network.meta:
            raise DataError("{meta} needs ±1 features; branch-and-bound of multi-level inputs works without it", meta=...)
        self.points = int(self.X.shape[0])
        widest = max(a * b for a, b in zip(network.layers[:-1], network.layers[1:]))
        self.chunk = max(1, _CHUNK_ELEMENTS // max(1, self.points * widest))

    def encode(self, vectors: np.ndarray) -> np.ndarray:
        """Full parameter vectors (±1 weights, 0/1 connections) in the internal encoding."""
        rows = np.array(vectors, dtype=np.int8, copy=True)
        nw = self.network.num_weights
        rows[..., nw:] = 2 * rows[..., nw:] - 1
        return rows

    def bounds(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(right, wrong): points certainly right / certainly wrong in every completion, per row."""
        rows = np.asarray(rows, dtype=np.int8)
        right = np.empty(rows.shape[0], dtype=np.int64)
        wrong = np.empty(rows.shape[0], dtype=np.int64)
        for start in range(0, rows.shape[0], self.chunk):
            out = self.outputs(rows[start : start + self.chunk])
            known = out != 0
            agree = out == self.y[None, :]
            right[start : start + len(out)] = (known & agree).sum(axis=1)
            wrong[start : start + len(out)] = (known & ~agree).sum(axis=1)
        return right, wrong

    def outputs(self, rows: np.ndarray) -> np.ndarray:
        """Output neuron per (row, point): +1 / -1 when decided, 0 when unknown."""
        net = self.network
        count = rows.shape[0]
        activity = None
        for layer in range(net.num_layers):
            fan_in, width = net.layers[layer], net.layers[layer + 1]
            start = net.weight_offsets[layer]
            W = rows[:, start : start + fan_in * width].reshape(count, width, fan_in)
            threshold = firing_threshold(fan_in)
            if layer == 0 and self.multibit:
                Wf = W.astype(np.int64)
                known_sum = np.einsum("pi,nji->npj", self.X, Wf)
                slack = np.einsum("pi,nji->npj", np.abs(self.X), (Wf == 0).astype(np.int64))
                activity = np.where(known_sum - slack >= 0, 1, np.where(known_sum + slack < 0, -1, 0)).astype(np.int8)
                continue
            if layer == 0:
                inputs = np.broadcast_to(self.X.astype(np.int8)[None, :, None, :], (count, self.points, 1, fan_in))
            else:
                inputs = activity[:, :, None, :]
            terms = inputs * W[:, None, :, :]  # +1 certainly plus, -1 certainly not, 0 unknown
            if layer == 0 and net.meta:
                C = rows[:, net.num_weights :].reshape(count, width, fan_in)[:, None, :, :]
                terms = np.where(C < 0, np.int8(-1), np.where(C == 0, np.minimum(terms, 0), terms))
            lo = (terms > 0).sum(axis=3)
            hi = fan_in - (terms < 0).sum(axis=3)
            activity = np.where(lo >= threshold, 1, np.where(hi < threshold, -1, 0)).astype(np.int8)
        return activity[:, :, 0]


@dataclass
class SearchTree:
    """The pruned tree of one target, level by level (root = level 0).

    ``status[d][i]`` is REJECTED / OPEN / ACCEPTED for node i of depth d; the
    children of the k-th OPEN node of depth d are nodes 2k (bit 0) and 2k + 1
    (bit 1) of depth d + 1. ``codes[d][i]`` holds the node's d branched bits
    (bit j = value bit of ``order[j]``).
    """

    order: np.ndarray
    target: int
    points: int
    codes: list[np.ndarray]
    status: list[np.ndarray]
    right: list[np.ndarray]  # certainly-right points per node (exact count at depth n)
    wrong: list[np.ndarray]
    base: np.ndarray  # full parameter vector (internal encoding) with the fixed values, free entries 0
    seconds: float = 0.0
    complete: bool = True
    _sizes: list[np.ndarray] | None = field(default=None, repr=False)

    @property
    def depth(self) -> int:
        """n: the number of branched parameters (the leaves of complete assignments are at depth n)."""
        return int(len(self.order))

    @property
    def nodes(self) -> int:
        """T: every vertex of the tree (root, internal, accepted and rejected leaves)."""
        return int(sum(len(s) for s in self.status))

    @property
    def marked(self) -> int:
        return int(sum(int(np.count_nonzero(s == ACCEPTED)) for s in self.status))

    @property
    def level_sizes(self) -> list[int]:
        return [int(len(s)) for s in self.status]

    def parents(self, depth: int) -> np.ndarray:
        """Index (at depth - 1) of the parent of every node at ``depth`` >= 1."""
        open_nodes = np.flatnonzero(self.status[depth - 1] == OPEN)
        return open_nodes[np.arange(len(self.status[depth])) // 2]

    def subtree_sizes(self) -> list[np.ndarray]:
        if self._sizes is None:
            sizes = [np.ones(len(s), dtype=np.int64) for s in self.status]
            for d in range(len(sizes) - 2, -1, -1):
                child = sizes[d + 1]
                if len(child):
                    sizes[d][self.status[d] == OPEN] += child[0::2] + child[1::2]
            self._sizes = sizes
        return self._sizes

    def preorder(self) -> list[np.ndarray]:
        """Position of every node in a depth-first visit (bit 0 child before bit 1 child), root = 0."""
        sizes = self.subtree_sizes()
        pre = [np.zeros(len(s), dtype=np.int64) for s in self.status]
        for d in range(len(pre) - 1):
            if not len(pre[d + 1]):
                continue
            first = pre[d][self.status[d] == OPEN] + 1
            pre[d + 1][0::2] = first
            pre[d + 1][1::2] = first + sizes[d + 1][0::2]
        return pre

    def first_marked(self) -> tuple[int, int] | None:
        """(depth, index) of the first accepted node a depth-first search meets, or None."""
        best = None
        for d, (status, pre) in enumerate(zip(self.status, self.preorder())):
            hits = np.flatnonzero(status == ACCEPTED)
            if hits.size:
                k = hits[np.argmin(pre[hits])]
                if best is None or pre[k] < best[0]:
                    best = (int(pre[k]), d, int(k))
        return None if best is None else (best[1], best[2])

    def dfs_nodes(self) -> int:
        """Vertices a depth-first backtracking search evaluates before it stops (T when nothing is marked)."""
        hit = self.first_marked()
        if hit is None:
            return self.nodes
        return int(self.preorder()[hit[0]][hit[1]]) + 1

    def row(self, depth: int, index: int) -> np.ndarray:
        """The internal-encoding parameter row of one node (unknowns 0)."""
        return _rows(self.base, self.order, depth, self.codes[depth][index : index + 1])[0]

    def completion(self, depth: int, index: int) -> np.ndarray:
        """A full parameter vector (±1 weights, 0/1 connections) completing the node with bit 0 everywhere."""
        row = self.row(depth, index).astype(np.int8)
        row[row == 0] = -1
        return row

    def to_json(self) -> dict:
        return {
            "nodes": self.nodes,
            "depth": self.depth,
            "marked": self.marked,
            "dfs_nodes": self.dfs_nodes(),
            "level_sizes": self.level_sizes,
            "target": self.target,
            "seconds": self.seconds,
        }


def _rows(base: np.ndarray, order: np.ndarray, depth: int, codes: np.ndarray) -> np.ndarray:
    """Internal-encoding rows of nodes at ``depth`` from their codes (branched bits -> ±1, rest unknown)."""
    rows = np.repeat(base[None, :], len(codes), axis=0)
    for j in range(depth):
        rows[:, order[j]] = (2 * ((codes >> j) & 1) - 1).astype(np.int8)
    return rows


def _setup(problem, order: str) -> tuple[Bounder, np.ndarray, np.ndarray]:
    network = problem.network
    bounder = Bounder(network, problem.data.X, problem.data.y)
    free, fixed = free_and_fixed(problem)
    branched = branch_order(network, free, order)
    base = bounder.encode(fixed)
    base[branched] = 0
    return bounder, branched, base


def _configuration(order: np.ndarray, free: np.ndarray, code: int) -> int:
    """Configuration index (bit j = j-th free parameter) of a complete code (bit k = order[k])."""
    position = {int(p): j for j, p in enumerate(free)}
    return sum(((int(code) >> k) & 1) << position[int(p)] for k, p in enumerate(order))


def search_tree(
    problem,
    target: int | None = None,
    *,
    order: str = "output-first",
    max_nodes: int | None = DEFAULT_MAX_NODES,
    time_limit: float | None = None,
    _setup_cache=None,
) -> SearchTree:
    """The full pruned tree for ``target`` (default ``problem.target``), built breadth-first and vectorised.

    Raises :class:`ResourceLimitError` when it would exceed ``max_nodes``;
    with ``time_limit`` a tree cut short is returned with ``complete=False``.
    """
    started = time.perf_counter()
    tau = problem.target if target is None else int(target)
    points = problem.data.num_points
    if not 0 <= tau <= points:
        raise DataError(f"{{min_correct}} is outside 0..{points} (the number of training points)", min_correct=tau)
    bounder, order, base = _setup_cache or _setup(problem, order)
    free, _ = free_and_fixed(problem)
    excluded = set(problem.exclude)
    n = len(order)
    codes = [np.zeros(1, dtype=np.int64)]
    statuses, rights, wrongs = [], [], []
    total = 0
    depth = 0
    complete = True
    while True:
        level = codes[depth]
        right, wrong = bounder.bounds(_rows(base, order, depth, level))
        status = np.full(len(level), OPEN, dtype=np.int8)
        status[points - wrong < tau] = REJECTED
        if depth == n:
            status[status == OPEN] = ACCEPTED  # exact: right == points - wrong >= tau
            if excluded:
                for i in np.flatnonzero(status == ACCEPTED):
                    if _configuration(order, free, int(level[i])) in excluded:
                        status[i] = REJECTED
        elif not excluded:
            status[(status == OPEN) & (right >= tau)] = ACCEPTED
        statuses.append(status)
        rights.append(right)
        wrongs.append(wrong)
        total += len(level)
        if depth == n:
            break
        parents = level[status == OPEN]
        if not len(parents):
            break
        if max_nodes is not None and total + 2 * len(parents) > max_nodes:
            raise ResourceLimitError(
                f"the branch-and-bound tree of {problem.network.describe()} for target {tau} exceeds {{max_nodes}} "
                f"nodes at depth {depth + 1} of {n}; use fewer free parameters ({{free}}) or a smaller network",
                max_nodes=max_nodes,
                free=...,
            )
        if time_limit is not None and time.perf_counter() - started > time_limit:
            complete = False
            break
        children = np.empty(2 * len(parents), dtype=np.int64)
        children[0::2] = parents
        children[1::2] = parents | (np.int64(1) << np.int64(depth))
        codes.append(children)
        depth += 1
    return SearchTree(
        order=order,
        target=tau,
        points=points,
        codes=codes[: len(statuses)],
        status=statuses,
        right=rights,
        wrong=wrongs,
        base=base,
        seconds=time.perf_counter() - started,
        complete=complete,
    )


def resolve_bnb_target(problem, target) -> int | None:
    """``"problem"`` -> problem.target; None or ``"best"`` -> None (minimum finding); an int, checked."""
    if target is None or (isinstance(target, str) and target == "best"):
        return None
    if isinstance(target, str) and target == "problem":
        return problem.target
    if isinstance(target, str):
        raise QbnnError("{target} must be a number of correct points, 'problem' or 'best'", target=target)
    points = problem.data.num_points
    if not 0 <= int(target) <= points:
        raise DataError(f"{{min_correct}} is outside 0..{points} (the number of training points)", min_correct=target)
    return int(target)


def _best_marked(problem, tree: SearchTree, bounder: Bounder) -> tuple[np.ndarray, int] | None:
    """The marked vertex whose bit-0 completion classifies the most points (exact, batched), or None."""
    best = None
    network = problem.network
    for d, status in enumerate(tree.status):
        hits = np.flatnonzero(status == ACCEPTED)
        if not hits.size:
            continue
        rows = _rows(tree.base, tree.order, d, tree.codes[d][hits])
        rows[rows == 0] = -1
        vectors = _external(network, rows)
        counts = network.correct_counts(vectors, problem.data.X, problem.data.y)
        k = int(np.argmax(counts))
        if best is None or int(counts[k]) > best[1]:
            best = (rows[k], int(counts[k]))
    return best


def _external(network: Network, row: np.ndarray) -> np.ndarray:
    """Internal encoding (connections ±1) -> parameter vector (connections 0/1)."""
    vector = np.array(row, dtype=np.int8, copy=True)
    nw = network.num_weights
    vector[..., nw:] = (vector[..., nw:] > 0).astype(np.int8)
    return vector


def train_branch_and_bound(
    problem,
    *,
    seed: int | None = 0,
    time_limit: float | None = None,
    target: int | str | None = "problem",
    order: str = "output-first",
    max_nodes: int | None = DEFAULT_MAX_NODES,
) -> ClassicalTraining:
    """Exact training by branch-and-bound (module docstring): a solution for ``target``, or the proved optimum.

    ``target="problem"`` searches for ``problem.target`` correct points and
    stops at the first solution a depth-first search meets (``nodes`` = the
    vertices it evaluates; ``settings["tree_nodes"]`` = T, the whole pruned
    tree). When no configuration reaches it, ``bound`` = target - 1 is proved
    and the best complete leaf found is returned. ``target=None`` or
    ``"best"``: minimum finding, ``optimal=True`` and ``bound`` = the optimum
    once the tree for optimum + 1 is empty; ``nodes`` sums every round's tree.
    ``seed`` is unused (the search is deterministic).
    """
    started = time.perf_counter()
    limit = check_time_limit(time_limit)
    tau = resolve_bnb_target(problem, target)
    setup = _setup(problem, order)
    bounder, branched, base = setup
    network = problem.network
    settings: dict = {"order": order, "branched": len(branched), "first_branched": [int(j) for j in branched[:8]]}

    if tau is not None:
        tree = search_tree(problem, tau, order=order, max_nodes=max_nodes, time_limit=limit, _setup_cache=setup)
        settings.update(tree_nodes=tree.nodes, depth=tree.depth, marked=tree.marked, target_searched=tau, complete=tree.complete)
        hit = tree.first_marked()
        if hit is not None:
            vector = _external(network, tree.completion(*hit))
            nodes = tree.dfs_nodes()
            return make_result(problem, METHOD, vector, forward_passes=nodes, started=started, seed=seed, nodes=nodes, optimal=None, settings=settings)
        best = _deepest_best(problem, tree)
        return make_result(
            problem, METHOD, best, forward_passes=tree.nodes, started=started, seed=seed, nodes=tree.nodes,
            optimal=None, bound=(tau - 1) if tree.complete else None, settings=settings,
        )

    # minimum finding: lower the target from the root's upper bound until its tree has a marked vertex.
    # Every empty tree proves "fewer than tau"; the first non-empty one holds the optimum (= tau), and a
    # depth-first search of it stops at its first marked vertex.
    right, wrong = bounder.bounds(base[None, :])
    tau = problem.data.num_points - int(wrong[0])
    nodes, rounds, proved = 0, [], False
    incumbent, best_correct = _external(network, np.where(base == 0, -1, base).astype(np.int8)), None
    while tau >= 0:
        remaining = None if limit is None else limit - (time.perf_counter() - started)
        if remaining is not None and remaining <= 0:
            break
        tree = search_tree(problem, tau, order=order, max_nodes=max_nodes, time_limit=remaining, _setup_cache=setup)
        hit = tree.first_marked()
        cost = tree.nodes if hit is None else tree.dfs_nodes()
        nodes += cost
        rounds.append({"target": tau, "tree_nodes": tree.nodes, "marked": tree.marked, "dfs_nodes": cost})
        if hit is not None:
            incumbent = _external(network, tree.completion(*hit))
            proved = True
            break
        if not tree.complete:
            break
        tau -= 1
    settings.update(rounds=rounds, depth=len(branched))
    result = make_result(
        problem, METHOD, incumbent, forward_passes=max(nodes, 1), started=started, seed=seed, nodes=max(nodes, 1),
        optimal=proved, settings=settings,
    )
    if proved:  # the marked vertex classifies >= tau points; tau + 1 was proved unreachable (or is above all)
        result = replace(result, bound=result.correct)
    return result


def _deepest_best(problem, tree: SearchTree) -> np.ndarray:
    """The complete, not excluded leaf of the tree with the most correct points, else the root's bit-0 completion."""
    network = problem.network
    if len(tree.status) == tree.depth + 1 and len(tree.status[-1]):
        excluded = set(problem.exclude)
        free, _ = free_and_fixed(problem)
        for i in np.argsort(-tree.right[-1], kind="stable"):
            if not excluded or _configuration(tree.order, free, int(tree.codes[-1][i])) not in excluded:
                return _external(network, tree.completion(tree.depth, int(i)))
    return _external(network, tree.completion(0, 0))
