"""Optimisers: turn each parameter's gradient into an update, with PyTorch's rules.

Updates are written straight to ``p.data`` (plain floats), so a step builds no graph.
``opt.lr`` is a plain attribute: a schedule (see `fit`'s `lr_end`) just assigns it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from autograd import Value

from .validate import check_finite_nonneg, check_real


def _check_params(params: Iterable[Value]) -> list[Value]:
    """The parameters as a list, each once (by identity, first-seen order).

    A parameter listed twice (``SGD([p, p])``, or two modules sharing a weight) is one
    parameter with one gradient: kept twice, every step would update it twice.
    """
    ps = list(params)
    if not ps:
        raise ValueError("optimizer got an empty parameter list")
    for i, p in enumerate(ps):
        if not isinstance(p, Value):
            raise TypeError(f"parameter {i} is {type(p).__name__}, expected a Value")
    return list({id(p): p for p in ps}.values())


class Optimizer:
    """What every optimiser shares: its parameters (each once), `lr`, and `zero_grad`."""

    def __init__(self, params: Iterable[Value], lr: float):
        self.params = _check_params(params)
        self.lr = check_finite_nonneg("lr", lr)

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 before the next backward pass."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent with PyTorch's momentum and weight decay.

    Per parameter p with gradient g:  g' = g + weight_decay·p;
    v = momentum·v + g' (v = g' on the first step);  p -= lr·v, or with
    ``nesterov=True`` (Sutskever's form, as PyTorch writes it) p -= lr·(g' + momentum·v).
    With momentum 0 this is the lecture's ``weights += -step_size * weights_grad``.
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ):
        super().__init__(params, lr)
        self.momentum = check_finite_nonneg("momentum", momentum)
        self.weight_decay = check_finite_nonneg("weight_decay", weight_decay)
        if not isinstance(nesterov, bool):
            raise TypeError(f"nesterov must be True or False, got {nesterov!r}")
        if nesterov and self.momentum == 0:
            raise ValueError("SGD: nesterov=True needs a momentum > 0 (as in PyTorch)")
        self.nesterov = nesterov
        self.velocity: list[float] | None = None

    def step(self) -> None:
        """Apply one update to every parameter from its current `.grad`."""
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        if mu == 0.0:
            for p in self.params:
                p.data -= lr * (p.grad + wd * p.data if wd else p.grad)
            return
        first = self.velocity is None
        velocity = self.velocity if self.velocity is not None else [0.0] * len(self.params)
        for i, p in enumerate(self.params):
            g = p.grad + wd * p.data if wd else p.grad
            v = g if first else mu * velocity[i] + g
            velocity[i] = v
            p.data -= lr * (g + mu * v if self.nesterov else v)
        self.velocity = velocity


class Adam(Optimizer):
    """Adam (Kingma & Ba) with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8.

    Per parameter at step t: m = β1·m + (1-β1)·g;  v = β2·v + (1-β2)·g²;
    m̂ = m / (1 - β1^t);  v̂ = v / (1 - β2^t);  p -= lr·m̂ / (√v̂ + eps).
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ):
        super().__init__(params, lr)
        beta1, beta2 = betas
        self.betas = (
            check_real("beta1", beta1, at_least=0, below=1),
            check_real("beta2", beta2, at_least=0, below=1),
        )
        self.eps = check_finite_nonneg("eps", eps)
        if self.eps == 0:  # the first parameter whose gradient is 0 would divide 0 by 0
            raise ValueError("Adam: eps must be > 0 (PyTorch's default is 1e-8), got 0.0")
        self.t = 0
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)

    def step(self) -> None:
        """Apply one bias-corrected Adam update to every parameter."""
        self.t += 1
        beta1, beta2 = self.betas
        correction1 = 1.0 - beta1**self.t
        sqrt_correction2 = math.sqrt(1.0 - beta2**self.t)
        lr, eps, m, v = self.lr, self.eps, self.m, self.v
        for i, p in enumerate(self.params):
            g = p.grad
            m[i] = beta1 * m[i] + (1.0 - beta1) * g
            v[i] = beta2 * v[i] + (1.0 - beta2) * g * g
            p.data -= lr * (m[i] / correction1) / (math.sqrt(v[i]) / sqrt_correction2 + eps)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter), PyTorch's AdamW: each step
    first shrinks every parameter, p -= lr·weight_decay·p, then applies Adam's update
    from the gradient alone (the decay never enters m or v). Default weight_decay 0.01,
    as in PyTorch."""

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
    ):
        super().__init__(params, lr, betas, eps)
        self.weight_decay = check_finite_nonneg("weight_decay", weight_decay)

    def step(self) -> None:
        """Decay every parameter, then one Adam update."""
        shrink = 1.0 - self.lr * self.weight_decay
        for p in self.params:
            p.data *= shrink
        super().step()
