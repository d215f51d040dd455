"""Classical baselines: random search by formula, and the strongest classical trainers (STE, local search, CP-SAT)."""

from qbnn.baselines.result import METHODS, ClassicalTraining, register, train_classical

__all__ = ["ClassicalTraining", "METHODS", "register", "train_classical"]
