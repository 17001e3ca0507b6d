"""How each part of a drawing reads: value boxes, op nodes, edge labels, the caption.

The words are the lecture's: a value box shows ``data`` and ``grad`` (the upstream
gradient); an edge shows its local gradient and, after backward, ``upstream × local``.
Numbers have 4 significant digits, -0 shows as 0; colours tell inputs, parameters,
constants and the output apart. ``viz.dot`` decides what is drawn; this module, how.
"""

from __future__ import annotations

import html
from collections.abc import Collection, Iterable, Mapping

from autograd import OpSpec, Value
from viz.collapse import is_parameter
from viz.notation import operand, partial
from viz.picture import Frame, Options
from viz.words import GATE_OPS, words

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
GLYPHS = {  # op name -> the symbol its node shows (other ops show their tag)
    "add": "+",
    "sub": "−",
    "mul": "×",
    "div": "÷",
    "sum": "Σ",
    "dot": "w·x",
    "neg": "−x",
}
NEURON_KINDS = {"add": "linear", "max": "maxout"}  # a folded neuron's output op -> its kind
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


def glyph(spec: OpSpec) -> str:
    """The symbol drawn in an op node: mul -> ``×``, sum -> ``Σ``, ``x ** 2`` -> ``x²``
    (a whole-number exponent, written as a superscript); else the op's tag."""
    if spec.name in GLYPHS:
        return GLYPHS[spec.name]
    if spec.number_form_of is not None and len(spec.static) == 1:
        (exponent,) = spec.static.values()
        if float(exponent).is_integer() and abs(exponent) < 1e6:
            return "x" + str(int(exponent)).translate(SUPERSCRIPT)
    return spec.tag


def _role(v: Value, root: Value) -> str:
    if v is root:
        return "output"
    if is_parameter(v):
        return "parameter"
    if v.parents:
        return "value"
    return "input" if v.label else "constant"


def _data_text(v: Value, said: Mapping[str, str]) -> str:
    word = html.escape(said["data"])
    return f'<font color="{MUTED}" point-size="11">{word}</font>&#160;<font>{fmt(v.data)}</font>'


def _grad_cell(
    v: Value, grads: Mapping[Value, float], known: Collection[Value], said: Mapping[str, str]
) -> str:
    if v in known:
        number = f'<font color="{GRAD_RED}"><b>{fmt(grads.get(v, 0.0))}</b></font>'
    else:
        number = f'<font color="{MUTED}"><b>?</b></font>'
    word = html.escape(said["grad"])
    return f'<td><font color="{MUTED}" point-size="11">{word}</font>&#160;{number}</td>'


def value_label(v, root, grads, known, opts: Options, hot: bool) -> str:
    role = _role(v, root)
    fill, border = COLOURS[role]
    if role == "constant":
        return (
            f'shape=box, style="rounded,filled", fillcolor="{fill}", color="{border}", '
            f'fontsize=11, fontcolor="#374151", height=0.3, width=0.3, margin="0.06,0.03", '
            f'label="{fmt(v.data)}"'
        )
    title = shown_name(v, opts)
    cells = [f"<td{_min_width(title)}><b>{html.escape(title)}</b></td><vr/>"] if title else []
    said = words(opts.lang)
    cells.append(f"<td>{_data_text(v, said)}</td><vr/>")
    cells.append(_grad_cell(v, grads, known, said))
    width = 3 if hot else 2 if role == "output" else 1
    colour = HOT if hot else border
    return (
        f'shape=plain, label=<<table style="rounded" border="{width}" cellborder="0" '
        f'cellspacing="0" cellpadding="6" bgcolor="{fill}" color="{colour}"><tr>'
        + "".join(cells)
        + "</tr></table>>"
    )


def _min_width(bold_text: str, point_size: float = 13.0, below: str = "") -> str:
    """A cell width that fits ``bold_text`` (and a smaller line ``below`` it): some
    renderers (graphviz-pure) measure bold text as if it were regular, and a long name
    then runs into the next cell."""
    width = max(len(bold_text) * point_size * 0.64, len(below) * 10 * 0.62)
    if width <= 4 * point_size * 0.64:
        return ""
    return f' width="{round(width + 12)}"'


def shown_name(v: Value, opts: Options) -> str:
    """The one name a node goes by in a drawing — in its box, in the ∂ of its edges, in
    its formulas, in the legend and the step captions: a parameter's name, else the
    label (``""`` for none), abbreviated (``L0.N3.w1``) when the drawing abbreviates."""
    name = printable(v.name if is_parameter(v) else v.label)
    return abbreviate(name) if opts.abbreviate else name


def printable(text: str) -> str:
    """``text`` as a drawing can carry it: control characters (a NUL) written as
    escapes, and lone surrogates (not encodable as UTF-8) as U+FFFD."""
    if text.isprintable():
        return text
    return "".join(
        "\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c if c.isprintable() else repr(c)[1:-1]
        for c in text
    )


def _activation(spec: OpSpec, said: Mapping[str, str]) -> str:
    """What a folded neuron's output op says about it: ``+`` is a linear neuron (no
    activation after w·x + b), ``max`` a Maxout unit; else the activation's tag."""
    kind = NEURON_KINDS.get(spec.name)
    return said[kind] if kind else spec.tag


def neuron_label(v, grads, known, opts: Options, copy: int | None = None) -> str:
    """A folded neuron: its path, its activation, and its output's data and grad;
    ``copy`` numbers the same neuron applied to several samples (#1, #2, ...)."""
    fill, border = COLOURS["neuron"]
    said = words(opts.lang)
    name = shown_name(v, opts)
    if copy is not None:
        name = f"{name} #{copy}"
    kind = f"{said['neuron']} · {_activation(v.spec, said)}"
    return (
        f'shape=plain, label=<<table style="rounded" border="1" cellborder="0" '
        f'cellspacing="0" cellpadding="5" bgcolor="{fill}" color="{border}"><tr>'
        f"<td{_min_width(name, below=kind)}><b>{html.escape(name)}</b><br/>"
        f'<font point-size="10" color="{MUTED}">{html.escape(kind)}</font></td><vr/>'
        f"<td>{_data_text(v, said)}</td><vr/>{_grad_cell(v, grads, known, said)}</tr></table>>"
    )


def op_attrs(spec: OpSpec, hot: bool) -> str:
    fill, colour, pen = ("#fecaca", HOT, 2.2) if hot else ("#e5e7eb", "#6b7280", 1.2)
    symbol = glyph(spec)
    paint = f'fillcolor="{fill}", color="{colour}", penwidth={pen}, label=<{html.escape(symbol)}>'
    if len(symbol) <= 2:
        return f"shape=circle, style=filled, width=0.42, fixedsize=true, fontsize=16, {paint}"
    return f'shape=box, style="rounded,filled", fontsize=12, height=0.35, {paint}'


def edge_label(
    out,
    inp,
    local: float,
    formula: str,
    flow: tuple[float, float] | None,
    opts: Options,
    only_edge: bool,
) -> str:
    """The local gradient of an edge, as its formula and its number, and — once it has
    carried its gradient back (``flow`` = upstream, contribution) — the chain rule's
    step: ``upstream -4 × local 1 = -4``.

    It is written ∂out/∂in (the lecture's notation, ``∂f/∂q = z = -4``) only where that
    is also the true derivative of ``out`` by ``in``: both named, and this the input's
    only edge. Where the input is used more than once (``x*x``) each edge holds only
    part of it, so it reads ``local: x = 3``. A formula that is its own number (``1``)
    is written once.
    """
    rows = []
    said = words(opts.lang)
    if opts.local:
        number = fmt(local)
        value = number if formula == number else f"{formula} = {number}"
        if only_edge and out.label and inp.label and not is_parameter(inp):
            rows.append(
                html.escape(f"{partial(shown_name(out, opts), shown_name(inp, opts))} = {value}")
            )
        else:
            rows.append(html.escape(f"{said['local']}: {value}"))
    if opts.contrib and flow is not None:
        up, contribution = flow
        # one span: graphviz-pure guesses the width of non-ASCII glyphs (×), so a
        # second span after it would be placed over the text
        up_word, local_word = said["upstream"], said["local"]
        product = html.escape(
            f"{up_word} {fmt(up)} × {local_word} {fmt(local)} = {fmt(contribution)}"
        )
        rows.append(f'<font color="{GRAD_RED}"><b>{product}</b></font>')
    return f"label=<{'<br/>'.join(rows)}>" if rows else 'label=""'


def root_name(root: Value, opts: Options) -> str:
    """What the legend and the captions call the root (``f`` in ∂f/∂node): its name in
    the drawing (bracketed if it is a fraction itself), or ``out`` when it has none."""
    return operand(shown_name(root, opts) or "out")


def gate_patterns(nodes: Iterable[Value], said: Mapping[str, str]) -> list[str]:
    """The lecture's gate patterns the drawn ops show, once each, in ``GATE_OPS``'
    order: + distributes, × swaps, max routes, relu gates."""
    present = {v.spec.name: v.spec for v in nodes if v.spec is not None}
    return [
        said[f"gate_{name}"].format(symbol=glyph(present[name]))
        for name in GATE_OPS
        if name in present
    ]


def caption(root: Value, opts: Options, frame: Frame, gates: Iterable[Value] = ()) -> str:
    """The lines above the drawing: a step's title, then what the numbers mean and the
    gate patterns of ``gates`` (the drawn op nodes, or the one doing the step)."""
    lines = []
    if frame.title:
        lines.append(f'<font point-size="15"><b>{html.escape(frame.title)}</b></font>')
    if opts.legend:
        muted = f'<font point-size="11" color="{MUTED}">'
        said = words(opts.lang)
        edge = said["legend_edge"] if opts.contrib else said["legend_edge_local"]
        legend = [said["legend_grad"].format(root=root_name(root, opts)), edge]
        legend += gate_patterns(gates, said)
        lines.extend(f"{muted}{html.escape(line)}</font>" for line in legend)
    # each line ends in a left-aligned break, so the lines start flush left
    return "".join(line + '<br align="left"/>' for line in lines)
