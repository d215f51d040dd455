"""Compile the structured engine's numba kernels into numba's on-disk cache before their first use.

A fresh checkout compiles them on first use, in every process that needs them before the cache is
written: about 30 s for the kernel chain on real amplitudes and 20 s for its complex-amplitude version
(rotations, phases), each entry point called from Python compiling its whole chain. ``python -m
qbnn.simulator.precompile`` (run by ``make test`` before the suite, inside its timing) compiles them once,
the real and the complex chain in two processes side by side, so that the test workers, Dask workers and
notebook kernels load them instead of each compiling them again.
"""

from __future__ import annotations

import subprocess
import sys
import time

__all__ = ["compile_real_kernels", "compile_complex_kernels", "main"]


def _iterate_like_circuit(num_superposed: int):
    """H on ``num_superposed`` qubits, the gate kinds of a QBNN iterate (X, CX, MCX, Z-type, SWAP), H again."""
    from qiskit import QuantumCircuit
    from qiskit.circuit.library import MCXGate, ZGate

    n = num_superposed + 4
    circuit = QuantumCircuit(n)
    circuit.h(range(num_superposed))
    circuit.append(MCXGate(3, ctrl_state=5), [0, 1, 2, n - 1])
    circuit.cx(0, n - 2)
    circuit.x(n - 3)
    circuit.swap(n - 3, n - 4)
    circuit.append(ZGate().control(2, annotated=False), [1, 2, n - 1])
    circuit.h(range(num_superposed))
    return circuit


def compile_real_kernels() -> None:
    """The chain on real amplitudes (what every QBNN run uses), and the Dask chunk kernels."""
    from qbnn.simulator.kernels import index_bit_of
    from qbnn.simulator.chunks import warm_up
    from qbnn.simulator.structured import StructuredSimulator

    state = StructuredSimulator().run(_iterate_like_circuit(8))
    index_bit_of(state.rows, 0, state.num_index_bits)
    warm_up()


def compile_complex_kernels() -> None:
    """The chain on complex amplitudes, and the entry points the replay and the two-core runs call.

    The state is built with numpy (:func:`~qbnn.simulator.bitrows.extend_index`) and made complex before any
    kernel runs, so that this process does not compile the real chain as well.
    """
    import numba
    import numpy as np
    from qiskit import QuantumCircuit

    from qbnn.simulator.kernels import classical_run_parallel, walsh_hadamard
    from qbnn.simulator.bitrows import extend_index
    from qbnn.simulator.structured import StructuredSimulator, StructuredState

    simulator = StructuredSimulator()
    superposed = 8
    circuit = _iterate_like_circuit(superposed)
    circuit.ry(0.3, superposed)
    circuit.cp(0.5, 0, superposed + 1)
    circuit.rz(0.2, 1)
    state = StructuredState.zero(circuit.num_qubits)
    for q in range(superposed):
        state.rows, state.amplitudes = extend_index(state.rows, state.amplitudes, q, q, 0)
        state.num_index_bits = q + 1
    real_amplitudes = state.amplitudes.copy()
    state.amplitudes = state.amplitudes.astype(np.complex128)
    program = simulator.compile(circuit)
    program.apply(state, simulator)
    walsh_hadamard(real_amplitudes, np.arange(superposed, dtype=np.int64), superposed)  # real: the replay's call
    kinds, targets, starts, cq, cp = program.arrays
    first = superposed  # after the first H layer: the classical gates
    last = int(program._classical_run_end[first])
    real_rows = np.ascontiguousarray(state.rows)
    classical_run_parallel(real_rows, real_amplitudes, superposed, kinds, targets, starts, cq, cp, first, last,
                           numba.get_num_threads())


def main() -> int:
    """Compile both chains in two processes side by side; print how long it took."""
    start = time.perf_counter()
    workers = [
        subprocess.Popen([sys.executable, "-c", f"from qbnn.simulator.precompile import {name}; {name}()"])
        for name in ("compile_real_kernels", "compile_complex_kernels")
    ]
    codes = [worker.wait() for worker in workers]
    print(f"numba kernels compiled into the cache in {time.perf_counter() - start:.0f} s", flush=True)
    return max(codes)


if __name__ == "__main__":
    sys.exit(main())
