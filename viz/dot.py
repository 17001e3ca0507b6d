"""to_dot: a computational graph as Graphviz DOT text, with the chain rule on every edge.

Each value is a box ``label | data | grad`` (grad = the upstream gradient ∂root/∂value);
each operation is a small node between its inputs and its output; each input *slot* is
one edge (``x*x`` draws two), labelled with the local gradient ∂out/∂in and, once
backward has run, with the contribution ``upstream × local = value`` that flows back
along it. Colours tell roles apart: input, parameter, constant, output.

Pure text, no Graphviz binary needed, and deterministic: nodes are numbered by their
place in ``topo_order`` (never by ``id()``), so the same graph gives the same bytes.
Graphs over ``max_nodes`` values are drawn with each ``nn`` neuron folded into one node
(``viz.collapse`` says which nodes make a neuron) or refused with a ValueError
(``GraphTooLarge``). Every step is linear in the graph: lookups go through dicts and
sets keyed by the nodes (Values hash by identity), never through lists.
How each part reads is ``viz.appearance``; what it shows, ``viz.picture``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import autograd as ag
from autograd import Value, topo_order
from viz.appearance import (
    FONT,
    HOT,
    caption,
    edge_label,
    neuron_label,
    op_attrs,
    shown_name,
    value_label,
)
from viz.collapse import neuron_owners, outside_inputs
from viz.picture import Edge, Frame, GraphTooLarge, Options


@dataclass
class DrawnNodes:
    """The nodes actually drawn: values in topological order, neuron membership."""

    order: list[Value]
    index: dict[Value, int]
    owner: dict[Value, Value] = field(default_factory=dict)  # member -> neuron output


def to_dot(
    root: Value,
    *,
    local: bool = True,
    contrib: bool = True,
    rankdir: str = "LR",
    abbreviate: bool = False,
    legend: bool = True,
    max_nodes: int | None = 300,
    lang: str = "en",
) -> str:
    """The graph ending in ``root`` as DOT text.

    local: label edges with the local gradient ∂out/∂in.
    contrib: after backward, add ``upstream × local = contribution`` to each edge.
        Backward counts as having run when any node's grad is nonzero (backward seeds
        the root with 1.0), so a fresh graph shows local gradients only.
    rankdir: "LR" (left to right, default) or "TB" (top to bottom).
    abbreviate: show parameter names as ``L0.N3.w1`` instead of ``layers.0.neurons.3.w.1``.
    legend: a one-line caption saying what the numbers mean.
    lang: "en" or "ru": the language of every word in the drawing (``viz.words``).
    max_nodes: above this many values, fold each nn neuron into one node; if still too
        many, raise ValueError. None draws everything.
    """
    opts = Options(local, contrib, rankdir, abbreviate, legend, max_nodes, lang)
    drawn = drawn_nodes(root, opts)
    return write_dot(root, drawn, opts, after_backward(root, drawn.order))


def after_backward(root: Value, order: list[Value]) -> Frame:
    """The graph's own gradients, and — once backward has run (some grad is nonzero;
    backward seeds the root with 1.0) — what each edge carried back, replayed by
    ``ag.chain_rule_steps`` from the root's gradient."""
    grads = {v: v.grad for v in order}
    flows: dict[Edge, tuple[float, float]] = {}
    if any(g != 0 for g in grads.values()):
        for step in ag.chain_rule_steps(root, grad=root.grad):
            for slot, (_, _, contribution) in enumerate(step.edges):
                flows[step.node, slot] = (step.upstream, contribution)
    return Frame(grads, grads.keys(), flows)  # every node is known: a set, not a list


def drawn_nodes(root: Value, opts: Options) -> DrawnNodes:
    """Order the nodes and, over the budget, fold neurons; raise when still too big."""
    if opts.rankdir not in ("LR", "TB"):
        raise ValueError(f"rankdir must be 'LR' or 'TB', got {opts.rankdir!r}")
    order = topo_order(root)
    drawn = DrawnNodes(order, {v: i for i, v in enumerate(order)})
    if opts.max_nodes is None or len(order) <= opts.max_nodes:
        return drawn
    drawn.owner = neuron_owners(order)
    outputs = set(drawn.owner.values())
    count = sum(1 for v in order if v not in drawn.owner) + len(outputs)
    if count > opts.max_nodes:
        how = (
            f"{count} after folding {len(outputs)} neurons into one node each"
            if outputs
            else "no nn neurons to fold"
        )
        summary = f"graph too large to draw: {len(order)} values ({how}), over {opts.max_nodes}"
        raise GraphTooLarge(
            f"graph too large to draw: {len(order)} values ({how}), over "
            f"max_nodes={opts.max_nodes}. Draw a smaller graph (one sample's loss, one "
            f"neuron), or pass max_nodes={count} (or None) to draw it all anyway.",
            "max_nodes",
            count,
            summary,
        )
    return drawn


# ---------------------------------------------------------------- writing DOT text


def write_dot(root: Value, drawn: DrawnNodes, opts: Options, frame: Frame) -> str:
    """The DOT text of a laid-out graph showing the gradients of ``frame``."""
    order, index, owner = drawn.order, drawn.index, drawn.owner
    uses = Counter(p for v in order for p in v.parents)  # edges leaving each node
    grads, known, hot = frame.grads, frame.known, frame.highlight
    lines = [
        "digraph chainrule {",
        f'  graph [rankdir={opts.rankdir}, bgcolor="white", nodesep=0.35, ranksep=0.55, '
        f'fontname="{FONT}", fontsize=13, pad=0.2];',
        f'  node [fontname="{FONT}", fontsize=13, penwidth=1.2];',
        f'  edge [fontname="{FONT}", fontsize=11, color="#4b5563", arrowsize=0.7];',
    ]
    if owner:  # folded neurons: bundle the dense layer-to-layer edges, keep N0..Nk in order
        lines.append("  concentrate=true; ordering=out;")
    drawn_ops = [v for v in order if v.parents and v not in owner]
    gates = [hot] if hot is not None else drawn_ops
    title = caption(root, opts, frame, gates)
    if title:
        lines.append(f"  labelloc=t; labeljust=l; label=<{title}>;")
    name = {v: f"v{index[v]}" for v in order}

    def name_of(node: Value) -> str:
        return shown_name(node, opts)

    # the same neuron applied to several samples: number its copies #1, #2, ...
    copies = Counter(v.label for v in set(owner.values()))
    seen_copies: Counter[str] = Counter()
    for v in order:
        if v in owner and owner[v] is not v:
            continue
        i = index[v]
        if v in owner:
            name[v] = f"n{i}"
            seen_copies[v.label] += 1
            copy = seen_copies[v.label] if copies[v.label] > 1 else None
            lines.append(f"  n{i} [{neuron_label(v, grads, known, opts, copy)}];")
            continue
        lines.append(f"  v{i} [{value_label(v, root, grads, known, opts, v is hot)}];")
        if v.parents:
            lines.append(f"  o{i} [{op_attrs(v.spec, v is hot)}];")
            lines.append(f'  o{i} -> v{i} [color="{HOT if v is hot else "#4b5563"}"];')
    for v in order:
        if not v.parents or (v in owner and owner[v] is not v):
            continue
        if v in owner:  # a folded neuron: one plain edge per outside input
            srcs = {name[owner.get(p, p)]: None for p in outside_inputs(v, owner)}
            lines.extend(f'  {s} -> {name[v]} [color="#a78bfa"];' for s in srcs)
            continue
        i = index[v]
        formulas = v.local_formulas_named(name_of) if opts.local else [""] * len(v.parents)
        for slot, (p, g) in enumerate(zip(v.parents, v.local_grads, strict=True)):
            src = name[owner.get(p, p)]
            flow = frame.flows.get((v, slot))
            label = edge_label(v, p, g, formulas[slot], flow, opts, uses[p] == 1)
            lit = v is hot and frame.hot_edge in (None, (v, slot))
            style = f', color="{HOT}", penwidth=2.2, fontcolor="{HOT}"' if lit else ""
            lines.append(f"  {src} -> o{i} [{label}{style}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
