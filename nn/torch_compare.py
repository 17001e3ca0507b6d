"""compare(): a chainrule model and its PyTorch twin, number for number.

Both run forward on the same X; both differentiate the same scalar (the loss of their
outputs against y, written with torch's own loss functions on the torch side, or the
sum of the outputs when no y is given); then every output and every parameter's
gradient is compared, one row per torch tensor, in the style of the micrograd lecture's
``cmp``: "exact" (bit for bit), "approximate" (every |Δ| ≤ tol · max(1, |torch's|)),
and the largest |Δ|. It shows as a text table and, in Jupyter, as an HTML table.

The losses' conventions (`TORCH_LOSSES`): where chainrule and torch define a loss
differently, the factor between them, as compare applies it and the README tabulates it.
Neither model's ``.grad`` is read or written (``ag.grad``, ``torch.autograd.grad``).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import autograd as ag

from . import losses
from .module import Module
from .torch_bridge import blocks, import_torch, torch_linears
from .train import scores
from .validate import check_X, check_y

DEFAULT_TOL = 1e-12


def _hinge(torch: Any, s: Any, c: Any) -> Any:
    zeros = torch.zeros_like(s[:, :1])
    return 2.0 * torch.nn.functional.multi_margin_loss(torch.cat([zeros, s[:, :1]], 1), c)


def _multiclass_svm(torch: Any, s: Any, c: Any) -> Any:
    return s.shape[1] * torch.nn.functional.multi_margin_loss(s, c, margin=1.0)


def _cross_entropy(torch: Any, s: Any, c: Any) -> Any:
    return torch.nn.functional.cross_entropy(s, c)


def _mse(torch: Any, s: Any, c: Any) -> Any:
    return torch.nn.functional.mse_loss(s[:, 0], c.to(s.dtype))


@dataclass(frozen=True)
class TorchLoss:
    """One loss's PyTorch equivalent: `text` as written in the README's table,
    `function(torch, scores, class_ids)` the torch expression compare evaluates."""

    text: str
    function: Callable[..., Any]


TORCH_LOSSES: dict[str, TorchLoss] = {
    "hinge": TorchLoss("2 · MultiMarginLoss()(cat([0, s]), class id)", _hinge),
    "multiclass_svm": TorchLoss("C · MultiMarginLoss(margin=1)(s, y)", _multiclass_svm),
    "cross_entropy": TorchLoss("CrossEntropyLoss()(s, y)", _cross_entropy),
    "mse": TorchLoss("MSELoss()(s, class id as float)", _mse),
}
"""chainrule's loss name -> the same number written with torch.nn's losses."""


@dataclass(frozen=True)
class Row:
    """One compared quantity: `what` ("outputs", "loss" or a torch parameter's name),
    `chainrule` (what it is in chainrule: the parameter with the largest |Δ|), its
    `shape`, and the verdicts."""

    what: str
    chainrule: str
    shape: tuple[int, ...]
    exact: bool
    approximate: bool
    maxdiff: float


class Comparison:
    """The table `compare` returns: `rows` (outputs, loss, then ∂loss/∂ each torch
    parameter), `objective` (what was differentiated), `tol`; ``str()`` is the text
    table, ``_repr_html_`` the same in Jupyter; ``comparison["0.weight"]`` a row."""

    def __init__(self, rows: list[Row], objective: str, tol: float):
        self.rows, self.objective, self.tol = rows, objective, tol

    def __getitem__(self, what: str) -> Row:
        for row in self.rows:
            if row.what == what:
                return row
        raise KeyError(f"no row {what!r}; rows: {', '.join(r.what for r in self.rows)}")

    @property
    def gradient_rows(self) -> list[Row]:
        return [r for r in self.rows if r.what not in ("outputs", "loss")]

    @property
    def max_output_diff(self) -> float:
        return self["outputs"].maxdiff

    @property
    def max_grad_diff(self) -> float:
        return max(r.maxdiff for r in self.gradient_rows)

    @property
    def approximate(self) -> bool:
        """True when every row agrees within `tol`."""
        return all(r.approximate for r in self.rows)

    @property
    def exact(self) -> bool:
        return all(r.exact for r in self.rows)

    HEADER = ("compared", "shape", "exact", "approximate", "max |Δ|", "largest |Δ| at")

    def _cells(self, row: Row) -> tuple[str, ...]:
        what = row.what if row.what in ("outputs", "loss") else f"∂L/∂ {row.what}"
        shape = "×".join(map(str, row.shape)) or "scalar"
        at = row.chainrule if row.maxdiff > 0 else "—"
        return (what, shape, str(row.exact), str(row.approximate), f"{row.maxdiff:.2e}", at)

    def _title(self) -> str:
        verdict = "all agree" if self.approximate else "NOT all agree"
        return f"chainrule vs PyTorch, L = {self.objective}: {verdict} (tol {self.tol:g})"

    def __str__(self) -> str:
        table = [self.HEADER] + [self._cells(r) for r in self.rows]
        widths = [max(len(line[k]) for line in table) for k in range(len(self.HEADER))]
        lines = [self._title()]
        for line in table:
            lines.append("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip())
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.HEADER)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in self._cells(r)) + "</tr>"
            for r in self.rows
        )
        return (
            f"<table><caption>{html.escape(self._title())}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )


def _row(what: str, mine: list[float], theirs: list[float], names: list[str], shape, tol) -> Row:
    diffs = [abs(a - b) for a, b in zip(mine, theirs)]
    worst = max(range(len(diffs)), key=diffs.__getitem__) if diffs else 0
    return Row(
        what=what,
        chainrule=names[worst] if names else "",
        shape=tuple(shape),
        exact=all(a == b for a, b in zip(mine, theirs)),
        approximate=all(d <= tol * max(1.0, abs(b)) for d, b in zip(diffs, theirs)),
        maxdiff=max(diffs) if diffs else 0.0,
    )


def _pair_parameters(model: Module, module: Any) -> list[tuple[str, Any, list[Any]]]:
    """(torch name, torch tensor, chainrule Parameters in its order) for every weight
    and bias; a torch module of another shape -> ValueError saying both."""
    mine = blocks(model)
    linears = torch_linears(module)
    shapes = [(len(b.rows), b.nin) for b in mine]
    theirs = [tuple(linear.weight.shape) for linear in linears]
    if shapes != theirs or any(linear.bias is None for linear in linears):
        raise ValueError(
            f"the torch module's Linear weights have shapes {theirs}, the model's {shapes} "
            f"(each with a bias): not the same architecture"
        )
    names = {id(p): n for n, p in module.named_parameters()}
    pairs = []
    for block, linear in zip(mine, linears):
        pairs.append(
            (names[id(linear.weight)], linear.weight, [w for ws, _ in block.rows for w in ws])
        )
        pairs.append((names[id(linear.bias)], linear.bias, [b for _, b in block.rows]))
    return pairs


def compare(
    model: Module,
    torch_module: Any,
    X: Any,
    y: Any = None,
    loss: str | None = None,
    *,
    tol: float = DEFAULT_TOL,
) -> Comparison:
    """Run `model` and `torch_module` on X and compare outputs and gradients.

    y None (and no loss): L = Σ outputs. With y (class ids): L = the loss `loss`
    (default: hinge for one output, cross_entropy for more) of the outputs, as `fit`
    reads it, computed on the torch side with torch.nn's losses (`TORCH_LOSSES`).
    Rows: the outputs, the loss, then ∂L/∂ each torch parameter against its chainrule
    parameters. A loss without y, or a loss torch has no counterpart for -> ValueError.
    """
    torch = import_torch()
    Xa = check_X(X)
    rows_in = Xa.tolist()
    outs = [model(r) for r in rows_in]
    mine_out = [scores(o) for o in outs]
    nout = len(mine_out[0])
    pairs = _pair_parameters(model, torch_module)
    dtype = pairs[0][1].dtype
    t_out = torch_module(torch.tensor(Xa, dtype=dtype)).reshape(len(rows_in), -1)
    theirs_out = t_out.detach().double().tolist()
    flat = lambda table: [v for line in table for v in line]  # noqa: E731
    rows = [_row("outputs", flat(mine_out), flat(theirs_out), [], (len(rows_in), nout), tol)]

    if y is None:
        if loss is not None:
            raise ValueError(f"compare: loss {loss!r} needs the labels y")
        objective = "Σ outputs"
        mine_loss = ag.sum([v for o in outs for v in (o if isinstance(o, list) else [o])])
        theirs_loss = t_out.sum()
    else:
        name = loss if loss is not None else losses.default_loss(nout)
        if not isinstance(name, str) or name not in TORCH_LOSSES:
            raise ValueError(
                f"compare: loss {name!r} has no PyTorch counterpart here; "
                f"expected one of {', '.join(TORCH_LOSSES)}"
            )
        spec = losses.lookup(name)
        why = spec.misfit(nout)
        if why is not None:
            raise ValueError(f"compare: loss {name!r} {why}")
        class_ids = check_y(y, len(rows_in), 2 if nout == 1 else nout).tolist()
        objective = name
        mine_loss = spec.data_loss(outs, class_ids)
        theirs_loss = TORCH_LOSSES[name].function(torch, t_out, torch.tensor(class_ids))
        rows.append(_row("loss", [mine_loss.data], [theirs_loss.item()], [], (), tol))

    named = {id(p): n for n, p in model.named_parameters()}
    tensors = [t for _, t, _ in pairs]
    theirs_grads = torch.autograd.grad(theirs_loss, tensors, allow_unused=True)
    mine_grads = ag.grad(mine_loss, [p for _, _, ps in pairs for p in ps])
    k = 0
    for (what, tensor, params), grad in zip(pairs, theirs_grads):
        g = torch.zeros_like(tensor) if grad is None else grad
        mine = [v.data for v in mine_grads[k : k + len(params)]]
        k += len(params)
        rows.append(
            _row(
                what,
                mine,
                g.double().flatten().tolist(),
                [named[id(p)] for p in params],
                tensor.shape,
                tol,
            )
        )
    return Comparison(rows, objective, tol)


__all__ = ["compare", "Comparison", "Row", "TORCH_LOSSES", "TorchLoss"]
