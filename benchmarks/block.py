"""Block training at realistic size: [16,8,1] (136 weights) on breast cancer's 455 training points.

    python -m benchmarks.block            # compile, one block search, iterate ratio, one whole training
    python -m benchmarks.block --quick    # skip the whole training

Measured in one run, nothing asserted (issue 13's targets are printed beside):

- compile: the folded op list of one block of 12 (fixed parameters as
  constants) and the structured engine's run of U, built without Qiskit;
- iterate: one Grover iterate gate by gate vs the memoized replay (recorded
  once from a gate-by-gate run: "cache U's classical segment", exact), as a
  ratio of the same 20 iterates;
- one block search: Durr-Hoyer over 2^12 with the block's U compiled once and
  reused by every threshold (target: under 10 s on 2 cores);
- quantum vs exhaustive block training, side by side in this run (issue 24's
  target: quantum wall time <= 1.2x exhaustive): one sweep of blocks of B from
  the same seeded start, quantum (Durr-Hoyer, simulated exactly) against the
  same blocks searched classically (2^B forward passes per block,
  :func:`qbnn.experiments.realdata.exhaustive_blocks`), best of 3 repeats
  each (the machine is shared; the minimum is the least disturbed);
- a whole block training, at most 5 sweeps (target: under 10 minutes).
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np


def breast_cancer_problem(points: int = 455, features: int = 16, seed: int = 0):
    """The demo's preparation: F-test features, median-binarised, on a stratified 80% training split."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.feature_selection import SelectKBest, f_classif
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline

    from qbnn.classifier import MedianBinarizer
    from qbnn.model.data import Dataset
    from qbnn.model.network import Network
    from qbnn.problem import TrainingProblem

    bunch = load_breast_cancer()
    X, _, y, _ = train_test_split(bunch.data, bunch.target, train_size=points, stratify=bunch.target, random_state=seed)
    B = make_pipeline(SelectKBest(f_classif, k=features), MedianBinarizer()).fit(X, y).transform(X)
    network = Network((features, 8, 1))
    return TrainingProblem(network, Dataset(B, np.where(y == 1, 1, -1), name="breast cancer"), activation="counter")


def main() -> None:
    from qbnn.engines.oplist import FoldedEngine, FoldedBlock
    from qbnn.compile.folded import compile_folded
    from qbnn.problem import TrainingProblem
    from qbnn.search import BlockCoordinate, train
    from qbnn.search.block import durr_hoyer_budget

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the whole block training")
    parser.add_argument("--block-size", type=int, default=12)
    args = parser.parse_args()
    problem = breast_cancer_problem()
    network, data = problem.network, problem.data
    rng = np.random.default_rng(0)
    values = network.bits_to_parameters(rng.integers(0, 2, network.num_parameters))
    free = tuple(range(args.block_size))  # a block inside neuron 0 of the hidden layer
    sub = TrainingProblem(network, data, activation="counter", free=free, values=values)
    warm = TrainingProblem(network, data.subset(range(4)), activation="counter", free=free, values=values)
    FoldedBlock(compile_folded(network, warm.data, warm.condition, activation="counter")).amplification(warm.with_target(1))._advance_to(2)  # warm numba

    start = time.perf_counter()
    folded = compile_folded(network, data, sub.condition, activation="counter")
    compile_s = time.perf_counter() - start
    start = time.perf_counter()
    block = FoldedBlock(folded, memoize=True)
    u_and_record_s = time.perf_counter() - start

    target = int(sub.landscape.best_correct)  # a realistic threshold: the block's best count
    memo = block.amplification(sub.with_target(target))
    plain = FoldedBlock(folded, memoize=False).amplification(sub.with_target(target))
    iterations = 20
    timings = {}
    for name, amplification in (("memoized", memo), ("gate_by_gate", plain)):
        start = time.perf_counter()
        amplification._advance_to(iterations)
        timings[name] = (time.perf_counter() - start) / iterations
    agree = float(np.abs(memo.distribution(iterations) - plain.distribution(iterations)).max())

    start = time.perf_counter()
    one = train(problem, BlockCoordinate(block_size=args.block_size, sweeps=1), seed=0, max_oracle_calls=durr_hoyer_budget(args.block_size))
    one_block_s = time.perf_counter() - start
    from qbnn.experiments.realdata import exhaustive_blocks

    strategy = BlockCoordinate(block_size=args.block_size, sweeps=1)
    blocks = strategy.blocks(network.num_parameters)
    start_vector = strategy.initial_vector(problem, np.random.default_rng(0))
    quantum_s, exhaustive_s = [], []
    for _ in range(3):
        start = time.perf_counter()
        exhaustive_blocks(problem, blocks, start_vector, 1)
        exhaustive_s.append(time.perf_counter() - start)
        start = time.perf_counter()
        sweep = train(problem, strategy, seed=0, max_oracle_calls=10**12)
        quantum_s.append(time.perf_counter() - start)
    report = {
        "network": list(network.layers),
        "points": data.num_points,
        "block_size": args.block_size,
        "ops_in_U": len(folded.ops),
        "qubits": folded.num_qubits,
        "compile_s": round(compile_s, 3),
        "u_and_record_s": round(u_and_record_s, 3),
        "iterate_gate_by_gate_s": round(timings["gate_by_gate"], 5),
        "iterate_memoized_s": round(timings["memoized"], 6),
        "memoized_speedup": round(timings["gate_by_gate"] / timings["memoized"], 1),
        "max_probability_difference": agree,
        "one_block_search_s": round(one_block_s, 2),
        "one_block_oracle_calls": one.oracle_calls,
        "one_block_correct": f"{one.correct}/{one.points}",
        "target_one_block_s": 10,
        "sweep_blocks": len(blocks),
        "sweep_quantum_s": round(min(quantum_s), 3),
        "sweep_exhaustive_s": round(min(exhaustive_s), 3),
        "sweep_quantum_over_exhaustive": round(min(quantum_s) / min(exhaustive_s), 2),
        "target_quantum_over_exhaustive": 1.2,
        "sweep_network_evaluations": sweep.network_evaluations,
        "sweep_exhaustive_forward_passes": sum(1 << len(b) for b in blocks),
    }
    print(json.dumps(report), flush=True)
    if not args.quick:
        start = time.perf_counter()
        whole = train(problem, BlockCoordinate(block_size=args.block_size, sweeps=5), seed=0, max_oracle_calls=10**12)
        print(
            json.dumps(
                {
                    "whole_training_s": round(time.perf_counter() - start, 1),
                    "target_whole_s": 600,
                    "sweeps": [dict(s) for s in whole.sweeps],
                    "correct": f"{whole.correct}/{whole.points}",
                    "oracle_calls": whole.oracle_calls,
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
