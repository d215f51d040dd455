"""`qbnn resources`: the JSON contract and the activation comparison table."""

from __future__ import annotations

import json

from qbnn.cli.main import main


def run_json(capsys, *argv: str) -> dict:
    assert main([*argv, "--json"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    return json.loads(out)


def test_resources_json(capsys):
    out = run_json(capsys, "resources", "--problem", "1", "--meta")
    assert out["qubits"] == 30 and out["parameter_qubits"] == 14
    assert out["gates"]["h"] == 14
    assert set(out["transpiled"]["gates"]) <= {"cx", "u"}
    assert out["grover_iterate"]["gates"]["h"] == 28
    assert out["grover_iterate"]["depth"] > out["depth"]


def test_resources_activation_table_cli(capsys):
    assert main(["resources", "--activations", "3-6", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["activations"]
    assert [r[0]["inputs"] for r in rows] == [3, 4, 5, 6]
    assert all(r[0]["activation"] == "paper" and r[1]["activation"] == "counter" for r in rows)
    assert main(["resources", "--activations", "0-30"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "range of input counts in 1..20" in err
