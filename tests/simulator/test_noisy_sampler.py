"""``StructuredSampler(noise=...)``: noisy shots from trajectories, checked against Aer's density matrix."""

from __future__ import annotations

import numpy as np
from qiskit import QuantumCircuit, transpile

from qbnn.simulator.noise import PauliNoise
from qbnn.simulator.noise_aer import engine_circuit
from qbnn.simulator.structured import StructuredSimulator
from qbnn.simulator.sampler import StructuredSampler


def bell_chain() -> QuantumCircuit:
    """Two-qubit Grover marking |11> (certain without noise), plus a copy of qubit 0 onto qubit 2."""
    qc = QuantumCircuit(3, 3)
    qc.h([0, 1])
    qc.cz(0, 1)
    qc.h([0, 1])
    qc.x([0, 1])
    qc.cz(0, 1)
    qc.x([0, 1])
    qc.h([0, 1])
    qc.cx(0, 2)
    qc.measure([0, 1, 2], [0, 1, 2])
    return qc


def test_noisy_sampler_counts_follow_aer_density_matrix():
    from qiskit_aer import AerSimulator

    qc = bell_chain()
    noise = PauliNoise("depolarizing", 0.05)
    program = StructuredSimulator().compile(qc.remove_final_measurements(inplace=False))
    reference = engine_circuit([program], noise)
    reference.save_probabilities([0, 1, 2])
    aer = AerSimulator(method="density_matrix")
    expected = np.asarray(aer.run(transpile(reference, aer, optimization_level=0)).result().data(0)["probabilities"])
    shots = 3000
    counts = StructuredSampler(seed=5, noise=noise).run([qc], shots=shots).result()[0].data.c.get_counts()
    for outcome in range(8):
        p = expected[outcome]
        got = counts.get(format(outcome, "03b"), 0) / shots
        assert abs(got - p) <= 4.5 * np.sqrt(p * (1 - p) / shots) + 1e-9, (outcome, got, p)
    assert expected[0b111] < 0.9 and expected[0b010] > 0.01  # outcomes impossible without noise do occur


def test_noisy_sampler_repeats_with_its_seed_and_rate_zero_is_noiseless():
    qc = bell_chain()
    first = StructuredSampler(seed=3, noise="bit-flip:0.1").run([qc], shots=200).result()[0].data.c.get_counts()
    again = StructuredSampler(seed=3, noise="bit-flip:0.1").run([qc], shots=200).result()[0].data.c.get_counts()
    assert first == again
    clean = StructuredSampler(seed=3, noise="bit-flip:0").run([qc], shots=200).result()[0].data.c.get_counts()
    assert clean == StructuredSampler(seed=3).run([qc], shots=200).result()[0].data.c.get_counts()
