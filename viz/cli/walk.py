"""The one pass of the expression language over Python's ``ast``: checked on the way
down, built into Values on the way up.

``Walk`` goes over the statements once with an explicit stack (never recursion). Each
node is checked against the whitelist when first met (``check``: a refusal names what
and where) and goes back on the stack, under its operands, with how its Value is made
from theirs (``_Visit``); when building, it is made right after them. Which Python
operators are allowed is for the registered ops to say (``Operators``, from each
``OpSpec.operator``); the only Python syntax known here is how Python writes them
(``refusal.PYTHON_OPERATORS``).
"""

from __future__ import annotations

import ast
import keyword
from collections.abc import Callable
from dataclasses import dataclass, replace

import autograd as ag
from autograd import OpSpec, Value
from nn.validate import check_real

from .errors import ExpressionError, one_line
from .refusal import PYTHON_OPERATORS, Source, describe

ENGINE_ERRORS = (*ag.ENGINE_ERRORS, FloatingPointError)  # + detect_anomaly's


# -- which operators: the ops that declare them ---------------------------------------


@dataclass(frozen=True)
class Operators:
    """The Python operators an expression may use, each the op that declares it.

    binary  ``x + y``: an op of two inputs
    static  ``x ** 2``: an op of one input whose one static parameter is the number
            written on the operator's right
    unary   ``-x``: an op of one input and no static parameters
    """

    binary: dict[str, OpSpec]
    static: dict[str, OpSpec]
    unary: dict[str, OpSpec]

    @classmethod
    def registered(cls) -> Operators:
        """The operators of the ops in ``ag.OPS`` now (user ops included)."""
        binary, static, unary = {}, {}, {}
        for spec in ag.OPS.values():
            if spec.operator is None or spec.sequences:
                continue
            if spec.arity == 2:
                binary[spec.operator] = spec
            elif len(spec.static) == 1:
                static[spec.operator] = spec
            elif not spec.static:
                unary[spec.operator] = spec
        return cls(binary, static, unary)

    def listed(self) -> str:
        """The operators in words, for help text: ``+ - * / **, unary -``."""
        infix = " ".join(dict.fromkeys([*self.binary, *self.static]))
        prefix = " ".join(self.unary)
        return f"{infix}, unary {prefix}" if prefix else infix


def callable_ops() -> list[str]:
    """The ops an expression may call by name: every registered op not written as an
    operator."""
    return sorted(name for name, spec in ag.OPS.items() if spec.operator is None)


def check_name(name: str, where: tuple[int, int] | None, what: str) -> None:
    """Refuse a name an expression or an input may not use (``what`` names it)."""
    line, col = where if where else (1, None)
    if keyword.iskeyword(name):
        raise ExpressionError(f"{name!r} is a Python keyword, not a name", col, line)
    if not name.isidentifier():
        raise ExpressionError(f"{what} is not a valid name", col, line)
    if name.startswith("__"):
        raise ExpressionError(f"{what}: dunder names are not allowed", col, line)
    if name in ag.OPS and ag.OPS[name].operator is None:
        raise ExpressionError(f"{what} is an op of the engine; call it, {name}(...)", col, line)


# -- the pass ------------------------------------------------------------------------

Make = Callable[..., Value]  # a node's operands' Values -> its own Value


@dataclass(frozen=True)
class _Visit:
    """What checking a node found: the operand nodes to visit first, how the node's
    Value is made from theirs, and where an engine error is reported."""

    operands: list[ast.expr]
    make: Make
    line: int
    col: int


class Walk:
    """One pass over the statements. With ``env`` None it only checks (``parse``):
    every refusal, and which names are inputs; with ``env`` (the input Values) it also
    builds the graph (``Expression.evaluate``)."""

    def __init__(self, body: list[ast.stmt], src: Source, env: dict[str, Value] | None):
        self.body = body
        self.src = src
        self.building = env is not None
        self.env: dict[str, Value] = env if env is not None else {}
        self.ops = Operators.registered()
        self.inputs: dict[str, tuple[int, int]] = {}
        self.assigned: dict[str, tuple[int, int]] = {}

    def refuse(self, message: str, node: ast.AST) -> ExpressionError:
        line, col = self.src.at(node)
        return ExpressionError(message, col, line)

    def statements(self) -> Value | None:
        """Every statement in order; returns the root (None when only checking)."""
        if not self.body:
            raise ExpressionError("the expression is empty")
        root = None
        for i, stmt in enumerate(self.body):
            if isinstance(stmt, ast.Assign):
                root = self.assignment(stmt)
            elif isinstance(stmt, ast.Expr):
                if i != len(self.body) - 1:
                    raise self.refuse(
                        "only the last statement may be a bare expression; "
                        "name this one (q = ...) or drop it",
                        stmt,
                    )
                root = self.expression(stmt.value)
            else:
                raise self.refuse(f"not allowed: {describe(stmt)}", stmt)
        return root

    def assignment(self, stmt: ast.Assign) -> Value | None:
        if len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
            raise self.refuse("assign to one plain name: q = x + y", stmt)
        target = stmt.targets[0]
        name = target.id
        where = self.src.at(target)
        check_name(name, where, f"name {name!r}")
        if name in self.inputs:
            raise self.refuse(f"{name!r} is an input (used before); it cannot be assigned", target)
        if name in self.assigned:
            raise self.refuse(f"{name!r} is assigned twice", target)
        node = self.expression(stmt.value)
        if name in self.inputs:  # x = x + 1: this statement used it, as an input
            line, col = self.inputs[name]
            raise ExpressionError(
                f"{name!r} is used in its own assignment, where it can only be an input; "
                f"give the new node another name ({name}_new = ...)",
                col,
                line,
            )
        self.assigned[name] = where
        if node is None:
            return None
        if node.label:
            raise self.refuse(
                f"{name} = {node.label} only gives {node.label!r} a second name; "
                "a name labels a new node",
                target,
            )
        node.label = name
        self.env[name] = node
        return node

    def expression(self, root: ast.expr) -> Value | None:
        """Check ``root`` and everything below it, and (when building) its Value.

        The stack holds (node, visit): a node not yet checked has visit None; once
        checked it goes back on the stack with its visit, under its operands, so it is
        made right after them (post-order), from the Values they left on ``made``.
        """
        todo: list[tuple[ast.expr, _Visit | None]] = [(root, None)]
        made: list[Value] = []
        while todo:
            node, visit = todo.pop()
            if visit is None:
                visit = self.check(node)
                todo.append((node, visit))
                todo.extend((operand, None) for operand in reversed(visit.operands))
            elif self.building:
                n = len(visit.operands)
                args = made[len(made) - n :]
                del made[len(made) - n :]
                try:
                    made.append(visit.make(*args))
                except ENGINE_ERRORS as e:
                    raise ExpressionError(one_line(e), visit.col, visit.line) from None
        return made.pop() if self.building else None

    def check(self, node: ast.expr) -> _Visit:
        """Refuse ``node`` unless the whitelist allows it; else what visiting it takes."""
        where = self.src.at(node)
        number = self.literal(node)
        if number is not None:
            return _Visit([], lambda: Value(number), *where)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.BinOp):
            return self.binary(node)
        if isinstance(node, ast.UnaryOp):
            return self.unary(node)
        if isinstance(node, ast.Call):
            return self.call(node)
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
            return sign * check_real("the number", v)
        except ValueError:  # a literal is inf (1e999) or an int no float holds
            why = "is too large for a float" if isinstance(v, int) else f"{v} is not finite"
            raise self.refuse(f"the number {why}", inner) from None

    def name(self, node: ast.Name) -> _Visit:
        where = self.src.at(node)
        name = node.id
        if name not in self.assigned and name not in self.inputs:
            check_name(name, where, f"name {name!r}")
            self.inputs[name] = where
        return _Visit([], lambda: self.env[name], *where)

    def binary(self, node: ast.BinOp) -> _Visit:
        symbol = PYTHON_OPERATORS.get(type(node.op), type(node.op).__name__)
        where = self.src.operator_at(node, symbol)
        spec = self.ops.static.get(symbol)
        number = None if spec is None else self.literal(node.right)
        if spec is not None and number is not None:  # x ** 2: the number is static
            parameter = next(iter(spec.static))
            function = spec.function
            return _Visit([node.left], lambda x: function(x, **{parameter: number}), *where)
        spec = self.ops.binary.get(symbol)
        if spec is None:
            allowed = " ".join(self.ops.binary)
            raise self.refuse(f"not allowed: the operator {symbol} (use {allowed})", node)
        return _Visit([node.left, node.right], spec.function, *where)

    def unary(self, node: ast.UnaryOp) -> _Visit:
        if isinstance(node.op, ast.UAdd):  # +x is x, as in Python
            return _Visit([node.operand], lambda x: x, *self.src.at(node))
        spec = self.ops.unary.get(PYTHON_OPERATORS.get(type(node.op), ""))
        if spec is None:
            raise self.refuse(f"not allowed: {describe(node)}", node)
        return _Visit([node.operand], spec.function, *self.src.at(node))

    def call(self, node: ast.Call) -> _Visit:
        func = node.func
        if not isinstance(func, ast.Name):
            raise self.refuse(f"not allowed: {describe(func)}; call ops by name: tanh(x)", func)
        name = func.id
        if name.startswith("__"):
            raise self.refuse(f"{name!r}: dunder names are not allowed", func)
        spec = ag.OPS.get(name)
        if spec is None:
            known = ", ".join(callable_ops())
            raise self.refuse(f"{name}() is not an op of the engine (ops: {known})", func)
        if spec.operator is not None:
            raise self.refuse(f"{name}() is not callable: write {self.as_operator(node)}", func)
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.refuse(f"not allowed: {describe(arg)}", arg)
        self.check_static_by_position(spec, node)
        self.check_count(spec, len(node.args), func)
        static = {}
        for kw in node.keywords:
            if kw.arg is None:
                raise self.refuse("not allowed: **keyword unpacking", kw.value)
            if kw.arg in static:  # Python's compiler refuses it too; ast.parse does not
                raise self.refuse(f"{name}() got the keyword {kw.arg!r} twice", kw)
            if kw.arg not in spec.static:
                takes = ", ".join(spec.static) or "no keywords"
                raise self.refuse(f"{name}() has no parameter {kw.arg!r} (takes {takes})", kw)
            value = self.literal(kw.value)
            if value is None:
                raise self.refuse(f"{name}({kw.arg}=...) needs a number written in", kw.value)
            static[kw.arg] = value
        return _Visit(list(node.args), _caller(spec, static), *self.src.at(func))

    def source(self, node: ast.AST, parenthesise: bool = False) -> str:
        """The text ``node`` was written as, on one line (bracketed when asked and it is
        more than a name, a number or a call)."""
        text = " ".join((ast.get_source_segment(self.src.text, node) or "?").split())
        simple = isinstance(node, (ast.Name, ast.Constant, ast.Call))
        return text if simple or not parenthesise else f"({text})"

    def as_operator(self, node: ast.Call) -> str:
        """``add(x, y)`` as the operator it stands for, ``x + y`` (for the refusal)."""
        spec = ag.OPS[node.func.id]  # type: ignore[attr-defined]
        operands = [self.source(a, parenthesise=True) for a in node.args]
        if len(operands) != spec.arity:
            operands = ["a", "b"][: spec.arity]
        given = {k.arg: self.literal(k.value) for k in node.keywords if k.arg in spec.static}
        given = {k: v for k, v in given.items() if v is not None}
        if given:  # powc(x, exponent=3): written with that exponent, x ** 3
            spec = replace(spec, static={**spec.static, **given})
        return spec.write(operands, spaced=True)

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


def _caller(spec: OpSpec, static: dict[str, float]) -> Make:
    """A registered op called with the argument Values (split into its sequences for
    n-ary ops: ``dot(w1, w2, x1, x2)`` -> dot([w1, w2], [x1, x2]))."""
    function = spec.function
    k = spec.sequences
    if k == 0:
        return lambda *args: function(*args, **static)
    if k == 1:
        return lambda *args: function(args, **static)

    def call(*args: Value) -> Value:
        n = len(args) // k
        return function(*(args[i * n : (i + 1) * n] for i in range(k)), **static)

    return call
