"""`qbnn amplify`: k ranges, the JSON contract and the sin^2 law (analytic engine here;
the structured and Aer engines are checked in tests/engines)."""

from __future__ import annotations

import json
import math

import pytest

from qbnn.cli.main import main
from qbnn.errors import ResourceLimitError
from qbnn.problem import TrainingProblem


def test_amplify_json_analytic(capsys):
    assert main(["amplify", "--problem", "2", "--k", "0-6", "--engine", "analytic", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["k"] == list(range(7)) and out["solutions"] == 4
    theta = math.asin(math.sqrt(4 / 256))
    for k, p, t in zip(out["k"], out["success_probability"], out["theory"]):
        assert t == pytest.approx(math.sin((2 * k + 1) * theta) ** 2, abs=1e-15)
        assert p == pytest.approx(t, abs=1e-12)


def test_unknown_engine_is_one_line(capsys):
    assert main(["amplify", "--engine", "gpu"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown engine 'gpu'" in err


def test_amplify_minibatch_reports_qubits_saved_and_the_full_batch(capsys):
    assert main(["amplify", "--problem", "1", "--batch-size", "4", "--k", "0-4", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["qubits_saved"] == 4 and out["batches"] == 2
    assert out["full_batch_success_probability"] == pytest.approx(out["theory"], abs=1e-12)
    assert out["success_probability"][0] == pytest.approx(8 / 256, abs=1e-12)
    assert out["success_probability"][4] < out["full_batch_success_probability"][4]


def test_amplify_threshold_follows_sin2(capsys):
    assert main(["amplify", "--problem", "2", "--min-correct", "6", "--k", "0-5", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["target"] == 6 and out["solutions"] > 4
    assert out["success_probability"] == pytest.approx(out["theory"], abs=1e-12)


def test_amplify_on_two_dask_workers_equals_one_process(capsys, dask_cluster):
    """--scheduler ADDR on the session's cluster of 2 workers (starting a local one: tests/landscape/test_summary.py)."""
    args = ["amplify", "--problem", "1", "--meta", "--k", "0-4", "--json"]
    assert main(args) == 0
    single = json.loads(capsys.readouterr().out)
    assert main([*args, "--scheduler", dask_cluster.scheduler.address]) == 0
    ours = json.loads(capsys.readouterr().out)
    assert (ours["engine"], ours["workers"], single["engine"]) == ("structured-dask", 2, "structured")
    assert ours["success_probability"] == pytest.approx(single["success_probability"], abs=1e-12)
    assert ours["solutions"] == single["solutions"] == 24 and ours["theory"] == single["theory"]


def test_workers_need_the_structured_engine(capsys):
    assert main(["amplify", "--engine", "analytic", "--workers", "2"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "drop --engine analytic or drop --workers/--scheduler" in err


def test_aer_refuses_a_run_estimated_at_an_hour_in_one_line_before_starting(capsys):
    """The meta circuit on Aer: 30 qubits; the estimate (gates x 2^n) is far over 10 minutes, so nothing runs."""
    assert main(["amplify", "--problem", "1", "--meta", "--k", "0-2", "--engine", "aer"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Aer would need about" in err and "--force" in err and "--engine structured" in err


def test_aer_estimate_grows_with_k_and_the_state_size():
    from qbnn.engines.amplify_aer import AER_SECONDS_PER_GATE_AMPLITUDE, AerAmplification

    problem = TrainingProblem.paper(1)
    amp = AerAmplification(problem, max_seconds=0.0, announce=None)
    one, two = amp.estimated_seconds(1), amp.estimated_seconds(2)
    q_gates = problem.grover_iterate.size()
    assert two - one == pytest.approx(AER_SECONDS_PER_GATE_AMPLITUDE * q_gates * 2**problem.num_qubits)
    with pytest.raises(ResourceLimitError, match="max_seconds"):
        amp.prefetch([0])  # refused before Aer runs anything
