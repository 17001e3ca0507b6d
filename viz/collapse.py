"""Folding nn neurons: which nodes of a big graph belong to which neuron.

An MLP's graph has thousands of values; drawn whole it is unreadable. ``nn`` leaves two
marks that let a drawing fold each neuron (its weights, bias, ``dot``, ``+`` and
activation) into one node, without ``autograd`` knowing anything about ``nn``:
parameters carry their dotted ``name`` (``layers.0.neurons.3.w.1``), and each neuron
labels its output node with its path (``layers.0.neurons.3``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from autograd import Value


def is_parameter(v: Value) -> bool:
    """True for a trainable parameter: a Value carrying a dotted ``name`` (``nn.Parameter``).

    Duck-typed, so that telling parameters apart needs no import of ``nn``.
    """
    return isinstance(getattr(v, "name", None), str)


def neuron_owners(order: list[Value]) -> dict[Value, Value]:
    """Map each node that belongs to an nn neuron to that neuron's output node.

    A neuron labels its output with its path (``layers.0.neurons.3``) and owns the
    parameters named ``path.*``. Its members: the output, and everything upstream of it
    back to its own parameters — only nodes that some own parameter feeds (so computed
    inputs stay outside), never crossing another neuron's output. Unlabelled constants
    used only inside one neuron (number inputs turned into leaves) join it too.
    """
    params = [v for v in order if is_parameter(v)]
    prefixes = {p.name.rsplit(".", k)[0] for p in params for k in range(1, p.name.count(".") + 1)}
    # the same neuron applied to several samples has several outputs with one path
    outputs = [v for v in order if v.parents and v.label in prefixes]
    if not outputs:
        return {}
    paths = {v.label for v in outputs}
    is_output = set(outputs)
    # tag[v]: the one neuron whose parameters feed v without crossing a neuron output
    tag: dict[Value, str | None] = {}
    for v in order:
        if is_parameter(v):
            tag[v] = longest_prefix(v.name, paths)
        elif v.parents:
            tags = {tag[p] for p in v.parents if p not in is_output}
            tags.discard(None)
            tag[v] = tags.pop() if len(tags) == 1 else None
        else:
            tag[v] = None
    consumers: dict[Value, list[Value]] = {}
    for v in order:
        for p in v.parents:
            consumers.setdefault(p, []).append(v)
    owner: dict[Value, Value] = {}
    for out in outputs:
        path = out.label
        if tag[out] != path:
            continue
        owner[out] = out
        stack, constants = list(out.parents), []
        while stack:
            v = stack.pop()
            if v in owner:
                continue
            if tag[v] == path and v not in is_output:
                owner[v] = out
                stack.extend(v.parents)
            elif not v.parents and not v.label and not is_parameter(v):
                constants.append(v)
        for c in constants:
            if all(owner.get(u) is out for u in consumers[c]):
                owner[c] = out
    return owner


def longest_prefix(name: str, paths: Collection[str]) -> str | None:
    """The longest neuron path that ``name`` lies under, or None."""
    best = None
    for k in range(1, name.count(".") + 1):
        head = name.rsplit(".", k)[0]
        if head in paths:
            best = head
            break
    return best


def outside_inputs(out: Value, owner: Mapping[Value, Value]) -> list[Value]:
    """A folded neuron's inputs from outside it, in a stable (first-seen) order."""
    seen: dict[Value, None] = {}
    stack = [out]
    visited = set()
    while stack:
        v = stack.pop()
        if v in visited:
            continue
        visited.add(v)
        for p in v.parents:
            if owner.get(p) is out:
                stack.append(p)
            else:
                seen.setdefault(p, None)
    return list(seen)
