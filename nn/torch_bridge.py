"""The bridge to PyTorch: the same model, the same float64 weights, one call away.

``to_torch(model)`` builds the ``torch.nn.Sequential`` with the architecture of a
chainrule `MLP`, `Layer`, `Neuron`, `Perceptron`, `LinearClassifier` or `Maxout` and
copies every weight into it as float64; ``from_torch(module)`` reads an
``nn.Sequential`` of ``Linear`` layers and the activations chainrule knows back into an
`MLP` (or a `Maxout`). Both directions go through one description of a model, its
`blocks`: each block is one ``Linear`` (row r of its weight matrix = one neuron, or one
maxout piece) followed by one activation. `nn.compare` pairs parameters the same way.

Where torch.nn has no module for a piece, the bridge writes the small one it needs from
torch's own functions: `Step` (``torch.heaviside``, the perceptron's step, slope 0) and
`Maxout` (a ``Linear`` of nout·pieces rows, then the max over each unit's pieces: like
chainrule's ``ag.max``, the gradient goes to the first winning piece). A callable
activation has no counterpart: ValueError naming it.

torch is imported only when a bridge function is called: ``import nn`` never needs it.
Without it, each function raises ImportError naming the ``torch`` extra.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from .activations import ELU_ALPHA, LEAKY_ALPHA, activation_name
from .layers import MLP, Layer, LinearClassifier, Neuron
from .maxout import Maxout
from .module import Module
from .parameter import Parameter

INSTALL_HINT = (
    "pip install 'chainrule[torch]' (a CPU build: pip install torch "
    "--index-url https://download.pytorch.org/whl/cpu)"
)


def import_torch() -> Any:
    """The torch module, or ImportError saying how to install it."""
    try:
        import torch
    except ImportError as e:
        raise ImportError(f"the bridge to PyTorch needs torch: {INSTALL_HINT}") from e
    return torch


# -- one description of a model, read by both directions and by compare ---------------


@dataclass(frozen=True)
class Block:
    """One ``Linear`` and what follows it: ``rows[r]`` = (weights, bias) of weight row r.

    kind: "linear" (a row per neuron, then `activation`) or "maxout" (`pieces` rows per
    unit, unit i's piece k at row i·pieces + k, then the max over each unit's rows).
    `where` names the chainrule module (its path) in messages.
    """

    kind: str
    rows: list[tuple[list[Parameter], Parameter]]
    activation: str = "linear"
    pieces: int = 1
    where: str = ""

    @property
    def nin(self) -> int:
        return len(self.rows[0][0])


def _named_activation(activation: Any, where: str) -> str:
    if isinstance(activation, str):
        return activation
    raise ValueError(
        f"{where}: the callable activation {activation_name(activation)} has no PyTorch "
        f"counterpart; to_torch takes named activations ({', '.join(TORCH_ACTIVATIONS)})"
    )


def _neuron_rows(neurons: list[Neuron]) -> list[tuple[list[Parameter], Parameter]]:
    return [(list(n.w), n.b) for n in neurons]


def blocks(model: Module) -> list[Block]:
    """The model as Linear blocks, in its own order (its `parameters()` order).

    An unknown kind of model -> TypeError naming the kinds the bridge knows.
    """
    where = type(model).__name__
    if isinstance(model, MLP):
        return [
            Block(
                "linear",
                _neuron_rows(layer.neurons),
                _named_activation(layer.activation, f"{where} layers.{i}"),
            )
            for i, layer in enumerate(model.layers)
        ]
    if isinstance(model, Layer):
        return [
            Block("linear", _neuron_rows(model.neurons), _named_activation(model.activation, where))
        ]
    if isinstance(model, LinearClassifier):
        return [Block("linear", _neuron_rows(model.neurons))]
    if isinstance(model, Neuron):  # a Perceptron too: step(w·x + b)
        return [Block("linear", _neuron_rows([model]), _named_activation(model.activation, where))]
    if isinstance(model, Maxout):
        rows = [(list(w), b) for unit in model.neurons for w, b in zip(unit.w, unit.b)]
        return [Block("maxout", rows, pieces=model.pieces)]
    raise TypeError(
        f"to_torch knows MLP, Layer, Neuron, Perceptron, LinearClassifier and Maxout, "
        f"not {type(model).__name__}"
    )


# -- the torch side --------------------------------------------------------------------

# chainrule's activation name -> the torch.nn module that computes it (same kink rules:
# relu'(0) = 0, leaky_relu'(0) = 0.1, elu'(0) = 1, step' = 0)
TORCH_ACTIVATIONS = ("linear", "relu", "leaky_relu", "elu", "sigmoid", "tanh", "step")


@functools.cache
def torch_pieces() -> Any:
    """The torch modules the bridge writes itself (built once, when torch is first
    needed): a namespace with `Step` and `Maxout`."""
    torch = import_torch()

    class StepFunction(torch.autograd.Function):
        """step(x) = 1 if x > 0 else 0; its slope is 0 everywhere (chainrule's step)."""

        @staticmethod
        def forward(ctx, x):
            return torch.heaviside(x, torch.zeros((), dtype=x.dtype))

        @staticmethod
        def backward(ctx, grad):
            return torch.zeros_like(grad)

    class Step(torch.nn.Module):
        """The perceptron's step activation, 1 if x > 0 else 0, with slope 0 (torch.nn
        has no module for it)."""

        def forward(self, x):
            return StepFunction.apply(x)

    class Maxout(torch.nn.Module):
        """nout maxout units of `pieces` linear pieces each: ``linear`` has nout·pieces
        rows (unit i's piece k at row i·pieces + k); the output is each unit's largest
        piece, the gradient going to the first one on a tie (as chainrule's ag.max)."""

        def __init__(self, nin: int, nout: int, pieces: int = 2):
            super().__init__()
            self.nout, self.pieces = nout, pieces
            self.linear = torch.nn.Linear(nin, nout * pieces)

        def forward(self, x):
            z = self.linear(x)
            return z.unflatten(-1, (self.nout, self.pieces)).max(dim=-1).values

        def extra_repr(self) -> str:
            return f"nin={self.linear.in_features}, nout={self.nout}, pieces={self.pieces}"

    Step.__module__ = Maxout.__module__ = __name__
    Step.__qualname__, Maxout.__qualname__ = "Step", "Maxout"

    def activation(name: str) -> Any:
        return {
            "relu": torch.nn.ReLU,
            "leaky_relu": lambda: torch.nn.LeakyReLU(LEAKY_ALPHA),
            "elu": lambda: torch.nn.ELU(ELU_ALPHA),
            "sigmoid": torch.nn.Sigmoid,
            "tanh": torch.nn.Tanh,
            "step": Step,
        }[name]()

    class Pieces:
        pass

    pieces = Pieces()
    pieces.torch, pieces.Step, pieces.Maxout, pieces.activation = torch, Step, Maxout, activation
    return pieces


def torch_linears(module: Any) -> list[Any]:
    """The Linear layers of a torch module in forward order (a Maxout's inner one too)."""
    torch = import_torch()
    return [m for m in module.modules() if isinstance(m, torch.nn.Linear)]


def to_torch(model: Module) -> Any:
    """The ``torch.nn.Sequential`` with `model`'s architecture and its weights (float64).

    MLP(2, [16, 1]) -> Sequential(Linear(2, 16), ReLU(), Linear(16, 1)); a linear
    activation adds no module; a Perceptron ends in `Step`; a Maxout is one `Maxout`
    module. Neuron i of a layer is row i of its Linear's weight. A callable activation
    -> ValueError naming it; a model of another kind -> TypeError.
    """
    found = blocks(model)
    t = torch_pieces()
    torch = t.torch
    layers = []
    for block in found:
        weight = torch.tensor([[w.data for w in ws] for ws, _ in block.rows], dtype=torch.float64)
        bias = torch.tensor([b.data for _, b in block.rows], dtype=torch.float64)
        if block.kind == "maxout":
            nout = len(block.rows) // block.pieces
            layer = t.Maxout(block.nin, nout, block.pieces).double()
            linear = layer.linear
        else:
            layer = linear = torch.nn.Linear(block.nin, len(block.rows), dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(weight)
            linear.bias.copy_(bias)
        layers.append(layer)
        if block.activation != "linear":
            layers.append(t.activation(block.activation))
    return torch.nn.Sequential(*layers)


def _activation_of(layer: Any, where: str) -> str | None:
    """chainrule's name for a torch activation module, None when it is not one;
    ValueError for a known module with constants chainrule does not have."""
    t = torch_pieces()
    nn = t.torch.nn
    simple = {nn.ReLU: "relu", nn.Sigmoid: "sigmoid", nn.Tanh: "tanh", nn.Identity: "linear"}
    if type(layer) in simple:
        return simple[type(layer)]
    if isinstance(layer, t.Step):
        return "step"
    if isinstance(layer, nn.LeakyReLU):
        if layer.negative_slope != LEAKY_ALPHA:
            raise ValueError(
                f"{where}: chainrule's leaky_relu has slope {LEAKY_ALPHA} for x < 0, "
                f"not {layer.negative_slope}"
            )
        return "leaky_relu"
    if isinstance(layer, nn.ELU):
        if layer.alpha != ELU_ALPHA:
            raise ValueError(f"{where}: chainrule's elu has alpha {ELU_ALPHA}, not {layer.alpha}")
        return "elu"
    return None


def _copy_rows(linear: Any, rows: list[tuple[list[Parameter], Parameter]]) -> None:
    weight = linear.weight.detach().double().tolist()
    bias = linear.bias.detach().double().tolist()
    for (ws, b), wrow, brow in zip(rows, weight, bias):
        for w, value in zip(ws, wrow):
            w.data = value
        b.data = brow


def from_torch(module: Any) -> Module:
    """The chainrule model of an ``nn.Sequential`` of ``Linear`` layers (with bias),
    each followed by at most one activation (ReLU, LeakyReLU(0.1), ELU(1), Sigmoid,
    Tanh, Identity, the bridge's Step), or of one bridge `Maxout`; weights copied.

    It becomes an `MLP` (a Sequential does not say which chainrule class it came from:
    a Layer, Neuron or LinearClassifier comes back as the MLP computing the same
    numbers, with its parameters in the same order), or a `Maxout`. The hidden layers
    must share one activation (an MLP's `activation`). Anything else -> ValueError
    naming the layer (``module[2]``) and what was expected.
    """
    t = torch_pieces()
    nn = t.torch.nn
    if not isinstance(module, nn.Sequential):
        raise ValueError(
            f"from_torch reads an nn.Sequential of Linear layers and activations, "
            f"got {type(module).__name__}"
        )
    layers = list(module)
    if len(layers) == 1 and isinstance(layers[0], t.Maxout):
        inner = layers[0]
        model = Maxout(inner.linear.in_features, inner.nout, inner.pieces)
        _copy_rows(inner.linear, blocks(model)[0].rows)
        return model
    linears: list[Any] = []
    activations: list[str] = []
    for i, layer in enumerate(layers):
        where = f"module[{i}] ({layer!r})"
        if isinstance(layer, nn.Linear):
            if layer.bias is None:
                raise ValueError(f"{where}: a Linear without bias; every chainrule neuron has one")
            if linears and layer.in_features != linears[-1].out_features:
                raise ValueError(
                    f"{where}: takes {layer.in_features} inputs, but the layer before "
                    f"gives {linears[-1].out_features}"
                )
            linears.append(layer)
            activations.append("linear")
            continue
        name = _activation_of(layer, where)
        if name is None:
            raise ValueError(
                f"{where} has no chainrule counterpart: from_torch reads Linear layers, "
                f"each followed by at most one of ReLU, LeakyReLU(0.1), ELU(1), Sigmoid, "
                f"Tanh, Identity, Step"
            )
        if not linears or activations[-1] != "linear":
            raise ValueError(f"{where}: an activation must follow a Linear (one per Linear)")
        activations[-1] = name
    if not linears:
        raise ValueError("from_torch: the Sequential holds no Linear layer")
    hidden = set(activations[:-1])
    if len(hidden) > 1:
        first = activations[0]
        k = next(k for k, a in enumerate(activations[:-1]) if a != first)
        index = layers.index(linears[k])
        raise ValueError(
            f"module[{index}]: hidden layers with different activations ({first} and "
            f"{activations[k]}); an MLP has one activation between its layers"
        )
    model = MLP(
        linears[0].in_features,
        [linear.out_features for linear in linears],
        activation=activations[0] if hidden else "relu",
        output_activation=activations[-1],
    )
    for linear, block in zip(linears, blocks(model)):
        _copy_rows(linear, block.rows)
    return model


__all__ = ["to_torch", "from_torch", "blocks", "Block", "torch_linears", "import_torch"]
