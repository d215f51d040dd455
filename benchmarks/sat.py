"""Grover on random planted 3-SAT: seconds per Grover iteration, structured vs Qiskit Aer vs MQT DDSIM.

    python -m benchmarks.sat                 # n = 12, 14, ..., 28 variables (about 7 minutes on 2 cores)
    python -m benchmarks.sat --sizes 12 16 20 --limit 30

Instance: n variables, m = n random 3-clauses (``--clauses-per-variable``),
each kept only if a random planted assignment satisfies it (so at least that
solution exists). Oracle: one ancilla per clause (X, then an MCX on the
clause's falsifying assignment), a multi-controlled Z on all clause ancillas
(as H.MCX.H), and the same computation again to uncompute; the Grover
iteration is that oracle and the diffusion on the n variable qubits. All three
simulators run the same circuit of x, h and mcx gates on n + m qubits.

Seconds per iteration: structured = one compiled iterate applied to the state
after H^n (repeated for at least a second when fast); Aer and DDSIM =
(time(H^n Q^k, 1 shot) - time(H^n, 1 shot)) / k, each time the fastest of
runs repeated for a second, k = 1 (or 4, 16 when one iteration is below the
run's fixed overhead). Each measurement runs in its own
process with a hard time cap. A simulator's sweep stops at the first n whose
H^n Q run (state preparation plus one iteration) takes more than ``--limit``
seconds (60); Aer also skips sizes whose state vector would not fit in memory.
Nothing is asserted; numbers are reported.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

SIMULATORS = ("structured", "aer", "ddsim")


# --- instance and circuits -----------------------------------------------------------------


def planted_instance(n: int, m: int, seed: int) -> tuple[list[int], list[tuple[tuple[int, ...], tuple[int, ...]]]]:
    """A planted assignment and m random 3-clauses (variables, negations) that it satisfies; one instance per (seed, n)."""
    from qbnn.testing import planted_3sat

    planted, clauses = planted_3sat(n, m, np.random.default_rng([seed, n]))
    return [int(b) for b in planted], clauses


def _mcz(qc, qubits: list[int]) -> None:
    """Z on all-ones of ``qubits`` as H . MCX . H on the last one."""
    from qiskit.circuit.library import MCXGate

    *controls, target = qubits
    qc.h(target)
    qc.append(MCXGate(len(controls)), [*controls, target])
    qc.h(target)


def grover_iterate(n: int, clauses) -> object:
    """Oracle (clause ancillas, MCZ, uncompute) then diffusion on the n variable qubits."""
    from qiskit import QuantumCircuit
    from qiskit.circuit.library import MCXGate

    m = len(clauses)
    qc = QuantumCircuit(n + m)

    def compute() -> None:
        for j, (variables, negations) in enumerate(clauses):
            qc.x(n + j)  # ancilla = clause satisfied = NOT(all literals false)
            flip = [v for v, s in zip(variables, negations) if s == 0]  # falsified when v = 0: open control
            for v in flip:
                qc.x(v)
            qc.append(MCXGate(3), [*variables, n + j])
            for v in flip:
                qc.x(v)

    compute()
    _mcz(qc, list(range(n, n + m)))
    compute()
    qc.h(range(n))
    qc.x(range(n))
    _mcz(qc, list(range(n)))
    qc.x(range(n))
    qc.h(range(n))
    return qc


def preparation(n: int, m: int) -> object:
    from qiskit import QuantumCircuit

    qc = QuantumCircuit(n + m)
    qc.h(range(n))
    return qc


# --- one measurement per process -------------------------------------------------------------


def _timed(fn, min_seconds: float = 1.0, max_repeats: int = 50) -> float:
    count, start = 0, time.perf_counter()
    while True:
        fn()
        count += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds or count >= max_repeats:
            return elapsed / count


def measure_structured(n: int, m: int, seed: int) -> dict:
    from qbnn.simulator.structured import StructuredSimulator

    _, clauses = planted_instance(n, m, seed)
    sim = StructuredSimulator()
    u = sim.compile(preparation(n, m))
    q = sim.compile(grover_iterate(n, clauses))
    warm = StructuredSimulator()  # numba warm-up (cached compilation) outside the clock, on a small instance
    warm.compile(grover_iterate(3, planted_instance(3, 3, 0)[1])).apply(warm.run(warm.compile(preparation(3, 3))), warm)
    start = time.perf_counter()
    state = sim.run(u)
    prep = time.perf_counter() - start
    start = time.perf_counter()
    q.apply(state, sim)
    first = time.perf_counter() - start
    per_iteration = first if first > 1.0 else _timed(lambda: q.apply(state, sim))
    return {"seconds_per_iteration": per_iteration, "run_seconds": prep + first, "ops_per_iteration": q.num_ops}


def _measured_circuit(n: int, m: int, iterate, k: int):
    """H^n Q^k with the n variable qubits measured."""
    from qiskit import ClassicalRegister

    circuit = preparation(n, m)
    for _ in range(k):
        circuit.compose(iterate, inplace=True)
    creg = ClassicalRegister(n, "v")
    circuit.add_register(creg)
    circuit.measure(range(n), creg)
    return circuit


def _differential(prepare, run, min_seconds: float = 1.0, max_repeats: int = 20) -> dict:
    """Seconds per iteration as (t(Q^k) - t(Q^0)) / k, each t the fastest of repeated 1-shot runs.

    ``prepare(k)`` builds the circuit H^n Q^k (outside the clock), ``run`` simulates it. Fast runs
    are repeated for ``min_seconds`` (the minimum removes scheduling noise); when one iteration
    costs less than half the run's fixed overhead, k grows (1, 4, 16) so the difference is measurable.
    """

    def best(k: int) -> float:
        circuit = prepare(k)
        times: list[float] = []
        while True:
            start = time.perf_counter()
            run(circuit)
            times.append(time.perf_counter() - start)
            if sum(times) >= min_seconds or len(times) >= max_repeats or times[-1] > 10.0:
                return min(times)

    base = best(0)
    run_seconds = None
    for k in (1, 4, 16):
        total = best(k)
        if run_seconds is None:
            run_seconds = total
        if total - base >= 0.5 * base or total > 10.0:
            break
    return {"seconds_per_iteration": max(total - base, 0.0) / k, "run_seconds": run_seconds, "iterations_timed": k}


def measure_aer(n: int, m: int, seed: int) -> dict:
    from qiskit import transpile
    from qiskit_aer import AerSimulator

    _, clauses = planted_instance(n, m, seed)
    sim = AerSimulator(method="statevector")
    iterate = grover_iterate(n, clauses)
    return _differential(
        lambda k: transpile(_measured_circuit(n, m, iterate, k), sim, optimization_level=0),
        lambda circuit: sim.run(circuit, shots=1, seed_simulator=seed).result(),
    )


def measure_ddsim(n: int, m: int, seed: int) -> dict:
    from mqt.ddsim import DDSIMProvider

    _, clauses = planted_instance(n, m, seed)
    backend = DDSIMProvider().get_backend("qasm_simulator")
    iterate = grover_iterate(n, clauses)
    return _differential(
        lambda k: _measured_circuit(n, m, iterate, k),
        lambda circuit: backend.run(circuit, shots=1, seed=seed).result(),
    )


def worker(simulator: str, n: int, m: int, seed: int) -> None:
    measure = {"structured": measure_structured, "aer": measure_aer, "ddsim": measure_ddsim}[simulator]
    print(json.dumps(measure(n, m, seed)), flush=True)


# --- driver ---------------------------------------------------------------------------------


def available_bytes() -> int:
    from qbnn.core.memory import available_memory_bytes

    return available_memory_bytes()


def module_available(name: str) -> bool:
    try:
        __import__(name)
        return True
    except ImportError:
        return False


def run_in_process(simulator: str, n: int, m: int, seed: int, cap: float) -> tuple[dict | None, str]:
    """(result, note) from a fresh process; note says why there is no result."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", simulator, str(n), str(m), str(seed)]
    start = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=cap, check=False)
    except subprocess.TimeoutExpired:  # subprocess.run kills the process it started
        return None, f"stopped after {cap:.0f} s"
    if done.returncode != 0:
        lines = (done.stderr or "").strip().splitlines()
        return None, "failed: " + (lines[-1][:120] if lines else f"exit code {done.returncode}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall_seconds"] = time.perf_counter() - start
    return result, ""


def fmt(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} us"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(range(12, 29, 2)))
    parser.add_argument("--clauses-per-variable", type=float, default=1.0)
    parser.add_argument("--limit", type=float, default=60.0, help="stop a sweep after a run longer than this (s)")
    parser.add_argument("--cap", type=float, default=150.0, help="hard time cap of one measurement process (s)")
    parser.add_argument("--budget", type=float, default=540.0, help="total time budget (s)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--simulators", nargs="+", choices=SIMULATORS, default=list(SIMULATORS))
    parser.add_argument("--worker", nargs=4, metavar=("SIM", "N", "M", "SEED"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        simulator, n, m, seed = args.worker
        worker(simulator, int(n), int(m), int(seed))
        return

    begin = time.perf_counter()
    memory = available_bytes()
    active = {s: True for s in args.simulators}
    for name, module in (("aer", "qiskit_aer"), ("ddsim", "mqt.ddsim")):
        if name in active and not module_available(module):
            print(f"{name}: not installed ({module}); pip install -e '.[bench]'")
            active[name] = False
    largest: dict[str, int | None] = {s: None for s in args.simulators}
    stop_reason: dict[str, str] = {}
    rows = []
    print(f"random planted 3-SAT, m = {args.clauses_per_variable:g} n clauses, one ancilla per clause; seconds per Grover iteration")
    print(f"limit {args.limit:.0f} s per run (state preparation + one iteration), memory for one request {memory / 2**30:.1f} GiB")
    header = f"{'n':>3} {'m':>3} {'qubits':>6} " + " ".join(f"{s:>12}" for s in args.simulators)
    header += "   " + " ".join(f"{s + '/structured':>18}" for s in args.simulators if s != "structured")
    print(header)
    for n in args.sizes:
        m = max(1, int(round(args.clauses_per_variable * n)))
        qubits = n + m
        row = {"n": n, "m": m, "qubits": qubits}
        notes = []
        for simulator in args.simulators:
            if not active[simulator]:
                continue
            if simulator == "aer" and 16 * 2.0**qubits > memory:
                need = 16 * 2.0**qubits / 2**30
                notes.append(f"aer skipped from n={n}: a {qubits}-qubit state vector needs {need:.0f} GiB > {memory / 2**30:.1f} GiB")
                stop_reason[simulator] = "memory"
                active[simulator] = False
                continue
            remaining = args.budget - (time.perf_counter() - begin)
            if remaining < 5:
                notes.append(f"{simulator} skipped at n={n}: time budget used up")
                stop_reason[simulator] = "budget"
                active[simulator] = False
                continue
            result, note = run_in_process(simulator, n, m, args.seed, min(args.cap, remaining))
            if result is None:
                notes.append(f"{simulator} at n={n}: {note}")
                stop_reason[simulator] = note
                active[simulator] = False
                continue
            row[simulator] = result["seconds_per_iteration"]
            row[simulator + "_run"] = result["run_seconds"]
            if result["run_seconds"] > args.limit:
                notes.append(f"{simulator} at n={n}: one run took {result['run_seconds']:.0f} s > {args.limit:.0f} s; sweep stopped")
                stop_reason[simulator] = "limit"
                active[simulator] = False
            else:
                largest[simulator] = n
        rows.append(row)
        line = f"{n:>3} {m:>3} {qubits:>6} " + " ".join(f"{fmt(row.get(s)):>12}" for s in args.simulators)
        ratios = []
        for s in args.simulators:
            if s == "structured":
                continue
            if row.get(s) and row.get("structured"):
                ratios.append(f"{row[s] / row['structured']:>17.1f}x")
            else:
                ratios.append(f"{'-':>18}")
        print(line + "   " + " ".join(ratios), flush=True)
        for note in notes:
            print(f"    {note}", flush=True)
        if not any(active.values()):
            break
    print()
    for simulator in args.simulators:
        n = largest[simulator]
        text = f"n = {n} ({n + max(1, int(round(args.clauses_per_variable * n)))} qubits)" if n is not None else "none"
        print(f"largest n finishing within {args.limit:.0f} s, {simulator}: {text}")
    print(f"total {time.perf_counter() - begin:.0f} s")


if __name__ == "__main__":
    main()
