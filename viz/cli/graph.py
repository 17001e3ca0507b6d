"""``chainrule graph``: an expression's graph, its gradient table, its drawing and player.

    chainrule graph "(x + y) * z" x=-2 y=5 z=-4 -o f.svg [--html steps.html] [--no-local]
        [--explain y] [--by edge] [--lang ru]

The expression may start with '-' (``chainrule graph '-x * y' x=1 y=2``), which
argparse alone would read as an option: ``expression_first`` hands argparse a
placeholder instead, and ``main`` puts the expression back.
"""

from __future__ import annotations

import argparse
import re
import unicodedata
from pathlib import Path

from autograd import detect_anomaly
from viz.explain import explain
from viz.picture import GraphTooLarge
from viz.render import FIXES, GraphvizNotFound, draw_graph
from viz.steps import animate
from viz.words import WORDS

from . import arguments, outputs
from .errors import Missing, Refused, clipped, one_line
from .expression import MAX_DEPTH, MAX_LENGTH, parse, parse_inputs
from .table import gradient_table
from .walk import Operators

MAX_NODES = 300  # to_dot's and backward_steps' own default
DRAWINGS = (".svg", ".png", ".dot")
PAGES = (".html", ".htm")


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``graph`` to the command line."""
    p = sub.add_parser(
        "graph",
        help="the graph of an expression, with gradients",
        epilog=(
            f"Allowed: numbers, names, {Operators.registered().listed()}, calls of the "
            "engine's ops "
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
    p.add_argument(
        "--explain", metavar="NAME", help="print how the chain rule assembles ∂root/∂NAME"
    )
    p.add_argument(
        "--by",
        choices=("node", "edge"),
        default="node",
        help="the player's steps: per node or edge",
    )
    p.add_argument("--lang", choices=tuple(WORDS), default="en", help="the language of the words")
    p.add_argument(
        "--max-nodes",
        type=arguments.count,
        default=MAX_NODES,
        metavar="N",
        help="draw (and step through) graphs of up to N values (default: %(default)s)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Parse, evaluate, backward, print the table, then draw (nothing written on refusal)."""
    out = outputs.check_output_file(args.output, DRAWINGS, "-o")
    html = outputs.check_output_file(args.html, PAGES, "--html")
    built = parse(args.expression).evaluate(parse_inputs(args.inputs))
    root = built.root
    wrt = None
    if args.explain is not None:
        named = {**built.inputs, **built.names}
        wrt = named.get(unicodedata.normalize("NFKC", args.explain))
        if wrt is None:
            choices = ", ".join(named) or "none"
            raise Refused(f"--explain {clipped(args.explain)}: no such name (names: {choices})")
    try:
        with detect_anomaly():
            root.backward()
    except FloatingPointError as e:
        raise Refused(one_line(e)) from None
    files: list[tuple[Path, bytes]] = []  # everything rendered before anything is written
    try:
        draw = {"local": not args.no_local, "lang": args.lang, "max_nodes": args.max_nodes}
        if out is not None:
            flag = "-o"
            files.append((out, draw_graph(root, **draw).encoded(out)))
        if html is not None:
            flag = "--html"
            player = animate(root, by=args.by, **draw)
            files.append((html, player.html().encode("utf-8")))
    except GraphvizNotFound:
        raise Missing(f"{FIXES}; or write the DOT text: -o {Path(out or 'f').stem}.dot") from None
    except GraphTooLarge as e:  # the library's hint names its keyword; name our option
        raise Refused(f"{flag}: {e.summary}: {_smaller(e, args)}") from None
    table = gradient_table(root, built.inputs)
    derivation = None if wrt is None else explain(root, wrt, lang=args.lang).text
    outputs.write_all(files)  # before printing: the files do not depend on stdout
    print(table)
    if derivation is not None:
        print(derivation)
    for path, _ in files:
        print(f"wrote {path}")
    return 0


def _smaller(e: GraphTooLarge, args: argparse.Namespace) -> str:
    """What the user can do about a graph too large to draw, in options of this command."""
    if e.option == "max_nodes":
        return f"draw a smaller expression, or pass --max-nodes {e.needed}"
    fewer = ", or --by node (fewer frames)" if args.by == "edge" else ""
    return f"step through a smaller expression{fewer}, or leave out --html (-o draws it once)"


# -- an expression that starts with '-' ------------------------------------------------

VALUED = ("--output", "--html", "--explain", "--by", "--lang")  # long options with a value
PLACEHOLDER = "EXPRESSION"  # what argparse sees instead of an expression starting with '-'


def _graph_option(token: str) -> tuple[bool, bool]:
    """(is one of graph's options, takes the next token as its value), for a '-' token."""
    if token in ("-h", "-o"):
        return True, token == "-o"
    if token.startswith("-o"):  # -oFILE, unless it reads as an expression (-omega * x)
        return token.lower().endswith(DRAWINGS), False
    if re.fullmatch(r"--[A-Za-z][\w-]*(=.*)?", token, re.DOTALL):  # --opt, --opt=value
        name = token.split("=", 1)[0]
        valued = "=" not in token and any(o.startswith(name) for o in VALUED)
        return True, valued  # an unknown --opt is left to argparse to refuse
    return False, False


def expression_first(argv: list[str]) -> tuple[list[str], str | None]:
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


def restore(args: argparse.Namespace, expression: str | None, extra: list[str]) -> list[str]:
    """Put back the expression ``expression_first`` took out, and take the name=value
    inputs that followed graph's options from ``extra``; returns what is left of it."""
    if expression is not None and args.expression == PLACEHOLDER:
        args.expression = expression
    late = [a for a in extra if "=" in a and not a.startswith("-")]
    args.inputs = [*args.inputs, *late]
    return [a for a in extra if a not in late]
