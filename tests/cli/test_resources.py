"""`qbnn resources`: the JSON contract, the activation comparison table, --device and --fault-tolerant (no network)."""

from __future__ import annotations

import json

from qbnn.cli.main import main


def run_json(capsys, *argv: str) -> dict:
    assert main([*argv, "--json"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    return json.loads(out)


def test_resources_json(capsys, golden):
    out = run_json(capsys, "resources", "--problem", "1", "--meta")
    golden("resources_problem1_meta.json", out)
    assert out["qubits"] == 30 and out["parameter_qubits"] == 14
    assert out["gates"]["h"] == 14
    assert set(out["transpiled"]["gates"]) <= {"cx", "u"}
    assert out["grover_iterate"]["gates"]["h"] == 28
    assert out["grover_iterate"]["depth"] > out["depth"]


def test_resources_activation_table_cli(capsys, golden):
    assert main(["resources", "--activations", "3-6", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["activations"]
    golden("resources_activations_3-6.json", {"activations": rows})
    assert [r[0]["inputs"] for r in rows] == [3, 4, 5, 6]
    assert all(r[0]["activation"] == "paper" and r[1]["activation"] == "counter" for r in rows)
    assert main(["resources", "--activations", "0-30"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "range of input counts in 1..20" in err


def one_line_error(capsys, *argv: str) -> str:
    assert main(list(argv)) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    return captured.err


def test_fault_tolerant_json_fields(capsys):
    out = run_json(capsys, "resources", "--problem", "2", "--fault-tolerant", "--error-budget", "0.001", "--code-cycle-us", "2")
    for key in ("logical_qubits", "toffoli_count", "t_count"):
        assert set(out[key]) == {"U", "Q"} and out[key]["Q"] > out[key]["U"] > 0
    assert out["t_count"]["Q"] == 4 * out["toffoli_count"]["Q"]
    assert out["iterations"] == 6  # problem 2: 4 solutions of 256
    assert out["wall_time_s"] > out["logical_time_s"] > 0  # the factory, not the data block, sets the pace
    assert out["failure_probability"] <= 0.001 and out["physical_qubits"] > 0 and out["logical_time_s"] > 0
    assert any("0.001" in line for line in out["assumptions"]) and any("Gidney 2018" in a for a in out["assumptions"])


def test_fault_tolerant_bad_budget_is_one_line(capsys):
    err = one_line_error(capsys, "resources", "--fault-tolerant", "--error-budget", "2")
    assert "--error-budget 2.0 must lie strictly between 0 and 1" in err


def test_device_errors_are_one_line(capsys):
    err = one_line_error(capsys, "resources", "--device", "fake_nowhere")
    assert "--device fake_nowhere is not a device" in err and "fake_sherbrooke" in err and "fake_torino" in err
    err = one_line_error(capsys, "resources", "--problem", "1", "--device", "fake_manila")
    assert "U needs 24 qubits but --device fake_manila has 5" in err
    err = one_line_error(capsys, "resources", "--device", "fake_manila", "--fault-tolerant")
    assert "either --device or --fault-tolerant" in err


CONDITION = ("--free", "6-7", "--values", "1,-1,1,1,1,-1,1,1")


def test_device_json_with_free_values_counts_the_folded_U(capsys):
    out = run_json(capsys, "resources", "--problem", "1", *CONDITION, "--device", "fake_guadalupe")
    plain = run_json(capsys, "resources", "--problem", "1", *CONDITION)
    assert out["device"] == "fake_guadalupe" and out["free"] == [6, 7] and out["input_bits"] == 1
    for part in ("U", "Q"):
        assert {"device", "qubits", "two_qubit_gates", "depth", "estimated_success"} <= set(out[part])
        assert out[part]["qubits"] == plain["qubits"] < 16 and 0 < out[part]["estimated_success"] < 1
    assert out["Q"]["two_qubit_gates"] > out["U"]["two_qubit_gates"] > 0


def test_fault_tolerant_with_free_values_searches_the_free_parameters_only(capsys):
    from qbnn.problem import TrainingProblem

    out = run_json(capsys, "resources", "--problem", "1", *CONDITION, "--fault-tolerant")
    full = run_json(capsys, "resources", "--problem", "1", "--fault-tolerant")
    truth = TrainingProblem.paper(1, free=(6, 7), values=(1, -1, 1, 1, 1, -1, 1, 1))
    assert out["free"] == [6, 7] and out["parameters"] == 2 and out["solutions"] == truth.num_solutions
    assert out["logical_qubits"]["U"] < full["logical_qubits"]["U"]
    assert out["toffoli_count"]["U"] < full["toffoli_count"]["U"]


def test_an_input_bits_range_refuses_the_options_it_would_ignore(capsys):
    for extra in (["--device", "fake_guadalupe"], ["--fault-tolerant"], list(CONDITION)):
        err = one_line_error(capsys, "resources", "--problem", "1", "--input-bits", "1-3", *extra)
        assert "--input-bits 1-3 tabulates U against b and does not take " + extra[0] in err
