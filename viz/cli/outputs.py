"""Where the command line's files go: every place checked first, every file whole or none.

A subcommand checks each place it will write to (``check_output_file``,
``check_out_dir``; both are ``check_writable``) before it computes or writes anything; a
path that cannot be written is refused with ``Refused`` (one line naming the path and
the reason, exit status 2), never a traceback. Files are then written through
``nn.files.write_atomic`` (``write``, ``write_all``) or a saver of their own (``save``),
and an OSError that still happens (the folder changed since, the disk is full) becomes
``Refused`` naming the user's path, never the hidden temporary file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from nn.files import check_folder, check_target, write_atomic

from .errors import Refused, one_line

# -- checked before anything is written ------------------------------------------------


def _reason(e: OSError) -> str:
    """Why an OSError happened, without the file name (which may be a hidden temp file)."""
    return e.strerror or one_line(e)


def check_writable(path: Path, what: str, *, folder: bool) -> None:
    """Refuse ``path`` unless it can be written: the one writability check.

    A file (``folder=False``): ``nn.files.check_target``, the check ``write_atomic``
    makes. A folder (``folder=True``): not a file; it takes files, or, when it does not
    exist yet, the nearest folder above it that exists does (``nn.files.check_folder``;
    ``make_folder`` makes the rest). Beyond what those see (``os.access``: permissions),
    a file created and dropped at once (``tempfile.TemporaryFile``, which leaves no name
    behind) answers for a read-only file system, or a folder like /proc that takes no
    new files.
    """
    try:
        if not folder:
            place = path.parent
            check_target(path)
        elif path.exists() and not path.is_dir():
            raise Refused(f"{what}: exists and is not a directory")
        else:
            place = path
            while not place.exists() and place != place.parent:
                place = place.parent
            check_folder(place, path)
    except OSError as e:  # the reason, also for a folder on the way that may not be searched
        raise Refused(f"{what}: {_reason(e)}") from None
    try:
        with tempfile.TemporaryFile(dir=place):
            pass
    except OSError as e:
        raise Refused(f"{what}: cannot write in {str(place)!r}: {_reason(e)}") from None


def check_output_file(text: str | None, suffixes: tuple[str, ...], flag: str) -> Path | None:
    """Check an output file name, and that its folder takes files, before anything runs."""
    if text is None:
        return None
    path = Path(text)
    if path.suffix.lower() not in suffixes:
        raise Refused(f"{flag} {text}: the file name must end in {', '.join(suffixes)}")
    check_writable(path, f"{flag} {text}", folder=False)
    return path


def check_out_dir(out: Path, files: tuple[str, ...], *, force: bool, own: bool = False) -> None:
    """Refuse an output folder that is a file, or that cannot be made or written in, or
    one of whose ``files`` (the names the command will write) cannot be replaced (a
    directory, a FIFO, a read-only file: ``check_target``), all before anything is
    written. Unless ``force``, also a folder that holds anything else: with ``own``,
    anything but ``files`` (a folder holding only the command's own files is written
    over), else anything at all."""
    try:
        if not force and out.is_dir():
            others = sorted(p.name for p in out.iterdir() if not own or p.name not in files)
            if others and not own:
                raise Refused(f"--out {out}: the directory is not empty (add --force to overwrite)")
            if others:
                more = f" and {len(others) - 1} more" if len(others) > 1 else ""
                raise Refused(
                    f"--out {out}: the directory holds other files ({others[0]!r}{more}); "
                    "choose an empty or new folder, or add --force to write into it anyway"
                )
    except OSError as e:
        raise Refused(f"--out {out}: {_reason(e)}") from None
    check_writable(out, f"--out {out}", folder=True)
    if out.is_dir():
        for name in files:
            path = out / name
            if os.path.lexists(path):
                check_writable(path, f"--out {out}: {name}", folder=False)


# -- writing ---------------------------------------------------------------------------


@contextmanager
def _writing(path: Path) -> Iterator[None]:
    """An OSError while writing ``path`` (the checks passed, then the folder changed, or
    the disk is full) -> Refused naming ``path`` and the reason, never a temp file."""
    try:
        yield
    except OSError as e:
        raise Refused(f"cannot write {path}: {_reason(e)}") from None


def make_folder(out: Path) -> None:
    """Create ``out`` and the folders above it that are missing (checked already)."""
    with _writing(out):
        out.mkdir(parents=True, exist_ok=True)


def write(path: Path, data: str | bytes) -> None:
    """Write one file whole, through ``write_atomic``."""
    with _writing(path):
        write_atomic(path, data)


def save(path: Path, saver: Callable[[Path], object]) -> None:
    """Write ``path`` with an object's own ``save`` (a model, a drawing, a player), which
    writes whole files itself; an OSError is refused like ``write``'s."""
    with _writing(path):
        saver(path)


def write_all(files: list[tuple[Path, bytes]]) -> None:
    """Write every file, or none: a failed write removes the files this call created."""
    created: list[Path] = []
    try:
        for path, data in files:
            existed = path.exists()
            write(path, data)
            if not existed:
                created.append(path)
    except Refused:
        for path in created:
            path.unlink(missing_ok=True)
        raise
