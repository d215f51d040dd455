"""The few exception types qbnn raises for user mistakes.

Every message says what was wrong, what was expected and what to do, in one
line, so the command line can print it as is (DESIGN.md section 5).
"""

from __future__ import annotations


class QbnnError(Exception):
    """Base class of every error qbnn raises for a user mistake."""


class DataError(QbnnError, ValueError):
    """A dataset (CSV file or arrays) that qbnn cannot use as given."""


class ArchitectureError(QbnnError, ValueError):
    """Layer sizes that do not describe a valid network for the data."""


class UnsupportedGateError(QbnnError, ValueError):
    """A gate outside the structured engine's class (permutations, Z-type signs, allowed H)."""


class ResourceLimitError(QbnnError, MemoryError):
    """A request that would need more memory than the machine has."""


class EngineUnavailableError(QbnnError, RuntimeError):
    """An optional simulator (e.g. Qiskit Aer) that is not installed."""
