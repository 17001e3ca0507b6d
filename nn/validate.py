"""Checks of arguments shared across nn: clear errors up front, naming the argument.

Training data (`check_X`, `check_y`) for Perceptron.fit and fit(); sizes
(`check_positive_int`) for layers, fit's epochs and model files; rates and noise
(`check_finite_nonneg`); `shown` keeps a huge value's repr short in a message.
"""

from __future__ import annotations

import math
import numbers
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


def check_positive_int(what: str, n: Any) -> int:
    """`n` as a positive int (bools refused) or ValueError naming `what`."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"{what} must be a positive integer, got {shown(n)}")
    return int(n)


def check_finite_nonneg(what: str, v: Any) -> float:
    """`v` as a finite float >= 0 (bools refused) or ValueError naming `what`."""
    if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v) or v < 0:
        raise ValueError(f"{what} must be a finite number >= 0, got {shown(v)}")
    return float(v)


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
