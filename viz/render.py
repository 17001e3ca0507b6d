"""Turning DOT text into pictures: finding a renderer, and the Graph that shows itself.

A renderer is a Graphviz ``dot`` command: the system one when it is on PATH, else the
``graphviz-pure`` binary that the ``render`` extra installs (a static Rust port of dot;
it installs as ``graphviz-pure``, not ``dot``), looked up on PATH and next to the running
interpreter. We run it ourselves (DOT on stdin, picture on stdout), so no Python
binding to Graphviz is needed. Without any renderer, DOT text still works, pictures
raise GraphvizNotFound, and notebook display falls back to text.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from autograd import Value
from nn.files import write_atomic

from .dot import to_dot

FIXES = (
    "no Graphviz renderer found. Fix either way: `pip install graphviz-pure` "
    "(or `pip install chainrule[render]`), or install the OS package `graphviz` "
    "(apt install graphviz / brew install graphviz) so that `dot` is on PATH."
)
RENDER_TIMEOUT = 120  # seconds; a layout that takes longer is reported, never waited on


class GraphvizNotFound(RuntimeError):
    """No ``dot`` and no ``graphviz-pure`` binary: pictures cannot be made here."""


def find_renderer() -> str | None:
    """Path of the dot command to use: system ``dot``, else ``graphviz-pure``, else None."""
    found = shutil.which("dot") or shutil.which("graphviz-pure")
    if found:
        return found
    exe = "graphviz-pure.exe" if os.name == "nt" else "graphviz-pure"
    for folder in (sysconfig.get_path("scripts"), os.path.dirname(sys.executable)):
        candidate = os.path.join(folder or "", exe)
        if folder and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def render(source: str, fmt: str = "svg", dpi: int | None = None) -> bytes:
    """Lay out DOT text and return the picture's bytes (``fmt``: svg, png, ...)."""
    binary = find_renderer()
    if binary is None:
        raise GraphvizNotFound(FIXES)
    cmd = [binary, f"-T{fmt}"] + ([f"-Gdpi={dpi}"] if dpi else [])
    try:
        done = subprocess.run(
            cmd, input=source.encode("utf-8"), capture_output=True, timeout=RENDER_TIMEOUT
        )
    except subprocess.TimeoutExpired as e:
        raise RuntimeError(f"{binary} took over {RENDER_TIMEOUT}s to lay out the graph") from e
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace").strip()
        raise RuntimeError(f"{binary} -T{fmt} failed (exit {done.returncode}): {err}")
    return done.stdout


class Graph:
    """A drawing: DOT text that renders to SVG/PNG and shows itself in Jupyter."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._svg: str | None = None

    def svg(self) -> str:
        """The picture as SVG text (raises GraphvizNotFound without a renderer)."""
        if self._svg is None:
            self._svg = render(self.source, "svg").decode("utf-8")
        return self._svg

    def png(self, dpi: int = 144) -> bytes:
        """The picture as PNG bytes, at ``dpi`` (144: sharp on a projector)."""
        return render(self.source, "png", dpi=dpi)

    def encoded(self, path: str | os.PathLike[str]) -> bytes:
        """The bytes of the file ``path`` names: .svg, .png or .dot by its suffix."""
        suffix = Path(path).suffix.lower()
        if suffix == ".dot":
            return self.source.encode("utf-8")
        if suffix == ".svg":
            return self.svg().encode("utf-8")
        if suffix == ".png":
            return self.png()
        raise ValueError(f"cannot save a graph as {Path(path).name!r}: use .svg, .png or .dot")

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write .svg, .png or .dot, chosen by the suffix; returns the path written."""
        path = Path(path)
        write_atomic(path, self.encoded(path))
        return path

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        """Jupyter display: SVG when a renderer exists, else the DOT text; never raises."""
        try:
            return {"image/svg+xml": self.svg(), "text/plain": repr(self)}
        except Exception as e:  # noqa: BLE001 - display must not fail
            return {"text/plain": f"{repr(self)}\n({e})\n{self.source}"}

    def _repr_svg_(self) -> str | None:
        try:
            return self.svg()
        except Exception:  # noqa: BLE001 - display must not fail
            return None

    def __repr__(self) -> str:
        nodes = sum(1 for line in self.source.splitlines() if " [shape=" in line)
        return f"<viz.Graph: {nodes} nodes; .source, .svg(), .save(path)>"


def draw_graph(root: Value, **opts) -> Graph:
    """The graph ending in ``root`` as a Graph; ``opts`` are those of ``viz.to_dot``."""
    return Graph(to_dot(root, **opts))
