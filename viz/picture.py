"""What one picture shows: ``Options`` (what to draw) and ``Frame`` (the gradients known
at one step of backward). ``viz.dot`` writes a picture from both; ``viz.appearance``
says how each part of it reads; ``viz.steps`` makes one Frame per chain-rule step.
"""

from __future__ import annotations

import numbers
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from autograd import Value
from viz.words import words


class GraphTooLarge(ValueError):
    """A drawing or a player refused for its size, before any work that grows with it.

    ``option`` is the keyword that would allow it (``max_nodes``, ``max_frame_nodes``),
    ``needed`` the least value that would, and ``summary`` the numbers alone (without
    the advice), so that a caller (the command line) can name its own option instead
    of the keyword."""

    def __init__(self, message: str, option: str, needed: int, summary: str) -> None:
        super().__init__(message)
        self.option = option
        self.needed = needed
        self.summary = summary


def check_max_nodes(max_nodes: object, name: str = "max_nodes") -> int | None:
    """``max_nodes`` if it is a positive int or None; else TypeError / ValueError."""
    if max_nodes is None:
        return None
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, numbers.Integral):
        raise TypeError(f"{name} must be a positive int or None, got {max_nodes!r}")
    if max_nodes < 1:
        raise ValueError(f"{name} must be a positive int or None, got {max_nodes!r}")
    return int(max_nodes)


@dataclass(frozen=True)
class Options:
    """What to draw: edge labels, direction, names, caption, node budget."""

    local: bool = True
    contrib: bool = True
    rankdir: str = "LR"
    abbreviate: bool = False
    legend: bool = True
    max_nodes: int | None = 300
    lang: str = "en"  # the word table (viz.words) every label is written from

    def __post_init__(self) -> None:
        check_max_nodes(self.max_nodes)
        words(self.lang)  # an unknown language is refused here, listing the choices


Edge = tuple[Value, int]  # (the node an op made, the input slot): one drawn edge


@dataclass
class Frame:
    """The gradients one picture shows.

    ``grads`` maps node -> upstream gradient; ``known`` are the nodes whose gradient
    has arrived (others show ``?``); ``flows`` maps each edge that has carried its
    gradient back to ``(upstream, contribution)``, as ``autograd.chain_rule_steps``
    computed them; ``highlight`` is the node doing the chain-rule step now (and
    ``hot_edge``, when set, the one edge it sends along in this picture); ``title``
    heads the picture.
    """

    grads: Mapping[Value, float]
    known: Collection[Value]
    flows: Mapping[Edge, tuple[float, float]] = field(default_factory=dict)
    highlight: Value | None = None
    title: str = ""
    hot_edge: Edge | None = None  # by edge: the one edge of ``highlight`` that is drawn hot
