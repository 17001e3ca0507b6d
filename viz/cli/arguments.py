"""The command line's argument types: text -> a checked value, or argparse's refusal.

Reading the text as a number is the command line's; what a number must be (finite,
>= 0, a positive integer) is ``nn.validate``'s, the checks ``fit`` itself makes.
argparse turns ``ArgumentTypeError`` into one line naming the option, and exit 2.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from typing import TypeVar

from nn.validate import check_finite_nonneg, check_positive_int, check_real, check_seed

T = TypeVar("T")


def _checked(check: Callable[[str, object], T], value: object) -> T:
    """``nn.validate``'s check of ``value``, its ValueError as argparse's refusal."""
    try:
        return check("the value", value)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def finite(text: str) -> float:
    """A finite real number."""
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(x):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return x


def non_negative(text: str) -> float:
    """A finite number >= 0 (a penalty)."""
    return _checked(check_finite_nonneg, finite(text))


def positive(text: str) -> float:
    """A finite number > 0 (a learning rate)."""
    return _checked(_above_zero, finite(text))


def _above_zero(what: str, x: object) -> float:
    return check_real(what, x, above=0.0)


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def count(text: str) -> int:
    """A whole number >= 1 (epochs)."""
    return _checked(check_positive_int, _whole(text))


def seed(text: str) -> int:
    """A whole number >= 0 (what numpy's generators take)."""
    return _checked(check_seed, _whole(text))


def layer_sizes(text: str) -> list[int]:
    """``"16,16"`` -> [16, 16]: the hidden layer sizes, each 1..1024."""
    try:
        sizes = [int(s) for s in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a comma-separated list of layer sizes (e.g. 16,16)"
        ) from None
    if not sizes or any(n < 1 or n > 1024 for n in sizes):
        raise argparse.ArgumentTypeError(f"{text!r}: each layer size must be 1..1024")
    return sizes
