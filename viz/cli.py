"""chainrule's command line: ``demo``, ``graph``, ``train`` and ``predict``.

One program (``chainrule`` and ``python -m viz`` are the same ``main``) in the top layer,
so that ``nn`` never imports ``viz``. Exit status: 0 done; 2 refused input or bad
arguments (one line on stderr, no traceback, no file written); 1 the environment lacks
something (no Graphviz renderer for a picture, a file that cannot be written).

    chainrule demo [--out DIR]
    chainrule graph "(x + y) * z" x=-2 y=5 z=-4 -o f.svg [--html steps.html] [--no-local]
    chainrule train --out runs/moons [--data moons] [--hidden 16,16] [--loss hinge] ...
    chainrule predict runs/moons/model.json 0.5 -0.2
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import nn
from autograd import Value, detect_anomaly, no_grad, topo_order

from .parse import MAX_DEPTH, MAX_LENGTH, ExpressionError, parse, parse_inputs
from .render import GraphvizNotFound, draw_graph
from .steps import animate

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
DEMO_DIR = "chainrule-demo"
NO_RENDERER = "no Graphviz renderer found: `pip install graphviz-pure` (or apt install graphviz)"


class Refused(Exception):
    """Input the command refuses: one line on stderr, exit status 2."""


class Missing(Exception):
    """Something the environment lacks (a renderer, a writable folder): exit status 1."""


# -- argument types (argparse turns ArgumentTypeError into a message and exit 2) ------


def _finite(text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(x):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return x


def _positive(text: str) -> float:
    x = _finite(text)
    if x <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be > 0")
    return x


def _count(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return n


def _hidden(text: str) -> list[int]:
    """``"16,16"`` -> [16, 16]: the hidden layer sizes."""
    try:
        sizes = [int(s) for s in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a comma-separated list of layer sizes (e.g. 16,16)"
        ) from None
    if not sizes or any(n < 1 or n > 1024 for n in sizes):
        raise argparse.ArgumentTypeError(f"{text!r}: each layer size must be 1..1024")
    return sizes


# -- the gradient table --------------------------------------------------------------


def _number(x: float) -> str:
    """4 significant digits; -0 shown as 0."""
    return f"{x + 0.0:.4g}"


def gradient_table(root: Value, inputs: Mapping[str, Value] | None = None) -> str:
    """Every node in topological order: label, op, value and gradient ∂root/∂node.

    A leaf shows as ``input`` when it is one of ``inputs`` (or, with no ``inputs``
    given, when it has a label), else as ``const``; unlabelled nodes as ``·``.
    """
    named = {id(v) for v in (inputs or {}).values()}
    who = root.label or "out"
    rows = [("node", "op", "value", f"grad ∂{who}/∂node")]
    for v in topo_order(root):
        op = v.op or ("input" if id(v) in named or (v.label and not inputs) else "const")
        rows.append((v.label or "·", op, _number(v.data), _number(v.grad)))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = []
    for r in rows:
        left = f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}"
        lines.append(f"{left}  {r[2]:>{widths[2]}}  {r[3]:>{widths[3]}}".rstrip())
    return "\n".join(lines)


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
    """Decision boundary to PNG with matplotlib's Agg; False when matplotlib is missing."""
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
    ax.figure.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(ax.figure)
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
    (out / "history.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
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
    shown = ", ".join(_number(s) for s in scores)
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


# -- the parser ----------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The argparse program with its four subcommands."""
    parser = argparse.ArgumentParser(
        prog="chainrule",
        description="Backpropagation you can see: graphs, gradients, small neural nets.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("demo", help="the lecture's graph, its backward steps, a moons MLP")
    p.add_argument("--out", default=DEMO_DIR, help=f"folder to write into (default {DEMO_DIR})")
    p.add_argument("--epochs", type=_count, default=100, help="training epochs (default 100)")
    p.set_defaults(run=cmd_demo)

    p = sub.add_parser(
        "graph",
        help="the graph of an expression, with gradients",
        epilog=(
            "Allowed: numbers, names, + - * / **, unary -, calls of the engine's ops "
            "(tanh(x), max(a, b, c), leaky_relu(x, alpha=0.2), dot(w1, w2, x1, x2)), "
            "assignments 'q = x + y; f = q * z'. At most "
            f"{MAX_LENGTH} characters, nesting at most {MAX_DEPTH}. An expression "
            "starting with '-' goes after '--': chainrule graph -- '-x * y' x=1 y=2"
        ),
    )
    p.add_argument("expression", help='e.g. "(x + y) * z" or "q = x + y; f = q * z"')
    p.add_argument("inputs", nargs="*", metavar="name=value", help="e.g. x=-2 y=5 z=-4")
    p.add_argument("-o", "--output", metavar="FILE", help="draw to FILE (.svg, .png or .dot)")
    p.add_argument("--html", metavar="FILE", help="backward step by step, as one HTML page")
    p.add_argument("--no-local", action="store_true", help="leave local gradients off edges")
    p.set_defaults(run=cmd_graph)

    p = sub.add_parser("train", help="train an MLP on a toy 2-D data set")
    p.add_argument("--out", required=True, metavar="DIR", help="an empty or new folder")
    p.add_argument("--data", choices=list(DATASETS), default="moons")
    p.add_argument("--hidden", type=_hidden, default=[16, 16], help="layer sizes (16,16)")
    p.add_argument("--activation", choices=ACTIVATIONS, default="relu")
    p.add_argument("--loss", choices=LOSSES, default="hinge")
    p.add_argument("--epochs", type=_count, default=100)
    p.add_argument("--lr", type=_positive, default=1.0, help="learning rate (1.0)")
    p.add_argument("--lr-end", type=_positive, default=None, help="decay lr linearly to this")
    p.add_argument("--l2", type=_finite, default=1e-4, help="L2 penalty (1e-4)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--force", action="store_true", help="write into a non-empty --out")
    p.set_defaults(run=cmd_train)

    p = sub.add_parser("predict", help="a saved model's output at one point")
    p.add_argument("model", help="a model.json written by train (or demo's moons.json)")
    p.add_argument("inputs", nargs="+", type=_finite, metavar="x", help="e.g. 0.5 -0.2")
    p.add_argument("--loss", choices=LOSSES, help="how to read the output as a class")
    p.set_defaults(run=cmd_predict)
    if hasattr(p, "_negative_number_matcher"):  # read -1e-3 as a number, as Python 3.13 does
        p._negative_number_matcher = re.compile(r"^-\.?\d")
    return parser


def _parse_args(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """parse_args, but graph's name=value inputs may also follow its options."""
    args, extra = parser.parse_known_args(argv)
    if args.command == "graph":
        late = [a for a in extra if "=" in a and not a.startswith("-")]
        args.inputs = [*args.inputs, *late]
        extra = [a for a in extra if a not in late]
    if extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 done, 2 refused, 1 missing)."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")  # ∂ and α on a non-UTF-8 terminal
    parser = build_parser()
    try:
        args = _parse_args(parser, list(sys.argv[1:] if argv is None else argv))
    except SystemExit as e:  # argparse: --help (0) or bad arguments (2, message printed)
        return e.code if isinstance(e.code, int) else 2
    try:
        return args.run(args)
    except (ExpressionError, Refused) as e:
        print(f"chainrule {args.command}: error: {e}", file=sys.stderr)
        return 2
    except Missing as e:
        print(f"chainrule {args.command}: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"chainrule {args.command}: interrupted", file=sys.stderr)
        return 130
