"""``qbnn landscape``: the exact accuracy of every configuration, summarised."""

from __future__ import annotations

from qbnn.cli.options import (
    DataOption,
    JsonOption,
    LayersOption,
    MetaOption,
    InputBitsOption,
    ProblemOption,
    SchedulerOption,
    WorkersOption,
    emit,
    load_network_and_data,
    FreeOption,
    ValuesOption,
)
from qbnn.model.conditioning import make_condition
from qbnn.core.cluster import wants_dask
from qbnn.errors import ArchitectureError
from qbnn.landscape import compute_landscape
from qbnn.model.network import MAX_SUPERPOSED


def landscape_command(
    problem: ProblemOption = None,
    data: DataOption = None,
    layers: LayersOption = None,
    meta: MetaOption = False,
    input_bits: InputBitsOption = 1,
    free: FreeOption = None,
    values: ValuesOption = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    json_output: JsonOption = False,
) -> None:
    """Count correct points for all 2^p configurations (exact, vectorised; Dask with --workers).

    Example: qbnn landscape --problem 2 --meta --json
    With --free 0-3 --values V only parameters 0..3 vary (2^4 configurations), the rest held at V.
    """
    network, dataset = load_network_and_data(problem, data, layers, meta, input_bits)
    condition = make_condition(network, free, values)
    if condition is not None or not wants_dask(workers, scheduler):  # a conditional landscape is 2^f: local
        if condition is None and network.num_parameters > MAX_SUPERPOSED:
            raise ArchitectureError(
                f"{network.describe()} has {network.num_parameters} parameters, too many to enumerate; "
                "hold most of them fixed with {free} and {values}", free=..., values=...,
            )
        summary = compute_landscape(network, dataset, condition=condition).summary()
    else:
        from qbnn.core.cluster import dask_client
        from qbnn.landscape.summary import distributed_landscape_summary
        from qbnn.core.progress import progress_bar

        with dask_client(workers, scheduler) as client, progress_bar("landscape chunks", enabled=not json_output) as tick:
            summary = distributed_landscape_summary(network, dataset, client, progress=tick).to_json()
    lines = [
        f"network {network.describe()} on {dataset.name}",
        f"parameters     {summary['parameters']}"
        + (f" ({len(summary['free'])} free: {condition.describe()})" if condition is not None else ""),
        f"configurations {summary['configurations']}",
        f"points         {summary['points']}",
        f"solutions      {summary['solutions']} (all points correct)",
        f"best accuracy  {summary['best_accuracy']}/{summary['points']}",
        "histogram (correct points: configurations)",
        *(f"  {k:>3}: {v}" for k, v in summary["histogram"].items()),
    ]
    emit(summary, json_output, "\n".join(lines))
