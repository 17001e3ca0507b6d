"""Rosenblatt's perceptron: step(w·x + b), trained by the perceptron learning rule.

The lecture's first model. Weights and bias start at 0. `fit` walks the samples in the
given order; for each one it predicts ŷ = step(w·x + b) and, when ŷ differs from the
true class y, moves the weights by the difference: ``w += lr·(y - ŷ)·x``,
``b += lr·(y - ŷ)``. It converges when a line separates the classes (Novikoff's
theorem) and never on XOR, where no line does.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

from .layers import Neuron
from .validate import check_X, check_y


class Perceptron(Neuron):
    """step(w·x + b) with weights and bias from 0; calling it returns the step Value.

    Parameters are named ``w.0``, ``w.1``, ..., ``b``; the output node is labelled
    ``perceptron``.
    """

    _CONFIG = {"nin": "size"}
    _standalone_label = "perceptron"

    def __init__(self, nin: int):
        super().__init__(nin, activation="step")
        for w in self.w:
            w.data = 0.0

    def predict(self, x: Iterable[Any]) -> int:
        """The predicted class, 0 or 1, computed on floats (no graph)."""
        xs = [float(v) for v in x]
        if len(xs) != self.nin:
            raise ValueError(f"expected {self.nin} inputs, got {len(xs)}")
        return 1 if self._score(xs, [w.data for w in self.w], self.b.data) > 0 else 0

    @staticmethod
    def _score(xs: list[float], w: list[float], b: float) -> float:
        return math.fsum(wi * xi for wi, xi in zip(w, xs)) + b

    def fit(
        self,
        X: Any,
        y: Any,
        epochs: int = 100,
        lr: float = 1.0,
        max_error_rate: float = 0.0,
    ) -> list[int]:
        """Train with the perceptron rule; return the misclassifications of each epoch.

        Continues from the current weights (never re-initialises). errors[e] is the
        number of samples misclassified — and so updated on — during epoch e. Training
        stops after the first epoch with errors / n <= max_error_rate, or after
        `epochs` epochs.
        """
        rows = check_X(X, self.nin).tolist()
        labels = check_y(y, len(rows), 2).tolist()
        if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 0:
            raise ValueError(f"epochs must be a non-negative integer, got {epochs!r}")
        if not _finite_real(lr) or lr <= 0:
            raise ValueError(f"lr must be a positive finite number, got {lr!r}")
        if not _finite_real(max_error_rate) or not 0 <= max_error_rate <= 1:
            raise ValueError(f"max_error_rate must be in [0, 1], got {max_error_rate!r}")

        w = [p.data for p in self.w]
        b = self.b.data
        history: list[int] = []
        for _ in range(epochs):
            errors = 0
            for xs, target in zip(rows, labels):
                predicted = 1 if self._score(xs, w, b) > 0 else 0
                if predicted != target:
                    delta = lr * (target - predicted)
                    w = [wi + delta * xi for wi, xi in zip(w, xs)]
                    b += delta
                    errors += 1
            history.append(errors)
            if errors / len(rows) <= max_error_rate:
                break
        for p, v in zip(self.w, w):
            p.data = v
        self.b.data = b
        return history

    def config(self) -> dict[str, Any]:
        return {"nin": self.nin}

    def _repr_config(self) -> dict[str, Any]:
        return {"nin": self.nin}


def _finite_real(v: Any) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isfinite(v)
