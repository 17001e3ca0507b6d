"""The command line's argument types: text -> a checked value, or argparse's refusal.

argparse turns ``ArgumentTypeError`` into one line naming the option, and exit 2.
"""

from __future__ import annotations

import argparse
import math


def finite(text: str) -> float:
    """A finite real number."""
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(x):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return x


def positive(text: str) -> float:
    """A finite number > 0 (a learning rate)."""
    x = finite(text)
    if x <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be > 0")
    return x


def non_negative(text: str) -> float:
    """A finite number >= 0 (a penalty)."""
    x = finite(text)
    if x < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be >= 0")
    return x


def _whole(text: str, minimum: int) -> int:
    """A whole number of at least ``minimum``, or argparse's one-line refusal."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if n < minimum:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least {minimum}")
    return n


def seed(text: str) -> int:
    """A whole number >= 0."""
    return _whole(text, 0)


def count(text: str) -> int:
    """A whole number >= 1 (epochs)."""
    return _whole(text, 1)


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
