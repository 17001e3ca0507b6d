"""Higher-order gradients: the chain rule run on Values, so that its result is a graph.

``grad(output, inputs)`` is ∂output/∂input for each input, functional: it writes no
``.grad`` anywhere. With ``create_graph=True`` it replays ``chain_rule_steps`` — the
same steps, in the same order — but every ``upstream × local`` is built from Values:
each op's local gradients come from the formulas it declares once in its registration
(``local=lambda a, b: (b, a)`` for mul, ``1 - out**2`` for tanh), evaluated with each
symbol bound to the node's parent, ``out`` to the node itself. The result is then an
ordinary graph: drawable by ``viz``, and differentiable again, so nested calls give any
order (x³ at 3: 27, 18, 6, 0). ``hessian`` is two such calls.

At a kink the second derivative follows the first's convention: a bracket such as
relu's ``[a > 0]`` becomes a ``step`` node, whose derivative is 0 everywhere, so
relu'' = 0 (at 0 too), leaky_relu'' = 0, abs'' = 0, and elu''(x) = αe^x for x <= 0 (the
left side, as elu'(0) = α is); max and min route by a constant 1 or 0, whose derivative
is 0.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from autograd.formula import Formula
from autograd.forward import apply_nary
from autograd.modes import current
from autograd.registry import OPS
from autograd.spec import OpSpec
from autograd.value import Value, chain_rule_steps, topo_order

Term = float | Value
"""A gradient while the chain rule builds it: a float is a constant (its derivative is
0 everywhere), a Value a node of the gradient's graph."""


def grad(output: Value, inputs: Sequence[Value], *, create_graph: bool = False) -> list[Value]:
    """∂output/∂input for each Value in ``inputs``, as a list of Values.

    Any node of output's graph may be an input (a leaf or an interior node); one the
    graph does not reach gets 0.0, and ``output`` itself gets 1.0. No ``.grad`` is
    read or written anywhere, so no parameter ever holds a reference to a gradient's
    graph.

    ``create_graph=False``: the results are new leaves holding ``chain_rule_steps``'
    float gradients (exactly ``backward()``'s numbers).

    ``create_graph=True``: each result is a Value with its own graph, built from the
    ops' declared local-gradient formulas evaluated on Values (inside ``no_grad`` too):
    its value equals the float gradient up to rounding, and ``grad`` of it gives the
    next derivative. Every result is a new node (one that would be a node of the
    original graph, d(x·y)/dx = y, is passed through a one-input ``sum``), labelled
    ``∂f/∂x`` when both ends are labelled. A user op registered without ``local=`` has
    no formulas to rebuild -> NotImplementedError naming it.

    Zeros, as in ``chain_rule_steps``: a contribution is left out when the upstream
    gradient or the local gradient is the constant 0 (step's slope, or everything
    upstream of one). A contribution whose upstream Value is 0 *at this point* is
    still built, since its derivative need not be 0 (x³ at 0: f' = 0, f''' = 6), except
    when the local gradient is inf or NaN there: then it is left out, which is the
    float path's 0 × inf = 0 (and treats its derivative as 0).
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad: output must be a Value, got {type(output).__name__}: {output!r}")
    wanted = _checked_inputs(inputs)
    if not create_graph:
        found = _float_gradients(output, wanted)
        return [Value(found.get(v, 0.0), _label(output, v)) for v in wanted]
    previous = current.recording
    current.recording = True  # the gradient's graph is recorded, even inside no_grad
    try:
        found = _value_gradients(output, wanted)
        return _as_new_nodes(output, wanted, found)
    finally:
        current.recording = previous


def hessian(fn: Callable[..., Value], inputs: Sequence[object]) -> list[list[float]]:
    """The matrix of second derivatives ∂²fn/∂x_i∂x_j at ``inputs`` (numbers or Values).

    ``fn(*values)`` must return a Value. Row i is the gradient of ∂fn/∂x_i, built with
    ``grad(..., create_graph=True)``; the matrix is symmetric up to rounding. Kinks
    follow the first derivative's convention (see this module). No ``.grad`` is written.
    """
    if isinstance(inputs, (Value, str, bytes)) or not isinstance(inputs, Sequence):
        raise TypeError(
            f"hessian: inputs must be a list or tuple of numbers or Values, "
            f"got {type(inputs).__name__}"
        )
    values = [x if isinstance(x, Value) else Value(x) for x in inputs]
    out = fn(*values)
    if not isinstance(out, Value):
        raise TypeError(f"hessian: fn must return a Value, got {type(out).__name__}: {out!r}")
    first = grad(out, values, create_graph=True)
    return [[g.data for g in grad(d, values)] for d in first]


# -- the inputs ----------------------------------------------------------------------


def _checked_inputs(inputs: object) -> list[Value]:
    if isinstance(inputs, Value):
        raise TypeError("grad: inputs must be a list or tuple of Values, got one Value (use [x])")
    if isinstance(inputs, (str, bytes)) or not isinstance(inputs, Sequence):
        raise TypeError(
            f"grad: inputs must be a list or tuple of Values, got {type(inputs).__name__}"
        )
    for i, v in enumerate(inputs):
        if not isinstance(v, Value):
            raise TypeError(f"grad: inputs[{i}] must be a Value, got {type(v).__name__}: {v!r}")
    return list(inputs)


def _label(output: Value, wrt: Value) -> str:
    """``∂f/∂x`` when both are labelled, '' otherwise; one order up ``∂²f/∂x²``, then
    ``∂³f/∂y∂x²`` (the last variable differentiated by is written first)."""
    if not (output.label and wrt.label):
        return ""
    order, top, denominators = 1, output.label, [wrt.label]
    parsed = _DERIVATIVE.fullmatch(output.label)
    if parsed is not None:
        power, top, below = parsed.groups()
        order += _from_superscript(power)
        for name in below.split("∂")[1:]:
            stem = name.rstrip(_SUPERSCRIPTS)
            denominators += [stem] * _from_superscript(name[len(stem) :])
    elif "/" in top:
        top = f"({top})"
    groups: list[list] = []  # [name, count] for each run of one variable
    for name in denominators:
        if groups and groups[-1][0] == name:
            groups[-1][1] += 1
        else:
            groups.append([name, 1])
    below = "".join(f"∂{name}{_superscript(count)}" for name, count in groups)
    return f"∂{_superscript(order)}{top}/{below}"


_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_DERIVATIVE = re.compile(f"∂([{_SUPERSCRIPTS}]*)([^/∂]+)/((?:∂[^∂/]+)+)")


def _superscript(n: int) -> str:
    return "" if n == 1 else "".join(_SUPERSCRIPTS[int(d)] for d in str(n))


def _from_superscript(text: str) -> int:
    return int("".join(str(_SUPERSCRIPTS.index(c)) for c in text)) if text else 1


# -- first order: the float chain rule, read off chain_rule_steps ----------------------


def _float_gradients(output: Value, wanted: list[Value]) -> dict[Value, float]:
    """The float gradient of each wanted node, summed as ``chain_rule_steps`` sums."""
    targets = set(wanted)
    found: dict[Value, float] = {output: 1.0}
    for step in chain_rule_steps(output):
        found[step.node] = step.upstream  # complete: every node using it has sent its part
        for parent, _, contribution in step.edges:
            if parent._op is None and parent in targets:  # a leaf: its sum is ours to keep
                found[parent] = found.get(parent, 0.0) + contribution
    return found


# -- any order: the same steps, upstream × local built from Values ----------------------


def _value_gradients(output: Value, wanted: list[Value]) -> dict[Value, Term]:
    """Each wanted node's gradient as a Term: ``chain_rule_steps`` replayed on Values."""
    targets = set(wanted)
    parts: dict[Value, list[Term]] = {output: [1.0]}  # the contributions each node receives
    found: dict[Value, Term] = {}
    for step in chain_rule_steps(output):
        node = step.node
        upstream = _total(parts.pop(node, []))  # complete, as step.upstream is
        if node in targets:
            found[node] = upstream
        if type(upstream) is float and upstream == 0.0:
            continue  # the constant 0 sends nothing back
        for parent, local, float_local in zip(node.parents, local_terms(node), node.local_grads):
            contribution = _times(upstream, local, float_local)
            if contribution is not None:
                parts.setdefault(parent, []).append(contribution)
    for v in wanted:
        if v not in found:  # a leaf (or output itself when it is one): its sum is complete
            found[v] = _total(parts.get(v, []))
    return found


def local_terms(node: Value) -> tuple[Term, ...]:
    """The node's local gradients rebuilt from its op's declared formulas, aligned with
    its parents: each symbol bound to that parent, ``out`` to the node (static
    parameters are numbers in the formulas already). A formula that is a number (add's
    1, step's 0) stays a float. An op without formulas -> NotImplementedError."""
    spec = node._op
    parents = node.parents
    formulas = _formulas(spec, _sizes(spec, len(parents)))
    env: dict[str, Value] = dict(zip(_symbols(spec, _sizes(spec, len(parents))), parents))
    env["out"] = node
    return tuple(_term(f.evaluate(env, OPS)) for f in formulas)


def _sizes(spec: OpSpec, n: int) -> tuple[int, ...]:
    return (n // spec.sequences,) * spec.sequences if spec.sequences else ()


@lru_cache(maxsize=1024)
def _formulas(spec: OpSpec, sizes: tuple[int, ...]) -> tuple[Formula, ...]:
    formulas = spec.formulas(sizes)
    if formulas is None:
        example = f"local=lambda {', '.join(spec.inputs)}: (...)"
        raise NotImplementedError(
            f"op {spec.name!r} declares no local-gradient formulas, so grad(create_graph="
            f"True), hessian and gradcheck(order=2) cannot rebuild its local gradients "
            f"from Values: register it with {example}, one formula per input in terms of "
            f"its inputs (and out), as the built-ins do (mul: local=lambda a, b: (b, a))"
        )
    return formulas


@lru_cache(maxsize=1024)
def _symbols(spec: OpSpec, sizes: tuple[int, ...]) -> tuple[str, ...]:
    return tuple(spec.symbol_names(sizes))


def _term(x: object) -> Term:
    return x if isinstance(x, Value) else float(x)  # type: ignore[arg-type]


def _times(upstream: Term, local: Term, float_local: float) -> Term | None:
    """upstream × local, without the nodes a constant 0, 1 or -1 would add; None for
    nothing to send."""
    if type(local) is float:
        if local == 0.0:
            return None
        if type(upstream) is float:
            return upstream * local
        if local == 1.0:
            return upstream
        return -upstream if local == -1.0 else upstream * local
    if type(upstream) is float:
        return local if upstream == 1.0 else (-local if upstream == -1.0 else upstream * local)
    if upstream.data == 0.0 and not math.isfinite(float_local):
        return None  # 0 × inf: the float path's 0 (see grad)
    return upstream * local


def _total(parts: list[Term]) -> Term:
    """The sum of a node's contributions: a float, one Value, or one ``sum`` node."""
    constant = sum(
        (p for p in parts if type(p) is float), 0.0
    )  # in order, as chain_rule_steps adds
    values = [p for p in parts if type(p) is not float]
    if not values:
        return constant
    if len(values) == 1 and constant == 0.0:
        return values[0]
    return apply_nary(OPS["sum"], (values + [constant] if constant else values,))


def _as_new_nodes(output: Value, wanted: list[Value], found: dict[Value, Term]) -> list[Value]:
    """The results as Values, each a node of its own (see ``grad``)."""
    existing: set[Value] | None = None
    results: list[Value] = []
    given: set[Value] = set()
    for v in wanted:
        g = found[v]
        if type(g) is float:
            result = Value(g)
        else:
            if existing is None:
                existing = set(topo_order(output))
            result = g
            if g in existing or g in given:
                result = apply_nary(OPS["sum"], ([g],))  # Σ(g) = g, a node of its own
            given.add(result)
        result.label = _label(output, v)
        results.append(result)
    return results
