"""chainrule's command line: ``demo``, ``graph``, ``train`` and ``predict``.

One program (``chainrule`` and ``python -m viz`` are the same ``main``) in the top layer,
so that ``nn`` never imports ``viz``. This file is the argument parsing and ``main``;
what each subcommand does is ``viz.commands``. Exit status: 0 done; 2 refused input or bad
arguments (one line on stderr, no traceback, no file written); 1 the environment lacks
something (no Graphviz renderer for a picture, a file that cannot be written).

    chainrule demo [--out DIR]
    chainrule graph "(x + y) * z" x=-2 y=5 z=-4 -o f.svg [--html steps.html] [--no-local]
    chainrule train --out runs/moons [--data moons] [--hidden 16,16] [--loss hinge] ...
    chainrule predict runs/moons/model.json 0.5 -0.2
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections.abc import Sequence

from .commands import (
    ACTIVATIONS,
    DATASETS,
    LOSSES,
    cmd_demo,
    cmd_graph,
    cmd_predict,
    cmd_train,
)
from .errors import ExpressionError, Missing, Refused
from .scan import MAX_DEPTH, MAX_LENGTH

DEMO_DIR = "chainrule-demo"


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
