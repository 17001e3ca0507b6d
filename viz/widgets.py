"""The two Jupyter widgets' entry points, light to import: ``viz.explore`` and
``viz.playground`` load anywidget (the ``widgets`` extra) only when called."""

from __future__ import annotations

from typing import TYPE_CHECKING

from autograd import Value

if TYPE_CHECKING:
    from .explorer import Explorer
    from .playground_widget import Playground


def explore(root: Value, *, lang: str = "en") -> Explorer:
    """The drawing of ``root``'s graph, live in Jupyter (``viz.Explorer``): hover a node
    or an edge for its numbers and formula, click a node for its derivation, step
    backward by node or by edge, change a labelled leaf in its box (forward and backward
    run again in the kernel), zoom and pan; ``.save("explore.html")`` works without a
    kernel. A graph too large to draw is folded or refused as ``draw_graph`` does."""
    from .explorer import Explorer

    return Explorer(root, lang=lang)


def playground(
    data: str = "moons",
    hidden: tuple[int, ...] = (8,),
    activation: str = "relu",
    loss: str | None = None,
    lr: float = 0.1,
    l2: float = 1e-4,
    n: int = 100,
    noise: float = 0.1,
    seed: int = 0,
    *,
    lang: str = "en",
) -> Playground:
    """A TensorFlow-Playground-like trainer for chainrule's MLPs (``viz.Playground``):
    data set, noise, hidden layers, activation, loss, λ and learning rate as controls;
    train / pause / one step; the decision boundary, train and test points and the loss
    curve update while it trains; a click on the plot adds a point of the chosen class;
    each hidden unit's map on demand."""
    from .playground_widget import Playground

    return Playground(
        data=data,
        hidden=hidden,
        activation=activation,
        loss=loss,
        lr=lr,
        l2=l2,
        n=n,
        noise=noise,
        seed=seed,
        lang=lang,
    )
