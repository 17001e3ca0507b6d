"""Applying a rule to Values: the forward pass that makes one node per op.

``make_apply(spec)`` builds, once per op, the function that runs the op's rule on
Values and records the node: its parents and the local gradient of each edge. It is
the hot path of every forward pass, so it is a closure with everything it needs at
hand, used directly as the ``Value`` method and operator. Under ``no_grad`` it returns a
fresh leaf; under ``detect_anomaly`` it checks the numbers first.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Sequence
from itertools import chain
from typing import TYPE_CHECKING

from autograd.modes import current, state
from autograd.value import NARY, Value, as_float, describe

if TYPE_CHECKING:
    from autograd.spec import OpSpec

_new = object.__new__
ENGINE_ERRORS = (ValueError, ZeroDivisionError, OverflowError)
"""What a rule raises for bad input (outside its domain, division by zero, overflow)."""
INFIX = ("+", "-", "*", "/", "**")  # op tags written between their operands
_VALUE_TYPES = {Value}  # Value and the subclasses seen so far (nn.Parameter)


def is_operand(x: object) -> bool:
    """True for what an operator accepts beside a Value: a Value or a real number."""
    return isinstance(x, (Value, numbers.Real)) and not isinstance(x, bool)


def operand(x: object) -> Value:
    """A Value as is; a number as a constant leaf; anything else TypeError."""
    if isinstance(x, Value):
        _VALUE_TYPES.add(type(x))  # a subclass (nn.Parameter) passes the fast check next time
        return x
    return leaf(as_float(x, "operand"))


def leaf(data: float) -> Value:
    """A new leaf holding ``data`` (already a float): no checks, no graph."""
    v = _new(Value)
    v.data = data
    v.grad = 0.0
    v.label = ""
    v._op = None  # a leaf: its parent slots stay unset and are never read
    return v


def failure(spec: OpSpec, parents: Sequence[Value], exc: Exception) -> Exception:
    """The rule's error, re-raised with the op and the operands (values and labels)."""
    shown = [describe(p) for p in parents[:8]]
    if spec.tag in INFIX:
        where = f"{shown[0]} {spec.tag} {shown[1]}"
    elif spec.tag.startswith("**"):
        where = f"{shown[0]} {spec.tag}"
    else:
        more = f", ... ({len(parents)} inputs)" if len(parents) > 8 else ""
        where = f"{spec.tag}({', '.join(shown)}{more})"
    return type(exc)(f"{where}: {exc}")


def check_finite(
    spec: OpSpec, out: float, parents: Sequence[Value], local: Sequence[float]
) -> None:
    """Under detect_anomaly: a non-finite input, output or local gradient raises."""
    bad_inputs = [p for p in parents if not math.isfinite(p.data)]
    if not bad_inputs and math.isfinite(out) and all(math.isfinite(g) for g in local):
        return
    shown = ", ".join(describe(p) for p in parents[:8]) + (", ..." if len(parents) > 8 else "")
    what = (
        f"got a non-finite input {describe(bad_inputs[0])}"
        if bad_inputs
        else f"gave output {out!r} and local gradients {tuple(local)!r}"
    )
    raise FloatingPointError(f"detect_anomaly: {spec.tag}({shown}) {what}")


def make_apply(spec: OpSpec) -> Callable[..., Value]:
    """The function ``apply(x[, y])`` that runs ``spec`` on Values and records the node.

    For a two-input op ``y`` may also be a number (made a constant leaf); anything
    else returns NotImplemented, so it serves as the operator itself.

    The unary, binary and n-ary paths (here and in ``record_nary``) each write the
    node's slots out in full on purpose: a shared helper would cost a call per node on
    the hottest path of every forward pass (measured in ``benchmarks/``).
    """
    call = spec.call
    if spec.arity == 1:

        def apply_unary(x: Value) -> Value:
            try:
                out, (g,) = call(x.data)
            except ENGINE_ERRORS as exc:
                raise failure(spec, (x,), exc) from None
            if not state.plain:
                if current.anomaly:
                    check_finite(spec, out, (x,), (g,))
                if not current.recording:
                    return leaf(out)
            v = _new(Value)
            v.data = out
            v.grad = 0.0
            v.label = ""
            v._op = spec
            v._a = x
            v._b = None
            v._la = g
            return v

        return apply_unary

    def apply_binary(x: Value, y: object) -> Value:
        if type(y) is not Value and type(y) not in _VALUE_TYPES:
            if not is_operand(y):
                return NotImplemented
            y = operand(y)
        try:
            out, (gx, gy) = call(x.data, y.data)
        except ENGINE_ERRORS as exc:
            raise failure(spec, (x, y), exc) from None
        if not state.plain:
            if current.anomaly:
                check_finite(spec, out, (x, y), (gx, gy))
            if not current.recording:
                return leaf(out)
        v = _new(Value)
        v.data = out
        v.grad = 0.0
        v.label = ""
        v._op = spec
        v._a = x
        v._b = y
        v._la = gx
        v._lb = gy
        return v

    return apply_binary


def as_values(spec: OpSpec, group: Iterable[object]) -> tuple[Value, ...]:
    """The elements of one input sequence as Values (numbers become constant leaves)."""
    try:
        values = tuple(group)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(
            f"{spec.name}() takes iterables of Values or numbers, got {type(group).__name__}"
        ) from None
    if _VALUE_TYPES.issuperset(map(type, values)):
        return values
    for x in values:
        if isinstance(x, Value):
            _VALUE_TYPES.add(type(x))  # a subclass: remember it for the check above
    return tuple(map(operand, values))


def apply_nary(spec: OpSpec, groups: Sequence[Iterable[object]]) -> Value:
    """Run an op over sequences: ONE node whose parents are all the elements."""
    if len(groups) == 1:
        parents = as_values(spec, groups[0])
        n = len(parents)
        inputs = ([p.data for p in parents],)
    else:
        seqs = [as_values(spec, g) for g in groups]
        n = len(seqs[0])
        for s in seqs:
            if len(s) != n:
                lengths = [len(s) for s in seqs]
                raise ValueError(f"{spec.name}: sequences differ in length {lengths}")
        parents = seqs[0] + seqs[1] if len(seqs) == 2 else tuple(chain.from_iterable(seqs))
        inputs = [[p.data for p in s] for s in seqs]
    if n == 0:
        raise ValueError(f"{spec.name}: needs at least one value, got none")
    return record_nary(spec, parents, inputs)


def record_nary(spec: OpSpec, parents: tuple[Value, ...], inputs: Sequence[list[float]]) -> Value:
    """The n-ary node of ``spec`` from checked ``parents`` and their data grouped as the
    rule takes it (one list per sequence).

    ``apply_nary`` calls it after checking its inputs; a caller that checked once for
    many nodes (an nn layer feeding the same inputs to all of its neurons) may call it
    directly and skip re-checking them per node.
    """
    try:
        out, local = spec.call(*inputs)
    except ENGINE_ERRORS as exc:
        raise failure(spec, parents, exc) from None
    if not state.plain:
        if current.anomaly:
            check_finite(spec, out, parents, local)
        if not current.recording:
            return leaf(out)
    v = _new(Value)
    v.data = out
    v.grad = 0.0
    v.label = ""
    v._op = spec
    v._a = parents
    v._b = NARY
    v._la = tuple(local)
    return v
