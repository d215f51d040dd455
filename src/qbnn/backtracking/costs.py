"""Query counts of quantum backtracking, tree-size estimation and Grover search, with every constant written out.

Units: one *walk step* is one application of R_B R_A (:mod:`qbnn.backtracking.walk`),
which evaluates the branch-and-bound predicate (accept / reject / continue)
a constant number of times; one *Grover query* is one Grover iterate, one
evaluation of the network on every point and its uncomputation.

Detection (Montanaro 2018, arXiv:1509.02374, Algorithm 2 and Theorem 1.1:
O(sqrt(T n)) walk steps). One run is phase estimation of R_B R_A on |r>
with precision beta / sqrt(T n): m = ceil(log2(sqrt(T n) / beta)) bits, whose
controlled powers apply the walk 2^m - 1 times, accepting iff the outcome is 0.
It accepts with probability >= 1/2 when a marked vertex exists and <= 1/4
when none does. Montanaro proves that a universal beta exists without
giving a number; we use ``BETA`` = 1/4 (M = 2^m >= 4 sqrt(T n)). The exact
simulation fixed it: on unmarked trees (complete binary trees, paths, BNN
search trees of parity) P(0) was still 0.20-0.30 at M ~ 2 sqrt(T n), so
beta = 1/2 is not safe, and at most 0.04 at M >= 3.5 sqrt(T n);
tests/backtracking checks P(0) <= 1/4 at this beta.

Repetition. K runs, answer "marked" when more than 3K/8 accept (Montanaro's
K = O(log 1/delta), made explicit): K is the least number of runs whose
exact binomial tails P[Bin(K, 1/2) <= 3K/8] and P[Bin(K, 1/4) > 3K/8] are
both <= delta (Hoeffding's ceil(32 ln(1/delta)) is a valid but looser choice).

Finding (Montanaro 2018, Algorithm 3 and Theorem 1.2: O(sqrt(T) n^(3/2) log n)).
Walk down from the root: at each of at most n levels, run detection on the
subtree of each of the 2 children with failure delta' = 1/(6 n) each, so the
at most 2n detections all succeed with probability >= 2/3 (union bound);
subtrees have at most T vertices and depth n, so
finding <= 2 n K(1/(6n)) (2^m - 1) walk steps.

Unknown T (Ambainis & Kokainis, STOC 2017, arXiv:1704.06774, Theorem 1:
T estimated within a factor 1 +/- delta in O~(sqrt(n T)) steps, delta^(-3/2)
in the precision). We report the leading term sqrt(n T) delta^(-3/2) at
delta = 1/2 and say that polylogarithmic factors are omitted (they are not
given in closed form there). Their application (a) runs the search on the
T' vertices a classical depth-first search visits before its first
solution instead of the whole tree: O~(sqrt(T') n^(3/2)).

Grover (Boyer, Brassard, Hoyer & Tapp 1998): round(pi / (4 theta) - 1/2)
iterates, sin^2 theta = M / 2^p, for M known solutions; M = 0 (nothing to
find) still costs a full-length run, floor(pi/4 sqrt(2^p)), to learn it.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

__all__ = [
    "BETA",
    "REPETITION_CONSTANT",
    "detection_bits",
    "detection_walk_steps",
    "repetitions",
    "finding_walk_steps",
    "tree_size_estimation_steps",
    "grover_queries",
    "BacktrackingCosts",
    "backtracking_costs",
    "CITATIONS",
]

#: Phase-estimation precision beta / sqrt(T n) (Montanaro's universal constant, fixed by the exact simulation).
BETA = 0.25
#: Hoeffding's bound on the repetitions, ceil(32 ln(1/delta)) (the 1/8 gap to the 3/8 threshold); an upper limit for K.
REPETITION_CONSTANT = 32.0

CITATIONS = {
    "detection": "Montanaro, Theory of Computing 14(15), 2018, arXiv:1509.02374, Algorithm 2 / Theorem 1.1",
    "finding": "Montanaro, Theory of Computing 14(15), 2018, arXiv:1509.02374, Algorithm 3 / Theorem 1.2",
    "tree_size_estimation": "Ambainis & Kokainis, STOC 2017, arXiv:1704.06774, Theorem 1 (leading term, polylogs omitted)",
    "grover": "Boyer, Brassard, Hoyer & Tapp, Fortschr. Phys. 46, 1998: round(pi/(4 theta) - 1/2) iterates",
    "repetition": "K runs, threshold 3K/8: least K with exact binomial tails <= delta (Hoeffding: <= ceil(32 ln(1/delta)))",
}


def detection_bits(nodes: float, depth: int, beta: float = BETA) -> int:
    """m = ceil(log2(sqrt(T n) / beta)): phase-estimation bits of one detection run (at least 1).

    >>> detection_bits(1000, 10)
    9
    """
    value = math.sqrt(max(1.0, float(nodes)) * max(1, int(depth))) / beta
    return max(1, math.ceil(math.log2(value) - 1e-12))


def detection_walk_steps(nodes: float, depth: int, beta: float = BETA) -> int:
    """Walk steps of one detection run: 2^m - 1 (the controlled powers of phase estimation)."""
    return (1 << detection_bits(nodes, depth, beta)) - 1


def repetitions(delta: float) -> int:
    """Runs of detection for failure probability ``delta``: the least K whose exact binomial tails are <= delta.

    >>> repetitions(1 / 3), repetitions(0.01)
    (4, 82)
    """
    if not 0.0 < delta < 1.0:
        raise ValueError("delta must lie strictly between 0 and 1")
    for K in range(1, math.ceil(REPETITION_CONSTANT * math.log(1.0 / delta)) + 1):
        cut = math.floor(3 * K / 8)  # "marked" iff more than 3K/8 runs accept
        miss = sum(math.comb(K, j) for j in range(cut + 1)) / 2.0**K  # P[Bin(K, 1/2) <= 3K/8]
        false = sum(math.comb(K, j) * 0.25**j * 0.75 ** (K - j) for j in range(cut + 1, K + 1))
        if miss <= delta and false <= delta:
            return K
    return math.ceil(REPETITION_CONSTANT * math.log(1.0 / delta))


def finding_walk_steps(nodes: float, depth: int, beta: float = BETA, branching: int = 2) -> int:
    """Walk steps to find a marked vertex: branching x n x K(1/(3 branching n)) x (2^m - 1)."""
    n = max(1, int(depth))
    return branching * n * repetitions(1.0 / (3 * branching * n)) * detection_walk_steps(nodes, n, beta)


def tree_size_estimation_steps(nodes: float, depth: int, delta: float = 0.5) -> float:
    """Leading term of Ambainis-Kokainis tree-size estimation: sqrt(n T) / delta^1.5 (polylog factors omitted)."""
    return math.sqrt(max(1, int(depth)) * max(1.0, float(nodes))) / delta**1.5


def grover_queries(parameters: int, solutions: int) -> int:
    """Grover iterates for M of 2^p solutions (M = 0: a full-length run, floor(pi/4 sqrt(2^p)))."""
    size = 2.0 ** int(parameters)
    if solutions <= 0:
        return math.floor(math.pi / 4 * math.sqrt(size))
    theta = math.asin(math.sqrt(min(1.0, solutions / size)))
    return max(0, round(math.pi / (4 * theta) - 0.5))


@dataclass(frozen=True)
class BacktrackingCosts:
    """Classical tree sizes and the quantum query counts side by side, for one problem and target."""

    parameters: int  # p in superposition for Grover (free parameters)
    solutions: int  # M: configurations reaching the target (None-free: counted exactly when p is small)
    nodes: int  # T, the pruned tree
    depth: int  # n
    dfs_nodes: int  # what classical depth-first branch-and-bound evaluates before it stops
    exhaustive: int  # 2^p
    grover_queries: int
    detection_bits: int
    detection_walk_steps: int  # one run: P(accept) >= 1/2 with a marked vertex, <= 1/4 without
    detection_walk_steps_confident: int  # K runs for failure <= 1/3
    finding_walk_steps: int
    tree_size_estimation_steps: float
    ambainis_kokainis_search_steps: float  # sqrt(T') n^(3/2), T' = dfs_nodes (leading term)

    def to_json(self) -> dict:
        payload = asdict(self)
        payload["citations"] = dict(CITATIONS)
        payload["beta"] = BETA
        return payload


def backtracking_costs(parameters: int, solutions: int, nodes: int, depth: int, dfs_nodes: int) -> BacktrackingCosts:
    """Every count for a tree of ``nodes`` vertices and depth ``depth`` and a space of 2^``parameters``."""
    return BacktrackingCosts(
        parameters=int(parameters),
        solutions=int(solutions),
        nodes=int(nodes),
        depth=int(depth),
        dfs_nodes=int(dfs_nodes),
        exhaustive=1 << int(parameters),
        grover_queries=grover_queries(parameters, solutions),
        detection_bits=detection_bits(nodes, depth),
        detection_walk_steps=detection_walk_steps(nodes, depth),
        detection_walk_steps_confident=repetitions(1 / 3) * detection_walk_steps(nodes, depth),
        finding_walk_steps=finding_walk_steps(nodes, depth),
        tree_size_estimation_steps=tree_size_estimation_steps(nodes, depth),
        ambainis_kokainis_search_steps=math.sqrt(max(1, dfs_nodes)) * max(1, depth) ** 1.5,
    )
