"""Parsing the small text forms users type: iteration ranges and index lists.

They live in the library (not the CLI) so that a notebook user gets the same
checks and messages; errors name the Python parameter (see :mod:`qbnn.errors`).
The bounds are checked before a range is expanded, so ``0-100000000`` costs
nothing to refuse.

>>> parse_int_range("5,1,1-2")
[1, 2, 5]
>>> parse_index_list("5, 17")
(5, 17)
"""

from __future__ import annotations

from qbnn.errors import QbnnError

__all__ = ["MAX_K", "parse_int_range", "parse_single_int", "parse_index_list"]

#: The largest Grover iteration count a range may ask for.
MAX_K = 10_000


def parse_int_range(text: str, *, parameter: str = "k", low: int = 0, high: int = MAX_K) -> list[int]:
    """``"0-12"``, ``"4"`` or ``"0,2,4"`` -> sorted distinct integers in ``low..high``.

    Every bound is checked before any range is expanded; the error names ``parameter``.
    """
    spans: list[tuple[int, int]] = []
    try:
        for part in text.split(","):
            part = part.strip()
            if "-" in part[1:]:
                lo, hi = (int(v) for v in part.split("-", 1))
                if hi < lo:
                    raise ValueError
            else:
                lo = hi = int(part)
            spans.append((lo, hi))
    except ValueError:
        raise QbnnError(
            f"{{{parameter}}} is not a range; write e.g. 0-12, 4 or 0,2,4 (values in {low}..{high})", **{parameter: text}
        ) from None
    if any(lo < low or hi > high for lo, hi in spans):
        raise QbnnError(f"{{{parameter}}} must lie in {low}..{high}", **{parameter: text})
    values: set[int] = set()
    for lo, hi in spans:
        values.update(range(lo, hi + 1))
    return sorted(values)


def parse_single_int(text: str, *, parameter: str = "k", low: int = 0, high: int = MAX_K) -> int:
    """One integer in ``low..high``; a range such as ``0-3`` is refused as a range, not as a negative number."""
    stripped = text.strip()
    if "," in stripped or "-" in stripped[1:]:
        raise QbnnError(f"{{{parameter}}} is a range, but one value is expected here, e.g. 3", **{parameter: text})
    try:
        value = int(stripped)
    except ValueError:
        raise QbnnError(f"{{{parameter}}} is not a whole number; give one value, e.g. 3", **{parameter: text}) from None
    if not low <= value <= high:
        raise QbnnError(f"{{{parameter}}} must lie in {low}..{high}", **{parameter: text})
    return value


def parse_index_list(text: str | None, *, parameter: str = "exclude") -> tuple[int, ...]:
    """``"5,17"`` -> configuration indices (e.g. to deselect an overfit found earlier)."""
    if not text:
        return ()
    try:
        return tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise QbnnError(
            f"{{{parameter}}} is not a comma-separated list of configuration indices, e.g. 5,17", **{parameter: text}
        ) from None
