"""The ``qbnn`` command: a thin layer over the library, one module per subcommand.

``main(argv)`` is a plain function (testable without a subprocess); user
mistakes print one line ``qbnn: error: ...`` and exit 2, never a traceback.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import signal
import sys
from typing import Annotated, get_type_hints

import typer
from typer.exceptions import TyperException

from qbnn.cli.amplify import amplify_command
from qbnn.cli.count import count_command
from qbnn.cli.crossover import crossover_command
from qbnn.cli.circuit import circuit_command
from qbnn.cli.demo import demo_command
from qbnn.cli.landscape import landscape_command
from qbnn.cli.noise_study import noise_study_command
from qbnn.cli.options import CLI_FLAGS, SHARED_DATA_PARAMETERS, shared_data_options
from qbnn.cli.predict import predict_command
from qbnn.cli.reproduce import reproduce_command
from qbnn.cli.resources import resources_command
from qbnn.cli.train import train_command
from qbnn.errors import QbnnError

app = typer.Typer(
    name="qbnn",
    help="Train and meta-train binary neural networks by quantum amplitude amplification (Fawaz et al., KDD 2019).",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)



def _print_version(value: bool) -> None:
    if value:
        from qbnn import __version__

        print(f"qbnn {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print the qbnn version and exit."),
    ] = False,
) -> None:
    """Train and meta-train binary neural networks by quantum amplitude amplification.

    Shell completion: qbnn --install-completion (bash, zsh, fish, PowerShell), or --show-completion to see it.
    """


def with_shared_data_options(command):
    """``command`` with the data options it does not declare (--label, --binarize, --hidden) added.

    A command that reads ``--data`` through :func:`qbnn.cli.options.load_network_and_data` gets them
    there without naming them: they are set for the call and the loader reads them.
    """
    signature = inspect.signature(command, eval_str=True)
    if "data" not in signature.parameters or "layers" not in signature.parameters:
        return command
    missing = {name: kind for name, kind in SHARED_DATA_PARAMETERS.items() if name not in signature.parameters}
    if not missing:
        return command

    @functools.wraps(command)
    def wrapped(**kwargs):
        shared = {name: kwargs.pop(name, None) for name in missing}
        with shared_data_options(**shared):
            return command(**kwargs)

    parameters = []
    for parameter in signature.parameters.values():
        parameters.append(parameter.replace(kind=inspect.Parameter.KEYWORD_ONLY))
        if parameter.name == "data":
            parameters += [
                inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=kind)
                for name, kind in missing.items()
            ]
    wrapped.__signature__ = signature.replace(parameters=parameters)
    wrapped.__annotations__ = {**get_type_hints(command, include_extras=True), **missing}
    return wrapped


def _optional_command(module: str, function: str):
    """A command another module may provide (e.g. ``qbnn backtracking``), or None while it does not exist."""
    try:
        return getattr(importlib.import_module(module), function)
    except (ImportError, AttributeError):
        return None


#: The commands, those people use first first.
COMMANDS = [
    ("train", train_command),
    ("predict", predict_command),
    ("count", count_command),
    ("landscape", landscape_command),
    ("amplify", amplify_command),
    ("demo", demo_command),
    ("reproduce", reproduce_command),
    ("circuit", circuit_command),
    ("resources", resources_command),
    ("noise-study", noise_study_command),
    ("crossover", crossover_command),
    ("backtracking", _optional_command("qbnn.cli.backtracking", "backtracking")),
    ("block-study", _optional_command("qbnn.cli.block_study", "block_study_command")),
]
for _name, _command in COMMANDS:
    if _command is not None:
        app.command(_name)(with_shared_data_options(_command))


def main(argv: list[str] | None = None) -> int:
    """Run the CLI with ``argv`` (default ``sys.argv[1:]``); returns the exit code."""
    command = typer.main.get_command(app)
    try:
        code = command.main(args=argv, prog_name="qbnn", standalone_mode=False)
    except typer.Exit as exc:
        return int(getattr(exc, "exit_code", 0) or 0)
    except typer.Abort:
        print("qbnn: aborted", file=sys.stderr)
        return 130
    except TyperException as exc:  # usage errors: bad option, missing value, bad choice
        if type(exc).__name__ == "NoArgsIsHelpError" and getattr(exc, "ctx", None) is not None:
            print(exc.ctx.get_help())
            return 0
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        ctx = getattr(exc, "ctx", None)
        where = f"qbnn {ctx.info_name}" if ctx is not None and ctx.parent is not None else "qbnn"
        if "\n" in message or not message:
            message = "no subcommand given" if not message else message.splitlines()[0]
        print(f"qbnn: error: {message} (see '{where} --help')", file=sys.stderr)
        return int(getattr(exc, "exit_code", 2) or 2)
    except QbnnError as exc:
        print(f"qbnn: error: {exc.render(CLI_FLAGS)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("qbnn: interrupted", file=sys.stderr)
        return 130
    if code == 130:  # typer turns Ctrl-C inside a command into exit code 130, silently
        print("qbnn: interrupted", file=sys.stderr)
        return 130
    return code if isinstance(code, int) else 0  # click returns typer.Exit's code in non-standalone mode


def run() -> None:
    """Console-script entry point; once the command is done, a late Ctrl-C cannot interrupt the clean-up."""
    code = main()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # e.g. Dask's atexit shutdown of a local cluster
    sys.exit(code)
