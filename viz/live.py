"""The explorer's live graph: the user's graph replayed with new leaf values, and what
every part of its drawing says, keyed as the SVG names it.

``LiveGraph(root)`` copies the graph once per change: each leaf is copied (a parameter
keeps its name), each op is applied again to the copies by its own registration
(``OpSpec.apply``, or ``OpSpec.function`` for the ops over sequences), and backward
runs on the copy. The user's own Values are never written. The drawing is laid out
once; a change only replaces the words of its parts: ``texts`` maps each part of the
drawing — a node by its DOT name (``v3`` value, ``o3`` op, ``n3`` folded neuron), an
edge by ``src->dst#k`` (the k-th edge with that title) — to the strings of its
``<text>`` elements in order, read off the DOT labels that ``viz.dot`` writes.
"""

from __future__ import annotations

import copy
import numbers
from collections import Counter
from html.parser import HTMLParser

from autograd import ENGINE_ERRORS, Value, topo_order

from .appearance import fmt, glyph, shown_name
from .collapse import is_parameter
from .dot import DrawnNodes, after_backward, drawn_nodes, write_dot
from .explain import explain
from .notation import partial
from .picture import Frame, Options
from .steps import step_frames
from .words import words

MAX_LEAF_BOXES = 16  # number boxes beside the drawing; more leaves are still drawn
MAX_FRAMES = 400  # steps of a bigger graph are not offered (each frame is sent along)


class _Chunks(HTMLParser):
    """The text runs of a Graphviz HTML label: Graphviz writes one <text> per run."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []

    def handle_data(self, data: str) -> None:
        if data:
            self.chunks.append(data)


def label_texts(attrs: str) -> list[str]:
    """The strings a DOT statement's label shows, one per run of text."""
    at = attrs.rfind("label=")
    if at < 0:
        return []
    label = attrs[at + len("label=") :]
    if label.startswith('"'):
        text = label[1:-1]
        return [text] if text else []
    parser = _Chunks()
    parser.feed(label[1:-1])
    parser.close()
    return parser.chunks


def dot_texts(dot: str) -> dict[str, list[str]]:
    """Each drawn part's strings, by key (``v3``, ``o3``, ``n3``, ``v0->o2#0``)."""
    texts: dict[str, list[str]] = {}
    seen: Counter[str] = Counter()
    for line in dot.splitlines():
        if not line.startswith("  ") or not line.endswith("];"):
            continue
        head, _, attrs = line.strip().partition(" [")
        attrs = attrs[:-2]
        if " -> " in head:
            src, dst = head.split(" -> ")
            title = f"{src}->{dst}"
            key = f"{title}#{seen[title]}"
            seen[title] += 1
        elif head[:1] in "von" and head[1:].isdigit():
            key = head
        else:
            continue
        texts[key] = label_texts(attrs)
    return texts


def parse_number(text: object) -> float:
    """What was typed into a leaf's box, as the engine takes it: ``-2``, ``0.5``,
    ``0,5`` (a decimal comma), ``1e-3``; anything else is the engine's own TypeError."""
    if isinstance(text, numbers.Real) and not isinstance(text, bool):
        return float(text)
    written = str(text).strip()
    try:
        return float(written.replace(",", ".") if written.count(",") == 1 else written)
    except ValueError:
        Value(written)  # raises the engine's TypeError, naming what it got
        raise  # pragma: no cover - Value refuses every str


class LiveGraph:
    """The graph of ``root`` with leaf values of its own, replayed on each change."""

    def __init__(self, root: Value, opts: Options) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"explore needs a Value, got {type(root).__name__}")
        self.opts = opts
        self.order = topo_order(root)
        self.index = {v: i for i, v in enumerate(self.order)}
        self.owner = drawn_nodes(root, opts).owner  # folded or refused as draw_graph does
        self.unfolded: set[Value] = set()  # neurons (their output nodes) drawn open
        self.values = {v: v.data for v in self.order if not v.parents}
        self.replay()

    # ------------------------------------------------------------ the graph's numbers

    def replay(self) -> None:
        """Forward and backward again on copies, from ``values``; raises the engine's
        error (the copies of the last good state are kept then)."""
        copies: dict[Value, Value] = {}
        for v in self.order:
            if not v.parents:
                c = copy.copy(v)
                c.data, c.grad = self.values[v], 0.0
            else:
                ps = [copies[p] for p in v.parents]
                spec = v.spec
                if spec.sequences:
                    n = len(ps) // spec.sequences
                    groups = [ps[i * n : (i + 1) * n] for i in range(spec.sequences)]
                    c = spec.function(*groups, **spec.static)
                else:
                    c = spec.apply(*ps)
                c.label = v.label
            copies[v] = c
        root = copies[self.order[-1]]
        root.backward()
        self.copies, self.root = copies, root

    def set_leaf(self, key: str, text: object) -> None:
        """Give leaf ``key`` (``v0``) the number ``text`` and rerun forward and backward;
        a bad number or an engine error raises and keeps the last good state."""
        leaf = self.leaf_of(key)
        x = parse_number(text)
        before = self.values[leaf]
        self.values[leaf] = x
        try:
            self.replay()
        except (*ENGINE_ERRORS, TypeError, FloatingPointError):
            self.values[leaf] = before
            raise

    def leaf_of(self, key: str) -> Value:
        for leaf in self.leaves():
            if f"v{self.index[leaf]}" == key:
                return leaf
        raise KeyError(f"no leaf box {key!r}")

    def leaves(self) -> list[Value]:
        """The labelled leaves drawn in their own box (inputs first, then parameters)."""
        shown = [
            v for v in self.order if not v.parents and v.label and self._folded_into(v) is None
        ]
        shown.sort(key=is_parameter)
        return shown[:MAX_LEAF_BOXES]

    def _folded_into(self, v: Value) -> Value | None:
        out = self.owner.get(v)
        return None if out is None or out in self.unfolded else out

    def unfold(self, key: str) -> bool:
        """Draw the folded neuron ``key`` (``n7``) open; False if there is none."""
        for out in set(self.owner.values()):
            if f"n{self.index[out]}" == key and out not in self.unfolded:
                self.unfolded.add(out)
                return True
        return False

    # ------------------------------------------------------------ what the drawing says

    def drawn(self) -> DrawnNodes:
        c = self.copies
        owner = {c[v]: c[out] for v, out in self.owner.items() if out not in self.unfolded}
        order = [c[v] for v in self.order]
        return DrawnNodes(order, {v: i for i, v in enumerate(order)}, owner)

    def dot(self, frame: Frame | None = None) -> str:
        drawn = self.drawn()
        quiet = Options(**{**self.opts.__dict__, "legend": False})
        return write_dot(self.root, drawn, quiet, frame or after_backward(self.root, drawn.order))

    def state(self) -> dict:
        """Everything the front end shows, as JSON-able strings."""
        drawn = self.drawn()
        said = words(self.opts.lang)
        texts = dot_texts(self.dot())
        keys = self._keys(drawn)
        state = {
            "texts": texts,
            "tips": self._tips(drawn, keys, texts, said),
            "explain": self._explanations(drawn, keys),
            "frames": self._frames(drawn, keys, texts),
            "leaves": [
                {
                    "key": f"v{self.index[v]}",
                    "name": shown_name(v, self.opts),
                    "value": f"{self.values[v]:.6g}",
                }
                for v in self.leaves()
            ],
            "root": {
                "name": shown_name(self.root, self.opts) or "out",
                "data": fmt(self.root.data),
            },
            "folded": sorted({k for v, k in keys.items() if k.startswith("n")}),
        }
        return state

    def _keys(self, drawn: DrawnNodes) -> dict[object, str]:
        """node -> its key; (node, slot) -> its edge's key, as write_dot names them."""
        keys: dict[object, str] = {}
        seen: Counter[str] = Counter()
        for v in drawn.order:
            out = drawn.owner.get(v)
            i = drawn.index[v]
            if out is not None:
                keys[v] = f"n{drawn.index[out]}"
                continue
            keys[v] = f"v{i}"
        for v in drawn.order:
            if not v.parents or v in drawn.owner:
                continue
            i = drawn.index[v]
            keys[v, "op"] = f"o{i}"
            for slot, p in enumerate(v.parents):
                title = f"{keys[p]}->o{i}"
                keys[v, slot] = f"{title}#{seen[title]}"
                seen[title] += 1
        return keys

    def _name(self, v: Value) -> str:
        return shown_name(v, self.opts) or fmt(v.data)

    def _tips(self, drawn, keys, texts, said) -> dict[str, list[str]]:
        root = shown_name(self.root, self.opts) or "out"
        tips: dict[str, list[str]] = {}
        for v in drawn.order:
            key = keys[v]
            if key in tips and not key.startswith("n"):
                continue
            name = self._name(v)
            lines = []
            if key.startswith("n"):
                if drawn.owner[v] is not v:
                    continue
                lines.append(f"{said['neuron']} {name}")
            elif v.parents:
                shown = [self._name(p) for p in v.parents[:6]]
                if len(v.parents) > 6:
                    shown.append("…")
                lines.append(f"{name} = {v.spec.write(shown)}")
            else:
                lines.append(name)
            lines.append(said["tip_data"].format(data=fmt(v.data)))
            grad = partial(root, name)
            lines.append(said["tip_grad"].format(grad=grad, value=fmt(v.grad)))
            if key.startswith("n"):
                lines.append(said["tip_unfold"])
            else:
                lines.append(said["tip_click"])
            tips[key] = lines
            if v.parents and key.startswith("v"):
                op_lines = [said["op_node"].format(symbol=glyph(v.spec)) + f": {lines[0]}"]
                op_lines.append(said["tip_locals"])
                for slot in range(len(v.parents)):
                    op_lines += texts.get(keys[v, slot], [])[:1]
                tips[keys[v, "op"]] = op_lines
                for slot in range(len(v.parents)):
                    shown = texts.get(keys[v, slot], [])
                    edge = [said["tip_local"] + ": " + shown[0]] if shown else []
                    if len(shown) > 1:
                        edge.append(said["tip_contrib"] + ": " + shown[1])
                    tips[keys[v, slot]] = edge
        return tips

    def _explanations(self, drawn, keys) -> dict[str, str]:
        found: dict[str, str] = {}
        for v in drawn.order:
            key = keys[v]
            if key.startswith("n") and drawn.owner[v] is not v:
                continue
            text = explain(self.root, v, lang=self.opts.lang).text
            found[key] = text
            if v.parents and key.startswith("v"):
                found[keys[v, "op"]] = text
        return found

    def _frames(self, drawn, keys, texts) -> dict[str, list[dict]] | None:
        """The steps of backward by node and by edge: each frame's caption, the parts
        whose words differ from the finished drawing, and the parts lit."""
        interior = sum(len(v.parents) for v in drawn.order)
        if interior > MAX_FRAMES:
            return None
        quiet = Options(**{**self.opts.__dict__, "legend": False})
        frames: dict[str, list[dict]] = {}
        for by in ("node", "edge"):
            shown = []
            for frame in step_frames(self.root, drawn, quiet, by):
                title, frame.title = frame.title, ""
                hot, frame.highlight = frame.highlight, None
                now = dot_texts(write_dot(self.root, drawn, quiet, frame))
                lit: list[str] = []
                if hot is not None:
                    if keys[hot].startswith("n"):
                        lit.append(keys[hot])
                    else:
                        lit += [keys[hot], keys[hot, "op"]]
                        slots = range(len(hot.parents))
                        if frame.hot_edge is not None:
                            slots = [frame.hot_edge[1]]
                        lit += [keys[hot, s] for s in slots if (hot, s) in keys]
                changed = {k: t for k, t in now.items() if t != texts.get(k)}
                shown.append({"title": title, "texts": changed, "hot": lit})
            frames[by] = shown
        return frames
