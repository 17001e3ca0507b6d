"""chainrule's engine: scalar Values, one rule per op, reverse-mode backward.

Start reading at ``autograd/value.py``: it opens with the chain rule, written once
(``chain_rule_steps``). The rules of the ops are ``autograd/ops.py``, one function each;
``autograd/higher_order.py`` runs the chain rule on Values (``grad(create_graph=True)``,
``hessian``) for derivatives of any order; ``autograd/compiled.py`` records a graph
once and replays it with numpy (``compile``).
These are the public names; ``nn`` and ``viz`` use nothing else.
"""

from autograd.compiled import (
    Group,
    Program,
    compile,  # noqa: F401 (ag.compile; not in __all__, see below)
)
from autograd.forward import ENGINE_ERRORS
from autograd.gradcheck import GradcheckError, gradcheck, numerical_grad
from autograd.higher_order import grad, hessian
from autograd.modes import detect_anomaly, is_grad_enabled, no_grad
from autograd.ops import (
    abs_ as abs,  # noqa: F401 (ag.abs; not in __all__, see below)
    add,
    arctan,
    cos,
    cosh,
    cross_entropy,
    div,
    dot,
    elu,
    exp,
    expm1,
    leaky_relu,
    log,
    log1p,
    logsumexp,
    max_ as max,  # noqa: F401
    min_ as min,  # noqa: F401
    mul,
    neg,
    pow_ as pow,  # noqa: F401
    powc,
    relu,
    sigmoid,
    sin,
    sinh,
    softplus,
    sqrt,
    step,
    sub,
    sum_ as sum,  # noqa: F401
    tan,
    tanh,
    unchecked_dot,
)
from autograd.registry import OPS, op
from autograd.spec import OpSpec
from autograd.value import ChainRuleStep, Value, chain_rule_steps, topo_order

# ``from autograd import *`` leaves the builtins abs, compile, max, min, pow and sum
# alone: use ag.abs, ag.compile, ag.max, ag.min, ag.pow and ag.sum.
__all__ = [
    "ENGINE_ERRORS",
    "OPS",
    "ChainRuleStep",
    "GradcheckError",
    "Group",
    "OpSpec",
    "Program",
    "Value",
    "chain_rule_steps",
    "add",
    "arctan",
    "cos",
    "cosh",
    "cross_entropy",
    "detect_anomaly",
    "div",
    "dot",
    "elu",
    "exp",
    "expm1",
    "grad",
    "gradcheck",
    "hessian",
    "is_grad_enabled",
    "leaky_relu",
    "log",
    "log1p",
    "logsumexp",
    "mul",
    "neg",
    "no_grad",
    "numerical_grad",
    "op",
    "powc",
    "relu",
    "sigmoid",
    "sin",
    "sinh",
    "softplus",
    "sqrt",
    "step",
    "sub",
    "tan",
    "tanh",
    "topo_order",
    "unchecked_dot",
]
