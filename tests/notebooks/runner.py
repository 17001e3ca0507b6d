"""Running the notebooks in a real kernel, reading their facts, storing their outputs.

The suite executes every notebook top to bottom with nbclient in a ``python3`` kernel
that runs this interpreter (a kernelspec pointing at ``sys.executable`` is installed into
a temporary directory, so no other ``python3`` kernel on the machine is picked up), with
a temporary working directory (the files a notebook saves land there).

Facts are read from the kernel after the last cell, never printed by the notebook: a
test names the expressions it wants (``{"dx": "x.grad"}``); one extra cell, appended to
the test's copy only, sends them back as JSON and is removed again. Students see only
the lesson.

The notebooks are committed executed, so that a teacher browsing the repository sees
every picture. ``python tests/notebooks/runner.py`` (``make notebooks``) runs them all
and stores the outputs in place; the tests run them again and require the same outputs
(``differences``), up to the cells tagged ``timing`` or ``rounding`` (their numbers vary).

A widget (``viz.explore``, ``viz.playground``) is stored as its static picture only: its
``application/vnd.jupyter.widget-view+json`` data (a random model id, useless without
the kernel that held the model) is dropped, and no widget state is written into the
notebook's metadata, so nbconvert, GitHub and a freshly opened JupyterLab show the
picture instead of an empty box or "model not found". Comparing ignores that data too.
"""

from __future__ import annotations

import argparse
import base64
import html
import io
import json
import os
import re
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

import nbformat
from ipykernel.kernelspec import install as install_kernelspec
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
SOLUTIONS = NOTEBOOKS / "solutions"
TIMEOUT = 300  # seconds per cell: only catches a hang (each notebook takes well under 60 s)
FACTS_MARK = "__chainrule_facts__"
# Cells whose printed numbers vary from run to run, compared by the kind of their
# outputs only: "timing" (measurements) and "rounding" (differences at the level of
# float rounding, such as |Δ| ~ 1e-17 between two libraries' sums).
VARYING_TAGS = {"timing", "rounding"}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"  # a live widget's model id


def install_kernel(prefix: str | os.PathLike[str]) -> list[str]:
    """A ``python3`` kernelspec that runs this interpreter, under ``prefix``; the
    kernel directories to hand to a KernelSpecManager."""
    install_kernelspec(prefix=str(prefix), kernel_name="python3")
    return [str(Path(prefix) / "share" / "jupyter" / "kernels")]


def execute(nb, kernel_dirs: list[str], workdir: Path):
    """Execute ``nb`` in place in a fresh ``python3`` kernel, cwd ``workdir``; return it."""
    km = KernelManager(
        kernel_name="python3",
        kernel_spec_manager=KernelSpecManager(kernel_dirs=kernel_dirs),
        **_transport(workdir),
    )
    client = NotebookClient(
        nb,
        km=km,
        kernel_name="python3",
        timeout=TIMEOUT,
        record_timing=False,
        store_widget_state=False,  # no widget models in the metadata: the static picture shows
        resources={"metadata": {"path": str(workdir)}},
    )
    try:
        client.execute(env=_kernel_env(), cleanup_kc=True)  # a given km is not shut down
    finally:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    return nb


def run_with_facts(
    path: Path, facts: Mapping[str, str], kernel_dirs: list[str], workdir: Path
) -> tuple[object, dict]:
    """Execute the notebook at ``path`` and read ``facts`` (name -> an expression in
    the notebook's variables) from its kernel; the notebook returned has no trace of
    the reading cell."""
    nb = nbformat.read(path, as_version=4)
    lines = ["import json as _json", "_facts = {}"]
    lines += [f"_facts[{name!r}] = {expression}" for name, expression in facts.items()]
    lines.append(f"print({FACTS_MARK!r}, _json.dumps(_facts, default=float))")
    nb.cells.append(nbformat.v4.new_code_cell("\n".join(lines)))
    execute(nb, kernel_dirs, workdir)
    reader = nb.cells.pop()
    text = "".join(out.get("text", "") for out in reader.outputs)
    return nb, json.loads(text.split(FACTS_MARK, 1)[1])


def _transport(workdir: Path) -> dict[str, str]:
    """Unix sockets in ``workdir`` where they fit (no TCP port races between kernels
    started in parallel), else TCP on localhost."""
    prefix = str(workdir.resolve() / "kernel-ipc")
    if os.name == "posix" and len(prefix) < 90:  # socket paths are limited to ~104 bytes
        return {"transport": "ipc", "ip": prefix}
    return {}


def _kernel_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # the notebooks choose `%matplotlib inline` themselves
    env["TQDM_DISABLE"] = "1"
    env["PYTHONHASHSEED"] = "0"  # set iteration order, for outputs that are the same each run
    return env


# ---------------------------------------------------------------- comparing outputs


def outputs_of_type(nb, mime: str) -> int:
    """How many displayed outputs carry ``mime`` (e.g. image/svg+xml, image/png)."""
    return sum(
        1 for cell in nb.cells for out in cell.get("outputs", []) if mime in out.get("data", {})
    )


def seen(out: Mapping) -> list[tuple[str, object]]:
    """What a reader sees in one output, as comparable pieces: text as it is; an SVG or
    HTML by its words (the layout may differ between Graphviz builds); a PNG by its
    size and coarse pixels."""
    if out.get("output_type") == "stream":
        return [(out["name"], out["text"])]
    if out.get("output_type") == "error":
        return [("error", out.get("ename"))]
    pieces = []
    for mime, data in sorted(out.get("data", {}).items()):
        if mime == WIDGET_VIEW:
            continue  # a random model id: the same widget has another each run
        text = "".join(data) if isinstance(data, list) else data
        if mime == "image/png":
            pieces.append((mime, _coarse_pixels(text)))
        elif mime in ("image/svg+xml", "text/html"):
            pieces.append((mime, _words(text)))
        elif mime == "text/plain":
            pieces.append((mime, re.sub(r" at 0x[0-9a-f]+", "", text)))
        else:
            pieces.append((mime, text))
    return pieces


def _words(markup: str) -> str:
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def _coarse_pixels(encoded: str) -> tuple:
    """A PNG's size and a 16×16 grid of mean grey levels: ``_alike`` compares them
    with a tolerance, so anti-aliasing that differs in a few pixels is the same picture."""
    from matplotlib import image

    pixels = image.imread(io.BytesIO(base64.b64decode(encoded)), format="png")
    grey = pixels[..., :3].mean(axis=-1) if pixels.ndim == 3 else pixels
    h, w = grey.shape
    cells = [
        float(grey[i * h // 16 : (i + 1) * h // 16, j * w // 16 : (j + 1) * w // 16].mean())
        for i in range(16)
        for j in range(16)
    ]
    return (h, w, tuple(cells))


def _alike(a: list[tuple[str, object]], b: list[tuple[str, object]]) -> bool:
    """Two outputs' pieces are the same to a reader: equal, a PNG's grey levels within
    0.03 of each other."""
    if [kind for kind, _ in a] != [kind for kind, _ in b]:
        return False
    for (kind, x), (_, y) in zip(a, b):
        if kind == "image/png":
            if x[:2] != y[:2] or max(abs(p - q) for p, q in zip(x[2], y[2])) > 0.03:
                return False
        elif x != y:
            return False
    return True


def _merged(outputs: list) -> list:
    """Outputs with consecutive chunks of one stream joined: the kernel may send a
    cell's printed text in one piece or in several, depending on timing."""
    merged: list = []
    for out in outputs:
        last = merged[-1] if merged else None
        if (
            out.get("output_type") == "stream"
            and last is not None
            and last.get("output_type") == "stream"
            and last.get("name") == out.get("name")
        ):
            merged[-1] = {**last, "text": last["text"] + out["text"]}
        else:
            merged.append(out)
    return merged


def differences(stored, fresh) -> list[str]:
    """Where a fresh run's outputs differ from the stored ones (empty: the same)."""
    found = []
    stored_code = [c for c in stored.cells if c.cell_type == "code"]
    fresh_code = [c for c in fresh.cells if c.cell_type == "code"]
    if len(stored_code) != len(fresh_code):
        return [f"{len(stored_code)} code cells stored, {len(fresh_code)} run"]
    for k, (a, b) in enumerate(zip(stored_code, fresh_code)):
        if VARYING_TAGS & set(a.metadata.get("tags", [])):
            kinds_a = [[m for m, _ in seen(o)] for o in _merged(a.outputs)]
            kinds_b = [[m for m, _ in seen(o)] for o in _merged(b.outputs)]
            if kinds_a != kinds_b:
                found.append(f"code cell {k} (varying): outputs {kinds_a} stored, {kinds_b} run")
            continue
        seen_a = [seen(o) for o in _merged(a.outputs)]
        seen_b = [seen(o) for o in _merged(b.outputs)]
        if len(seen_a) != len(seen_b) or not all(map(_alike, seen_a, seen_b)):
            first = a.source.splitlines()[0] if a.source else ""
            found.append(f"code cell {k} ({first[:60]!r}): stored outputs differ from a fresh run")
    return found


# ---------------------------------------------------------------- storing outputs


def without_widget_views(nb):
    """``nb`` with every output's widget-view data dropped (its static picture, text/html
    and image/svg+xml, stays) and no widget state in its metadata; changed in place."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            out.get("data", {}).pop(WIDGET_VIEW, None)
    nb.metadata.pop("widgets", None)
    return nb


def store(path: Path, kernel_dirs: list[str]) -> None:
    """Run the notebook at ``path`` and write it back with its outputs (atomically)."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cell.metadata.pop("execution", None)
    with tempfile.TemporaryDirectory() as workdir:
        execute(nb, kernel_dirs, Path(workdir))
    text = nbformat.writes(without_widget_views(nb))
    text += "" if text.endswith("\n") else "\n"
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def all_notebooks() -> list[Path]:
    """Every lesson and every solution notebook, in order."""
    return sorted(NOTEBOOKS.glob("*.ipynb")) + sorted(SOLUTIONS.glob("*.ipynb"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the notebooks and store their outputs.")
    parser.add_argument("names", nargs="*", help="notebook file names (default: all)")
    args = parser.parse_args(argv)
    paths = all_notebooks()
    if args.names:
        paths = [p for p in paths if p.name in args.names or p.stem in args.names]
        if not paths:
            parser.error(f"no notebook named {args.names}")
    with tempfile.TemporaryDirectory() as prefix:
        kernel_dirs = install_kernel(prefix)
        for path in paths:
            print(f"running {path.relative_to(NOTEBOOKS.parent)}", flush=True)
            store(path, kernel_dirs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
