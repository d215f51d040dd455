"""Engine benchmarks, measured in one run: structured vs Qiskit Aer vs MQT DDSIM vs a plain numpy interpreter.

    make bench                                  # everything (about 5-10 minutes on 2 cores)
    python -m benchmarks.run --quick --json bench.json
    python -m benchmarks.run --scaling-only     # only the scaling table (about 2 minutes)

Prints (1) seconds per Grover iteration on the paper's problem 1 for each
simulator and the ratios, (2) the meta circuit against DDSIM with the memory
a state vector would need, (3) a scaling table of time and peak memory per
iteration for p = 8..24 parameter qubits with 16 random training points, and
(4) the engine's efficiency: bare numpy row XORs for the same gate count,
divided by the engine's time, (5) the fastest single call of one
iteration, ours against the previous kernel (``run_ops_previous``) on the
same state, whose results must be identical, and (6) the iterate as the
amplification engine runs it, replayed (:mod:`qbnn.simulator.reflection`). The p = 26, 28, 30 rows are in
``benchmarks.large``. The engine and the bare XORs are timed in
alternating rounds in the same process and the fastest round of each is kept,
so that other load on a shared machine affects both alike. Nothing here is
asserted; numbers are reported.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

from qbnn.model.data import Dataset
from qbnn.simulator.kernels import DONE, run_ops, run_ops_previous
from qbnn.simulator.ops import H, PERM, PHASE, SWAP
from qbnn.simulator.structured import StructuredSimulator, StructuredState
from qbnn.core.memory import format_bytes
from qbnn.model.network import Network
from qbnn.problem import TrainingProblem

SCALING = [(3, 2, 1), (3, 3, 1), (4, 3, 1), (5, 3, 1), (4, 4, 1), (5, 4, 1)]
ALL_ONES = np.uint64(0xFFFFFFFFFFFFFFFF)


def timed(fn, min_seconds: float = 1.0, max_repeats: int = 100_000) -> float:
    """Seconds per call of ``fn``, repeating until ``min_seconds`` have passed."""
    fn()  # warm-up (numba compilation, caches)
    count, start = 0, time.perf_counter()
    while True:
        fn()
        count += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds or count >= max_repeats:
            return elapsed / count


def interleaved(fns: dict[str, Callable[[], object]], rounds: int = 5, batch_seconds: float = 0.05) -> dict[str, float]:
    """Seconds per call of each function, timed in alternating rounds; the fastest round of each is kept.

    Each round times a batch of calls lasting at least ``batch_seconds``; other load only ever adds time.
    """
    batch = {}
    for name, fn in fns.items():
        fn()  # warm-up (numba compilation, caches)
        start = time.perf_counter()
        fn()
        batch[name] = max(1, int(batch_seconds / max(time.perf_counter() - start, 1e-9)))
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(rounds):
        for name, fn in fns.items():
            start = time.perf_counter()
            for _ in range(batch[name]):
                fn()
            best[name] = min(best[name], (time.perf_counter() - start) / batch[name])
    return best


# --- ours ---------------------------------------------------------------------------------


def structured_and_floor(problem: TrainingProblem, rounds: int = 5) -> tuple[float, float, float, StructuredState, object]:
    """(compile seconds, seconds per Grover iteration, bare-XOR floor seconds, state U Q^j, compiled Q).

    The engine's iteration (Q applied in place to one state, so peak memory is one state's) and the
    floor (one bare numpy XOR over 2^p/64 words per gate of Q) are timed in alternating rounds.
    """
    sim = StructuredSimulator()
    start = time.perf_counter()
    u = sim.compile(problem.qbnn.circuit)
    q = sim.compile(problem.grover_iterate)
    compile_seconds = time.perf_counter() - start
    state = sim.run(u)
    times = interleaved({"ours": lambda: q.apply(state, sim), "floor": bare_xor_sweep(q.num_ops, state.num_index_bits)}, rounds)
    return compile_seconds, times["ours"], times["floor"], state, q


def replayed_iteration(problem: TrainingProblem, state: StructuredState) -> float:
    """Seconds per iterate as the amplification engine runs it (:mod:`qbnn.simulator.reflection`), fastest batch."""
    from qbnn.simulator.reflection import ReflectionReplay

    sim = StructuredSimulator()
    (q,) = sim.compile_iterates(problem, sim.compile(problem.state_preparation))
    replay = ReflectionReplay.of(q)
    work = sim.run(problem.state_preparation)
    assert replay is not None and np.array_equal(work.rows, state.rows)
    return interleaved({"replayed": lambda: replay.apply(work, sim)}, rounds=7)["replayed"]


def previous_iteration(state: StructuredState, program, rounds: int = 7) -> tuple[float, float]:
    """(ours, previous kernel) seconds per iteration, timed call by call in alternation, the fastest of each.

    The previous kernel (``run_ops_previous``: array views at every size) runs the same program on a copy of
    the state; single calls of ~10 us are timed one by one so that other load on the machine is filtered out.
    """
    work = state.copy()
    kinds, targets, starts, cq, cp = program.arrays

    def previous() -> None:
        status, _ = run_ops_previous(work.rows, work.amplitudes, work.num_index_bits, kinds, targets, starts, cq, cp, 0, len(kinds), 0)
        assert status == DONE

    ours_state = state.copy()
    fns = {"ours": lambda: program.apply(ours_state), "previous": previous}
    best = dict.fromkeys(fns, float("inf"))
    for fn in fns.values():
        fn()
    calls = max(200, rounds * 400)
    for _ in range(calls):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - start)
    assert np.array_equal(work.amplitudes, ours_state.amplitudes) and np.array_equal(work.rows, ours_state.rows)
    return best["ours"], best["previous"]


# --- the previous version: a plain numpy gate interpreter ------------------------------------


def numpy_interpreter_iteration(state: StructuredState, program, min_seconds: float = 1.0) -> float:
    """The design's first version: one numpy call per gate (PERM: AND of control rows, XOR; PHASE: masked sign).

    Hadamards on index bits (a handful per iteration) go through the compiled kernel, one op at a time.
    """
    ops = program.lowered.ops
    kinds, targets, starts, cq, cp = program.arrays
    work = state.copy()
    size = 1 << work.num_index_bits
    words = work.rows.shape[1]
    valid = np.full(words, ALL_ONES)
    if size < 64:
        valid[:] = np.uint64((1 << size) - 1)

    def control_mask(op) -> np.ndarray:
        mask = valid.copy()
        for qubit, polarity in zip(op.controls, op.polarities):
            mask &= work.rows[qubit] if polarity else ~work.rows[qubit]
        return mask

    def iteration() -> None:
        rows, amp = work.rows, work.amplitudes
        for i, op in enumerate(ops):
            if op.kind == PERM:
                rows[op.target] ^= control_mask(op)
            elif op.kind == PHASE:
                fire = np.unpackbits(control_mask(op).view(np.uint8), bitorder="little")[:size].astype(bool)
                amp[fire] *= -1.0
            elif op.kind == SWAP:
                rows[[op.target, op.controls[0]]] = rows[[op.controls[0], op.target]]
            elif op.kind == H:
                run_ops(rows, amp, work.num_index_bits, kinds, targets, starts, cq, cp, i, i + 1)

    return timed(iteration, min_seconds, max_repeats=200)


def bare_xor_sweep(num_ops: int, num_index_bits: int) -> Callable[[], None]:
    """``num_ops`` bare numpy XORs of one row into another over 2^p/64 words: the floor of one iteration's row work."""
    words = max(1, (1 << num_index_bits) // 64)
    a = np.zeros(words, dtype=np.uint64)
    b = np.ones(words, dtype=np.uint64)

    def sweep() -> None:
        for _ in range(num_ops):
            np.bitwise_xor(a, b, out=a)

    return sweep


# --- the competitors -----------------------------------------------------------------------


def aer_iteration(problem: TrainingProblem) -> float:
    """Aer statevector: time(U Q) - time(U), one run each (tens of seconds at 24 qubits)."""
    from qiskit import transpile
    from qiskit_aer import AerSimulator

    sim = AerSimulator(method="statevector")
    params = problem.qbnn.parameter_qubits
    times = []
    for k in (0, 1):
        circuit = problem.qbnn.circuit.copy()
        for _ in range(k):
            circuit.compose(problem.grover_iterate, inplace=True)
        circuit.save_probabilities(params)
        compiled = transpile(circuit, sim, optimization_level=0)
        start = time.perf_counter()
        sim.run(compiled, shots=1).result()
        times.append(time.perf_counter() - start)
    return max(times[1] - times[0], 1e-9)


def ddsim_iteration(problem: TrainingProblem, iterations: int) -> float:
    """MQT DDSIM (decision diagrams): (time(U Q^r) - time(U)) / r, sampling the parameter register once."""
    from mqt.ddsim import DDSIMProvider
    from qiskit import ClassicalRegister

    backend = DDSIMProvider().get_backend("qasm_simulator")
    params = problem.qbnn.parameter_qubits
    q = problem.grover_iterate.decompose(reps=1)  # DDSIM wants the iterate's gates, not one opaque instruction
    times = []
    for k in (0, iterations):
        circuit = problem.qbnn.circuit.copy()
        for _ in range(k):
            circuit.compose(q, inplace=True)
        creg = ClassicalRegister(len(params), "m")
        circuit.add_register(creg)
        circuit.measure(params, creg)
        start = time.perf_counter()
        backend.run(circuit, shots=1, seed=1).result()
        times.append(time.perf_counter() - start)
    return max((times[1] - times[0]) / iterations, 1e-9)


def available(module: str) -> bool:
    try:
        __import__(module)
        return True
    except ImportError:
        return False


# --- scaling -------------------------------------------------------------------------------


@dataclass
class ScalingRow:
    layers: str
    p: int
    qubits: int
    gates_per_iteration: int
    compile_s: float
    seconds_per_iteration: float
    state_bytes: int
    peak_rss_bytes: int
    bare_xor_s: float

    @property
    def efficiency(self) -> float:
        return self.bare_xor_s / self.seconds_per_iteration


def random_problem(layers: tuple[int, ...], points: int = 16, seed: int = 0) -> TrainingProblem:
    rng = np.random.default_rng(seed)
    X = rng.choice(np.array([-1, 1], dtype=np.int8), size=(points, layers[0]))
    y = rng.choice(np.array([-1, 1], dtype=np.int8), size=points)
    return TrainingProblem(Network(layers), Dataset(X, y, name=f"random {points} points"))


def scaling_case(layers: tuple[int, ...]) -> dict:
    """One scaling row, run in this (fresh) process so its peak memory is its own."""
    problem = random_problem(layers)
    compile_s, per_iteration, floor, state, q = structured_and_floor(problem, rounds=5)
    return {
        "layers": ",".join(map(str, layers)),
        "p": problem.num_parameters,
        "qubits": problem.grover_iterate.num_qubits,
        "gates_per_iteration": q.num_ops,
        "compile_s": compile_s,
        "seconds_per_iteration": per_iteration,
        "state_bytes": int(state.rows.nbytes + state.amplitudes.nbytes),
        "peak_rss_bytes": peak_rss_bytes(),
        "bare_xor_s": floor,
    }


def peak_rss_bytes() -> int:
    """This process's peak resident memory: VmHWM on Linux, else ru_maxrss.

    (ru_maxrss of a child process includes its parent's memory at fork time, e.g. after the Aer run.)
    """
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def baseline_rss() -> int:
    """Peak memory of a process that imports qbnn and compiles a tiny problem: subtracted from each row."""
    code = (
        "import benchmarks.run as b; b.scaling_case((2, 1)); print(b.peak_rss_bytes())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=_root())
    return int(out.stdout.strip().splitlines()[-1])


def _root() -> str:
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_scaling(cases) -> list[ScalingRow]:
    base = baseline_rss()
    rows = []
    for layers in cases:
        spec = ",".join(map(str, layers))
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.run", "--scaling-case", spec],
            capture_output=True, text=True, check=True, cwd=_root(),
        )
        data = json.loads(out.stdout.strip().splitlines()[-1])
        data["peak_rss_bytes"] = max(0, data["peak_rss_bytes"] - base)
        rows.append(ScalingRow(**data))
        row = rows[-1]
        print(
            f"  [{row.layers}]{'':<{8 - len(row.layers)}} p={row.p:>2}  {row.qubits:>3} qubits  {row.gates_per_iteration:>6} gates  "
            f"{row.seconds_per_iteration:>10.4g} s/iter  compile {row.compile_s:>6.2f} s  state {format_bytes(row.state_bytes):>10}  "
            f"peak +{format_bytes(row.peak_rss_bytes):>10}  bare XORs {row.bare_xor_s:>10.4g} s  efficiency {row.efficiency:.2f}",
            flush=True,
        )
    return rows


# --- main ----------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip Aer and the two largest scaling rows")
    parser.add_argument("--scaling-only", action="store_true", help="only the scaling table (no Aer, DDSIM, interpreter)")
    parser.add_argument("--json", metavar="PATH", help="also write every number to PATH")
    parser.add_argument("--scaling-case", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.scaling_case:
        print(json.dumps(scaling_case(tuple(int(v) for v in args.scaling_case.split(",")))))
        return 0

    report: dict = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "numpy": np.__version__}}
    print(f"qbnn engine benchmarks ({os.cpu_count()} CPUs, Python {report['machine']['python']})\n", flush=True)

    for label, meta in () if args.scaling_only else (("problem 1", False), ("problem 1 meta", True)):
        problem = TrainingProblem.paper(1, meta=meta)
        n = problem.grover_iterate.num_qubits
        compile_s, ours, bare, state, q = structured_and_floor(problem, rounds=7)
        numpy_s = numpy_interpreter_iteration(state, q, min_seconds=1.0)
        ours_single, previous_single = previous_iteration(state, q)
        entry = {
            "qubits": n,
            "parameter_qubits": problem.num_parameters,
            "gates_per_iteration": q.num_ops,
            "structured_s": ours,
            "structured_compile_s": compile_s,
            "numpy_interpreter_s": numpy_s,
            "bare_xor_s": bare,
            "statevector_bytes": 16 * 2**n,
            "fastest_call_s": ours_single,
            "previous_kernel_fastest_call_s": previous_single,
        }
        print(f"{label}: {n} qubits, p = {problem.num_parameters}, {q.num_ops} gates per Grover iteration", flush=True)
        print(f"  structured (ours)          {ours:12.4g} s/iteration   (compile once: {compile_s:.2f} s)")
        print(f"  numpy interpreter (v0)     {numpy_s:12.4g} s/iteration   ours is {numpy_s / ours:8.1f}x faster")
        print(
            f"  fastest single call        {ours_single:12.4g} s/iteration   previous kernel {previous_single:.4g} s "
            f"({previous_single / ours_single:.2f}x)"
        )
        print(f"  bare numpy XOR floor       {bare:12.4g} s/iteration   efficiency {bare / ours:.2f}", flush=True)
        replayed = replayed_iteration(problem, state)
        entry["replayed_s"] = replayed
        print(
            f"  replayed (engine default)  {replayed:12.4g} s/iteration   S_chi gate by gate + the reflection's amplitude "
            f"action, bit for bit the same ({ours / replayed:.1f}x the gate-by-gate loop)",
            flush=True,
        )
        if available("mqt.ddsim"):
            dd = ddsim_iteration(problem, iterations=2 if not meta else 1)
            entry["ddsim_s"] = dd
            print(f"  MQT DDSIM                  {dd:12.4g} s/iteration   ours is {dd / ours:8.0f}x faster", flush=True)
        else:
            print("  MQT DDSIM                  not installed (pip install 'qbnn[bench]')")
        if meta or args.quick or not available("qiskit_aer"):
            why = "skipped (--quick)" if args.quick and not meta else "not installed" if not available("qiskit_aer") else ""
            print(f"  Qiskit Aer statevector     needs {format_bytes(16 * 2**n)} for the state vector {why}".rstrip(), flush=True)
        else:
            aer = aer_iteration(problem)
            entry["aer_s"] = aer
            print(f"  Qiskit Aer statevector     {aer:12.4g} s/iteration   ours is {aer / ours:8.0f}x faster", flush=True)
        report[label] = entry
        print()

    cases = SCALING[:-2] if args.quick else SCALING
    print("scaling: one Grover iteration vs parameter qubits p (16 random training points; peak memory above an import-only process)")
    rows = run_scaling(cases)
    report["scaling"] = [asdict(r) | {"efficiency": r.efficiency} for r in rows]
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(report, handle, indent=1)
        print(f"\nwrote {os.path.basename(args.json)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
