"""Value: one scalar node of a computational graph, and backpropagation over it.

A ``Value`` holds its number (``data``), its upstream gradient (``grad`` = ∂root/∂node
after ``backward``), an optional ``label``, and — for a node made by an op — its
``parents`` and the local gradient ∂node/∂parent of each edge (``local_grads``),
computed in the forward pass. Backward is then the chain rule, written once, first in
this file: each node, children before parents, sends ``upstream × local`` to each
input. ``chain_rule_steps`` is that loop, step by step; ``Value.backward`` runs the
same loop unrolled for speed (a property test pins the two together); everything else
that replays backward (``detect_anomaly``, ``viz.backward_steps``) is built on
``chain_rule_steps``.

How a node is stored comes after the rule, because a reader needs it last: it is tuned
by measurement (see ``benchmarks/``) — one slotted object per node, no closure, no set per node,
no reference cycle, so graphs are freed by reference counting.
"""

from __future__ import annotations

import gc
import math
import numbers
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, NamedTuple

from autograd.modes import current

if TYPE_CHECKING:  # value.py imports only modes.py at run time
    from autograd.spec import OpSpec

# -- the chain rule, written once --------------------------------------------------------


class ChainRuleStep(NamedTuple):
    """One step of backward: ``node`` sends its upstream gradient back along its edges."""

    node: Value
    upstream: float  # ∂root/∂node, complete: every node that uses this one has sent its part
    edges: tuple[tuple[Value, float, float], ...]  # (parent, local, upstream × local) per input


def chain_rule_steps(root: Value, grad: float = 1.0) -> Iterator[ChainRuleStep]:
    """Backward, one interior node at a time, in the order ``backward`` processes them.

    The reference loop of the engine. It reads the graph and touches no ``.grad``: the
    sums it needs are its own. A zero upstream gradient contributes exactly 0.0 on every
    edge (so ``0 × inf`` sends 0, not NaN: nothing flows from a node that does not
    affect the root). ``root`` and ``grad`` are checked here, before the first step.
    """
    if not isinstance(root, Value):
        raise TypeError(f"chain_rule_steps needs a Value, got {type(root).__name__}")
    return _chain_rule(root, as_float(grad, "chain_rule_steps grad"))


def _chain_rule(root: Value, seed: float) -> Iterator[ChainRuleStep]:
    upstream: dict[Value, float] = {root: seed}
    for node in reversed(interior_order(root)):  # children before parents
        g = upstream.get(node, 0.0)
        edges = tuple(
            (parent, local, local * g if g != 0.0 else 0.0)  # the chain rule: upstream × local
            for parent, local in zip(node.parents, node.local_grads)
        )
        for parent, _, contribution in edges:
            upstream[parent] = upstream.get(parent, 0.0) + contribution
        yield ChainRuleStep(node, g, edges)


def interior_order(root: Value) -> list[Value]:
    """The interior nodes reachable from ``root`` (leaves skipped), parents before
    children, each once: an iterative depth-first walk, first parent first, on a stack
    of nodes with whether each is expanded (tinygrad's ``(node, visited)`` toposort,
    as two parallel lists: a tuple per push makes the walk 5% slower) and a set of the
    nodes seen.

    Each storage case of a node (one, two or many inputs; see ``Value``) is read
    directly: through ``node.parents`` the walk would take three times as long, and it
    is a third of every backward.
    """
    order: list[Value] = []
    if root._op is None:  # a leaf: nothing to walk (only interior nodes are pushed)
        return order
    seen: set[Value] = set()
    stack, expanded = [root], [False]  # each node on the stack, and whether it is expanded
    push, pop, push_flag, pop_flag = stack.append, stack.pop, expanded.append, expanded.pop
    see, emit = seen.add, order.append
    while stack:
        node = pop()
        if pop_flag():  # all its parents are in the order: now it can follow them
            emit(node)
            continue
        if node in seen:
            continue
        see(node)
        push(node)
        push_flag(True)
        y = node._y
        if y is None:
            x = node._x
            if x._op is not None and x not in seen:
                push(x)
                push_flag(False)
        elif y is MANY_INPUTS:
            for x in reversed(node._x):
                if x._op is not None and x not in seen:
                    push(x)
                    push_flag(False)
        else:
            if y._op is not None and y not in seen:
                push(y)
                push_flag(False)
            x = node._x
            if x._op is not None and x not in seen:
                push(x)
                push_flag(False)
    return order


def topo_order(root: Value) -> list[Value]:
    """Every node reachable from ``root``, parents before children, each exactly once.

    Its interior nodes, reversed, are exactly the order in which ``backward`` applies
    the chain rule; each leaf comes just before the first node that uses it.
    """
    if not isinstance(root, Value):
        raise TypeError(f"topo_order needs a Value, got {type(root).__name__}")
    order: list[Value] = []
    leaves: set[Value] = set()
    for node in interior_order(root) or [root]:
        for p in node.parents:
            if p._op is None and p not in leaves:
                leaves.add(p)
                order.append(p)
        order.append(node)
    return order


# -- numbers in, numbers out ---------------------------------------------------------------


def as_float(x: object, what: str = "Value data") -> float:
    """A real number (int, float, numpy real scalar; not bool) as a float, else TypeError."""
    t = type(x)
    if t is float:
        return x  # type: ignore[return-value]
    if t is bool or isinstance(x, Value) or not isinstance(x, numbers.Real):
        raise TypeError(f"{what} must be a real number (int or float), got {t.__name__}: {x!r}")
    try:
        result = float(x)
    except OverflowError:
        digits = int(x.bit_length() * 0.30103) + 1 if isinstance(x, int) else "many"
        raise OverflowError(
            f"{what} is too large for a float (an integer of {digits} digits)"
        ) from None
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{what} must be a real number, got {t.__name__}: {x!r}") from exc
    if math.isinf(result) and x / 2 != x:  # finite, yet past a float (numpy longdouble)
        raise OverflowError(f"{what} is too large for a float: {x!r}")
    return result


def plain_number(x: object) -> str:
    """A number as Python writes a float (-2.0, not np.float64(-2.0)); whatever cannot
    be a float keeps its own repr, so a repr built from this never raises."""
    try:
        return repr(float(x))  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return repr(x)


def _short(x: float) -> str:
    """A number as a formula writes it: 4 significant digits (3, -4, 0.7616)."""
    return f"{x:.4g}"


def _label(v: Value) -> str:
    return v.label


def describe(v: Value) -> str:
    """``-1.0`` or ``-1.0 [x]``: a node's value and, when it has one, its label."""
    return f"{v.data!r} [{v.label}]" if v.label else repr(v.data)


# -- the node ------------------------------------------------------------------------------

MANY_INPUTS = type("ManyInputs", (), {"__repr__": lambda self: "MANY_INPUTS"})()
"""Stored in ``_y`` of a node over sequences (sum, dot, max, ...): ``_x`` and ``_dx``
then hold the tuples of all its inputs and their local gradients."""

VALUE_TYPES: set[type] = set()
"""Value and its subclasses (nn's Parameter): what an op takes as a node, checked by type
on the hot path. Filled as each class is defined."""


class Value:
    """One scalar in a computational graph.

    ``Value(-2.0, label="x")``; arithmetic with Values or numbers builds the graph, and
    ``f.backward()`` fills every node's ``grad`` with ∂f/∂node.

    Storage of a node made by an op ``out = op(x, y)``: ``_op`` is the op's spec, ``_x``
    and ``_y`` its inputs, ``_dx`` and ``_dy`` the local gradients ∂out/∂x and ∂out/∂y.
    One input: ``_y`` is None. Many (an op over sequences): ``_y`` is ``MANY_INPUTS``
    and ``_x``/``_dx`` are aligned tuples. A leaf has ``_op`` None and nothing else set.
    (Two tuples ``_prev``/``_local`` on every node would read more simply, but measured
    on the benchmark's wide graph they take 160 bytes a node instead of 120.)
    """

    __slots__ = ("data", "grad", "label", "_op", "_x", "_y", "_dx", "_dy")
    __array_ufunc__ = None  # numpy scalars defer to Value's reflected operators

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        VALUE_TYPES.add(cls)

    def __init__(self, data: float, label: str = "") -> None:
        if type(label) is not str and not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__}: {label!r}")
        self.data = data if type(data) is float else as_float(data)
        self.grad = 0.0
        self.label = label
        self._op = None  # a leaf: its input slots stay unset and are never read

    # -- read-only views of the graph -------------------------------------------------

    @property
    def op(self) -> str:
        """The display tag of the op that made this node ('' for a leaf)."""
        return "" if self._op is None else self._op.tag

    @property
    def spec(self) -> OpSpec | None:
        """The registered op that made this node (its name, tag, operator, rule), or
        None for a leaf."""
        return self._op

    @property
    def parents(self) -> tuple[Value, ...]:
        """The op's inputs, in order, duplicates kept (``x*x`` has two)."""
        if self._op is None:
            return ()
        y = self._y
        if y is None:
            return (self._x,)
        if y is MANY_INPUTS:
            return self._x
        return (self._x, y)

    @property
    def local_grads(self) -> tuple[float, ...]:
        """∂self/∂parent for each parent, aligned with ``parents``."""
        if self._op is None:
            return ()
        y = self._y
        if y is None:
            return (self._dx,)
        if y is MANY_INPUTS:
            return self._dx
        return (self._dx, self._dy)

    @property
    def local_formulas(self) -> tuple[str, ...]:
        """The formula of each local gradient, aligned with ``parents``, each operand
        written by its label (or, unlabelled, by its value) and ``out`` by this node's:
        ``f = q*z`` gives ``('z', 'q')``, ``q = x + y`` gives ``('1', '1')``. An op that
        declares no formulas (a user op may not) gives the numbers themselves."""
        return self.local_formulas_named(_label)

    def local_formulas_named(self, name: Callable[[Value], str]) -> tuple[str, ...]:
        """``local_formulas`` with each operand (and ``out``, this node) written as
        ``name(node)`` says, or by its value where that is empty: a drawing that
        abbreviates ``layers.0.neurons.3.w.1`` to ``L0.N3.w1`` writes its formulas with
        the same names as its boxes."""
        spec = self._op
        if spec is None:
            return ()
        parents = self.parents
        sizes = [len(parents) // spec.sequences] * spec.sequences if spec.sequences else []
        formulas = spec.formulas(sizes)
        if formulas is None:
            return tuple(_short(g) for g in self.local_grads)
        symbols = spec.symbol_names(sizes)
        names = {s: name(p) or _short(p.data) for s, p in zip(symbols, parents)}
        names["out"] = name(self) or _short(self.data)
        return tuple(f.text(names) for f in formulas)

    # -- conversions --------------------------------------------------------------------

    def __repr__(self) -> str:
        return f"Value(data={plain_number(self.data)}, grad={plain_number(self.grad)})"

    def __float__(self) -> float:
        return self.data

    def __bool__(self) -> bool:
        """Refused: ``if v:`` on a Value would decide one branch now, and a recorded
        graph (``ag.compile``) would replay that branch whatever the numbers become."""
        raise TypeError(
            f"the truth value of a Value is ambiguous ({describe(self)}): compare its "
            "number (`v.data > 0`) for a decision taken once, or use an op (relu, step, "
            "max) for a branch the graph should keep; `v is None` tests for a missing one"
        )

    def detach(self) -> Value:
        """A new leaf with the same data (and label): the graph behind it is cut off."""
        return Value(self.data, self.label)

    # -- backward ---------------------------------------------------------------------

    def backward(self, grad: float = 1.0) -> None:
        """Fill every node's ``grad`` with ∂self/∂node: ``chain_rule_steps``, applied.

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
        if current.anomaly:
            _backward_checked(self, seed)
            return
        try:
            _pause_gc()  # the graph has no cycles; the collector would only slow it
            order = interior_order(self)
            for node in order:
                node.grad = 0.0
            self.grad = seed
            _backward_unrolled(order)
        finally:
            _resume_gc()

    # -- pickling and copying -----------------------------------------------------------

    def __reduce__(self):
        """Pickle (for multiprocessing) and deep-copy a whole graph without recursion,
        however deep: the nodes in topological order, each with its parents as indices.
        Leaves other than this node are pickled as themselves (a model's parameters stay
        shared with the model's copy); ops are pickled by name (``autograd.registry``),
        so unpickling needs them registered. JSON stays the file format: never load an
        untrusted pickle."""
        order = topo_order(self)
        index = {v: i for i, v in enumerate(order)}
        entries: list[object] = []
        for v in order:
            if v._op is None and v is not self:
                entries.append(v)
                continue
            parents = tuple(index[p] for p in v.parents)
            many = v._op is not None and v._y is MANY_INPUTS
            entries.append(
                (
                    type(v),
                    v.data,
                    v.grad,
                    v.label,
                    _extra_state(v),
                    v._op,
                    parents,
                    v.local_grads,
                    many,
                )
            )
        return (_rebuilt, (entries,))


_gc_passes: set[int] = set()  # the threads running a backward pass now
_gc_restore = False  # the collector was on when the first of them began
_gc_stranded = False  # a pass was interrupted while turning it back on


def _pause_gc() -> None:
    """Switch the cyclic collector off for this thread's backward pass.

    No lock (an interrupt could leave one held): set operations are atomic and the flag
    to turn the collector back on is raised only here. A pass is marked by its thread,
    so the mark of an interrupted one is taken over by that thread's next pass (or
    dropped with the thread), and a pass interrupted while turning the collector back
    on hands that job to the next one: passes in several threads, interrupted or not,
    leave the collector as they found it."""
    global _gc_restore
    if gc.isenabled() or _gc_stranded:
        _gc_restore = True
        gc.disable()
    _gc_passes.add(threading.get_ident())


def _resume_gc() -> None:
    """The end of this thread's backward pass: the last one running turns the
    collector back on, if it was on before. The flag is lowered before the switch, so a
    pass that starts in between sees the collector still off and never strands it off."""
    global _gc_restore, _gc_stranded
    _gc_passes.discard(threading.get_ident())
    if _gc_passes:  # others run, or a thread that was interrupted has ended since
        _gc_passes.intersection_update(t.ident for t in threading.enumerate())
    if not _gc_passes and _gc_restore:
        _gc_stranded = True
        _gc_restore = False
        gc.enable()
        _gc_stranded = False


def _extra_state(v: Value) -> dict[str, object]:
    """What a subclass of Value adds (nn's Parameter: its ``name``)."""
    state = dict(getattr(v, "__dict__", {}))
    for cls in type(v).__mro__:
        if cls is Value or cls is object:
            continue
        for slot in cls.__dict__.get("__slots__", ()):
            if hasattr(v, slot):
                state[slot] = getattr(v, slot)
    return state


def _rebuilt(entries: list) -> Value:
    """The graph ``Value.__reduce__`` recorded; returns its root (the last entry)."""
    nodes: list[Value] = []
    for entry in entries:
        if isinstance(entry, Value):
            nodes.append(entry)
            continue
        cls, data, grad, label, extra, spec, parents, local, many = entry
        v = cls.__new__(cls)
        v.data, v.grad, v.label, v._op = data, grad, label, spec
        for name, value in extra.items():
            setattr(v, name, value)
        if spec is not None:
            inputs = tuple(nodes[i] for i in parents)
            if many:
                v._x, v._y, v._dx, v._dy = inputs, MANY_INPUTS, tuple(local), None
            elif len(inputs) == 1:
                v._x, v._y, v._dx, v._dy = inputs[0], None, local[0], None
            else:
                v._x, v._y, v._dx, v._dy = inputs[0], inputs[1], local[0], local[1]
        nodes.append(v)
    return nodes[-1]


def _backward_unrolled(order: list[Value]) -> None:
    """``chain_rule_steps`` over ``order``, writing ``.grad``: the same sums in the same
    order, with each storage case written out (a call per edge would double the time).

    A node whose upstream gradient is 0 is skipped: its every contribution would be
    exactly 0.0, which changes no sum (half of a ReLU network's neurons are off for any
    one sample).
    """
    for node in reversed(order):
        g = node.grad
        if g == 0.0:
            continue
        y = node._y
        if y is None:
            x = node._x
            x.grad += node._dx * g
        elif y is MANY_INPUTS:
            for parent, local in zip(node._x, node._dx):
                parent.grad += local * g
        else:
            x = node._x
            x.grad += node._dx * g
            y.grad += node._dy * g


def _backward_checked(root: Value, seed: float) -> None:
    """Backward under ``detect_anomaly``: ``chain_rule_steps`` applied to ``.grad``,
    stopping with FloatingPointError at the first non-finite gradient (a contribution,
    or a leaf's sum of them)."""
    for step in _chain_rule(root, seed):
        node = step.node
        node.grad = step.upstream
        for parent, local, contribution in step.edges:
            total = contribution
            if parent._op is None:
                parent.grad += contribution
                total = parent.grad
            if not math.isfinite(total):
                raise FloatingPointError(
                    f"detect_anomaly: backward through {node.op!r} (output {node.data!r}, "
                    f"upstream gradient {step.upstream!r}) gave a non-finite gradient "
                    f"{total!r} to input {describe(parent)} (local gradient {local!r})"
                )


VALUE_TYPES.add(Value)
