"""``qbnn landscape``: the exact accuracy of every configuration, summarised."""

from __future__ import annotations

from qbnn.cli.options import DataOption, JsonOption, LayersOption, MetaOption, ProblemOption, emit, load_network_and_data
from qbnn.landscape import compute_landscape


def landscape_command(
    problem: ProblemOption = None,
    data: DataOption = None,
    layers: LayersOption = None,
    meta: MetaOption = False,
    json_output: JsonOption = False,
) -> None:
    """Count correct points for all 2^p configurations (exact, vectorised).

    Example: qbnn landscape --problem 2 --meta --json
    """
    network, dataset = load_network_and_data(problem, data, layers, meta)
    summary = compute_landscape(network, dataset).summary()
    lines = [
        f"network {network.describe()} on {dataset.name}",
        f"parameters     {summary['parameters']}",
        f"configurations {summary['configurations']}",
        f"points         {summary['points']}",
        f"solutions      {summary['solutions']} (all points correct)",
        f"best accuracy  {summary['best_accuracy']}/{summary['points']}",
        "histogram (correct points: configurations)",
        *(f"  {k:>3}: {v}" for k, v in summary["histogram"].items()),
    ]
    emit(summary, json_output, "\n".join(lines))
