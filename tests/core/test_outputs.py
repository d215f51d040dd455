"""Output files: checked before work, written atomically (Ctrl-C leaves no partial file), and a results
folder holding files qbnn did not write is refused unless forced."""

from __future__ import annotations

import pytest

from qbnn.errors import QbnnError
from qbnn.core.outputs import MANIFEST, atomic_path, check_output_file, check_output_folder, record_outputs, write_text_atomic


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "missing" / "x.png", "folder {tmp}/missing does not exist; create it first"),
        (lambda tmp: tmp / "file.txt" / "x.png", "{tmp}/file.txt is a file, not a folder"),
        (lambda tmp: tmp / "file.txt" / "deeper" / "x.png", "{tmp}/file.txt is a file, so {tmp}/file.txt/deeper/x.png cannot be created"),
        (lambda tmp: tmp / "folder.png", "is a folder; give a file name"),
        (lambda tmp: tmp / "x.svg", "must name a .png file"),
    ],
)
def test_impossible_output_files_are_refused(tmp_path, make, message):
    (tmp_path / "file.txt").write_text("x")
    (tmp_path / "folder.png").mkdir()
    with pytest.raises(QbnnError) as info:
        check_output_file(make(tmp_path), parameter="draw", suffix=".png")
    assert message.format(tmp=tmp_path) in info.value.render({})
    assert info.value.render({}).startswith("--draw ")


def test_a_folder_that_takes_no_files_is_refused():
    """/proc exists and is a folder, but no file can be created there."""
    with pytest.raises(QbnnError, match=r"^out=PosixPath\('/proc/x.qasm'\): cannot write in /proc"):
        check_output_file("/proc/x.qasm", parameter="out")


def test_an_interrupted_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "report.md"
    target.write_text("old")
    with pytest.raises(KeyboardInterrupt):
        with atomic_path(target) as temporary:
            temporary.write_text("half of the new")
            raise KeyboardInterrupt
    assert target.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]
    write_text_atomic(target, "new")
    assert target.read_text() == "new" and sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]


def test_results_folder_guard(tmp_path):
    out = tmp_path / "results"
    assert check_output_folder(out) == out  # new: fine
    out.mkdir()
    check_output_folder(out)  # empty: fine
    (out / "report.md").write_text("the user's own notes")
    with pytest.raises(QbnnError) as info:
        check_output_folder(out)
    assert info.value.render({}) == (
        f"--out {out}: {out / 'report.md'} is not one qbnn wrote there; choose an empty or new folder, "
        "or pass --force to overwrite"
    )
    assert check_output_folder(out, force=True) == out
    record_outputs(out, [out / "report.md"])  # now qbnn wrote it ...
    check_output_folder(out)
    assert MANIFEST in {p.name for p in out.iterdir()}
    (out / "report.md").write_text("edited by hand")  # ... until someone changes it
    with pytest.raises(QbnnError, match="was changed since qbnn wrote it"):
        check_output_folder(out)


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_written_files_follow_the_umask(tmp_path, umask, mode):
    """Atomic writes go through a 0600 temporary file; the file left behind has an ordinary file's mode."""
    import os

    old = os.umask(umask)
    try:
        written = write_text_atomic(tmp_path / "result.json", "{}\n")
        with atomic_path(tmp_path / "figure.png") as temporary:
            temporary.write_bytes(b"png")
        replaced = write_text_atomic(tmp_path / "result.json", "{}\n")  # replacing a file too
    finally:
        os.umask(old)
    for path in (written, replaced, tmp_path / "figure.png"):
        assert path.stat().st_mode & 0o777 == mode
