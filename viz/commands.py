"""What ``chainrule``'s subcommands do: ``graph``, ``train``, ``predict`` and ``demo``.

Each ``cmd_*`` takes the parsed arguments and returns the exit status; it raises
``Refused`` (or ``ExpressionError``) for input it refuses and ``Missing`` for what the
environment lacks, and ``viz.cli.main`` turns those into a line on stderr. Every place a
command writes to is checked before it writes anything, and every file is written whole
or not at all: both through ``viz.outputs``.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nn
from autograd import Value, detect_anomaly, no_grad
from nn.losses import LOSSES, default_loss, fitting
from nn.train import DEFAULT_L2

from . import outputs
from .errors import Missing, Refused
from .parse import parse, parse_inputs
from .render import FIXES, GraphvizNotFound, draw_graph
from .steps import animate
from .table import gradient_table, number

DATASETS: dict[str, Callable[..., Any]] = {
    "moons": nn.data.make_moons,
    "circles": nn.data.make_circles,
    "spirals": nn.data.make_spirals,
    "xor": nn.data.make_xor,
    "blobs": nn.data.make_blobs,
}
ACTIVATIONS = tuple(nn.activations.ACTIVATIONS)  # the names a model file can hold


# -- graph ---------------------------------------------------------------------------


def cmd_graph(args: argparse.Namespace) -> int:
    """Parse, evaluate, backward, print the table, then draw (nothing written on refusal)."""
    out = outputs.check_output_file(args.output, (".svg", ".png", ".dot"), "-o")
    html = outputs.check_output_file(args.html, (".html", ".htm"), "--html")
    expression = parse(args.expression)
    built = expression.evaluate(parse_inputs(args.inputs))
    root = built.root
    try:
        with detect_anomaly():
            root.backward()
    except FloatingPointError as e:
        raise Refused(" ".join(str(e).split())) from None
    files: list[tuple[Path, bytes]] = []  # everything rendered before anything is written
    try:
        if out is not None:
            files.append((out, draw_graph(root, local=not args.no_local).encoded(out)))
        if html is not None:
            player = animate(root, local=not args.no_local)
            files.append((html, player.html().encode("utf-8")))
    except GraphvizNotFound:
        raise Missing(f"{FIXES}; or write the DOT text: -o {Path(out or 'f').stem}.dot") from None
    except ValueError as e:  # too many nodes to draw
        raise Refused(" ".join(str(e).split())) from None
    print(gradient_table(root, built.inputs))
    outputs.write_all(files)
    for path, _ in files:
        print(f"wrote {path}")
    return 0


# -- train and predict ---------------------------------------------------------------


def _save_boundary(model: Any, X: Any, y: Any, loss: str, path: Path, title: str) -> bool:
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
    from .plots import plot_decision_boundary

    ax = plot_decision_boundary(model, X, y, loss=loss)
    ax.set_title(title)
    png = io.BytesIO()
    ax.figure.savefig(png, format="png", dpi=110, bbox_inches="tight")
    plt.close(ax.figure)
    outputs.write(path, png.getvalue())
    return True


def _train(
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


def cmd_train(args: argparse.Namespace) -> int:
    out = Path(args.out)
    outputs.check_empty_or_forced(out, args.force)
    X, y = DATASETS[args.data](seed=args.seed)
    classes = len(set(y.tolist()))
    spec = LOSSES[args.loss or default_loss(1 if classes == 2 else classes)]
    loss = spec.name
    nout = spec.outputs_for(classes)
    if nout is None:
        raise Refused(
            f"--loss {loss} separates two classes, but {args.data} has {classes}: "
            f"use {_use_instead(classes)}"
        )
    sizes = [*args.hidden, nout]
    model = nn.MLP(2, sizes, activation=args.activation, seed=args.seed)
    arch = "-".join(str(n) for n in [2, *sizes])
    print(f"training MLP {arch} ({args.activation}) on {args.data}, loss {loss}")
    history, final_loss, accuracy = _train(
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
    if _save_boundary(model, X, y, loss, out / "boundary.png", title):
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
    try:
        record = json.loads((model_path.parent / "history.json").read_text(encoding="utf-8"))
        loss = record.get("loss_function")
    except (OSError, ValueError, AttributeError):
        return None
    return loss if loss in LOSSES else None


def _fits(loss: str, nout: int) -> str | None:
    """Why ``loss`` cannot read a model with ``nout`` outputs and the --loss to use
    instead, or None when it can."""
    why = LOSSES[loss].misfit(nout)
    return None if why is None else f"{why}: use {_use_instead(nout)}"


def cmd_predict(args: argparse.Namespace) -> int:
    path = Path(args.model)
    try:
        model = nn.load(path)
    except OSError as e:
        raise Refused(f"cannot read {path}: {e.strerror or e}") from None
    except ValueError as e:
        raise Refused(" ".join(str(e).split())) from None
    try:
        with no_grad():
            out = model(args.inputs)
    except ValueError as e:
        raise Refused(" ".join(str(e).split())) from None
    scores = [float(v) for v in out] if isinstance(out, (list, tuple)) else [float(out)]
    why = None if args.loss is None else _fits(args.loss, len(scores))
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


# -- demo ----------------------------------------------------------------------------


def lecture_graph() -> tuple[Value, dict[str, Value]]:
    """The lecture's f = (x + y) * z at x=-2, y=5, z=-4, every node labelled."""
    x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    return f, {"x": x, "y": y, "z": z}


def _shown(path: Path) -> str:
    """``path`` as a command typed here would name it: relative to the working folder
    when it lies under it, else as given."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def cmd_demo(args: argparse.Namespace) -> int:
    out = Path(args.out)
    outputs.check_out_dir(out)
    outputs.make_folder(out)
    written = []
    f, inputs = lecture_graph()
    f.backward()
    print("The lecture's graph f = (x + y) * z at x=-2, y=5, z=-4, after f.backward():")
    print(gradient_table(f, inputs))
    graph = draw_graph(f)
    try:
        outputs.save(out / "f.svg", graph.save)
        written.append("f.svg  (the graph: upstream gradients on nodes, local ones on edges)")
        outputs.save(out / "steps.html", animate(f).save)
        written.append("steps.html  (backward, one chain-rule step at a time)")
    except GraphvizNotFound:
        outputs.save(out / "f.dot", graph.save)
        written.append("f.dot  (DOT text of the graph)")
        print(f"{FIXES} Then rerun for f.svg and steps.html")

    print(f"\nTraining an MLP 2-16-16-1 on 100 two-moons points ({args.epochs} epochs):")
    X, y = nn.data.make_moons(n=100, noise=0.1, seed=0)
    model = nn.MLP(2, [16, 16, 1], activation="relu", seed=0)
    _, _, accuracy = _train(
        model, X, y, loss="hinge", lr=1.0, lr_end=0.1, epochs=args.epochs, l2=DEFAULT_L2
    )
    outputs.save(out / "moons.json", model.save)
    command = f"chainrule predict {shlex.quote(_shown(out / 'moons.json'))} 0.5 -0.2"
    written.append(f"moons.json  (the trained model: {command})")
    title = f"moons: MLP 2-16-16-1, accuracy {accuracy:.2f}"
    if _save_boundary(model, X, y, "hinge", out / "moons.png", title):
        written.append("moons.png  (its decision boundary)")
    print(f"final accuracy {accuracy:.3f} on the training set\n\nwrote into {out}/:")
    for w in written:
        print(f"  {w}")
    return 0
