"""What ``chainrule`` refuses, and what it finds missing: the exceptions behind its exit status.

``ExpressionError`` and ``Refused`` end a command with status 2 (one line on stderr);
``Missing`` ends it with status 1 (the environment lacks a renderer).
"""

from __future__ import annotations


class ExpressionError(ValueError):
    """An expression or input that ``chainrule graph`` refuses.

    ``col`` is the 1-based column in the expression (``line`` its 1-based line), or
    None when the fault is in a ``name=value`` input rather than in the text.
    """

    def __init__(self, message: str, col: int | None = None, line: int = 1) -> None:
        self.message = message
        self.col = col
        self.line = line
        where = ""
        if col is not None:
            where = f"column {col}: " if line == 1 else f"line {line}, column {col}: "
        super().__init__(where + message)


class Refused(Exception):
    """Input the command refuses: one line on stderr, exit status 2."""


class Missing(Exception):
    """Something the environment lacks (a Graphviz renderer): exit status 1."""


def one_line(e: BaseException) -> str:
    """An exception's message on one line (its type's name when it has none)."""
    return " ".join(str(e).split()) or type(e).__name__
