"""Property: on random expression graphs (shared subexpressions included), backward's
gradients equal central differences."""

import math

from hypothesis import HealthCheck, given, settings, strategies as st

import autograd as ag
from autograd import Value, numerical_grad, topo_order

UNARY = [
    lambda a: a.tanh(),
    lambda a: a.sigmoid(),
    lambda a: (a * 0.5).exp(),
    lambda a: a.softplus(),
    lambda a: (a * a + 1).log(),
    lambda a: (a * a + 0.5).sqrt(),
    lambda a: -a,
    lambda a: a**2,
    lambda a: a.elu(),
]
BINARY = [
    lambda a, b: a + b,
    lambda a, b: a - b,
    lambda a, b: a * b,
    lambda a, b: a / (b * b + 1),
    lambda a, b: ag.logsumexp([a, b]),
    lambda a, b: ag.dot([a, b], [b, a]),
    lambda a, b: ag.sum([a, b, a]),
]

program = st.lists(
    st.tuples(st.booleans(), st.integers(0, 100), st.integers(0, 100), st.integers(0, 100)),
    min_size=1,
    max_size=25,
)


def build(steps, inputs):
    """Each step appends a node built from earlier nodes (reuse makes shared subgraphs)."""
    nodes = list(inputs)
    for is_binary, op_index, i, j in steps:
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        if is_binary:
            nodes.append(BINARY[op_index % len(BINARY)](a, b))
        else:
            nodes.append(UNARY[op_index % len(UNARY)](a))
    return ag.sum(nodes[len(inputs) :])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=program, xs=st.lists(st.floats(-2, 2), min_size=3, max_size=3))
def test_random_graphs_match_numerical_gradients(steps, xs):
    inputs = [Value(x, label=f"x{i}") for i, x in enumerate(xs)]
    out = build(steps, inputs)
    if not math.isfinite(out.data) or abs(out.data) > 1e6:
        return
    out.backward()
    numeric = numerical_grad(lambda *v: build(steps, v), inputs, eps=1e-6)
    for v, n in zip(inputs, numeric):
        assert math.isclose(v.grad, n, rel_tol=1e-3, abs_tol=1e-4), (v.grad, n)


KINKED = [lambda a: a.relu(), lambda a: a.step(), lambda a: abs(a), lambda a: a.leaky_relu()]


def _reference_grads(root, inputs):
    """The chain rule over every edge, with no shortcut: the definition backward follows."""
    nodes = topo_order(root)
    grads = {id(n): 0.0 for n in nodes}
    grads[id(root)] = 1.0
    for node in reversed([n for n in nodes if n.parents]):
        for parent, local in zip(node.parents, node.local_grads):
            grads[id(parent)] += local * grads[id(node)]
    return [grads.get(id(v), 0.0) for v in inputs]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    steps=program,
    kinks=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 100)), max_size=6),
    xs=st.lists(st.floats(-2, 2), min_size=3, max_size=3),
)
def test_skipping_zero_upstream_gradients_changes_no_gradient(steps, kinks, xs):
    inputs = [Value(x, label=f"x{i}") for i, x in enumerate(xs)]
    nodes = list(inputs)
    for k, i in kinks:  # dead ReLUs, steps and kinks make many zero upstream gradients
        nodes.append(KINKED[k](nodes[i % len(nodes)]))
    out = ag.sum([build(steps, nodes), *nodes[len(inputs) :]])
    if not math.isfinite(out.data) or abs(out.data) > 1e6:
        return
    out.backward()
    assert [v.grad for v in inputs] == _reference_grads(out, inputs)
