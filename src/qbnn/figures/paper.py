"""Figures: the paper's figures 3-6 from computed data, and a drawing of a (meta-)learned network.

Functions take plain data (arrays, dicts) and return a matplotlib Figure, so a
notebook can show them and :mod:`qbnn.experiments.report` can save them. The Agg backend
is used when no display is configured.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib

if matplotlib.get_backend().lower() not in {"agg", "module://matplotlib_inline.backend_inline"}:
    try:  # headless by default; notebooks keep their inline backend
        matplotlib.use("Agg")
    except Exception:  # pragma: no cover - backend already fixed by the user
        pass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from qbnn.model.network import Network

__all__ = [
    "draw_network",
    "edge_key",
    "network_figure",
    "distribution_figure",
    "success_vs_k_figure",
    "cumulative_success_figure",
    "meta_figure",
    "save_figure",
]

PLUS, MINUS, ABSENT = "#1b7837", "#b2182b", "#bbbbbb"


def save_figure(fig: Figure, path: str | Path, dpi: int = 120) -> Path:
    """Write ``fig`` as PNG (atomically) and close it."""
    from qbnn.core.outputs import atomic_path

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with atomic_path(path) as temporary:  # an interrupted run leaves no half-written PNG
            fig.savefig(temporary, dpi=dpi, bbox_inches="tight", format="png")
    finally:
        plt.close(fig)
    return path


def draw_network(
    ax,
    network: Network,
    weights: Sequence[int] | None = None,
    connections: Sequence[int] | None = None,
    title: str | None = None,
    feature_names: Sequence[str] | None = None,
) -> None:
    """Draw the BNN on ``ax``: green edges for weight +1, red dashed for -1, faint dotted for absent."""
    layers = network.layers
    positions: list[list[tuple[float, float]]] = []
    for depth, width in enumerate(layers):
        ys = np.linspace(0, 1, width + 2)[1:-1] if width > 1 else [0.5]
        positions.append([(float(depth), float(y)) for y in ys[::-1]])
    for layer in range(network.num_layers):
        for neuron, (x1, y1) in enumerate(positions[layer + 1]):
            for source, (x0, y0) in enumerate(positions[layer]):
                style, color, width = "-", "#555555", 1.2
                if weights is not None:
                    w = int(weights[network.weight_index(layer, neuron, source)])
                    color, style = (PLUS, "-") if w > 0 else (MINUS, "--")
                    width = 2.0
                if layer == 0 and network.meta and connections is not None:
                    if not int(connections[network.connection_index(neuron, source) - network.num_weights]):
                        color, style, width = ABSENT, ":", 1.0
                ax.plot([x0, x1], [y0, y1], style, color=color, lw=width, zorder=1)
    names = list(feature_names or [f"x{i + 1}" for i in range(layers[0])])
    for depth, column in enumerate(positions):
        for i, (x, y) in enumerate(column):
            ax.scatter([x], [y], s=500, color="white", edgecolor="black", zorder=2)
            label = names[i] if depth == 0 else ("out" if depth == len(layers) - 1 else f"h{i + 1}")
            ax.text(x, y, label, ha="center", va="center", fontsize=8, zorder=3)
    ax.set_xlim(-0.4, len(layers) - 0.6)
    ax.set_ylim(-0.05, 1.05)
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=10)


def edge_key(ax, meta: bool = True, **legend_options) -> None:
    """A legend explaining the edge styles of :func:`draw_network`."""
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], color=PLUS, lw=2.0, label="weight +1"),
        Line2D([], [], color=MINUS, lw=2.0, ls="--", label="weight -1"),
    ]
    if meta:
        handles.append(Line2D([], [], color=ABSENT, lw=1.0, ls=":", label="absent connection (reads -1)"))
    ax.legend(handles=handles, **{"fontsize": 7, "frameon": False, **legend_options})


def network_figure(
    network: Network,
    weights=None,
    connections=None,
    title: str | None = None,
    feature_names: Sequence[str] | None = None,
) -> Figure:
    """A figure with one network drawing and a key of its edge styles (``qbnn train --draw``)."""
    fig, ax = plt.subplots(figsize=(1.6 * len(network.layers) + 1, 3.4))
    draw_network(ax, network, weights, connections, title, feature_names)
    if weights is not None:
        edge_key(ax, network.meta, loc="lower center", bbox_to_anchor=(0.5, -0.12), ncol=3)
    return fig


def distribution_figure(distributions: Mapping[int, np.ndarray], good_mask: np.ndarray, title: str) -> Figure:
    """Figure 3: probability of each configuration after k iterations, solutions highlighted."""
    ks = list(distributions)
    fig, axes = plt.subplots(len(ks), 1, figsize=(8, 2.1 * len(ks)), sharex=True)
    axes = np.atleast_1d(axes)
    index = np.arange(len(good_mask))
    for ax, k in zip(axes, ks):
        dist = distributions[k]
        ax.bar(index[~good_mask], dist[~good_mask], width=1.0, color="#999999", label="other configurations")
        ax.bar(index[good_mask], dist[good_mask], width=1.5, color=PLUS, label="solutions (100% accurate)")
        ax.set_ylabel("probability")
        ax.set_title(f"k = {k}: P(solution) = {dist[good_mask].sum():.4f}", fontsize=10)
    axes[0].legend(loc="upper right", fontsize=8)
    axes[-1].set_xlabel("configuration index (bit j = weight j, 1 = +1)")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def success_vs_k_figure(curves: Sequence[Mapping], title: str = "Success probability after k Grover iterations") -> Figure:
    """Figure 4: one panel per problem: exact curve from the circuit, the sin^2 law and shot estimates with error bars.

    Each curve mapping holds ``label``, ``k``, ``exact``, ``theory``, ``shots``, ``solutions``,
    ``configurations`` and ``estimate``.
    """
    fig, axes = plt.subplots(1, len(curves), figsize=(5 * len(curves), 3.8), squeeze=False, sharey=True)
    for ax, curve, panel in zip(axes[0], curves, "abcdefgh"):
        k = np.asarray(curve["k"])
        fine = np.linspace(k.min(), k.max(), 400)
        theta = np.arcsin(np.sqrt(curve["solutions"] / curve["configurations"]))
        ax.plot(fine, np.sin((2 * fine + 1) * theta) ** 2, "-", color="#2166ac", alpha=0.4, lw=1.2,
                label="sin^2((2k+1)θ), sin^2 θ = M/N")
        ax.plot(k, curve["exact"], "o", color="#2166ac", mfc="none", label="exact, from the circuit")
        est = np.asarray(curve["estimate"])
        err = np.sqrt(np.clip(est * (1 - est), 1e-12, None) / curve["shots"])
        ax.errorbar(k, est, yerr=err, fmt="x", color="#d6604d", capsize=2, label=f"{curve['shots']} shots per k (± 1 s.e.)")
        ax.set_xlabel("Grover iterations k")
        ax.set_ylim(-0.02, 1.05)
        ax.set_title(
            f"({panel}) {curve['label']}: M = {curve['solutions']} of N = {curve['configurations']}", fontsize=10
        )
    axes[0, 0].set_ylabel("P(measure a 100%-accurate configuration)")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8, frameon=False)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig


def cumulative_success_figure(panels: Sequence[Mapping]) -> Figure:
    """Figure 5: runs of the paper schedule vs classical random search, cumulative success vs steps (top, as the
    paper draws it) and vs the work a step costs (bottom: network evaluations, 2k + 1 per quantum measurement after
    k iterations, one forward pass per classical draw).

    Each panel holds ``label``, ``steps`` (1..T), ``quantum_runs``, ``quantum_exact``, ``classical_without``,
    ``classical_with``, ``runs`` and, for the bottom row, ``run_network_evaluations`` (one total per run).
    """
    with_cost = all("run_network_evaluations" in panel for panel in panels)
    rows = 2 if with_cost else 1
    fig, axes = plt.subplots(rows, len(panels), figsize=(6 * len(panels), 3.6 * rows), squeeze=False)
    for ax, panel in zip(axes[0], panels):
        steps = np.asarray(panel["steps"])
        ax.step(steps, panel["quantum_runs"], where="post", color="#2166ac", lw=2, label=f"quantum, {panel['runs']} runs (paper schedule)")
        ax.step(steps, panel["quantum_exact"], ":", where="post", color="#2166ac", label="quantum, exact")
        ax.plot(steps, panel["classical_without"], "-", color="#d6604d", label="classical random search (exact)")
        ax.plot(steps, panel["classical_with"], "--", color="#d6604d", alpha=0.6, label="classical, with replacement")
        ax.axhline(0.9, color="black", lw=0.6, alpha=0.5)
        ax.text(steps[0], 0.9, " 90%", ha="left", va="bottom", fontsize=7, alpha=0.7)
        ax.set_xscale("log")
        ax.set_xlabel("steps (measurements, or classical draws)")
        ax.set_ylabel("cumulative success")
        ax.set_ylim(-0.02, 1.05)
        ax.set_title(panel["label"], fontsize=10)
    if with_cost:
        for ax, panel in zip(axes[1], panels):
            evaluations = np.sort(np.asarray(panel["run_network_evaluations"]))
            horizon = int(max(evaluations.max(), len(panel["classical_without"])))
            e = np.arange(1, horizon + 1)
            quantum = np.searchsorted(evaluations, e, side="right") / evaluations.size
            classical = np.asarray(panel["classical_without"])
            classical = np.concatenate([classical, np.full(horizon - classical.size, classical[-1])]) if classical.size < horizon else classical[:horizon]
            ax.step(e, quantum, where="post", color="#2166ac", lw=2)
            ax.plot(e, classical, "-", color="#d6604d")
            ax.axhline(0.9, color="black", lw=0.6, alpha=0.5)
            ax.set_xscale("log")
            ax.set_xlabel("network evaluations (U or U-inverse; classical: forward passes)", fontsize=9)
            ax.set_ylabel("cumulative success")
            ax.set_ylim(-0.02, 1.05)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.05 if with_cost else 0.07, 1, 1))
    return fig


def meta_figure(panels: Sequence[Mapping]) -> Figure:
    """Figure 6: the meta-BNN, the structures learned for each problem, and success vs k.

    Each panel holds ``label``, ``network``, ``weights``, ``connections``, ``k``, ``exact`` and ``optimal_k``.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    fig, axes = plt.subplots(2, len(panels) + 1, figsize=(4 * (len(panels) + 1), 6.5))
    network = panels[0]["network"]
    draw_network(axes[0, 0], network, title="(a) meta-BNN: all candidate connections")
    key = axes[1, 0]
    key.axis("off")
    key.legend(
        handles=[
            Line2D([], [], color=PLUS, lw=2.0, label="weight +1"),
            Line2D([], [], color=MINUS, lw=2.0, ls="--", label="weight -1"),
            Line2D([], [], color=ABSENT, lw=1.0, ls=":", label="absent connection (reads -1)"),
            Line2D([], [], color="#2166ac", marker="o", ms=3, label="P(success) after k, from the circuit"),
            Patch(color="#fdb863", alpha=0.3, label="paper: 16-20 amplifications suffice"),
            Line2D([], [], color="black", lw=0.8, label="optimal k for M solutions"),
        ],
        loc="center",
        fontsize=8,
        frameon=False,
        title="key",
    )
    for i, panel in enumerate(panels, start=1):
        draw_network(
            axes[0, i], panel["network"], panel["weights"], panel["connections"],
            title=f"({chr(ord('a') + i)}) learned for {panel['label']}",
        )
        ax = axes[1, i]
        ax.plot(panel["k"], panel["exact"], "-o", ms=3, color="#2166ac")
        ax.axvspan(16, 20, color="#fdb863", alpha=0.3)
        ax.axvline(panel["optimal_k"], color="black", lw=0.8)
        ax.set_xlabel("Grover iterations k")
        ax.set_ylabel("P(success)")
        ax.set_ylim(-0.02, 1.05)
        ax.set_title(
            f"{panel['label']}: {panel['solutions']} of {panel['configurations']} configurations, "
            f"optimal k = {panel['optimal_k']}",
            fontsize=9,
        )
    fig.tight_layout()
    return fig
