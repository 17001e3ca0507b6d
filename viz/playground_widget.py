"""viz.playground: a TensorFlow-Playground-like trainer for chainrule's own MLPs.

The controls choose the data set (moons, circles, xor, spirals, blobs), its noise and
size, the hidden layers, the activation, the loss, λ (L2) and the learning rate; train,
pause and one step run ``nn.fit`` on the model, a few epochs at a time (about a tenth of
a second each, asked for by the front end, so pause is immediate and the kernel never
blocks). After each, the decision boundary, the train and test points and the loss
curve are sent again; a click on the plot adds a training point of the chosen class;
each hidden unit's activation over the plane is shown on demand. The maps are computed
with numpy from the model's parameters (one matrix product per layer), not by the
engine: a 40 × 40 grid costs well under a millisecond.
"""

from __future__ import annotations

import html
import math
import time
from collections.abc import Sequence

import numpy as np
import traitlets as t

import nn
from autograd import no_grad
from nn import losses
from nn.activations import ELU_ALPHA, LEAKY_ALPHA
from nn.train import objective, predict

from .plots import CLASS_COLOURS, _class_margins
from .widget_page import HERE, anywidget_module
from .words import words

anywidget = anywidget_module()

DATA_SETS = {
    "moons": nn.data.make_moons,
    "circles": nn.data.make_circles,
    "xor": nn.data.make_xor,
    "spirals": nn.data.make_spirals,
    "blobs": nn.data.make_blobs,
}
ACTIVATIONS = ("relu", "tanh", "sigmoid", "leaky_relu", "elu", "linear")
LOSS_CHOICES = ("hinge", "mse", "cross_entropy", "multiclass_svm")
GRID = 40  # cells per side of the decision map
TEST_SHARE = 0.3
BUDGET_S = 0.12  # training time per update asked for by the front end

_NUMPY_ACTIVATIONS = {
    "linear": lambda a: a,
    "relu": lambda a: np.maximum(a, 0.0),
    "tanh": np.tanh,
    "sigmoid": lambda a: 1.0 / (1.0 + np.exp(-np.clip(a, -500, 500))),
    "leaky_relu": lambda a: np.where(a > 0, a, LEAKY_ALPHA * a),
    "elu": lambda a: np.where(a > 0, a, ELU_ALPHA * np.expm1(np.minimum(a, 0.0))),
}


def check_settings(
    data: object,
    hidden: object,
    activation: object,
    loss: object,
    lr: object,
    l2: object,
    n: object,
    noise: object,
) -> tuple[int, ...]:
    """The hidden sizes, once every setting is possible; else ValueError saying which."""
    if data not in DATA_SETS:
        raise ValueError(f"data must be one of {', '.join(DATA_SETS)}, got {data!r}")
    if isinstance(hidden, int) and not isinstance(hidden, bool):
        hidden = (hidden,)
    if isinstance(hidden, str):
        hidden = tuple(int(h) for h in hidden.replace(" ", "").split(",") if h)
    sizes = tuple(hidden) if isinstance(hidden, Sequence) else None
    if not sizes or not all(
        isinstance(h, int) and not isinstance(h, bool) and 1 <= h <= 64 for h in sizes
    ):
        raise ValueError(
            f"hidden must be 1 to 4 layer sizes, each a whole number from 1 to 64, got {hidden!r}"
        )
    if len(sizes) > 4:
        raise ValueError(f"hidden: at most 4 layers, got {len(sizes)}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}, got {activation!r}")
    if loss is not None and loss not in LOSS_CHOICES:
        raise ValueError(f"loss must be None or one of {', '.join(LOSS_CHOICES)}, got {loss!r}")
    for name, value, low in (("lr", lr, 0.0), ("l2", l2, None), ("noise", noise, None)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{name} must be a number, got {value!r}")
        if not math.isfinite(value) or (value <= 0 if low is not None else value < 0):
            raise ValueError(
                f"{name} must be {'> 0' if low is not None else '>= 0'}, got {value!r}"
            )
    if isinstance(n, bool) or not isinstance(n, int) or not 10 <= n <= 1000:
        raise ValueError(f"n must be a whole number from 10 to 1000, got {n!r}")
    return sizes


class Playground(anywidget.AnyWidget):
    """Train an MLP on a 2-D data set and watch it; make it with ``viz.playground()``."""

    _esm = HERE / "playground.js"
    settings = t.Dict().tag(sync=True)
    view = t.Dict().tag(sync=True)  # what the plots show now
    words = t.Dict().tag(sync=True)
    error = t.Unicode("").tag(sync=True)
    choices = t.Dict().tag(sync=True)

    def __init__(
        self,
        data: str = "moons",
        hidden: tuple[int, ...] = (8,),
        activation: str = "relu",
        loss: str | None = None,
        lr: float = 0.1,
        l2: float = 1e-4,
        n: int = 100,
        noise: float = 0.1,
        seed: int = 0,
        lang: str = "en",
    ) -> None:
        said = words(lang)
        sizes = check_settings(data, hidden, activation, loss, lr, l2, n, noise)
        super().__init__()
        self._lang = lang
        self.words = dict(said)
        self.choices = {
            "data": list(DATA_SETS),
            "activation": list(ACTIVATIONS),
            "loss": list(LOSS_CHOICES),
        }
        self.settings = {
            "data": data,
            "hidden": ",".join(map(str, sizes)),
            "activation": activation,
            "loss": loss or "",
            "lr": float(lr),
            "l2": float(l2),
            "n": int(n),
            "noise": float(noise),
            "seed": int(seed),
        }
        self._units = False
        self._reset()
        self.on_msg(self._on_message)

    # ------------------------------------------------------------ the model and its data

    def _reset(self) -> None:
        s = self.settings
        sizes = check_settings(
            s["data"], s["hidden"], s["activation"], s["loss"] or None, s["lr"], s["l2"],
            s["n"], s["noise"],
        )  # fmt: skip
        X, y = DATA_SETS[s["data"]](n=s["n"], noise=s["noise"], seed=s["seed"])
        rng = np.random.default_rng(s["seed"])
        order = rng.permutation(len(X))
        cut = int(round(len(X) * (1 - TEST_SHARE)))
        self.X, self.y = X[order[:cut]], y[order[:cut]]
        self.X_test, self.y_test = X[order[cut:]], y[order[cut:]]
        self.classes = int(y.max()) + 1
        self.loss = s["loss"] or ("hinge" if self.classes == 2 else "cross_entropy")
        spec = losses.lookup(self.loss)
        nout = 1 if self.classes == 2 and spec.misfit(1) is None else self.classes
        why = spec.misfit(nout)
        if why is not None:
            raise ValueError(f"loss {self.loss!r} {why} ({self.classes} classes here)")
        self.model = nn.MLP(2, [*sizes, nout], activation=s["activation"], seed=s["seed"])
        self.optimizer = nn.optim.SGD(self.model.parameters(), s["lr"])
        pad = 0.1 * (X.max(axis=0) - X.min(axis=0)) + 0.25
        self.box = (X.min(axis=0) - pad, X.max(axis=0) + pad)
        self.history: list[float] = []
        self.test_history: list[float] = []
        self.epoch = 0
        self._show()

    @property
    def accuracy(self) -> tuple[float, float]:
        """Train and test accuracy of the model as it is now."""
        train = float(np.mean(predict(self.model, self.X, self.loss) == self.y))
        test = float(np.mean(predict(self.model, self.X_test, self.loss) == self.y_test))
        return train, test

    def train(self, epochs: int = 1) -> float:
        """Train ``epochs`` epochs (full batch) and show the result (in the widget and
        in its still picture); returns the last epoch's loss."""
        loss = self._fit(epochs)
        self._show()
        return loss

    def _fit(self, epochs: int) -> float:
        s = self.settings
        self.optimizer.lr = s["lr"]
        history = nn.fit(
            self.model, self.X, self.y, loss=self.loss, optimizer=self.optimizer,
            epochs=epochs, l2=s["l2"], progress=False,
        )  # fmt: skip
        self.history += history.loss
        self.epoch += epochs
        return history.loss[-1]

    def _train_for(self, seconds: float) -> None:
        started = time.perf_counter()
        while True:
            self._fit(1)
            if time.perf_counter() - started >= seconds:
                break

    def add_point(self, x: float, y: float, cls: int) -> None:
        """Add a training point of class ``cls`` at (x, y)."""
        if not (isinstance(cls, int) and 0 <= cls < self.classes):
            raise ValueError(f"class must be 0 to {self.classes - 1}, got {cls!r}")
        self.X = np.vstack([self.X, [float(x), float(y)]])
        self.y = np.append(self.y, cls)

    # ------------------------------------------------------------ what is shown

    def _layers(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Each layer's weights (out × in) and biases, read off the model's Parameters."""
        found = []
        for layer in self.model.layers:
            W = np.array([[w.data for w in unit.w] for unit in layer.neurons])
            b = np.array([unit.b.data for unit in layer.neurons])
            found.append((W, b))
        return found

    def _grid(self) -> np.ndarray:
        (x0, y0), (x1, y1) = self.box
        xs = np.linspace(x0, x1, GRID)
        ys = np.linspace(y1, y0, GRID)  # top row first
        gx, gy = np.meshgrid(xs, ys)
        return np.column_stack([gx.ravel(), gy.ravel()])

    def _activations(self, points: np.ndarray) -> list[np.ndarray]:
        """Every layer's outputs over ``points``: hidden layers then the scores."""
        act = _NUMPY_ACTIVATIONS[self.settings["activation"]]
        a, out = points, []
        layers = self._layers()
        for k, (W, b) in enumerate(layers):
            z = a @ W.T + b
            a = z if k == len(layers) - 1 else act(z)
            out.append(a)
        return out

    def _view(self) -> dict:
        grid = self._grid()
        outs = self._activations(grid)
        margins = _class_margins(outs[-1], losses.lookup(self.loss))
        cls = margins.argmax(axis=1)
        confidence = np.tanh(np.abs(margins.max(axis=1)))
        train_acc, test_acc = self.accuracy
        with no_grad():
            test = objective(
                self.model, self.X_test, self.y_test, loss=self.loss, l2=self.settings["l2"]
            )
            test_loss = float(test.data)
        self.test_history.append(test_loss)
        view = {
            "epoch": self.epoch,
            "box": [float(v) for v in (*self.box[0], *self.box[1])],
            "size": GRID,
            "cls": cls.astype(int).tolist(),
            "conf": np.round(confidence, 3).tolist(),
            "train": _points(self.X, self.y),
            "test": _points(self.X_test, self.y_test),
            "loss": [round(v, 6) for v in self.history],
            "test_loss": self.test_history[-1],
            "accuracy": [train_acc, test_acc],
            "colours": list(CLASS_COLOURS[: self.classes]),
            "classes": self.classes,
            "loss_name": self.loss,
        }  # fmt: skip
        if self._units:
            units = []
            for layer in outs[:-1]:
                for j in range(layer.shape[1]):
                    a = layer[:, j]
                    scale = float(np.max(np.abs(a))) or 1.0
                    units.append(np.round(a / scale, 3).tolist())
            view["units"] = units
        return view

    def _show(self) -> None:
        self.view = self._view()

    def _on_message(self, _widget, content, _buffers) -> None:
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        try:
            if kind == "train":
                self._train_for(BUDGET_S)
            elif kind == "step":
                self._fit(1)
            elif kind == "reset":
                self._reset()
                return
            elif kind == "settings":
                self._apply(content.get("settings") or {})
                return
            elif kind == "add":
                self.add_point(content["x"], content["y"], int(content["cls"]))
            elif kind == "units":
                self._units = bool(content.get("on"))
            self.error = ""
        except (ValueError, TypeError, KeyError, OverflowError, ZeroDivisionError) as e:
            self.error = f"{type(e).__name__}: {e}"
        self._show()

    def _apply(self, changed: dict) -> None:
        """New settings: lr and λ apply to the running model; the rest start again."""
        merged = {**self.settings, **{k: v for k, v in changed.items() if k in self.settings}}
        try:
            check_settings(
                merged["data"], merged["hidden"], merged["activation"], merged["loss"] or None,
                merged["lr"], merged["l2"], merged["n"], merged["noise"],
            )  # fmt: skip
        except (ValueError, TypeError) as e:
            self.error = f"{type(e).__name__}: {e}"
            self.settings = dict(self.settings)
            return
        live = {"lr", "l2"}
        restart = any(merged[k] != self.settings[k] for k in merged if k not in live)
        before, self.settings = self.settings, merged
        self.error = ""
        if not restart:
            self._show()
            return
        try:
            self._reset()
        except ValueError as e:  # a loss that cannot read this data set's classes
            self.settings = before
            self._reset()
            self.error = f"{type(e).__name__}: {e}"

    # ------------------------------------------------------------ without a front end

    def static_svg(self, size: int = 360) -> str:
        """The decision map, the points and the loss curve as one SVG picture."""
        v = self.view
        x0, y0, x1, y1 = v["box"]
        cell = size / v["size"]
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{size + 260}" height="{size}" '
            f'viewBox="0 0 {size + 260} {size}" font-family="Helvetica,Arial,sans-serif">'
        ]
        side = v["size"]
        for i in range(side):  # one rect per run of cells alike (opacity in 8 levels)
            row = [
                (v["cls"][i * side + j], round(v["conf"][i * side + j] * 7)) for j in range(side)
            ]
            j = 0
            while j < side:
                end = j
                while end + 1 < side and row[end + 1] == row[j]:
                    end += 1
                c, level = row[j]
                fill = _on_white(v["colours"][c], 0.1 + 0.3 * level / 7)  # opaque: overlaps
                parts.append(  # (the half pixel that hides seams) cannot darken
                    f'<rect x="{j * cell:.1f}" y="{i * cell:.1f}" '
                    f'width="{(end - j + 1) * cell + 0.5:.1f}" height="{cell + 0.5:.1f}" '
                    f'fill="{fill}"/>'
                )
                j = end + 1

        def at(px: float, py: float) -> tuple[float, float]:
            return (px - x0) / (x1 - x0) * size, (y1 - py) / (y1 - y0) * size

        for px, py, c in v["train"]:
            sx, sy = at(px, py)
            colour = v["colours"][c]
            parts.append(
                f'<circle cx="{sx:.1f}" cy="{sy:.1f}" r="4" fill="{colour}" stroke="white"/>'
            )
        for px, py, c in v["test"]:
            sx, sy = at(px, py)
            colour = v["colours"][c]
            parts.append(
                f'<circle cx="{sx:.1f}" cy="{sy:.1f}" r="3.5" fill="white" stroke="{colour}" '
                'stroke-width="1.5"/>'
            )
        said = words(self._lang)
        train_acc, test_acc = v["accuracy"]
        lines = [
            said["pg_epoch"].format(epoch=v["epoch"]),
            said["pg_accuracy"].format(train=f"{train_acc:.2f}", test=f"{test_acc:.2f}"),
            said["pg_static"],
        ]
        for k, line in enumerate(lines):
            parts.append(
                f'<text x="{size + 12}" y="{24 + 18 * k}" font-size="13" fill="#111827">'
                f"{html.escape(line)}</text>"
            )
        if len(v["loss"]) > 1:
            top, w, h = 90, 230, 120
            hi = max(v["loss"]) or 1.0
            step = w / (len(v["loss"]) - 1)
            points = " ".join(
                f"{size + 16 + k * step:.1f},{top + h - loss / hi * h:.1f}"
                for k, loss in enumerate(v["loss"])
            )
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="#b91c1c" stroke-width="1.5"/>'
            )
            parts.append(
                f'<text x="{size + 16}" y="{top - 4}" font-size="11" fill="#6b7280">'
                f"{html.escape(said['pg_loss_curve'])}</text>"
            )
        parts.append("</svg>")
        return "".join(parts)

    def _repr_mimebundle_(self, **kwargs):
        data, meta = super()._repr_mimebundle_(**kwargs)
        svg = self.static_svg()
        data["text/html"] = f'<div style="max-width:100%;overflow-x:auto">{svg}</div>'
        data["image/svg+xml"] = svg
        return data, meta

    def __repr__(self) -> str:
        s = self.settings
        return (
            f"<viz.Playground: {s['data']}, MLP 2-{s['hidden'].replace(',', '-')}-"
            f"{len(self.model.layers[-1].neurons)}, "
            f"{s['activation']}, {self.loss}, epoch {self.epoch}>"
        )


def _on_white(colour: str, alpha: float) -> str:
    """``colour`` (#rrggbb) at opacity ``alpha`` over white, as an opaque #rrggbb."""
    rgb = (int(colour[k : k + 2], 16) for k in (1, 3, 5))
    return "#" + "".join(f"{round(255 - alpha * (255 - c)):02x}" for c in rgb)


def _points(X: np.ndarray, y: np.ndarray) -> list[list[float]]:
    """Points as [x, y, class] rows, rounded for the front end."""
    return [[round(float(a), 4), round(float(b), 4), int(c)] for (a, b), c in zip(X, y)]
