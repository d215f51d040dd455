"""Noisy trajectories per second: the structured engine vs Qiskit Aer on the same noisy QBNN circuits.

    python -m benchmarks.noise                  # problem 1 and meta, then the Aer comparison sizes
    python -m benchmarks.noise --rate 1e-4 --trajectories 20 --limit 60

Ours: ``NoisyAmplification`` trajectories of U Q^k (k = the noiseless optimum,
depolarizing noise after every gate on each of its qubits), each drawn
conditioned on at least one error (the ones that cost work; error-free runs
reuse the noiseless state), timed over ``--trajectories`` of them.
Aer: the same gate list with the same Pauli channel after every gate
(``qbnn.simulator.noise_aer.engine_circuit``) run by Aer's state-vector method
on one thread, where every shot is one trajectory; timed as time(S shots) / S
(S so that the run takes about a quarter of ``--limit``; Aer's fixed overhead
included), on growing QBNN circuits until one shot exceeds ``--limit`` seconds
or the state vector does not fit. Both sides are measured in the same run; nothing
is asserted.
"""

from __future__ import annotations

import argparse
import json
import math
import time

import numpy as np


def _problems():
    from qbnn.model.data import Dataset, paper_problem
    from qbnn.model.network import Network
    from qbnn.problem import TrainingProblem

    one = paper_problem(1)
    yield "[2,1], 2 points", TrainingProblem(Network((2, 1)), Dataset(np.array([[1, 1], [-1, 1]]), np.array([1, -1])))
    yield "[3,1], 2 points", TrainingProblem(Network((3, 1)), Dataset(np.array([[1, 1, 1], [-1, 1, 1]]), np.array([1, -1])))
    for points in (2, 4, 8):
        yield f"[3,2,1], problem 1, {points} points", TrainingProblem(Network((3, 2, 1)), one.subset(range(points)))


def _best_k(problem) -> int:
    m, n = problem.num_solutions, problem.num_configurations
    return max(1, round(math.pi / (4 * math.asin(math.sqrt(m / n))) - 0.5))


def ours(problem, rate: float, trajectories: int) -> dict:
    from qbnn.engines.amplify_noisy import NoisyAmplification
    from qbnn.simulator.noise import PauliNoise

    k = _best_k(problem)
    amplification = NoisyAmplification(problem, PauliNoise("depolarizing", rate), trajectories=trajectories)
    amplification.exact.success_probability(k)  # compile and cache the noiseless run
    rng = np.random.default_rng(0)
    amplification._trajectory(k, rng)  # warm-up (numba)
    start = time.perf_counter()
    for _ in range(trajectories):
        amplification._trajectory(k, rng)
    seconds = (time.perf_counter() - start) / trajectories
    return {"k": k, "qubits": problem.num_qubits, "slots": amplification.num_slots(k),
            "no_error_probability": amplification.no_error_probability(k), "seconds_per_trajectory": seconds}


def aer(problem, rate: float, limit: float) -> dict | None:
    from qiskit import transpile
    from qiskit_aer import AerSimulator

    from qbnn.engines.amplify_structured import StructuredAmplification
    from qbnn.simulator.noise import PauliNoise
    from qbnn.simulator.noise_aer import engine_circuit
    from qbnn.simulator.structured import StructuredSimulator

    k = _best_k(problem)
    exact = StructuredAmplification(problem, StructuredSimulator())
    circuit = engine_circuit([exact.u_program] + [exact.q_programs[0]] * k, PauliNoise("depolarizing", rate))
    circuit.measure_all()
    simulator = AerSimulator(method="statevector", max_parallel_threads=1)  # one core, like our kernel
    compiled = transpile(circuit, simulator, optimization_level=0)

    def run(shots: int) -> float:
        start = time.perf_counter()
        simulator.run(compiled, shots=shots, seed_simulator=1).result()
        return time.perf_counter() - start

    one = run(1)
    if one > limit:
        return None
    shots = max(1, min(200, int(limit / 4 / max(one, 1e-3))))
    return {"seconds_per_trajectory": run(shots) / shots, "shots": shots}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=1e-5)
    parser.add_argument("--trajectories", type=int, default=20)
    parser.add_argument("--limit", type=float, default=60.0, help="Seconds one Aer shot may take before the sweep stops.")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    from qbnn.problem import TrainingProblem

    rows = []
    for name, problem in [("problem 1", TrainingProblem.paper(1)), ("problem 1 meta", TrainingProblem.paper(1, meta=True))]:
        rows.append({"circuit": name, "ours": ours(problem, args.rate, args.trajectories), "aer": None})
        print(json.dumps(rows[-1]) if args.json else _line(rows[-1]), flush=True)
    aer_alive = True
    for name, problem in _problems():
        row = {"circuit": name, "ours": ours(problem, args.rate, args.trajectories), "aer": None}
        if aer_alive and (1 << problem.num_qubits) * 16 < 2 << 30:
            row["aer"] = aer(problem, args.rate, args.limit)
            aer_alive = row["aer"] is not None
        rows.append(row)
        print(json.dumps(row) if args.json else _line(row), flush=True)
    return 0


def _line(row: dict) -> str:
    o = row["ours"]
    text = (f"{row['circuit']:<32} {o['qubits']:>3} qubits  k={o['k']:<3} ours {1 / o['seconds_per_trajectory']:10.3g} traj/s"
            f"  (P(no error) {o['no_error_probability']:.3f})")
    if row["aer"] is not None:
        a = row["aer"]["seconds_per_trajectory"]
        text += f"   Aer {1 / a:10.3g} traj/s   ours/Aer {a / o['seconds_per_trajectory']:8.1f}x"
    return text


if __name__ == "__main__":
    raise SystemExit(main())
