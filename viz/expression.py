"""A compiled expression and its evaluation: a postfix program run on the engine.

``viz.parse.parse`` checks an expression's text and compiles it to an ``Expression``, a
tuple of ``Step`` instructions. ``Expression.evaluate`` runs them on a stack of Values
under ``detect_anomaly`` and returns what it ``Built``: the root, the input leaves and
the named nodes. Engine errors (``log(-1)``, ``x/0``, overflow, a NaN or inf anywhere)
become ``ExpressionError`` at the column of the op that raised them.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import autograd as ag
from autograd import Value, apply
from autograd.spec import OpSpec

from .errors import ExpressionError, one_line

ROOT_LABEL = "out"
ENGINE_ERRORS = (*apply.ENGINE_ERRORS, FloatingPointError)  # + detect_anomaly's

BINARY: dict[str, Callable[[Value, Value], Value]] = {  # operator symbol -> its function
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
}


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
                    raise ExpressionError(one_line(e), step.col, step.line) from None
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
            finite(v, f"the value of {name}")


def _run(step: Step, stack: list[Value], env: dict[str, Value]) -> Value | None:
    """Execute one instruction; returns the node labelled by a ``store``."""
    kind = step.kind
    if kind == "name":
        stack.append(env[step.arg])  # type: ignore[index]
    elif kind == "const":
        stack.append(Value(step.arg))  # type: ignore[arg-type]
    elif kind == "binary":
        right = stack.pop()
        stack[-1] = BINARY[step.arg](stack[-1], right)  # type: ignore[index]
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


def finite(v: object, what: str) -> float:
    """``v`` as a float, refused unless it is a finite real number (``what`` names it)."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ExpressionError(f"{what} must be a real number, got {v!r}")
    try:
        x = float(v)
    except OverflowError:
        raise ExpressionError(f"{what} is too large for a float") from None
    if not math.isfinite(x):
        raise ExpressionError(f"{what} must be finite, got {x}")
    return x
