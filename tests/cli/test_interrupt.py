"""Ctrl-C: exit 130 with one line, also on a local Dask cluster, whose workers are shut down."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil

from qbnn.cli.main import main


def test_interrupt_in_process_is_one_line(monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("qbnn.cli.amplify.get_engine", interrupted)
    assert main(["amplify", "--problem", "1", "--k", "1"]) == 130
    captured = capsys.readouterr()
    assert captured.err == "qbnn: interrupted\n" and captured.out == ""


def test_ctrl_c_with_workers_is_one_line_and_leaves_no_process(tmp_path):
    """Used to print 62 lines of worker tracebacks. The terminal sends SIGINT to the whole process group;
    while the cluster starts it is ignored, so it is sent again until the command stops, as a user would."""
    command = [sys.executable, "-m", "qbnn", "amplify", "--problem", "2", "--meta", "--k", "0-3000", "--workers", "2"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True, start_new_session=True)
    parent = psutil.Process(process.pid)
    deadline = time.monotonic() + 240
    while len(parent.children(recursive=True)) < 2 and time.monotonic() < deadline:  # wait for both workers
        time.sleep(0.2)
    workers = parent.children(recursive=True)
    assert len(workers) >= 2, "the local cluster did not start"
    while process.poll() is None and time.monotonic() < deadline:  # Ctrl-C, again while the cluster still starts
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            pass
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert err == "qbnn: interrupted\n" and out == ""
    psutil.wait_procs(workers, timeout=30)
    assert not [w for w in workers if w.is_running() and w.status() != psutil.STATUS_ZOMBIE]
