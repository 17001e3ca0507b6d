"""Activation functions by name, mapped onto the engine's ops.

Every named activation is ONE engine op on the neuron's pre-activation (``linear`` is
no op at all), so a neuron's graph is always ``dot -> + -> activation``. Any callable
``Value -> Value`` works too, but cannot be saved to a file (a name can).

Adding a named activation is one entry in `ACTIVATIONS` (name -> a function applying
one engine op; a new op first goes to the engine with ``@ag.op``). Layers, model
files and the CLI's ``--activation`` choices all read this table.
"""

from __future__ import annotations

from collections.abc import Callable

from autograd import Value

Activation = Callable[[Value], Value]

# The lecture's constants: Leaky ReLU max(0.1x, x), ELU with alpha = 1.
LEAKY_ALPHA = 0.1
ELU_ALPHA = 1.0


def _leaky_relu(v: Value) -> Value:
    return v.leaky_relu(alpha=LEAKY_ALPHA)


def _elu(v: Value) -> Value:
    return v.elu(alpha=ELU_ALPHA)


# name -> op on a Value (None = identity, no node added)
ACTIVATIONS: dict[str, Activation | None] = {
    "linear": None,
    "relu": Value.relu,
    "leaky_relu": _leaky_relu,
    "elu": _elu,
    "sigmoid": Value.sigmoid,
    "tanh": Value.tanh,
    "step": Value.step,
}


def resolve(activation: str | Activation, what: str = "activation") -> Activation | None:
    """Return the function applying `activation` (a name or a callable); None = linear.

    An unknown name -> ValueError listing the known ones; neither a str nor a
    callable -> TypeError. `what` names the argument in the message.
    """
    if isinstance(activation, str):
        if activation not in ACTIVATIONS:
            names = ", ".join(ACTIVATIONS)
            raise ValueError(f"unknown {what} {activation!r}; expected one of: {names}")
        return ACTIVATIONS[activation]
    if callable(activation):
        return activation
    raise TypeError(f"{what} must be a name or a callable Value -> Value, got {activation!r}")


def activation_name(activation: str | Activation) -> str:
    """How a drawing, repr or message names `activation`: its name, or a callable's."""
    if isinstance(activation, str):
        return activation
    return getattr(activation, "__qualname__", None) or repr(activation)


def name_for_saving(activation: str | Activation) -> str:
    """The activation's name for a model file; a callable cannot be saved -> ValueError."""
    if isinstance(activation, str):
        return activation
    raise ValueError(
        f"cannot save a model whose activation is the callable {activation_name(activation)}: "
        f"only named activations can be saved ({', '.join(ACTIVATIONS)})"
    )
