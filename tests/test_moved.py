"""Modules that moved still import under their old names, with a DeprecationWarning, as the same objects."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from qbnn._moved import MOVED


@pytest.mark.parametrize("old, new", sorted(MOVED.items()))
def test_every_new_home_exists_and_no_old_file_is_left_behind(old, new):
    assert importlib.util.find_spec(new) is not None, new
    from pathlib import Path

    src = Path(importlib.util.find_spec("qbnn").origin).parent
    assert not (src.parent / (old.replace(".", "/") + ".py")).exists(), f"{old} still has a module file"


@pytest.mark.parametrize("old", ["qbnn.sampler", "qbnn.engines.structured", "qbnn.network", "qbnn.landscape_summary"])
def test_an_old_name_warns_and_gives_the_new_module(old):
    """In a fresh interpreter, so that neither name is imported yet."""
    code = (
        "import warnings, importlib\n"
        "warnings.simplefilter('error', DeprecationWarning)\n"
        f"try:\n    importlib.import_module({old!r})\nexcept DeprecationWarning as w:\n    print('WARNED', w)\n"
        "warnings.simplefilter('ignore', DeprecationWarning)\n"
        f"old = importlib.import_module({old!r}); new = importlib.import_module({MOVED[old]!r})\n"
        "print('SAME', old is new)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert f"WARNED {old} moved to {MOVED[old]}" in out
    assert "SAME True" in out


def test_classes_are_one_object_under_both_names():
    with pytest.warns(DeprecationWarning):
        from qbnn.engines.noise import PauliNoise as old  # noqa: F401
    from qbnn.simulator.noise import PauliNoise as new

    assert old is new
