"""Neuron, Layer, MLP, LinearClassifier: micrograd's models on one dot node per neuron.

A neuron computes ``ag.dot(w, x) + b`` (ONE dot node whose parents are w then x, then
ONE ``+``) and then its activation (one op, none for linear), so an MLP's graph stays
small and fast. Each neuron labels its output node with its path
(``layers.0.neurons.3``), which lets a drawing collapse a neuron into one box.
Initialisation is micrograd's: weights uniform(-1, 1), biases 0; `seed` makes it
reproducible. Each class declares its constructor arguments once (``config_schema``)
and how many parameters they make (``count_parameters``); ``@savable`` lets
`nn.load` rebuild it from a file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import numpy as np

import autograd as ag
from autograd import Value

from .activations import Activation, activation_name, resolve
from .module import Module, as_inputs
from .parameter import Parameter
from .serialize import ACTIVATION, SIZE, SIZES, savable
from .validate import check_positive_int, check_sizes, make_rng

Seed = int | np.random.Generator | None


class Inputs(NamedTuple):
    """A layer's input Values and their numbers, checked once and read by every unit."""

    values: tuple[Value, ...]
    data: list[float]


def shared_inputs(xs: Iterable[Value]) -> Inputs:
    """Checked input Values -> the ``Inputs`` all units of a layer read."""
    values = tuple(xs)
    return Inputs(values, [v.data for v in values])


def weighted_sum(w: Sequence[Value], inputs: Inputs) -> Value:
    """ONE dot node w·x, the node ``ag.dot(w, x)`` builds, without re-checking x for
    every unit (``ag.unchecked_dot``: measured, the checks would cost a third of a
    moons training step)."""
    return ag.unchecked_dot(tuple(w), inputs.values, inputs.data)


@savable
class Neuron(Module):
    """One neuron: activation(w·x + b), returning a single Value.

    Its output node is labelled with its `path` ("neuron" when it stands alone).
    """

    config_schema = {"nin": SIZE, "activation": ACTIVATION}
    _standalone_label = "neuron"

    def __init__(self, nin: int, activation: str | Activation = "relu", seed: Seed = None):
        self.nin = check_positive_int("nin", nin)
        self.activation = activation
        self._act = resolve(activation)
        self._check_output = not isinstance(activation, str)
        rng = make_rng(seed)
        self.w = [Parameter(v) for v in rng.uniform(-1.0, 1.0, self.nin).tolist()]
        self.b = Parameter(0.0)
        self._assign_names()

    @staticmethod
    def count_parameters(config: dict[str, Any]) -> int:
        return config["nin"] + 1

    def _own_parameters(self) -> list[tuple[str, Parameter]]:
        return [(f"w.{i}", w) for i, w in enumerate(self.w)] + [("b", self.b)]

    def _assign_names(self, prefix: str = "") -> None:
        super()._assign_names(prefix)
        self._output_label = prefix or self._standalone_label

    def __call__(self, x: Iterable[Any]) -> Value:
        return self._forward(shared_inputs(as_inputs(x, self.nin)))

    def _forward(self, inputs: Inputs) -> Value:
        """The forward pass on already-checked inputs: one dot, one +, the activation."""
        values, data = inputs  # weighted_sum, written out: a call less per neuron
        out = ag.unchecked_dot(tuple(self.w), values, data) + self.b
        act = self._act
        if act is not None:
            out = act(out)
            if self._check_output and not isinstance(out, Value):
                raise TypeError(
                    f"activation {activation_name(self.activation)} returned "
                    f"{type(out).__name__}, expected a Value"
                )
        out.label = self._output_label
        return out


class UnitRow(Module):
    """Units side by side on the same `nin` inputs, named ``neurons.i``: one Value each.

    The shape shared by `Layer`, `LinearClassifier` and `Maxout`; a subclass sets
    ``self.nin`` and ``self.neurons`` (units with a ``_forward(inputs)``).
    """

    nin: int
    neurons: list[Any]

    def _children(self) -> list[tuple[str, Module]]:
        return [(f"neurons.{i}", n) for i, n in enumerate(self.neurons)]

    def __call__(self, x: Iterable[Any]) -> list[Value]:
        return self._forward(shared_inputs(as_inputs(x, self.nin)))

    def _forward(self, inputs: Inputs) -> list[Value]:
        return [n._forward(inputs) for n in self.neurons]


@savable
class Layer(UnitRow):
    """`nout` neurons on the same `nin` inputs; always returns a list of nout Values."""

    config_schema = {"nin": SIZE, "nout": SIZE, "activation": ACTIVATION}

    def __init__(
        self, nin: int, nout: int, activation: str | Activation = "relu", seed: Seed = None
    ):
        self.nin = check_positive_int("nin", nin)
        self.nout = check_positive_int("nout", nout)
        resolve(activation)  # checked here too, so the error names this layer's argument
        self.activation = activation
        rng = make_rng(seed)
        self.neurons = [Neuron(self.nin, activation, seed=rng) for _ in range(self.nout)]
        self._assign_names()

    @staticmethod
    def count_parameters(config: dict[str, Any]) -> int:
        return config["nout"] * (config["nin"] + 1)


@savable
class MLP(Module):
    """A multilayer perceptron: Layers of `nouts` sizes, `activation` between them.

    The last layer uses `output_activation` (linear by default: raw scores). Returns a
    list of Values, or one Value when the last layer has a single output.
    ``MLP(2, [16, 16, 1])`` has 337 parameters, like micrograd's.
    """

    config_schema = {
        "nin": SIZE,
        "nouts": SIZES,
        "activation": ACTIVATION,
        "output_activation": ACTIVATION,
    }

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str | Activation = "relu",
        output_activation: str | Activation = "linear",
        seed: Seed = None,
    ):
        self.nin = check_positive_int("nin", nin)
        self.nouts = check_sizes("nouts", nouts)
        # Both are checked even when no layer uses one (a single layer uses only
        # output_activation), so a model always saves to a file that loads.
        resolve(activation, "activation")
        resolve(output_activation, "output_activation")
        self.activation = activation
        self.output_activation = output_activation
        rng = make_rng(seed)
        sizes = [self.nin, *self.nouts]
        last = len(self.nouts) - 1
        self.layers = [
            Layer(sizes[i], sizes[i + 1], output_activation if i == last else activation, rng)
            for i in range(len(self.nouts))
        ]
        self._assign_names()

    @staticmethod
    def count_parameters(config: dict[str, Any]) -> int:
        sizes = [config["nin"], *config["nouts"]]
        return sum(nout * (nin + 1) for nin, nout in zip(sizes, sizes[1:]))

    def _children(self) -> list[tuple[str, Module]]:
        return [(f"layers.{i}", layer) for i, layer in enumerate(self.layers)]

    def __call__(self, x: Iterable[Any]) -> Value | list[Value]:
        xs: list[Value] = as_inputs(x, self.nin)
        for layer in self.layers:
            xs = layer._forward(shared_inputs(xs))
        return xs[0] if len(xs) == 1 else xs


@savable
class LinearClassifier(UnitRow):
    """The lecture's linear classifier s = W x + b: one linear neuron per class.

    Row c of W is neuron ``neurons.c`` (its template for class c). Returns the list of
    `nclasses` scores.
    """

    config_schema = {"nin": SIZE, "nclasses": SIZE}

    def __init__(self, nin: int, nclasses: int, seed: Seed = None):
        self.nin = check_positive_int("nin", nin)
        self.nclasses = check_positive_int("nclasses", nclasses)
        rng = make_rng(seed)
        self.neurons = [Neuron(self.nin, "linear", seed=rng) for _ in range(self.nclasses)]
        self._assign_names()

    @staticmethod
    def count_parameters(config: dict[str, Any]) -> int:
        return config["nclasses"] * (config["nin"] + 1)


__all__ = ["Neuron", "UnitRow", "Layer", "MLP", "LinearClassifier"]
