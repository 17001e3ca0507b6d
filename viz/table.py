"""The gradient table ``chainrule graph`` and ``demo`` print: every node, its value and grad."""

from __future__ import annotations

from collections.abc import Mapping

from autograd import Value, topo_order


def number(x: float) -> str:
    """4 significant digits; -0 shown as 0."""
    return f"{x + 0.0:.4g}"


def gradient_table(root: Value, inputs: Mapping[str, Value] | None = None) -> str:
    """Every node in topological order: label, op, value and gradient ∂root/∂node.

    A leaf shows as ``input`` when it is one of ``inputs`` (or, with no ``inputs``
    given, when it has a label), else as ``const``; unlabelled nodes as ``·``.
    """
    named = {id(v) for v in (inputs or {}).values()}
    who = root.label or "out"
    rows = [("node", "op", "value", f"grad ∂{who}/∂node")]
    for v in topo_order(root):
        op = v.op or ("input" if id(v) in named or (v.label and not inputs) else "const")
        rows.append((v.label or "·", op, number(v.data), number(v.grad)))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = []
    for r in rows:
        left = f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}"
        lines.append(f"{left}  {r[2]:>{widths[2]}}  {r[3]:>{widths[3]}}".rstrip())
    return "\n".join(lines)
