"""Small named workloads shared by tests and benchmarks (a planted 3-SAT instance for Grover)."""

from __future__ import annotations

import numpy as np

__all__ = ["planted_3sat"]


def planted_3sat(n: int, m: int, rng: np.random.Generator) -> tuple[np.ndarray, list[tuple[tuple[int, ...], tuple[int, ...]]]]:
    """A planted assignment of n variables and m random 3-clauses that it satisfies (a Grover workload).

    A clause is (variables, negations): literal v if negation 0, not-v if 1.
    """
    planted = rng.integers(0, 2, n)
    clauses = []
    while len(clauses) < m:
        variables = tuple(int(v) for v in rng.choice(n, 3, replace=False))
        negations = tuple(int(s) for s in rng.integers(0, 2, 3))
        if any(planted[v] ^ s for v, s in zip(variables, negations)):
            clauses.append((variables, negations))
    return planted, clauses
