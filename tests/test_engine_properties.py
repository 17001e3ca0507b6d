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


def _replayed(root):
    """Every node's gradient as ``chain_rule_steps`` computes it (leaves from zero)."""
    grads = {}
    for step in ag.chain_rule_steps(root):
        grads[step.node] = step.upstream
        for parent, _, contribution in step.edges:
            if not parent.parents:
                grads[parent] = grads.get(parent, 0.0) + contribution
    return grads


def _same(a, b):
    return (math.isnan(a) and math.isnan(b)) or (
        a == b and math.copysign(1, a) == math.copysign(1, b)
    )


SPECIAL = st.sampled_from([0.0, -0.0, 1.0, -2.0, math.inf, -math.inf, math.nan, 1e-320, 1e300])
WILD = [
    lambda a, b: a * a,  # one input, two edges
    lambda a, b: a * b,
    lambda a, b: a + b,
    lambda a, b: ag.max([a, b, a]),
    lambda a, b: a.relu() * b,
    lambda a, b: ag.step(a) * b,  # step' = 0: a zero upstream gradient below
    lambda a, b: abs(a) - b,
    lambda a, b: ag.dot([a, b], [b, a]),
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    steps=st.lists(
        st.tuples(st.integers(0, 100), st.integers(0, 100), st.integers(0, 100)),
        min_size=1,
        max_size=20,
    ),
    xs=st.lists(st.one_of(SPECIAL, st.floats(-3, 3)), min_size=3, max_size=3),
)
def test_backward_equals_the_reference_chain_rule_on_every_node(steps, xs):
    """Kinks, fan-out, x*x, 0 × inf and NaN included: identical leaf and interior grads."""
    inputs = [Value(x, label=f"x{i}") for i, x in enumerate(xs)]
    nodes = list(inputs)
    for k, i, j in steps:
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        nodes.append(WILD[k % len(WILD)](a, b))
    out = ag.sum(nodes[len(inputs) :]) * 0.0 + nodes[-1]  # a zero-upstream branch too
    expected = _replayed(out)
    out.backward()
    for node in topo_order(out):
        assert _same(node.grad, expected.get(node, 0.0)), (node, expected.get(node))


def test_zero_times_inf_sends_zero_in_backward_and_in_its_steps():
    """The contract's case: f = (x·inf)·0; backward and the reference agree on 0."""
    x = Value(2.0, label="x")
    f = (x * math.inf) * 0.0
    steps = list(ag.chain_rule_steps(f))
    assert [s.upstream for s in steps] == [1.0, 0.0]
    assert all(c == 0.0 for _, _, c in steps[1].edges)
    f.backward()
    assert x.grad == 0.0


def test_chain_rule_steps_touch_no_grad(lecture):
    x, y, z, q, f = lecture()
    before = [v.grad for v in (x, y, z, q, f)]
    steps = list(ag.chain_rule_steps(f, grad=2.0))
    assert [v.grad for v in (x, y, z, q, f)] == before
    assert [(s.node, s.upstream) for s in steps] == [(f, 2.0), (q, -8.0)]
    assert [(p, local, c) for p, local, c in steps[0].edges] == [(q, -4.0, -8.0), (z, 3.0, 6.0)]


def test_chain_rule_steps_checks_its_arguments_before_the_first_step():
    import pytest

    with pytest.raises(TypeError, match="chain_rule_steps needs a Value"):
        ag.chain_rule_steps(3.0)
    with pytest.raises(TypeError, match="chain_rule_steps grad"):
        ag.chain_rule_steps(Value(1.0) * 2, grad="one")
