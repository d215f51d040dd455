"""The largest problems one machine holds: one exact Grover iteration at p = 26, 28, 30 parameters.

    python -m benchmarks.large                  # p = 26, 28, 30 (p = 30 needs ~16 GiB and minutes)
    python -m benchmarks.large --p 26 --json large.json

Each row runs in a fresh process: random 16-point data on a network with p
weights and the ``counter`` activation (fewer qubits than the paper's, so
fewer bit-rows), U once (the index grows in place), then one Grover iterate
Q gate by gate and a second one replayed (:mod:`qbnn.simulator.reflection`: S_chi gate by gate, the
reflection's amplitude action without walking U's permutations; bit for bit the same state), each
timed. Peak memory is the process's VmHWM above an import-only process, beside the engine's own plan (what the memory check counts). Nothing is
asserted; numbers are reported.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

from benchmarks.run import _root, peak_rss_bytes, random_problem
from qbnn.core.memory import format_bytes

#: p -> layers with p = n0 * n1 + n1 weights.
LAYERS = {26: (12, 2, 1), 28: (6, 4, 1), 30: (5, 5, 1)}


def large_case(p: int) -> dict:
    """One row, in this process: compile, U, one timed Q; the engine's memory plan and the real peak."""
    from qbnn.simulator.reflection import ReflectionReplay
    from qbnn.simulator.structured import StructuredSimulator, state_memory_bytes
    from qbnn.problem import TrainingProblem

    base = random_problem(LAYERS[p], points=16)
    problem = TrainingProblem(base.network, base.data, activation="counter")
    sim = StructuredSimulator()
    start = time.perf_counter()
    u = sim.compile(problem.state_preparation)
    (q,) = sim.compile_iterates(problem, u)  # op for op the lowering of problem.grover_iterate
    replay = ReflectionReplay.of(q)
    compile_s = time.perf_counter() - start
    start = time.perf_counter()
    state = sim.run(u, capacity_index_bits=p)
    u_s = time.perf_counter() - start
    start = time.perf_counter()
    q.apply(state, sim)
    q_s = time.perf_counter() - start
    start = time.perf_counter()
    replay.apply(state, sim)  # the second iterate: S_chi gate by gate + the reflection's amplitude action
    replay_s = time.perf_counter() - start
    norm = float(np.dot(state.amplitudes, state.amplitudes))
    return {
        "p": p,
        "layers": ",".join(map(str, LAYERS[p])),
        "qubits": problem.num_qubits,
        "gates_per_iteration": q.num_ops,
        "compile_s": compile_s,
        "u_s": u_s,
        "seconds_per_iteration": q_s,
        "seconds_per_replayed_iteration": replay_s,
        "planned_bytes": state_memory_bytes(problem.num_qubits, p),
        "peak_rss_bytes": peak_rss_bytes(),
        "norm": norm,
    }


def _baseline() -> int:
    code = "import benchmarks.large, qbnn.simulator.structured, qbnn.problem; from benchmarks.run import peak_rss_bytes; print(peak_rss_bytes())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=_root())
    return int(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--p", default="26,28,30", help="comma list of parameter counts (26, 28, 30)")
    parser.add_argument("--json", metavar="PATH", help="also write every number to PATH")
    parser.add_argument("--case", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case:
        print(json.dumps(large_case(args.case)))
        return 0
    base = _baseline()
    print(f"large problems: one Grover iteration, 16 random points, counter activation ({os.cpu_count()} CPUs)", flush=True)
    rows = []
    for p in (int(v) for v in args.p.split(",")):
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.large", "--case", str(p)], capture_output=True, text=True, cwd=_root()
        )
        if out.returncode != 0:
            last = (out.stderr.strip().splitlines() or ["?"])[-1]
            print(f"  p={p}: not run: {last}", flush=True)
            rows.append({"p": p, "error": last})
            continue
        row = json.loads(out.stdout.strip().splitlines()[-1])
        row["peak_above_import_bytes"] = max(0, row["peak_rss_bytes"] - base)
        rows.append(row)
        print(
            f"  p={p} [{row['layers']}] {row['qubits']} qubits {row['gates_per_iteration']} gates: "
            f"{row['seconds_per_iteration']:8.2f} s/iteration gate by gate, {row['seconds_per_replayed_iteration']:6.2f} s "
            f"replayed (U {row['u_s']:.2f} s, compile {row['compile_s']:.2f} s)  "
            f"peak {format_bytes(row['peak_rss_bytes'])} (+{format_bytes(row['peak_above_import_bytes'])} above import; "
            f"planned {format_bytes(row['planned_bytes'])})  norm {row['norm']:.12f}",
            flush=True,
        )
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(rows, handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
