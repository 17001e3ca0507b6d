"""OpSpec: what one registered op is — plain data, declared once in its registration.

A node stores the spec of the op that made it (``Value.spec``): a drawing reads its
tag, a table or an error message writes the node with ``write``, the command line's
parser knows an operator by ``operator``, and the gradient checker re-runs its rule
with ``evaluate``. Ops with static parameters (an ``alpha``, an exponent) get one bound
spec per setting (``autograd.forward.bind``), tagged with it (``leaky_relu(α=0.1)``,
``**2``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any

from autograd.formula import Formula, as_formula, symbol

Rule = Callable[..., tuple[float, Sequence[float]]]

_SYMBOLS = {"alpha": "α", "beta": "β"}


def format_number(x: float) -> str:
    """A short, exact-enough number for tags: 2.0 -> '2', 0.1 -> '0.1'."""
    x = float(x)
    if x.is_integer() and abs(x) < 1e16:
        return str(int(x))
    return repr(x)


def bound_tag(template: str, name: str, values: dict[str, float]) -> str:
    """The display tag of an op with static parameters: 'leaky_relu(α=0.1)', '**2'."""
    shown = {k: format_number(v) for k, v in values.items()}
    if "{" in template:  # a template such as "**{exponent}"
        return template.format(**shown)
    return f"{name}(" + ", ".join(f"{_SYMBOLS.get(k, k)}={v}" for k, v in shown.items()) + ")"


@dataclass(eq=False)
class OpSpec:
    """One registered op.

    ``name`` is what it is called by (``ag.add``, ``x.tanh()``); ``tag`` how a drawing
    labels its node (``+``, ``leaky_relu(α=0.1)``); ``operator`` the Python operator it
    is written with (``"+"``, ``"-"`` for sub and neg, ``"**"``), None for an op called
    by name; ``dunders`` the ``Value`` methods that are that operator; ``number_form_of``
    names the op whose operator makes this one when its second operand is a number
    (powc for pow: ``x ** 2``). ``arity`` is the
    number of scalar inputs (0 for an op over ``sequences`` equally long sequences);
    ``static`` its static parameters (their defaults, or the values a bound spec fixes).
    ``apply`` runs a one- or two-input op on Values and records the node (None for an
    op over sequences: ``forward.apply_nary`` runs those); ``function`` is the public
    function on Values or numbers.
    """

    name: str
    tag: str
    rule: Rule
    arity: int
    sequences: int = 0
    static: dict[str, Any] = field(default_factory=dict)
    examples: tuple[tuple[float, ...], ...] = ()
    operator: str | None = None
    dunders: tuple[str, ...] = ()
    number_form_of: str | None = None  # powc: what pow's operator makes of a number exponent
    inputs: tuple[str, ...] = ()  # the rule's input parameter names (a, b; xs; ws, xs)
    local: Callable[..., Sequence[Any]] | None = None  # the local-gradient formulas
    array: Callable[..., Any] | None = None  # the rule on numpy arrays (ag.compile's replay)
    call: Rule = field(init=False, repr=False)  # the rule with the static parameters fixed
    apply: Callable[..., Any] | None = field(default=None, repr=False)
    function: Callable[..., Any] | None = field(default=None, repr=False)
    bound: dict[tuple, OpSpec] = field(default_factory=dict, repr=False)  # bind's cache

    def __post_init__(self) -> None:
        self.call = _fix(self.rule, self.static)

    def __repr__(self) -> str:
        return f"<op {self.tag}>"

    @property
    def doc(self) -> str:
        """The rule's docstring: its formula, derivative and kink rule."""
        return self.rule.__doc__ or ""

    def write(self, operands: Sequence[str], *, spaced: bool = False) -> str:
        """How a table or a message writes this op applied to ``operands``:
        ``x + y``, ``-x``, ``x**2`` (``x ** 2`` when ``spaced``, as Python is written),
        ``tanh(x)``."""
        if self.operator is not None and self.arity == 2:
            return f"{operands[0]} {self.operator} {operands[1]}"
        if self.operator is not None and self.static:  # a number exponent: x**2
            if spaced:
                (exponent,) = self.static.values()
                return f"{operands[0]} {self.operator} {format_number(exponent)}"
            return f"{operands[0]}{self.tag}"
        if self.operator is not None:  # a prefix operator: -x
            return f"{self.operator}{operands[0]}"
        return f"{self.name}({', '.join(operands)})"

    def symbol_names(self, sizes: Sequence[int] = ()) -> list[str]:
        """The symbol of each input, aligned with a node's parents: the rule's input names
        (``a``, ``b``), or for sequences ``xs_0``, ``xs_1``, ... (``sizes``: each length)."""
        if self.sequences:
            return [f"{p}_{i}" for p, n in zip(self.inputs, sizes) for i in range(n)]
        return list(self.inputs)

    def formulas(self, sizes: Sequence[int] = ()) -> tuple[Formula, ...] | None:
        """The formula of each local gradient, in symbols: the rule's input names (``a``,
        ``b``; the elements of a sequence ``xs`` as ``xs_0``, ``xs_1``, ...), ``out``,
        and the static parameters by value. ``sizes``: each sequence's length. None
        when the op declares no formulas (a user op may not)."""
        if self.local is None:
            return None
        names = iter(self.symbol_names(sizes))
        if self.sequences:
            args = [[symbol(next(names)) for _ in range(n)] for n in sizes]
        else:
            args = [symbol(name) for name in names]
        wanted = _keywords(self.local)
        given = {"out": symbol("out"), **self.static}
        result = self.local(*args, **{k: v for k, v in given.items() if k in wanted})
        return tuple(as_formula(f) for f in result)

    def evaluate(self, inputs: Sequence[float]) -> tuple[float, tuple[float, ...]]:
        """The rule on a flat list of input floats (split into sequences as needed)."""
        if self.sequences:
            n = len(inputs) // self.sequences
            groups = [list(inputs[i * n : (i + 1) * n]) for i in range(self.sequences)]
            out, local = self.call(*groups)
        else:
            out, local = self.call(*inputs)
        return out, tuple(local)


@cache
def _keywords(function: Callable[..., Any]) -> frozenset[str]:
    """The keyword-only parameters of a formula declaration (``out``, static names)."""
    params = inspect.signature(function).parameters.values()
    return frozenset(p.name for p in params if p.kind is p.KEYWORD_ONLY)


def _fix(rule: Rule, static: dict[str, Any]) -> Rule:
    """``rule`` with its static parameters given (the rule itself when it has none)."""
    return partial(rule, **static) if static else rule
