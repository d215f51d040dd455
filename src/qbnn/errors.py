"""The few exception types qbnn raises for user mistakes.

Every message says what was wrong, what was expected and what to do, in one
line, so the command line can print it as is (docs/concepts/command-line.md).

The library speaks of its Python parameters, the command line of its flags.
A message names a parameter through a ``{placeholder}`` and passes the value
given (or ``...`` for a bare name), so one error reads both ways:

>>> error = DataError("{min_correct} is outside 0..8; give at most 8", min_correct=9)
>>> str(error)
'min_correct=9 is outside 0..8; give at most 8'
>>> error.render(flags={})
'--min-correct 9 is outside 0..8; give at most 8'
>>> DataError("give {min_correct} or {min_accuracy}, not both", min_correct=..., min_accuracy=...).render({})
'give --min-correct or --min-accuracy, not both'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "QbnnError",
    "DataError",
    "ArchitectureError",
    "UnsupportedGateError",
    "ResourceLimitError",
    "EngineUnavailableError",
    "flag_of",
]


def flag_of(parameter: str, flags: Mapping[str, str] | None = None) -> str:
    """The command-line flag of a Python parameter: ``flags[parameter]`` or ``--`` + the name with dashes."""
    if flags is not None and parameter in flags:
        return flags[parameter]
    return "--" + parameter.replace("_", "-")


class QbnnError(Exception):
    """Base class of every error qbnn raises for a user mistake.

    ``message`` may hold ``{name}`` placeholders, one per keyword argument:
    the Python parameter ``name`` and the value it was given (``...`` for
    none). ``str()`` renders them as ``name=value``; :meth:`render` with a
    flag table renders them as ``--flag value`` for the command line.
    """

    def __init__(self, message: str = "", **parameters: Any) -> None:
        self.template = message
        self.parameters = parameters
        super().__init__(self.render())

    def render(self, flags: Mapping[str, str] | None = None) -> str:
        """The message with parameters as Python names (``flags=None``) or as command-line flags."""
        if not self.parameters:
            return self.template

        def show(name: str) -> str:
            value = self.parameters[name]
            if flags is None:
                return name if value is ... else f"{name}={value!r}"
            flag = flag_of(name, flags)
            return flag if value is ... else f"{flag} {value}"

        return self.template.format_map({name: show(name) for name in self.parameters})


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
