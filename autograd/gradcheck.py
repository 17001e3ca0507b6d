"""Numeric vs analytic gradients: the check the lecture recommends.

``numerical_grad`` differentiates any function of Values by central differences;
``gradcheck`` compares that with backward and, on a mismatch, also tests each op's
stored local gradients against a finite difference of that op alone, to name the rule
that is wrong. ``gradcheck(..., order=2)`` does the same one order up: the second
derivatives from ``grad(create_graph=True)`` against central differences of the first
derivatives, and on a mismatch each op's declared local-gradient formulas, rebuilt
from Values and differentiated, against finite differences of its rule's local
gradients.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from autograd.forward import ENGINE_ERRORS, apply_nary
from autograd.higher_order import grad, local_terms
from autograd.modes import is_grad_enabled, no_grad
from autograd.value import Value, topo_order


class GradcheckError(AssertionError):
    """Analytic and numeric gradients disagree; the message says where."""


def _as_values(inputs: Sequence[object]) -> list[Value]:
    if isinstance(inputs, Value) or not isinstance(inputs, Sequence):
        raise TypeError("inputs must be a list or tuple of Values or numbers")
    return [x if isinstance(x, Value) else Value(x) for x in inputs]


def _scalar(fn: Callable[..., Value], values: list[Value]) -> float:
    out = fn(*values)
    if not isinstance(out, (Value, int, float)):
        raise TypeError(f"fn must return a Value, got {type(out).__name__}")
    return float(out)


def numerical_grad(
    fn: Callable[..., Value], inputs: Sequence[object], eps: float = 1e-6
) -> list[float]:
    """∂fn/∂input_i by central differences (f(x+h) - f(x-h)) / 2h, for every input.

    The step is relative, h = eps·max(1, |x|): an absolute 1e-6 would vanish in the
    rounding of an input like 1e300. ``fn(*inputs)`` must return a Value; inputs may be
    Values or numbers, and each Value's ``data`` is restored exactly afterwards (even
    if ``fn`` raises).
    """
    eps = _positive("numerical_grad: eps", eps)
    values = _as_values(inputs)
    grads = []
    with no_grad():
        for v in values:
            h = step(v.data, eps)
            plus, minus = _either_side(v, h, lambda: _scalar(fn, values))
            grads.append((plus - minus) / (2.0 * h))
    return grads


def _either_side(v: Value, h: float, evaluate: Callable[[], object]) -> tuple:
    """``evaluate()`` with ``v.data`` moved by +h, then by -h; the data restored exactly
    afterwards, even if ``evaluate`` raises."""
    original = v.data
    try:
        v.data = original + h
        plus = evaluate()
        v.data = original - h
        minus = evaluate()
    finally:
        v.data = original
    return plus, minus


def step(x: float, eps: float) -> float:
    """The finite-difference step at ``x``: eps, scaled up with |x| past 1."""
    return eps * max(1.0, abs(x)) if math.isfinite(x) else eps


def _positive(what: str, x: object) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not (math.isfinite(x) and x > 0):
        raise ValueError(f"{what} must be a positive finite number, got {x!r}")
    return float(x)


def _nonnegative(what: str, x: object) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not (math.isfinite(x) and x >= 0):
        raise ValueError(f"{what} must be a finite number >= 0, got {x!r}")
    return float(x)


def _number(x: float) -> str:
    """A number in a message: 10 significant digits (7.75, not 7.749999999528967)."""
    return f"{x:.10g}"


def _numbers(xs) -> str:
    return "(" + ", ".join(_number(float(x)) for x in xs) + ")"


def _close(analytic: float, numeric: float, atol: float, rtol: float) -> bool:
    return abs(analytic - numeric) <= atol + rtol * abs(numeric)


def _name(i: int, v: Value) -> str:
    return f"input {i} ({v.label!r})" if v.label else f"input {i}"


def _wrong_rules(root: Value, eps: float, atol: float, rtol: float) -> list[str]:
    """Ops in the graph whose stored local gradient disagrees with a finite difference."""
    found: list[str] = []
    for node in topo_order(root):
        spec = node._op
        if spec is None:
            continue
        xs = [p.data for p in node.parents]
        for i, stored in enumerate(node.local_grads):
            plus, minus = list(xs), list(xs)
            h = step(xs[i], eps)
            plus[i] += h
            minus[i] -= h
            try:
                numeric = (spec.evaluate(plus)[0] - spec.evaluate(minus)[0]) / (2.0 * h)
            except ENGINE_ERRORS:
                continue  # the finite difference leaves the op's domain: no verdict
            if not _close(stored, numeric, atol, rtol):
                found.append(
                    f"{node.op} at inputs {_numbers(xs)}: stored local gradient "
                    f"{_number(stored)} for input {i}, finite difference {_number(numeric)}"
                )
    return found


def gradcheck(
    fn: Callable[..., Value],
    inputs: Sequence[object],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    order: int = 1,
) -> bool:
    """True when backward's gradients match central differences for every input.

    The test is PyTorch's: ``|analytic - numeric| <= atol + rtol·|numeric|``. Otherwise
    raises GradcheckError naming each input (index and label) with both values, and the
    op(s) whose local gradient is wrong. Inputs' ``grad`` fields are left as they were.

    ``order=2`` also checks every second derivative ∂²fn/∂x_i∂x_j, from
    ``grad(create_graph=True)`` twice, against central differences of the first
    derivatives (``grad`` on floats, at x_j ± eps); a mismatch names both inputs, both
    numbers, and the op(s) whose second-order rule — its declared ``local=`` formulas —
    disagrees. At a kink the numeric side is meaningless: check away from kinks.
    """
    if order not in (1, 2):
        raise ValueError(f"gradcheck: order must be 1 or 2, got {order!r}")
    eps = _positive("gradcheck: eps", eps)
    atol = _nonnegative("gradcheck: atol", atol)
    rtol = _nonnegative("gradcheck: rtol", rtol)
    if not is_grad_enabled():
        raise RuntimeError(
            "gradcheck was called inside no_grad(): no graph is recorded there, so every "
            "analytic gradient would read 0. Call it outside no_grad()"
        )
    values = _as_values(inputs)
    saved = [v.grad for v in values]
    try:
        for v in values:
            v.grad = 0.0
        out = fn(*values)
        if not isinstance(out, Value):
            raise TypeError(f"fn must return a Value, got {type(out).__name__}")
        out.backward()
        analytic = [v.grad for v in values]
    finally:
        for v, g in zip(values, saved):
            v.grad = g
    numeric = numerical_grad(fn, values, eps=eps)
    bad = [
        f"{_name(i, v)}: numeric {_number(n)}, analytic {_number(a)}"
        for i, (v, a, n) in enumerate(zip(values, analytic, numeric))
        if not (_close(a, n, atol, rtol) or (math.isnan(a) and math.isnan(n)))
    ]
    if bad:
        rules = _wrong_rules(out, eps, atol, rtol)
        blame = (
            ("\nop(s) whose local gradient disagrees:\n  " + "\n  ".join(rules)) if rules else ""
        )
        raise GradcheckError("gradcheck failed:\n  " + "\n  ".join(bad) + blame)
    if order == 2:
        _check_second_order(fn, out, values, eps, atol, rtol)
    return True


def _check_second_order(
    fn: Callable[..., Value],
    out: Value,
    values: list[Value],
    eps: float,
    atol: float,
    rtol: float,
) -> None:
    """Second derivatives, analytic (grad of grad) vs numeric (differences of grad)."""
    analytic = [[g.data for g in grad(d, values)] for d in grad(out, values, create_graph=True)]
    numeric = _numerical_second(fn, values, eps)
    bad = [
        f"∂²/∂x_i∂x_j, {_name(i, values[i])} and {_name(j, values[j])}: "
        f"numeric {_number(n)}, analytic {_number(a)}"
        for i, (a_row, n_row) in enumerate(zip(analytic, numeric))
        for j, (a, n) in enumerate(zip(a_row, n_row))
        if not (_close(a, n, atol, rtol) or (math.isnan(a) and math.isnan(n)))
    ]
    if bad:
        rules = _wrong_second_order_rules(out, eps, atol, rtol)
        blame = (
            ("\nop(s) whose second-order rule (local= formula) disagrees:\n  " + "\n  ".join(rules))
            if rules
            else ""
        )
        raise GradcheckError("gradcheck (order 2) failed:\n  " + "\n  ".join(bad) + blame)


def _numerical_second(
    fn: Callable[..., Value], values: list[Value], eps: float
) -> list[list[float]]:
    """H[i][j] = (∂fn/∂x_i at x_j + h - at x_j - h) / 2h (h: ``step``), first derivatives from
    ``grad`` (the ops' float rules); each input's data is restored exactly."""
    rows = [[0.0] * len(values) for _ in values]
    for j, v in enumerate(values):
        h = step(v.data, eps)
        plus, minus = _either_side(v, h, lambda: _first_derivatives(fn, values))
        for i, (p, m) in enumerate(zip(plus, minus)):
            rows[i][j] = (p - m) / (2.0 * h)
    return rows


def _first_derivatives(fn: Callable[..., Value], values: list[Value]) -> list[float]:
    out = fn(*values)
    if not isinstance(out, Value):
        raise TypeError(f"fn must return a Value, got {type(out).__name__}")
    return [g.data for g in grad(out, values)]


def _wrong_second_order_rules(root: Value, eps: float, atol: float, rtol: float) -> list[str]:
    """Ops in the graph whose declared formulas, rebuilt from Values at the node's
    inputs, disagree with the rule: in value (vs its float local gradient), or in
    derivative (vs a finite difference of its float local gradient)."""
    found: list[str] = []
    for node in topo_order(root):
        spec = node._op
        if spec is None or spec.local is None:
            continue
        xs = [p.data for p in node.parents]
        leaves = [Value(x) for x in xs]
        rebuilt = _rebuilt(spec, leaves)
        _, stored = spec.evaluate(xs)
        for i, term in enumerate(local_terms(rebuilt)):
            if not _close(float(term), stored[i], atol, rtol):
                found.append(
                    f"{node.op} at inputs {_numbers(xs)}: its formula for the local gradient "
                    f"of input {i} gives {_number(float(term))}, its rule {_number(stored[i])}"
                )
                continue
            slopes = (
                [g.data for g in grad(term, leaves)] if isinstance(term, Value) else [0.0] * len(xs)
            )
            for j, slope in enumerate(slopes):
                plus, minus = list(xs), list(xs)
                h = step(xs[j], eps)
                plus[j] += h
                minus[j] -= h
                try:
                    numeric = (spec.evaluate(plus)[1][i] - spec.evaluate(minus)[1][i]) / (2.0 * h)
                except ENGINE_ERRORS:
                    continue  # the finite difference leaves the op's domain: no verdict
                if not _close(slope, numeric, atol, rtol):
                    found.append(
                        f"{node.op} at inputs {_numbers(xs)}: the derivative of its "
                        f"local-gradient formula for input {i} by input {j} is "
                        f"{_number(slope)},\n    the finite difference of its rule's local "
                        f"gradient {_number(numeric)}"
                    )
    return found


def _rebuilt(spec, leaves: list[Value]) -> Value:
    """The node ``spec`` makes of ``leaves`` (its own bound static parameters kept)."""
    if spec.sequences:
        n = len(leaves) // spec.sequences
        return apply_nary(spec, [leaves[k * n : (k + 1) * n] for k in range(spec.sequences)])
    return spec.apply(*leaves)
