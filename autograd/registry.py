"""The op registry: ``@op`` turns one rule into everything an op needs.

A rule is a plain function of floats returning ``(out, local_gradients)``: one local
gradient ∂out/∂input per input. Keyword-only arguments are static parameters (an
``alpha``, an exponent), not graph inputs. From that one function ``@op`` makes

- the function on Values or numbers (what the decorator returns, e.g. ``ag.tanh``),
- the ``Value`` method (``x.tanh()``) and, where the op declares one, the Python
  operator (``operator="+", dunders=("__add__", "__radd__")``): the engine binds the
  dunders, the command line's parser accepts the symbol, tables and errors write it,
- the display tag (``leaky_relu(α=0.1)``) that ``viz`` draws,
- an entry in ``OPS``: the generic gradient test checks every built-in op there at its
  ``examples``, the command line's parser calls ops by these names, and each node keeps
  its op's spec, which ``gradcheck`` re-runs to name a wrong local gradient.

Rules over sequences (``sum``, ``dot``, ``max``, ...) take ``sequences`` lists of floats
and make ONE node whose parents are all the elements.
"""

from __future__ import annotations

import copyreg
import functools
import inspect
import numbers
import pickle
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from autograd.forward import apply_nary, bind, is_operand, make_apply, operand
from autograd.spec import OpSpec, Rule
from autograd.value import Value

OPS: dict[str, OpSpec] = {}


def registered_op(name: str, static: dict[str, float]) -> OpSpec:
    """The registered op ``name`` with its static parameters: how a pickled node finds
    its op again (ops pickle by name, never their functions)."""
    if name not in OPS:
        raise pickle.UnpicklingError(
            f"op {name!r} is not registered in this process: import the module that "
            f"defines it before unpickling"
        )
    return bind(OPS[name], **static) if static else OPS[name]


copyreg.pickle(OpSpec, lambda spec: (registered_op, (spec.name, dict(spec.static))))
"""Every registered op by name, built-ins and user ops alike."""


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
            raise TypeError(
                f"op {name!r}: rule parameters must be positional inputs or "
                f"keyword-only static parameters, not {p}"
            )
    if positional == 0:
        raise TypeError(f"op {name!r}: the rule takes no inputs")
    return positional, static


def op(
    name: str,
    *,
    tag: str | None = None,
    sequences: int = 0,
    examples: Iterable[Sequence[float]] | None = None,
    check_output: bool = True,
    operator: str | None = None,
    dunders: Sequence[str] = (),
    number_form_of: str | None = None,
    local: Callable[..., Sequence[Any]] | None = None,
    array: Callable[..., Any] | None = None,
) -> Callable[[Rule], Callable]:
    """Register a rule ``f(floats..., *, static=default) -> (out, local_gradients)``.

    Returns the function on Values/numbers and adds the ``Value`` method of the same
    name (for one- and two-input ops). ``sequences=k`` declares an op over k equally
    long sequences (``sum``: 1, ``dot``: 2). ``examples`` are input points away from
    kinks where the generic gradient test checks the rule; the default suits ops
    defined on all reals. A name already taken raises ValueError.

    ``operator`` is the Python operator symbol the op is written with (``"+"``) and
    ``dunders`` the ``Value`` methods that are it (``("__add__", "__radd__")``; a
    ``__r...__`` method takes the number first): declaring them is all it takes for
    ``x + y``, the command line's parser and every table to know the operator.
    ``number_form_of="pow"`` says this op is what ``pow``'s operator makes when its
    second operand is a number, passed as this op's one static parameter (``x ** 2``).

    ``local`` declares the formula of each local gradient (``autograd.formula``): a
    function of the rule's inputs as symbols, with keyword-only ``out`` and static
    parameters if it uses them, returning one formula or number per input
    (``local=lambda a, b: (b, a)`` for mul; ``lambda a, *, out: (1 - out**2,)`` for
    tanh). Drawings write it on the edges; the op test checks it against the rule.

    ``array`` declares the rule on numpy arrays, for ``ag.compile``'s replay: a
    function ``(np, inputs..., *, static) -> (out, local_gradients)`` taking the numpy
    module first (autograd itself never imports numpy) and one array per input, with
    one element per node along the LAST axis: shape ``(g,)`` for a scalar input,
    ``(n, g)`` for a sequence of n. It returns ``out`` of shape ``(g,)`` and one local
    gradient per input (per sequence: ``(n, g)``), each an array or a number meaning
    the same for every node (``lambda np, a, b: (a + b, (1.0, 1.0))``). It may raise
    the rule's errors; the replay then re-runs the rule element by element for the
    exact message, as it does wherever a number came out NaN or infinite. The op test
    checks it against the rule. Without it, a compiled graph replays the op element
    by element.

    What the rule returns is checked on every call (real numbers, stored as floats; one
    local gradient per input; a complex or other result is a TypeError naming the op).
    The built-ins, whose results are floats by construction, skip that with
    ``check_output=False``.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"op name must be an identifier, got {name!r}")

    def register(rule: Rule) -> Callable:
        if name in OPS or (hasattr(Value, name) and not sequences):
            raise ValueError(f"op name {name!r} is already taken")
        arity, static = _signature(name, rule)
        _check_operator(name, operator, tuple(dunders), number_form_of, arity, sequences)
        if number_form_of is not None and (number_form_of not in OPS or len(static) != 1):
            raise TypeError(
                f"op {name!r}: number_form_of={number_form_of!r} needs a registered op and "
                "exactly one static parameter"
            )
        if sequences:
            if arity != sequences:
                raise TypeError(
                    f"op {name!r}: declares {sequences} sequence(s) but its rule takes {arity}"
                )
            arity = 0
        elif arity > 2:
            raise TypeError(f"op {name!r}: takes {arity} inputs; use sequences= for n-ary ops")
        checked = _checking(name, rule, sequences) if check_output else rule
        spec = OpSpec(
            name,
            tag or name,
            checked,
            arity,
            sequences,
            static,
            _examples(examples, arity, sequences),
            operator,
            tuple(dunders),
            number_form_of,
            _input_names(rule),
            local,
            array,
        )
        spec.apply = make_apply(spec) if arity else None
        function = _make_function(spec)
        spec.function = function
        OPS[name] = spec
        if not sequences:
            setattr(Value, name, _make_method(spec))
        for dunder in spec.dunders:
            setattr(Value, dunder, _reflected(spec) if dunder.startswith("__r") else spec.apply)
        if number_form_of is not None:
            base = OPS[number_form_of]
            for dunder in base.dunders:
                if not dunder.startswith("__r"):
                    setattr(Value, dunder, _with_number_form(base, spec))
        return function

    return register


UNARY_DUNDERS = ("__neg__", "__pos__", "__abs__", "__invert__")
BINARY_DUNDERS = tuple(
    f"__{r}{n}__"
    for n in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul")
    + ("and", "or", "xor", "lshift", "rshift")
    for r in ("", "r")
)
"""Python's operator methods an op may become (its data model; no comparisons, since a
Value hashes by identity)."""


def _check_operator(
    name: str,
    operator: str | None,
    dunders: tuple[str, ...],
    number_form_of: str | None,
    arity: int,
    sequences: int,
) -> None:
    """An operator declaration that fits Python and takes nothing another op has."""
    fitting = UNARY_DUNDERS if arity == 1 and not sequences else BINARY_DUNDERS
    for dunder in dunders:
        if dunder not in fitting:
            raise ValueError(
                f"op {name!r}: {dunder} is not an operator method for an op of {arity} "
                f"input(s); choose from {', '.join(fitting)}"
            )
        owner = next((s.name for s in OPS.values() if dunder in s.dunders), None)
        if owner is not None:
            raise ValueError(f"op {name!r}: {dunder} is already op {owner!r}'s")
    if operator is not None:
        if not dunders and number_form_of is None:
            raise ValueError(
                f"op {name!r}: operator={operator!r} needs the Value methods that are it, "
                f"e.g. dunders=('__mod__', '__rmod__')"
            )
        same = [s.name for s in OPS.values() if s.operator == operator and s.arity == arity]
        if same and number_form_of is None:
            raise ValueError(f"op {name!r}: the operator {operator!r} is already op {same[0]!r}")


def _input_names(rule: Rule) -> tuple[str, ...]:
    """The names of the rule's positional inputs (``a``, ``b``; ``xs``; ``ws``, ``xs``)."""
    return tuple(
        p.name
        for p in inspect.signature(rule).parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
    )


def _checking(name: str, rule: Rule, sequences: int) -> Rule:
    """``rule`` with its results checked: (out, local gradients) of real numbers, one
    local gradient per input, all as floats."""

    def real(x: object, what: str) -> float:
        if type(x) is float:
            return x  # type: ignore[return-value]
        if isinstance(x, numbers.Real) and not isinstance(x, bool):
            return float(x)
        raise TypeError(
            f"op {name!r}: the rule returned {type(x).__name__} {x!r} as its {what}; "
            "expected a real number"
        )

    @functools.wraps(rule)
    def checked(*inputs: Any, **static: Any) -> tuple[float, tuple[float, ...]]:
        result = rule(*inputs, **static)
        try:
            out, local = result
            local = tuple(local)
        except (TypeError, ValueError):
            raise TypeError(
                f"op {name!r}: the rule must return (out, local_gradients), got {result!r}"
            ) from None
        expected = sum(len(group) for group in inputs) if sequences else len(inputs)
        if len(local) != expected:
            raise TypeError(
                f"op {name!r}: the rule returned {len(local)} local gradient(s) "
                f"for {expected} input(s)"
            )
        return real(out, "output"), tuple(real(g, "local gradient") for g in local)

    return checked


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
                raise TypeError(
                    f"{spec.name}() takes {spec.sequences} sequence(s), got {len(sequences)}"
                )
            return apply_nary(bind(spec, **static), sequences)

    elif spec.arity == 1:

        def function(x: object, **static: Any) -> Value:
            return bind(spec, **static).apply(operand(x))

    else:

        def function(x: object, y: object, **static: Any) -> Value:
            return bind(spec, **static).apply(operand(x), operand(y))

    function.__name__ = function.__qualname__ = spec.name
    function.__doc__ = spec.doc
    function.__signature__ = _signature_of(spec, ("x", "y"))  # type: ignore[attr-defined]
    function.__wrapped__ = spec.rule  # type: ignore[attr-defined]
    return function


def _make_method(spec: OpSpec) -> Callable[..., Value]:
    """``x.name(...)``: the op's own apply when it has no static parameters."""
    if not spec.static:
        return spec.apply
    if spec.arity == 1:

        def method(self: Value, **static: Any) -> Value:
            return bind(spec, **static).apply(self)

    else:

        def method(self: Value, other: object, **static: Any) -> Value:
            return bind(spec, **static).apply(self, operand(other))

    method.__name__ = method.__qualname__ = spec.name
    method.__doc__ = spec.doc
    method.__signature__ = _signature_of(spec, ("self", "other"))  # type: ignore[attr-defined]
    return method


def _signature_of(spec: OpSpec, names: Sequence[str]) -> inspect.Signature:
    """The rule's signature with its inputs named ``names`` (``x.leaky_relu?`` in
    Jupyter then shows ``(self, *, alpha=0.1)``)."""
    params = list(inspect.signature(spec.rule).parameters.values())
    empty = inspect.Parameter.empty
    count = spec.sequences or spec.arity
    if spec.sequences:  # sequences of Values or numbers, under the rule's own names
        inputs = [p.replace(annotation=empty) for p in params[:count]]
    else:
        inputs = [p.replace(name=n, annotation=empty) for p, n in zip(params[:count], names)]
    return inspect.Signature(inputs + params[count:], return_annotation="Value")


def _reflected(spec: OpSpec) -> Callable[[Value, object], Value]:
    """``2 - x``: the number is the first operand."""
    apply = spec.apply

    def operator(self: Value, other: object, modulo: object = None) -> Value:
        if modulo is not None:
            raise TypeError(_MODULUS)
        if not is_operand(other):
            return NotImplemented
        return apply(operand(other), self)

    return _documented(operator, spec)


_MODULUS = "pow() with a modulus, pow(x, y, m), is not defined for Values (it is for ints)"


def _with_number_form(spec: OpSpec, number_form: OpSpec) -> Callable[[Value, object], Value]:
    """``x ** y``: a Value second operand makes ``spec``'s two-input node (``pow``, tag
    ``**``); a number is ``number_form``'s one static parameter (``powc``, one parent,
    tag ``**2``)."""
    (parameter,) = number_form.static

    def operator(self: Value, other: object, modulo: object = None) -> Value:
        if modulo is not None:
            raise TypeError(_MODULUS)
        if isinstance(other, Value):
            return spec.apply(self, other)
        if not is_operand(other):
            return NotImplemented
        return bind(number_form, **{parameter: other}).apply(self)

    return _documented(operator, spec)


def _documented(function: Callable[..., Value], spec: OpSpec) -> Callable[..., Value]:
    function.__name__ = spec.name
    function.__qualname__ = f"Value.{spec.name}"
    function.__doc__ = spec.doc
    return function
