"""Figures of the paper's three unnumbered claims (:mod:`qbnn.experiments.claims`).

Each function takes the plain dict the experiment returns and gives a matplotlib Figure.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure

from qbnn.model.network import Network
from qbnn.figures.paper import draw_network, edge_key, plt

__all__ = ["scaling_figure", "parity_figure", "landscape_independence_figure"]

_SERIES = (
    ("quantum_calls", "quantum_slope", "BBHT", "#2166ac", "o"),
    ("paper_schedule_calls", "paper_schedule_slope", "paper schedule", "#5aae61", "s"),
    ("classical_calls", "classical_slope", "random search, without replacement", "#d6604d", "^"),
    ("classical_calls_with_replacement", "classical_with_replacement_slope", "random search, with replacement", "#f4a582", "v"),
)


def scaling_figure(claim: Mapping) -> Figure:
    """Mean oracle calls to a solution against hardness N/M, log-log, with fitted slopes.

    Filled markers: success probabilities from the circuits (structured engine); open: the sin^2 law.
    """
    rows = claim["rows"]
    hardness = np.array([r["configurations"] / r["solutions"] for r in rows], dtype=float)
    circuit = np.array([r["engine"] != "analytic" for r in rows])
    fig, ax = plt.subplots(figsize=(7.5, 5))
    fine = np.geomspace(hardness.min(), hardness.max(), 50)
    for key, slope_key, label, color, marker in _SERIES:
        calls = np.array([r[key] for r in rows], dtype=float)
        slope = claim[slope_key]
        ax.scatter(hardness[circuit], calls[circuit], marker=marker, color=color, zorder=3)
        ax.scatter(hardness[~circuit], calls[~circuit], marker=marker, facecolor="none", edgecolor=color, zorder=3)
        intercept = np.mean(np.log(calls) - slope * np.log(hardness))
        ax.plot(fine, np.exp(intercept) * fine**slope, "-", color=color, lw=1, alpha=0.7,
                label=f"{label}: slope {slope:.2f}")
    ax.scatter([], [], marker="o", color="#555555", label="filled: success per k from the circuit (structured)")
    ax.scatter([], [], marker="o", facecolor="none", edgecolor="#555555", label="open: exact sin^2 law (analytic)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("hardness N/M (configurations per 100%-accurate configuration)")
    ax.set_ylabel("mean oracle calls to a solution")
    ax.set_title(f"Scaling with hardness: {len(rows)} cases, N up to 2^{int(np.log2(max(r['configurations'] for r in rows)))}",
                 fontsize=10)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    return fig


def parity_figure(claim: Mapping) -> Figure:
    """The network trained on 3-bit parity, and which small architectures have a perfect fit at all."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), gridspec_kw={"width_ratios": [1, 1.2]})
    network = Network(tuple(claim["layers"]))
    draw_network(
        left, network, claim["weights"],
        title=f"{network.describe()} trained on 3-bit parity: {claim['correct']}/{claim['points']} correct",
    )
    edge_key(left, meta=False, loc="lower center", bbox_to_anchor=(0.5, -0.1), ncol=2)
    rows = claim["architectures"]
    names = [Network(tuple(r["layers"])).describe() for r in rows]
    solutions = [r["solutions"] for r in rows]
    y = np.arange(len(rows))
    right.barh(y, [max(s, 0.8) for s in solutions], color=["#1b7837" if s else "#cccccc" for s in solutions])
    for i, r in enumerate(rows):
        text = f"{r['solutions']} of 2^{r['parameters']}" if r["solutions"] else f"none (best {r['best_correct']}/8)"
        right.text(max(r["solutions"], 0.8) * 1.15, i, text, va="center", fontsize=8)
    right.set_yticks(y, names)
    right.invert_yaxis()
    right.set_xscale("log")
    right.set_xlim(0.5, max(solutions) * 40)
    right.set_xlabel("100%-accurate configurations (exact landscape)")
    right.set_title("Which architectures can fit 3-bit parity (no biases, sign(0) = +1)", fontsize=10)
    fig.tight_layout()
    return fig


def landscape_independence_figure(claim: Mapping) -> Figure:
    """Success curves from the circuits of datasets with equal M and N, overlaid; their histograms beside."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    k = np.asarray(claim["k"])
    fine = np.linspace(k.min(), k.max(), 300)
    first = claim["cases"][0]
    theta = np.arcsin(np.sqrt(first["solutions"] / first["configurations"]))
    left.plot(fine, np.sin((2 * fine + 1) * theta) ** 2, "-", color="#bbbbbb", lw=3, label="sin^2((2k+1)θ)")
    markers = "ox+^s"
    width = 0.8 / len(claim["cases"])
    for i, case in enumerate(claim["cases"]):
        left.plot(k, case["success"], markers[i % len(markers)], mfc="none", ms=8 - 2 * i, label=case["data"])
        counts = {int(c): v for c, v in case["histogram"].items()}
        xs = np.array(sorted(counts))
        right.bar(xs + (i - (len(claim["cases"]) - 1) / 2) * width, [counts[c] for c in xs], width=width,
                  label=f"{case['data']} ({case['points']} points)")
    left.set_xlabel("Grover iterations k")
    left.set_ylabel("P(success), from the circuit")
    left.set_title(
        f"M = {first['solutions']} of N = {first['configurations']}: largest difference {claim['max_difference']:.1e}",
        fontsize=10,
    )
    left.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2)
    right.set_xlabel("correctly classified points")
    right.set_ylabel("configurations")
    right.set_yscale("log")
    right.set_title("Their accuracy histograms differ", fontsize=10)
    right.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.15))
    fig.tight_layout()
    return fig
