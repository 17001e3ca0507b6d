"""The command line's argument types: text -> a checked value, or argparse's refusal.

Reading the text as a number is the command line's; what a number must be (finite,
>= 0, a positive integer) is ``nn.validate``'s, the checks ``fit`` itself makes.
argparse turns ``ArgumentTypeError`` into one line naming the option, and exit 2.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TypeVar

from nn.validate import (
    check_finite_nonneg,
    check_int,
    check_positive_int,
    check_real,
    check_sizes,
)

T = TypeVar("T")


def _checked(check: Callable[[str, object], T], value: object, what: str = "the value") -> T:
    """``nn.validate``'s check of ``value``, its ValueError as argparse's refusal."""
    try:
        return check(what, value)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _read(kind: Callable[[str], T], text: str, words: str) -> T:
    """``text`` read as a number (``kind``: float or int), else argparse's refusal."""
    try:
        return kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {words}") from None


def finite(text: str) -> float:
    """A finite real number (an input of predict)."""
    return _checked(check_real, _read(float, text, "a number"))


def non_negative(text: str) -> float:
    """A finite number >= 0 (a penalty)."""
    return _checked(check_finite_nonneg, _read(float, text, "a number"))


def positive(text: str) -> float:
    """A finite number > 0 (a learning rate)."""
    return _checked(_above_zero, _read(float, text, "a number"))


def _above_zero(what: str, x: object) -> float:
    return check_real(what, x, above=0.0)


def count(text: str) -> int:
    """A whole number >= 1 (epochs)."""
    return _checked(check_positive_int, _read(int, text, "a whole number"))


def seed(text: str) -> int:
    """A whole number >= 0 (what numpy's generators take; None is the API's, not typed)."""
    return _checked(_whole_at_least_zero, _read(int, text, "a whole number"))


def _whole_at_least_zero(what: str, n: object) -> int:
    return check_int(what, n, minimum=0)


MAX_LAYER_SIZE = 1024


def layer_sizes(text: str) -> list[int]:
    """``"16,16"`` -> [16, 16]: the hidden layer sizes, each 1..1024."""
    try:
        sizes = [int(s) for s in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a comma-separated list of layer sizes (e.g. 16,16)"
        ) from None
    checked = _checked(check_sizes, sizes, "the layer sizes")  # nn.MLP's own check
    too_large = next((n for n in checked if n > MAX_LAYER_SIZE), None)
    if too_large is not None:  # the command line's cap, not a rule of nn's
        raise argparse.ArgumentTypeError(
            f"each layer size must be at most {MAX_LAYER_SIZE}, got {too_large}"
        )
    return checked
