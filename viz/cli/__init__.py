"""chainrule's command line: ``demo``, ``graph``, ``train`` and ``predict``.

One program (``chainrule`` and ``python -m viz`` are the same ``main``) in the top layer,
so that ``nn`` never imports ``viz``. This file is ``main``; each subcommand is a module
of this package with a ``register(subparsers)`` that adds its parser and sets its
``run(args) -> exit status`` (``COMMANDS``). Exit status: 0 done; 2 refused input or bad
arguments (one line on stderr, no traceback, no file written; argparse's usage block
is left out, the line says where --help is); 1 the environment lacks something or it
failed (no Graphviz renderer for a picture, or one that fails, hangs or writes no
picture); 130 interrupted (Ctrl-C); 141 standard output was closed by its reader
(``| head``), quietly, as a program killed by SIGPIPE. An output path that cannot be
written (a missing or read-only folder) is refused (2) before any file is written
(``viz.cli.outputs``); standard output that cannot be written (a full disk) is one
line and 2, after the files are written. Every message is one line with what the user
typed shown escaped (``errors.printable``: no terminal escape sequence gets through).

    chainrule demo [--out DIR]
    chainrule graph "(x + y) * z" x=-2 y=5 z=-4 -o f.svg [--html steps.html] [--no-local]
    chainrule train --out runs/moons [--data moons] [--hidden 16,16] [--loss hinge] ...
    chainrule predict runs/moons/model.json 0.5 -0.2
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from viz.render import RenderFailed

from . import demo, graph, train
from .errors import ExpressionError, Missing, Refused, one_line, printable

COMMANDS = (demo, graph, train)  # train registers train and predict


class Parser(argparse.ArgumentParser):
    """argparse, refusing in one line: ``chainrule train: error: the following arguments
    are required: --out (see chainrule train --help)``, not the usage block first.
    Subcommands' parsers are of this class too (argparse makes them of the parent's)."""

    def error(self, message: str) -> NoReturn:
        say(f"{self.prog}: error: {' '.join(message.split())} (see {self.prog} --help)")
        raise SystemExit(2)


def say(line: str) -> None:
    """One line on stderr, escaped; a stderr that cannot be written is given up on."""
    try:
        print(printable(line), file=sys.stderr)
    except (OSError, ValueError):
        pass


def build_parser() -> argparse.ArgumentParser:
    """The argparse program with every subcommand of ``COMMANDS``."""
    parser = Parser(
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
    name = f"chainrule {args.command}"
    try:
        status = args.run(args)
        sys.stdout.flush()  # a full disk shows here when stdout is a file
        return status
    except (ExpressionError, Refused) as e:
        say(f"{name}: error: {one_line(e)}")
        return 2
    except (Missing, RenderFailed) as e:
        say(f"{name}: {one_line(e)}")
        return 1
    except KeyboardInterrupt:
        say(f"{name}: interrupted")
        return 130
    except BrokenPipeError:  # the reader left (| head): stop quietly, as SIGPIPE would
        _drop_stdout()
        return 141
    except OSError as e:  # writing standard output (files' errors are Refused already)
        _drop_stdout()
        where = printable(e.filename) if e.filename else "standard output"
        say(f"{name}: error: cannot write {where}: {e.strerror or one_line(e)}")
        return 2


def _drop_stdout() -> None:
    """Point stdout at the null device, so that Python's own flush at exit does not
    fail again (and print "Exception ignored")."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # replaced (tests capture it)
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, fd)
    os.close(null)
