"""Writing files whole or not at all: a temporary file beside the target, then a rename.

Everything chainrule writes (model files here; drawings, players and the command line's
outputs in ``viz``) goes through ``write_atomic``, so an interrupted write never leaves
half a file, and an old file stays intact until the new one is complete.

The target is checked before the temporary file is made, so a bad path fails with an
error about the user's path (never about the hidden temporary file): the usual
``IsADirectoryError``, ``FileNotFoundError``, ``NotADirectoryError`` or
``PermissionError``, with ``filename`` the path given and ``strerror`` the reason.
"""

from __future__ import annotations

import errno
import os
import tempfile
from os import PathLike
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _refuse(code: int, reason: str, path: str | PathLike[str]) -> OSError:
    """The OSError subclass for ``code`` (OSError picks it), about the user's ``path``."""
    return OSError(code, reason, os.fspath(path))


def check_target(path: str | PathLike[str]) -> None:
    """Raise the OSError a write to ``path`` would meet, naming ``path`` and the reason.

    A directory -> IsADirectoryError; then the folder, as ``check_folder``.
    """
    if Path(path).is_dir():
        raise _refuse(errno.EISDIR, "is a directory, not a file", path)
    check_folder(Path(path).parent, path)


def check_folder(folder: str | PathLike[str], path: str | PathLike[str]) -> None:
    """Raise the OSError creating a file in ``folder`` would meet, naming ``path`` (the
    file or folder the user gave) and the reason: a missing folder -> FileNotFoundError;
    a folder that is a file -> NotADirectoryError; one not writable -> PermissionError.
    """
    folder = Path(folder)
    if not folder.exists():
        raise _refuse(errno.ENOENT, f"folder {str(folder)!r} does not exist", path)
    if not folder.is_dir():
        raise _refuse(
            errno.ENOTDIR, f"{str(folder)!r} is not a folder (a file, not a directory)", path
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise _refuse(errno.EACCES, f"folder {str(folder)!r} is not writable", path)


def write_atomic(path: str | PathLike[str], data: bytes | str) -> None:
    """Write ``data`` (bytes, or text as UTF-8) to ``path`` via a temp file and a rename.

    The file gets the permissions a plain ``open(path, "w")`` would give (0666 less the
    umask), not the private 0600 of a temporary file. A path that cannot be written
    raises the usual OSError subclass naming ``path`` (see ``check_target``).
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    check_target(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as err:  # changed since the check, or e.g. a read-only file system
        raise _refuse(err.errno or errno.EIO, err.strerror or str(err), path) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException as err:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(err, OSError) and tmp in (err.filename, err.filename2):
            # e.g. the target became a directory after the check: name it, not the temp file
            raise _refuse(err.errno or errno.EIO, err.strerror or str(err), path) from None
        raise
