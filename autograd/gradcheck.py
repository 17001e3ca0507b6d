"""Numeric vs analytic gradients: the check the lecture recommends.

``numerical_grad`` differentiates any function of Values by central differences;
``gradcheck`` compares that with backward and, on a mismatch, also tests each op's
stored local gradients against a finite difference of that op alone, to name the rule
that is wrong.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from autograd.forward import ENGINE_ERRORS
from autograd.modes import no_grad
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

    ``fn(*inputs)`` must return a Value; inputs may be Values or numbers, and each
    Value's ``data`` is restored exactly afterwards (even if ``fn`` raises).
    """
    values = _as_values(inputs)
    grads = []
    with no_grad():
        for v in values:
            original = v.data
            try:
                v.data = original + eps
                plus = _scalar(fn, values)
                v.data = original - eps
                minus = _scalar(fn, values)
            finally:
                v.data = original
            grads.append((plus - minus) / (2.0 * eps))
    return grads


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
            plus[i] += eps
            minus[i] -= eps
            try:
                numeric = (spec.evaluate(plus)[0] - spec.evaluate(minus)[0]) / (2.0 * eps)
            except ENGINE_ERRORS:
                continue  # the finite difference leaves the op's domain: no verdict
            if not _close(stored, numeric, atol, rtol):
                found.append(
                    f"{node.op} at inputs {tuple(xs)}: stored local gradient {stored!r} "
                    f"for input {i}, finite difference {numeric!r}"
                )
    return found


def gradcheck(
    fn: Callable[..., Value],
    inputs: Sequence[object],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> bool:
    """True when backward's gradients match central differences for every input.

    The test is PyTorch's: ``|analytic - numeric| <= atol + rtol·|numeric|``. Otherwise
    raises GradcheckError naming each input (index and label) with both values, and the
    op(s) whose local gradient is wrong. Inputs' ``grad`` fields are left as they were.
    """
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
        f"{_name(i, v)}: numeric {n!r}, analytic {a!r}"
        for i, (v, a, n) in enumerate(zip(values, analytic, numeric))
        if not (_close(a, n, atol, rtol) or (math.isnan(a) and math.isnan(n)))
    ]
    if bad:
        rules = _wrong_rules(out, eps, atol, rtol)
        blame = ("\nop(s) whose local gradient disagrees: " + "; ".join(rules)) if rules else ""
        raise GradcheckError("gradcheck failed:\n  " + "\n  ".join(bad) + blame)
    return True
