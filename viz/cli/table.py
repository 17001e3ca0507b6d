"""The gradient table ``chainrule graph`` and ``demo`` print: every node, its value and grad."""

from __future__ import annotations

from collections.abc import Mapping

from autograd import Value, topo_order
from viz.appearance import fmt as number
from viz.notation import partial

INLINE = 16  # an unnamed operand's description is written out up to this many characters
LISTED = 4  # an n-ary op shows at most this many operands, then …


def _is_operator(v: Value) -> bool:
    """Whether ``v`` is the output of an op written as an operator (``x + y``, ``-x``)."""
    return v.spec is not None and v.spec.operator is not None


def _describe(v: Value, names: Mapping[int, str]) -> str:
    """An unnamed node in words, as its op writes itself (``OpSpec.write``): ``x + y``,
    ``x**2``, ``tanh(·)``.

    An operand shows as its label, a constant as its number, an unnamed node as its own
    description when that is short (bracketed inside an operator), else as ``·``; an
    n-ary op lists at most LISTED operands.
    """
    if v.spec is None:
        return number(v.data)
    operands = []
    for p in v.parents:
        text = names.get(id(p), "·")
        if not p.label and _is_operator(v) and _is_operator(p) and text != "·":
            text = f"({text})"
        operands.append(text)
    if len(operands) > LISTED:
        operands = [*operands[: LISTED - 1], "…"]
    return v.spec.write(operands)


def gradient_table(root: Value, inputs: Mapping[str, Value] | None = None) -> str:
    """Every node in topological order: label, op, value and gradient ∂root/∂node.

    A leaf shows as ``input`` when it is one of ``inputs`` (or, with no ``inputs``
    given, when it has a label), else as ``const``. An unlabelled node is named by a
    short description: a constant by its number, an op's output by the op and its
    operands (``x + y``, ``tanh(·)``); a description that repeats gets ``#2``, ``#3``.
    """
    named = {id(v) for v in (inputs or {}).values()}
    rows = [("node", "op", "value", f"grad {partial(root.label or 'out', 'node')}")]
    short: dict[int, str] = {}  # node -> how an operand shows it (label or description)
    seen: dict[str, int] = {}
    for v in topo_order(root):
        op = v.op or ("input" if id(v) in named or (v.label and not inputs) else "const")
        if v.label:
            name = short[id(v)] = v.label
        else:
            text = _describe(v, short)
            short[id(v)] = text if len(text) <= INLINE or not v.op else "·"
            seen[text] = seen.get(text, 0) + 1
            name = text if seen[text] == 1 else f"{text} #{seen[text]}"
        rows.append((name, op, number(v.data), number(v.grad)))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = []
    for r in rows:
        left = f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}"
        lines.append(f"{left}  {r[2]:>{widths[2]}}  {r[3]:>{widths[3]}}".rstrip())
    return "\n".join(lines)
