"""``chainrule demo``: the lecture's graph, its backward steps, and a moons MLP.

chainrule demo [--out DIR] [--epochs N] [--force]

A DIR holding only the demo's own files (a demo run before) is written over; any other
content is refused (exit 2) unless --force, and every file is checked before any is
written.
"""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path

import nn
from autograd import Value
from nn.train import DEFAULT_L2
from viz.render import FIXES, GraphvizNotFound, draw_graph
from viz.steps import animate

from . import arguments, outputs
from .table import gradient_table
from .train import save_boundary, train

DEMO_DIR = "chainrule-demo"
DEMO_FILES = ("f.svg", "steps.html", "f.dot", "moons.json", "moons.png")  # all it may write


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``demo`` to the command line."""
    p = sub.add_parser("demo", help="the lecture's graph, its backward steps, a moons MLP")
    p.add_argument("--out", default=DEMO_DIR, help=f"folder to write into (default {DEMO_DIR})")
    p.add_argument(
        "--epochs", type=arguments.count, default=100, help="training epochs (default 100)"
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="write into a folder holding other files (default: only the demo's own "
        "files are overwritten)",
    )
    p.set_defaults(run=run)


def lecture_graph() -> tuple[Value, dict[str, Value]]:
    """The lecture's f = (x + y) * z at x=-2, y=5, z=-4, every node labelled."""
    x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    return f, {"x": x, "y": y, "z": z}


def _as_typed(path: Path) -> str:
    """``path`` as a command typed here would name it: relative to the working folder
    when it lies under it, else as given."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    outputs.check_out_dir(out, DEMO_FILES, force=args.force, own=True)
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
    _, _, accuracy = train(
        model, X, y, loss="hinge", lr=1.0, lr_end=0.1, epochs=args.epochs, l2=DEFAULT_L2
    )
    outputs.save(out / "moons.json", model.save)
    command = f"chainrule predict {shlex.quote(_as_typed(out / 'moons.json'))} 0.5 -0.2"
    written.append(f"moons.json  (the trained model: {command})")
    title = f"moons: MLP 2-16-16-1, accuracy {accuracy:.2f}"
    if save_boundary(model, X, y, "hinge", out / "moons.png", title):
        written.append("moons.png  (its decision boundary)")
    print(f"final accuracy {accuracy:.3f} on the training set\n\nwrote into {out}/:")
    for w in written:
        print(f"  {w}")
    return 0
