"""Value: one scalar node of a computational graph, and reverse-mode backward over it.

A ``Value`` holds its number (``data``), its upstream gradient (``grad`` = ∂root/∂node
after ``backward``), an optional ``label``, and — for a node made by an op — its parents
and the local gradient ∂node/∂parent of each edge, computed in the forward pass.
Backward is then the chain rule, literally: ``parent.grad += local * node.grad``.

Storage is tuned by measurement (see ``benchmarks/``): one slotted object per node, no
closure, no set, no reference cycle, so graphs are freed by reference counting and the
cyclic garbage collector has nothing to chase. One- and two-input nodes keep their
parents and local gradients in fixed slots (``_b`` is None for one input); n-ary nodes
(sum, dot, max, ...) keep two aligned tuples and mark ``_b`` with ``NARY``. Only
``_op`` tells a leaf (None) from an op's output: a leaf's other slots are never set.
"""

from __future__ import annotations

import gc
import math
import numbers

from autograd.modes import current

NARY = type("NaryMarker", (), {"__repr__": lambda self: "NARY"})()
"""Marker stored in ``_b`` of an n-ary node: ``_a``/``_la`` then hold tuples."""


def as_float(x: object, what: str = "Value data") -> float:
    """A real number (int, float, numpy real scalar; not bool) as a float, else TypeError."""
    t = type(x)
    if t is float:
        return x  # type: ignore[return-value]
    if t is bool or isinstance(x, Value) or not isinstance(x, numbers.Real):
        raise TypeError(f"{what} must be a real number (int or float), got {t.__name__}: {x!r}")
    try:
        return float(x)
    except OverflowError:
        digits = int(x.bit_length() * 0.30103) + 1 if isinstance(x, int) else "many"
        raise OverflowError(
            f"{what} is too large for a float (an integer of {digits} digits)"
        ) from None
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{what} must be a real number, got {t.__name__}: {x!r}") from exc


def plain_number(x: object) -> str:
    """A number as Python writes a float (-2.0, not np.float64(-2.0)); whatever cannot
    be a float keeps its own repr, so a repr built from this never raises."""
    try:
        return repr(float(x))  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return repr(x)


class Value:
    """One scalar in a computational graph.

    ``Value(-2.0, label="x")``; arithmetic with Values or numbers builds the graph, and
    ``f.backward()`` fills every node's ``grad`` with ∂f/∂node.
    """

    __slots__ = ("data", "grad", "label", "_op", "_a", "_b", "_la", "_lb")
    __array_ufunc__ = None  # numpy scalars defer to Value's reflected operators

    def __init__(self, data: float, label: str = "") -> None:
        if type(label) is not str and not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__}: {label!r}")
        self.data = data if type(data) is float else as_float(data)
        self.grad = 0.0
        self.label = label
        self._op = None  # a leaf: its parent slots stay unset and are never read

    # -- read-only views of the graph -------------------------------------------------

    @property
    def op(self) -> str:
        """The display tag of the op that made this node ('' for a leaf)."""
        return "" if self._op is None else self._op.tag

    @property
    def parents(self) -> tuple[Value, ...]:
        """The op's inputs, in order, duplicates kept (``x*x`` has two)."""
        if self._op is None:
            return ()
        b = self._b
        if b is None:
            return (self._a,)
        if b is NARY:
            return self._a
        return (self._a, b)

    @property
    def local_grads(self) -> tuple[float, ...]:
        """∂self/∂parent for each parent, aligned with ``parents``."""
        if self._op is None:
            return ()
        b = self._b
        if b is None:
            return (self._la,)
        if b is NARY:
            return self._la
        return (self._la, self._lb)

    # -- conversions --------------------------------------------------------------------

    def __repr__(self) -> str:
        return f"Value(data={plain_number(self.data)}, grad={plain_number(self.grad)})"

    def __float__(self) -> float:
        return self.data

    def detach(self) -> Value:
        """A new leaf with the same data (and label): the graph behind it is cut off."""
        return Value(self.data, self.label)

    # -- backward ---------------------------------------------------------------------

    def backward(self, grad: float = 1.0) -> None:
        """Fill every node's ``grad`` with ∂self/∂node (reverse-mode, iterative).

        Interior nodes are reset to this pass's upstream gradient; leaves accumulate
        across calls (a model's or optimiser's ``zero_grad`` clears them), as in
        PyTorch. The local gradients were computed in the forward pass: after changing
        a leaf's ``data``, run the forward pass again. An interrupted or failed backward
        (Ctrl-C, ``detect_anomaly``) leaves partial sums in the leaves: zero them before
        the next one. Graphs that share nodes must not run backward in two threads at
        once.
        """
        seed = as_float(grad, "backward grad")
        if self._op is None:
            self.grad += seed
            return
        gc_was_enabled = gc.isenabled()
        gc.disable()  # the graph has no cycles; the collector would only slow this down
        order: list[Value] = []
        try:
            try:
                _interior_order(self, order)
                for node in order:
                    node.grad = 0.0
            except BaseException:  # an interrupt (Ctrl-C): leave no node marked
                _unmark(order)
                raise
            self.grad = seed
            if current.anomaly:
                _propagate_checked(order)
            else:
                _propagate(order)
        finally:
            if gc_was_enabled:
                gc.enable()


def _propagate(order: list[Value]) -> None:
    """The chain rule over interior nodes, children first: parent.grad += local * grad.

    A node whose upstream gradient is exactly 0 sends nothing (as JAX's symbolic zeros):
    half of a ReLU network's neurons are off for any one sample.
    """
    for node in reversed(order):
        g = node.grad
        if g == 0.0:
            continue
        b = node._b
        if b is None:
            a = node._a
            a.grad += node._la * g
        elif b is NARY:
            for parent, local in zip(node._a, node._la):
                parent.grad += local * g
        else:
            a = node._a
            a.grad += node._la * g
            b.grad += node._lb * g


def _propagate_checked(order: list[Value]) -> None:
    """``_propagate`` that raises FloatingPointError at the first non-finite gradient."""
    for node in reversed(order):
        g = node.grad
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += local * g
            if not math.isfinite(parent.grad):
                raise FloatingPointError(
                    f"detect_anomaly: backward through {node.op!r} (output {node.data!r}, "
                    f"upstream gradient {g!r}) gave a non-finite gradient {parent.grad!r} "
                    f"to input {describe(parent)} (local gradient {local!r})"
                )


def describe(v: Value) -> str:
    """``-1.0`` or ``-1.0 [x]``: a node's value and, when it has one, its label."""
    return f"{v.data!r} [{v.label}]" if v.label else repr(v.data)


def _interior_order(
    root: Value, order: list[Value], saved: list[tuple[Value, float]] | None = None
) -> None:
    """Fill ``order`` with the interior nodes reachable from ``root`` (leaves skipped),
    parents before children, each once: an iterative depth-first walk, first parent
    first. (The caller owns ``order`` so that it can unmark it after an interrupt.)

    A visited node is marked by setting its ``grad`` to None, which is cheaper than a
    set of visited nodes; ``backward`` resets every one of them to 0 right after, and
    ``saved`` (when given) collects each node's grad beforehand so that the caller can
    put it back. Every marked node is always either on the stack or in the order, so
    an interrupted walk (Ctrl-C) can find and unmark them all.
    """
    if root._op is None:
        return
    stack: list[Value | None] = [root]
    push, pop, emit = stack.append, stack.pop, order.append
    try:
        while stack:
            node = pop()
            if node is None:  # marker: the node below it has all its parents emitted
                emit(stack[-1])  # emitted before it leaves the stack
                pop()
                continue
            if node.grad is None:
                continue
            push(node)  # on the stack before it is marked
            push(None)
            if saved is not None:
                saved.append((node, node.grad))
            node.grad = None
            b = node._b
            if b is None:
                p = node._a
                if p._op is not None and p.grad is not None:
                    push(p)
            elif b is NARY:
                for p in reversed(node._a):
                    if p._op is not None and p.grad is not None:
                        push(p)
            else:
                if b._op is not None and b.grad is not None:
                    push(b)
                p = node._a
                if p._op is not None and p.grad is not None:
                    push(p)
    except BaseException:
        _unmark(order)
        _unmark(stack)
        raise


def _unmark(nodes: list[Value | None]) -> None:
    """Give every node still marked as visited (grad None) a grad of 0 again."""
    for n in nodes:
        if n is not None and n.grad is None:
            n.grad = 0.0


def topo_order(root: Value) -> list[Value]:
    """Every node reachable from ``root``, parents before children, each exactly once.

    Its interior nodes, reversed, are exactly the order in which ``backward`` applies
    the chain rule; each leaf comes just before the first node that uses it.
    """
    if not isinstance(root, Value):
        raise TypeError(f"topo_order needs a Value, got {type(root).__name__}")
    if root._op is None:
        return [root]
    saved: list[tuple[Value, float]] = []
    interior: list[Value] = []
    try:
        _interior_order(root, interior, saved)
    finally:
        for node, grad in saved:
            node.grad = grad
    order: list[Value] = []
    leaves: set[Value] = set()
    for node in interior:
        for p in node.parents:
            if p._op is None and p not in leaves:
                leaves.add(p)
                order.append(p)
        order.append(node)
    return order
