"""Quantum backtracking (Montanaro 2018) on the branch-and-bound trees of BNN training: trees, costs, the walk itself, a study."""

from qbnn.backtracking.costs import BacktrackingCosts, backtracking_costs
from qbnn.backtracking.tree import BacktrackingTree
from qbnn.backtracking.walk import WalkSimulation, simulate_detection

__all__ = ["BacktrackingTree", "BacktrackingCosts", "backtracking_costs", "WalkSimulation", "simulate_detection"]
