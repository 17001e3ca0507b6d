"""Writing files whole or not at all (a temporary file beside the target, then a rename),
and reading them bounded (``read_bounded``: a regular file under a size limit, or nothing).

Everything chainrule writes (model files here; drawings, players and the command line's
outputs in ``viz``) goes through ``write_atomic``, so an interrupted write never leaves
half a file, and an old file stays intact until the new one is complete.

The target is checked before the temporary file is made, so a bad path fails with an
error about the user's path (never about the hidden temporary file): the usual
``IsADirectoryError``, ``FileNotFoundError``, ``NotADirectoryError`` or
``PermissionError``, with ``filename`` the path given and ``strerror`` the reason.

What is there already is respected, as ``open(path, "w")`` respects it:

- a symlink is followed (as ``open()`` and ``torch.save`` do): the file it points to
  is replaced, atomically, by a temporary file in *that* file's folder; the link stays;
- an existing file keeps its permission bits (a private 0600 model stays private) and,
  when running as root, its owner and group;
- a file ``open(path, "w")`` could not write (read-only for this user) -> PermissionError;
- a target that is not a regular file (a FIFO, a device such as ``/dev/null``, a
  socket) is refused with an OSError saying what it is, never renamed over;
- a file with more than one hard link is refused (OSError naming the count): renaming
  over it would silently cut it off from its other names, and writing into it in place
  would not be atomic. Save to a new name, or remove the other links first.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from os import PathLike
from pathlib import Path

_KINDS = (  # what a non-regular target is, in words
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _refuse(code: int, reason: str, path: str | PathLike[str]) -> OSError:
    """The OSError subclass for ``code`` (OSError picks it), about the user's ``path``."""
    return OSError(code, reason, os.fspath(path))


def resolved(path: str | PathLike[str]) -> Path:
    """The file a write to ``path`` lands in: ``path`` with its symlinks followed (a
    dangling link names the file ``open()`` would create)."""
    p = Path(path)
    return Path(os.path.realpath(p)) if p.is_symlink() else p


def _existing(target: Path, path: str | PathLike[str]) -> os.stat_result | None:
    """The target's stat (None when it does not exist yet), else the OSError naming ``path``."""
    try:
        return os.stat(target)
    except (FileNotFoundError, NotADirectoryError):  # check_folder says which folder
        return None
    except OSError as err:  # a symlink loop, a folder on the way that cannot be searched
        raise _refuse(err.errno or errno.EIO, err.strerror or str(err), path) from None


def check_target(path: str | PathLike[str]) -> None:
    """Raise the OSError a write to ``path`` would meet, naming ``path`` and the reason.

    Symlinks are followed. A directory -> IsADirectoryError; a FIFO, device or socket ->
    OSError; a file this user may not write -> PermissionError; a file with several hard
    links -> OSError; then the target's folder, as ``check_folder``.
    """
    target = resolved(path)
    st = _existing(target, path)
    if st is not None:
        mode = st.st_mode
        if stat.S_ISDIR(mode):
            raise _refuse(errno.EISDIR, "is a directory, not a file", path)
        if not stat.S_ISREG(mode):
            raise _refuse(
                errno.EINVAL, f"is {_kind(mode)}, not a regular file; refusing to replace it", path
            )
        if not os.access(target, os.W_OK):
            raise _refuse(
                errno.EACCES, f"the file is read-only (mode {stat.S_IMODE(mode):04o})", path
            )
        if st.st_nlink > 1:
            raise _refuse(
                errno.EMLINK,
                f"the file has {st.st_nlink} hard links; replacing it would cut it off from "
                "the others (save to another name, or remove the other links)",
                path,
            )
    check_folder(target.parent, path)


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


def _keep_owner_and_mode(tmp: str, old: os.stat_result | None) -> None:
    """Give the temp file the old file's mode (and, as root, owner), else open()'s mode."""
    if old is None:
        os.chmod(tmp, 0o666 & ~_umask())
        return
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.chown(tmp, old.st_uid, old.st_gid)  # before chmod: chown clears set-id bits
    os.chmod(tmp, stat.S_IMODE(old.st_mode))


def write_atomic(path: str | PathLike[str], data: bytes | str) -> None:
    """Write ``data`` (bytes, or text as UTF-8) to ``path`` via a temp file and a rename.

    A new file gets the permissions a plain ``open(path, "w")`` would give (0666 less
    the umask), not the private 0600 of a temporary file; an existing one keeps its own
    (and, as root, its owner). A symlink is followed and the file it names replaced. A
    path that cannot be written raises the usual OSError subclass naming ``path`` (see
    ``check_target``).
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    check_target(path)
    target = resolved(path)
    old = _existing(target, path)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as err:  # changed since the check, or e.g. a read-only file system
        raise _refuse(err.errno or errno.EIO, err.strerror or str(err), path) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        _keep_owner_and_mode(tmp, old)
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


def _kind(mode: int) -> str:
    return next((words for test, words in _KINDS if test(mode)), "not a file")


def read_bounded(path: str | PathLike[str], limit: int, what: str = "file") -> bytes:
    """The bytes of the regular file ``path``, refused (ValueError, one line) unless it
    is one and holds at most ``limit`` bytes; ``what`` names it in the message.

    Nothing unbounded is read: a FIFO (which would block until someone writes), a device
    (``/dev/zero`` never ends) or a directory is refused from its stat, before it is
    opened; a file over the limit is refused from its size, before it is read (and one
    that grows past the limit while it is read, after ``limit + 1`` bytes). A missing or
    unreadable file raises the usual OSError.
    """
    st = os.stat(path)
    _check_readable(st, path, limit, what)
    # O_NONBLOCK: if a FIFO was swapped in after the stat, opening it does not wait
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as f:
        _check_readable(os.fstat(f.fileno()), path, limit, what)
        data = f.read(limit + 1)
    if len(data) > limit:
        _check_readable(None, path, limit, what, size=len(data))
    return data


def _megabytes(n: int) -> str:
    return f"{n / 2**20:g} MB" if n % 2**20 == 0 else f"{n:,} bytes"


def _check_readable(
    st: os.stat_result | None,
    path: str | PathLike[str],
    limit: int,
    what: str,
    size: int | None = None,
) -> None:
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise ValueError(f"{os.fspath(path)}: is a directory, not a {what}")
        if not stat.S_ISREG(st.st_mode):
            raise ValueError(
                f"{os.fspath(path)}: is {_kind(st.st_mode)}, not a regular file (a {what})"
            )
        size = st.st_size
    if size is not None and size > limit:
        raise ValueError(
            f"{os.fspath(path)}: {_megabytes(size)} is too large for a {what} "
            f"(at most {_megabytes(limit)})"
        )
