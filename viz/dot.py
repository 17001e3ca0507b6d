"""to_dot: a computational graph as Graphviz DOT text, with the chain rule on every edge.

Each value is a box ``label | data | grad`` (grad = the upstream gradient ∂root/∂value);
each operation is a small node between its inputs and its output; each input *slot* is
one edge (``x*x`` draws two), labelled with the local gradient ∂out/∂in and, once
backward has run, with the contribution ``upstream × local = value`` that flows back
along it. Colours tell roles apart: input, parameter, constant, output.

Pure text, no Graphviz binary needed, and deterministic: nodes are numbered by their
place in ``topo_order`` (never by ``id()``), so the same graph gives the same bytes.
Graphs over ``max_nodes`` values are drawn with each ``nn`` neuron folded into one node
(``viz.collapse`` says which nodes make a neuron) or refused with a ValueError.
"""

from __future__ import annotations

import html
import numbers
import re
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from autograd import Value, topo_order
from viz.collapse import is_parameter, neuron_owners, outside_inputs

FONT = "Helvetica,Arial,sans-serif"
GRAD_RED = "#b91c1c"
MUTED = "#6b7280"
HOT = "#dc2626"
# role -> (fill, border)
COLOURS = {
    "input": ("#dbeafe", "#2563eb"),
    "parameter": ("#dcfce7", "#16a34a"),
    "value": ("#ffffff", "#6b7280"),
    "output": ("#fef3c7", "#d97706"),
    "neuron": ("#ede9fe", "#7c3aed"),
    "constant": ("#f3f4f6", "#9ca3af"),
}
GLYPHS = {"+": "+", "-": "−", "*": "×", "/": "÷", "sum": "Σ", "dot": "w·x", "neg": "−x"}
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
ABBREVIATIONS = {"layers": "L", "neurons": "N", "pieces": "P"}


def fmt(x: float) -> str:
    """A number in at most 4 significant digits; -0 (and anything that rounds to it) is 0."""
    if x == 0:
        return "0"
    text = f"{x:.4g}"
    return "0" if text in ("-0", "0") else text


def abbreviate(name: str) -> str:
    """``layers.0.neurons.3.w.1`` -> ``L0.N3.w1``; ``w.0`` -> ``w0``; unknown words kept."""
    parts = name.split(".")
    out: list[str] = []
    i = 0
    while i < len(parts):
        word = parts[i]
        if i + 1 < len(parts) and parts[i + 1].isdigit():
            out.append(ABBREVIATIONS.get(word, word) + parts[i + 1])
            i += 2
        else:
            out.append(word)
            i += 1
    return ".".join(out)


def glyph(op: str) -> str:
    """The symbol drawn in an op node: ``*`` -> ``×``, ``sum`` -> ``Σ``, ``**2`` -> ``x²``."""
    if op in GLYPHS:
        return GLYPHS[op]
    m = re.fullmatch(r"\*\*(-?\d+)", op)
    return "x" + m.group(1).translate(SUPERSCRIPT) if m else op


@dataclass(frozen=True)
class Options:
    """What to draw: edge labels, direction, names, caption, node budget."""

    local: bool = True
    contrib: bool = True
    rankdir: str = "LR"
    abbreviate: bool = False
    legend: bool = True
    max_nodes: int | None = 300

    def __post_init__(self) -> None:
        check_max_nodes(self.max_nodes)


def check_max_nodes(max_nodes: object) -> int | None:
    """``max_nodes`` if it is a positive int or None; else TypeError / ValueError."""
    if max_nodes is None:
        return None
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, numbers.Integral):
        raise TypeError(f"max_nodes must be a positive int or None, got {max_nodes!r}")
    if max_nodes < 1:
        raise ValueError(f"max_nodes must be a positive int or None, got {max_nodes!r}")
    return int(max_nodes)


@dataclass
class State:
    """The gradients a picture shows, when they are not simply the graph's own ``.grad``.

    ``grads`` maps node -> gradient; ``known`` are nodes whose gradient has arrived (others
    show ``?``); ``sent`` are nodes that have passed ``upstream × local`` to their inputs;
    ``highlight`` is the node doing the chain-rule step now; ``title`` heads the picture.
    """

    grads: Mapping[Value, float]
    known: Collection[Value]
    sent: Collection[Value]
    highlight: Value | None = None
    title: str = ""


@dataclass
class _Layout:
    """The nodes actually drawn: values in topological order, neuron membership."""

    order: list[Value]
    index: dict[Value, int]
    owner: dict[Value, Value] = field(default_factory=dict)  # member -> neuron output


def to_dot(
    root: Value,
    *,
    local: bool = True,
    contrib: bool = True,
    rankdir: str = "LR",
    abbreviate: bool = False,
    legend: bool = True,
    max_nodes: int | None = 300,
) -> str:
    """The graph ending in ``root`` as DOT text.

    local: label edges with the local gradient ∂out/∂in.
    contrib: after backward, add ``upstream × local = contribution`` to each edge.
        Backward counts as having run when any node's grad is nonzero (backward seeds
        the root with 1.0), so a fresh graph shows local gradients only.
    rankdir: "LR" (left to right, default) or "TB" (top to bottom).
    abbreviate: show parameter names as ``L0.N3.w1`` instead of ``layers.0.neurons.3.w.1``.
    legend: a one-line caption saying what the numbers mean.
    max_nodes: above this many values, fold each nn neuron into one node; if still too
        many, raise ValueError. None draws everything.
    """
    opts = Options(local, contrib, rankdir, abbreviate, legend, max_nodes)
    return write_dot(root, layout(root, opts), opts, None)


def layout(root: Value, opts: Options) -> _Layout:
    """Order the nodes and, over the budget, fold neurons; raise when still too big."""
    if opts.rankdir not in ("LR", "TB"):
        raise ValueError(f"rankdir must be 'LR' or 'TB', got {opts.rankdir!r}")
    order = topo_order(root)
    lay = _Layout(order, {v: i for i, v in enumerate(order)})
    if opts.max_nodes is None or len(order) <= opts.max_nodes:
        return lay
    lay.owner = neuron_owners(order)
    outputs = set(lay.owner.values())
    drawn = sum(1 for v in order if v not in lay.owner) + len(outputs)
    if drawn > opts.max_nodes:
        how = (
            f"{drawn} after folding {len(outputs)} neurons into one node each"
            if outputs
            else "no nn neurons to fold"
        )
        raise ValueError(
            f"graph too large to draw: {len(order)} values ({how}), over "
            f"max_nodes={opts.max_nodes}. Draw a smaller graph (one sample's loss, one "
            f"neuron), or pass max_nodes={drawn} (or None) to draw it all anyway."
        )
    return lay


# ---------------------------------------------------------------- writing DOT text


def write_dot(root: Value, lay: _Layout, opts: Options, state: State | None) -> str:
    """The DOT text of a laid-out graph, with the graph's grads or those in ``state``."""
    order, index, owner = lay.order, lay.index, lay.owner
    uses = Counter(p for v in order for p in v.parents)  # edges leaving each node
    if state is None:
        grads: Mapping[Value, float] = {v: v.grad for v in order}
        ran = any(g != 0 for g in grads.values())
        known: Collection[Value] = order
        sent: Collection[Value] = order if ran else ()
        hot = None
    else:
        grads, known, sent, hot = state.grads, state.known, state.sent, state.highlight
    lines = [
        "digraph chainrule {",
        f'  graph [rankdir={opts.rankdir}, bgcolor="white", nodesep=0.35, ranksep=0.55, '
        f'fontname="{FONT}", fontsize=13, pad=0.2];',
        f'  node [fontname="{FONT}", fontsize=13, penwidth=1.2];',
        f'  edge [fontname="{FONT}", fontsize=11, color="#4b5563", arrowsize=0.7];',
    ]
    if owner:  # folded neurons: bundle the dense layer-to-layer edges, keep N0..Nk in order
        lines.append("  concentrate=true; ordering=out;")
    caption = _caption(root, opts, state)
    if caption:
        lines.append(f"  labelloc=t; labeljust=l; label=<{caption}>;")
    name = {v: f"v{index[v]}" for v in order}
    for v in order:
        if v in owner and owner[v] is not v:
            continue
        i = index[v]
        if v in owner:
            name[v] = f"n{i}"
            lines.append(f"  n{i} [{_neuron_label(v, grads, known, opts)}];")
            continue
        lines.append(f"  v{i} [{_value_label(v, root, grads, known, opts, v is hot)}];")
        if v.parents:
            lines.append(f"  o{i} [{_op_attrs(v.op, v is hot)}];")
            lines.append(f'  o{i} -> v{i} [color="{HOT if v is hot else "#4b5563"}"];')
    for v in order:
        if not v.parents or (v in owner and owner[v] is not v):
            continue
        if v in owner:  # a folded neuron: one plain edge per outside input
            srcs = {name[owner.get(p, p)]: None for p in outside_inputs(v, owner)}
            lines.extend(f'  {s} -> {name[v]} [color="#a78bfa"];' for s in srcs)
            continue
        i = index[v]
        for p, g in zip(v.parents, v.local_grads, strict=True):
            src = name[owner.get(p, p)]
            label = _edge_label(v, p, g, grads, v in sent, opts, uses[p] == 1)
            style = f', color="{HOT}", penwidth=2.2, fontcolor="{HOT}"' if v is hot else ""
            lines.append(f"  {src} -> o{i} [{label}{style}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _role(v: Value, root: Value) -> str:
    if v is root:
        return "output"
    if is_parameter(v):
        return "parameter"
    if v.parents:
        return "value"
    return "input" if v.label else "constant"


def _data_text(v: Value) -> str:
    return f'<font color="{MUTED}" point-size="11">data</font>&#160;<font>{fmt(v.data)}</font>'


def _grad_cell(v: Value, grads: Mapping[Value, float], known: Collection[Value]) -> str:
    if v in known:
        number = f'<font color="{GRAD_RED}"><b>{fmt(grads.get(v, 0.0))}</b></font>'
    else:
        number = f'<font color="{MUTED}"><b>?</b></font>'
    return f'<td><font color="{MUTED}" point-size="11">grad</font>&#160;{number}</td>'


def _value_label(v, root, grads, known, opts: Options, hot: bool) -> str:
    role = _role(v, root)
    fill, border = COLOURS[role]
    if role == "constant":
        return (
            f'shape=box, style="rounded,filled", fillcolor="{fill}", color="{border}", '
            f'fontsize=11, fontcolor="#374151", height=0.3, width=0.3, margin="0.06,0.03", '
            f'label="{fmt(v.data)}"'
        )
    title = abbreviate(_title(v)) if opts.abbreviate else _title(v)
    cells = [f"<td{_min_width(title)}><b>{html.escape(title)}</b></td><vr/>"] if title else []
    cells.append(f"<td>{_data_text(v)}</td><vr/>")
    cells.append(_grad_cell(v, grads, known))
    width = 3 if hot else 2 if role == "output" else 1
    colour = HOT if hot else border
    return (
        f'shape=plain, label=<<table style="rounded" border="{width}" cellborder="0" '
        f'cellspacing="0" cellpadding="6" bgcolor="{fill}" color="{colour}"><tr>'
        + "".join(cells)
        + "</tr></table>>"
    )


def _min_width(bold_text: str, point_size: float = 13.0) -> str:
    """A cell width that fits ``bold_text``: some renderers (graphviz-pure) measure bold
    text as if it were regular, and a long name then runs into the next cell."""
    if len(bold_text) <= 4:
        return ""
    return f' width="{round(len(bold_text) * point_size * 0.64 + 12)}"'


def _title(v: Value) -> str:
    return v.name if is_parameter(v) else v.label


def _activation(op: str) -> str:
    """What a folded neuron's output op says about it: ``+`` is a linear neuron (no
    activation after w·x + b), ``max`` a Maxout unit."""
    return {"+": "linear", "max": "maxout"}.get(op, op)


def _neuron_label(v, grads, known, opts: Options) -> str:
    fill, border = COLOURS["neuron"]
    name = abbreviate(v.label) if opts.abbreviate else v.label
    return (
        f'shape=plain, label=<<table style="rounded" border="1" cellborder="0" '
        f'cellspacing="0" cellpadding="5" bgcolor="{fill}" color="{border}"><tr>'
        f"<td{_min_width(name)}><b>{html.escape(name)}</b><br/>"
        f'<font point-size="10" color="{MUTED}">neuron · {html.escape(_activation(v.op))}'
        f"</font></td><vr/>"
        f"<td>{_data_text(v)}</td><vr/>{_grad_cell(v, grads, known)}</tr></table>>"
    )


def _op_attrs(op: str, hot: bool) -> str:
    fill, colour, pen = ("#fecaca", HOT, 2.2) if hot else ("#e5e7eb", "#6b7280", 1.2)
    paint = (
        f'fillcolor="{fill}", color="{colour}", penwidth={pen}, label=<{html.escape(glyph(op))}>'
    )
    if len(glyph(op)) <= 2:
        return f"shape=circle, style=filled, width=0.42, fixedsize=true, fontsize=16, {paint}"
    return f'shape=box, style="rounded,filled", fontsize=12, height=0.35, {paint}'


def _edge_label(out, inp, local, grads, sent: bool, opts: Options, only_edge: bool) -> str:
    """The local gradient of an edge and, after backward, upstream × local.

    It is written ∂out/∂in (the lecture's notation) only where that is also the true
    derivative of ``out`` by ``in``: both named, and this the input's only edge. Where
    the input is used more than once (``x*x``) each edge holds only part of it, so it
    reads ``local``.
    """
    rows = []
    if opts.local:
        if only_edge and out.label and inp.label and not is_parameter(inp):
            rows.append(f"∂{html.escape(out.label)}/∂{html.escape(inp.label)} = {fmt(local)}")
        else:
            rows.append(f"local {fmt(local)}")
    if opts.contrib and sent:
        up = grads.get(out, 0.0)
        # one span: graphviz-pure guesses the width of non-ASCII glyphs (×), so a
        # second span after it would be placed over the text
        product = f"{fmt(up)} × {fmt(local)} = {fmt(up * local)}"
        rows.append(f'<font color="{GRAD_RED}"><b>{product}</b></font>')
    return f"label=<{'<br/>'.join(rows)}>" if rows else 'label=""'


def _caption(root: Value, opts: Options, state: State | None) -> str:
    parts = []
    if state is not None and state.title:
        parts.append(f'<font point-size="15"><b>{html.escape(state.title)}</b></font>')
    if opts.legend:
        f = html.escape(root.label or "out")
        parts.append(
            f'<font point-size="11" color="{MUTED}">grad = ∂{f}/∂node, the upstream gradient'
            f"<br/>edge: local gradient, then upstream × local = what flows back</font>"
        )
    return "<br/>".join(parts)
