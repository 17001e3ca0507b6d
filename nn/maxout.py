"""Maxout (Goodfellow et al.): a unit that outputs the largest of k linear pieces.

The lecture's max(w1ᵀx + b1, w2ᵀx + b2): each piece is one dot node plus its bias, and
the unit is ONE ``max`` node over them, so the gradient flows only into the winning
piece. `Maxout` is a layer of such units.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import autograd as ag
from autograd import Value

from .layers import Inputs, Seed, UnitRow, shared_inputs, weighted_sum
from .module import Module, as_inputs
from .parameter import Parameter
from .serialize import SIZE, savable
from .validate import check_positive_int, make_rng


class MaxoutUnit(Module):
    """One maxout unit: max(w1·x + b1, ..., wk·x + bk) — k dots, k +, ONE max node.

    Its parameters are ``pieces.k.w.j`` and ``pieces.k.b``; its output node is labelled
    with its path, like a neuron's.
    """

    config_schema = {"nin": SIZE, "pieces": SIZE}  # shown by repr; a unit alone is not savable
    _standalone_label = "maxout"

    def __init__(self, nin: int, pieces: int = 2, seed: Seed = None):
        self.nin = check_positive_int("nin", nin)
        self.pieces = check_positive_int("pieces", pieces)
        rng = make_rng(seed)
        self.w = [
            [Parameter(v) for v in rng.uniform(-1.0, 1.0, self.nin).tolist()]
            for _ in range(self.pieces)
        ]
        self.b = [Parameter(0.0) for _ in range(self.pieces)]
        self._assign_names()

    def _own_parameters(self) -> list[tuple[str, Parameter]]:
        named: list[tuple[str, Parameter]] = []
        for k, (w, b) in enumerate(zip(self.w, self.b)):
            named.extend((f"pieces.{k}.w.{i}", wi) for i, wi in enumerate(w))
            named.append((f"pieces.{k}.b", b))
        return named

    def __call__(self, x: Iterable[Any]) -> Value:
        return self._forward(shared_inputs(as_inputs(x, self.nin)))

    def _forward(self, inputs: Inputs) -> Value:
        """The forward pass on already-checked inputs: k dots, k +, one max."""
        out = ag.max([weighted_sum(w, inputs) + b for w, b in zip(self.w, self.b)])
        out.label = self.path or self._standalone_label
        return out


@savable
class Maxout(UnitRow):
    """A layer of `nout` maxout units (the lecture's max(w1ᵀx + b1, w2ᵀx + b2)).

    Returns a list of nout Values; units are named ``neurons.i`` like a Layer's neurons.
    """

    config_schema = {"nin": SIZE, "nout": SIZE, "pieces": SIZE}

    def __init__(self, nin: int, nout: int, pieces: int = 2, seed: Seed = None):
        self.nin = check_positive_int("nin", nin)
        self.nout = check_positive_int("nout", nout)
        self.pieces = check_positive_int("pieces", pieces)
        rng = make_rng(seed)
        self.neurons = [MaxoutUnit(self.nin, self.pieces, rng) for _ in range(self.nout)]
        self._assign_names()

    @staticmethod
    def count_parameters(config: dict[str, Any]) -> int:
        return config["nout"] * config["pieces"] * (config["nin"] + 1)
