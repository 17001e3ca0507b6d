"""The safe expression parser behind ``chainrule graph``: text in, a graph of Values out.

``parse("q = x + y; f = q * z")`` checks the text against a whitelist over Python's
``ast`` and compiles it to a short postfix program; ``.evaluate({"x": -2, ...})`` runs
that program on the engine and returns the root Value, every node labelled by the name
it was assigned to. Nothing is ever handed to ``eval``/``exec``/``compile``.

Allowed:
    numbers (int or float literals; ``-2`` is the constant -2), names,
    ``+ - * / **`` and unary ``-`` / ``+``, applied to Values as Python operators
    (``x ** 2``: a literal exponent stays a number, so the node's tag is ``**2``),
    calls of every op in ``autograd.OPS`` by name, including the operator-named ones
    (``add(x, y)`` is ``x + y``); static parameters as keywords with a number
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
"""

from __future__ import annotations

import ast
import keyword
import math
import operator
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import autograd as ag
from autograd import Value
from autograd.registry import OpSpec

MAX_LENGTH = 2000
MAX_DEPTH = 200
ROOT_LABEL = "out"
ENGINE_ERRORS = (ValueError, ZeroDivisionError, OverflowError, FloatingPointError)

_BINARY: dict[type, tuple[str, Callable[[Value, Value], Value]]] = {
    ast.Add: ("+", operator.add),
    ast.Sub: ("-", operator.sub),
    ast.Mult: ("*", operator.mul),
    ast.Div: ("/", operator.truediv),
    ast.Pow: ("**", operator.pow),
}
_REFUSED = {  # node type -> how the refusal names it
    ast.Attribute: "attribute access (.name)",
    ast.Subscript: "subscripts ([...])",
    ast.Lambda: "lambda",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.JoinedStr: "f-strings",
    ast.Compare: "comparisons",
    ast.BoolOp: "and/or",
    ast.IfExp: "if-else expressions",
    ast.List: "lists (write max(a, b, c), not max([a, b, c]))",
    ast.Tuple: "tuples",
    ast.Set: "sets",
    ast.Dict: "dicts",
    ast.Starred: "*unpacking",
    ast.NamedExpr: "the walrus operator :=",
    ast.Import: "import",
    ast.ImportFrom: "import",
    ast.AugAssign: "augmented assignment (+=, ...)",
    ast.AnnAssign: "annotated assignment",
}


class ExpressionError(ValueError):
    """An expression or input that ``chainrule graph`` refuses.

    ``col`` is the 1-based column in the expression (``line`` its 1-based line), or
    None when the fault is in a ``name=value`` input rather than in the text.
    """

    def __init__(self, message: str, col: int | None = None, line: int = 1) -> None:
        self.message = message
        self.col = col
        self.line = line
        where = ""
        if col is not None:
            where = f"column {col}: " if line == 1 else f"line {line}, column {col}: "
        super().__init__(where + message)


@dataclass(frozen=True)
class Step:
    """One instruction of the postfix program: push, combine or label Values."""

    kind: str  # name | const | binary | powc | neg | call | store
    arg: object  # the name, number, operator symbol or op name
    line: int
    col: int
    nargs: int = 0
    static: tuple[tuple[str, float], ...] = ()


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
    steps: tuple[Step, ...]
    inputs: tuple[str, ...]  # names used before any assignment, in order of first use
    assigned: tuple[str, ...]
    first_use: Mapping[str, tuple[int, int]]  # input name -> (line, col)

    def evaluate(self, values: Mapping[str, float]) -> Built:
        """Build the graph at ``values`` (name -> real number); engine errors become
        ExpressionError at the column of the op that raised them."""
        self._check_inputs(values)
        inputs = {name: Value(float(values[name]), label=name) for name in self.inputs}
        env: dict[str, Value] = dict(inputs)
        stack: list[Value] = []
        root: Value | None = None
        with ag.detect_anomaly():
            for step in self.steps:
                try:
                    root = _run(step, stack, env)
                except ExpressionError:
                    raise
                except ENGINE_ERRORS as e:
                    raise ExpressionError(_one_line(e), step.col, step.line) from None
        if stack:  # the last statement was a bare expression
            root = stack.pop()
        assert root is not None and not stack
        if not root.label:
            root.label = _free_label(env)
        return Built(root, inputs, {n: env[n] for n in self.assigned})

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
            _finite(v, f"the value of {name}")


def _run(step: Step, stack: list[Value], env: dict[str, Value]) -> Value | None:
    """Execute one instruction; returns the node labelled by a ``store``."""
    kind = step.kind
    if kind == "name":
        stack.append(env[step.arg])  # type: ignore[index]
    elif kind == "const":
        stack.append(Value(step.arg))  # type: ignore[arg-type]
    elif kind == "binary":
        right = stack.pop()
        stack[-1] = _BINARY_BY_SYMBOL[step.arg](stack[-1], right)  # type: ignore[index]
    elif kind == "powc":
        stack[-1] = stack[-1] ** step.arg  # type: ignore[operator]
    elif kind == "neg":
        stack[-1] = -stack[-1]
    elif kind == "call":
        args = stack[len(stack) - step.nargs :]
        del stack[len(stack) - step.nargs :]
        stack.append(_call(ag.OPS[step.arg], args, dict(step.static)))  # type: ignore[index]
    else:  # store
        node = stack.pop()
        if node.label:
            raise ExpressionError(
                f"{step.arg} = {node.label} only gives {node.label!r} a second name; "
                "a name labels a new node",
                step.col,
                step.line,
            )
        node.label = step.arg  # type: ignore[assignment]
        env[step.arg] = node  # type: ignore[index]
        return node
    return None


_BINARY_BY_SYMBOL = {symbol: fn for symbol, fn in _BINARY.values()}


def _call(spec: OpSpec, args: list[Value], static: dict[str, float]) -> Value:
    """Apply a registered op to the argument Values (varargs for n-ary ops)."""
    if spec.sequences == 0:
        return spec.function(*args, **static)
    if spec.sequences == 1:
        return spec.function(args, **static)
    n = len(args) // spec.sequences
    return spec.function(*(args[i * n : (i + 1) * n] for i in range(spec.sequences)), **static)


def _free_label(env: Mapping[str, Value]) -> str:
    label, k = ROOT_LABEL, 1
    while label in env:
        k += 1
        label = f"{ROOT_LABEL}{k}"
    return label


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split()) or type(e).__name__


def _finite(v: object, what: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ExpressionError(f"{what} must be a real number, got {v!r}")
    try:
        x = float(v)
    except OverflowError:
        raise ExpressionError(f"{what} is too large for a float") from None
    if not math.isfinite(x):
        raise ExpressionError(f"{what} must be finite, got {x}")
    return x


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
        values[name] = _finite(x, f"{name}={text}")
    return values


def _check_name(name: str, where: tuple[int, int] | None, what: str) -> None:
    line, col = where if where else (1, None)
    if not name.isidentifier() or keyword.iskeyword(name):
        raise ExpressionError(f"{what} is not a valid name", col, line)
    if name.startswith("__"):
        raise ExpressionError(f"{what}: dunder names are not allowed", col, line)
    if name in ag.OPS:
        raise ExpressionError(f"{what} is an op of the engine; call it, {name}(...)", col, line)


# -- the nesting scan (before ast.parse) ---------------------------------------------


def check_nesting(text: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH with one linear scan over the characters.

    Depth counts open brackets plus the prefix operators and ``**`` that chain inside
    each bracket (what the parser recurses on); ``+ - * /`` between operands are loops,
    so they reset the chain. The count errs high, never low.
    """
    saved: list[int] = []  # the chain at each open bracket
    outer = chain = 0
    after_operand = False
    line, line_start, i, n = 1, 0, 0, len(text)
    while i < n:
        c = text[i]
        step = 1
        if c == "\n":
            line, line_start = line + 1, i + 1
            chain, after_operand = 0, False
        elif c in ";,=":
            chain, after_operand = 0, False
        elif c == "#":
            end = text.find("\n", i)
            step = (n if end < 0 else end) - i
        elif c in "([{":
            saved.append(chain)
            outer += chain + 1
            chain, after_operand = 0, False
        elif c in ")]}":
            if saved:
                chain = saved.pop()
                outer -= chain + 1
            after_operand = True
        elif text.startswith("**", i):
            chain, after_operand, step = chain + 1, False, 2
        elif c in "+-~" and not after_operand:
            chain += 1
        elif c in "+-*/%@&|^<>!":
            chain, after_operand = 0, False
        elif not c.isspace():
            step = _operand_length(text, i)
            after_operand = True
        if outer + chain > MAX_DEPTH:
            raise ExpressionError(
                f"nested deeper than {MAX_DEPTH} levels", i - line_start + 1, line
            )
        i += step


def _operand_length(text: str, i: int) -> int:
    """Length of the name or number starting at i (1 for any other character)."""
    j = i
    number = text[i].isdigit() or text[i] == "."
    while j < len(text):
        c = text[j]
        if c.isalnum() or c in "_.":
            j += 1
        elif number and c in "+-" and text[j - 1] in "eE":
            j += 1
        else:
            break
    return max(j - i, 1)


# -- ast -> postfix steps ----------------------------------------------------------


class _Source:
    """Columns for error messages: ast offsets are UTF-8 bytes, people count characters."""

    def __init__(self, text: str) -> None:
        self.lines = [s.encode("utf-8") for s in re.split(r"\r\n|\r|\n", text)]

    def pos(self, line: int | None, byte_col: int | None) -> tuple[int, int]:
        line = line or 1
        if byte_col is None or not 1 <= line <= len(self.lines):
            return line, 1
        return line, len(self.lines[line - 1][:byte_col].decode("utf-8", "replace")) + 1

    def at(self, node: ast.AST) -> tuple[int, int]:
        return self.pos(getattr(node, "lineno", 1), getattr(node, "col_offset", 0))

    def operator_at(self, node: ast.BinOp, symbol: str) -> tuple[int, int]:
        """Where the operator itself is written (between the operands on one line)."""
        left, right = node.left, node.right
        if left.end_lineno == right.lineno and 1 <= right.lineno <= len(self.lines):
            raw = self.lines[right.lineno - 1]
            start = left.end_col_offset or 0
            found = raw.find(symbol.encode(), start, right.col_offset)
            if found >= 0:
                return self.pos(right.lineno, found)
        return self.at(node)


def parse(text: str) -> Expression:
    """Check ``text`` against the whitelist and compile it; raises ExpressionError."""
    if not isinstance(text, str):
        raise ExpressionError(f"the expression must be text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"the expression has {len(text)} characters; at most {MAX_LENGTH} are accepted"
        )
    if not text.strip():
        raise ExpressionError("the expression is empty")
    check_nesting(text)
    try:
        module = _ast_parse(text)
    except SyntaxError as e:
        msg = (e.msg or "invalid syntax").split(" (")[0]
        raise ExpressionError(
            f"not a valid expression: {msg}", e.offset or 1, e.lineno or 1
        ) from None
    except (ValueError, MemoryError, RecursionError) as e:  # e.g. a NUL character
        raise ExpressionError(f"not a valid expression: {_one_line(e)}") from None
    return _Compiler(text).module(module)


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

    def __init__(self, text: str) -> None:
        self.text = text
        self.src = _Source(text)
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
                raise self.refuse(f"not allowed: {_describe(stmt)}", stmt)
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
                raise self.refuse(f"not allowed: {_describe(node)}", node)

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
            raise self.refuse(f"not allowed: {_describe(inner)} (only real numbers)", inner)
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
        kind = _BINARY.get(type(node.op))
        if kind is None:
            symbol = _OPERATOR_TEXT.get(type(node.op), type(node.op).__name__)
            raise self.refuse(f"not allowed: the operator {symbol} (use + - * / **)", node)
        symbol = kind[0]
        where = self.src.operator_at(node, symbol)
        if symbol == "**":
            exponent = self.literal(node.right)
            if exponent is not None:  # a number exponent: a static parameter, tag **2
                return [Step("powc", exponent, *where), node.left]
        return [Step("binary", symbol, *where), node.right, node.left]

    def call(self, node: ast.Call) -> list[ast.AST | Step]:
        func = node.func
        if not isinstance(func, ast.Name):
            raise self.refuse(f"not allowed: {_describe(func)}; call ops by name: tanh(x)", func)
        name = func.id
        if name.startswith("__"):
            raise self.refuse(f"{name!r}: dunder names are not allowed", func)
        spec = ag.OPS.get(name)
        if spec is None:
            known = ", ".join(sorted(ag.OPS))
            raise self.refuse(f"{name}() is not an op of the engine (ops: {known})", func)
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.refuse(f"not allowed: {_describe(arg)}", arg)
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


_OPERATOR_TEXT = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
}


def _describe(node: ast.AST) -> str:
    """A refused node in words."""
    if isinstance(node, ast.Constant):
        v = node.value
        if isinstance(v, (str, bytes)):
            return "strings"
        if isinstance(v, complex):
            return "complex numbers"
        return repr(v)
    if isinstance(node, ast.UnaryOp):
        return "the operator " + ("not" if isinstance(node.op, ast.Not) else "~")
    for kind, words in _REFUSED.items():
        if isinstance(node, kind):
            return words
    return (
        f"a {type(node).__name__} statement" if isinstance(node, ast.stmt) else type(node).__name__
    )
