"""Dask scale-out benchmark: landscapes and the structured engine on 1 vs 2 local workers (issue 8).

    python -m benchmarks.distributed                      # defaults: about 10 minutes on 2 shared cores
    python -m benchmarks.distributed --landscape-p 20,24,28,30 --amplify-p 20,24,26,27 --workers 1,2,4

Each case starts a fresh LocalCluster (one thread per worker process) and
measures wall time, each worker's CPU time (the busiest worker's CPU time is
the wall time a dedicated core per worker would give, whatever else runs on
the machine) and each worker's peak resident memory above its idle level
(Linux VmHWM, reset before the case). Landscapes: all 2^p
configurations on 16 random points, reduced to the histogram. Amplification:
U once, then one Grover iteration, then the exact success probability, on the
structured-dask engine; the one-process engine is timed beside it as the
reference. p = 32 and 36 are extrapolated from the largest measured p (every
gate and every landscape chunk costs O(2^p)). Nothing here is asserted;
numbers are reported.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

from qbnn.model.data import Dataset
from qbnn.core.memory import format_bytes
from qbnn.model.network import Network
from qbnn.problem import TrainingProblem

#: A network with exactly p parameters for each p (16 random points); fewer qubits preferred.
NETWORKS = {
    18: (3, 3, 2, 1),
    20: (4, 4, 1),
    21: (3, 3, 3, 1),
    22: (3, 4, 2, 1),
    23: (5, 3, 2, 1),
    24: (5, 4, 1),
    25: (4, 5, 1),
    26: (4, 4, 2, 1),
    27: (8, 3, 1),
    28: (6, 4, 1),
    30: (5, 5, 1),
    32: (7, 4, 1),
    36: (8, 4, 1),
}
POINTS = 16


def network_for(p: int) -> tuple[int, ...]:
    if p in NETWORKS:
        return NETWORKS[p]
    for n1 in range(2, 9):  # (n0, n1, 1): p = n1 (n0 + 1)
        if p % n1 == 0 and p // n1 - 1 >= 2:
            return (p // n1 - 1, n1, 1)
    raise SystemExit(f"no network with exactly {p} parameters in this benchmark's table; add one to NETWORKS")


def random_problem(p: int, seed: int = 0) -> TrainingProblem:
    layers = network_for(p)
    rng = np.random.default_rng(seed)
    X = rng.choice(np.array([-1, 1], dtype=np.int8), size=(POINTS, layers[0]))
    y = rng.choice(np.array([-1, 1], dtype=np.int8), size=POINTS)
    return TrainingProblem(Network(layers), Dataset(X, y, name=f"random {POINTS} points"))


# --- memory of a worker process ----------------------------------------------------------------


def _status_bytes(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def reset_peak() -> int:
    """Reset this process's peak RSS (Linux clear_refs) and return the current RSS."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
    except OSError:
        pass
    return _status_bytes("VmRSS")


def peak_rss() -> int:
    return _status_bytes("VmHWM")


def cpu_seconds() -> float:
    """User + system CPU time of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _warm_up() -> None:
    """Compile (or load) the kernels the tasks use, so neither time nor idle memory counts that."""
    from qbnn.simulator.chunks import warm_up

    warm_up()


# --- cases -------------------------------------------------------------------------------------


def landscape_case(client, p: int) -> dict:
    from qbnn.landscape.summary import distributed_landscape_summary

    problem = random_problem(p)
    start = time.perf_counter()
    summary = distributed_landscape_summary(problem.network, problem.data, client)
    return {"seconds": time.perf_counter() - start, "solutions": summary.num_solutions}


def amplify_case(client, p: int) -> dict:
    from qbnn.engines.distributed_structured import DaskStructuredEngine

    problem = random_problem(p)
    start = time.perf_counter()
    amp = DaskStructuredEngine(client).prepare(problem)
    compiled = time.perf_counter()
    amp._advance_to(0)
    prepared = time.perf_counter()
    amp._advance_to(1)
    iterated = time.perf_counter()
    success = amp.success_probability(1)
    measured = time.perf_counter()
    return {
        "qubits": problem.num_qubits,
        "chunks": amp._state.num_chunks,
        "chunk_bits": amp.simulator.chunk_bits,
        "compile_s": compiled - start,
        "u_s": prepared - compiled,
        "iteration_s": iterated - prepared,
        "success_s": measured - iterated,
        "seconds": measured - compiled,
        "success_probability_k1": success,
    }


def reference_case(p: int) -> dict:
    """The one-process structured engine in a fresh process (its own peak memory)."""
    code = (
        "import json, time, benchmarks.distributed as b\n"
        "from qbnn.engines.registry import get_engine\n"
        "from qiskit import QuantumCircuit; from qbnn.simulator.structured import StructuredSimulator\n"
        "warm = QuantumCircuit(2); warm.h(0); warm.cx(0, 1); StructuredSimulator().run(warm)  # compile the kernels\n"
        f"problem = b.random_problem({p}); base = b.reset_peak()\n"
        "amp = get_engine('structured').prepare(problem); t0 = time.perf_counter(); c0 = b.cpu_seconds()\n"
        "amp._advance_to(0); t1 = time.perf_counter(); amp._advance_to(1); t2 = time.perf_counter()\n"
        "s = amp.success_probability(1); t3 = time.perf_counter()\n"
        "print(json.dumps({'u_s': t1 - t0, 'iteration_s': t2 - t1, 'seconds': t3 - t0, 'success_probability_k1': s,"
        " 'cpu_s': b.cpu_seconds() - c0, 'peak_bytes': b.peak_rss() - base}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=_root())
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_on_cluster(kind: str, p: int, workers: int) -> dict:
    from qbnn.core.cluster import dask_client

    with dask_client(workers=workers) as client:
        client.run(_warm_up)
        client.run(reset_peak)
        base = client.run(reset_peak)
        cpu = client.run(cpu_seconds)
        result = landscape_case(client, p) if kind == "landscape" else amplify_case(client, p)
        peaks = client.run(peak_rss)
        cpu_after = client.run(cpu_seconds)
    result["peak_per_worker_bytes"] = max(peaks[w] - base[w] for w in peaks)
    result["busiest_worker_cpu_s"] = max(cpu_after[w] - cpu[w] for w in cpu)
    result["total_worker_cpu_s"] = sum(cpu_after[w] - cpu[w] for w in cpu)
    result["idle_worker_bytes"] = max(base.values())
    return result


def _root() -> str:
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# --- extrapolation -----------------------------------------------------------------------------


def extrapolate_row(row: dict, p: int) -> dict:
    """Scale a measured row to p: every gate and every landscape chunk is O(2^p), so time and memory double per p.

    (Larger p also need larger networks, hence a few more qubits and gates: read these as lower bounds.)
    """
    factor = 2.0 ** (p - row["p"])
    return {
        "workers": row["workers"],
        "p": p,
        "from_p": row["p"],
        "seconds": row["seconds"] * factor,
        "busiest_worker_cpu_s": row["busiest_worker_cpu_s"] * factor,
        "peak_per_worker_bytes": row["peak_per_worker_bytes"] * factor,
    }


def human_seconds(s: float) -> str:
    if s < 120:
        return f"{s:.3g} s"
    if s < 7200:
        return f"{s / 60:.3g} min"
    if s < 172800:
        return f"{s / 3600:.3g} h"
    return f"{s / 86400:.3g} d"


def extrapolate(rows: list[dict], workers: list[int], targets=(32, 36), scale_memory: bool = True) -> list[dict]:
    """From the largest measured p per worker count; landscapes keep their per-worker memory (fixed chunks)."""
    out = []
    for w in workers:
        mine = [r for r in rows if r["workers"] == w]
        if not mine:
            continue
        largest = max(mine, key=lambda r: r["p"])
        for p in targets:
            row = extrapolate_row(largest, p)
            if not scale_memory:
                row["peak_per_worker_bytes"] = largest["peak_per_worker_bytes"]
            out.append(row)
    return out


# --- main --------------------------------------------------------------------------------------


def _ints(text: str) -> list[int]:
    return [int(v) for v in text.split(",") if v.strip()]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--landscape-p", type=_ints, default=[20, 22, 24, 26], help="p for landscapes (default 20,22,24,26; add 28 for ~6 more minutes)")
    parser.add_argument("--amplify-p", type=_ints, default=[20, 22, 24, 26], help="p for amplification (default 20,22,24,26)")
    parser.add_argument("--workers", type=_ints, default=[1, 2], help="local worker counts (default 1,2)")
    parser.add_argument("--no-reference", action="store_true", help="skip the one-process engine column")
    parser.add_argument("--json", metavar="PATH", help="also write every number to PATH")
    args = parser.parse_args(argv)

    report: dict = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}, "landscape": [], "amplify": []}
    print(f"qbnn on Dask: LocalCluster, 1 thread per worker process ({os.cpu_count()} CPUs); {POINTS} random points\n")

    print("landscapes (all 2^p configurations -> histogram)")
    print(f"  {'p':>3} {'network':<10} {'workers':>7} {'time':>10} {'speed-up':>8} {'CPU busiest':>11} {'CPU total':>10} {'peak/worker':>12}")
    for p in args.landscape_p:
        one = None
        for w in args.workers:
            row = {"p": p, "network": ",".join(map(str, network_for(p))), "workers": w, **run_on_cluster("landscape", p, w)}
            report["landscape"].append(row)
            one = row["seconds"] if w == args.workers[0] else one
            print(
                f"  {p:>3} {row['network']:<10} {w:>7} {row['seconds']:>9.2f}s {one / row['seconds']:>7.2f}x "
                f"{row['busiest_worker_cpu_s']:>10.2f}s {row['total_worker_cpu_s']:>9.2f}s "
                f"{format_bytes(row['peak_per_worker_bytes']):>12}",
                flush=True,
            )

    print("\namplification (structured engine: U, one Grover iteration, exact success probability)")
    print(
        f"  {'p':>3} {'network':<10} {'qubits':>6} {'workers':>7} {'chunks':>6} {'U':>8} {'iteration':>10} "
        f"{'total':>9} {'speed-up':>8} {'CPU busiest':>11} {'CPU total':>10} {'peak/worker':>12}"
    )
    for p in args.amplify_p:
        one = None
        network = ",".join(map(str, network_for(p)))
        if not args.no_reference:
            ref = reference_case(p)
            report["amplify"].append({"p": p, "network": network, "workers": 0, **ref})
            print(
                f"  {p:>3} {network:<10} {'':>6} {'1 proc':>7} {'':>6} {ref['u_s']:>7.2f}s {ref['iteration_s']:>9.2f}s "
                f"{ref['seconds']:>8.2f}s {'':>8} {ref['cpu_s']:>10.2f}s {ref['cpu_s']:>9.2f}s {format_bytes(ref['peak_bytes']):>12}",
                flush=True,
            )
        for w in args.workers:
            row = {"p": p, "network": network, "workers": w, **run_on_cluster("amplify", p, w)}
            report["amplify"].append(row)
            one = row["seconds"] if w == args.workers[0] else one
            print(
                f"  {p:>3} {network:<10} {row['qubits']:>6} {w:>7} {row['chunks']:>6} {row['u_s']:>7.2f}s "
                f"{row['iteration_s']:>9.2f}s {row['seconds']:>8.2f}s {one / row['seconds']:>7.2f}x "
                f"{row['busiest_worker_cpu_s']:>10.2f}s {row['total_worker_cpu_s']:>9.2f}s "
                f"{format_bytes(row['peak_per_worker_bytes']):>12}",
                flush=True,
            )

    print("\nextrapolated: the largest measured p scaled by 2^(p - measured p) (landscape memory per worker stays flat)")
    for kind in ("landscape", "amplify"):
        rows = [r for r in report[kind] if r["workers"] > 0]
        report[f"{kind}_extrapolated"] = extrapolate(rows, args.workers, scale_memory=kind == "amplify")
        for e in report[f"{kind}_extrapolated"]:
            print(
                f"  {kind:<9} p={e['p']} from p={e['from_p']}, {e['workers']} worker(s): wall {human_seconds(e['seconds']):>9}, "
                f"busiest worker CPU {human_seconds(e['busiest_worker_cpu_s']):>9}, "
                f"peak/worker {format_bytes(e['peak_per_worker_bytes'])}"
            )
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(report, handle, indent=1)
        print(f"\nwrote {os.path.basename(args.json)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
