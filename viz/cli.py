"""chainrule's command line: ``demo``, ``graph``, ``train`` and ``predict``.

One program (``chainrule`` and ``python -m viz`` are the same ``main``) in the top layer,
so that ``nn`` never imports ``viz``. This file is the argument parsing and ``main``;
what each subcommand does is ``viz.commands``. Exit status: 0 done; 2 refused input or bad
arguments (one line on stderr, no traceback, no file written); 1 the environment lacks
something (no Graphviz renderer for a picture). An output path that cannot be written
(a missing or read-only folder) is refused (2) before any file is written.

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

from nn.losses import LOSSES, default_loss
from nn.train import DEFAULT_L2

from .commands import (
    ACTIVATIONS,
    DATASETS,
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


def _non_negative(text: str) -> float:
    x = _finite(text)
    if x < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be >= 0")
    return x


def _whole(text: str, minimum: int) -> int:
    """A whole number of at least ``minimum``, or argparse's one-line refusal."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if n < minimum:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least {minimum}")
    return n


def _seed(text: str) -> int:
    return _whole(text, 0)


def _count(text: str) -> int:
    return _whole(text, 1)


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
            f"{MAX_LENGTH} characters, nesting at most {MAX_DEPTH}. An expression may "
            "start with '-' (chainrule graph '-x * y' x=1 y=2); one that reads like an "
            "option (--x, or -o followed by a file name) goes after '--': "
            "chainrule graph -- --x x=1"
        ),
    )
    p.add_argument("expression", help='e.g. "(x + y) * z" or "q = x + y; f = q * z"')
    p.add_argument("inputs", nargs="*", metavar="name=value", help="e.g. x=-2 y=5 z=-4")
    p.add_argument("-o", "--output", metavar="FILE", help="draw to FILE (.svg, .png or .dot)")
    p.add_argument("--html", metavar="FILE", help="backward step by step, as one HTML page")
    p.add_argument("--no-local", action="store_true", help="leave local gradients off edges")
    p.set_defaults(run=cmd_graph)

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
        "--hidden", type=_hidden, default="16,16", help="hidden layer sizes (default: 16,16)"
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
        "--epochs", type=_count, default=100, help="passes over the data (default: %(default)s)"
    )
    p.add_argument("--lr", type=_positive, default=1.0, help="learning rate (default: %(default)s)")
    p.add_argument(
        "--lr-end",
        type=_positive,
        default=None,
        help="decay lr linearly to this (default: none, lr stays constant)",
    )
    p.add_argument(
        "--l2", type=_non_negative, default=DEFAULT_L2, help="L2 penalty (default: %(default)s)"
    )
    p.add_argument(
        "--seed", type=_seed, default=0, help="data, weights and order (default: %(default)s)"
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="write into a non-empty --out (default: a non-empty --out is refused)",
    )
    p.set_defaults(run=cmd_train)

    p = sub.add_parser("predict", help="a saved model's output at one point")
    p.add_argument("model", help="a model.json written by train (or demo's moons.json)")
    p.add_argument("inputs", nargs="+", type=_finite, metavar="x", help="e.g. 0.5 -0.2")
    p.add_argument("--loss", choices=list(LOSSES), help="how to read the output as a class")
    p.set_defaults(run=cmd_predict)
    if hasattr(p, "_negative_number_matcher"):  # read -1e-3 as a number, as Python 3.13 does
        p._negative_number_matcher = re.compile(r"^-\.?\d")
    return parser


GRAPH_VALUED = ("--output", "--html")  # graph's long options that take a value
PLACEHOLDER = "EXPRESSION"  # what argparse sees instead of an expression starting with '-'


def _graph_option(token: str) -> tuple[bool, bool]:
    """(is one of graph's options, takes the next token as its value), for a '-' token."""
    if token in ("-h", "-o"):
        return True, token == "-o"
    if token.startswith("-o"):  # -oFILE, unless it reads as an expression (-omega * x)
        return token.lower().endswith((".svg", ".png", ".dot")), False
    if re.fullmatch(r"--[A-Za-z][\w-]*(=.*)?", token, re.DOTALL):  # --opt, --opt=value
        name = token.split("=", 1)[0]
        valued = "=" not in token and any(o.startswith(name) for o in GRAPH_VALUED)
        return True, valued  # an unknown --opt is left to argparse to refuse
    return False, False


def _expression_first(argv: list[str]) -> tuple[list[str], str | None]:
    """Let ``graph``'s expression start with '-' ("-x", "-(x + y) * z").

    argparse reads a token starting with '-' as an option; here the first token after
    ``graph`` that is not one of its options (or an option's value) is the expression,
    and argparse is handed a placeholder in its place. Returns the argv to parse and the
    expression the placeholder stands for (None when nothing was replaced).
    """
    command = next((i for i, a in enumerate(argv) if not a.startswith("-")), None)
    if command is None or argv[command] != "graph":
        return argv, None
    i = command + 1
    while i < len(argv):
        token = argv[i]
        if token == "--" or not token.startswith("-") or token == "-":
            return argv, None  # '--' already ends the options; a plain token is fine
        is_option, valued = _graph_option(token)
        if not is_option:
            return [*argv[:i], PLACEHOLDER, *argv[i + 1 :]], token
        i += 2 if valued else 1
    return argv, None


def _parse_args(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """parse_args, but graph's expression may start with '-', and its name=value inputs
    may also follow its options."""
    argv, expression = _expression_first(argv)
    args, extra = parser.parse_known_args(argv)
    if expression is not None and args.command == "graph" and args.expression == PLACEHOLDER:
        args.expression = expression
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
