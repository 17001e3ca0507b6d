"""Shared test setup: the lecture's graph, and ``chainrule`` run as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from autograd import Value


def _lecture() -> tuple[Value, Value, Value, Value, Value]:
    """The lecture's f = (x + y) z at x=-2, y=5, z=-4, with q = x + y; every node labelled."""
    x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    return x, y, z, q, f


@pytest.fixture
def lecture() -> Callable[[], tuple[Value, Value, Value, Value, Value]]:
    """Builds a fresh lecture graph on each call: ``x, y, z, q, f = lecture()``."""
    return _lecture


def _chainrule(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``python -m viz ARGS`` in ``cwd``, text output decoded as UTF-8."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "MPLBACKEND": "Agg"}
    return subprocess.run(
        [sys.executable, "-m", "viz", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


@pytest.fixture(scope="session")
def chainrule() -> Callable[..., subprocess.CompletedProcess]:
    """Runs the command line as a subprocess: ``chainrule("graph", "x * 2", "x=1", cwd=dir)``."""
    return _chainrule


@pytest.fixture
def unwritable(tmp_path: Path) -> Iterator[Path]:
    """A folder no file can be created in: a read-only folder, or /proc when run as root.

    Root writes into a read-only folder anyway, so as root the fixture uses /proc (on
    Linux, a directory ``os.access`` calls writable where creating a file still fails).
    """
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        proc = Path("/proc")
        if not proc.is_dir():
            pytest.skip("running as root without /proc: no folder root cannot write in")
        yield proc
        return
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    yield folder
    folder.chmod(0o755)
