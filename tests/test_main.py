"""``python -m qbnn`` is the ``qbnn`` command; ``--version``; shell completion."""

from __future__ import annotations

import os
import subprocess
import sys

import qbnn
from qbnn.cli.main import main


def test_python_m_qbnn_runs_the_command_line():
    completed = subprocess.run(
        [sys.executable, "-m", "qbnn", "landscape", "--problem", "2", "--json"], capture_output=True, text=True, timeout=300
    )
    assert completed.returncode == 0, completed.stderr
    assert '"solutions": 4' in completed.stdout


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"qbnn {qbnn.__version__}"


def test_shell_completion_completes_commands_and_options():
    env = {**os.environ, "_QBNN_COMPLETE": "complete_bash", "COMP_WORDS": "qbnn train --str", "COMP_CWORD": "2"}
    completed = subprocess.run([sys.executable, "-m", "qbnn"], env=env, capture_output=True, text=True, timeout=300)
    assert completed.stdout.split() == ["--strategy"]
