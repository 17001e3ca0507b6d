"""viz: pictures of the chain rule.

Draw any graph of ``autograd`` Values with its local gradients on the edges
(``to_dot``, ``draw_graph``), step through backward one chain-rule step at a time
(``backward_steps``, ``animate``), and plot models and activations with matplotlib
(``plot_decision_boundary``, ``plot_activations``, ``plot_history``; the ``plot`` extra).
``explain`` writes out how the chain rule assembles one gradient; ``abbreviate`` gives
a parameter the short name (``L0.N3.w1``) a drawing with ``abbreviate=True`` shows, for
tables that sit beside it.
"""

from .appearance import abbreviate
from .dot import to_dot
from .explain import Explanation, Term, explain
from .plots import plot_activations, plot_decision_boundary, plot_history
from .render import Graph, GraphvizNotFound, RenderFailed, draw_graph, find_renderer
from .steps import Player, animate, backward_steps

__all__ = [
    "abbreviate",
    "Explanation",
    "Graph",
    "GraphvizNotFound",
    "RenderFailed",
    "Player",
    "Term",
    "animate",
    "backward_steps",
    "draw_graph",
    "explain",
    "find_renderer",
    "plot_activations",
    "plot_decision_boundary",
    "plot_history",
    "to_dot",
]
