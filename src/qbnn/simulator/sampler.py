"""A Qiskit ``BaseSamplerV2`` on the structured exact engine, and exact outcome probabilities.

``StructuredSampler`` can be given to anything in Qiskit that takes a sampler,
e.g. ``qiskit_algorithms.Grover(sampler=StructuredSampler(seed=7))`` or
``qiskit_algorithms.IterativeAmplitudeEstimation(0.01, 0.05, sampler=...)``.
It takes the same PUBs as Qiskit's ``StatevectorSampler`` and Aer's
``SamplerV2`` (circuit, optional parameter values, optional shots) and
returns one ``BitArray`` per classical register, with unmeasured bits 0.

Circuits go through the engine's one lowering
(:func:`qbnn.simulator.lowering.lower_circuit`): classical reversible gates,
any single-qubit unitary and its controlled versions, composite and
annotated gates; final measurements are recorded. Mid-circuit measurements,
resets and classical control flow raise ``UnsupportedGateError`` naming the
gate and its instruction position.

>>> from qiskit import QuantumCircuit
>>> qc = QuantumCircuit(2, 2)
>>> _ = qc.h(0); _ = qc.cx(0, 1); _ = qc.measure([0, 1], [0, 1])
>>> {k: round(v, 12) for k, v in exact_probabilities(qc).items()}
{'00': 0.5, '11': 0.5}
>>> StructuredSampler(seed=1).run([qc], shots=100).result()[0].data.c.num_shots
100
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
from qiskit import QuantumCircuit
from qiskit.primitives import BaseSamplerV2
from qiskit.primitives.containers import BitArray, DataBin, PrimitiveResult, SamplerPubLike, SamplerPubResult
from qiskit.primitives.containers.sampler_pub import SamplerPub
from qiskit.primitives.primitive_job import PrimitiveJob

from qbnn.simulator.bitrows import bits_at
from qbnn.simulator.structured import StructuredProgram, StructuredSimulator, StructuredState

if TYPE_CHECKING:
    from qbnn.simulator.noise import PauliNoise

__all__ = ["StructuredSampler", "exact_probabilities", "run_exact", "structured_state", "final_state"]


def final_state(program: StructuredProgram, simulator: StructuredSimulator) -> StructuredState:
    """The engine path of the sampler: a compiled PUB circuit run from |0...0> to its final (pre-measurement) state.

    Everything the sampler and :func:`exact_probabilities` measure comes from here (one place to add,
    e.g., noise on ``program.lowered.ops``); refusals carry the user's instruction positions.
    """
    return simulator.run(program)


def run_exact(circuit: QuantumCircuit, *, max_memory_bytes: int | None = None) -> StructuredState:
    """The exact final state of ``circuit`` (final measurements ignored) on the structured engine."""
    simulator = StructuredSimulator(max_memory_bytes=max_memory_bytes)
    return final_state(simulator.compile(circuit), simulator)


def structured_state(circuit: QuantumCircuit, simulator: StructuredSimulator | None = None) -> StructuredState:
    """Like :func:`run_exact`, on a given simulator (final measurements ignored)."""
    simulator = simulator or StructuredSimulator()
    return final_state(simulator.compile(circuit), simulator)


def exact_probabilities(
    circuit: QuantumCircuit,
    *,
    register: str | None = None,
    cutoff: float = 1e-14,
    max_memory_bytes: int | None = None,
) -> dict[str, float]:
    """Exact probabilities of the measurement outcomes of ``circuit``, keyed like counts.

    Keys are the measured clbits as a bitstring (highest clbit index leftmost,
    no register separators); with ``register``, that classical register's bits
    (unmeasured ones 0), as ``BitArray.get_counts()`` keys them. A circuit
    without measurements gives the distribution of all its qubits. Outcomes
    with probability at most ``cutoff`` are left out.
    """
    simulator = StructuredSimulator(max_memory_bytes=max_memory_bytes)
    program = simulator.compile(circuit)
    state = final_state(program, simulator)
    measured = program.lowered.measured
    bit_qubits: list[int | None]
    if register is not None:
        creg = next((r for r in circuit.cregs if r.name == register), None)
        if creg is None:
            raise ValueError(f"circuit has no classical register '{register}'; it has {[r.name for r in circuit.cregs]}")
        bit_qubits = [measured.get(circuit.find_bit(b).index) for b in creg]
    elif measured:
        bit_qubits = [measured[c] for c in sorted(measured)]
    else:
        bit_qubits = list(range(circuit.num_qubits))
    width = len(bit_qubits)
    if width == 0:
        return {"": 1.0}
    size = 1 << state.num_index_bits
    indices = np.arange(size, dtype=np.int64)
    bits = np.zeros((size, width), dtype=np.uint8)  # column 0 = highest bit, as in the key
    for j, q in enumerate(bit_qubits):
        if q is not None:
            bits[:, width - 1 - j] = bits_at(state.rows[q], indices)
    keys, inverse = np.unique(np.packbits(bits, axis=1), axis=0, return_inverse=True)
    totals = np.bincount(inverse.ravel(), weights=state.weights(), minlength=len(keys))
    out = {
        "".join(format(int(b), "08b") for b in row)[:width]: float(total)
        for row, total in zip(keys, totals)
        if total > cutoff
    }
    return dict(sorted(out.items()))


# --------------------------------------------------------------------------- the sampler


class StructuredSampler(BaseSamplerV2):
    """Qiskit ``BaseSamplerV2`` on the structured exact engine.

    Args:
        default_shots: shots for PUBs that do not give their own.
        seed: an int (each ``run`` call starts a fresh ``numpy.random.Generator``
            from it, so the same seed gives the same counts), a ``Generator``
            (used and advanced as is) or None (fresh entropy).
        max_memory_bytes: bound on the engine's state (default: 80% of available memory).
        noise: a :class:`~qbnn.simulator.noise.PauliNoise` (or ``"MODEL:RATE"``): every shot is then one
            exact noisy trajectory (Pauli errors after every gate on each of its qubits).
        client: a ``distributed.Client`` (e.g. ``with qbnn.core.cluster.dask_client(workers=2) as client``): the
            noisy shots then run on its workers, with the same counts as in this process for a seed.
    """

    def __init__(
        self,
        *,
        default_shots: int = 1024,
        seed: np.random.Generator | int | None = None,
        max_memory_bytes: int | None = None,
        noise: PauliNoise | str | None = None,
        client: Any = None,
    ) -> None:
        from qbnn.simulator.noise import PauliNoise, parse_noise

        self._noise = parse_noise(noise) if isinstance(noise, str) else noise
        if self._noise is not None and not isinstance(self._noise, PauliNoise):
            raise TypeError(f"noise must be a PauliNoise or 'MODEL:RATE', not {type(noise).__name__}")
        self._default_shots = int(default_shots)
        self._seed = seed
        self._simulator = StructuredSimulator(max_memory_bytes=max_memory_bytes)
        self._client = client

    @property
    def default_shots(self) -> int:
        return self._default_shots

    @property
    def seed(self) -> np.random.Generator | int | None:
        return self._seed

    def _rng(self) -> np.random.Generator:
        if isinstance(self._seed, np.random.Generator):
            return self._seed
        return np.random.default_rng(self._seed)

    def run(self, pubs: Iterable[SamplerPubLike], *, shots: int | None = None) -> PrimitiveJob[PrimitiveResult[SamplerPubResult]]:
        if shots is None:
            shots = self._default_shots
        coerced = [SamplerPub.coerce(pub, shots) for pub in pubs]
        if any(len(pub.circuit.cregs) == 0 for pub in coerced):
            warnings.warn(
                "One of your circuits has no output classical registers and so the result "
                "will be empty. Did you mean to add measurement instructions?",
                UserWarning,
                stacklevel=2,
            )
        # circuits outside the class are refused here, so the error reaches the caller directly
        prepared = [None if pub.circuit.parameters else self._simulator.compile(pub.circuit) for pub in coerced]
        job = PrimitiveJob(self._run, coerced, prepared)
        job._submit()
        return job

    def _run(self, pubs: list[SamplerPub], prepared: list[StructuredProgram | None]) -> PrimitiveResult[SamplerPubResult]:
        rng = self._rng()
        results = [self._run_pub(pub, ready, rng) for pub, ready in zip(pubs, prepared)]
        return PrimitiveResult(results, metadata={"version": 2})

    def _run_pub(self, pub: SamplerPub, ready: StructuredProgram | None, rng: np.random.Generator) -> SamplerPubResult:
        circuit = pub.circuit
        registers = [(creg.name, [circuit.find_bit(b).index for b in creg]) for creg in circuit.cregs]
        bound = None if ready is not None else pub.parameter_values.bind_all(circuit)
        arrays = {
            name: np.zeros((*pub.shape, pub.shots, (len(clbits) + 7) // 8), dtype=np.uint8) for name, clbits in registers
        }
        for index in np.ndindex(pub.shape):
            program = ready if ready is not None else self._simulator.compile(bound[index])
            measured = program.lowered.measured
            values: dict[int, np.ndarray] = {}
            if self._noise is not None and self._noise.rate > 0:
                values = self._noisy_values(program, measured, pub.shots, rng)
            else:
                state = final_state(program, self._simulator)
                draws = state.draw_indices(pub.shots, rng)
            for name, clbits in registers:
                bits = np.zeros((pub.shots, len(clbits)), dtype=np.uint8)
                for j, clbit in enumerate(clbits):
                    qubit = measured.get(clbit)
                    if qubit is not None:
                        if qubit not in values:
                            values[qubit] = bits_at(state.rows[qubit], draws)
                        bits[:, j] = values[qubit]
                arrays[name][index] = _pack(bits)
        meas = {name: BitArray(arrays[name], len(clbits)) for name, clbits in registers}
        return SamplerPubResult(
            DataBin(**meas, shape=pub.shape), metadata={"shots": pub.shots, "circuit_metadata": circuit.metadata}
        )

    def _noisy_values(
        self, program: StructuredProgram, measured: dict[int, int], shots: int, rng: np.random.Generator
    ) -> dict[int, np.ndarray]:
        """Measured qubit -> its bit in each shot, every shot one noisy trajectory."""
        from qbnn.simulator.noise import NoisyCircuit

        qubits = sorted(set(measured.values()))
        bits = NoisyCircuit(program, self._noise, self._simulator).sample(qubits, shots, rng, client=self._client)
        return {q: bits[:, j] for j, q in enumerate(qubits)}

    def exact_probabilities(self, circuit: QuantumCircuit, *, register: str | None = None) -> dict[str, float]:
        """Exact outcome probabilities of ``circuit`` (see :func:`exact_probabilities`)."""
        return exact_probabilities(circuit, register=register, max_memory_bytes=self._simulator.max_memory_bytes)


def _pack(bits: np.ndarray) -> np.ndarray:
    """(shots, num_bits) little-endian bits -> BitArray bytes (big-endian, bit 0 in the last byte's LSB)."""
    num_bits = bits.shape[1]
    if num_bits == 0:
        return np.zeros((bits.shape[0], 0), dtype=np.uint8)
    padded = np.pad(bits[:, ::-1], ((0, 0), (-num_bits % 8, 0)))
    return np.packbits(padded, axis=-1)
