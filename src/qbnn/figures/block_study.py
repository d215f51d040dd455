"""Figure of ``qbnn block-study``: counts to each block's optimum against 2^B (log-log, fitted slopes), and accuracy against B."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np

from qbnn.figures.paper import plt

__all__ = ["block_study_figure"]

_SERIES = (
    ("quantum", "Durr-Hoyer (network evaluations, 2k+1 per measurement)", "#2166ac", "o"),
    ("random", "random search, expected N/t", "#d6604d", "^"),
    ("exhaustive", "exhaustive, 2^B", "#444444", "s"),
)


def block_study_figure(study: Mapping, path: str | Path | None = None):
    """Left: mean count to the block optimum against N = 2^B with each fitted slope; right: train and held-out accuracy."""
    rows, slopes = study["rows"], study["slopes"]
    n = np.array([r["configurations"] for r in rows], dtype=float)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    for key, label, color, marker in _SERIES:
        values = np.array([r[key] for r in rows], dtype=float)
        slope = slopes.get(key)
        left.plot(n, values, marker=marker, color=color, label=f"{label}: slope {slope:.2f}" if slope is not None else label)
    left.plot(n, np.sqrt(n), ":", color="#2166ac", alpha=0.6, label="sqrt(N)")
    left.set_xscale("log", base=2)
    left.set_yscale("log")
    left.set_xlabel("block configurations N = 2^B")
    left.set_ylabel("mean count to the block's optimum")
    left.legend(fontsize=8)
    sizes = [r["block_size"] for r in rows]
    for key, label, color in (("train_accuracy", "train", "#2166ac"), ("test_accuracy", "held-out", "#d6604d")):
        right.errorbar(sizes, [r[key] for r in rows], yerr=[r[key + "_sd"] for r in rows], marker="o", color=color, label=label, capsize=3)
    right.set_xlabel("block size B")
    right.set_ylabel("accuracy after block training")
    right.legend(fontsize=8)
    fig.suptitle(f"{study['dataset']}: BNN {study['network']}", fontsize=10)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=120)
        plt.close(fig)
    return fig
