"""Compiled replay: a graph recorded once, then run again and again with numpy.

The graph of a training step has the same shape every step; only the numbers change.
``compile(root)`` records it once. Every node gets a slot in one array of numbers
(the leaves first, in a fixed order), and the interior nodes made by the same op at the
same depth (the longest path from a leaf) form a *group*: a few thousand scalar ``dot``
nodes become one array operation, which is what a tensor library computes with. Those
groups are the tensors hiding in the scalar graph (``Program.groups``).

``Program.run()`` then replays both passes from the leaves' current ``.data``:

- forward: group by group, in order of depth, gather each group's inputs from their
  slots (one index array per group) and run the op's array form (``array=`` in its
  registration, see ``@op``) on them: the outputs and the local gradients of every
  node of the group at once. An op without an array form (a user's) runs its float
  rule on each node in turn. Wherever a number comes out NaN or infinite, or the array
  form raises, that node is recomputed by its float rule, so a value that left the
  domain (``log`` of a number that turned negative) raises the same named error as the
  Value path (``forward.failure``; ``detect_anomaly``'s FloatingPointError too), and
  NaN and inf follow the rule's own conventions, never a numpy warning;
- backward: the chain rule, group by group in reverse: each node's upstream gradient
  times its local gradients, scatter-added into its inputs' slots (``np.bincount``
  where several edges meet one node). A zero upstream gradient sends exactly 0, as in
  ``chain_rule_steps``.

The replay assumes the graph's shape does not depend on the numbers: every branch is
an op (relu, max, step, ...). ``bool(Value)`` raises TypeError so that a Python ``if``
on a Value cannot freeze one branch into the program.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from operator import attrgetter
from typing import NamedTuple

import numpy as np

from autograd.forward import ENGINE_ERRORS, check_finite, failure
from autograd.modes import current
from autograd.spec import OpSpec
from autograd.value import MANY_INPUTS, Value, interior_order

_data = attrgetter("data")


class Group(NamedTuple):
    """The nodes of one op at one depth, computed together: ``size`` nodes of ``op``
    (its tag), each with ``inputs`` inputs. ``matmul``: for a group of dot nodes that
    is a matrix product (A×n)·(n×B) — a layer's B neurons over A samples — its
    (A, n, B), which the replay computes as one ``@``; else None."""

    depth: int
    op: str
    size: int
    inputs: int
    matmul: tuple[int, int, int] | None = None


class _Step:
    """One group as the replay runs it: its op, its output slots ``start:stop`` and
    the slots of its inputs (``index``: (arity, g), or (sequences, n, g) for an op over
    sequences), with the plan of its backward scatter."""

    __slots__ = (
        "spec",
        "depth",
        "start",
        "stop",
        "index",
        "targets",
        "unique",
        "inverse",
        "contiguous",
        "local",
        "finite",
        "matmul",
    )

    def __init__(self, spec: OpSpec, depth: int, start: int, stop: int, index: np.ndarray):
        self.spec, self.depth, self.start, self.stop, self.index = spec, depth, start, stop, index
        self.matmul = _as_matmul(index) if spec.name == "dot" else None
        self.local = None  # this forward's local gradients, shaped like index
        self.finite = True  # all of them finite (else a zero upstream must send 0)
        self.targets = None
        if self.matmul is None:  # a matmul group plans its element-wise scatter when needed
            self.plan_scatter()

    def plan_scatter(self) -> None:
        """How the element-wise backward adds this group's contributions into slots."""
        flat = self.index.ravel()
        self.contiguous = None  # the inputs are slots a:b, in order: add into a slice
        self.targets = flat
        self.unique = self.inverse = None
        if flat.size and np.array_equal(flat, np.arange(flat[0], flat[0] + flat.size)):
            self.contiguous = slice(int(flat[0]), int(flat[0]) + flat.size)
        elif np.unique(flat).size != flat.size:  # edges meet: sum them with bincount
            self.unique, self.inverse = np.unique(flat, return_inverse=True)


class Program:
    """A graph recorded by ``compile``: replay it with ``run()``.

    ``leaves`` are the leaf Values it reads (parameters, inputs and constants alike), in
    a fixed order: each just before the first node that uses it, as in ``topo_order``.
    ``groups`` describes what it computes, group by group.
    """

    def __init__(self, root: Value, watch: Sequence[Value] = ()) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"compile needs a Value, got {type(root).__name__}")
        order = interior_order(root)
        leaves: list[Value] = []
        where: dict[Value, int] = {}  # node -> its slot (leaves now, interior nodes below)
        depth: dict[Value, int] = {}
        grouped: dict[tuple, list[Value]] = {}
        for node in order:
            d = 0
            for p in node.parents:
                if p._op is None:
                    if p not in where:
                        where[p] = len(leaves)
                        leaves.append(p)
                elif depth[p] > d:
                    d = depth[p]
            depth[node] = d + 1
            width = len(node._x) if node._y is MANY_INPUTS else 0
            grouped.setdefault((d + 1, node._op, width), []).append(node)
        if root._op is None:
            where[root] = 0
            leaves.append(root)
        self.leaves: tuple[Value, ...] = tuple(leaves)
        steps, labels, slot = [], {}, len(leaves)
        for (d, spec, width), nodes in sorted(grouped.items(), key=lambda kv: kv[0][0]):
            start = slot
            for node in nodes:
                where[node] = slot
                if node.label:
                    labels[slot] = node.label
                slot += 1
            if width:
                slots = (where[p] for node in nodes for p in node._x)
                index = np.fromiter(slots, np.intp, width * len(nodes))
                index = index.reshape(len(nodes), width).T.reshape(spec.sequences, -1, len(nodes))
            elif spec.arity == 1:
                index = np.array([[where[node._x] for node in nodes]], dtype=np.intp)
            else:
                index = np.array(
                    [[where[n._x] for n in nodes], [where[n._y] for n in nodes]], dtype=np.intp
                )
            steps.append(_Step(spec, d, start, slot, np.ascontiguousarray(index)))
        self._steps = steps
        self._labels = labels  # slot -> label of a labelled interior node (for errors)
        self._root = where[root]
        try:
            self._watch = np.array([where[v] for v in watch], dtype=np.intp)
        except (KeyError, TypeError):
            raise ValueError("compile: every watched node must be a node of root's graph") from None
        self._values = np.zeros(slot)
        self._grads = np.zeros(slot)
        self.groups: tuple[Group, ...] = tuple(
            Group(
                s.depth,
                s.spec.tag,
                s.stop - s.start,
                s.index.size // (s.stop - s.start),
                None if s.matmul is None else (*s.matmul.x.shape, s.matmul.w.shape[1]),
            )
            for s in steps
        )

    def __repr__(self) -> str:
        return (
            f"<Program: {len(self._values):,} nodes ({len(self.leaves):,} leaves) "
            f"in {len(self._steps)} groups>"
        )

    @property
    def nodes(self) -> int:
        """How many nodes were recorded (leaves included)."""
        return len(self._values)

    @property
    def nbytes(self) -> int:
        """The bytes of the program's arrays (its slots, index arrays, local gradients)."""
        arrays = [self._values, self._grads, self._watch]
        for s in self._steps:
            arrays += [s.index, getattr(s, "unique", None), getattr(s, "inverse", None)]
            if s.matmul is not None:
                arrays += list(s.matmul)
            arrays += [s.local] if isinstance(s.local, np.ndarray) else list(s.local or ())
        return sum(a.nbytes for a in arrays if a is not None)

    # -- running it ----------------------------------------------------------------------

    def run(self) -> float:
        """Forward and backward again from the leaves' current ``.data``: returns the
        root's new value and adds ∂root/∂leaf to each leaf's ``.grad`` (they accumulate,
        as after ``backward()``). Interior nodes' data and grad are not written."""
        data = np.fromiter(map(_data, self.leaves), float, len(self.leaves))
        value, grads = self.replay(data)
        for leaf, g in zip(self.leaves, grads.tolist()):
            leaf.grad += g
        return value

    def replay(self, data: Sequence[float] | np.ndarray) -> tuple[float, np.ndarray]:
        """``run`` as a function: forward and backward from ``data`` (one number per
        leaf, in ``leaves``' order); returns the root's value and ∂root/∂leaf for each
        leaf, as an array. No Value is read or written."""
        values = self._values
        n = len(self.leaves)
        values[:n] = data
        with np.errstate(all="ignore"):
            self._forward(not np.isfinite(values[:n]).all())
            grads = self._backward()
        if current.anomaly and not np.isfinite(grads[:n]).all():
            i = int(np.flatnonzero(~np.isfinite(grads[:n]))[0])
            raise FloatingPointError(
                f"detect_anomaly: backward gave a non-finite gradient {grads[i]!r} to "
                f"input {self._describe(i)}"
            )
        return float(values[self._root]), grads[:n].copy()

    @property
    def watched(self) -> np.ndarray:
        """The latest replay's values of the nodes given to ``compile(..., watch=)``."""
        return self._values[self._watch]

    def _forward(self, tainted: bool) -> None:
        """Every group's outputs and local gradients; ``tainted``: a NaN or inf is
        already among the values, so inputs are checked too."""
        values = self._values
        for s in self._steps:
            if s.matmul is not None and not tainted:
                plan = s.matmul
                x, w = values[plan.x], values[plan.w]  # (A, n) and (n, B)
                out = (x @ w).ravel()
                if math.isfinite(out.sum()):
                    values[s.start : s.stop] = out
                    s.local, s.finite = (x, w), True
                    continue
            inputs = values[s.index]
            spec = s.spec
            if spec.array is None:
                out, local = self._by_element(s, inputs)
            else:
                try:
                    out, local = spec.array(np, *inputs, **spec.static)
                    local = _stacked(local, inputs.shape)
                except ENGINE_ERRORS:
                    out, local = self._by_element(s, inputs)
            finite = math.isfinite(out.sum() + local.sum())  # a NaN or inf anywhere shows
            if not finite or tainted:
                bad = ~np.isfinite(out) | ~np.isfinite(local).reshape(-1, len(out)).all(axis=0)
                if tainted:
                    bad |= ~np.isfinite(inputs).reshape(-1, len(out)).all(axis=0)
                if bad.any():
                    out, local = self._by_element(s, inputs, np.flatnonzero(bad), out, local)
                    finite = bool(np.isfinite(local).all())
                    tainted = tainted or not np.isfinite(out).all()
            values[s.start : s.stop] = out
            s.local, s.finite = local, finite

    def _backward(self) -> np.ndarray:
        grads = self._grads
        grads.fill(0.0)
        grads[self._root] = 1.0
        for s in reversed(self._steps):
            upstream = grads[s.start : s.stop]
            if type(s.local) is tuple:  # a matmul: out = x @ w
                x, w = s.local
                up = upstream.reshape(x.shape[0], w.shape[1])
                plan = s.matmul
                both = np.concatenate(((up @ w.T).ravel(), (x.T @ up).ravel()))
                grads[plan.unique] += np.bincount(plan.inverse, both, minlength=len(plan.unique))
                continue
            if s.targets is None:
                s.plan_scatter()
            contribution = s.local * upstream  # the chain rule: upstream × local
            if not s.finite:  # 0 × inf: nothing flows from a node that does not matter
                contribution = np.where(upstream != 0.0, contribution, 0.0)
            if s.contiguous is not None:
                grads[s.contiguous] += contribution.ravel()
            elif s.unique is None:
                grads[s.targets] += contribution.ravel()
            else:
                grads[s.unique] += np.bincount(
                    s.inverse, contribution.ravel(), minlength=len(s.unique)
                )
        return grads

    # -- one node at a time: user ops, and every number the array form got wrong -----

    def _by_element(self, s: _Step, inputs: np.ndarray, which=None, out=None, local=None):
        """The group's outputs and local gradients from its float rule, node by node
        (only the nodes ``which``, into ``out`` and ``local``, when given): the rule's
        own numbers and errors, with the op and its operands named."""
        spec = s.spec
        g = s.stop - s.start
        if which is None:
            which = range(g)
            out, local = np.empty(g), np.empty(inputs.shape)
        else:
            out, local = np.array(out, dtype=float), np.array(local, dtype=float)
        flat_local = local.reshape(-1, g)
        flat_inputs = inputs.reshape(-1, g)
        for j in which:
            numbers = flat_inputs[:, j].tolist()
            try:
                out_j, local_j = spec.evaluate(numbers)
            except ENGINE_ERRORS as exc:
                raise failure(spec, self._operands(s, j), exc) from None
            if current.anomaly:
                check_finite(spec, out_j, self._operands(s, j), local_j)
            out[j] = out_j
            flat_local[:, j] = local_j
        return out, local

    def _operands(self, s: _Step, j: int) -> list[Value]:
        """Node j's inputs as they are now in this replay: their values and labels."""
        slots = s.index.reshape(-1, s.stop - s.start)[:, j].tolist()
        return [Value(float(self._values[i]), self._label(i)) for i in slots]

    def _label(self, slot: int) -> str:
        if slot < len(self.leaves):
            return self.leaves[slot].label
        return self._labels.get(slot, "")

    def _describe(self, slot: int) -> str:
        label = self._label(slot)
        value = float(self._values[slot])
        return f"{value!r} [{label}]" if label else repr(value)


class _Matmul(NamedTuple):
    """A dot group that is a matrix product: node (a, b) = Σ_i x[a, i] · w[i, b], its
    weights depending on b only and its inputs on a only (a layer's neurons b over the
    samples a). ``x`` (A, n) and ``w`` (n, B) are the slots to gather; ``unique`` and
    ``inverse`` scatter their gradients (x's first, then w's)."""

    x: np.ndarray
    w: np.ndarray
    unique: np.ndarray
    inverse: np.ndarray


def _as_matmul(index: np.ndarray) -> _Matmul | None:
    """The matmul plan of a dot group's index (2, n, g), or None when it is not one.
    Either sequence may be the weights (``dot(w, x)`` in a neuron, ``dot(h, w)`` in
    the lecture's output layer)."""
    for ws, xs in (index, index[::-1]):
        n, g = ws.shape
        repeats = np.flatnonzero((ws == ws[:, :1]).all(axis=0))  # nodes with node 0's weights
        b = int(repeats[1]) if len(repeats) > 1 else g
        if g % b:
            continue
        a = g // b
        w3, x3 = ws.reshape(n, a, b), xs.reshape(n, a, b)
        if (w3 == w3[:, :1, :]).all() and (x3 == x3[:, :, :1]).all():
            x_slots = np.ascontiguousarray(x3[:, :, 0].T)
            w_slots = np.ascontiguousarray(w3[:, 0, :])
            both = np.concatenate((x_slots.ravel(), w_slots.ravel()))
            unique, inverse = np.unique(both, return_inverse=True)
            return _Matmul(x_slots, w_slots, unique, inverse)
    return None


def _stacked(local: Sequence[object], shape: tuple[int, ...]) -> np.ndarray:
    """An array form's local gradients (arrays or numbers, one per input or sequence)
    as one array shaped like the gathered inputs."""
    if len(local) != shape[0]:
        raise TypeError(f"an array form returned {len(local)} local gradients for {shape[0]}")
    if len(local) == 1 and getattr(local[0], "shape", None) == shape[1:]:
        return local[0].reshape(shape)
    result = np.empty(shape)
    for k, g in enumerate(local):
        result[k] = g
    return result


def compile(root: Value, *, watch: Sequence[Value] = ()) -> Program:  # noqa: A001
    """Record ``root``'s graph once as a ``Program``; ``prog.run()`` replays it with
    numpy from the leaves' current data (see this module).

    ``watch``: nodes of the graph whose values each replay also keeps
    (``prog.watched``), e.g. a model's outputs for its accuracy.
    """
    return Program(root, watch)


__all__ = ["Group", "Program", "compile"]
