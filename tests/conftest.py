"""Shared fixtures: the independent reference figures of the paper's four cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REFERENCE_FILE = Path(__file__).parent / "reference" / "paper_problems.json"


@pytest.fixture(scope="session")
def reference() -> dict:
    """The four paper cases: data, histograms, solution indices, exact success probabilities."""
    return json.loads(REFERENCE_FILE.read_text())["problems"]
