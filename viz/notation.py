"""The lecture's notation ∂a/∂b, written in one place for drawings, captions and
derivations. A name that is itself a fraction (the graph of a gradient, labelled
``∂f/∂x``) is bracketed, so its derivative reads ∂(∂f/∂x)/∂x, never ∂∂f/∂x/∂x.
"""

from __future__ import annotations


def operand(name: str) -> str:
    """``name`` as it stands after a ∂: bracketed when it contains a fraction bar."""
    return f"({name})" if "/" in name else name


def partial(of: str, by: str) -> str:
    """∂of/∂by, each name bracketed where needed (``partial("f", "q")`` -> ``∂f/∂q``)."""
    return f"∂{operand(of)}/∂{operand(by)}"
