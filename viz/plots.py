"""Matplotlib pictures: a classifier's decision boundary, activations, training history.

Needs the ``plot`` extra (matplotlib); without it each function raises ImportError
naming ``pip install chainrule[plot]``. Nothing here picks a matplotlib backend: scripts
and tests choose (``MPLBACKEND=Agg`` for files only).

Return values: ``plot_decision_boundary`` and ``plot_history`` return the Axes drawn on;
``plot_activations`` returns the Figure (it draws one small Axes per activation).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from autograd import ENGINE_ERRORS, OPS, Value, no_grad
from nn.losses import LossSpec, custom, lookup
from nn.validate import check_int

PLOTTED = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "step")  # by default
CLASS_COLOURS = ("#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2")


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise ImportError(
            "viz plots need matplotlib: pip install chainrule[plot] (or pip install matplotlib)"
        ) from e
    return plt


def class_scores(model: Any, points: Sequence[Sequence[float]]) -> list[list[float]]:
    """The model's output scores for each point, computed under ``no_grad`` (no graph):
    one score per point for a one-output model, else one per class. A model with a
    ``decision_function`` (a perceptron: w·x + b, whose sign is the class) is read by it,
    so that a step output still gets a smooth boundary."""
    decide = getattr(model, "decision_function", None)
    if callable(decide):
        return [[float(decide([float(c) for c in row]))] for row in points]
    rows = []
    with no_grad():
        for row in points:
            out = model([float(c) for c in row])
            outs = [out] if isinstance(out, Value) else list(out)
            rows.append([float(s.data) for s in outs])
    return rows


def _class_rule(loss: Any) -> LossSpec:
    """The loss row whose class rule the picture draws (None: the model's shape decides)."""
    return custom(None) if loss is None else lookup(loss)


def _class_margins(scores, rule: LossSpec):
    """Per class c, by how much c wins at each point (> 0 exactly where ``rule``'s
    ``predicted_class`` is c).

    Read as one output (``rule.reads_one_output``): score - threshold for class 1 and its
    negative for class 0, a score equal to the threshold counting as class 0. Else
    score_c - the best other score, a tie going to the first class, as argmax does.
    Continuous scores give smooth contours; even a step output (a perceptron) still gets
    both regions.
    """
    import numpy as np

    if rule.reads_one_output(scores.shape[1]):
        m = scores[:, 0] - rule.threshold
        m = np.where(m > 0, m, np.minimum(m, -_tie(m)))
        return np.column_stack([-m, m])
    margins = np.empty_like(scores)
    for c in range(scores.shape[1]):
        margins[:, c] = scores[:, c] - np.delete(scores, c, axis=1).max(axis=1)
    winner = scores.argmax(axis=1)
    tied = margins == 0
    for c in range(scores.shape[1]):
        margins[:, c] = np.where(
            tied[:, c], np.where(winner == c, _tie(margins), -_tie(margins)), margins[:, c]
        )
    return margins


def _tie(values) -> float:
    """A margin too small to see but not zero, to settle ties on the predicted side."""
    import numpy as np

    finite = np.abs(values[np.isfinite(values)])
    return 1e-9 * (float(finite.max()) if finite.size else 1.0) or 1e-9


def plot_decision_boundary(
    model: Any,
    X: Any,
    y: Any,
    ax: Any = None,
    *,
    resolution: int = 70,
    loss: Any = None,
    X_test: Any = None,
    y_test: Any = None,
):
    """Colour the plane by the model's predicted class and scatter the data on top.

    model(x) takes 2 numbers and returns one Value or a list of scores; ``loss`` (a name
    of ``nn.losses.LOSSES``, or None for the model's shape) says how they read as a
    class: class 1 where score > 0 (hinge, perceptrons) or output > 0.5 (mse), else
    the arg-max. The scores are evaluated on a ``resolution`` × ``resolution`` grid
    under ``no_grad`` and each class's region is drawn as a contour of its winning
    margin, so the boundary is smooth, not a staircase of grid cells. ``X_test`` and
    ``y_test`` (both or neither) are drawn as hollow points in their class's colour, so
    a model that fits its training points but not the test points shows it. Returns the
    Axes.
    """
    import numpy as np

    plt = _pyplot()

    resolution = check_int("plot_decision_boundary: resolution", resolution, minimum=2)
    X = np.asarray(X, dtype=float)
    y = np.asarray(y).astype(int)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"plot_decision_boundary needs X of shape (n, 2), got {X.shape}")
    if (X_test is None) != (y_test is None):
        raise ValueError("plot_decision_boundary: pass X_test and y_test together")
    if X_test is not None:
        X_test = np.asarray(X_test, dtype=float)
        y_test = np.asarray(y_test).astype(int)
        if X_test.ndim != 2 or X_test.shape[1] != 2 or len(X_test) != len(y_test):
            raise ValueError(
                f"plot_decision_boundary needs X_test of shape (n, 2) and n labels, got "
                f"{X_test.shape} and {len(y_test)}"
            )
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 5))
    pad = 0.1 * (X.max(axis=0) - X.min(axis=0)) + 0.25
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    xs = np.linspace(lo[0], hi[0], resolution)
    ys = np.linspace(lo[1], hi[1], resolution)
    gx, gy = np.meshgrid(xs, ys)
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    margins = _class_margins(np.array(class_scores(model, grid)), _class_rule(loss))
    labels = set(np.unique(y).tolist()) | (
        set(np.unique(y_test).tolist()) if X_test is not None else set()
    )
    if min(labels) < 0:
        raise ValueError(f"plot_decision_boundary: class ids must be >= 0, got {min(labels)}")
    k = margins.shape[1]
    colours = {c: CLASS_COLOURS[c % len(CLASS_COLOURS)] for c in set(range(k)) | labels}
    for c in range(margins.shape[1]):
        field = margins[:, c].reshape(gx.shape)
        if field.max() > 0:
            top = float(field.max()) * 2
            ax.contourf(gx, gy, field, levels=[0.0, top], colors=[colours[c]], alpha=0.22)
            ax.contour(gx, gy, field, levels=[0.0], colors=["#374151"], linewidths=0.8)
    for c in sorted(set(np.unique(y).tolist())):  # the classes present, however large their ids
        mask = y == c
        ax.scatter(
            X[mask, 0],
            X[mask, 1],
            c=colours[c],
            s=22 if X_test is None else 34,
            edgecolors="white",
            linewidths=0.6,
            label=f"class {c}",
        )
    for c in sorted(set(np.unique(y_test).tolist())) if X_test is not None else ():
        mask = y_test == c
        ax.scatter(
            X_test[mask, 0],
            X_test[mask, 1],
            facecolors="white",
            edgecolors=colours[c],
            s=26,
            linewidths=1.4,
            label=f"class {c}, test",
        )
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_title("decision boundary")
    return ax


def activation_curve(name: str, xs: Sequence[float]) -> tuple[list[float], list[float]]:
    """(activation(x), activation'(x)) at each x, the derivative from the engine's backward.

    Outside the op's domain (log at x <= 0) both are NaN, so the curve is drawn where it
    is defined; an op defined at none of the xs is a ValueError saying so."""
    values, slopes = [], []
    for x in xs:
        v = Value(float(x), label="x")
        try:
            out = getattr(v, name)()
        except ENGINE_ERRORS:
            values.append(math.nan)
            slopes.append(math.nan)
            continue
        out.backward()
        values.append(out.data)
        slopes.append(v.grad)
    if len(values) and all(math.isnan(v) for v in values):
        raise ValueError(
            f"{name} is defined at none of x = {min(xs):g}..{max(xs):g}: nothing to plot"
        )
    return values, slopes


def unary_ops() -> list[str]:
    """Every one-input op a Value has as a method: the activations, ``exp``, ``log``, ...,
    and any one registered with ``@ag.op`` (the notebook's softsign)."""
    return [
        name
        for name, spec in OPS.items()
        if spec.arity == 1 and callable(getattr(Value, name, None))
    ]


def check_activation_names(names: str | Iterable[str] | None) -> list[str]:
    """``names`` as a list of activation names, each a one-input op of Value.

    None -> the default ``PLOTTED``; a single str is one name (``"relu"`` ->
    ``["relu"]``). An unknown name -> ValueError naming it and the known activations;
    anything but a str or an iterable of str -> TypeError.
    """
    if names is None:
        return list(PLOTTED)
    if isinstance(names, str):
        names = [names]
    elif not isinstance(names, Iterable) or isinstance(names, (bytes, Mapping)):
        raise TypeError(f"names must be an activation name or a list of them, got {names!r}")
    names = list(names)
    if not names:
        raise ValueError("names is empty: give at least one activation, or None for all")
    known = unary_ops()
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"each activation name must be a str, got {name!r}")
        if name not in known:
            others = [n for n in known if n not in PLOTTED]
            raise ValueError(
                f"unknown activation {name!r}; known activations: {', '.join(PLOTTED)} "
                f"(also any one-input op of Value: {', '.join(others)})"
            )
    return names


def plot_activations(names: str | Sequence[str] | None = None, ax: Any = None):
    """Each activation (solid) and its derivative by backward (dashed), on a shared x.

    names: Value method names (one-input ops, including ones registered with ``@ag.op``),
    default sigmoid, tanh, relu, leaky_relu, elu, softplus, step; a single name (a str)
    plots that one. An unknown name -> ValueError listing the known ones. ax: None (a
    new figure, one Axes per activation), one Axes (all curves on it), or a sequence of
    Axes, one per name. Returns the Figure.
    """
    names = check_activation_names(names)
    import numpy as np

    plt = _pyplot()
    xs = np.linspace(-4, 4, 401)
    if ax is None:
        cols = min(4, len(names))
        rows = -(-len(names) // cols)
        fig, grid = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.6 * rows), squeeze=False)
        axes = list(grid.ravel())
        for extra in axes[len(names) :]:
            extra.set_visible(False)
    elif isinstance(ax, Sequence) or hasattr(ax, "ravel"):
        axes = list(np.ravel(ax))
        if len(axes) < len(names):
            raise ValueError(f"{len(names)} activations need {len(names)} Axes, got {len(axes)}")
    else:
        axes = [ax] * len(names)
    for i, (name, a) in enumerate(zip(names, axes[: len(names)], strict=True)):
        values, slopes = activation_curve(name, xs)
        colour = CLASS_COLOURS[i % len(CLASS_COLOURS)]
        a.plot(xs, values, color=colour, lw=2, label=name)
        a.plot(xs, slopes, color=colour, lw=1.5, ls="--", label=f"{name}′ (backward)")
        a.axhline(0, color="#9ca3af", lw=0.6)
        a.axvline(0, color="#9ca3af", lw=0.6)
        if len(set(map(id, axes))) > 1:
            a.set_title(name)
        a.legend(fontsize=8, loc="upper left")
    fig = axes[0].figure
    fig.tight_layout()
    return fig


def plot_history(history: Any, ax: Any = None):
    """Loss (left axis) and accuracy (right axis) per epoch; returns the loss Axes.

    history: ``nn.fit``'s History (anything with a ``.loss`` list and optionally an
    ``.accuracy`` list), or a mapping with those keys, such as ``History.as_dict()`` or
    the command line's ``history.json`` loaded back. Anything else -> TypeError; a
    mapping without ``"loss"`` -> ValueError.
    """
    loss, acc = _history_lists(history)
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    epochs = range(1, len(loss) + 1)
    ax.plot(epochs, loss, color="#dc2626", lw=2, label="loss")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss", color="#dc2626")
    if acc:
        right = ax.twinx()
        right.plot(range(1, len(acc) + 1), acc, color="#2563eb", lw=2, label="accuracy")
        right.set_ylabel("accuracy", color="#2563eb")
        right.set_ylim(0, 1.02)
    ax.set_title("training history")
    return ax


def _history_lists(history: Any) -> tuple[list[Any], list[Any]]:
    """(loss, accuracy) lists from a History-like object or a mapping."""
    if isinstance(history, Mapping):
        if "loss" not in history:
            raise ValueError(
                "plot_history needs a 'loss' list; the mapping has keys "
                f"{sorted(map(str, history))}"
            )
        loss, acc = history["loss"], history.get("accuracy")
    elif hasattr(history, "loss"):
        loss, acc = history.loss, getattr(history, "accuracy", None)
    else:
        raise TypeError(
            "plot_history needs nn.fit's History (or anything with .loss and .accuracy "
            f"lists) or a mapping with 'loss' and 'accuracy' keys, got {type(history).__name__}"
        )
    for what, values in (("loss", loss), ("accuracy", acc)):
        if values is not None and (
            isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable)
        ):
            raise TypeError(f"history {what} must be a list of numbers, got {values!r}")
    return list(loss), list(acc or [])
