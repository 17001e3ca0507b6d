"""The checks on an expression's raw text before ``ast.parse`` sees it.

``ast.parse`` recurses in C on nested brackets and prefix operators and can exhaust the
C stack, so the text's length and nesting depth are bounded first, by one linear scan
over the characters that never recurses.
"""

from __future__ import annotations

from .errors import ExpressionError

MAX_LENGTH = 2000
MAX_DEPTH = 200


def scan(text: str) -> None:
    """Refuse text longer than MAX_LENGTH, empty text, and nesting deeper than MAX_DEPTH."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"the expression has {len(text)} characters; at most {MAX_LENGTH} are accepted"
        )
    if not text.strip():
        raise ExpressionError("the expression is empty")
    check_nesting(text)


def check_nesting(text: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH with one linear scan over the characters.

    Depth counts open brackets plus the prefix operators and ``**`` that chain inside
    each bracket (what the parser recurses on); ``+ - * /`` between operands are loops,
    so they reset the chain. The count errs high, never low.
    """
    saved: list[int] = []  # the chain at each open bracket
    outer = chain = 0
    after_operand = False
    line, line_start, i, n = 1, 0, 0, len(text)
    while i < n:
        c = text[i]
        step = 1
        if c == "\n":
            line, line_start = line + 1, i + 1
            chain, after_operand = 0, False
        elif c in ";,=":
            chain, after_operand = 0, False
        elif c == "#":
            end = text.find("\n", i)
            step = (n if end < 0 else end) - i
        elif c in "'\"":  # a string (refused later): a # inside it is no comment
            step = _string_length(text, i)
            after_operand = True
            line += text.count("\n", i, i + step)
            if "\n" in text[i : i + step]:
                line_start = text.rindex("\n", i, i + step) + 1
        elif c in "([{":
            saved.append(chain)
            outer += chain + 1
            chain, after_operand = 0, False
        elif c in ")]}":
            if saved:
                chain = saved.pop()
                outer -= chain + 1
            after_operand = True
        elif text.startswith("**", i):
            chain, after_operand, step = chain + 1, False, 2
        elif c in "+-~" and not after_operand:
            chain += 1
        elif c in "+-*/%@&|^<>!":
            chain, after_operand = 0, False
        elif not c.isspace():
            step = _operand_length(text, i)
            after_operand = True
        if outer + chain > MAX_DEPTH:
            raise ExpressionError(
                f"nested deeper than {MAX_DEPTH} levels", i - line_start + 1, line
            )
        i += step


def _string_length(text: str, i: int) -> int:
    """Length of the string literal starting at the quote ``text[i]`` (triple-quoted
    or not; a backslash escapes the next character), to the end of the text when it is
    not closed (``ast.parse`` then refuses it)."""
    quote = text[i] * 3 if text.startswith(text[i] * 3, i) else text[i]
    j = i + len(quote)
    while j < len(text):
        if text[j] == "\\":
            j += 2
        elif text.startswith(quote, j):
            return j + len(quote) - i
        elif text[j] == "\n" and len(quote) == 1:  # a one-line string ends at the line
            return j - i
        else:
            j += 1
    return len(text) - i


def _operand_length(text: str, i: int) -> int:
    """Length of the name or number starting at i (1 for any other character)."""
    j = i
    number = text[i].isdigit() or text[i] == "."
    while j < len(text):
        c = text[j]
        if c.isalnum() or c in "_.":
            j += 1
        elif number and c in "+-" and text[j - 1] in "eE":
            j += 1
        else:
            break
    return max(j - i, 1)
