"""How much memory the machine offers, and human-readable byte counts.

Used to refuse requests before allocating (docs/concepts/engine.md: memory is
checked first; a request that cannot fit says how much it needs).
"""

from __future__ import annotations

import os

__all__ = ["available_memory_bytes", "machine_memory_bytes", "format_bytes"]

#: Share of the currently available memory one request may use.
USABLE_FRACTION = 0.8


def available_memory_bytes() -> int:
    """Bytes one request may use: 80% of MemAvailable (Linux), else of physical memory.

    ``QBNN_MAX_MEMORY`` (bytes, or with a K/M/G/T suffix) overrides it, e.g. for tests.
    """
    override = os.environ.get("QBNN_MAX_MEMORY")
    if override:
        return parse_bytes(override)
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(int(line.split()[1]) * 1024 * USABLE_FRACTION)
    except OSError:
        pass
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") * USABLE_FRACTION)
    except (ValueError, OSError, AttributeError):
        return 8 << 30


def machine_memory_bytes() -> int:
    """Bytes one request may use, decided from the machine: 80% of its physical memory.

    Unlike :func:`available_memory_bytes` it does not move with the momentary load, so the same
    request gets the same answer every time. ``QBNN_MAX_MEMORY`` overrides it too.
    """
    override = os.environ.get("QBNN_MAX_MEMORY")
    if override:
        return parse_bytes(override)
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") * USABLE_FRACTION)
    except (ValueError, OSError, AttributeError):
        return 8 << 30


def parse_bytes(text: str) -> int:
    """Parse ``"512M"``, ``"2G"`` or a plain byte count."""
    text = text.strip().upper().removesuffix("B").removesuffix("I")
    scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    if text and text[-1] in scale:
        return int(float(text[:-1]) * scale[text[-1]])
    return int(float(text))


def format_bytes(num: float) -> str:
    """``1536`` -> ``'1.5 KiB'``; binary units as memory is counted."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(num) < 1024 or unit == "PiB":
            return f"{num:.0f} {unit}" if unit == "B" else f"{num:.1f} {unit}"
        num /= 1024
    raise AssertionError("unreachable")
