"""MkDocs hooks: the how-to pages show real output, produced by running qbnn while the site is built.

A fenced block whose language is ``qbnn-run`` holds one command line; it is
replaced by a console block with the command and what it printed (the exit
code too, when it is not 0). ``<!-- qbnn-figure: NAME -->`` is replaced by a
figure drawn at build time (embedded as a data URI, so nothing generated is
kept in the repository).
"""

from __future__ import annotations

import base64
import contextlib
import io
import re
import shlex

_RUN = re.compile(r"^```qbnn-run\n(?P<command>.+?)\n```$", re.MULTILINE | re.DOTALL)
_FIGURE = re.compile(r"<!-- qbnn-figure: (?P<name>[a-z0-9_-]+) -->")
_cache: dict[str, str] = {}


def run_command(command: str) -> str:
    """Run one ``qbnn ...`` line in this process and return what it printed on stdout (and its exit code)."""
    if command in _cache:
        return _cache[command]
    from qbnn.cli.main import main

    argv = shlex.split(command)
    if argv[:1] != ["qbnn"]:
        raise ValueError(f"a qbnn-run block must start with 'qbnn': {command!r}")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv[1:])
    text = out.getvalue().rstrip()
    if code != 0:
        text += ("\n" if text else "") + err.getvalue().rstrip() + f"\n(exit code {code})"
    _cache[command] = text
    return text


def _figure(name: str) -> str:
    import matplotlib

    matplotlib.use("Agg")
    from qbnn.compile.qbnn import compile_qbnn
    from qbnn.model.data import Dataset
    from qbnn.model.network import Network

    if name != "one-point-circuit":
        raise ValueError(f"unknown qbnn-figure {name!r}")
    import numpy as np

    # the [3, 2, 1] network of the paper on a single training point (x = +1, -1, +1; y = +1), without the H layer's
    # repetition over points: the block that U repeats for every point
    data = Dataset(np.array([[1, -1, 1]]), np.array([1]), name="one point")
    circuit = compile_qbnn(Network((3, 2, 1)), data).circuit
    buffer = io.BytesIO()
    figure = circuit.draw("mpl", fold=60, scale=0.55)
    figure.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
    encoded = base64.b64encode(buffer.getvalue()).decode()
    return f'![U for the paper\'s [3, 2, 1] network on one training point](data:image/png;base64,{encoded})'


def on_page_markdown(markdown: str, page, config, files) -> str:  # noqa: ANN001 - MkDocs hook signature
    def replace_run(match: re.Match) -> str:
        command = match.group("command").strip()
        return f"```console\n$ {command}\n{run_command(command)}\n```"

    markdown = _RUN.sub(replace_run, markdown)
    return _FIGURE.sub(lambda match: _figure(match.group("name")), markdown)
