"""Loss functions: a model's outputs and the true labels -> one scalar Value to minimise.

Each loss is the mean over samples, built from few engine nodes per sample so that
`backward()` stays cheap. The lecture's vocabulary: a *margin* loss (hinge, multiclass
SVM) is zero once the right score beats the others by the margin; cross-entropy is the
softmax's negative log-likelihood; `l2` is the regulariser R(W) = Σ w².

PyTorch writes some of them differently (each docstring says how; ``nn.compare`` applies
it, tests/test_nn_torch.py proves it, the README tabulates it): multiclass_svm =
C · MultiMarginLoss, hinge = 2 · MultiMarginLoss on [0, s], cross_entropy =
CrossEntropyLoss, mse = MSELoss, and λ·l2 in `fit` = an optimiser's weight_decay=2λ.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import autograd as ag
from autograd import Value

from .validate import check_finite_nonneg

Score = Value | float


def _as_list(xs: Any, what: str) -> list[Any]:
    if isinstance(xs, Value):
        return [xs]
    if isinstance(xs, (str, bytes)) or not isinstance(xs, Iterable):
        raise TypeError(f"{what} must be a sequence, got {xs!r}")
    return list(xs)


def _single(score: Any, i: int) -> Any:
    """A one-output model's score: a Value/number, or a 1-element list of one."""
    if isinstance(score, (list, tuple)):
        if len(score) != 1:
            raise ValueError(f"sample {i}: expected one score, got {len(score)}")
        return score[0]
    return score


def _check_lengths(a: list[Any], b: list[Any], what: str) -> None:
    if len(a) != len(b):
        raise ValueError(f"{what}: {len(a)} predictions but {len(b)} labels")
    if not a:
        raise ValueError(f"{what}: no samples")


def _total(terms: list[Any]) -> Value:
    """Σ terms as ONE sum node; a single Value term is its own total (no Σ of one)."""
    if len(terms) == 1 and isinstance(terms[0], Value):
        return terms[0]
    return ag.sum(terms)


def _mean(terms: list[Any]) -> Value:
    """The mean over samples, labelled ``L`` as the lecture names the loss (so a
    drawing's legend reads ∂L/∂node); for one sample, that sample's loss itself, so a
    drawing of one sample's loss shows no Σ of one term and no ÷ 1."""
    if len(terms) == 1 and isinstance(terms[0], Value):
        loss = terms[0]
    else:
        loss = ag.sum(terms) / len(terms)
    if not loss.label:
        loss.label = "L"
    return loss


def _real(v: Any) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def mse(preds: Score | Sequence[Any], targets: Any) -> Value:
    """Mean squared error: mean over all entries of (pred - target)².

    `preds` and `targets` are aligned sequences (of scalars, or of equal-length rows).
    PyTorch: ``MSELoss()(preds, targets)``, the same number (mean reduction).
    """
    p = [q for row in _as_list(preds, "preds") for q in _row(row)]
    t = [q for row in _as_list(targets, "targets") for q in _row(row)]
    _check_lengths(p, t, "mse")
    return _mean([(a - b) ** 2 for a, b in zip(p, t)])


def _row(row: Any) -> list[Any]:
    if isinstance(row, (list, tuple)):
        return list(row)
    return [row]


def hinge(scores: Sequence[Any], labels: Any) -> Value:
    """Binary max-margin (SVM) loss: mean relu(1 - y·s) with labels y = ±1.

    Written per sample as relu(1 - s) for y = +1 and relu(1 + s) for y = -1: the same
    numbers with one op fewer than 1 - y·s.

    PyTorch: ``2 · MultiMarginLoss()(cat([0, s]), class id)``, class id 1 for y = +1
    and 0 for y = -1: the pair of scores [0, s] gives Σ_{j≠y} max(0, 1 - s_y + s_j) / 2
    = relu(1 - y·s) / 2. (``HingeEmbeddingLoss`` is another loss: it reads y = +1 as s.)
    """
    s = _as_list(scores, "scores")
    y = _as_list(labels, "labels")
    _check_lengths(s, y, "hinge")
    terms = []
    for i, (si, yi) in enumerate(zip(s, y)):
        si = _single(si, i)
        if yi == 1 and _real(yi):
            terms.append((1 - si).relu() if isinstance(si, Value) else ag.relu(1 - si))
        elif yi == -1 and _real(yi):
            terms.append((1 + si).relu() if isinstance(si, Value) else ag.relu(1 + si))
        else:
            raise ValueError(f"hinge: label {i} is {yi!r}; binary labels must be +1 or -1")
    return _mean(terms)


def _class_rows(score_rows: Any, labels: Any, what: str) -> list[tuple[list[Any], int]]:
    rows = _as_list(score_rows, "score_rows")
    y = _as_list(labels, "labels")
    _check_lengths(rows, y, what)
    out = []
    for i, (row, yi) in enumerate(zip(rows, y)):
        row = _as_list(row, f"score row {i}")
        if len(row) < 2:
            raise ValueError(f"{what}: row {i} has {len(row)} score(s); need one per class")
        if isinstance(yi, bool) or not isinstance(yi, numbers.Integral) or not 0 <= yi < len(row):
            raise ValueError(
                f"{what}: label {i} is {yi!r}; expected a class id in 0..{len(row) - 1}"
            )
        out.append((row, int(yi)))
    return out


def multiclass_svm(score_rows: Sequence[Any], labels: Any, margin: float = 1.0) -> Value:
    """Weston–Watkins multiclass SVM: mean over rows of Σ_{j≠y} max(0, s_j - s_y + margin).

    The lecture's L_i = Σ_{j≠y_i} max(0, s_j − s_{y_i} + 1), summed as PyTorch does,
    (margin − s_y) + s_j: one node ``margin − s_y`` per row, shared by its margins, and no
    score difference lost to rounding at the hinge (scores [1, 0, 3.7e-209], label 0: the
    loss is 3.7e-209, not 0).

    PyTorch: ``C · MultiMarginLoss(margin=margin)(s, y)`` for C classes: torch divides
    each row's sum by the number of classes (its 1/C), chainrule does not (the lecture's).
    """
    margin = check_finite_nonneg("multiclass_svm: margin", margin)
    row_losses = []
    for row, yi in _class_rows(score_rows, labels, "multiclass_svm"):
        base = margin - row[yi]
        row_losses.append(_total([ag.relu(base + sj) for j, sj in enumerate(row) if j != yi]))
    return _mean(row_losses)


def cross_entropy(score_rows: Sequence[Any], labels: Any) -> Value:
    """Softmax cross-entropy: mean over rows of logsumexp(s) - s_y.

    One ``ag.cross_entropy`` node per row: logits of ±1e4 give finite losses and exact
    softmax gradients, and a small loss keeps its relative accuracy as in PyTorch's
    float64 (logits [33, 0, -33], label 0: 4.66e-15, not 7.1e-15). PyTorch:
    ``CrossEntropyLoss()(s, y)`` (logits, class ids; mean reduction), the same number.
    """
    row_losses = [
        ag.cross_entropy(row, label=yi)
        for row, yi in _class_rows(score_rows, labels, "cross_entropy")
    ]
    return _mean(row_losses)


def l2(params: Iterable[Value]) -> Value:
    """The L2 regulariser R = Σ p², as ONE dot node of the parameters with themselves
    (labelled ``R``, the lecture's R(W)).

    PyTorch has no loss for it; its optimisers' ``weight_decay`` adds wd·p to each
    gradient instead. ``fit(l2=λ)`` adds λ·Σp², whose gradient is 2λp: it is
    ``torch.optim.SGD(..., weight_decay=2λ)`` (Adam's L2 ``weight_decay=2λ`` too, not
    AdamW's); torch's loss value then leaves out the λ·Σp² that fit's History includes.
    """
    ps = list(params)
    if not ps:
        return Value(0.0, label="R")
    penalty = ag.dot(ps, ps)
    penalty.label = "R"
    return penalty


# -- what a loss name means: one row per loss ----------------------------------------

ONE_OUTPUT = "one output (two classes)"  # what a loss reads from a model (LossSpec.reads)
PER_CLASS = "one score per class"
ANY_OUTPUT = "any output"  # a callable loss: the model's shape decides


@dataclass(frozen=True)
class LossSpec:
    """What a loss name means, written once: `fit`, `predict`, `objective`, the plots
    and the command line all read this row.

    name        the name fit(loss=...) and ``chainrule train --loss`` take
    function    the loss of this module, called as function(outputs, labels)
    reads       ONE_OUTPUT, PER_CLASS or ANY_OUTPUT: which outputs of a model it reads
    targets     the label each class id becomes (hinge: class 0 -> -1, class 1 -> +1);
                None: the class ids themselves
    threshold   one output: above it, the output reads as class 1 (else class 0);
                several outputs read as the arg-max (the first on ties)
    output_word how the class rule names a one-output model's output ("score > 0")
    default     the loss the command line takes, for data that suits what it reads
    """

    name: str
    function: Callable[..., Value]
    reads: str
    targets: tuple[int, ...] | None = None
    threshold: float = 0.0
    output_word: str = "score"
    default: bool = False

    def misfit(self, nout: int) -> str | None:
        """Why this loss cannot read a model with `nout` outputs, or None when it can."""
        needed = {ONE_OUTPUT: nout == 1, PER_CLASS: nout >= 2, ANY_OUTPUT: nout >= 1}
        if needed[self.reads]:
            return None
        outputs = "one output" if nout == 1 else f"{nout} outputs"
        return f"reads {self.reads}, but the model has {outputs}"

    def outputs_for(self, classes: int) -> int | None:
        """How many outputs a model needs for this loss to tell `classes` classes apart
        (one, or one per class); None when it cannot (one output, more than two classes)."""
        if self.reads == ONE_OUTPUT:
            return 1 if classes <= 2 else None
        return classes

    def reads_one_output(self, nout: int) -> bool:
        """True when a model with `nout` outputs is read by its one output against
        `threshold`; False when it is read by the arg-max of its outputs. The model's
        shape decides, for every loss (a loss that cannot read that shape is refused by
        `fit`; see `misfit`)."""
        return nout == 1

    def predicted_class(self, scores: Sequence[float]) -> int:
        """The class this loss reads from a model's output(s): one output -> 1 where it
        is above `threshold`, else 0; several -> the arg-max (the first on ties)."""
        if self.reads_one_output(len(scores)):
            return 1 if scores[0] > self.threshold else 0
        return max(range(len(scores)), key=scores.__getitem__)

    def class_rule(self, nout: int, predicted: int) -> str:
        """`predicted_class`'s rule in words, for a model with `nout` outputs read as
        class `predicted`: "score > 0", "output <= 0.5", "the highest score"."""
        if self.reads_one_output(nout):
            sign = ">" if predicted == 1 else "<="
            return f"{self.output_word} {sign} {self.threshold:g}"
        return "the highest score"

    def data_loss(self, outputs: list[Any], class_ids: list[int]) -> Value:
        """The loss of a batch's model outputs against its class ids, each id mapped to
        the label this loss reads (`targets`)."""
        labels = class_ids if self.targets is None else [self.targets[c] for c in class_ids]
        result = self.function(outputs, labels)
        if not isinstance(result, Value):
            raise TypeError(f"the loss callable returned {type(result).__name__}, expected a Value")
        return result


LOSSES: dict[str, LossSpec] = {
    spec.name: spec
    for spec in (
        LossSpec("hinge", hinge, ONE_OUTPUT, targets=(-1, 1), default=True),
        LossSpec("mse", mse, ONE_OUTPUT, threshold=0.5, output_word="output"),
        LossSpec("cross_entropy", cross_entropy, PER_CLASS, default=True),
        LossSpec("multiclass_svm", multiclass_svm, PER_CLASS),
    )
}
"""Every loss `fit` knows by name: adding one is its function above and one row here."""


def custom(function: Callable[..., Value] | None) -> LossSpec:
    """The row for a loss given as a callable ``(outputs, class_ids) -> Value``: it reads
    any model with an output, and its predictions follow the model's shape (score > 0
    for one output, else the arg-max). None: no loss, only that class rule (the plots)."""
    name = getattr(function, "__name__", "custom loss")
    return LossSpec(name, function, ANY_OUTPUT)  # type: ignore[arg-type]


def lookup(loss: str | Callable[..., Value] | LossSpec) -> LossSpec:
    """The row of a loss name (or the row itself); a callable -> its `custom` row.

    An unknown name or anything else -> ValueError listing the names.
    """
    if isinstance(loss, LossSpec):
        return loss
    names = ", ".join(LOSSES)
    if isinstance(loss, str):
        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}; expected one of {names}")
        return LOSSES[loss]
    if callable(loss):
        return custom(loss)
    raise ValueError(f"loss must be one of {names} or a callable, got {loss!r}")


def fitting(nout: int) -> list[str]:
    """The loss names that can read a model with `nout` outputs (hints name them)."""
    return [
        name for name, spec in LOSSES.items() if spec.reads != ANY_OUTPUT and not spec.misfit(nout)
    ]


def default_loss(nout: int) -> str:
    """The loss the command line takes when none is given, for a model with `nout`
    outputs: the first default row that reads it (hinge for one, cross_entropy else)."""
    return next(name for name in fitting(nout) if LOSSES[name].default)
