"""What ``chainrule``'s subcommands do: ``graph``, ``train``, ``predict`` and ``demo``.

Each ``cmd_*`` takes the parsed arguments and returns the exit status; it raises
``Refused`` (or ``ExpressionError``) for input it refuses and ``Missing`` for what the
environment lacks, and ``viz.cli.main`` turns those into a line on stderr. Every file
is written whole or not at all, through ``nn.files.write_atomic``.
"""

from __future__ import annotations

import argparse
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nn
from autograd import Value, detect_anomaly, no_grad
from nn.files import write_atomic

from .errors import Missing, Refused
from .parse import parse, parse_inputs
from .render import GraphvizNotFound, draw_graph
from .steps import animate
from .table import gradient_table, number

DATASETS: dict[str, Callable[..., Any]] = {
    "moons": nn.data.make_moons,
    "circles": nn.data.make_circles,
    "spirals": nn.data.make_spirals,
    "xor": nn.data.make_xor,
    "blobs": nn.data.make_blobs,
}
LOSSES = ("hinge", "cross_entropy", "multiclass_svm", "mse")
BINARY_LOSSES = ("hinge", "mse")
ACTIVATIONS = ("relu", "leaky_relu", "elu", "sigmoid", "tanh", "linear", "step")
NO_RENDERER = "no Graphviz renderer found: `pip install graphviz-pure` (or apt install graphviz)"


# -- graph ---------------------------------------------------------------------------


def _output_path(text: str | None, suffixes: tuple[str, ...], flag: str) -> Path | None:
    """Check an output file name before anything is computed."""
    if text is None:
        return None
    path = Path(text)
    if path.suffix.lower() not in suffixes:
        raise Refused(f"{flag} {text}: the file name must end in {', '.join(suffixes)}")
    if path.is_dir():
        raise Refused(f"{flag} {text}: is a directory")
    if not path.parent.is_dir():
        raise Refused(f"{flag} {text}: the folder {str(path.parent)!r} does not exist")
    return path


def cmd_graph(args: argparse.Namespace) -> int:
    """Parse, evaluate, backward, print the table, then draw (nothing written on refusal)."""
    out = _output_path(args.output, (".svg", ".png", ".dot"), "-o")
    html = _output_path(args.html, (".html", ".htm"), "--html")
    expression = parse(args.expression)
    built = expression.evaluate(parse_inputs(args.inputs))
    root = built.root
    try:
        with detect_anomaly():
            root.backward()
    except FloatingPointError as e:
        raise Refused(" ".join(str(e).split())) from None
    try:
        graph = draw_graph(root, local=not args.no_local) if out else None
        player = animate(root, local=not args.no_local) if html else None  # renders now
        if graph is not None and out is not None and out.suffix.lower() == ".svg":
            graph.svg()
    except GraphvizNotFound:
        raise Missing(
            f"{NO_RENDERER}; or write the DOT text: -o {Path(out or 'f').stem}.dot"
        ) from None
    except ValueError as e:  # too many nodes to draw
        raise Refused(" ".join(str(e).split())) from None
    print(gradient_table(root, built.inputs))
    for picture, path in ((graph, out), (player, html)):
        if picture is not None and path is not None:
            picture.save(path)
            print(f"wrote {path}")
    return 0


# -- train and predict ---------------------------------------------------------------


def _empty_or_forced(out: Path, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise Refused(f"--out {out}: exists and is not a directory")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise Refused(f"--out {out}: the directory is not empty (add --force to overwrite)")


def _save_boundary(model: Any, X: Any, y: Any, loss: str, path: Path, title: str) -> bool:
    """Decision boundary to PNG with matplotlib's Agg; False when matplotlib is missing.

    The PNG is rendered into memory and written whole by ``write_atomic``.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(f"skipped {path.name}: plots need matplotlib: pip install chainrule[plot]")
        return False
    from .plots import plot_decision_boundary

    # plot_decision_boundary reads one output as class 1 where score > 0; mse's is > 0.5
    shown = (lambda x: model(x) - 0.5) if loss == "mse" else model
    ax = plot_decision_boundary(shown, X, y)
    ax.set_title(title)
    png = io.BytesIO()
    ax.figure.savefig(png, format="png", dpi=110, bbox_inches="tight")
    plt.close(ax.figure)
    write_atomic(path, png.getvalue())
    return True


def _train(model: Any, X: Any, y: Any, **fit_args: Any) -> tuple[Any, float]:
    """fit with a progress bar; returns the History and the trained model's accuracy."""
    history = nn.fit(model, X, y, progress=True, **fit_args)
    accuracy = float((nn.predict(model, X, fit_args["loss"]) == y).mean())
    return history, accuracy


def cmd_train(args: argparse.Namespace) -> int:
    out = Path(args.out)
    _empty_or_forced(out, args.force)
    X, y = DATASETS[args.data](seed=args.seed)
    classes = len(set(y.tolist()))
    if args.loss in BINARY_LOSSES and classes > 2:
        raise Refused(
            f"--loss {args.loss} separates two classes, but {args.data} has {classes}: "
            "use --loss cross_entropy or --loss multiclass_svm"
        )
    nout = 1 if args.loss in BINARY_LOSSES else classes
    sizes = [*args.hidden, nout]
    model = nn.MLP(2, sizes, activation=args.activation, seed=args.seed)
    arch = "-".join(str(n) for n in [2, *sizes])
    print(f"training MLP {arch} ({args.activation}) on {args.data}, loss {args.loss}")
    history, accuracy = _train(
        model, X, y, loss=args.loss, lr=args.lr, lr_end=args.lr_end, epochs=args.epochs,
        l2=args.l2, seed=args.seed,
    )  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    model.save(out / "model.json")
    record = {
        "data": args.data,
        "model": f"MLP {arch}",
        "activation": args.activation,
        "loss_function": args.loss,
        "epochs": args.epochs,
        "lr": args.lr,
        "lr_end": args.lr_end,
        "l2": args.l2,
        "seed": args.seed,
        "final_accuracy": accuracy,
        **history.as_dict(),
    }
    write_atomic(out / "history.json", json.dumps(record, indent=1) + "\n")
    written = ["model.json", "history.json"]
    title = f"{args.data}: MLP {arch}, accuracy {accuracy:.2f}"
    if _save_boundary(model, X, y, args.loss, out / "boundary.png", title):
        written.append("boundary.png")
    print(f"final loss {history.loss[-1]:.4g}, accuracy {accuracy:.3f} on the training set")
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
    loss = args.loss or _loss_beside(path) or ("hinge" if len(scores) == 1 else "cross_entropy")
    predicted = int(nn.predict(model, [args.inputs], loss)[0])
    shown = ", ".join(number(s) for s in scores)
    print(f"output: {shown}" if len(scores) == 1 else f"scores: {shown}")
    print(f"class: {predicted}  (read as {loss} predicts)")
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


def cmd_demo(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise Refused(f"--out {out}: exists and is not a directory")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    f, inputs = lecture_graph()
    f.backward()
    print("The lecture's graph f = (x + y) * z at x=-2, y=5, z=-4, after f.backward():")
    print(gradient_table(f, inputs))
    graph = draw_graph(f)
    try:
        graph.save(out / "f.svg")
        written.append("f.svg  (the graph: upstream gradients on nodes, local ones on edges)")
        animate(f).save(out / "steps.html")
        written.append("steps.html  (backward, one chain-rule step at a time)")
    except GraphvizNotFound:
        graph.save(out / "f.dot")
        written.append("f.dot  (DOT text of the graph)")
        print(f"{NO_RENDERER}: then rerun for f.svg and steps.html")

    print(f"\nTraining an MLP 2-16-16-1 on 100 two-moons points ({args.epochs} epochs):")
    X, y = nn.data.make_moons(n=100, noise=0.1, seed=0)
    model = nn.MLP(2, [16, 16, 1], activation="relu", seed=0)
    _, accuracy = _train(model, X, y, loss="hinge", lr=1.0, lr_end=0.1, epochs=args.epochs, l2=1e-4)
    model.save(out / "moons.json")
    written.append("moons.json  (the trained model: chainrule predict moons.json 0.5 -0.2)")
    title = f"moons: MLP 2-16-16-1, accuracy {accuracy:.2f}"
    if _save_boundary(model, X, y, "hinge", out / "moons.png", title):
        written.append("moons.png  (its decision boundary)")
    print(f"final accuracy {accuracy:.3f} on the training set\n\nwrote into {out}/:")
    for w in written:
        print(f"  {w}")
    return 0
