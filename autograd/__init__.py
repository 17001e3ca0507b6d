"""chainrule's engine: scalar Values, one rule per op, reverse-mode backward."""

from autograd.gradcheck import GradcheckError, gradcheck, numerical_grad
from autograd.modes import detect_anomaly, is_grad_enabled, no_grad
from autograd.ops import (
    abs_ as abs,
    add,
    div,
    dot,
    elu,
    exp,
    leaky_relu,
    log,
    logsumexp,
    max_ as max,
    min_ as min,
    mul,
    neg,
    pow_ as pow,
    powc,
    relu,
    sigmoid,
    softplus,
    sqrt,
    step,
    sub,
    sum_ as sum,
    tanh,
)
from autograd.registry import OPS, op
from autograd.value import Value, topo_order

__all__ = [
    "OPS", "GradcheckError", "Value", "abs", "add", "detect_anomaly", "div", "dot", "elu",
    "exp", "gradcheck", "is_grad_enabled", "leaky_relu", "log", "logsumexp", "max", "min",
    "mul", "neg", "no_grad", "numerical_grad", "op", "pow", "powc", "relu", "sigmoid",
    "softplus", "sqrt", "step", "sub", "sum", "tanh", "topo_order",
]  # fmt: skip
