"""fit(): train a model on (X, y) with a named loss, and record a History.

One epoch = one pass over the data in (mini-)batches. Each step: forward over the
batch, loss (+ l2 · Σp²), backward, optimiser step. What a loss name means — which
outputs it reads, the labels it sees and the class a score means — is its row in
`losses.LOSSES` (a `losses.LossSpec`), read by `fit`, `predict` and `objective` alike
(hinge: one output, class 1 -> +1 and class 0 -> -1, predicts score > 0).
A callable loss gets ``(outputs, labels)`` (model outputs of the batch, int class ids)
and its predictions follow the model's shape: score > 0 for one output, else arg-max.
Accuracy needs no extra forward pass (see `History`); `predict` runs under `no_grad`.
`objective` is the number fit minimises, for the model as it is now, on any (X, y).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import autograd as ag
from autograd import Value, no_grad

from . import losses
from .losses import LossSpec
from .module import Module
from .optim import SGD
from .validate import check_finite_nonneg, check_positive_int, check_X, check_y, make_rng


def _progress_bar():
    """tqdm's notebook widget where ipywidgets is installed, its text bar elsewhere.

    (``tqdm.auto`` alone warns "IProgress not found" in every kernel without ipywidgets,
    which chainrule does not require.)
    """
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        from tqdm.std import tqdm
    else:
        from tqdm.auto import tqdm
    return tqdm


class _LineProgress:
    """Progress as one plain line every tenth of the epochs, for a log file or a pipe
    (where tqdm's redrawn bar would pile up into one enormous line)."""

    def __init__(self, epochs: int, stream) -> None:
        self.epochs, self.stream = epochs, stream
        self.every = max(1, epochs // 10)
        self.epoch = 0

    def __iter__(self):
        for epoch in range(self.epochs):
            self.epoch = epoch
            yield epoch

    def set_postfix(self, **numbers: str) -> None:
        done = self.epoch + 1
        if done % self.every == 0 or done == self.epochs:
            shown = "  ".join(f"{k} {v}" for k, v in numbers.items())
            print(f"fit: epoch {done}/{self.epochs}  {shown}", file=self.stream, flush=True)

    def close(self) -> None:
        pass


def _progress(epochs: int, enabled: bool):
    """A tqdm bar on a terminal or in Jupyter; plain lines when stderr is a file or a
    pipe; nothing when disabled."""
    stream = sys.stderr
    in_kernel = "ipykernel" in sys.modules
    if enabled and not in_kernel and not (hasattr(stream, "isatty") and stream.isatty()):
        return _LineProgress(epochs, stream)
    return _progress_bar()(range(epochs), desc="fit", disable=not enabled, leave=True)


def _check_optimizer(optimizer: Any, params: list[Value]) -> None:
    """An optimiser from ``nn.optim`` (or one like it) that updates this model: one made
    for another model would train nothing, silently."""
    needed = ("step", "zero_grad", "params", "lr")
    missing = [name for name in needed if not hasattr(optimizer, name)]
    if missing:
        raise TypeError(
            f"fit: optimizer must be an optimiser such as nn.optim.SGD(model.parameters(), "
            f"lr=0.1), got {type(optimizer).__name__} (no {', '.join(missing)})"
        )
    mine = {id(p) for p in params}
    if params and not any(id(p) in mine for p in optimizer.params):
        raise ValueError(
            "fit: the optimizer updates none of this model's parameters (was it made "
            "for another model?): pass optimizer=SGD(model.parameters(), lr=...)"
        )


DEFAULT_L2 = 1e-4  # fit's and objective's weight of the L2 penalty l2·Σp²


@dataclass
class History:
    """What `fit` measured, one entry per epoch.

    Both are read off the epoch's own forward passes, as micrograd's demo and Keras do
    (no second pass over the data): loss is the mean over the epoch's batches of the
    minimised objective (data loss + l2 term); accuracy is the share of samples each
    batch's forward pass classified correctly, before that batch's update. With a full
    batch both describe the model as it was at the start of the epoch; `predict`
    measures the trained model.
    """

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[float]]:
        """The history as plain lists, ready for json.dump."""
        return {"loss": list(self.loss), "accuracy": list(self.accuracy)}


def scores(out: Any) -> list[float]:
    """A model output (Value, number or list of them) as a list of floats."""
    if isinstance(out, (list, tuple)):
        return [float(v) for v in out]
    return [float(out)]


def predict(model: Module, X: Any, loss: str | Callable[..., Value] = "hinge") -> np.ndarray:
    """Class ids the model assigns to the rows of X, as `fit` reads them for `loss`
    (its row's class rule, `losses.LossSpec.predicted_class`).

    Runs under `no_grad`: no graph is built, however many points (a decision-boundary
    grid) are asked for.
    """
    spec = losses.lookup(loss)
    rows = check_X(X).tolist()
    with no_grad():
        return np.array([spec.predicted_class(scores(model(r))) for r in rows], dtype=int)


def _count_outputs(model: Module, row: list[float]) -> int:
    with no_grad():
        return len(scores(model(row)))


def _batch_objective(
    spec: LossSpec, outs: list[Any], y: list[int], l2: float, params: list[Value]
) -> Value:
    """Data loss + l2·Σp² over `params`: what one step of `fit` minimises."""
    value = spec.data_loss(outs, y)
    if l2:
        value = value + l2 * losses.l2(params)
    return value


def _check_labels(spec: LossSpec, nout: int, y: Any, n: int) -> list[int]:
    """y as n class ids, once the model's `nout` outputs are known to suit the loss."""
    why = spec.misfit(nout)
    if why is not None:
        raise ValueError(f"loss {spec.name!r} {why}")
    return check_y(y, n, 2 if nout == 1 else nout).tolist()


def objective(
    model: Module,
    X: Any,
    y: Any,
    *,
    loss: str | Callable[..., Value] = "hinge",
    l2: float = DEFAULT_L2,
) -> Value:
    """The objective `fit` minimises, over all of (X, y): data loss + l2·Σp².

    The same labels, loss and penalty as one full-batch step of `fit`, for the model as
    it is now (`History.loss` is measured before each update). Returns the Value, so a
    backward pass works; under `no_grad` it is just the number.
    """
    spec = losses.lookup(loss)
    l2 = check_finite_nonneg("l2", l2)
    Xa = check_X(X)
    outs = [model(r) for r in Xa.tolist()]
    labels = _check_labels(spec, len(scores(outs[0])), y, Xa.shape[0])
    return _batch_objective(spec, outs, labels, l2, model.parameters())


def fit(
    model: Module,
    X: Any,
    y: Any,
    *,
    loss: str | Callable[..., Value] = "hinge",
    optimizer: Any = None,
    lr: float = 1.0,
    lr_end: float | None = None,
    epochs: int = 100,
    batch_size: int | None = None,
    l2: float = DEFAULT_L2,
    progress: bool = True,
    seed: int | None = 0,
    compiled: bool = True,
) -> History:
    """Train `model` on X (n x d floats) and y (n class ids); return its History.

    optimizer: None -> SGD(model.parameters(), lr); a given optimiser keeps its own lr
    (`lr` is then ignored). lr_end: the optimiser's lr decays linearly from its value
    at the start to lr_end, reaching it in the last epoch (micrograd's demo: lr=1.0,
    lr_end=0.1). batch_size None = full batch; otherwise each epoch visits the samples
    in an order drawn from `seed`. l2 adds l2·Σp² over model.parameters() to the loss.
    progress shows a tqdm bar with the latest loss and accuracy.
    compiled (the default): each batch's graph is recorded once (``ag.compile``) and
    replayed with numpy on the next batches of the same shape; the numbers are the
    Value path's (to rounding), the time a fraction. compiled=False builds and walks
    the Values every step.
    """
    spec = losses.lookup(loss)
    Xa = check_X(X)
    n = Xa.shape[0]
    epochs = check_positive_int("epochs", epochs)
    if batch_size is not None:
        batch_size = check_positive_int("batch_size", batch_size)
    l2 = check_finite_nonneg("l2", l2)
    if lr_end is not None:
        lr_end = check_finite_nonneg("lr_end", lr_end)
    rows = Xa.tolist()
    nout = _count_outputs(model, rows[0])  # also checks the model takes d inputs
    labels = _check_labels(spec, nout, y, n)

    params = model.parameters()
    if optimizer is None:
        optimizer = SGD(params, check_finite_nonneg("lr", lr))
    _check_optimizer(optimizer, params)
    lr_start = optimizer.lr
    rng = make_rng(seed)
    size = n if batch_size is None else batch_size
    history = History()

    replay = _Replays(model, spec, rows, labels, l2, params) if compiled else None
    bar = _progress(epochs, progress)
    for epoch in bar:
        if lr_end is not None and epochs > 1:
            optimizer.lr = lr_start + (lr_end - lr_start) * epoch / (epochs - 1)
        order = list(range(n)) if batch_size is None else rng.permutation(n).tolist()
        total = 0.0
        correct = 0
        for start in range(0, n, size):
            batch = order[start : start + size]
            batch_labels = [labels[i] for i in batch]
            optimizer.zero_grad()
            if replay is not None:
                value, read, batch_labels = replay.step(batch)
            else:
                outs = [model(rows[i]) for i in batch]
                objective_value = _batch_objective(spec, outs, batch_labels, l2, params)
                objective_value.backward()
                value = objective_value.data
                # accuracy from this forward pass's numbers: no second pass, no graph
                read = [spec.predicted_class(scores(o)) for o in outs]
            optimizer.step()
            total += value * len(batch)
            correct += sum(c == label for c, label in zip(read, batch_labels))
        history.loss.append(total / n)
        history.accuracy.append(correct / n)
        if progress:
            bar.set_postfix(loss=f"{history.loss[-1]:.4f}", acc=f"{history.accuracy[-1]:.3f}")
    bar.close()
    return history


class _Replays:
    """fit's compiled steps: one ``ag.Program`` per batch shape, replayed.

    A batch's graph depends on its size and on its labels (hinge writes relu(1 - s) for
    class 1 and relu(1 + s) for class 0), not on the numbers in X. For a named loss
    (a mean over samples) the batch is taken in order of label, so that a shape is
    the count of each label; a callable loss is keyed by its labels in order. Each
    program reads the parameters' current data, this batch's rows and its constants,
    and adds ∂objective/∂p to each parameter's ``.grad``.
    """

    def __init__(self, model, spec, rows, labels, l2, params) -> None:
        self.model, self.spec, self.rows, self.labels = model, spec, rows, labels
        self.l2, self.params = l2, params
        self.by_label = spec.name in losses.LOSSES  # a mean over samples: any order
        self.programs: dict[tuple, tuple] = {}

    def step(self, batch: list[int]) -> tuple[float, list[int], list[int]]:
        """(objective, predicted classes, labels) of one batch, after adding the
        gradients to the parameters' ``.grad``."""
        labels = self.labels
        if self.by_label:
            batch = sorted(batch, key=labels.__getitem__)
        batch_labels = [labels[i] for i in batch]
        key = tuple(batch_labels)
        entry = self.programs.get(key)
        if entry is None:
            entry = self.programs[key] = self._compile(batch, batch_labels)
        program, data, param_slots, input_slots, nout = entry
        data[param_slots[0]] = [self.params[k].data for k in param_slots[1]]
        data[input_slots[0]] = [self.rows[i][j] for i in batch for j in input_slots[1]]
        value, grads = program.replay(data)
        for k, g in zip(param_slots[1], grads[param_slots[0]].tolist()):
            self.params[k].grad += g
        outs = program.watched.reshape(len(batch), nout).tolist()
        return value, [self.spec.predicted_class(o) for o in outs], batch_labels

    def _compile(self, batch: list[int], batch_labels: list[int]) -> tuple:
        inputs = [[Value(v) for v in self.rows[i]] for i in batch]
        outs = [self.model(x) for x in inputs]
        objective_value = _batch_objective(self.spec, outs, batch_labels, self.l2, self.params)
        watch = [o for out in outs for o in (out if isinstance(out, (list, tuple)) else [out])]
        program = ag.compile(objective_value, watch=watch)
        slot = {id(v): k for k, v in enumerate(program.leaves)}
        kept = [(slot[id(p)], k) for k, p in enumerate(self.params) if id(p) in slot]
        param_slots = ([a for a, _ in kept], [b for _, b in kept])
        d = len(inputs[0])
        used = [j for j in range(d) if all(id(x[j]) in slot for x in inputs)]
        input_slots = ([slot[id(x[j])] for x in inputs for j in used], used)
        data = [v.data for v in program.leaves]
        return program, np.array(data), param_slots, input_slots, len(watch) // len(batch)
