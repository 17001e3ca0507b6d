"""backward(): the lecture's example, the chain rule's bookkeeping, micrograd's faults."""

import gc
import sys

import pytest

import autograd as ag
from autograd import Value, no_grad, topo_order


def test_lecture_example_gradients(lecture):
    x, y, z, q, f = lecture()
    assert f.data == -12.0
    f.backward()
    assert (x.grad, y.grad, z.grad, q.grad, f.grad) == (-4.0, -4.0, 3.0, -4.0, 1.0)


def test_lecture_example_local_gradients_on_edges(lecture):
    x, y, z, q, f = lecture()
    assert f.parents == (q, z)
    assert f.local_grads == (z.data, q.data) == (-4.0, 3.0)
    assert q.parents == (x, y) and q.local_grads == (1.0, 1.0)


def test_chain_rule_upstream_times_local(lecture):
    x, y, z, q, f = lecture()
    f.backward()
    dq_dy = q.local_grads[1]
    assert y.grad == q.grad * dq_dy


def test_x_times_x_has_two_edges_and_gradient_2x():
    x = Value(3.0)
    sq = x * x
    assert sq.parents == (x, x) and sq.local_grads == (3.0, 3.0)
    sq.backward()
    assert x.grad == 6.0


def test_backward_twice_doubles_leaf_grads_only():
    x = Value(2.0)
    inner = x**2 + x
    z = 3 * inner
    z.backward()
    assert x.grad == 15.0 and inner.grad == 3.0
    z.backward()
    assert x.grad == 30.0  # leaves accumulate (micrograd gives 57 here)
    assert inner.grad == 3.0 and z.grad == 1.0  # interior: this pass's upstream gradient


def test_backward_seed_gradient():
    x = Value(2.0)
    (x * 3).backward(grad=0.5)
    assert x.grad == 1.5


def test_backward_on_a_leaf_accumulates_the_seed():
    x = Value(2.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0


def test_shared_subexpression_gradient_sums_paths():
    x = Value(1.5)
    a = x * 2
    out = a * a + a
    out.backward()
    assert x.grad == pytest.approx(2 * (2 * a.data + 1))


def test_deep_chain_of_a_million_nodes_works_without_recursion():
    x = Value(0.5)
    y = x
    for _ in range(1_000_000):
        y = y * 1.0 + 0.0
    limit = sys.getrecursionlimit()
    y.backward()
    assert x.grad == 1.0 and sys.getrecursionlimit() == limit
    del y  # freeing a deep chain must not overflow the C stack either


def test_topo_order_lists_every_node_once_parents_first(lecture):
    x, y, z, q, f = lecture()
    order = topo_order(f)
    assert len(order) == 5 and set(order) == {x, y, z, q, f}
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:
        for p in node.parents:
            assert position[id(p)] < position[id(node)]


def test_topo_order_counts_a_duplicated_parent_once():
    x = Value(3.0)
    sq = x * x
    assert topo_order(sq) == [x, sq]


def test_gc_state_is_restored_after_backward():
    assert gc.isenabled()
    (Value(1.0) * 2).backward()
    assert gc.isenabled()
    gc.disable()
    try:
        (Value(1.0) * 2).backward()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_graph_has_no_reference_cycles():
    gc.collect()
    gc.disable()
    try:
        x = Value(1.0)
        out = ag.sum([(x * i).tanh() + 1 for i in range(50)])
        out.backward()
        del x, out
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_no_grad_builds_no_graph():
    x = Value(2.0)
    with no_grad():
        y = (x * 3 + 1).tanh()
        s = ag.sum([x, y])
        assert not ag.is_grad_enabled()
    assert ag.is_grad_enabled()
    assert y.parents == () and y.op == "" and s.parents == ()
    assert y.data == pytest.approx(0.9999983369439447)


def test_detach_makes_a_new_leaf_with_same_data():
    x = Value(2.0, label="x")
    y = x * 3
    d = y.detach()
    assert d is not y and d.data == 6.0 and d.parents == () and d.op == ""


def test_repr_and_float():
    v = Value(-2)
    assert repr(v) == "Value(data=-2.0, grad=0.0)"
    assert float(v) == -2.0 and isinstance(v.data, float)


def test_value_hashes_by_identity_and_equality_is_not_overloaded():
    a, b = Value(1.0), Value(1.0)
    assert a != b and len({a, b}) == 2


def test_public_views_are_read_only():
    x = Value(1.0)
    y = x + 1
    for attr in ("parents", "local_grads", "op"):
        with pytest.raises(AttributeError):
            setattr(y, attr, ())
    assert x.label == "" and y.op == "+"


def test_topo_order_leaves_every_grad_as_it_was(lecture):
    x, y, z, q, f = lecture()
    f.backward()
    before = [v.grad for v in (x, y, z, q, f)]
    topo_order(f)
    assert [v.grad for v in (x, y, z, q, f)] == before


def test_backward_applies_the_chain_rule_in_reverse_topo_order():
    from autograd.value import interior_order

    a, b = Value(0.3, label="a"), Value(-1.2, label="b")
    s = a * b
    out = ag.sum([s.tanh(), s * a, (b + 1).exp(), s])
    interior = [n for n in topo_order(out) if n.parents]
    assert interior_order(out) == interior


def test_zero_upstream_gradient_sends_nothing_back_so_no_nan_from_zero_times_inf():
    x = Value(1.0, label="x")
    d = x / Value(1e-320)  # local gradient ∂d/∂x = 1/1e-320 = inf
    assert d.local_grads[0] == float("inf")
    out = ag.step(d)  # step' = 0: d's upstream gradient is exactly 0
    out.backward()
    assert d.grad == 0.0 and x.grad == 0.0  # not 0 × inf = nan


def _interrupt_at(k):
    """A trace function raising KeyboardInterrupt at the k-th line run in value.py."""
    seen = [0]

    def trace(frame, event, arg):
        if frame.f_code.co_filename.endswith("autograd/value.py") and event == "line":
            seen[0] += 1
            if seen[0] == k:
                raise KeyboardInterrupt
        return trace

    return trace


def test_an_interrupted_backward_leaves_no_node_marked_and_the_next_one_is_right():
    def build():
        x, y = Value(2.0, label="x"), Value(3.0, label="y")
        q = x * y
        s = q + q.tanh()
        return x, y, s * x

    x0, y0, f0 = build()
    f0.backward()
    expected = (x0.grad, y0.grad)
    interrupted = 0
    for k in range(1, 400):
        x, y, f = build()
        sys.settrace(_interrupt_at(k))
        try:
            f.backward()
        except KeyboardInterrupt:
            interrupted += 1
        finally:
            sys.settrace(None)
        nodes = topo_order(f)
        assert len(nodes) == 6 and all(n.grad is not None for n in nodes), k
        x.grad = y.grad = 0.0  # zero the leaves' partial sums, as after any failed backward
        f.backward()
        assert (x.grad, y.grad) == expected, k
    assert interrupted > 20  # the interrupt landed in many different places


def test_no_grad_in_one_thread_leaves_other_threads_recording():
    import threading

    entered, release = threading.Event(), threading.Event()

    def hold_no_grad():
        with no_grad():
            entered.set()
            release.wait(10)

    t = threading.Thread(target=hold_no_grad)
    t.start()
    try:
        assert entered.wait(10)
        y = Value(1.0) * 2
        assert y.op == "*" and ag.is_grad_enabled()
        with no_grad():  # this thread enters while the other is inside, and leaves first
            assert (Value(1.0) * 2).op == ""
    finally:
        release.set()
        t.join(10)
    from autograd.modes import all_threads

    assert ag.is_grad_enabled() and all_threads.plain and (Value(1.0) * 2).op == "*"
