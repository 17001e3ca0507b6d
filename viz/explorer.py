"""viz.explore: any graph's drawing, live in Jupyter (an anywidget widget).

Hover a node or an edge for its numbers and formula, click a node for its derivation
(``viz.explain``), step through backward by node or by edge (the frames of
``viz.backward_steps``), zoom and pan; each labelled leaf has a number box: a change
reruns forward and backward in the kernel (on a copy: the user's graph is never
written) and replaces the numbers in the drawing, which is not laid out again. A folded
neuron unfolds on click. ``Explorer.save`` writes one page that works without a kernel;
where no widget front end runs (nbconvert, GitHub) the drawing shows as a picture.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import traitlets as t

from autograd import ENGINE_ERRORS, Value
from nn.files import write_atomic

from .appearance import gate_patterns, root_name
from .live import LiveGraph
from .picture import Options
from .render import Graph, _fitted, inline_svg
from .widget_page import HERE, anywidget_module, offline_page
from .words import words

anywidget = anywidget_module()


class Explorer(anywidget.AnyWidget):
    """The live drawing of one graph; make it with ``viz.explore(root)``."""

    _esm = HERE / "explore.js"
    svg = t.Unicode("").tag(sync=True)
    state = t.Dict().tag(sync=True)
    words = t.Dict().tag(sync=True)
    errors = t.Dict().tag(sync=True)  # leaf key -> the engine's message
    seq = t.Int(0).tag(sync=True)  # the leaf change the state answers
    kernel_ms = t.Float(0.0).tag(sync=True)  # the kernel's time for the last change

    def __init__(self, root: Value, *, lang: str = "en") -> None:
        opts = Options(lang=lang)  # an unknown language is refused here
        self._live = LiveGraph(root, opts)
        self._lang = lang
        super().__init__()
        self.words = dict(words(lang))
        self._draw()
        self.on_msg(self._on_message)

    @property
    def root(self) -> Value:
        """The explorer's own copy of the root, with the leaf values it shows now."""
        return self._live.root

    def set(self, name: str, value: object) -> None:
        """Set the leaf drawn as ``name`` (``"x"``), as typing into its box does; a bad
        value raises the engine's error and keeps the last good state."""
        for leaf in self._live.leaves():
            if self._live._name(leaf) == name:
                failed = self._change(f"v{self._live.index[leaf]}", value, self.seq + 1)
                if failed is not None:
                    raise failed
                return
        names = ", ".join(self._live._name(v) for v in self._live.leaves())
        raise KeyError(f"no leaf named {name!r}; the leaves with a box: {names}")

    # ------------------------------------------------------------ kernel side

    def _draw(self) -> None:
        """Lay out the drawing (once, and again when a neuron unfolds) and its words."""
        svg = inline_svg(Graph(self._live.dot()).svg())
        with self.hold_sync():
            self.svg = svg
            self.state = self._state()

    def _state(self) -> dict:
        live = self._live
        said = words(self._lang)
        state = live.state()
        root = root_name(live.root, live.opts)
        legend = [said["legend_grad"].format(root=root), said["legend_edge"]]
        legend += gate_patterns(live.drawn().order, said)
        state["legend"] = legend
        return state

    def _change(self, key: str, text: object, seq: object) -> Exception | None:
        started = time.perf_counter()
        seq = int(seq) if isinstance(seq, int) else self.seq + 1
        try:
            self._live.set_leaf(key, text)
        except (*ENGINE_ERRORS, TypeError, FloatingPointError, KeyError) as e:
            with self.hold_sync():
                self.errors = {**self.errors, key: f"{type(e).__name__}: {e}"}
                self.seq = seq
            return e
        state = self._state()
        with self.hold_sync():
            self.errors = {k: v for k, v in self.errors.items() if k != key}
            self.state = state
            self.kernel_ms = (time.perf_counter() - started) * 1000
            self.seq = seq
        return None

    def _on_message(self, _widget, content, _buffers) -> None:
        if not isinstance(content, dict):
            return
        if content.get("type") == "set":
            self._change(str(content.get("key")), content.get("text"), content.get("seq"))
        elif content.get("type") == "unfold" and self._live.unfold(str(content.get("key"))):
            self._draw()

    # ------------------------------------------------------------ without a kernel

    def _data(self) -> dict:
        return {
            "svg": self.svg,
            "state": self.state,
            "words": self.words,
            "errors": {},
            "seq": 0,
        }

    def html(self) -> str:
        """The explorer as one self-contained page (no kernel, no network)."""
        title = words(self._lang)["explore_title"].format(root=self.state["root"]["name"])
        return offline_page(HERE / "explore.js", self._data(), title, self._lang)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write ``explore.html``: hover, click and steps work in any browser; the leaf
        boxes say that they need a kernel. Returns the path."""
        path = Path(path)
        write_atomic(path, self.html().encode("utf-8"))
        return path

    def static_html(self) -> str:
        """The picture shown where no widget front end runs: the drawing, fitted."""
        note = words(self._lang)["explore_static"]
        return (
            '<div class="chainrule-graph" style="max-width:100%;overflow-x:auto">'
            f"{_fitted(self.svg)}</div>"
            f'<div style="font-size:12px;color:#6b7280">{note}</div>'
        )

    def _repr_mimebundle_(self, **kwargs):
        data, meta = super()._repr_mimebundle_(**kwargs)
        data["text/html"] = self.static_html()
        data["image/svg+xml"] = self.svg
        return data, meta

    def __repr__(self) -> str:
        return f"<viz.Explorer of {self.state['root']['name']}; .save('explore.html')>"
