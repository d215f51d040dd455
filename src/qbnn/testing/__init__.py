"""Public helpers to check circuits and search against independent references (in the manner of Qualtran's testing helpers).

- :mod:`qbnn.testing.circuits`: exhaustive basis-state checks of reversible circuits against the network.
- :mod:`qbnn.testing.minibatch`: minibatch Grover on 2^p amplitudes, without a circuit.
- :mod:`qbnn.testing.workloads`: a planted 3-SAT instance (tests and the SAT benchmark), and one small problem of
  each QBNN kind (engine changes that must stay exact are tested on all of them).

The exact success statistics of the search strategies live in :mod:`qbnn.search.statistics`.
"""

from qbnn.testing.circuits import (
    accuracy_bits_from_circuit,
    assert_ancillas_clean,
    assert_circuit_matches_network,
    classical_action,
)
from qbnn.testing.minibatch import classical_minibatch_probabilities
from qbnn.testing.workloads import PROBLEM_KINDS, planted_3sat, problem_kind

__all__ = [
    "classical_action",
    "assert_circuit_matches_network",
    "assert_ancillas_clean",
    "accuracy_bits_from_circuit",
    "classical_minibatch_probabilities",
    "planted_3sat",
    "PROBLEM_KINDS",
    "problem_kind",
]
