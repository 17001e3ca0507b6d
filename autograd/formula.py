"""Formulas of local gradients: one declaration per op, read as text and as numbers.

An op declares the formula of each local gradient once, as a small function of symbols
(``local=lambda a, b: (b, a)`` for mul, ``lambda a, out: (1 - out**2,)`` for tanh):
its inputs by the rule's parameter names, its output as ``out``, its static parameters
by name. The symbols build a ``Formula`` tree, which

- writes itself as text with any names substituted (``text({"b": "z"})`` -> ``z``), for
  the drawings and derivations that show ∂f/∂q = z;
- evaluates itself on numbers (``evaluate``), which the generic op test checks against
  the rule's own local gradients, and on Values, which rebuilds the local gradient as a
  graph (the higher-order gradients need exactly that): one source for both, so the
  text and the derivative can never disagree.

Stdlib only; the ops a formula calls (``exp``, ``log``, ...) are looked up in the table
the caller passes, so this module imports nothing of the engine.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

# Binding strength for writing: a child weaker than its parent gets brackets.
_PRECEDENCE = {"add": 1, "sub": 1, "mul": 2, "div": 2, "neg": 3, "pow": 4}
_SYMBOL = {"add": " + ", "sub": " - ", "mul": "·", "div": "/", "pow": "**"}


def as_formula(x: object) -> Formula:
    if isinstance(x, Formula):
        return x
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return Formula("num", float(x))
    raise TypeError(f"a formula takes symbols and numbers, got {type(x).__name__}: {x!r}")


def _number_text(x: float) -> str:
    if x.is_integer() and abs(x) < 1e16:
        return str(int(x))
    return f"{x:.4g}"


class Formula:
    """A node of a local-gradient formula: a number, a symbol, an arithmetic operation,
    a call of an op (``exp(a)``) or an Iverson bracket (``[a > 0]``: 1 where true)."""

    __slots__ = ("kind", "args")

    def __init__(self, kind: str, *args: Any) -> None:
        self.kind = kind
        self.args = args

    def __repr__(self) -> str:
        return f"Formula({self.text()!r})"

    # -- building -------------------------------------------------------------------

    def _binary(self, kind: str, other: object, reflected: bool = False) -> Formula:
        a, b = self, as_formula(other)
        if reflected:
            a, b = b, a
        return _simplified(kind, a, b)

    def __add__(self, other: object) -> Formula:
        return self._binary("add", other)

    def __radd__(self, other: object) -> Formula:
        return self._binary("add", other, True)

    def __sub__(self, other: object) -> Formula:
        return self._binary("sub", other)

    def __rsub__(self, other: object) -> Formula:
        return self._binary("sub", other, True)

    def __mul__(self, other: object) -> Formula:
        return self._binary("mul", other)

    def __rmul__(self, other: object) -> Formula:
        return self._binary("mul", other, True)

    def __truediv__(self, other: object) -> Formula:
        return self._binary("div", other)

    def __rtruediv__(self, other: object) -> Formula:
        return self._binary("div", other, True)

    def __pow__(self, other: object) -> Formula:
        return self._binary("pow", other)

    def __neg__(self) -> Formula:
        return Formula("neg", self)

    # -- reading --------------------------------------------------------------------

    def text(self, names: Mapping[str, str] | None = None) -> str:
        """The formula as text, each symbol written as ``names`` says (else its name)."""
        return self._text(names or {}, 0)

    def _text(self, names: Mapping[str, str], outer: int) -> str:
        kind, args = self.kind, self.args
        if kind in ("num", "var"):
            text = _number_text(args[0]) if kind == "num" else names.get(args[0], args[0])
            return f"({text})" if outer and text.startswith("-") else text  # 1 - (-0.96)**2
        if kind == "call":
            return f"{args[0]}({args[1]._text(names, 0)})"
        if kind == "bracket":
            return f"[{args[1]._text(names, 0)} {args[0]} {args[2]._text(names, 0)}]"
        if kind == "first":  # args: index, the elements, out
            element = args[1][args[0]]._text(names, 0)
            return f"[{element} = {args[2]._text(names, 0)}]"  # ties: the first (docstring)
        mine = _PRECEDENCE[kind]
        if kind == "neg":
            text = "-" + args[0]._text(names, mine)
        else:
            left = args[0]._text(names, mine)
            right = args[1]._text(names, mine + (kind in ("sub", "div", "pow")))
            text = f"{left}{_SYMBOL[kind]}{right}"
        return f"({text})" if mine < outer else text

    def evaluate(self, env: Mapping[str, Any], ops: Mapping[str, Any]) -> Any:
        """The formula's value with each symbol bound by ``env`` (floats, or Values to
        rebuild the local gradient as a graph). ``ops`` is the engine's op table: a call
        ``exp(a)`` runs ``ops["exp"]`` on a Value, its rule on a number."""
        kind, args = self.kind, self.args
        if kind == "num":
            return args[0]
        if kind == "var":
            return env[args[0]]
        if kind == "call":
            x = args[1].evaluate(env, ops)
            spec = ops[args[0]]
            return spec.call(x)[0] if isinstance(x, (int, float)) else spec.function(x)
        if kind == "bracket":
            return _bracket(args[0], args[1].evaluate(env, ops), args[2].evaluate(env, ops), ops)
        if kind == "first":
            xs = [x.evaluate(env, ops) for x in args[1]]
            return _first(args[0], xs, args[2].evaluate(env, ops))
        if kind == "neg":
            return -args[0].evaluate(env, ops)
        a, b = args[0].evaluate(env, ops), args[1].evaluate(env, ops)
        return _ARITHMETIC[kind](a, b)


def _number(f: Formula) -> float | None:
    return f.args[0] if f.kind == "num" else None


def _simplified(kind: str, a: Formula, b: Formula) -> Formula:
    """``kind(a, b)`` without the identities a static number leaves behind (x**1, 1·x,
    x + 0, x - 0): ``2·x``, not ``2·x**1``, for x**2. Two numbers are folded."""
    x, y = _number(a), _number(b)
    if x is not None and y is not None:
        return Formula("num", _ARITHMETIC[kind](x, y))
    if (kind == "pow" and y == 1) or (kind in ("mul", "div") and y == 1):
        return a
    if (kind == "add" and y == 0) or (kind == "sub" and y == 0):
        return a
    if (kind == "mul" and x == 1) or (kind == "add" and x == 0):
        return b
    return Formula(kind, a, b)


_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b,
}


def _bracket(relation: str, a: Any, b: Any, ops: Mapping[str, Any]) -> Any:
    """[a > b], [a < b] or [a <= b]: 1 where it holds, else 0 (NaN stays NaN, as the
    rules keep it). On Values it is a ``step`` node, whose own derivative is 0."""
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if a != a or b != b:
            return math.nan
        holds = {">": a > b, "<": a < b, "<=": a <= b}[relation]
        return 1.0 if holds else 0.0
    step = ops["step"].function
    if relation == ">":
        return step(a - b)
    if relation == "<":
        return step(b - a)
    return 1 - step(a - b)


def _first(i: int, xs: list[Any], out: Any) -> Any:
    """1 for the first element equal to ``out`` (max and min route all to it), else 0;
    a NaN anywhere wins, as in the rules."""
    data = [float(x) for x in xs]
    nan = next((j for j, x in enumerate(data) if x != x), None)
    if nan is not None:
        return data[nan] if i == nan else 0.0
    return 1.0 if data.index(float(out)) == i else 0.0


def symbol(name: str) -> Formula:
    """The symbol ``name`` (an input, ``out``, or a static parameter)."""
    return Formula("var", name)


def call(op: str, x: object) -> Formula:
    """The op ``op`` applied to ``x`` (``call("exp", a)`` writes ``exp(a)``)."""
    return Formula("call", op, as_formula(x))


def above(a: object, b: object = 0.0) -> Formula:
    """The Iverson bracket [a > b]: 1 where a > b, else 0 (a ReLU's slope)."""
    return Formula("bracket", ">", as_formula(a), as_formula(b))


def below(a: object, b: object = 0.0) -> Formula:
    """The Iverson bracket [a < b]: 1 where a < b, else 0."""
    return Formula("bracket", "<", as_formula(a), as_formula(b))


def first_equal(i: int, xs: list[Formula], out: object) -> Formula:
    """1 for the first of ``xs`` equal to ``out``, else 0: where max and min route
    their whole gradient. It writes ``[x_i = out]``, in no language's words; on a tie
    only the first equal element is 1 (the bracket does not say so)."""
    return Formula("first", i, tuple(xs), as_formula(out))


def at_most(a: object, b: object = 0.0) -> Formula:
    """The Iverson bracket [a <= b]: 1 where a <= b, else 0."""
    return Formula("bracket", "<=", as_formula(a), as_formula(b))
