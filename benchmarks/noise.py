"""Noisy trajectories per second: the structured engine vs Qiskit Aer on the same noisy QBNN circuits.

    python -m benchmarks.noise                  # problem 1 and meta, then the Aer comparison sizes
    python -m benchmarks.noise --rate 1e-4 --trajectories 20 --limit 60
    python -m benchmarks.noise --meta-run       # issue 29: meta problem 1, k = 20, bit-flip 1e-4, 100 trajectories
                                                # on 2 Dask workers (time, peak memory), then the cost table

``--meta-run``: ``NoisyAmplification(meta problem 1, bit-flip 1e-4, 100
trajectories).estimate([20])`` on a local cluster of ``--workers`` (default 2)
processes, timed end to end (cluster start included) with the peak resident
memory of this process and of the largest worker; then, in this process, the
CPU seconds of one trajectory (drawn with at least one error) at 1e-5, 1e-4
and 3e-4 against one noiseless run of U Q^20 from |0...0>.

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


def _peak_mb(who: int) -> float:
    import resource

    return resource.getrusage(who).ru_maxrss / 1024


def meta_run(workers: int, trajectories: int, rate: float, cost_rates: list[float], cost_trajectories: int) -> dict:
    """The issue-29 target run on Dask, then the per-trajectory cost table (one process)."""
    import resource

    from qbnn.core.cluster import dask_client
    from qbnn.engines.amplify_noisy import NoisyAmplification, run_entropy, trajectory_rng
    from qbnn.problem import TrainingProblem
    from qbnn.simulator.noise import PauliNoise
    from qbnn.simulator.structured import StructuredSimulator

    problem = TrainingProblem.paper(1, meta=True)
    k = 20
    start = time.perf_counter()
    with dask_client(workers=workers) as client:
        amplification = NoisyAmplification(problem, PauliNoise("bit-flip", rate), trajectories=trajectories, seed=0, client=client)
        estimate = amplification.estimate([k])
    seconds = time.perf_counter() - start
    run = {
        "problem": "problem 1 meta", "k": k, "noise": f"bit-flip:{rate:g}", "trajectories": trajectories, "workers": workers,
        "seconds": seconds, "success_probability": estimate.success_probability[0], "interval": list(estimate.interval[0]),
        "peak_rss_mb_client": _peak_mb(resource.RUSAGE_SELF), "peak_rss_mb_largest_worker": _peak_mb(resource.RUSAGE_CHILDREN),
    }
    exact = NoisyAmplification(problem, PauliNoise("bit-flip", 0.0)).exact
    program_u, programs_q = exact.u_program, exact.q_programs
    simulator = StructuredSimulator()
    noiseless = []
    for _ in range(5):
        t0 = time.process_time()
        state = simulator.run(program_u)
        for step in range(k):
            programs_q[step % len(programs_q)].apply(state, simulator)
        noiseless.append(time.process_time() - t0)
    base = float(np.median(noiseless))
    table = []
    for r in cost_rates:
        noisy = NoisyAmplification(problem, PauliNoise("bit-flip", r), trajectories=2, seed=0, exact=exact)
        noisy.trajectory_values([k], trajectory_rng(run_entropy(0), 10**6))  # noiseless restart states cached
        costs = []
        for t in range(cost_trajectories):
            t0 = time.process_time()
            noisy.trajectory_values([k], trajectory_rng(run_entropy(0), t))
            costs.append(time.process_time() - t0)
        table.append({"rate": r, "mean_seconds": float(np.mean(costs)), "median_seconds": float(np.median(costs)),
                      "max_seconds": float(np.max(costs)), "noiseless_seconds": base, "ratio_mean": float(np.mean(costs)) / base})
    return {"run": run, "cost": table}


def _meta_lines(result: dict) -> str:
    run = result["run"]
    lines = [
        f"{run['problem']}, k = {run['k']}, {run['noise']}, {run['trajectories']} trajectories on {run['workers']} Dask workers: "
        f"{run['seconds']:.0f} s, peak memory {run['peak_rss_mb_client']:.0f} MB (client) / "
        f"{run['peak_rss_mb_largest_worker']:.0f} MB (largest worker); P = {run['success_probability']:.5f} "
        f"[{run['interval'][0]:.5f}, {run['interval'][1]:.5f}]",
        "| rate | CPU s per trajectory (mean / median / max) | noiseless run | mean / noiseless |",
        "| --- | --- | --- | --- |",
    ]
    for row in result["cost"]:
        lines.append(f"| {row['rate']:g} | {row['mean_seconds']:.2f} / {row['median_seconds']:.2f} / {row['max_seconds']:.2f} | "
                     f"{1000 * row['noiseless_seconds']:.1f} ms | {row['ratio_mean']:.0f}x |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=1e-5)
    parser.add_argument("--trajectories", type=int, default=20)
    parser.add_argument("--limit", type=float, default=60.0, help="Seconds one Aer shot may take before the sweep stops.")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--meta-run", action="store_true", help="Issue 29's target run on Dask and the cost table.")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cost-trajectories", type=int, default=10)
    args = parser.parse_args(argv)
    if args.meta_run:
        result = meta_run(args.workers, 100 if args.trajectories == 20 else args.trajectories, 1e-4 if args.rate == 1e-5 else args.rate,
                          [1e-5, 1e-4, 3e-4], args.cost_trajectories)
        print(json.dumps(result) if args.json else _meta_lines(result), flush=True)
        return 0
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
