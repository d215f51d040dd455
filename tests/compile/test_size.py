"""Circuit sizes known before building: the estimate bounds the built circuit, and what is too large to
build is refused at once with what it needs and what would fit (both sign activations)."""

from __future__ import annotations

import numpy as np
import pytest

from qbnn.cli.main import main
from qbnn.compile import qbnn as qbnn_module
from qbnn.compile.qbnn import compile_qbnn
from qbnn.compile.size import MAX_GATES, check_circuit_size, estimate_qbnn_size
from qbnn.model.data import Dataset
from qbnn.errors import ResourceLimitError
from qbnn.model.network import Network


def random_data(points: int, features: int, seed: int = 0) -> Dataset:
    rng = np.random.default_rng(seed)
    return Dataset(rng.choice([-1, 1], (points, features)), rng.choice([-1, 1], points))


@pytest.mark.parametrize("activation", ["paper", "counter"])
@pytest.mark.parametrize(("layers", "meta", "points"), [((3, 2, 1), False, 8), ((3, 2, 1), True, 5), ((5, 1), False, 6), ((4, 3, 2, 1), False, 3)])
def test_estimate_bounds_the_built_circuit(layers, meta, points, activation):
    network, data = Network(layers, meta=meta), random_data(points, layers[0])
    size = estimate_qbnn_size(network, data, activation)
    built = compile_qbnn(network, data, activation=activation).circuit
    assert size.qubits == built.num_qubits
    assert built.size() <= size.gates <= 1.1 * built.size() + 10  # loading counts every input as +1


@pytest.fixture
def nothing_is_built(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a circuit was built before the size check")

    monkeypatch.setattr(qbnn_module, "QuantumCircuit", refuse)


def test_a_wide_paper_sign_neuron_is_refused_before_building(nothing_is_built):
    """--layers 16,1 used to build 206,000 gates for minutes; 40,1 overflowed inside Qiskit."""
    with pytest.raises(ResourceLimitError) as info:
        compile_qbnn(Network((16, 1)), random_data(8, 16))
    message = info.value.render({})
    assert "U for [16,1] with the paper sign on 8 points would have about 206,472 gates" in message
    assert "the paper sign of a 16-input neuron needs C(16, 8) = 12,870 ancillas" in message
    assert f"qbnn builds at most {MAX_GATES:,} gates" in message
    assert "use the counter sign circuit (--activation counter: about 1,856 gates)" in message
    assert "(activation counter: about" in str(info.value)  # the library names its parameter
    with pytest.raises(ResourceLimitError, match=r"C\(40, 20\) = 137,846,528,820 ancillas"):
        compile_qbnn(Network((40, 1)), random_data(8, 40))


def test_many_training_points_are_refused_with_how_many_fit(nothing_is_built):
    """200,000 rows in train used to grow toward 25 GiB with no output."""
    data = random_data(200_000, 3)
    for activation in ("paper", "counter"):
        size = estimate_qbnn_size(Network((3, 2, 1)), data, activation)
        fit = (MAX_GATES - 8) // size.gates_per_point
        with pytest.raises(ResourceLimitError) as info:
            check_circuit_size(Network((3, 2, 1)), data, activation)
        assert f"on 200,000 points would have about {size.gates:,} gates" in str(info.value)
        assert str(info.value).endswith(f"use at most {fit:,} training points (a sample of the data)")
        assert estimate_qbnn_size(Network((3, 2, 1)), data.subset(np.arange(fit)), activation).gates <= MAX_GATES


@pytest.mark.parametrize(
    "command",
    [
        ["train"],
        ["amplify", "--k", "1"],
        ["count"],
        ["circuit"],
        ["resources"],
        ["train", "--batch-size", "4"],
    ],
)
def test_every_command_refuses_a_wide_neuron_in_one_line(tmp_path, capsys, command, nothing_is_built):
    path = tmp_path / "wide.csv"
    rng = np.random.default_rng(1)
    rows = rng.choice([-1, 1], (8, 17))
    path.write_text(",".join([*(f"x{i}" for i in range(16)), "y"]) + "\n" + "\n".join(",".join(map(str, r)) for r in rows) + "\n")
    assert main([*command, "--data", str(path), "--layers", "16,1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("qbnn: error: U for [16,1] with the paper sign on 8 points")
    assert "--activation counter" in err
