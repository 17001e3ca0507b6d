"""Checks of arguments shared across nn: clear errors up front, naming the argument.

One family for every number an nn function takes, each fault one error type — a
ValueError naming the argument, what was expected and what came (a bool, a str or a
number out of range alike; a wrong *kind* of object where a model or data is expected
stays a TypeError at the call that saw it):

    check_int(what, n, minimum=1)          whole numbers: sizes, epochs, counts
    check_real(what, x, at_least=..., above=..., at_most=..., below=...)
                                           finite real numbers in a range: rates, noise
    check_seed(what, seed)                 None or a whole number >= 0
    make_rng(seed)                         a numpy Generator from a checked seed

`check_positive_int` and `check_finite_nonneg` are the two commonest cases by name.
Training data: `check_X`, `check_y`. `shown` keeps a huge value's repr short in a
message.
"""

from __future__ import annotations

import math
import numbers
import operator
from collections.abc import Iterable
from typing import Any

import numpy as np


def shown(value: Any, limit: int = 60) -> str:
    """``repr(value)`` for an error message, shortened when long (a 400-digit integer)."""
    try:
        text = repr(value)
    except ValueError:  # an int past Python's digit limit for str(), or holding one
        if isinstance(value, numbers.Integral):
            return f"an integer of about {int(value.bit_length() * 0.30103) + 1} digits"
        return f"a {type(value).__name__} holding a huge integer"
    if len(text) > limit and isinstance(value, numbers.Integral):
        return f"an integer of {len(text.lstrip('-'))} digits"
    if len(text) > limit:
        return f"{text[: limit - 20]}...{text[-12:]} ({len(text)} characters)"
    return text


def _is_int(n: Any) -> bool:
    return isinstance(n, numbers.Integral) and not isinstance(n, bool)


def check_int(what: str, n: Any, minimum: int = 1, why: str = "") -> int:
    """`n` as an int >= `minimum` (bools refused), else ValueError naming `what`.

    `why` (e.g. "one point per class") is added to the message to explain the minimum.
    """
    if not _is_int(n) or n < minimum:
        expected = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        because = f" ({why})" if why else ""
        raise ValueError(f"{what} must be {expected}{because}, got {shown(n)}")
    return int(n)


def check_sizes(what: str, sizes: Any) -> list[int]:
    """`sizes` as a non-empty list of positive ints (a list, tuple or other iterable of
    them; not a string), else ValueError naming `what`: an MLP's layer sizes."""
    if isinstance(sizes, (str, bytes, dict)) or not isinstance(sizes, Iterable):
        raise ValueError(f"{what} must be a non-empty list of sizes, got {shown(sizes)}")
    checked = [check_positive_int(f"each entry of {what}", n) for n in sizes]
    if not checked:
        raise ValueError(f"{what} must be a non-empty list of sizes, got {shown(sizes)}")
    return checked


def check_real(
    what: str,
    x: Any,
    *,
    at_least: float | None = None,
    above: float | None = None,
    at_most: float | None = None,
    below: float | None = None,
) -> float:
    """`x` as a finite float within the bounds given (bools refused), else ValueError.

    ``at_least``/``at_most`` are closed bounds, ``above``/``below`` open ones:
    ``check_real("factor", f, above=0, below=1)`` accepts 0 < f < 1.
    """
    limits = {">=": at_least, ">": above, "<=": at_most, "<": below}
    limits = {symbol: bound for symbol, bound in limits.items() if bound is not None}
    number = _finite_float(x)
    if number is None or not all(_HOLDS[s](number, bound) for s, bound in limits.items()):
        wanted = " and ".join(f"{s} {bound:g}" for s, bound in limits.items())
        expected = f"a finite number {wanted}".rstrip()
        too_large = ", too large for a float" if _is_int(x) and number is None else ""
        raise ValueError(f"{what} must be {expected}, got {shown(x)}{too_large}")
    return number


_HOLDS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}


def _finite_float(x: Any) -> float | None:
    """`x` as a finite float, or None for NaN, inf, a bool, a non-number or a huge int."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        return None
    try:
        number = float(x)
    except OverflowError:  # e.g. the integer 10**400: no float holds it
        return None
    return number if math.isfinite(number) else None


def check_seed(what: str, seed: Any) -> int | None:
    """`seed` as None or an int >= 0 (what numpy's generators take), else ValueError."""
    if seed is not None and (not _is_int(seed) or seed < 0):
        raise ValueError(f"{what} must be None or an integer >= 0, got {shown(seed)}")
    return None if seed is None else int(seed)


def make_rng(seed: int | np.random.Generator | None) -> np.random.Generator:
    """A numpy Generator from a seed (None or an int >= 0), or the given Generator itself.

    Passing one Generator down the tree (MLP -> Layer -> Neuron) makes a whole model
    reproducible from the single seed given to the outermost constructor. A bad seed ->
    ValueError (`check_seed`).
    """
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(check_seed("seed", seed))


def check_positive_int(what: str, n: Any) -> int:
    """`n` as a positive int (bools refused) or ValueError naming `what`."""
    return check_int(what, n, minimum=1)


def check_finite_nonneg(what: str, x: Any) -> float:
    """`x` as a finite float >= 0 (bools refused) or ValueError naming `what`."""
    return check_real(what, x, at_least=0)


def check_X(X: Any, nin: int | None = None) -> np.ndarray:
    """X as a float array of shape (n, d), n >= 1: 2-D, numeric, finite; else ValueError."""
    try:
        arr = np.asarray(X)
    except Exception as err:  # ragged nested lists and the like
        raise ValueError(f"X must be a 2-D array of numbers: {err}") from None
    if arr.dtype == bool or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise ValueError(f"X must hold real numbers, got dtype {arr.dtype}")
    if arr.ndim != 2:
        raise ValueError(f"X must be 2-D (samples x features), got shape {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError("X has no samples")
    arr = arr.astype(float)
    if not np.isfinite(arr).all():
        row = int(np.argwhere(~np.isfinite(arr))[0][0])
        raise ValueError(f"X must be finite; row {row} holds NaN or inf")
    if nin is not None and arr.shape[1] != nin:
        raise ValueError(f"X has {arr.shape[1]} features per sample, the model expects {nin}")
    return arr


def check_y(y: Any, n: int, nclasses: int | None = None) -> np.ndarray:
    """y as an int array of n class ids in 0..nclasses-1; else ValueError."""
    arr = np.asarray(y)
    if arr.ndim != 1:
        raise ValueError(f"y must be 1-D (one class id per sample), got shape {arr.shape}")
    if arr.shape[0] != n:
        raise ValueError(f"y has {arr.shape[0]} labels but X has {n} samples")
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        if arr.dtype == object and all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in arr
        ):
            huge = next((v for v in arr if not -(2**62) < v < 2**62), None)
            if huge is not None:
                raise ValueError(f"y holds {shown(huge)}, far too large to be a class id")
            arr = arr.astype(int)
        else:
            raise ValueError(f"y must hold integer class ids, got dtype {arr.dtype}")
    arr = arr.astype(int)
    if nclasses is not None:
        bad = (arr < 0) | (arr >= nclasses)
        if bad.any():
            i = int(np.argmax(bad))
            raise ValueError(
                f"y[{i}] = {arr[i]} is not a class id in 0..{nclasses - 1} ({nclasses} classes)"
            )
    return arr
