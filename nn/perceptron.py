"""Rosenblatt's perceptron: step(w·x + b), trained by the perceptron learning rule.

The lecture's first model. Weights and bias start at 0. `fit` walks the samples in the
given order; for each one it predicts ŷ = step(w·x + b) and, when ŷ differs from the
true class y, moves the weights by the difference: ``w += lr·(y - ŷ)·x``,
``b += lr·(y - ŷ)``. It converges when a line separates the classes (Novikoff's
theorem) and never on XOR, where no line does.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from .layers import Neuron
from .serialize import SIZE, savable
from .validate import check_positive_int, check_real, check_X, check_y


@savable
class Perceptron(Neuron):
    """step(w·x + b) with weights and bias from 0; calling it returns the step Value.

    Parameters are named ``w.0``, ``w.1``, ..., ``b``; the output node is labelled
    ``perceptron``.
    """

    config_schema = {"nin": SIZE}  # count_parameters is Neuron's: nin + 1
    _standalone_label = "perceptron"

    def __init__(self, nin: int):
        super().__init__(nin, activation="step")
        for w in self.w:
            w.data = 0.0

    def predict(self, x: Iterable[Any]) -> int:
        """The predicted class, 0 or 1, computed on floats (no graph)."""
        return 1 if self.decision_function(x) > 0 else 0

    def decision_function(self, x: Iterable[Any]) -> float:
        """w·x + b on floats (no graph): positive on class 1's side of the line, its size
        the distance times |w|. Plots read it to draw the boundary as a smooth line."""
        if isinstance(x, (str, bytes)):
            raise TypeError(f"a perceptron reads {self.nin} numbers, got a string: {x!r}")
        xs = [float(v) for v in x]
        if len(xs) != self.nin:
            raise ValueError(f"expected {self.nin} inputs, got {len(xs)}")
        return self._score(xs, [w.data for w in self.w], self.b.data)

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
        epochs = check_positive_int("epochs", epochs)  # as fit() checks it
        lr = check_real("lr", lr, above=0)
        max_error_rate = check_real("max_error_rate", max_error_rate, at_least=0, at_most=1)

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
