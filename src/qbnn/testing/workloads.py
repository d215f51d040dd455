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


#: The kinds of QBNN problem an engine change must keep exact (see :func:`problem_kind`).
PROBLEM_KINDS = ("paper_1", "paper_2_meta", "threshold", "threshold_exclude", "counter", "multibit", "folded")


def problem_kind(kind: str):
    """A small TrainingProblem of each kind: the paper's, meta, threshold, exclusions, counter sign, multi-bit, folded."""
    import numpy as np

    from qbnn.model.data import Dataset, paper_problem
    from qbnn.model.network import Network
    from qbnn.problem import TrainingProblem

    if kind not in PROBLEM_KINDS:
        raise ValueError(f"kind={kind!r} is not one of {', '.join(PROBLEM_KINDS)}")
    if kind == "multibit":
        rng = np.random.default_rng(11)
        data = Dataset(rng.choice([-3, -1, 1, 3], (6, 2)), rng.choice([-1, 1], 6), input_bits=2)
        return TrainingProblem(Network((2, 1)), data, min_correct=4)
    return {
        "paper_1": lambda: TrainingProblem.paper(1),
        "paper_2_meta": lambda: TrainingProblem.paper(2, meta=True),
        "threshold": lambda: TrainingProblem.paper(1).with_target(6),
        "threshold_exclude": lambda: TrainingProblem(Network((3, 2, 1)), paper_problem(1), min_correct=7, exclude=[5, 40]),
        "counter": lambda: TrainingProblem(Network((3, 2, 1)), paper_problem(2), activation="counter", min_correct=5),
        "folded": lambda: TrainingProblem(Network((3, 2, 1)), paper_problem(1), free=[0, 2, 5, 6], values=[1] * 8),
    }[kind]()
