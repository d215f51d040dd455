"""Few-shot MNIST (issue 26): the one-vs-one BNN ensemble at K images per digit, timed.

    python -m benchmarks.mnist                          # K=10, 45 pairs, 5 draws, quantum (+ its start), 2 Dask workers
    python -m benchmarks.mnist --methods quantum,start,ste,local-search,cp-sat --draws 1 --out results/
    python -m benchmarks.mnist --per-class 1,2,3,5,10,20,40 --out results/

Target (issue 26): K = 10, all 45 pairs, 5 draws under 30 minutes on a 2-core
machine. Prints the wall time beside the target and the table; ``--out``
writes mnist.json, mnist.md and mnist.png there. Nothing asserted.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> dict:
    from qbnn.core.cluster import dask_client
    from qbnn.core.parsing import parse_int_range
    from qbnn.experiments.mnist import MnistSettings, figure, run_mnist

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-class", default="10")
    parser.add_argument("--draws", type=int, default=5)
    parser.add_argument("--methods", default="quantum,start")
    parser.add_argument("--block-size", type=int, default=8)
    parser.add_argument("--sweeps", type=int, default=1)
    parser.add_argument("--start", default="centroid")
    parser.add_argument("--workers", type=int, default=2, help="local Dask workers (0: one process)")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    settings = MnistSettings(
        per_class=tuple(parse_int_range(args.per_class, parameter="per_class", low=1, high=499)),
        draws=args.draws, methods=tuple(args.methods.split(",")), block_size=args.block_size, sweeps=args.sweeps,
        start=args.start,
    )
    began = time.perf_counter()
    if args.workers:
        with dask_client(workers=args.workers) as client:
            result = run_mnist(settings, client=client)
    else:
        result = run_mnist(settings)
    seconds = time.perf_counter() - began
    print(result.markdown())
    pairs = len(settings.pairs) * settings.draws * len(settings.per_class)
    print(f"\nwall time {seconds:.0f} s for {pairs} pair trainings x {len(settings.methods)} methods "
          f"on {args.workers or 1} worker(s); issue 26's target: K=10, 45 pairs, 5 draws under 1800 s")
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "mnist.json").write_text(json.dumps(result.to_json()) + "\n")
        (args.out / "mnist.md").write_text(result.markdown() + f"\n\nwall time {seconds:.0f} s\n")
        figure(result, args.out / "mnist.png")
    return {"seconds": seconds, "table": result.table}


if __name__ == "__main__":
    main()
