"""Backpropagation one chain-rule step at a time: frames, and a Player to step through them.

``backward_steps`` draws ``autograd.chain_rule_steps`` — the engine's own chain rule,
one interior node at a time, in backward's order, each sending ``upstream × local`` to
its inputs — so the graph's own ``.grad`` is never touched. Frame 0 shows only the
root's seed gradient 1; frame k shows what is known after k steps and highlights the
node doing step k and its edges.
Gradients not yet reached show ``?``. The frames replay one pass from zero (as after
``zero_grad()``): the last frame equals ``draw_graph`` after ``backward()`` on a fresh graph.

``animate`` renders the frames to SVG and wraps them in one self-contained HTML page
(``Player``): prev/next buttons, a slider, arrow keys, ``#k`` in the URL opens frame k.
No server, no CDN, no network.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields
from pathlib import Path

import autograd as ag
from autograd import Value
from nn.files import write_atomic

from .appearance import fmt, glyph, root_name, shown_name
from .dot import drawn_nodes, write_dot
from .notation import partial
from .picture import Edge, Frame, GraphTooLarge, Options, check_max_nodes
from .render import Graph, inline_svg
from .words import words

MAX_FRAMES_NODES = 300
# frames x values drawn: each value in each frame is about 4 KB of SVG, so the player's
# page stays under about 80 MB and its rendering under a minute (a 300-value graph
# stepped through 299 frames was 356 MB, 64 s and 3.6 GB before this budget)
MAX_FRAME_NODES = 20_000


def backward_steps(root: Value, *, by: str = "node", **opts) -> list[Graph]:
    """One Graph per chain-rule step of ``root.backward()``, with frame 0 the seed.

    ``by="node"``: one frame per interior node, in backward's order; ``by="edge"``: one
    frame per edge (the lecture's reveals: ∂f/∂q, ∂f/∂z, ∂f/∂x, ∂f/∂y for
    f = (x + y)·z), each captioned as the lecture writes the step:
    ``∂f/∂y = ∂f/∂q · ∂q/∂y = upstream -4 × local 1 = -4``.
    ``opts`` are ``viz.to_dot``'s (local, contrib, rankdir, abbreviate, legend, lang).
    Graphs over ``max_nodes`` (default 300) values raise ValueError: steps draw every
    node. So does a player over ``max_frame_nodes`` (default 20,000) frames times
    values, checked before any frame is made (``by="edge"`` makes more frames than
    ``by="node"``); None lifts either budget.
    """
    if by not in ("node", "edge"):
        raise ValueError(f"by must be 'node' or 'edge', got {by!r}")
    budget = check_max_nodes(opts.pop("max_nodes", MAX_FRAMES_NODES))
    frame_budget = check_max_nodes(opts.pop("max_frame_nodes", MAX_FRAME_NODES), "max_frame_nodes")
    unknown = sorted(set(opts) - {f.name for f in fields(Options)})
    if unknown:
        raise TypeError(f"backward_steps() got unexpected keyword argument(s) {unknown}")
    options = Options(**opts, max_nodes=None)
    drawn = drawn_nodes(root, options)
    values = len(drawn.order)
    if budget is not None and values > budget:
        raise GraphTooLarge(
            f"backward_steps draws every node, and this graph has {values} values "
            f"(over max_nodes={budget}): step through a smaller graph, or pass max_nodes=None",
            "max_nodes",
            values,
            f"the player draws every node, and this graph has {values} values (over {budget})",
        )
    # the seed, then one frame per interior node (by node) or per edge (by edge)
    interior = [v for v in drawn.order if v.parents]
    frames_made = 1 + (sum(len(v.parents) for v in interior) if by == "edge" else len(interior))
    drawings = frames_made * values
    if frame_budget is not None and drawings > frame_budget:
        summary = (
            f"the player would draw {frames_made} frames of {values} values ({drawings:,} "
            f"values drawn, about {drawings * 4 // 1000:,} MB of SVG; at most {frame_budget:,})"
        )
        fewer = ", or by='node' (fewer frames)" if by == "edge" else ""
        raise GraphTooLarge(
            f"{summary}: step through a smaller graph{fewer}, or pass "
            f"max_frame_nodes={drawings} (or None)",
            "max_frame_nodes",
            drawings,
            summary,
        )
    frames = step_frames(root, drawn, options, by)
    return [Graph(write_dot(root, drawn, options, frame)) for frame in frames]


def step_frames(root: Value, drawn, options: Options, by: str = "node") -> list[Frame]:
    """The Frames of ``backward_steps``: the seed, then one per node (or per edge) in
    backward's order, each with the gradients known after that step and its caption.
    ``viz.explore`` steps through the same frames on its live drawing."""
    steps = list(ag.chain_rule_steps(root))
    grads: dict[Value, float] = {n: 0.0 for n in drawn.order}
    grads[root] = 1.0
    known: set[Value] = {root}
    flows: dict[Edge, tuple[float, float]] = {}
    said = words(options.lang)
    edges = sum(len(step.edges) for step in steps)
    count = edges if by == "edge" else len(steps)
    seed_title = said["seed_title"].format(n=count, root=root_name(root, options))
    frames = [Frame(dict(grads), set(known), {}, None, seed_title)]
    k = 0
    for step in steps:
        if by == "node":
            k += 1
            title = _step_title(k, len(steps), step.node, options)
        for slot, (parent, _, contribution) in enumerate(step.edges):
            first = parent not in known
            grads[parent] += contribution
            known.add(parent)
            flows[step.node, slot] = (step.upstream, contribution)
            if by == "edge":
                k += 1
                title = _edge_title(k, edges, root, step, slot, first, options)
                frames.append(
                    Frame(dict(grads), set(known), dict(flows), step.node, title, (step.node, slot))
                )
        if by == "node":
            frames.append(Frame(dict(grads), set(known), dict(flows), step.node, title))
    return frames


def _edge_title(k: int, n: int, root: Value, step, slot: int, first: bool, opts: Options) -> str:
    """The lecture's line for one edge: ∂f/∂y = ∂f/∂q · ∂q/∂y = upstream -4 × local 1 = -4
    (``+=`` where the input already had a part from another edge)."""
    said = words(opts.lang)
    node = step.node
    parent, local, contribution = step.edges[slot]
    f, n_, p = shown_name(root, opts) or "out", shown_name(node, opts), shown_name(parent, opts)
    product = (
        f"{said['upstream']} {fmt(step.upstream)} × {said['local']} {fmt(local)} "
        f"= {fmt(contribution)}"
    )
    if not (n_ and p) or node.parents.count(parent) > 1:  # ∂ would be false: numbers only
        text = product
    elif node is root:
        text = f"{partial(f, p)} {'=' if first else '+='} {product}"
    else:
        chain = f"{partial(f, n_)} · {partial(n_, p)}"
        text = f"{partial(f, p)} {'=' if first else '+='} {chain} = {product}"
    return said["edge_title"].format(k=k, n=n, text=text)


def _step_title(k: int, n: int, node: Value, opts: Options) -> str:
    said = words(opts.lang)
    symbol = glyph(node.spec)
    label = shown_name(node, opts)
    name = f"{label} ({symbol})" if label else said["op_node"].format(symbol=symbol)
    return said["step_title"].format(k=k, n=n, name=name)


def animate(root: Value, **opts) -> Player:
    """The backward steps of ``root`` as a self-contained HTML Player (needs a renderer)."""
    frames = backward_steps(root, **opts)
    workers = min(8, os.cpu_count() or 1, len(frames))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        svgs = list(pool.map(lambda g: g.svg(), frames))
    skip = ("by", "max_nodes", "max_frame_nodes")
    options = Options(**{k: v for k, v in opts.items() if k not in skip})
    lang = options.lang
    title = words(lang)["player_title"].format(root=root_name(root, options))
    return Player(svgs, title=title, lang=lang, graphs=frames)


class Player:
    """Frames of SVG in one HTML page that steps through them; shows itself in Jupyter."""

    def __init__(
        self,
        svgs: list[str],
        title: str = "backward, step by step",
        lang: str = "en",
        graphs: list[Graph] | None = None,
    ) -> None:
        self.frames = [inline_svg(s) for s in svgs]
        self.title = title
        self.lang = lang
        words(lang)  # an unknown language is refused here
        if graphs is not None and len(graphs) != len(svgs):
            raise ValueError(f"{len(svgs)} frames but {len(graphs)} graphs")
        self.graphs = graphs  # the frames' drawings, for save_frames

    def save_frames(self, folder: str | os.PathLike[str], *, scale: float = 2) -> list[Path]:
        """Each frame as a PNG, ``step-00.png``, ``step-01.png``, ... in ``folder``
        (created if missing), ``scale`` times the screen size (2: fonts for a projector
        slide). Needs the frames' drawings, which ``viz.animate`` keeps."""
        if self.graphs is None:
            raise ValueError(
                "this Player holds SVG text only; make it with viz.animate(root) to save "
                "its frames as PNG"
            )
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        width = max(2, len(str(len(self.graphs) - 1)))
        return [
            graph.save(folder / f"step-{k:0{width}d}.png", scale=scale)
            for k, graph in enumerate(self.graphs)
        ]

    def __len__(self) -> int:
        return len(self.frames)

    def html(self, standalone: bool = True) -> str:
        """The player as HTML: a whole page, or (standalone=False) a fragment for Jupyter."""
        key = hashlib.sha1("".join(self.frames).encode("utf-8")).hexdigest()[:10]
        pid = f"chainrule-player-{key}"
        said = {k: html.escape(v) for k, v in words(self.lang).items()}
        body = _BODY.format(
            pid=pid,
            last=len(self.frames) - 1,
            prev=said["player_prev"],
            next=said["player_next"],
            step=said["player_step"],
            hint=said["player_hint"],
            zoom_in=said["player_zoom_in"],
            zoom_out=said["player_zoom_out"],
            fit=said["player_fit"],
            frames="\n".join(
                f'<div class="frame" data-k="{k}"{"" if k == 0 else " hidden"}>{svg}</div>'
                for k, svg in enumerate(self.frames)
            ),
        )
        script = (
            _SCRIPT.replace("__PID__", pid)
            .replace("__HASH__", "true" if standalone else "false")
            .replace("__STEP__", json.dumps(words(self.lang)["player_step"], ensure_ascii=False))
        )
        style = _STYLE.replace("__PID__", pid)
        inner = f"<style>{style}</style>\n{body}\n<script>{script}</script>"
        if not standalone:
            return inner
        return (
            f'<!DOCTYPE html>\n<html lang="{self.lang}"><head><meta charset="utf-8">'
            f"<title>{html.escape(self.title)}</title></head>\n<body>\n{inner}\n</body></html>\n"
        )

    def _repr_html_(self) -> str:
        return self.html(standalone=False)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page (``steps.html``) atomically; returns the path."""
        path = Path(path)
        write_atomic(path, self.html().encode("utf-8"))
        return path

    def __repr__(self) -> str:
        return f"<viz.Player: {len(self.frames)} frames; .save('steps.html')>"


_STYLE = """
#__PID__ { font-family: Helvetica, Arial, sans-serif; color: #111827; }
#__PID__ .bar { display: flex; align-items: center; gap: 10px; margin: 6px 0 10px; }
#__PID__ button { font-size: 18px; padding: 4px 14px; border: 1px solid #9ca3af;
  border-radius: 6px; background: #f9fafb; cursor: pointer; }
#__PID__ button:disabled { opacity: 0.4; cursor: default; }
#__PID__ input[type=range] { flex: 1; max-width: 480px; }
#__PID__ .count { font-size: 15px; min-width: 7em; }
#__PID__ .hint { font-size: 12px; color: #6b7280; }
#__PID__ .view { overflow: auto; max-height: 85vh; cursor: grab; }
#__PID__ .view.dragging { cursor: grabbing; user-select: none; }
#__PID__ .frame svg { max-width: 100%; height: auto; }
#__PID__ .zoom { font-size: 13px; min-width: 3.5em; color: #374151; }
"""

_BODY = """<div id="{pid}" class="chainrule-player" tabindex="0">
<div class="bar">
<button class="prev" title="{prev}">&#9664;</button>
<button class="next" title="{next}">&#9654;</button>
<input class="slider" type="range" min="0" max="{last}" value="0" step="1">
<span class="count">{step} 0 / {last}</span>
<button class="out" title="{zoom_out}">&#8722;</button>
<button class="fit" title="{fit}">&#8596;</button>
<button class="in" title="{zoom_in}">+</button>
<span class="zoom">100%</span>
<span class="hint">{hint}</span>
</div>
<div class="view">
{frames}
</div>
</div>"""

_SCRIPT = """
(function () {
  var root = document.getElementById("__PID__");
  var frames = root.querySelectorAll(".frame");
  var last = frames.length - 1, useHash = __HASH__, k = 0;
  var slider = root.querySelector(".slider"), count = root.querySelector(".count");
  var prev = root.querySelector(".prev"), next = root.querySelector(".next");
  var view = root.querySelector(".view"), zoomText = root.querySelector(".zoom");
  var zoom = 1;  // times the fitted size: 1 = as wide as the page allows, never enlarged
  function natural(svg) {  // the picture's own width in CSS px (Graphviz writes pt)
    var w = svg.getAttribute("width") || "", n = parseFloat(w);
    return /pt$/.test(w) ? n * 4 / 3 : n;
  }
  function layout() {
    var svg = frames[k] && frames[k].querySelector("svg");
    if (!svg) { return; }
    var own = natural(svg), room = view.clientWidth - 4;
    var fit = own > 0 && room > 0 ? Math.min(1, room / own) : 1;
    if (own > 0) { svg.style.maxWidth = "none"; svg.style.width = (own * fit * zoom) + "px"; }
    zoomText.textContent = Math.round(fit * zoom * 100) + "%";
  }
  function setZoom(z) { zoom = Math.max(0.25, Math.min(8, z)); layout(); }
  function show(j) {
    k = Math.max(0, Math.min(last, j));
    for (var i = 0; i <= last; i++) { frames[i].hidden = (i !== k); }
    slider.value = k; count.textContent = __STEP__ + " " + k + " / " + last;
    prev.disabled = (k === 0); next.disabled = (k === last);
    layout();
    if (useHash && location.hash !== "#" + k) { history.replaceState(null, "", "#" + k); }
  }
  root.querySelector(".in").onclick = function () { setZoom(zoom * 1.25); };
  root.querySelector(".out").onclick = function () { setZoom(zoom / 1.25); };
  root.querySelector(".fit").onclick = function () { setZoom(1); };
  var drag = null;  // pan: drag the picture, the view scrolls under it
  view.addEventListener("mousedown", function (e) {
    drag = {x: e.clientX, y: e.clientY, left: view.scrollLeft, top: view.scrollTop};
    view.classList.add("dragging");
  });
  window.addEventListener("mousemove", function (e) {
    if (!drag) { return; }
    view.scrollLeft = drag.left - (e.clientX - drag.x);
    view.scrollTop = drag.top - (e.clientY - drag.y);
  });
  window.addEventListener("mouseup", function () {
    drag = null; view.classList.remove("dragging");
  });
  window.addEventListener("resize", layout);
  function fromHash() {
    var m = /^#(\\d+)$/.exec(location.hash);
    return m ? parseInt(m[1], 10) : 0;
  }
  prev.onclick = function () { show(k - 1); };
  next.onclick = function () { show(k + 1); };
  slider.oninput = function () { show(parseInt(slider.value, 10)); };
  var keys = function (e) {
    if (e.key === "ArrowLeft") { show(k - 1); e.preventDefault(); }
    else if (e.key === "ArrowRight") { show(k + 1); e.preventDefault(); }
    else if (e.key === "Home") { show(0); } else if (e.key === "End") { show(last); }
    else if (e.key === "+" || e.key === "=") { setZoom(zoom * 1.25); }
    else if (e.key === "-") { setZoom(zoom / 1.25); } else if (e.key === "0") { setZoom(1); }
  };
  if (useHash) {
    document.addEventListener("keydown", keys);
    window.addEventListener("hashchange", function () { show(fromHash()); });
    show(fromHash());
  } else {
    root.addEventListener("keydown", keys);
    show(0);
  }
})();
"""
