"""What ``chainrule`` refuses, and what it finds missing: the exceptions behind its exit status.

``ExpressionError`` and ``Refused`` end a command with status 2 (one line on stderr);
``Missing`` ends it with status 1 (the environment lacks a renderer).
"""

from __future__ import annotations

import unicodedata


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


def _escaped(c: str) -> str:
    """A control or format character as Python writes it in a string: ``\\x1b``."""
    return repr(c)[1:-1] if c.isascii() else f"\\u{ord(c):04x}"


def printable(text: str) -> str:
    """``text`` safe to print to a terminal: control characters (ESC, BEL, CR, ...) and
    invisible format characters (bidi overrides, zero-width joiners) shown escaped as
    Python writes them (``\\x1b``), so nothing the user typed can move the cursor,
    recolour the terminal or reorder the line; everything else as it is."""
    if text.isprintable():
        return text
    return "".join(
        _escaped(c) if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp") else c
        for c in text
    )


def clipped(text: str, limit: int = 40) -> str:
    """``text`` for an error message: escaped (``printable``) and, when longer than
    ``limit`` characters, its start and end with the length between."""
    if len(text) > limit:
        text = f"{text[: limit - 12]}…{text[-8:]} ({len(text)} characters)"
    return printable(text)
