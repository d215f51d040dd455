"""The compiled merge and general Hadamard give today's numbers bit for bit (issue 29).

The reference is the path they replaced, kept behind two switches: merging by sorting every key
(``merge.COMPILED_GROUPING = False``) and H on an entangled qubit by doubling the index and merging it
(``noise.COMPILED_HADAMARD = False``). Same error draws, same per-trajectory probabilities, byte for byte.
"""

from __future__ import annotations

import numpy as np
import pytest

from qbnn.engines.amplify_noisy import NoisyAmplification
from qbnn.model.data import paper_problem
from qbnn.model.network import Network
from qbnn.problem import TrainingProblem
from qbnn.simulator import merge as merge_module
from qbnn.simulator import noise as noise_module
from qbnn.simulator.merge import merge_index, pack_bits
from qbnn.simulator.noise import PauliNoise, general_hadamard
from qbnn.simulator.structured import StructuredState


@pytest.fixture
def reference_path(monkeypatch):
    """Call with True to run the replaced (sorting, doubling) path, False for the compiled one."""

    def use(reference: bool) -> None:
        monkeypatch.setattr(merge_module, "COMPILED_GROUPING", not reference)
        monkeypatch.setattr(noise_module, "COMPILED_HADAMARD", not reference)

    return use


def random_state(rng: np.random.Generator) -> tuple[StructuredState, list[int], int]:
    """A state of the class (rows any functions of the index, some plain index bits, some zero amplitudes)."""
    n, p = int(rng.integers(2, 12)), int(rng.integers(0, 10))
    size = 1 << p
    bits = rng.integers(0, 2, size=(n, size)).astype(np.uint8)
    for j in range(min(p, n)):
        if rng.random() < 0.6:
            bits[j] = (np.arange(size) >> j) & 1
    amplitudes = rng.normal(size=size)
    if rng.random() < 0.2:
        amplitudes[rng.random(size) < 0.5] = 0.0
    low = [int(q) for q in rng.choice(n, size=int(rng.integers(0, n + 1)), replace=False)]
    return StructuredState(pack_bits(bits), amplitudes, p), low, int(rng.integers(0, n))


def same(a: StructuredState, b: StructuredState) -> bool:
    return (
        a.num_index_bits == b.num_index_bits
        and np.array_equal(a.rows, b.rows)
        and a.amplitudes.dtype == b.amplitudes.dtype
        and a.amplitudes.tobytes() == b.amplitudes.tobytes()
    )


def test_compiled_merge_and_hadamard_equal_the_sorting_path_byte_for_byte(reference_path):
    rng = np.random.default_rng(29)
    for _ in range(300):
        state, low, qubit = random_state(rng)
        if rng.random() < 0.3:
            state.amplitudes = state.amplitudes + 1j * rng.normal(size=state.amplitudes.size)  # merge only
        results = []
        for reference in (True, False):
            reference_path(reference)
            copy = StructuredState(state.rows.copy(), state.amplitudes.copy(), state.num_index_bits)
            if np.iscomplexobj(copy.amplitudes):
                merge_index(copy, low, 1 << 40)
            else:
                general_hadamard(copy, qubit, low, 1 << 40)
            results.append(copy)
        assert same(*results)


def small_meta_problems():
    one = paper_problem(1)
    yield "[3,1] meta, 4 points", TrainingProblem(Network((3, 1), meta=True), one.subset(range(4))), 3, 0.02, 12
    yield "[3,2,1] meta, 2 points", TrainingProblem(Network((3, 2, 1), meta=True), one.subset(range(2))), 4, 2e-3, 3


@pytest.mark.parametrize("model", ["bit-flip", "phase-flip", "depolarizing"])
@pytest.mark.parametrize("case", list(small_meta_problems()), ids=lambda case: case[0])
def test_meta_trajectories_are_bit_for_bit_those_of_the_replaced_path(case, model, reference_path):
    _, problem, k, rate, trajectories = case
    amplification = NoisyAmplification(problem, PauliNoise(model, rate), trajectories=trajectories, seed=1)
    values = {}
    for reference in (True, False):
        reference_path(reference)
        rng = np.random.default_rng(3)  # the same error draws for both paths
        values[reference] = np.stack([amplification.trajectory_values(list(range(k + 1)), rng) for _ in range(trajectories)])
    assert values[True].tobytes() == values[False].tobytes()
    assert np.any(values[False] > 0)
