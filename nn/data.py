"""Toy 2-D data sets for classification demos, numpy only, seeded and deterministic.

Every maker returns ``(X, y)``: X a float array of shape (n, 2), y an int array of n
class ids 0..K-1 with every class present, the samples shuffled by the same seed.
Noise is Gaussian with standard deviation `noise`, added to each coordinate.
`to_polar` is the lecture's change of space, (x, y) -> (r, θ).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .validate import check_finite_nonneg, check_int, check_real, check_X, make_rng


def _checked(n: Any, minimum: int, why: str, noise: Any, seed: Any):
    """Every maker's checked n (at least `minimum`, for `why`), noise and generator."""
    n = check_int("n", n, minimum, why)
    return n, check_finite_nonneg("noise", noise), make_rng(seed)


def _split(n: int, k: int) -> list[int]:
    """n samples shared among k classes as evenly as possible (first classes get extra)."""
    return [n // k + (1 if i < n % k else 0) for i in range(k)]


def _finish(
    parts: list[np.ndarray], rng: np.random.Generator, noise: float
) -> tuple[np.ndarray, np.ndarray]:
    """Stack per-class point sets, add noise, shuffle; class i = parts[i]."""
    X = np.concatenate(parts).astype(float)
    y = np.concatenate([np.full(len(p), i, dtype=int) for i, p in enumerate(parts)])
    X = X + rng.normal(0.0, 1.0, X.shape) * noise
    order = rng.permutation(len(y))
    return X[order], y[order]


def make_moons(n: int = 100, noise: float = 0.1, seed: int | None = 0):
    """Two interleaving half circles: class 0 the upper moon, class 1 the lower one."""
    n, noise, rng = _checked(n, 2, "one point per class", noise, seed)
    n0, n1 = _split(n, 2)
    t0 = np.linspace(0.0, math.pi, n0)
    t1 = np.linspace(0.0, math.pi, n1)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    return _finish([upper, lower], rng, noise)


def make_circles(n: int = 100, noise: float = 0.05, factor: float = 0.5, seed: int | None = 0):
    """Two concentric circles: class 0 of radius 1, class 1 of radius `factor` (0 < f < 1).

    No line separates them; in polar coordinates (`to_polar`) a line on r does.
    """
    n, noise, rng = _checked(n, 2, "one point per class", noise, seed)
    factor = check_real("factor", factor, above=0, below=1)
    n0, n1 = _split(n, 2)
    t0 = np.linspace(0.0, 2 * math.pi, n0, endpoint=False)
    t1 = np.linspace(0.0, 2 * math.pi, n1, endpoint=False)
    outer = np.column_stack([np.cos(t0), np.sin(t0)])
    inner = np.column_stack([np.cos(t1), np.sin(t1)]) * factor
    return _finish([outer, inner], rng, noise)


def make_xor(n: int = 100, noise: float = 0.1, seed: int | None = 0):
    """Four clusters at (±1, ±1): class 1 where the signs differ (x·y < 0), else class 0.

    The textbook set no single line separates (a perceptron never converges on it).
    """
    n, noise, rng = _checked(n, 4, "one point per corner", noise, seed)
    # corners in order (+,+), (-,-) -> class 0; (+,-), (-,+) -> class 1
    corners = np.array([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]])
    counts = _split(n, 4)
    parts = [np.repeat(corners[i : i + 1], counts[i], axis=0) for i in range(4)]
    return _finish([np.concatenate(parts[:2]), np.concatenate(parts[2:])], rng, noise)


def _k_classes(n: Any, classes: Any, noise: Any, seed: Any):
    """The checked arguments of a data set of ``classes`` classes, and its generator."""
    classes = check_int("classes", classes, minimum=2)
    return (classes, *_checked(n, classes, "one point per class", noise, seed))


def make_spirals(n: int = 150, classes: int = 3, noise: float = 0.1, seed: int | None = 0):
    """`classes` interleaved spiral arms (CS231n's spiral data), radius 0 to 1."""
    classes, n, noise, rng = _k_classes(n, classes, noise, seed)
    parts = []
    for k, count in enumerate(_split(n, classes)):
        r = np.linspace(0.0, 1.0, count)
        t = np.linspace(k * 4.0, (k + 1) * 4.0, count)
        parts.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
    return _finish(parts, rng, noise)


def make_blobs(n: int = 150, classes: int = 3, noise: float = 0.5, seed: int | None = 0):
    """Gaussian blobs, one per class, centred evenly on a circle of radius 2.5.

    Linearly separable for small noise: the linear classifier's home ground.
    """
    classes, n, noise, rng = _k_classes(n, classes, noise, seed)
    parts = []
    for k, count in enumerate(_split(n, classes)):
        angle = 2 * math.pi * k / classes
        centre = 2.5 * np.array([math.cos(angle), math.sin(angle)])
        parts.append(np.repeat(centre[None, :], count, axis=0))
    return _finish(parts, rng, noise)


def to_polar(X: Any) -> np.ndarray:
    """Points (x, y) -> (r, θ) with r = √(x² + y²), θ = atan2(y, x) in (-π, π].

    The lecture's "change the space": circles that no line separates in (x, y) are
    split by a line r = const in (r, θ).
    """
    arr = check_X(X)
    if arr.shape[1] != 2:
        raise ValueError(f"to_polar needs points with 2 coordinates, got shape {arr.shape}")
    return np.column_stack([np.hypot(arr[:, 0], arr[:, 1]), np.arctan2(arr[:, 1], arr[:, 0])])
