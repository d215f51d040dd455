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


@pytest.fixture(scope="session")
def dask_cluster():
    """One local Dask cluster of 2 worker processes for every test that needs one (started once per session).

    The chunk kernels are compiled here first: numba caches them on disk, so the two workers load them
    instead of each compiling them again (half a minute on a fresh checkout).
    """
    from qbnn.core.cluster import dask_client
    from qbnn.simulator.chunks import warm_up

    warm_up()

    with dask_client(workers=2) as client:
        yield client


# --- golden files: the JSON contract of every command, and report.md's paper-vs-ours table ------------

GOLDEN = Path(__file__).parent / "golden"


def pytest_addoption(parser):
    parser.addoption(
        "--regen-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/ from the current output (after a deliberate change to the output contract)",
    )


def _same(expected, actual, where: str = "") -> str | None:
    """None if equal (floats to 1e-9 relative), else where they first differ."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        if list(expected) != list(actual):
            return f"{where or 'top level'}: keys {list(expected)} != {list(actual)}"
        for key in expected:
            found = _same(expected[key], actual[key], f"{where}.{key}")
            if found:
                return found
        return None
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return f"{where}: {len(expected)} items != {len(actual)}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            found = _same(e, a, f"{where}[{i}]")
            if found:
                return found
        return None
    if isinstance(expected, float) or isinstance(actual, float):
        if isinstance(expected, (int, float)) and isinstance(actual, (int, float)) and not isinstance(expected, bool):
            if actual == pytest.approx(expected, rel=1e-9, abs=1e-12):
                return None
    elif expected == actual and type(expected) is type(actual):
        return None
    return f"{where}: {expected!r} != {actual!r}"


@pytest.fixture
def golden(request):
    """``golden(name, value)``: compare a JSON object or a text with ``tests/golden/name``.

    On a difference the new output is written beside the golden file (``name.new``) and both paths
    are named. ``pytest --regen-golden`` (``make golden``) rewrites the golden files instead.
    """
    regenerate = request.config.getoption("--regen-golden")

    def check(name: str, value) -> None:
        path = GOLDEN / name
        text = value if isinstance(value, str) else json.dumps(value, indent=1) + "\n"
        if regenerate or not path.exists():
            GOLDEN.mkdir(exist_ok=True)
            path.write_text(text)
            if not regenerate:
                pytest.fail(f"golden file {path} did not exist; written now, check it in")
            return
        expected = path.read_text()
        difference = (
            (None if expected == text else "text differs")
            if isinstance(value, str)
            else _same(json.loads(expected), json.loads(text))
        )
        if difference:
            new = path.with_name(path.name + ".new")
            new.write_text(text)
            pytest.fail(
                f"output differs from the golden file ({difference}): compare {path} with {new}; "
                "if the change is deliberate, run make golden"
            )

    return check


# --- xdist: `make test` runs `pytest -n 2 --dist loadgroup` ----------------------------------------------

#: Tests that share a session fixture run in one worker, so it is built once: one `qbnn reproduce` run, one
#: engine cache, one transpiled device circuit, one Dask cluster (any test whose name says dask, too).
ONE_WORKER_FILES = {
    "tests/experiments/test_report.py": "reproduce",
    "tests/search/test_search.py": "search",
    "tests/hardware/test_device.py": "device",
    "tests/engines/test_distributed_structured.py": "dask",
    "tests/core/test_cluster.py": "dask",
    "tests/landscape/test_summary.py": "dask",
}


def pytest_xdist_make_scheduler(config, log):
    """``--dist loadgroup`` by file, here: xdist's own loses its group suffix on pytest 9 (tests spread anyway).

    Every other test is its own unit, scheduled as ``--dist load`` would.
    """
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class FileGroups(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            if path in ONE_WORKER_FILES:
                return ONE_WORKER_FILES[path]
            return "dask" if "dask" in nodeid.split("::", 1)[-1] else nodeid

    return FileGroups(config, log)
