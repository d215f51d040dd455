"""The documentation site: it builds strictly offline, and its API page documents exactly ``qbnn.__all__``."""

from __future__ import annotations

import html
import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import qbnn

ROOT = Path(__file__).resolve().parents[2]
API_PAGE = ROOT / "docs" / "api.md"


def api_entries() -> dict[str, str]:
    """Public name -> the dotted path its mkdocstrings block documents, as written on the API page."""
    text = API_PAGE.read_text()
    pairs = re.findall(r"^### `qbnn\.(\w+)`\n\n::: ([\w.]+)$", text, flags=re.MULTILINE)
    return dict(pairs)


def page_text(path: Path) -> str:
    """A built page's text without its HTML tags (code blocks are split into highlighted spans)."""
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text()))


def test_api_page_lists_exactly_the_public_names():
    entries = api_entries()
    assert sorted(entries) == sorted(qbnn.__all__)
    assert len(re.findall(r"^::: ", API_PAGE.read_text(), flags=re.MULTILINE)) == len(qbnn.__all__)


def test_api_page_paths_are_the_public_objects():
    for name, path in api_entries().items():
        module, _, attribute = path.rpartition(".")
        assert getattr(importlib.import_module(module), attribute) is getattr(qbnn, name), name


def test_every_public_name_has_a_docstring():
    undocumented = [name for name in qbnn.__all__ if not (getattr(qbnn, name).__doc__ or "").strip()]
    assert undocumented == []


def test_mkdocs_build_is_strict_and_offline(tmp_path):
    """No warnings (strict), no network (the theme's web fonts are off), real command output on the pages."""
    env = {
        **os.environ,
        "QBNN_DOCS_EXECUTE": "false",  # the notebooks are executed by tests/docs/test_notebooks.py
        "NO_MKDOCS_2_WARNING": "1",
        "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""),
        "NO_PROXY": "*",
        "HTTP_PROXY": "http://127.0.0.1:9",  # any attempt to reach the network fails the build
        "HTTPS_PROXY": "http://127.0.0.1:9",
    }
    site = tmp_path / "site"
    completed = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    landscape = page_text(site / "commands" / "landscape" / "index.html")
    assert "$ qbnn landscape --problem 1 --json" in landscape
    assert '"solutions": 8' in landscape  # problem 1 has 8 solutions
    errors = page_text(site / "getting-started" / "index.html")
    assert "(exit code 2)" in errors  # the mistake example really exits 2
    api = (site / "api" / "index.html").read_text()
    for name in qbnn.__all__:
        assert f"qbnn.{name}" in api
    assert (site / "tutorials" / "01_reproduce_paper" / "index.html").exists()
