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
import re
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


class RenderFailed(RuntimeError):
    """The renderer ran but made no picture: it failed (its exit status and first line of
    error), took over ``RENDER_TIMEOUT`` seconds, could not be started, or wrote
    something that is not the format asked for. A fault of the renderer, never of the
    graph: the command line reports it in one line, exit status 1."""


_SIGNATURES = {"png": b"\x89PNG\r\n\x1a\n"}


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
    except subprocess.TimeoutExpired:
        raise RenderFailed(
            f"the renderer {binary} took over {RENDER_TIMEOUT}s to lay out the graph"
        ) from None
    except OSError as e:  # not executable, not a program for this machine, ...
        raise RenderFailed(f"the renderer {binary} could not be run: {e.strerror or e}") from None
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace").strip().splitlines()
        said = f": {err[0][:200]}" if err else ""
        raise RenderFailed(f"the renderer {binary} -T{fmt} failed (exit {done.returncode}){said}")
    _check_picture(done.stdout, fmt, binary)
    return done.stdout


def _check_picture(data: bytes, fmt: str, binary: str) -> None:
    """Refuse what is plainly not a picture in ``fmt`` (SVG: UTF-8 text holding <svg;
    PNG: the PNG signature), as the renderer's fault (RenderFailed)."""
    if fmt == "svg":
        try:
            ok = "<svg" in data.decode("utf-8")
        except UnicodeDecodeError:
            ok = False
    else:
        signature = _SIGNATURES.get(fmt)
        ok = bool(data) and (signature is None or data.startswith(signature))
    if not ok:
        raise RenderFailed(
            f"the renderer {binary} -T{fmt} wrote {len(data)} bytes that are not "
            f"{fmt.upper()}; reinstall it, or write the DOT text (.dot) instead"
        )


SCREEN_DPI = 96  # a browser's CSS pixels per inch: scale 1 = the SVG's size on screen


def inline_svg(svg: str) -> str:
    """SVG text fit for inlining in HTML: no XML prolog, DOCTYPE or comments."""
    svg = re.sub(r"<\?xml.*?\?>", "", svg, flags=re.S)
    svg = re.sub(r"<!DOCTYPE.*?>", "", svg, flags=re.S)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    return svg.strip()


def _fitted(svg: str) -> str:
    """The root <svg> styled to shrink to its container's width, keeping its shape."""
    return re.sub(r"<svg\b", '<svg style="max-width:100%;height:auto"', svg, count=1)


def _scaled(svg: str, scale: float) -> str:
    """The SVG with its width and height (``1676pt``) multiplied by ``scale``."""

    def times(m: re.Match[str]) -> str:
        return f'{m[1]}="{float(m[2]) * scale:g}{m[3]}"'

    head, sep, rest = svg.partition("<svg")
    tag, end, body = rest.partition(">")
    tag = re.sub(r'\b(width|height)="([0-9.]+)([a-z]*)"', times, tag)
    return head + sep + tag + end + body


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

    def encoded(self, path: str | os.PathLike[str], scale: float | None = None) -> bytes:
        """The bytes of the file ``path`` names: .svg, .png or .dot by its suffix, the
        picture ``scale`` times its screen size (see ``save``)."""
        suffix = Path(path).suffix.lower()
        if suffix not in (".dot", ".svg", ".png"):
            raise ValueError(f"cannot save a graph as {Path(path).name!r}: use .svg, .png or .dot")
        if scale is not None:
            if (
                isinstance(scale, bool)
                or not isinstance(scale, (int, float))
                or not (0 < scale <= 10)
            ):
                raise ValueError(f"scale must be a number in (0, 10], got {scale!r}")
            if suffix == ".dot":
                raise ValueError("scale is for pictures (.png, .svg); DOT text has no size")
        if suffix == ".dot":
            return self.source.encode("utf-8")
        if suffix == ".svg":
            return (self.svg() if scale is None else _scaled(self.svg(), scale)).encode("utf-8")
        return self.png() if scale is None else self.png(dpi=round(SCREEN_DPI * scale))

    def save(self, path: str | os.PathLike[str], *, scale: float | None = None) -> Path:
        """Write .svg, .png or .dot, chosen by the suffix; returns the path written.

        ``scale`` sizes the picture against the screen (1: as a browser shows the SVG;
        2: twice that, fonts large enough for a projector slide). By default a PNG is
        1.5 times the screen size (144 dpi) and an SVG its natural size."""
        path = Path(path)
        write_atomic(path, self.encoded(path, scale))
        return path

    def html(self) -> str:
        """The SVG for a page: scaled down to the width it is shown in, never wider,
        and never up (a small graph keeps its natural size)."""
        return (
            '<div class="chainrule-graph" style="max-width:100%;overflow-x:auto">'
            + _fitted(inline_svg(self.svg()))
            + "</div>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        """Jupyter display: the SVG, fitted to the cell's width (HTML) and as it is, when
        a renderer exists; else the DOT text. Never raises."""
        try:
            return {"text/html": self.html(), "image/svg+xml": self.svg(), "text/plain": repr(self)}
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
