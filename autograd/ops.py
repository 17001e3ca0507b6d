"""THE rules: one small function per op, of floats, returning (out, local gradients).

Each rule is the one place its op is written. Its docstring states the formula, the
derivative and the kink rule; ``examples`` are points away from kinks where the generic
gradient test checks it; ``operator``/``dunders`` say which Python operator the op is.
The registry (``@op``) makes the Value method, the operator, the function of
Values/numbers and the display tag from it: adding an op touches this file alone.

Each registration also declares the rule on numpy arrays (``array=``, see ``@op``):
what ``ag.compile`` replays a whole group of same-op nodes with. It receives the numpy
module as ``np`` (this file imports no numpy), one element per node on the last axis.

Rules raise ``ValueError`` (outside the domain), ``ZeroDivisionError`` (division by
zero) or ``OverflowError`` (result too large); ``forward.failure`` adds the op and
operands.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from operator import mul as _mul

from autograd.formula import above, at_most, below, call, first_equal
from autograd.forward import record_nary
from autograd.registry import OPS, op as _register
from autograd.value import Value

# The built-ins' results are floats by construction: no per-call output check.
op = functools.partial(_register, check_output=False)

_ONES = (1.0, 1.0)
_PAIRS = [(1.5, -2.0), (-0.3, 0.7)]  # where the binary arithmetic rules are checked


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        raise OverflowError("result is too large for a float") from None


# -- the array forms that need more than one line (named by the op they serve) ----------
# Each computes what its rule does, in the same order; where the rule raises, they give
# NaN or inf (the replay then re-runs the rule for its error), never a wrong number.


def _same_twice(out):
    return out, (out,)


def _sqrt_arrays(out):
    return out, (0.5 / out,)  # 0 gives inf, which the replay sends to the rule


def _tanh_arrays(t):
    return t, (1.0 - t * t,)


def _sigmoid_arrays(np, a):
    z = np.exp(-np.abs(a))  # e^-a for a >= 0, e^a below: as the rule's two cases
    s = np.where(a >= 0.0, 1.0 / (1.0 + z), z / (1.0 + z))
    return s, (s * (1.0 - s),)


def _elu_arrays(np, a, alpha):
    below = np.minimum(a, 0.0)  # the rule's e^a only where a <= 0 (no overflow elsewhere)
    return (
        np.where(a > 0.0, a, alpha * np.expm1(below)),
        (np.where(a > 0.0, 1.0, alpha * np.exp(below)),),
    )


def _extreme_arrays(np, xs, picked):
    n, g = xs.shape
    local = np.zeros((n, g))
    local[picked, np.arange(g)] = 1.0  # the first arg-max (arg-min) of each node
    return xs[picked, np.arange(g)], (local,)


def _logsumexp_arrays(np, xs):
    m = xs.max(axis=0)
    es = np.exp(xs - m)
    total = np.add.reduce(es, axis=0)
    return m + np.log(total), (es / total,)


# -- binary arithmetic -----------------------------------------------------------------


@op(
    "add",
    tag="+",
    operator="+",
    dunders=("__add__", "__radd__"),
    local=lambda a, b: (1, 1),
    array=lambda np, a, b: (a + b, _ONES),
    examples=_PAIRS,
)
def add(a: float, b: float):
    """a + b; local gradients 1 and 1."""
    return a + b, _ONES


@op(
    "sub",
    tag="-",
    operator="-",
    dunders=("__sub__", "__rsub__"),
    local=lambda a, b: (1, -1),
    array=lambda np, a, b: (a - b, (1.0, -1.0)),
    examples=_PAIRS,
)
def sub(a: float, b: float):
    """a - b; local gradients 1 and -1."""
    return a - b, (1.0, -1.0)


@op(
    "mul",
    tag="*",
    operator="*",
    dunders=("__mul__", "__rmul__"),
    local=lambda a, b: (b, a),
    array=lambda np, a, b: (a * b, (b, a)),
    examples=_PAIRS,
)
def mul(a: float, b: float):
    """a * b; local gradients b and a."""
    return a * b, (b, a)


@op(
    "div",
    tag="/",
    operator="/",
    dunders=("__truediv__", "__rtruediv__"),
    local=lambda a, b: (1 / b, -a / b**2),
    array=lambda np, a, b: (a / b, (1.0 / b, -a * (1.0 / b) * (1.0 / b))),
    examples=_PAIRS,
)
def div(a: float, b: float):
    """a / b; local gradients 1/b and -a/b². b = 0 -> ZeroDivisionError."""
    if b == 0.0:
        raise ZeroDivisionError("division by zero")
    inv = 1.0 / b
    return a / b, (inv, -a * inv * inv)


def _pow_arrays(np, a, b):  # a <= 0 gives NaN somewhere: the replay re-runs the rule
    out = a**b
    return out, (b * a ** (b - 1.0), out * np.log(a))


@op(
    "pow",
    tag="**",
    operator="**",
    dunders=("__pow__", "__rpow__"),
    local=lambda a, b, *, out: (b * a ** (b - 1), out * call("log", a)),
    array=lambda np, a, b: _pow_arrays(np, a, b),
    examples=[(1.5, -2.0), (0.3, 0.7), (2.0, 3.0)],
)
def pow_(a: float, b: float):
    """a ** b with a Value exponent; local gradients b·a^(b-1) and a^b·ln a.

    Needs a > 0 (ln a must exist), except 0 ** b with b >= 1, which is 0 with PyTorch's
    gradients: b·0^(b-1) for the base (1 at b = 1, else 0) and 0 for the exponent (the
    limit of a^b·ln a as a -> 0+). Any other a <= 0 -> ValueError.
    """
    if a == 0.0 and b >= 1.0:
        return 0.0, (1.0 if b == 1.0 else 0.0, 0.0)
    if a <= 0.0:
        raise ValueError(
            "a Value exponent needs a base > 0 (the gradient uses ln base), or base 0 "
            "with an exponent >= 1"
        )
    try:
        out = a**b
        return out, (b * a ** (b - 1.0), out * math.log(a))
    except OverflowError:
        raise OverflowError("result is too large for a float") from None


def _powc_arrays(np, a, c):  # faults come out infinite or NaN: the rule names them
    if c == 0.0:
        return np.ones_like(a), (0.0,)
    return a**c, (c * a ** (c - 1.0),)


@op(
    "powc",
    tag="**{exponent}",
    operator="**",
    number_form_of="pow",
    local=lambda a, *, exponent: (exponent * a ** (exponent - 1),),
    array=lambda np, a, *, exponent: _powc_arrays(np, a, exponent),
    examples=[(1.5,), (0.4,), (2.5,)],
)
def powc(a: float, *, exponent: float = 2.0):
    """a ** c with a number exponent c (a static parameter); local gradient c·a^(c-1).

    At a = 0 the limit is used: a**0 has slope 0, a**n (integer n >= 1) slope n·0^(n-1);
    0 < c < 1 has an infinite slope -> ValueError; c < 0 -> ZeroDivisionError.
    A negative base with a non-integer exponent -> ValueError (no complex numbers).
    """
    c = exponent
    if c == 0.0:
        return 1.0, (0.0,)
    if a == 0.0:
        if c < 0.0:
            raise ZeroDivisionError(f"0 ** {c!r} (negative exponent) divides by zero")
        if c < 1.0:
            raise ValueError(f"the slope of x ** {c!r} is infinite at x = 0")
        return 0.0, (1.0 if c == 1.0 else 0.0,)
    if a < 0.0 and not c.is_integer():
        raise ValueError(f"a negative base ** non-integer {c!r} is not a real number")
    try:
        return a**c, (c * a ** (c - 1.0),)
    except OverflowError:
        raise OverflowError("result is too large for a float") from None


# -- unary -----------------------------------------------------------------------------


@op(
    "neg",
    operator="-",
    dunders=("__neg__",),
    local=lambda a: (-1,),
    array=lambda np, a: (-a, (-1.0,)),
    examples=[(1.5,), (-0.3,)],
)
def neg(a: float):
    """-a; local gradient -1."""
    return -a, (-1.0,)


@op(
    "abs",
    dunders=("__abs__",),
    local=lambda a: (above(a) - below(a),),
    array=lambda np, a: (np.abs(a), (np.sign(a),)),
    examples=[(1.5,), (-0.3,)],
)
def abs_(a: float):
    """|a|; local gradient sign(a); at the kink abs'(0) = 0. NaN stays NaN."""
    if a > 0.0:
        return a, (1.0,)
    if a < 0.0:
        return -a, (-1.0,)
    return abs(a), (a * 0.0,)  # 0 -> slope 0; NaN -> NaN


@op(
    "exp",
    local=lambda a, *, out: (out,),
    array=lambda np, a: _same_twice(np.exp(a)),
    examples=[(0.5,), (-1.3,), (2.0,)],
)
def exp(a: float):
    """e^a; local gradient e^a. Overflow (a > ~709) -> OverflowError."""
    out = _exp(a)
    return out, (out,)


@op(
    "log",
    local=lambda a: (1 / a,),
    array=lambda np, a: (np.log(a), (1.0 / a,)),
    examples=[(0.5,), (1.3,), (7.0,)],
)
def log(a: float):
    """ln a; local gradient 1/a. Needs a > 0, else ValueError."""
    if a <= 0.0:
        raise ValueError("log needs an input > 0")
    return math.log(a), (1.0 / a,)


@op(
    "sqrt",
    local=lambda a, *, out: (1 / (2 * out),),
    array=lambda np, a: _sqrt_arrays(np.sqrt(a)),
    examples=[(0.5,), (1.3,), (7.0,)],
)
def sqrt(a: float):
    """√a; local gradient 1/(2√a). a < 0 -> ValueError; at 0 the slope is infinite -> ValueError."""
    if a < 0.0:
        raise ValueError("sqrt needs an input >= 0")
    if a == 0.0:
        raise ValueError("the slope of sqrt is infinite at 0")
    out = math.sqrt(a)
    return out, (0.5 / out,)


@op(
    "tanh",
    local=lambda a, *, out: (1 - out**2,),
    array=lambda np, a: _tanh_arrays(np.tanh(a)),
    examples=[(0.5,), (-1.3,), (2.0,)],
)
def tanh(a: float):
    """tanh a; local gradient 1 - tanh² a. Stable for any |a|."""
    t = math.tanh(a)
    return t, (1.0 - t * t,)


def _sigmoid(a: float) -> float:
    if a >= 0.0:
        return 1.0 / (1.0 + math.exp(-a))
    z = math.exp(a)
    return z / (1.0 + z)


@op(
    "sigmoid",
    local=lambda a, *, out: (out * (1 - out),),
    array=lambda np, a: _sigmoid_arrays(np, a),
    examples=[(0.5,), (-1.3,), (2.0,)],
)
def sigmoid(a: float):
    """σ(a) = 1/(1+e^-a); local gradient σ(a)(1-σ(a)). Stable for any |a|."""
    s = _sigmoid(a)
    return s, (s * (1.0 - s),)


@op(
    "relu",
    local=lambda a: (above(a),),
    array=lambda np, a: (np.where(a > 0.0, a, 0.0), (np.where(a > 0.0, 1.0, 0.0),)),
    examples=[(0.5,), (-1.3,), (2.0,)],
)
def relu(a: float):
    """max(0, a); local gradient 1 if a > 0 else 0 (relu'(0) = 0). NaN stays NaN."""
    if a > 0.0:
        return a, (1.0,)
    if a == a:
        return 0.0, (0.0,)
    return a, (a,)


@op(
    "leaky_relu",
    local=lambda a, *, alpha: (above(a) + alpha * at_most(a),),
    array=lambda np, a, *, alpha: (
        np.where(a > 0.0, a, alpha * a),
        (np.where(a > 0.0, 1.0, alpha),),
    ),
    examples=[(0.5,), (-1.3,), (2.0,)],
)
def leaky_relu(a: float, *, alpha: float = 0.1):
    """max(αa, a) (α < 1); local gradient 1 if a > 0 else α (leaky_relu'(0) = α)."""
    if a > 0.0:
        return a, (1.0,)
    return alpha * a, (alpha if a == a else a,)


@op(
    "elu",
    local=lambda a, *, alpha: (above(a) + alpha * call("exp", a) * at_most(a),),
    array=lambda np, a, *, alpha: _elu_arrays(np, a, alpha),
    examples=[(0.5,), (-1.3,), (2.0,)],
)
def elu(a: float, *, alpha: float = 1.0):
    """a if a > 0 else α(e^a - 1); local gradient 1 if a > 0 else αe^a (elu'(0) = α)."""
    if a > 0.0:
        return a, (1.0,)
    e = math.exp(a)
    return alpha * math.expm1(a), (alpha * e,)


@op(
    "softplus",
    local=lambda a: (call("sigmoid", a),),
    array=lambda np, a: (
        np.maximum(a, 0.0) + np.log1p(np.exp(-np.abs(a))),
        (_sigmoid_arrays(np, a)[0],),
    ),
    examples=[(0.5,), (-1.3,), (2.0,)],
)
def softplus(a: float):
    """ln(1 + e^a), computed stably; local gradient σ(a)."""
    return max(a, 0.0) + math.log1p(math.exp(-abs(a))), (_sigmoid(a),)


@op(
    "step",
    local=lambda a: (0,),
    array=lambda np, a: (np.where(a > 0.0, 1.0, 0.0), (0.0,)),
    examples=[(0.5,), (-1.3,)],
)
def step(a: float):
    """1 if a > 0 else 0 (Rosenblatt's activation); local gradient 0 everywhere. NaN stays NaN."""
    if a > 0.0:
        return 1.0, (0.0,)
    if a == a:
        return 0.0, (0.0,)
    return a, (a,)


# -- more functions, as accurate as PyTorch's (each the C library's own) ---------------


def _too_large(function: Callable[[float], float], a: float) -> float:
    try:
        return function(a)
    except OverflowError:
        raise OverflowError("result is too large for a float") from None


@op(
    "sin",
    local=lambda a: (call("cos", a),),
    array=lambda np, a: (np.sin(a), (np.cos(a),)),
    examples=[(0.5,), (-1.3,), (2.0,)],
)
def sin(a: float):
    """sin a; local gradient cos a. Defined everywhere (±inf -> ValueError)."""
    if math.isinf(a):
        raise ValueError("sin of an infinite input is undefined")
    return math.sin(a), (math.cos(a),)


@op(
    "cos",
    local=lambda a: (-call("sin", a),),
    array=lambda np, a: (np.cos(a), (-np.sin(a),)),
    examples=[(0.5,), (-1.3,), (2.0,)],
)
def cos(a: float):
    """cos a; local gradient -sin a. Defined everywhere (±inf -> ValueError)."""
    if math.isinf(a):
        raise ValueError("cos of an infinite input is undefined")
    return math.cos(a), (-math.sin(a),)


TAN_POLE = 1e15  # |tan a| past this: a is a pole π/2 + kπ to within a float's rounding


@op(
    "tan",
    local=lambda a, *, out: (1 + out**2,),
    array=lambda np, a: _tan_arrays(np, a),
    examples=[(0.5,), (-1.3,), (1.0,)],
)
def tan(a: float):
    """tan a; local gradient 1 + tan² a (sec² a). At a pole π/2 + kπ (|tan a| > 1e15,
    as close as a float gets) -> ValueError naming it; ±inf -> ValueError."""
    if math.isinf(a):
        raise ValueError("tan of an infinite input is undefined")
    t = math.tan(a)
    if abs(t) > TAN_POLE:
        raise ValueError("tan has a pole at π/2 + kπ, and this input is one")
    return t, (1.0 + t * t,)


def _tan_arrays(np, a):
    t = np.tan(a)
    t = np.where(np.abs(t) > TAN_POLE, np.nan, t)  # the rule names the pole
    return t, (1.0 + t * t,)


@op(
    "arctan",
    local=lambda a: (1 / (1 + a**2),),
    array=lambda np, a: (np.arctan(a), (1.0 / (1.0 + a * a),)),
    examples=[(0.5,), (-1.3,), (2.0,)],
)
def arctan(a: float):
    """arctan a, in (-π/2, π/2); local gradient 1/(1 + a²). Defined everywhere."""
    return math.atan(a), (1.0 / (1.0 + a * a),)


@op(
    "log1p",
    local=lambda a: (1 / (1 + a),),
    array=lambda np, a: (np.log1p(a), (1.0 / (1.0 + a),)),
    examples=[(0.5,), (-0.3,), (1e-9,)],
)
def log1p(a: float):
    """ln(1 + a), exact for tiny a where log(1 + a) rounds 1 + a; local gradient
    1/(1 + a). Needs a > -1, else ValueError."""
    if a <= -1.0:
        raise ValueError("log1p needs an input > -1")
    return math.log1p(a), (1.0 / (1.0 + a),)


@op(
    "expm1",
    local=lambda a: (call("exp", a),),
    array=lambda np, a: (np.expm1(a), (np.exp(a),)),
    examples=[(0.5,), (-1.3,), (1e-9,)],
)
def expm1(a: float):
    """e^a - 1, exact for tiny a where exp(a) - 1 cancels; local gradient e^a.
    Overflow (a > ~709) -> OverflowError."""
    return _too_large(math.expm1, a), (_too_large(math.exp, a),)


@op(
    "sinh",
    local=lambda a: (call("cosh", a),),
    array=lambda np, a: (np.sinh(a), (np.cosh(a),)),
    examples=[(0.5,), (-1.3,), (2.0,)],
)
def sinh(a: float):
    """sinh a = (e^a - e^-a)/2; local gradient cosh a. |a| > ~710 -> OverflowError."""
    return _too_large(math.sinh, a), (_too_large(math.cosh, a),)


@op(
    "cosh",
    local=lambda a: (call("sinh", a),),
    array=lambda np, a: (np.cosh(a), (np.sinh(a),)),
    examples=[(0.5,), (-1.3,), (2.0,)],
)
def cosh(a: float):
    """cosh a = (e^a + e^-a)/2; local gradient sinh a. |a| > ~710 -> OverflowError."""
    return _too_large(math.cosh, a), (_too_large(math.sinh, a),)


# -- n-ary: ONE node over many inputs --------------------------------------------------


@op(
    "sum",
    sequences=1,
    local=lambda xs: [1] * len(xs),
    array=lambda np, xs: (np.add.reduce(xs, axis=0), (1.0,)),  # in order, as sum() adds
    examples=[(0.3, -1.2, 2.1), (-0.5,)],
)
def sum_(xs: list[float]):
    """Σ x_i, added as ``+`` would (float arithmetic); local gradient 1 on every edge."""
    return sum(xs), (1.0,) * len(xs)


@op(
    "dot",
    sequences=2,
    local=lambda ws, xs: (*xs, *ws),
    array=lambda np, ws, xs: (np.add.reduce(ws * xs, axis=0), (xs, ws)),
    examples=[(0.3, -1.2, 2.1, 0.7, 1.5, -0.4), (2.0, 3.0)],
)
def dot(ws: list[float], xs: list[float]):
    """Σ w_i x_i (a neuron's weighted sum); local gradients x_i for w_i and w_i for x_i."""
    return sum(map(_mul, ws, xs)), (*xs, *ws)


_DOT = OPS["dot"]


def unchecked_dot(ws: tuple[Value, ...], xs: tuple[Value, ...], xs_data: Sequence[float]) -> Value:
    """``ag.dot(ws, xs)`` — the same one node — with nothing checked: for a caller that
    feeds the same checked inputs to many dots (every neuron of an nn layer).

    The contract: ``ws`` and ``xs`` are tuples of Values of the same length >= 1, and
    ``xs_data`` is ``[x.data for x in xs]``, gathered once by the caller. Anything else
    gives a wrong node, not an error. (``ag.dot`` checks every element's type, which
    would cost a third of a moons training step.)
    """
    return record_nary(_DOT, ws + xs, ([w.data for w in ws], xs_data))


@op(
    "cross_entropy",
    sequences=1,
    tag="CE(y={label})",
    local=lambda xs, *, out, label: [
        call("exp", x - xs[int(label)] - out) - (1 if i == int(label) else 0)
        for i, x in enumerate(xs)
    ],
    array=lambda np, xs, *, label: _cross_entropy_arrays(np, xs, int(label)),
    examples=[(0.3, -1.2, 2.1), (-0.5, -0.7), (33.0, 0.0, -33.0)],
)
def cross_entropy(xs: list[float], *, label: float = 0.0):
    """-ln softmax(x)_y = logsumexp(x) - x_y for the class ``label`` = y; local gradients
    softmax(x)_i - [i = y].

    Written as PyTorch's float64 keeps it, (m - x_y) + ln(1 + Σ_{j≠k} e^(x_j - m)) with
    m = x_k the first max: a small loss keeps its relative accuracy (logits [33, 0, -33],
    y = 0: 4.66e-15, where logsumexp(x) - x_y rounds to 7.1e-15). y must be a class
    index of x, else ValueError. Infinite logits follow logsumexp's limits; NaN gives NaN.
    """
    n = len(xs)
    y = int(label)
    if y != label or not 0 <= y < n:
        raise ValueError(f"label must be a class index 0..{n - 1}, got {format_label(label)}")
    if _first_nan(xs) is not None:
        return math.nan, (math.nan,) * n
    m = max(xs)
    if math.isinf(m):
        out, local = OPS["logsumexp"].call(xs)
        grads = list(local)
        grads[y] -= 1.0
        return out - xs[y], tuple(grads)
    k = xs.index(m)
    es = [math.exp(x - m) for x in xs]
    rest = math.fsum(e for j, e in enumerate(es) if j != k)
    total = 1.0 + rest
    grads = [e / total for e in es]
    grads[y] = -rest / total if y == k else grads[y] - 1.0  # 1/(1 + r) - 1, uncancelled
    return (m - xs[y]) + math.log1p(rest), tuple(grads)


def format_label(label: float) -> str:
    return str(int(label)) if float(label).is_integer() else repr(label)


def _cross_entropy_arrays(np, xs, y):
    m = xs.max(axis=0)
    k = xs.argmax(axis=0)
    es = np.exp(xs - m)
    others = np.arange(xs.shape[0])[:, None] != k[None, :]
    rest = np.where(others, es, 0.0).sum(axis=0)
    grads = es / (1.0 + rest)
    grads[y] = np.where(k == y, -rest / (1.0 + rest), grads[y] - 1.0)
    return (m - xs[y]) + np.log1p(rest), (grads,)


def _one_hot(n: int, i: int, hot: float = 1.0) -> tuple[float, ...]:
    local = [0.0] * n
    local[i] = hot
    return tuple(local)


def _first_nan(xs: list[float]) -> int | None:
    """Index of the first NaN, or None: max/min/logsumexp propagate NaN, as + does."""
    if any(map(math.isnan, xs)):
        return next(i for i, x in enumerate(xs) if x != x)
    return None


def _extreme(xs: list[float], pick) -> tuple[float, tuple[float, ...]]:
    """The element ``pick`` (max or min) chooses, with local gradient 1 on its first
    occurrence and 0 elsewhere; a NaN anywhere wins (and sends back NaN)."""
    i = _first_nan(xs)
    if i is not None:
        return xs[i], _one_hot(len(xs), i, xs[i])
    m = pick(xs)
    return m, _one_hot(len(xs), xs.index(m))


@op(
    "max",
    sequences=1,
    local=lambda xs, *, out: [first_equal(i, xs, out) for i in range(len(xs))],
    array=lambda np, xs: _extreme_arrays(np, xs, xs.argmax(axis=0)),
    examples=[(0.3, -1.2, 2.1), (-0.5, -0.7)],
)
def max_(xs: list[float]):
    """max x_i; local gradient 1 for the first arg-max, 0 for the rest. A NaN wins."""
    return _extreme(xs, max)


@op(
    "min",
    sequences=1,
    local=lambda xs, *, out: [first_equal(i, xs, out) for i in range(len(xs))],
    array=lambda np, xs: _extreme_arrays(np, xs, xs.argmin(axis=0)),
    examples=[(0.3, -1.2, 2.1), (-0.5, -0.7)],
)
def min_(xs: list[float]):
    """min x_i; local gradient 1 for the first arg-min, 0 for the rest. A NaN wins."""
    return _extreme(xs, min)


@op(
    "logsumexp",
    sequences=1,
    local=lambda xs, *, out: [call("exp", x - out) for x in xs],
    array=lambda np, xs: _logsumexp_arrays(np, xs),
    examples=[(0.3, -1.2, 2.1), (-0.5, -0.7)],
)
def logsumexp(xs: list[float]):
    """ln Σ e^(x_i), stable (max subtracted); local gradients softmax(x)_i.

    The limits where the max is infinite: +inf -> +inf with all weight on the first
    +inf; all -inf -> -inf with equal weights. A NaN gives NaN.
    """
    n = len(xs)
    if _first_nan(xs) is not None:
        nan = math.nan
        return nan, (nan,) * n
    m = max(xs)
    if m == math.inf:
        return m, _one_hot(n, xs.index(m))
    if m == -math.inf:
        return m, (1.0 / n,) * n
    es = [math.exp(x - m) for x in xs]
    total = math.fsum(es)
    return m + math.log(total), tuple(e / total for e in es)
