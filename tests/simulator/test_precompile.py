"""`python -m qbnn.simulator.precompile`: both kernel chains end up in numba's cache, from two processes."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json
from qiskit import QuantumCircuit
from qbnn.simulator.kernels import run_ops_tiled
from qbnn.simulator.structured import StructuredSimulator
qc = QuantumCircuit(10); qc.h(range(8)); qc.ccx(0, 1, 9); qc.cz(2, 9); qc.h(8); qc.t(8); qc.ccx(0, 8, 9); qc.h(range(3))
StructuredSimulator().run(qc)
stats = run_ops_tiled.stats
print(json.dumps({"hits": sum(stats.cache_hits.values()), "misses": sum(stats.cache_misses.values()),
                  "types": sorted(str(sig[1]) for sig in run_ops_tiled.signatures)}))
"""


def test_precompile_fills_the_cache_that_later_processes_load():
    done = subprocess.run([sys.executable, "-m", "qbnn.simulator.precompile"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "numba kernels compiled into the cache in" in done.stdout
    probe = json.loads(subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout)
    # a new process runs the real kernel chain, then (after the T gate) the complex one: both from the cache
    assert probe["misses"] == 0 and probe["hits"] == 2
    assert probe["types"] == ["array(complex128, 1d, C)", "array(float64, 1d, C)"]
