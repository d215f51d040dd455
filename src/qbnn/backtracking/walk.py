"""Montanaro's quantum walk on a backtracking tree, simulated exactly, and its phase-estimation detection test.

Montanaro, "Quantum-walk speedup of backtracking algorithms", Theory of
Computing 14(15), 2018 (arXiv:1509.02374), section 2. On the span of the
tree's vertices, with A the vertices at even distance from the root r and B
those at odd distance, ``d_x`` the degree of x (children + 1, the root:
children) and n the depth bound:

- D_x = I if x is marked; else D_x = I - 2|psi_x><psi_x| with
  |psi_x> = (|x> + sum_{children y} |y>) / sqrt(d_x) for x != r and
  |psi_r> = (|r> + sqrt(n) sum_{children y} |y>) / sqrt(1 + d_r n);
- R_A = direct sum of D_x over x in A, R_B = |r><r| + direct sum over x in B;
- one *walk step* is R_B R_A.

Each D_x acts on the star {x} + children(x); the stars of A (and of B, plus
{r}) partition the vertices, so a walk step is two block reflections applied
to a vector in O(T) (no T x T matrix). Detection (Montanaro's Algorithm 2,
one run): phase estimation of R_B R_A with m bits on |r>, accept iff the
outcome is 0. The outcome-0 amplitude of textbook phase estimation with
M = 2^m is (1/M) sum_{k<M} (R_B R_A)^k |r>, so its probability is computed
exactly from the M - 1 walk steps the circuit's controlled powers apply.
Montanaro proves P(0) >= 1/2 when a marked vertex exists (an eigenvalue-1
vector with overlap >= 1/2 with |r>) and P(0) <= 1/4 when none does, for
m ~ log2(sqrt(T n)) + a constant; the detector says "marked" when P(0) > 3/8.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from qbnn.backtracking.costs import detection_bits
from qbnn.backtracking.tree import BacktrackingTree
from qbnn.errors import ResourceLimitError

__all__ = [
    "ACCEPT_THRESHOLD",
    "SIMULATION_LIMIT",
    "WalkOperator",
    "WalkSimulation",
    "detection_probability",
    "simulate_detection",
]

#: "Marked vertex exists" when P(outcome 0) > 3/8, halfway between Montanaro's 1/2 and 1/4.
ACCEPT_THRESHOLD = 3 / 8
#: Largest tree the command line simulates (vertices); the simulation costs O(T sqrt(T n)).
SIMULATION_LIMIT = 20_000


class WalkOperator:
    """R_A and R_B of a tree as star reflections: apply them, or (small trees) build them densely."""

    def __init__(self, tree: BacktrackingTree) -> None:
        self.tree = tree
        n = max(1, tree.depth)
        parent, level, marked = tree.parent, tree.level, tree.marked
        children = tree.children
        T = tree.nodes
        degree = children + 1
        degree[0] = children[0]
        centre_weight = 1.0 / np.sqrt(np.maximum(degree, 1)).astype(float)
        child_weight = centre_weight.copy()
        centre_weight[0] = 1.0 / np.sqrt(1.0 + children[0] * n)
        child_weight[0] = np.sqrt(n) / np.sqrt(1.0 + children[0] * n)
        centre_weight[marked] = 0.0  # D_x = I on a marked vertex's star
        child_weight[marked] = 0.0
        safe_parent = np.where(parent < 0, 0, parent)
        self.groups, self.weights = [], []
        for parity in (0, 1):  # A: stars centred at even levels; B: at odd levels (the root alone, identity)
            is_centre = (level % 2) == parity
            group = np.where(is_centre, np.arange(T), safe_parent)
            weight = np.where(is_centre, centre_weight, child_weight[safe_parent])
            if parity == 1:
                group = np.where(np.arange(T) == 0, 0, group)
                weight = np.where(np.arange(T) == 0, 0.0, weight)
            self.groups.append(group)
            self.weights.append(weight)

    def reflect(self, which: int, vector: np.ndarray) -> np.ndarray:
        """R_A (which=0) or R_B (which=1) applied to ``vector``."""
        group, weight = self.groups[which], self.weights[which]
        overlap = np.bincount(group, weights=weight * vector, minlength=vector.size)
        return vector - 2.0 * weight * overlap[group]

    def step(self, vector: np.ndarray) -> np.ndarray:
        """One walk step R_B R_A."""
        return self.reflect(1, self.reflect(0, vector))

    def dense(self) -> np.ndarray:
        """R_B R_A as a T x T matrix (small trees: for eigen-checks)."""
        T = self.tree.nodes
        return np.column_stack([self.step(e) for e in np.eye(T)])


def detection_probability(tree: BacktrackingTree, bits: int, operator: WalkOperator | None = None) -> float:
    """P(phase estimation with ``bits`` bits on |r> returns 0) = ||(1/M) sum_{k<M} (R_B R_A)^k |r>||^2, M = 2^bits."""
    walk = operator or WalkOperator(tree)
    M = 1 << int(bits)
    state = np.zeros(tree.nodes)
    state[0] = 1.0
    total = state.copy()
    for _ in range(M - 1):
        state = walk.step(state)
        total += state
    return float(np.dot(total, total) / M**2)


@dataclass(frozen=True)
class WalkSimulation:
    """One run of the detection algorithm, simulated exactly: its answer, P(outcome 0), and its cost."""

    detected: bool
    probability: float
    walk_steps: int
    bits: int
    nodes: int
    depth: int
    marked: int  # marked vertices really in the tree (the truth the answer is checked against)

    def to_json(self) -> dict:
        return asdict(self)


def simulate_detection(tree: BacktrackingTree, bits: int | None = None, *, limit: int | None = SIMULATION_LIMIT) -> WalkSimulation:
    """Phase estimation of the walk with ``bits`` bits (default :func:`detection_bits` of T and n), simulated exactly."""
    if limit is not None and tree.nodes > limit:
        raise ResourceLimitError(
            f"the tree has {tree.nodes} vertices; the exact walk simulation handles at most {limit} "
            "(use a larger {min_correct}, fewer {free} parameters or a smaller network)",
            min_correct=...,
            free=...,
        )
    m = detection_bits(tree.nodes, tree.depth) if bits is None else int(bits)
    probability = detection_probability(tree, m)
    return WalkSimulation(
        detected=probability > ACCEPT_THRESHOLD,
        probability=probability,
        walk_steps=(1 << m) - 1,
        bits=m,
        nodes=tree.nodes,
        depth=tree.depth,
        marked=tree.num_marked,
    )
