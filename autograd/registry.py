"""The op registry: ``@op`` turns one rule into everything an op needs.

A rule is a plain function of floats returning ``(out, local_gradients)``: one local
gradient ∂out/∂input per input. Keyword-only arguments are static parameters (an
``alpha``, an exponent), not graph inputs. From that one function ``@op`` makes

- the function on Values or numbers (what the decorator returns, e.g. ``ag.tanh``),
- the ``Value`` method (``x.tanh()``) and, where one applies, the operator (``x + y``),
- the display tag (``leaky_relu(α=0.1)``) that ``viz`` draws,
- an entry in ``OPS`` that the generic gradient test and the gradient checker run over.

Rules over sequences (``sum``, ``dot``, ``max``, ...) take ``sequences`` lists of floats
and make ONE node whose parents are all the elements.
"""

from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

from autograd.modes import state
from autograd.value import NARY, Value, as_float, describe

Rule = Callable[..., tuple[float, Sequence[float]]]

OPS: dict[str, OpSpec] = {}
"""Every registered op by name, built-ins and user ops alike."""

_SYMBOLS = {"alpha": "α", "beta": "β"}
_new = object.__new__
_TAG_CACHE_LIMIT = 4096


def format_number(x: float) -> str:
    """A short, exact-enough number for tags: 2.0 -> '2', 0.1 -> '0.1'."""
    x = float(x)
    if x.is_integer() and abs(x) < 1e16:
        return str(int(x))
    return repr(x)


def _tag(template: str, name: str, values: dict[str, float]) -> str:
    """The display tag of an op with static parameters: 'leaky_relu(α=0.1)', '**2'."""
    shown = {k: format_number(v) for k, v in values.items()}
    if "{" in template:  # a template such as "**{exponent}"
        return template.format(**shown)
    return f"{name}(" + ", ".join(f"{_SYMBOLS.get(k, k)}={v}" for k, v in shown.items()) + ")"


class OpSpec:
    """One registered op: its rule, arity, static parameters and display tag.

    ``bind(**static)`` gives the spec of the op with its static parameters fixed
    (cached), which is what a node stores as its ``_op``.
    """

    __slots__ = (
        "name", "tag", "rule", "arity", "sequences", "static", "examples",
        "function", "call", "_bound",
    )  # fmt: skip

    def __init__(self, name: str, tag: str, rule: Rule, arity: int, sequences: int,
                 static: dict[str, Any], examples: tuple) -> None:  # fmt: skip
        self.name = name
        self.tag = tag
        self.rule = rule
        self.arity = arity  # number of scalar inputs; 0 for an op over sequences
        self.sequences = sequences
        self.static = static  # the values of the static parameters (defaults when unbound)
        self.examples = examples
        self.function: Callable[..., Value] | None = None
        self.call = partial(rule, **static) if static else rule
        self._bound: dict[tuple, OpSpec] = {}

    def __repr__(self) -> str:
        return f"<op {self.tag}>"

    def bind(self, **static: Any) -> OpSpec:
        """This op with its static parameters set (defaults for those not given)."""
        if not self.static:
            if static:
                raise TypeError(f"{self.name}: takes no parameters, got {sorted(static)}")
            return self
        unknown = set(static) - set(self.static)
        if unknown:
            raise TypeError(f"{self.name}: unknown parameter(s) {sorted(unknown)}; "
                            f"it takes {sorted(self.static)}")  # fmt: skip
        values = {k: as_float(static.get(k, v), f"{self.name} parameter {k}")
                  for k, v in self.static.items()}  # fmt: skip
        key = tuple(values.values())
        spec = self._bound.get(key)
        if spec is None:
            spec = OpSpec(self.name, _tag(self.tag, self.name, values), self.rule, self.arity,
                          self.sequences, values, self.examples)  # fmt: skip
            spec.function = self.function
            if len(self._bound) < _TAG_CACHE_LIMIT:
                self._bound[key] = spec
        return spec

    def evaluate(self, inputs: Sequence[float]) -> tuple[float, tuple[float, ...]]:
        """The rule on a flat list of input floats (split into sequences as needed)."""
        if self.sequences:
            n = len(inputs) // self.sequences
            groups = [list(inputs[i * n : (i + 1) * n]) for i in range(self.sequences)]
            out, local = self.call(*groups)
        else:
            out, local = self.call(*inputs)
        return out, tuple(local)


# -- making nodes ----------------------------------------------------------------------


def operand(x: object) -> Value:
    """A Value as is; a number as a constant leaf; anything else TypeError."""
    if isinstance(x, Value):
        return x
    v = _new(Value)
    v.data = as_float(x, "operand")
    v.grad = 0.0
    v.label = ""
    v._op = None
    v._a = v._b = v._la = v._lb = None
    return v


def _leaf(out: float) -> Value:
    v = _new(Value)
    v.data = out
    v.grad = 0.0
    v.label = ""
    v._op = None
    v._a = v._b = v._la = v._lb = None
    return v


def _checked(spec: OpSpec, out: float, parents: Sequence[Value], local: Sequence[float]) -> None:
    """Under detect_anomaly: a non-finite output or local gradient raises."""
    if math.isfinite(out) and all(math.isfinite(g) for g in local):
        return
    shown = ", ".join(describe(p) for p in parents)
    raise FloatingPointError(
        f"detect_anomaly: {spec.tag}({shown}) gave output {out!r} and local gradients "
        f"{tuple(local)!r}"
    )


def _fail(spec: OpSpec, parents: Sequence[Value], exc: Exception) -> Exception:
    """The rule's error, re-raised with the op and the operands (values and labels)."""
    shown = [describe(p) for p in parents[:8]]
    if spec.tag in ("+", "-", "*", "/", "**"):
        where = f"{shown[0]} {spec.tag} {shown[1]}"
    elif spec.tag.startswith("**"):
        where = f"{shown[0]} {spec.tag}"
    else:
        more = f", ... ({len(parents)} inputs)" if len(parents) > 8 else ""
        where = f"{spec.tag}({', '.join(shown)}{more})"
    return type(exc)(f"{where}: {exc}")


def unary(spec: OpSpec, x: Value) -> Value:
    """Apply a one-input op to a Value."""
    try:
        out, (g,) = spec.call(x.data)
    except (ValueError, ZeroDivisionError, OverflowError) as exc:
        raise _fail(spec, (x,), exc) from None
    if not state.plain:
        if state.anomaly:
            _checked(spec, out, (x,), (g,))
        if not state.recording:
            return _leaf(out)
    v = _new(Value)
    v.data = out
    v.grad = 0.0
    v.label = ""
    v._op = spec
    v._a = x
    v._b = None
    v._la = g
    v._lb = None
    return v


def binary(spec: OpSpec, x: Value, y: Value) -> Value:
    """Apply a two-input op to two Values."""
    try:
        out, (gx, gy) = spec.call(x.data, y.data)
    except (ValueError, ZeroDivisionError, OverflowError) as exc:
        raise _fail(spec, (x, y), exc) from None
    if not state.plain:
        if state.anomaly:
            _checked(spec, out, (x, y), (gx, gy))
        if not state.recording:
            return _leaf(out)
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


def nary(spec: OpSpec, groups: Sequence[Iterable[object]]) -> Value:
    """Apply an op over sequences: ONE node whose parents are all the elements."""
    seqs = [[operand(x) for x in group] for group in groups]
    n = len(seqs[0])
    if any(len(s) != n for s in seqs):
        raise ValueError(f"{spec.name}: sequences differ in length {[len(s) for s in seqs]}")
    if n == 0:
        raise ValueError(f"{spec.name}: needs at least one value, got none")
    parents = tuple(seqs[0]) if len(seqs) == 1 else tuple(p for s in seqs for p in s)
    try:
        out, local = spec.call(*[[p.data for p in s] for s in seqs])
    except (ValueError, ZeroDivisionError, OverflowError) as exc:
        raise _fail(spec, parents, exc) from None
    if not state.plain:
        if state.anomaly:
            _checked(spec, out, parents, local)
        if not state.recording:
            return _leaf(out)
    v = _new(Value)
    v.data = out
    v.grad = 0.0
    v.label = ""
    v._op = spec
    v._a = parents
    v._b = NARY
    v._la = tuple(local)
    v._lb = None
    return v


# -- the decorator ---------------------------------------------------------------------

_DUNDERS = {
    "add": ("__add__", "__radd__"),
    "sub": ("__sub__", "__rsub__"),
    "mul": ("__mul__", "__rmul__"),
    "div": ("__truediv__", "__rtruediv__"),
    "neg": ("__neg__",),
    "abs": ("__abs__",),
}


def _signature(name: str, rule: Rule) -> tuple[int, dict[str, Any]]:
    """(number of positional inputs, static keyword-only parameters with defaults)."""
    positional, static = 0, {}
    for p in inspect.signature(rule).parameters.values():
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty:
            positional += 1
        elif p.kind is p.KEYWORD_ONLY:
            if p.default is p.empty:
                raise TypeError(f"op {name!r}: static parameter {p.name!r} needs a default")
            static[p.name] = p.default
        else:
            raise TypeError(f"op {name!r}: rule parameters must be positional inputs or "
                            f"keyword-only static parameters, not {p}")  # fmt: skip
    if positional == 0:
        raise TypeError(f"op {name!r}: the rule takes no inputs")
    return positional, static


def op(name: str, *, tag: str | None = None, sequences: int = 0,
       examples: Iterable[Sequence[float]] | None = None) -> Callable[[Rule], Callable]:  # fmt: skip
    """Register a rule ``f(floats..., *, static=default) -> (out, local_gradients)``.

    Returns the function on Values/numbers and adds the ``Value`` method of the same
    name (for one- and two-input ops). ``sequences=k`` declares an op over k equally
    long sequences (``sum``: 1, ``dot``: 2). ``examples`` are input points away from
    kinks where the generic gradient test checks the rule; the default suits ops
    defined on all reals. A name already taken raises ValueError.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"op name must be an identifier, got {name!r}")

    def register(rule: Rule) -> Callable:
        if name in OPS or (hasattr(Value, name) and not sequences):
            raise ValueError(f"op name {name!r} is already taken")
        arity, static = _signature(name, rule)
        if sequences:
            if arity != sequences:
                raise TypeError(f"op {name!r}: declares {sequences} sequence(s) but its "
                                f"rule takes {arity}")  # fmt: skip
            arity = 0
        elif arity > 2:
            raise TypeError(f"op {name!r}: takes {arity} inputs; use sequences= for n-ary ops")
        spec = OpSpec(name, tag or name, rule, arity, sequences, static,
                      _examples(examples, arity, sequences))  # fmt: skip
        function = _make_function(spec)
        spec.function = function
        OPS[name] = spec
        if not sequences:
            setattr(Value, name, _make_method(spec))
        for dunder in _DUNDERS.get(name, ()):
            setattr(Value, dunder, _make_operator(spec, reflected=dunder.startswith("__r")))
        return function

    return register


def _examples(given, arity: int, sequences: int) -> tuple[tuple[float, ...], ...]:
    if given is not None:
        return tuple(tuple(float(x) for x in point) for point in given)
    if sequences:
        return ((0.3, -1.2, 2.1, 0.7) * sequences, (-0.5, 1.5) * sequences)
    base = (0.7, -1.3, 2.1, -0.4)
    return tuple(tuple(base[(i + j) % 4] for j in range(arity)) for i in range(3))


def _make_function(spec: OpSpec) -> Callable[..., Value]:
    """The module-level function: accepts Values or numbers."""
    if spec.sequences:

        def function(*sequences: Iterable[object], **static: Any) -> Value:
            if len(sequences) != spec.sequences:
                raise TypeError(f"{spec.name}() takes {spec.sequences} sequence(s), "
                                f"got {len(sequences)}")  # fmt: skip
            return nary(spec.bind(**static), [_as_sequence(spec, s) for s in sequences])

    elif spec.arity == 1:

        def function(x: object, **static: Any) -> Value:
            return unary(spec.bind(**static), operand(x))

    else:

        def function(x: object, y: object, **static: Any) -> Value:
            return binary(spec.bind(**static), operand(x), operand(y))

    function.__name__ = function.__qualname__ = spec.name
    function.__doc__ = spec.rule.__doc__
    function.__wrapped__ = spec.rule  # type: ignore[attr-defined]
    return function


def _as_sequence(spec: OpSpec, values: object) -> Iterable[object]:
    if isinstance(values, (Value, str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(f"{spec.name}() takes iterables of Values or numbers, "
                        f"got {type(values).__name__}")  # fmt: skip
    return values


def _make_method(spec: OpSpec) -> Callable[..., Value]:
    if spec.arity == 1:
        if spec.static:

            def method(self: Value, **static: Any) -> Value:
                return unary(spec.bind(**static), self)

        else:

            def method(self: Value) -> Value:
                return unary(spec, self)

    else:

        def method(self: Value, other: object, **static: Any) -> Value:
            return binary(spec.bind(**static), self, operand(other))

    method.__name__ = method.__qualname__ = spec.name
    method.__doc__ = spec.rule.__doc__
    return method


def _make_operator(spec: OpSpec, reflected: bool) -> Callable[..., Value]:
    if spec.arity == 1:

        def operator(self: Value) -> Value:
            return unary(spec, self)

    elif reflected:

        def operator(self: Value, other: object) -> Value:
            if not _is_operand(other):
                return NotImplemented
            return binary(spec, operand(other), self)

    else:

        def operator(self: Value, other: object) -> Value:
            if type(other) is not Value and not _is_operand(other):
                return NotImplemented
            return binary(spec, self, operand(other))

    return operator


def _is_operand(x: object) -> bool:
    return isinstance(x, (Value, numbers.Real)) and not isinstance(x, bool)


def bind_power_operators(pow_spec: OpSpec, powc_spec: OpSpec) -> None:
    """``x ** y``: a number exponent is a static parameter (``powc``, one parent, tag
    ``**2``); a Value exponent makes a two-input ``pow`` node (tag ``**``)."""

    def __pow__(self: Value, other: object) -> Value:
        if isinstance(other, Value):
            return binary(pow_spec, self, other)
        if not _is_operand(other):
            return NotImplemented
        return unary(powc_spec.bind(exponent=other), self)

    def __rpow__(self: Value, other: object) -> Value:
        if not _is_operand(other):
            return NotImplemented
        return binary(pow_spec, operand(other), self)

    Value.__pow__ = __pow__  # type: ignore[method-assign]
    Value.__rpow__ = __rpow__  # type: ignore[attr-defined]
