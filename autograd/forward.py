"""The forward pass: running an op's rule on Values and recording one node.

``make_apply(spec)`` builds, once per op, the function that runs the op's rule on
Values and records the node: its parents and the local gradient of each edge. It is
the hot path of every forward pass, so it is a closure with everything it needs at
hand, used directly as the ``Value`` method and operator. Under ``no_grad`` it returns a
fresh leaf; under ``detect_anomaly`` it checks the numbers first. ``bind`` fixes an
op's static parameters (one spec, with its own ``apply``, per setting).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from itertools import chain
from typing import Any

from autograd.modes import all_threads, current
from autograd.spec import OpSpec, bound_tag
from autograd.value import MANY_INPUTS, VALUE_TYPES, Value, as_float, describe

_new = object.__new__
ENGINE_ERRORS = (ValueError, ZeroDivisionError, OverflowError)
"""What a rule raises for bad input (outside its domain, division by zero, overflow)."""
_BOUND_CACHE_LIMIT = 4096


def is_operand(x: object) -> bool:
    """True for what an operator accepts beside a Value: a Value or a real number."""
    return isinstance(x, (Value, numbers.Real)) and not isinstance(x, bool)


def operand(x: object) -> Value:
    """A Value as is; a number as a constant leaf; anything else TypeError."""
    if isinstance(x, Value):
        return x
    return leaf(as_float(x, "operand"))


def leaf(data: float) -> Value:
    """A new leaf holding ``data`` (already a float): no checks, no graph."""
    v = _new(Value)
    v.data = data
    v.grad = 0.0
    v.label = ""
    v._op = None  # a leaf: its input slots stay unset and are never read
    return v


def failure(spec: OpSpec, parents: Sequence[Value], exc: Exception) -> Exception:
    """The rule's error, re-raised with the op and the operands (values and labels)."""
    shown = [describe(p) for p in parents[:8]]
    if spec.operator is not None and spec.arity == 2:
        where = spec.write(shown)
    elif spec.operator is not None:
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
    node's slots (see ``Value``) out in full on purpose: a shared helper would cost a
    call per node on the hottest path of every forward pass (measured in ``benchmarks/``).
    """
    call = spec.call
    if spec.arity == 1:

        def apply_unary(x: Value) -> Value:
            try:
                out, (g,) = call(x.data)
            except ENGINE_ERRORS as exc:
                raise failure(spec, (x,), exc) from None
            if not all_threads.plain:
                if current.anomaly:
                    check_finite(spec, out, (x,), (g,))
                if not current.recording:
                    return leaf(out)
            v = _new(Value)
            v.data = out
            v.grad = 0.0
            v.label = ""
            v._op = spec
            v._x = x
            v._y = None
            v._dx = g
            return v

        return _named(apply_unary, spec)

    def apply_binary(x: Value, y: object) -> Value:
        if type(y) is not Value and type(y) not in VALUE_TYPES:
            if not is_operand(y):
                return NotImplemented
            y = operand(y)
        try:
            out, (gx, gy) = call(x.data, y.data)
        except ENGINE_ERRORS as exc:
            raise failure(spec, (x, y), exc) from None
        if not all_threads.plain:
            if current.anomaly:
                check_finite(spec, out, (x, y), (gx, gy))
            if not current.recording:
                return leaf(out)
        v = _new(Value)
        v.data = out
        v.grad = 0.0
        v.label = ""
        v._op = spec
        v._x = x
        v._y = y
        v._dx = gx
        v._dy = gy
        return v

    return _named(apply_binary, spec)


def _named(apply: Callable[..., Value], spec: OpSpec) -> Callable[..., Value]:
    """``apply`` under the op's name, with the rule's docstring (``help(Value.tanh)``)."""
    apply.__name__ = spec.name
    apply.__qualname__ = f"Value.{spec.name}"
    apply.__doc__ = spec.doc
    apply.__module__ = spec.rule.__module__
    return apply


def bind(spec: OpSpec, **static: Any) -> OpSpec:
    """``spec`` with its static parameters set (defaults for those not given), cached."""
    if not spec.static:
        if static:
            raise TypeError(f"{spec.name}: takes no parameters, got {sorted(static)}")
        return spec
    unknown = set(static) - set(spec.static)
    if unknown:
        raise TypeError(
            f"{spec.name}: unknown parameter(s) {sorted(unknown)}; it takes {sorted(spec.static)}"
        )
    values = {
        k: as_float(static.get(k, v), f"{spec.name} parameter {k}") for k, v in spec.static.items()
    }
    key = tuple(values.values())
    bound = spec.bound.get(key)
    if bound is None:
        bound = replace(spec, tag=bound_tag(spec.tag, spec.name, values), static=values)
        bound.bound = {}
        bound.apply = make_apply(bound) if bound.arity else None
        if len(spec.bound) < _BOUND_CACHE_LIMIT:
            spec.bound[key] = bound
    return bound


def apply_nary(spec: OpSpec, groups: Sequence[Iterable[object]]) -> Value:
    """Run an op over sequences: ONE node whose parents are all the elements.

    The elements are copied once, into the parents tuple, and their types are checked
    in one pass over it (numbers become constant leaves); their numbers are then
    gathered once and split into the rule's sequences.
    """
    try:
        sizes = [len(g) for g in groups]  # type: ignore[arg-type]
    except TypeError:  # an iterator: read each group once
        return apply_nary(spec, [_materialised(spec, g) for g in groups])
    n = sizes[0]
    if len(groups) == 1:
        parents = tuple(groups[0])
    elif len(groups) == 2:
        parents = (*groups[0], *groups[1])
        if sizes[1] != n:
            raise ValueError(f"{spec.name}: sequences differ in length {sizes}")
    else:
        parents = tuple(chain.from_iterable(groups))
        if sizes.count(n) != len(sizes):
            raise ValueError(f"{spec.name}: sequences differ in length {sizes}")
    if n == 0:
        raise ValueError(f"{spec.name}: needs at least one value, got none")
    if not VALUE_TYPES.issuperset(map(type, parents)):
        parents = tuple(map(operand, parents))
    data = [p.data for p in parents]
    if len(groups) == 1:
        return record_nary(spec, parents, (data,))
    if len(groups) == 2:
        return record_nary(spec, parents, (data[:n], data[n:]))
    return record_nary(spec, parents, [data[i * n : (i + 1) * n] for i in range(len(groups))])


def _materialised(spec: OpSpec, group: object) -> tuple[object, ...]:
    if not isinstance(group, Iterable):
        raise TypeError(
            f"{spec.name}() takes iterables of Values or numbers, got {type(group).__name__}"
        )
    return tuple(group)


def record_nary(spec: OpSpec, parents: tuple[Value, ...], inputs: Sequence[list[float]]) -> Value:
    """The n-ary node of ``spec`` from checked ``parents`` and their data grouped as the
    rule takes it (one list per sequence).

    ``apply_nary`` calls it after checking its inputs, ``ops.unchecked_dot`` for a
    caller that checked them.
    """
    try:
        out, local = spec.call(*inputs)
    except ENGINE_ERRORS as exc:
        raise failure(spec, parents, exc) from None
    if not all_threads.plain:
        if current.anomaly:
            check_finite(spec, out, parents, local)
        if not current.recording:
            return leaf(out)
    v = _new(Value)
    v.data = out
    v.grad = 0.0
    v.label = ""
    v._op = spec
    v._x = parents
    v._y = MANY_INPUTS
    v._dx = tuple(local)
    return v
