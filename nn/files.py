"""Writing files whole or not at all: a temporary file beside the target, then a rename.

Everything chainrule writes (model files here; drawings, players and the command line's
outputs in ``viz``) goes through ``write_atomic``, so an interrupted write never leaves
half a file, and an old file stays intact until the new one is complete.
"""

from __future__ import annotations

import os
import tempfile
from os import PathLike
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | PathLike[str], data: bytes | str) -> None:
    """Write ``data`` (bytes, or text as UTF-8) to ``path`` via a temp file and a rename.

    The file gets the permissions a plain ``open(path, "w")`` would give (0666 less the
    umask), not the private 0600 of a temporary file.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
