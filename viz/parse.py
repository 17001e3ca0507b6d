"""The safe expression parser behind ``chainrule graph``: text in, a graph of Values out.

``parse("q = x + y; f = q * z")`` checks the text against a whitelist over Python's
``ast`` and compiles it to a short postfix program; ``.evaluate({"x": -2, ...})`` runs
that program on the engine and returns the root Value, every node labelled by the name
it was assigned to. Nothing is ever handed to ``eval``/``exec``/``compile``.

Allowed:
    numbers (int or float literals; ``-2`` is the constant -2), names,
    ``+ - * / **`` and unary ``-`` / ``+``, applied to Values as Python operators
    (``x ** 2``: a literal exponent stays a number, so the node's tag is ``**2``),
    calls of the ops in ``autograd.OPS`` by name, but not of the ops the operators
    stand for (``add``, ``sub``, ``mul``, ``div``, ``neg``, ``pow``, ``powc``: write
    ``x + y``, not ``add(x, y)``; user-registered ops are callable too); surrounding
    whitespace is ignored; static parameters as keywords with a number
    (``leaky_relu(x, alpha=0.2)``); n-ary ops take varargs (``max(a, b, c)``,
    ``sum(a, b)``); ``dot`` takes the weights then the inputs, an even number of
    arguments split in half (``dot(w1, w2, x1, x2)`` = w1·x1 + w2·x2),
    assignments ``name = expression`` separated by ``;`` or newlines: each labels its
    node; the last statement is the root (an unnamed root is labelled ``out``).
Refused with ``ExpressionError`` (a ValueError carrying the 1-based ``.col``):
    anything else — attributes, subscripts, lambdas, comprehensions, strings,
    comparisons, imports, dunder names, calls of anything not registered, unknown
    names, a name assigned twice, assigned after use as an input, or aliasing another
    node (``q = x``), non-finite literals; inputs that are missing, duplicated, unused,
    not real numbers, or not finite (NaN/inf make a table of NaNs, so they are refused
    here although the engine accepts them); text over 2,000 characters or nested deeper
    than 200 (checked by a scan before ``ast.parse``, whose own parser can exhaust the C
    stack); and any engine error while evaluating (``log(-1)``, ``x/0``, overflow, a
    NaN or inf anywhere — evaluation runs under ``detect_anomaly``).
Trees are walked with an explicit stack, never by recursion.

This module is the whitelist compiler and the public entry points; the pre-parse scan
is ``viz.scan``, the compiled program and its evaluation ``viz.expression``.
"""

from __future__ import annotations

import ast
import io
import keyword
import math
import sys
import tokenize
from collections.abc import Iterable
from dataclasses import replace

import autograd as ag
from autograd.spec import OpSpec

from .errors import ExpressionError, one_line
from .expression import ENGINE_ERRORS, Expression, Step, finite
from .refusal import OPERATOR_TEXT, Source, describe
from .scan import MAX_DEPTH, MAX_LENGTH, scan

__all__ = [
    "ENGINE_ERRORS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Expression",
    "ExpressionError",
    "parse",
    "parse_inputs",
]

OPERATOR_OPS = {  # ops the engine registers for its operators: written as operators here
    "add": "{0} + {1}",
    "sub": "{0} - {1}",
    "mul": "{0} * {1}",
    "div": "{0} / {1}",
    "neg": "-{0}",
    "pow": "{0} ** {1}",
    "powc": "{0} ** {exponent}",
}


def callable_ops() -> list[str]:
    """The ops an expression may call by name: every registered op but the operators'."""
    return sorted(name for name in ag.OPS if name not in OPERATOR_OPS)


_BINARY = {  # the arithmetic operators allowed, as their symbols in viz.expression.BINARY
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "**",
}


# -- name=value inputs -------------------------------------------------------------


def parse_inputs(pairs: Iterable[str]) -> dict[str, float]:
    """``["x=-2", "y=5"]`` -> ``{"x": -2.0, "y": 5.0}``; refuses bad names and values."""
    values: dict[str, float] = {}
    for pair in pairs:
        name, eq, text = pair.partition("=")
        name = name.strip()
        if not eq:
            raise ExpressionError(f"input {pair!r} is not name=value (e.g. x=-2)")
        _check_name(name, None, f"input name {name!r}")
        if name in values:
            raise ExpressionError(f"{name} is given twice")
        try:
            x = float(text)
        except ValueError:
            raise ExpressionError(f"{name}={text}: {text!r} is not a real number") from None
        values[name] = finite(x, f"{name}={text}")
    return values


def _check_name(name: str, where: tuple[int, int] | None, what: str) -> None:
    line, col = where if where else (1, None)
    if keyword.iskeyword(name):
        raise ExpressionError(f"{name!r} is a Python keyword, not a name", col, line)
    if not name.isidentifier():
        raise ExpressionError(f"{what} is not a valid name", col, line)
    if name.startswith("__"):
        raise ExpressionError(f"{what}: dunder names are not allowed", col, line)
    if name in ag.OPS and name not in OPERATOR_OPS:
        raise ExpressionError(f"{what} is an op of the engine; call it, {name}(...)", col, line)


# -- ast -> postfix steps ----------------------------------------------------------


def parse(text: str) -> Expression:
    """Check ``text`` against the whitelist and compile it; raises ExpressionError.

    Surrounding whitespace is ignored (columns still count from ``text`` as given).
    """
    if not isinstance(text, str):
        raise ExpressionError(f"the expression must be text, got {type(text).__name__}")
    scan(text)
    body = text.strip()
    src = Source(body, lead=text[: len(text) - len(text.lstrip())])
    try:
        module = _ast_parse(body)
    except SyntaxError as e:
        _refuse_keyword(body, src)
        msg = (e.msg or "invalid syntax").split(" (")[0]
        line, col = src.place(e.lineno or 1, e.offset or 1)
        raise ExpressionError(f"not a valid expression: {msg}", col, line) from None
    except (ValueError, MemoryError, RecursionError) as e:  # e.g. a NUL character
        raise ExpressionError(f"not a valid expression: {one_line(e)}") from None
    return replace(_Compiler(body, src).module(module), text=text)


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
    on, and the length cap bounds this depth, so the raised limit is safe."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(limit + MAX_LENGTH)
    try:
        return ast.parse(text, mode="exec")
    finally:
        sys.setrecursionlimit(limit)


class _Compiler:
    """Statements -> Steps, refusing everything outside the whitelist."""

    def __init__(self, text: str, src: Source) -> None:
        self.text = text
        self.src = src
        self.steps: list[Step] = []
        self.inputs: dict[str, tuple[int, int]] = {}
        self.assigned: dict[str, tuple[int, int]] = {}

    def refuse(self, message: str, node: ast.AST) -> ExpressionError:
        line, col = self.src.at(node)
        return ExpressionError(message, col, line)

    def module(self, module: ast.Module) -> Expression:
        body = module.body
        if not body:
            raise ExpressionError("the expression is empty")
        for i, stmt in enumerate(body):
            if isinstance(stmt, ast.Assign):
                self.assignment(stmt)
            elif isinstance(stmt, ast.Expr):
                if i != len(body) - 1:
                    raise self.refuse(
                        "only the last statement may be a bare expression; "
                        "name this one (q = ...) or drop it",
                        stmt,
                    )
                self.expression(stmt.value)
            else:
                raise self.refuse(f"not allowed: {describe(stmt)}", stmt)
        return Expression(
            self.text,
            tuple(self.steps),
            tuple(self.inputs),
            tuple(self.assigned),
            dict(self.inputs),
        )

    def assignment(self, stmt: ast.Assign) -> None:
        if len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
            raise self.refuse("assign to one plain name: q = x + y", stmt)
        target = stmt.targets[0]
        name = target.id
        where = self.src.at(target)
        _check_name(name, where, f"name {name!r}")
        if name in self.inputs:
            raise self.refuse(f"{name!r} is an input (used before); it cannot be assigned", target)
        if name in self.assigned:
            raise self.refuse(f"{name!r} is assigned twice", target)
        self.expression(stmt.value)
        self.assigned[name] = where
        self.steps.append(Step("store", name, *where))

    def expression(self, root: ast.expr) -> None:
        """Postfix steps for one expression, by an explicit stack (no recursion)."""
        todo: list[ast.AST | Step] = [root]
        while todo:
            node = todo.pop()
            if isinstance(node, Step):
                self.steps.append(node)
                continue
            number = self.literal(node)
            if number is not None:
                self.steps.append(Step("const", number, *self.src.at(node)))
            elif isinstance(node, ast.Name):
                self.name(node)
            elif isinstance(node, ast.BinOp):
                todo.extend(self.binary(node))
            elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
                if isinstance(node.op, ast.USub):
                    todo.append(Step("neg", "-", *self.src.at(node)))
                todo.append(node.operand)
            elif isinstance(node, ast.Call):
                todo.extend(self.call(node))
            else:
                raise self.refuse(f"not allowed: {describe(node)}", node)

    def literal(self, node: ast.AST) -> float | None:
        """The number a literal (``2``, ``-0.5``, ``+1e3``) stands for, else None."""
        sign = 1.0
        inner = node
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            sign = -1.0 if isinstance(node.op, ast.USub) else 1.0
            inner = node.operand
        if not isinstance(inner, ast.Constant):
            return None
        v = inner.value
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise self.refuse(f"not allowed: {describe(inner)} (only real numbers)", inner)
        try:
            x = sign * float(v)
        except OverflowError:
            raise self.refuse("the number is too large for a float", inner) from None
        if not math.isfinite(x):
            raise self.refuse(f"the number {x} is not finite", inner)
        return x

    def name(self, node: ast.Name) -> None:
        where = self.src.at(node)
        name = node.id
        if name not in self.assigned and name not in self.inputs:
            _check_name(name, where, f"name {name!r}")
            self.inputs[name] = where
        self.steps.append(Step("name", name, *where))

    def binary(self, node: ast.BinOp) -> list[ast.AST | Step]:
        """Children to visit then the op's own step, in reverse (stack) order."""
        symbol = _BINARY.get(type(node.op))
        if symbol is None:
            symbol = OPERATOR_TEXT.get(type(node.op), type(node.op).__name__)
            raise self.refuse(f"not allowed: the operator {symbol} (use + - * / **)", node)
        where = self.src.operator_at(node, symbol)
        if symbol == "**":
            exponent = self.literal(node.right)
            if exponent is not None:  # a number exponent: a static parameter, tag **2
                return [Step("powc", exponent, *where), node.left]
        return [Step("binary", symbol, *where), node.right, node.left]

    def call(self, node: ast.Call) -> list[ast.AST | Step]:
        func = node.func
        if not isinstance(func, ast.Name):
            raise self.refuse(f"not allowed: {describe(func)}; call ops by name: tanh(x)", func)
        name = func.id
        if name.startswith("__"):
            raise self.refuse(f"{name!r}: dunder names are not allowed", func)
        if name in OPERATOR_OPS:
            raise self.refuse(f"{name}() is not callable: write {self.as_operator(node)}", func)
        spec = ag.OPS.get(name)
        if spec is None:
            known = ", ".join(callable_ops())
            raise self.refuse(f"{name}() is not an op of the engine (ops: {known})", func)
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.refuse(f"not allowed: {describe(arg)}", arg)
        self.check_static_by_position(spec, node)
        self.check_count(spec, len(node.args), func)
        static = []
        for kw in node.keywords:
            if kw.arg is None:
                raise self.refuse("not allowed: **keyword unpacking", kw.value)
            if kw.arg not in spec.static:
                takes = ", ".join(spec.static) or "no keywords"
                raise self.refuse(f"{name}() has no parameter {kw.arg!r} (takes {takes})", kw)
            value = self.literal(kw.value)
            if value is None:
                raise self.refuse(f"{name}({kw.arg}=...) needs a number written in", kw.value)
            static.append((kw.arg, value))
        step = Step("call", name, *self.src.at(func), nargs=len(node.args), static=tuple(static))
        return [step, *reversed(node.args)]

    def source(self, node: ast.AST, parenthesise: bool = False) -> str:
        """The text ``node`` was written as, on one line (bracketed when asked and it is
        more than a name, a number or a call)."""
        text = " ".join((ast.get_source_segment(self.text, node) or "?").split())
        simple = isinstance(node, (ast.Name, ast.Constant, ast.Call))
        return text if simple or not parenthesise else f"({text})"

    def as_operator(self, node: ast.Call) -> str:
        """``add(x, y)`` as the operator it stands for, ``x + y`` (for the refusal)."""
        name = node.func.id  # type: ignore[attr-defined]
        template = OPERATOR_OPS[name]
        wanted = 1 if name in ("neg", "powc") else 2
        args = [self.source(a, parenthesise=True) for a in node.args]
        if len(args) != wanted:
            args = ["a", "b"][:wanted]
        exponent = next((self.source(k.value) for k in node.keywords if k.arg == "exponent"), "2")
        return template.format(*args, exponent=exponent)

    def check_static_by_position(self, spec: OpSpec, node: ast.Call) -> None:
        """``leaky_relu(x, 0.2)``: say to give the static parameter as a keyword."""
        extra = len(node.args) - spec.arity
        if spec.sequences or not spec.static or extra < 1 or extra > len(spec.static):
            return
        names = list(spec.static)[:extra]
        if any(k.arg in names for k in node.keywords):
            return
        inputs = [self.source(a) for a in node.args[: spec.arity]]
        given = [f"{n}={self.source(a)}" for n, a in zip(names, node.args[spec.arity :])]
        rest = [f"{k.arg}={self.source(k.value)}" for k in node.keywords]
        call = f"{spec.name}({', '.join(inputs + given + rest)})"
        s = "" if spec.arity == 1 else "s"
        keywords = "a keyword" if extra == 1 else "keywords"
        raise self.refuse(
            f"{spec.name} takes {spec.arity} input{s}; give {' and '.join(names)} as "
            f"{keywords}: {call}",
            node.func,
        )

    def check_count(self, spec: OpSpec, n: int, func: ast.AST) -> None:
        name = spec.name
        if spec.sequences == 0 and n != spec.arity:
            raise self.refuse(f"{name}() takes {spec.arity} argument(s), got {n}", func)
        if spec.sequences == 1 and n < 1:
            raise self.refuse(f"{name}() takes one or more arguments: {name}(a, b, c)", func)
        if spec.sequences > 1 and (n < spec.sequences or n % spec.sequences):
            raise self.refuse(
                f"{name}() takes {spec.sequences} equally long groups of arguments, got {n} "
                f"(dot(w1, w2, x1, x2) = w1*x1 + w2*x2)",
                func,
            )
