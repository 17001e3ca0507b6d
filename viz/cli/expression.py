"""The expression language of ``chainrule graph``: text in, a graph of Values out.

``parse("q = x + y; f = q * z")`` checks the text against a whitelist over Python's
``ast``; ``.evaluate({"x": -2, ...})`` walks the checked tree once more and builds the
graph on the engine, every node labelled by the name it was assigned to. Both are the
same single pass over the tree (``viz.cli.walk``), with an explicit stack (never
recursion): on the way down each node is checked, on the way up (when building) it
becomes a Value. Nothing is ever handed to ``eval``/``exec``/``compile``.

Allowed:
    numbers (int or float literals; ``-2`` is the constant -2), names,
    the Python operators that registered ops declare (``OpSpec.operator``; ``chainrule
    graph --help`` lists them, from ``walk.Operators``; unary ``+`` leaves its operand
    as it is) (``x ** 2``: a number on the right of an operator whose op takes it as a
    static parameter stays a number, so the node's tag is ``**2``),
    calls of the ops in ``autograd.OPS`` by name, but not of the ops written as
    operators (``x + y``, not ``add(x, y)``: the refusal says how to write it;
    ``walk.callable_ops`` lists the rest, user-registered ops included); surrounding
    whitespace is ignored; static parameters as keywords with a number
    (``leaky_relu(x, alpha=0.2)``); n-ary ops take varargs (``max(a, b, c)``,
    ``sum(a, b)``); ``dot`` takes the weights then the inputs, an even number of
    arguments split in half (``dot(w1, w2, x1, x2)`` = w1·x1 + w2·x2),
    assignments ``name = expression`` separated by ``;`` or newlines: each labels its
    node; the last statement is the root (an unnamed root is labelled ``out``).
Refused with ``ExpressionError`` (a ValueError carrying the 1-based ``.col``):
    anything else — attributes, subscripts, lambdas, comprehensions, strings,
    comparisons, imports, dunder names, calls of anything not registered, unknown
    names, a name assigned twice, assigned after use as an input, used in its own
    assignment (``x = x + 1``: refused when parsed), or aliasing another
    node (``q = x``), non-finite literals; inputs that are missing, duplicated, unused,
    not real numbers, or not finite (NaN/inf make a table of NaNs, so they are refused
    here although the engine accepts them); text over 2,000 characters or nested deeper
    than 200 (``viz.cli.scan``, before ``ast.parse``, whose own parser can exhaust the
    C stack); and any engine error while evaluating (``log(-1)``, ``x/0``, overflow, a
    NaN or inf anywhere — evaluation runs under ``detect_anomaly``), at the column of
    the op that raised it.
"""

from __future__ import annotations

import ast
import io
import keyword
import sys
import tokenize
import unicodedata
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import autograd as ag
from autograd import Value
from nn.validate import check_real

from .errors import ExpressionError, clipped, one_line
from .refusal import Source
from .scan import MAX_DEPTH, MAX_LENGTH, scan
from .walk import ENGINE_ERRORS, Walk, check_name

__all__ = [
    "ENGINE_ERRORS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Built",
    "Expression",
    "ExpressionError",
    "parse",
    "parse_inputs",
]

ROOT_LABEL = "out"


# -- name=value inputs -------------------------------------------------------------


def parse_inputs(pairs: Iterable[str]) -> dict[str, float]:
    """``["x=-2", "y=5"]`` -> ``{"x": -2.0, "y": 5.0}``; refuses bad names and values.

    A name is NFKC-normalised, as Python normalises the identifiers of the expression
    (``ｘ=3`` gives ``ｘ*2`` its x). What the user typed is shown escaped and, when
    long, shortened (``errors.clipped``) in a refusal.
    """
    values: dict[str, float] = {}
    for pair in pairs:
        name, eq, text = pair.partition("=")
        name = unicodedata.normalize("NFKC", name.strip())
        if not eq:
            raise ExpressionError(f"input {clipped(repr(pair))} is not name=value (e.g. x=-2)")
        check_name(name, None, f"input name {clipped(repr(name))}")
        if name in values:
            raise ExpressionError(f"{name} is given twice")
        shown = f"{name}={clipped(text)}"
        try:
            x = float(text)
        except ValueError:
            raise ExpressionError(f"{shown}: {clipped(repr(text))} is not a real number") from None
        values[name] = finite(x, shown)
    return values


def finite(v: object, what: str) -> float:
    """``v`` as a float, refused unless it is a finite real number (``what`` names it):
    ``nn.validate.check_real``'s rule and words, as an ExpressionError."""
    try:
        return check_real(what, v)
    except ValueError as e:
        raise ExpressionError(str(e)) from None


# -- text -> checked tree ------------------------------------------------------------


@dataclass
class Built:
    """What evaluating an expression made: the root, the inputs and the named nodes."""

    root: Value
    inputs: dict[str, Value]
    names: dict[str, Value] = field(default_factory=dict)


@dataclass(frozen=True)
class Expression:
    """A checked expression, ready to evaluate at any input values."""

    text: str
    inputs: tuple[str, ...]  # names used before any assignment, in order of first use
    assigned: tuple[str, ...]
    first_use: Mapping[str, tuple[int, int]]  # input name -> (line, col)
    tree: ast.Module = field(repr=False)
    source: Source = field(repr=False)

    def evaluate(self, values: Mapping[str, float]) -> Built:
        """Build the graph at ``values`` (name -> real number); engine errors become
        ExpressionError at the column of the op that raised them."""
        self._check_inputs(values)
        inputs = {name: Value(float(values[name]), label=name) for name in self.inputs}
        walk = Walk(self.tree.body, self.source, dict(inputs))
        with ag.detect_anomaly():
            root = walk.statements()
        assert root is not None
        if not root.label:
            root.label = _free_label(walk.env)
        return Built(root, inputs, {n: walk.env[n] for n in self.assigned})

    def _check_inputs(self, values: Mapping[str, float]) -> None:
        for name in self.inputs:
            if name not in values:
                line, col = self.first_use[name]
                raise ExpressionError(f"no value for {name!r}: add {name}=NUMBER", col, line)
        for name, v in values.items():
            if name in self.assigned:
                raise ExpressionError(f"{name}={v} given, but the expression assigns {name!r}")
            if name not in self.inputs:
                raise ExpressionError(f"{name}={v} given, but the expression does not use it")
            finite(v, f"the value of {name}")


def parse(text: str) -> Expression:
    """Check ``text`` against the whitelist; raises ExpressionError.

    Surrounding whitespace is ignored (columns still count from ``text`` as given).
    """
    if not isinstance(text, str):
        raise ExpressionError(f"the expression must be text, got {type(text).__name__}")
    scan(text)
    body = text.strip()
    src = Source(body, lead=text[: len(text) - len(text.lstrip())])
    try:
        tree = _ast_parse(body)
    except SyntaxError as e:
        _refuse_keyword(body, src)
        msg = (e.msg or "invalid syntax").split(" (")[0]
        line, col = src.place(e.lineno or 1, e.offset or 1)
        raise ExpressionError(f"not a valid expression: {msg}", col, line) from None
    except (ValueError, MemoryError, RecursionError) as e:  # e.g. a NUL character
        raise ExpressionError(f"not a valid expression: {one_line(e)}") from None
    walk = Walk(tree.body, src, env=None)
    walk.statements()
    return Expression(text, tuple(walk.inputs), tuple(walk.assigned), dict(walk.inputs), tree, src)


def _refuse_keyword(body: str, src: Source) -> None:
    """Text Python cannot parse that uses a keyword as a name (``for + x``): say so."""
    try:
        for token in tokenize.generate_tokens(io.StringIO(body).readline):
            word = token.string
            if token.type == tokenize.NAME and keyword.iskeyword(word):
                if word not in ("True", "False", "None"):  # values: refused as such
                    line, col = src.place(token.start[0], token.start[1] + 1)
                    raise ExpressionError(f"{word!r} is a Python keyword, not a name", col, line)
    except (tokenize.TokenError, SyntaxError):  # IndentationError is a SyntaxError
        return


def _ast_parse(text: str) -> ast.Module:
    """ast.parse with room for a long flat chain: building the tree recurses once per
    level under the Python recursion limit, and 2,000 characters of ``x+x+...`` are
    1,000 levels. The nesting scan has already bounded what the parser itself recurses
    on, and the length cap bounds this depth, so the raised limit is safe.

    Python's own SyntaxWarnings (``1if``: "invalid decimal literal") are not printed:
    the whitelist decides what the text may be, and says so in one line."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(limit + MAX_LENGTH)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)
            return ast.parse(text, mode="exec")
    finally:
        sys.setrecursionlimit(limit)


def _free_label(env: Mapping[str, Value]) -> str:
    label, k = ROOT_LABEL, 1
    while label in env:
        k += 1
        label = f"{ROOT_LABEL}{k}"
    return label
