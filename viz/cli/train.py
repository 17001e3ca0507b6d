"""``chainrule train`` and ``chainrule predict``: an MLP on a toy 2-D data set, and a
saved model's class at one point.

    chainrule train --out runs/moons [--data moons] [--hidden 16,16] [--loss hinge] ...
    chainrule predict runs/moons/model.json 0.5 -0.2 [--loss hinge]

What a loss name means (what it reads, its class rule, the default) is its row in
``nn.losses.LOSSES``: the choices, defaults and hints here are read off the rows.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nn
from autograd import no_grad
from nn.losses import LOSSES, default_loss, fitting
from nn.serialize import read_json
from nn.train import DEFAULT_L2

from . import arguments, outputs
from .errors import Refused, one_line
from .table import number

DATASETS: dict[str, Callable[..., Any]] = {
    "moons": nn.data.make_moons,
    "circles": nn.data.make_circles,
    "spirals": nn.data.make_spirals,
    "xor": nn.data.make_xor,
    "blobs": nn.data.make_blobs,
}
ACTIVATIONS = tuple(nn.activations.ACTIVATIONS)  # the names a model file can hold
TRAIN_FILES = ("model.json", "history.json", "boundary.png")  # what train writes in --out


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``train`` and ``predict`` to the command line."""
    p = sub.add_parser(
        "train",
        help="train an MLP on a toy 2-D data set",
        description="Train an MLP on a toy 2-D data set; write model.json, history.json "
        "and boundary.png into --out.",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="an empty or new folder (required)")
    p.add_argument(
        "--data", choices=list(DATASETS), default="moons", help="data set (default: %(default)s)"
    )
    p.add_argument(
        "--hidden",
        type=arguments.layer_sizes,
        default="16,16",
        help="hidden layer sizes (default: 16,16)",
    )
    p.add_argument(
        "--activation",
        choices=ACTIVATIONS,
        default="relu",
        help="hidden layers' activation (default: %(default)s)",
    )
    p.add_argument(
        "--loss",
        choices=list(LOSSES),
        default=None,
        help=f"loss function (default: {default_loss(1)} for two-class data (moons, circles, "
        f"xor), {default_loss(3)} for multi-class data (blobs, spirals))",
    )
    p.add_argument(
        "--epochs",
        type=arguments.count,
        default=100,
        help="passes over the data (default: %(default)s)",
    )
    p.add_argument(
        "--lr", type=arguments.positive, default=1.0, help="learning rate (default: %(default)s)"
    )
    p.add_argument(
        "--lr-end",
        type=arguments.positive,
        default=None,
        help="decay lr linearly to this (default: none, lr stays constant)",
    )
    p.add_argument(
        "--l2",
        type=arguments.non_negative,
        default=DEFAULT_L2,
        help="L2 penalty (default: %(default)s)",
    )
    p.add_argument(
        "--seed",
        type=arguments.seed,
        default=0,
        help="data, weights and order (default: %(default)s)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="write into a non-empty --out (default: a non-empty --out is refused)",
    )
    p.set_defaults(run=run_train)

    p = sub.add_parser("predict", help="a saved model's output at one point")
    p.add_argument("model", help="a model.json written by train (or demo's moons.json)")
    p.add_argument("inputs", nargs="+", type=arguments.finite, metavar="x", help="e.g. 0.5 -0.2")
    p.add_argument("--loss", choices=list(LOSSES), help="how to read the output as a class")
    p.set_defaults(run=run_predict)
    if hasattr(p, "_negative_number_matcher"):  # read -1e-3 as a number, as Python 3.13 does
        p._negative_number_matcher = re.compile(r"^-\.?\d")


def save_boundary(model: Any, X: Any, y: Any, loss: str, path: Path, title: str) -> bool:
    """Decision boundary to PNG with matplotlib's Agg; False when matplotlib is missing.

    The PNG is rendered into memory and written whole by ``outputs.write``.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(f"skipped {path.name}: plots need matplotlib: pip install chainrule[plot]")
        return False
    from viz.plots import plot_decision_boundary

    ax = plot_decision_boundary(model, X, y, loss=loss)
    ax.set_title(title)
    png = io.BytesIO()
    ax.figure.savefig(png, format="png", dpi=110, bbox_inches="tight")
    plt.close(ax.figure)
    outputs.write(path, png.getvalue())
    return True


def train(
    model: Any, X: Any, y: Any, *, loss: str, l2: float, **fit_args: Any
) -> tuple[Any, float, float]:
    """fit with a progress bar; returns the History and the trained model's loss and
    accuracy on the training set.

    ``History.loss[-1]`` is measured before the last update; these two are measured
    after it (``nn.objective``, ``nn.predict``), so the printed numbers describe one model.
    """
    history = nn.fit(model, X, y, loss=loss, l2=l2, progress=True, **fit_args)
    with no_grad():
        final_loss = float(nn.objective(model, X, y, loss=loss, l2=l2).data)
    accuracy = float((nn.predict(model, X, loss) == y).mean())
    return history, final_loss, accuracy


MAX_STEP_BYTES = 2**30  # the graph one training step may build: 1 GB


def step_bytes(nin: int, sizes: list[int], samples: int) -> int:
    """About how many bytes one full-batch step of an MLP ``nin``-``sizes`` builds on
    ``samples`` points: each weight is one edge of a neuron's ``dot`` per sample, and
    so is each input it multiplies (16 bytes an edge: the parent and its local
    gradient), and each neuron makes about three Values a sample (``dot``, ``+ b``, the
    activation; about 220 bytes each with their tuples). Within 1.5x of tracemalloc's
    peak for MLPs from 2-16-16-1 to 2-128-128-1 on 100 points."""
    widths = [nin, *sizes]
    weights = sum(a * b for a, b in zip(widths, sizes))
    return samples * (2 * weights * 16 + 3 * sum(sizes) * 220)


def _refuse_a_step_too_large(args: argparse.Namespace, sizes: list[int], samples: int) -> None:
    """Refuse, with the numbers, a model whose training step would not fit in memory
    (``--hidden 1024,1024``: 3.4 GB a step, then a bare MemoryError)."""
    need = step_bytes(2, sizes, samples)
    if need > MAX_STEP_BYTES:
        hidden = ",".join(str(n) for n in args.hidden)
        raise Refused(
            f"--hidden {hidden}: one training step on {samples} samples would build a graph "
            f"of about {need / 1e9:.1f} GB (at most {MAX_STEP_BYTES // 2**30} GB): use "
            "smaller layers (e.g. --hidden 64,64)"
        )


def _diverged(history: Any, model: Any, final_loss: float, args: argparse.Namespace) -> str | None:
    """Why training diverged (a loss or a parameter not finite), or None when it did not.

    A huge but finite loss is no divergence: the model is saved and the numbers written.
    """
    last = len(history.loss)
    bad_loss = next(((k, x) for k, x in enumerate(history.loss, 1) if not math.isfinite(x)), None)
    bad_param = next((p.data for p in model.parameters() if not math.isfinite(p.data)), None)
    if bad_loss is not None:
        what = f"loss became {bad_loss[1]:g} at epoch {bad_loss[0]}"
    elif bad_param is not None:  # the last update broke the parameters
        what = f"a parameter became {bad_param:g} at epoch {last}"
    elif not math.isfinite(final_loss):
        what = f"loss became {final_loss:g} at epoch {last}"
    else:
        return None
    flag, rate = ("--lr", args.lr)
    if args.lr_end is not None and args.lr_end > args.lr:
        flag, rate = ("--lr-end", args.lr_end)
    hint = f"a smaller {flag} (e.g. {flag} {min(rate / 10, 0.1):g})"
    if args.l2 >= 1:  # an L2 penalty this strong diverges by itself
        hint += " or a smaller --l2 (e.g. --l2 0.0001)"
    return f"training diverged: {what}; try {hint}"


def _use_instead(nout: int) -> str:
    """The --loss options that read a model with ``nout`` outputs, as a hint."""
    return " or ".join(f"--loss {name}" for name in fitting(nout))


def run_train(args: argparse.Namespace) -> int:
    out = Path(args.out)
    outputs.check_out_dir(out, TRAIN_FILES, force=args.force)
    X, y = DATASETS[args.data](seed=args.seed)
    classes = len(set(y.tolist()))
    spec = LOSSES[args.loss or default_loss(1 if classes == 2 else classes)]
    loss = spec.name
    nout = spec.outputs_for(classes)
    if nout is None:
        raise Refused(
            f"--loss {loss} reads {spec.reads}, but {args.data} has {classes} classes: "
            f"use {_use_instead(classes)}"
        )
    sizes = [*args.hidden, nout]
    _refuse_a_step_too_large(args, sizes, len(X))
    model = nn.MLP(2, sizes, activation=args.activation, seed=args.seed)
    arch = "-".join(str(n) for n in [2, *sizes])
    print(f"training MLP {arch} ({args.activation}) on {args.data}, loss {loss}")
    history, final_loss, accuracy = train(
        model, X, y, loss=loss, lr=args.lr, lr_end=args.lr_end, epochs=args.epochs,
        l2=args.l2, seed=args.seed,
    )  # fmt: skip
    why = _diverged(history, model, final_loss, args)
    if why is not None:
        raise Refused(why)  # checked before anything is created: no folder, no file
    record = {
        "data": args.data,
        "model": f"MLP {arch}",
        "activation": args.activation,
        "loss_function": loss,
        "epochs": args.epochs,
        "lr": args.lr,
        "lr_end": args.lr_end,
        "l2": args.l2,
        "seed": args.seed,
        "final_loss": final_loss,
        "final_accuracy": accuracy,
        **history.as_dict(),
    }
    try:  # NaN and Infinity are not JSON
        text = json.dumps(record, indent=1, allow_nan=False) + "\n"
    except ValueError:
        raise Refused("training diverged: a number in the history is not finite") from None
    outputs.make_folder(out)
    outputs.save(out / "model.json", model.save)
    outputs.write(out / "history.json", text)
    written = ["model.json", "history.json"]
    title = f"{args.data}: MLP {arch}, accuracy {accuracy:.2f}"
    if save_boundary(model, X, y, loss, out / "boundary.png", title):
        written.append("boundary.png")
    l2 = f" + L2 {args.l2:g}" if args.l2 else ""
    print(
        f"trained model on the training set: loss {final_loss:.4g} ({loss}{l2}), "
        f"accuracy {accuracy:.3f}"
    )
    print(f"wrote {', '.join(str(out / w) for w in written)}")
    return 0


def _loss_beside(model_path: Path) -> str | None:
    """The loss a model was trained with, from the history.json `train` wrote beside it."""
    try:  # read as strictly as the model (a FIFO, a huge or deeply nested file: refused)
        record = read_json(model_path.parent / "history.json", "history file")
        loss = record.get("loss_function")
    except (OSError, ValueError, AttributeError):
        return None
    return loss if loss in LOSSES else None


def _misfit_hint(loss: str, nout: int) -> str | None:
    """Why ``loss`` cannot read a model with ``nout`` outputs and the --loss to use
    instead, or None when it can."""
    why = LOSSES[loss].misfit(nout)
    return None if why is None else f"{why}: use {_use_instead(nout)}"


def run_predict(args: argparse.Namespace) -> int:
    path = Path(args.model)
    try:
        model = nn.load(path)
    except OSError as e:
        raise Refused(f"cannot read {path}: {e.strerror or e}") from None
    except ValueError as e:
        raise Refused(one_line(e)) from None
    try:
        with no_grad():
            out = model(args.inputs)
    except ValueError as e:
        raise Refused(one_line(e)) from None
    scores = nn.train.scores(out)
    bad = next((s for s in scores if not math.isfinite(s)), None)
    if bad is not None:  # as graph refuses a NaN or inf: no class can be read from it
        at = ", ".join(f"{x:g}" for x in args.inputs)
        what = "output" if len(scores) == 1 else "a score"
        raise Refused(
            f"the model's {what} is {bad:g} at {at}: not finite (inputs this large "
            "overflow the model's arithmetic)"
        )
    why = None if args.loss is None else _misfit_hint(args.loss, len(scores))
    if why is not None:
        raise Refused(f"--loss {args.loss}: {why}")
    beside = _loss_beside(path)
    if beside is not None and LOSSES[beside].misfit(len(scores)) is not None:
        beside = None  # a history.json that belongs to another model
    loss = LOSSES[args.loss or beside or default_loss(len(scores))]
    predicted = loss.predicted_class(scores)
    shown = ", ".join(number(s) for s in scores)
    print(f"output: {shown}" if len(scores) == 1 else f"scores: {shown}")
    print(f"class: {predicted}  ({loss.name}: {loss.class_rule(len(scores), predicted)})")
    return 0
