"""Writing result files safely: checked before any work, written atomically, never over a user's files.

A path is checked (its folder exists, is a folder and takes a new file) before
a command computes anything, so a typo costs nothing. Every file is written
to a temporary name beside it and renamed into place, so an interrupted run
(Ctrl-C) leaves either the old file or the complete new one, never half of
one. Files get the permissions of an ordinary new file (0666 less the umask), not
the private 0600 of a temporary file, so a results folder shared with a group stays
readable to it. A folder that ``qbnn reproduce`` fills records what it wrote in
:data:`MANIFEST`; a folder holding anything else is refused unless forced.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from qbnn.errors import QbnnError

__all__ = [
    "MANIFEST",
    "check_output_file",
    "check_output_folder",
    "atomic_path",
    "write_text_atomic",
    "record_outputs",
]

#: The file in an output folder that lists what qbnn wrote there (name -> sha256).
MANIFEST = ".qbnn-outputs.json"


def _probe_folder(folder: Path, what: str, parameter: str, value: object) -> None:
    """Refuse a folder that does not exist, is a file, or does not take a new file."""
    shown = f"{{{parameter}}}"
    if not folder.exists():
        for parent in folder.parents:
            if parent.exists() and not parent.is_dir():
                raise QbnnError(f"{shown}: {parent} is a file, so {what} cannot be created under it", **{parameter: value})
        raise QbnnError(f"{shown}: folder {folder} does not exist; create it first", **{parameter: value})
    if not folder.is_dir():
        raise QbnnError(f"{shown}: {folder} is a file, not a folder", **{parameter: value})
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".qbnn-probe-"):
            pass
    except OSError as exc:
        raise QbnnError(
            f"{shown}: cannot write in {folder} ({exc.strerror or type(exc).__name__}); choose a writable folder",
            **{parameter: value},
        ) from None


def check_output_file(path: str | Path, *, parameter: str, suffix: str | None = None) -> Path:
    """Check that ``path`` can be written (before any work is done); ``suffix`` e.g. ``".png"``."""
    path = Path(path)
    if suffix is not None and path.suffix.lower() != suffix:
        raise QbnnError(f"{{{parameter}}} must name a {suffix} file", **{parameter: path})
    if path.is_dir():
        raise QbnnError(f"{{{parameter}}} is a folder; give a file name", **{parameter: path})
    _probe_folder(path.parent if str(path.parent) else Path("."), str(path), parameter, path)
    return path


def _umask() -> int:
    """The process's umask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; renamed onto ``path`` only if the block completes."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix or ".tmp")
    os.close(handle)
    temporary_path = Path(temporary)
    try:
        yield temporary_path
        if temporary_path.exists():  # mkstemp creates 0600; a file written by qbnn follows the umask like any other
            os.chmod(temporary_path, 0o666 & ~_umask())
        os.replace(temporary_path, path)
    except BaseException:  # also KeyboardInterrupt: leave the old file, not half a new one
        temporary_path.unlink(missing_ok=True)
        raise


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically."""
    with atomic_path(path) as temporary:
        temporary.write_text(text)
    return Path(path)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _recorded(folder: Path) -> dict[str, str]:
    try:
        return dict(json.loads((folder / MANIFEST).read_text()))
    except (OSError, ValueError, TypeError):
        return {}


def check_output_folder(folder: str | Path, *, parameter: str = "out", force: bool = False) -> Path:
    """Refuse a folder holding files qbnn did not write there (or changed since), unless ``force``.

    A missing folder is fine (it is created); so is an empty one, or one whose every file is listed,
    unchanged, in its :data:`MANIFEST`.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise QbnnError(f"{{{parameter}}} is a file; give a folder (it is created if missing)", **{parameter: folder})
    if not folder.exists():
        parent = next((p for p in folder.parents if p.exists()), Path("."))
        _probe_folder(parent, str(folder), parameter, folder)
        return folder
    _probe_folder(folder, str(folder), parameter, folder)
    if force:
        return folder
    recorded = _recorded(folder)
    for entry in sorted(folder.iterdir()):
        if entry.name == MANIFEST:
            continue
        if entry.is_dir() or recorded.get(entry.name) != _digest(entry):
            change = "is not one qbnn wrote there" if entry.name not in recorded else "was changed since qbnn wrote it"
            raise QbnnError(
                f"{{{parameter}}}: {entry} {change}; choose an empty or new folder, or pass {{force}} to overwrite",
                **{parameter: folder},
                force=...,
            )
    return folder


def check_files_in_folder(folder: str | Path, names: Iterable[str], *, parameter: str = "out") -> Path:
    """Check that ``names`` can be written into ``folder`` without replacing a file qbnn did not write there.

    Other files in the folder are left alone (a command that adds two files to the results folder needs no
    empty folder), so no ``force`` is needed: only the named files are guarded.
    """
    folder = check_output_folder(folder, parameter=parameter, force=True)
    recorded = _recorded(folder) if folder.is_dir() else {}
    for name in names:
        target = folder / name
        if target.exists() and (target.is_dir() or recorded.get(name) != _digest(target)):
            raise QbnnError(
                f"{{{parameter}}}: {target} exists and qbnn did not write it; move it or choose another folder",
                **{parameter: folder},
            )
    return folder


def record_outputs(folder: str | Path, files: Iterable[str | Path]) -> Path:
    """Add ``files`` (inside ``folder``) to the folder's manifest, with their checksums."""
    folder = Path(folder)
    recorded = _recorded(folder)
    for file in files:
        file = Path(file)
        recorded[file.name] = _digest(file)
    return write_text_atomic(folder / MANIFEST, json.dumps(recorded, indent=1, sort_keys=True) + "\n")
