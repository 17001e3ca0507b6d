"""How the expression language (``viz.cli.expression``) says what it refused and where.

``describe`` names a refused ``ast`` node in words ("lambda", "comparisons", "the
operator ~"); ``Source`` turns ``ast``'s UTF-8 byte offsets into the 1-based character
columns a person counts, and finds where an operator itself is written.
"""

from __future__ import annotations

import ast
import re

REFUSED = {  # node type -> how the refusal names it
    ast.Attribute: "attribute access (.name)",
    ast.Subscript: "subscripts ([...])",
    ast.Lambda: "lambda",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.JoinedStr: "f-strings",
    ast.Compare: "comparisons",
    ast.BoolOp: "and/or",
    ast.IfExp: "if-else expressions",
    ast.List: "lists (write max(a, b, c), not max([a, b, c]))",
    ast.Tuple: "tuples",
    ast.Set: "sets",
    ast.Dict: "dicts",
    ast.Starred: "*unpacking",
    ast.NamedExpr: "the walrus operator :=",
    ast.Import: "import",
    ast.ImportFrom: "import",
    ast.AugAssign: "augmented assignment (+=, ...)",
    ast.AnnAssign: "annotated assignment",
}

PYTHON_OPERATORS = {  # how Python writes each of its operators; which of them an
    # expression may use is for the registered ops to say (``OpSpec.operator``)
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "**",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.USub: "-",
    ast.UAdd: "+",
    ast.Invert: "~",
    ast.Not: "not",
}


def describe(node: ast.AST) -> str:
    """A refused node in words."""
    if isinstance(node, ast.Constant):
        v = node.value
        if isinstance(v, (str, bytes)):
            return "strings"
        if isinstance(v, complex):
            return "complex numbers"
        return repr(v)
    if isinstance(node, ast.UnaryOp):
        return f"the operator {PYTHON_OPERATORS[type(node.op)]}"
    for kind, words in REFUSED.items():
        if isinstance(node, kind):
            return words
    return (
        f"a {type(node).__name__} statement" if isinstance(node, ast.stmt) else type(node).__name__
    )


class Source:
    """Columns for error messages: ast offsets are UTF-8 bytes, people count characters."""

    def __init__(self, text: str, lead: str = "") -> None:
        """``text`` is what ``ast`` parsed; ``lead`` the whitespace stripped before it,
        so that positions count from the text as it was given."""
        self.text = text
        self.lines = [s.encode("utf-8") for s in re.split(r"\r\n|\r|\n", text)]
        skipped = re.split(r"\r\n|\r|\n", lead)
        self.line_shift = len(skipped) - 1
        self.col_shift = len(skipped[-1])

    def place(self, line: int, col: int) -> tuple[int, int]:
        """A 1-based (line, character column) in the parsed text -> in the given text."""
        return line + self.line_shift, col + (self.col_shift if line == 1 else 0)

    def pos(self, line: int | None, byte_col: int | None) -> tuple[int, int]:
        line = line or 1
        if byte_col is None or not 1 <= line <= len(self.lines):
            return self.place(line, 1)
        return self.place(line, len(self.lines[line - 1][:byte_col].decode("utf-8", "replace")) + 1)

    def at(self, node: ast.AST) -> tuple[int, int]:
        return self.pos(getattr(node, "lineno", 1), getattr(node, "col_offset", 0))

    def operator_at(self, node: ast.BinOp, symbol: str) -> tuple[int, int]:
        """Where the operator itself is written (between the operands on one line)."""
        left, right = node.left, node.right
        if left.end_lineno == right.lineno and 1 <= right.lineno <= len(self.lines):
            raw = self.lines[right.lineno - 1]
            start = left.end_col_offset or 0
            found = raw.find(symbol.encode(), start, right.col_offset)
            if found >= 0:
                return self.pos(right.lineno, found)
        return self.at(node)
