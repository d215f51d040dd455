"""BBHT's schedule of Grover-iteration ceilings (Boyer, Brassard, Hoyer, Tapp 1998), shared by every strategy built on it."""

from __future__ import annotations

import math
from collections.abc import Iterator

from qbnn.errors import QbnnError

__all__ = ["check_growth", "bbht_ceilings"]


def check_growth(growth: float) -> None:
    """Refuse a BBHT growth factor outside (1, 4/3] (every strategy built on BBHT's schedule checks it)."""
    if not 1.0 < growth < 4.0 / 3.0 + 1e-12:
        raise QbnnError("{growth} must lie in (1, 4/3] (Boyer et al.'s lambda)", growth=growth)


def bbht_ceilings(growth: float, num_configurations: int) -> Iterator[int]:
    """BBHT's ceil(m_t): m_1 = 1, m_(t+1) = min(growth m_t, sqrt(N)); step t draws k from 0..ceil(m_t)-1."""
    m, cap = 1.0, math.sqrt(num_configurations)
    while True:
        yield max(1, math.ceil(m))
        m = min(growth * m, cap)
