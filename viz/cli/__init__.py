"""chainrule's command line: ``demo``, ``graph``, ``train`` and ``predict``.

One program (``chainrule`` and ``python -m viz`` are the same ``main``) in the top layer,
so that ``nn`` never imports ``viz``. This file is ``main``; each subcommand is a module
of this package with a ``register(subparsers)`` that adds its parser and sets its
``run(args) -> exit status`` (``COMMANDS``). Exit status: 0 done; 2 refused input or bad
arguments (one line on stderr, no traceback, no file written); 1 the environment lacks
something (no Graphviz renderer for a picture). An output path that cannot be written
(a missing or read-only folder) is refused (2) before any file is written
(``viz.cli.outputs``).

    chainrule demo [--out DIR]
    chainrule graph "(x + y) * z" x=-2 y=5 z=-4 -o f.svg [--html steps.html] [--no-local]
    chainrule train --out runs/moons [--data moons] [--hidden 16,16] [--loss hinge] ...
    chainrule predict runs/moons/model.json 0.5 -0.2
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import demo, graph, train
from .errors import ExpressionError, Missing, Refused

COMMANDS = (demo, graph, train)  # train registers train and predict


def build_parser() -> argparse.ArgumentParser:
    """The argparse program with every subcommand of ``COMMANDS``."""
    parser = argparse.ArgumentParser(
        prog="chainrule",
        description="Backpropagation you can see: graphs, gradients, small neural nets.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(sub)
    return parser


def _parse_args(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """parse_args, but graph's expression may start with '-', and its name=value inputs
    may also follow its options."""
    argv, expression = graph.expression_first(argv)
    args, extra = parser.parse_known_args(argv)
    if args.command == "graph":
        extra = graph.restore(args, expression, extra)
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
