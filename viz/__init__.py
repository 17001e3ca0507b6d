"""viz: pictures of the chain rule.

Draw any graph of ``autograd`` Values with its local gradients on the edges
(``to_dot``, ``draw_graph``), step through backward one chain-rule step at a time
(``backward_steps``, ``animate``), and plot models and activations with matplotlib
(``plot_decision_boundary``, ``plot_activations``, ``plot_history``; the ``plot`` extra).
``explore`` and ``playground`` are Jupyter widgets (the ``widgets`` extra): a graph's
drawing, live, and a TensorFlow-Playground-like trainer for chainrule's MLPs.
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
from .widgets import explore, playground

__all__ = [
    "abbreviate",
    "Explanation",
    "Explorer",
    "Graph",
    "GraphvizNotFound",
    "RenderFailed",
    "Player",
    "Playground",
    "Term",
    "animate",
    "backward_steps",
    "draw_graph",
    "explain",
    "explore",
    "find_renderer",
    "plot_activations",
    "plot_decision_boundary",
    "plot_history",
    "playground",
    "to_dot",
]


def __getattr__(name: str):
    """``viz.Explorer`` and ``viz.Playground``: imported when first asked for, so that
    ``import viz`` needs no anywidget (the ``widgets`` extra)."""
    if name == "Explorer":
        from .explorer import Explorer

        return Explorer
    if name == "Playground":
        from .playground_widget import Playground

        return Playground
    raise AttributeError(f"module 'viz' has no attribute {name!r}")
