"""explain: how the chain rule assembles ∂root/∂wrt, written out with formulas and numbers.

``explain(f, y)`` for the lecture's f = (x + y)·z reads
``∂f/∂y = ∂f/∂q · ∂q/∂y = z · 1 = -4 · 1 = -4``: one term per path from ``root`` down to
``wrt`` (upstream × local along each edge), every factor taken from the graph's own
local gradients (``Value.local_grads``) and formulas (``Value.local_formulas``). With
more than ``max_terms`` paths, one term per use of ``wrt`` instead: the user's upstream
gradient (from ``autograd.chain_rule_steps``) × its local gradient. The terms sum to
∂root/∂wrt. In Jupyter an Explanation shows itself as LaTeX.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import autograd as ag
from autograd import Value, topo_order

from .notation import partial
from .picture import Edge
from .words import words


@dataclass
class Term:
    """One product of the sum: its factors (formula, value), root side first."""

    factors: list[tuple[str, float]]
    chain: list[str] = field(default_factory=list)  # ∂a/∂b per factor, where it is true

    @property
    def value(self) -> float:
        return math.prod(value for _, value in self.factors)


@dataclass
class Explanation:
    """∂root/∂wrt as the chain rule assembles it: ``.terms``, ``.value``, ``.text``."""

    name: str  # ∂f/∂y
    terms: list[Term]
    note: str = ""

    @property
    def value(self) -> float:
        return math.fsum(t.value for t in self.terms)

    @property
    def text(self) -> str:
        parts = [self.name]
        if self.terms and all(t.chain for t in self.terms):
            chain = " + ".join(" · ".join(t.chain) for t in self.terms)
            if chain != self.name:  # one edge: ∂f/∂x is already the name
                parts.append(chain)
        formulas = " + ".join(_product(f for f, _ in t.factors) for t in self.terms)
        numbers = " + ".join(_product(_number(v) for _, v in t.factors) for t in self.terms)
        for part in (formulas, numbers):
            if part and part != parts[-1]:
                parts.append(part)
        total = _number(self.value)
        if parts[-1] != total:
            parts.append(total)
        text = " = ".join(parts)
        return f"{text}   ({self.note})" if self.note else text

    def __repr__(self) -> str:
        return self.text

    def _repr_latex_(self) -> str:
        return f"$$ {_latex(self.text)} $$"  # display style: fractions at full size


def explain(root: Value, wrt: Value, *, lang: str = "en", max_terms: int = 20) -> Explanation:
    """How ∂root/∂wrt is assembled from upstream × local, with formulas and numbers.

    It explains what ``root.backward()`` computed, so backward must have run (else a
    ValueError says so), and ``wrt`` must be a node of root's graph (else ValueError:
    it never writes a derivation that the graph does not hold)."""
    said = words(lang)
    if not isinstance(root, Value) or not isinstance(wrt, Value):
        raise TypeError("explain needs two Values: explain(root, wrt)")
    if isinstance(max_terms, bool) or not isinstance(max_terms, int) or max_terms < 1:
        raise ValueError(f"max_terms must be a positive int, got {max_terms!r}")
    name = partial(_name(root), _name(wrt))
    order = topo_order(root)
    if wrt not in set(order):
        raise ValueError(
            f"explain: {_name(wrt)} is not a node of {_name(root)}'s graph, so "
            f"{name} has no derivation (it is 0)"
        )
    if root.grad == 0:  # backward seeds the root with 1: it has not run on this graph
        raise ValueError(
            f"explain: backward has not run on {_name(root)}'s graph ({_name(root)}.grad "
            f"is 0): call {_name(root)}.backward() first, then explain {name}"
        )
    paths = _path_counts(order, wrt)
    if paths[root] <= max_terms:
        terms = [_path_term(path) for path in _paths(root, wrt, paths)]
        return Explanation(name, terms, _undeclared(order, said))
    upstream = {step.node: step.upstream for step in ag.chain_rule_steps(root)}
    terms = []
    for node in order:
        for slot, parent in enumerate(node.parents):
            if parent is wrt:
                ups = (partial(_name(root), _name(node)), upstream.get(node, 0.0))
                local = (node.local_formulas[slot], node.local_grads[slot])
                terms.append(Term([ups, local]))
    note = said["per_use"].format(n=paths[root])
    more = _undeclared(order, said)
    return Explanation(name, terms, f"{note}; {more}" if more else note)


def _undeclared(order: list[Value], said) -> str:
    """The note for ops whose factors are numbers only: they declare no formula."""
    names = sorted({v.spec.name for v in order if v.spec is not None and v.spec.local is None})
    if not names:
        return ""
    return said["no_formula"].format(ops=", ".join(repr(n) for n in names))


def _product(factors) -> str:
    """Factors joined by ·, each bracketed where it would otherwise read wrong: a sum
    (``(1 - t**2) · y``) or a negative number after the first (``1 · (-4)``)."""
    written = []
    for i, text in enumerate(factors):
        if " + " in text or " - " in text or (i and text.startswith("-")):
            text = f"({text})"
        written.append(text)
    return " · ".join(written)


def _name(v: Value) -> str:
    return v.label or _number(v.data)


def _number(x: float) -> str:
    return f"{x:.4g}"


def _path_counts(order: list[Value], wrt: Value) -> dict[Value, int]:
    """For each node, how many paths lead from it down to ``wrt`` (parents first)."""
    counts: dict[Value, int] = {}
    for v in order:
        counts[v] = 1 if v is wrt else sum(counts.get(p, 0) for p in v.parents)
    return counts


def _paths(root: Value, wrt: Value, counts: dict[Value, int]) -> list[list[Edge]]:
    """Every path from ``root`` down to ``wrt``, as its edges, by an explicit stack."""
    found: list[list[Edge]] = []
    stack: list[tuple[Value, list[Edge]]] = [(root, [])]
    while stack:
        node, path = stack.pop()
        if node is wrt:
            found.append(path)
            continue
        for slot in reversed(range(len(node.parents))):
            parent = node.parents[slot]
            if counts.get(parent, 0):
                stack.append((parent, [*path, (node, slot)]))
    return found


def _path_term(path: list[Edge]) -> Term:
    factors, chain = [], []
    for node, slot in path:
        factors.append((node.local_formulas[slot], node.local_grads[slot]))
        parent = node.parents[slot]
        chain.append(partial(node.label, parent.label) if node.label and parent.label else "")
    # an input used twice by one node (x*x): each edge is only part of ∂node/∂input
    true_notation = all(chain) and all(
        node.parents.count(node.parents[slot]) == 1 for node, slot in path
    )
    return Term(factors, chain if true_notation else [])


_NAME = r"(\([^()]*\)|[^/ ∂()·=+]+)"  # a name, or a bracketed fraction (∂f/∂x)
_FRACTION = re.compile(rf"∂{_NAME}/∂{_NAME}")


def _fraction(m: re.Match[str]) -> str:
    return rf"\frac{{\partial {m[1]}}}{{\partial {m[2]}}}"


def _latex(text: str) -> str:
    """The derivation in LaTeX: ∂a/∂b as a fraction, · as \\cdot, a**2 as a^{2}."""
    while (written := _FRACTION.sub(_fraction, text)) != text:  # outer, then inner ones
        text = written
    text = re.sub(r"\*\*(\([^)]*\)|[^ ·=+)]+)", r"^{\1}", text)
    return text.replace("·", r" \cdot ").replace("[", r"[\,").replace("]", r"\,]")
