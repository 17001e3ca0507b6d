"""Higher-order gradients: ag.grad(create_graph=True), ag.hessian, gradcheck(order=2).

Every built-in op's second derivatives are checked against central differences of its
rule's own local gradients (the first derivatives), at the op's examples, driven by
the registry as the first-order op test is.
"""

import math

import pytest

import autograd as ag
import viz
from autograd import OPS, GradcheckError, Value, gradcheck
from autograd.formula import call

BUILTIN = sorted(name for name, spec in OPS.items() if spec.rule.__module__ == "autograd.ops")
CASES = [(name, point) for name in BUILTIN for point in OPS[name].examples]


def _as_function(spec):
    """The op as fn(*values), an op over sequences split into its sequences."""
    if not spec.sequences:
        return spec.function

    def fn(*xs):
        n = len(xs) // spec.sequences
        return spec.function(*[xs[k * n : (k + 1) * n] for k in range(spec.sequences)])

    return fn


def _user_op(name, rule, **declaration):
    """Register a user op for one test; remove it with _forget(name)."""
    return ag.op(name, **declaration)(rule)


def _forget(*names):
    for name in names:
        OPS.pop(name, None)
        if name in vars(Value):
            delattr(Value, name)


# -- every built-in op ------------------------------------------------------------------


@pytest.mark.parametrize(("name", "point"), CASES, ids=[f"{n}{p}" for n, p in CASES])
def test_second_derivatives_of_every_op_match_differences_of_its_first(name, point):
    spec = OPS[name]
    eps = 1e-6
    hessian = ag.hessian(_as_function(spec), list(point))
    for j in range(len(point)):
        plus, minus = list(point), list(point)
        plus[j] += eps
        minus[j] -= eps
        local_plus, local_minus = spec.evaluate(plus)[1], spec.evaluate(minus)[1]
        for i in range(len(point)):
            numeric = (local_plus[i] - local_minus[i]) / (2 * eps)
            assert hessian[i][j] == pytest.approx(numeric, rel=1e-5, abs=1e-6), (name, i, j)


@pytest.mark.parametrize(("name", "point"), CASES, ids=[f"{n}{p}" for n, p in CASES])
def test_first_derivative_graph_has_the_rules_value_for_every_op(name, point):
    spec = OPS[name]
    xs = [Value(x) for x in point]
    out = _as_function(spec)(*xs)
    floats = [g.data for g in ag.grad(out, xs)]
    assert floats == list(spec.evaluate(point)[1])  # create_graph=False: the rule's numbers
    graphs = ag.grad(out, xs, create_graph=True)
    for g, expected in zip(graphs, floats):
        assert g.data == pytest.approx(expected, rel=1e-12, abs=1e-15), name


@pytest.mark.parametrize(("name", "point"), CASES, ids=[f"{n}{p}" for n, p in CASES])
def test_every_op_passes_gradcheck_of_order_two(name, point):
    assert gradcheck(_as_function(OPS[name]), list(point), order=2)


@pytest.mark.parametrize(
    ("fn", "x", "second"),
    [
        (lambda v: v**3, 1.5, 6 * 1.5),  # powc's exponent, a static parameter
        (lambda v: v**-1.5, 0.7, -1.5 * -2.5 * 0.7**-3.5),
        (lambda v: v**0.5, 2.0, -0.25 * 2.0**-1.5),
        (lambda v: ag.leaky_relu(v, alpha=0.2), -1.3, 0.0),
        (lambda v: ag.elu(v, alpha=0.7), -1.3, 0.7 * math.exp(-1.3)),
        (lambda v: ag.elu(v, alpha=0.7), 0.4, 0.0),
        (lambda v: 2.0**v, 0.3, math.log(2.0) ** 2 * 2.0**0.3),  # pow, a Value exponent
        (lambda v: v**v, 1.3, 1.3**1.3 * ((math.log(1.3) + 1) ** 2 + 1 / 1.3)),
    ],
)
def test_static_parameters_and_value_exponents_second_derivatives(fn, x, second):
    assert ag.hessian(fn, [x])[0][0] == pytest.approx(second, rel=1e-12)


def test_sequence_ops_second_derivatives_in_closed_form():
    xs = [0.3, -1.2, 2.1]
    e = [math.exp(x) for x in xs]
    p = [v / sum(e) for v in e]
    h = ag.hessian(lambda *v: ag.logsumexp(v), xs)  # softmax Jacobian: diag(p) - p pᵀ
    for i in range(3):
        for j in range(3):
            assert h[i][j] == pytest.approx((i == j) * p[i] - p[i] * p[j], rel=1e-12)
    h = ag.hessian(lambda a, b, c, d: ag.dot([a, b], [c, d]), [1.0, 2.0, 3.0, 4.0])
    assert h == [[0, 0, 1, 0], [0, 0, 0, 1], [1, 0, 0, 0], [0, 1, 0, 0]]
    assert ag.hessian(lambda *v: ag.sum(v) ** 2, xs) == [[2.0] * 3] * 3
    assert ag.hessian(lambda *v: ag.max(v) ** 2, xs) == [[0, 0, 0], [0, 0, 0], [0, 0, 2]]
    assert ag.hessian(lambda *v: ag.min(v) ** 2, xs) == [[0, 0, 0], [0, 2, 0], [0, 0, 0]]


# -- the contract -----------------------------------------------------------------------


def test_nested_grads_of_x_cubed_give_every_order():
    x = Value(3.0, label="x")
    f = x**3
    f.label = "f"
    derivatives = [f]
    for _ in range(4):
        derivatives.append(ag.grad(derivatives[-1], [x], create_graph=True)[0])
    assert [d.data for d in derivatives] == [27.0, 27.0, 18.0, 6.0, 0.0]
    assert [d.label for d in derivatives[1:3]] == ["∂f/∂x", "∂²f/∂x²"]


def test_x_cubed_at_zero_keeps_the_derivatives_a_zero_upstream_hides():
    # f' = 3x² and f'' = 6x are 0 at 0, yet f''' = 6: a contribution whose upstream is
    # 0 at this point is still built
    x = Value(0.0)
    d = x**3
    found = []
    for _ in range(3):
        d = ag.grad(d, [x], create_graph=True)[0]
        found.append(d.data)
    assert found == [0.0, 0.0, 6.0]


def test_a_contribution_zero_at_this_point_still_has_its_derivative():
    # f = u·v with u = x - 1: at x = 1 the upstream into v = e^(x-1) is u = 0, but
    # f'' = (2 + u)·v = 2 needs that contribution's slope
    x = Value(1.0)
    u = x - 1
    f = u * u.exp()
    assert ag.hessian(lambda v: (v - 1) * (v - 1).exp(), [x]) == [[2.0]]
    d = ag.grad(f, [x], create_graph=True)[0]
    assert (d.data, ag.grad(d, [x])[0].data) == (1.0, 2.0)


def test_six_derivatives_of_tanh_match_their_closed_forms():
    x = Value(0.4)
    t = math.tanh(0.4)
    closed = [
        1 - t**2,
        -2 * t + 2 * t**3,
        -2 + 8 * t**2 - 6 * t**4,
        16 * t - 40 * t**3 + 24 * t**5,
        16 - 136 * t**2 + 240 * t**4 - 120 * t**6,
        -272 * t + 1232 * t**3 - 1680 * t**5 + 720 * t**7,
    ]
    d = x.tanh()
    for k, expected in enumerate(closed, start=1):
        d = ag.grad(d, [x], create_graph=True)[0]
        assert d.data == pytest.approx(expected, rel=1e-10), k


def test_mixed_partials_are_symmetric():
    def fn(a, b, c):
        return (a * b).tanh() * c.exp() + a**b / (c * c + 1) + ag.logsumexp([a, b * c, c]).sigmoid()

    h = ag.hessian(fn, [0.3, 1.2, -0.7])
    for i in range(3):
        for j in range(3):
            assert h[i][j] == pytest.approx(h[j][i], rel=1e-12, abs=1e-12), (i, j)
    assert any(abs(h[i][j]) > 0.1 for i in range(3) for j in range(i))  # really mixed


def test_hessian_of_a_quadratic_is_its_matrix():
    a = [[2.0, -1.0, 0.5], [-1.0, 3.0, 0.0], [0.5, 0.0, 1.0]]
    b = [1.0, -2.0, 0.3]

    def quadratic(*x):  # ½ xᵀ A x + bᵀ x
        terms = [0.5 * a[i][j] * x[i] * x[j] for i in range(3) for j in range(3)]
        return ag.sum(terms) + ag.dot(b, x)

    h = ag.hessian(quadratic, [0.4, -1.1, 2.0])
    for i in range(3):
        for j in range(3):
            assert h[i][j] == pytest.approx(a[i][j], abs=1e-12)


def test_grad_writes_no_grad_anywhere():
    x, y = Value(0.5, label="x"), Value(-1.5, label="y")
    q = x * y + x.tanh()
    f = q * q
    nodes = ag.topo_order(f)
    for k, node in enumerate(nodes):
        node.grad = 100.0 + k
    first = ag.grad(f, [x, y], create_graph=True)
    ag.grad(f, [x, y, q])
    ag.grad(first[0], [x, y])
    ag.hessian(lambda a, b: (a * b + a.tanh()) ** 2, [x, y])
    assert [node.grad for node in nodes] == [100.0 + k for k in range(len(nodes))]
    assert all(node.grad == 0.0 for g in first for node in ag.topo_order(g) if node not in nodes)


def test_float_grads_equal_backward_exactly():
    x, y, z = Value(0.3, label="x"), Value(-1.2, label="y"), Value(2.0, label="z")
    q = x * y
    f = ag.relu(q + z) * q.exp() + ag.max([x, y, z]) / z
    f.backward()
    assert [g.data for g in ag.grad(f, [x, y, z, q])] == [x.grad, y.grad, z.grad, q.grad]


def test_inputs_anywhere_in_the_graph_and_ones_not_reached(lecture):
    x, y, z, q, f = lecture()
    stranger = Value(7.0)
    for create_graph in (False, True):
        dq, dx, ds, df = ag.grad(f, [q, x, stranger, f], create_graph=create_graph)
        assert (dq.data, dx.data, ds.data, df.data) == (-4.0, -4.0, 0.0, 1.0)
    assert ag.grad(x, [x, y])[0].data == 1.0 and ag.grad(x, [x, y])[1].data == 0.0


def test_every_result_is_a_node_of_its_own(lecture):
    x, y, z, q, f = lecture()
    # ∂f/∂q = z and ∂f/∂x = z: neither result is z itself, nor each other
    dq, dx = ag.grad(f, [q, x], create_graph=True)
    assert dq is not z and dx is not z and dq is not dx
    assert dq.data == dx.data == z.data
    assert (dq.label, dx.label, z.label) == ("∂f/∂q", "∂f/∂x", "z")
    assert ag.grad(dq, [z])[0].data == 1.0  # still differentiable, through to z


def test_create_graph_records_inside_no_grad():
    x = Value(2.0)
    f = x**3
    with ag.no_grad():
        d = ag.grad(f, [x], create_graph=True)[0]
    assert d.data == 12.0 and ag.grad(d, [x])[0].data == 12.0


def test_a_zero_upstream_times_an_infinite_local_gradient_sends_zero():
    x, c = Value(math.inf), Value(0.0)
    f = x.exp() * c  # ∂f/∂exp = c = 0, ∂exp/∂x = e^inf = inf
    assert ag.grad(f, [x])[0].data == 0.0  # chain_rule_steps' convention
    dx, dc = ag.grad(f, [x, c], create_graph=True)
    assert dx.data == 0.0 and dc.data == math.inf


@pytest.mark.parametrize(
    ("fn", "x", "first", "second"),
    [
        (ag.relu, 0.0, 0.0, 0.0),  # relu'(0) = 0 and relu'' = 0 everywhere
        (ag.relu, 1.5, 1.0, 0.0),
        (ag.relu, -1.5, 0.0, 0.0),
        (abs, 0.0, 0.0, 0.0),
        (lambda v: ag.leaky_relu(v, alpha=0.1), 0.0, 0.1, 0.0),
        (lambda v: ag.elu(v, alpha=0.5), 0.0, 0.5, 0.5),  # the left side, as elu'(0) = α
        (ag.step, 0.0, 0.0, 0.0),
    ],
)
def test_second_derivatives_at_kinks_follow_the_first_derivatives_convention(fn, x, first, second):
    v = Value(x)
    d = ag.grad(fn(v), [v], create_graph=True)[0]
    assert d.data == first
    assert ag.grad(d, [v])[0].data == second


def test_the_graph_of_a_derivative_is_drawn_with_its_own_local_gradients():
    x = Value(0.5, label="x")
    f = x.tanh()
    f.label = "f"
    d = ag.grad(f, [x], create_graph=True)[0]
    assert d.label == "∂f/∂x"
    ops = {node.op for node in ag.topo_order(d)}
    assert "tanh" in ops and "**2" in ops  # 1 - out²: the tanh node itself is used
    source = viz.to_dot(d)
    assert "∂f/∂x" in source and "tanh" in source


# -- what cannot be done, and bad input ---------------------------------------------------


def test_a_user_op_without_formulas_cannot_create_a_graph():
    def rule(a):
        """a³; local gradient 3a²."""
        return a**3, (3 * a * a,)

    cube = _user_op("formula_free_cube", rule)
    try:
        x = Value(1.5)
        assert ag.grad(cube(x), [x])[0].data == 6.75  # floats work
        with pytest.raises(NotImplementedError, match="'formula_free_cube'.*local="):
            ag.grad(cube(x), [x], create_graph=True)
        with pytest.raises(NotImplementedError, match="formula_free_cube"):
            ag.hessian(cube, [1.5])
    finally:
        _forget("formula_free_cube")


def test_a_user_op_with_formulas_has_second_derivatives():
    cube = _user_op("declared_cube", lambda a: (a**3, (3 * a * a,)), local=lambda a: (3 * a**2,))
    try:
        assert ag.hessian(cube, [1.5]) == [[9.0]]
        assert gradcheck(lambda v: cube(v).tanh(), [0.7], order=2)
    finally:
        _forget("declared_cube")


def test_gradcheck_order_two_names_an_op_whose_formula_is_wrong():
    # the rule is right (first order passes); the declared formula forgot a factor a
    cube = _user_op("typo_cube", lambda a: (a**3, (3 * a * a,)), local=lambda a: (3 * a,))
    try:
        x = Value(1.5, label="x")
        assert gradcheck(lambda v: cube(v).tanh() + v, [x])
        with pytest.raises(GradcheckError) as info:
            gradcheck(lambda v: cube(v).tanh() + v, [x], order=2)
        message = str(info.value)
        assert "input 0 ('x')" in message and "numeric" in message and "analytic" in message
        blamed = message.split("disagrees:")[1]
        assert "typo_cube" in blamed and "tanh" not in blamed
    finally:
        _forget("typo_cube")


def test_gradcheck_order_two_names_an_op_whose_formula_has_the_right_value_only():
    # the formula's value is 3a², right at every point, but it calls an op whose slope
    # is wrong: first order (values) cannot see it, second order (slopes) can
    _user_op("wrong_slope_square", lambda a: (a * a, (a,)))
    cube = _user_op(
        "hidden_cube",
        lambda a: (a**3, (3 * a * a,)),
        local=lambda a: (3 * call("wrong_slope_square", a),),
    )
    try:
        assert gradcheck(lambda v, w: cube(v) * w, [1.5, 0.8])
        assert ag.grad(cube(Value(1.5)), [Value(0.0)], create_graph=True)[0].data == 0.0
        with pytest.raises(GradcheckError) as info:
            gradcheck(lambda v, w: cube(v) * w, [1.5, 0.8], order=2)
        blamed = str(info.value).split("disagrees:")[1]
        assert "hidden_cube" in blamed and "by input 0" in blamed
        assert "*" not in blamed.split("hidden_cube")[0]  # mul's formulas are right
    finally:
        _forget("hidden_cube", "wrong_slope_square")


def test_gradcheck_order_two_passes_on_good_functions_and_refuses_other_orders():
    assert gradcheck(
        lambda a, b: (a * b).sigmoid() * a.log() + ag.softplus(b) ** 3, [0.5, 1.4], order=2
    )
    assert gradcheck(lambda a: ag.logsumexp([a, 2 * a, a * a]), [0.3], order=2)
    with pytest.raises(ValueError, match="order must be 1 or 2"):
        gradcheck(lambda a: a * a, [1.0], order=3)


@pytest.mark.parametrize(
    ("output", "inputs", "match"),
    [
        (3.0, "x", "output must be a Value, got float"),
        ("text", "list", "output must be a Value, got str"),
        ("f", "x", "got one Value"),
        ("f", "mixed", r"inputs\[1\] must be a Value, got float"),
        ("f", "string", "list or tuple of Values, got str"),
        ("f", "set", "list or tuple of Values, got set"),
    ],
)
def test_grad_refuses_bad_input_naming_it(output, inputs, match):
    x = Value(2.0)
    f = x * x
    given_output = f if output == "f" else output
    given_inputs = {
        "x": x,
        "list": [x],
        "mixed": [x, 2.0],
        "string": "x",
        "set": {x},
    }[inputs]
    with pytest.raises(TypeError, match=match):
        ag.grad(given_output, given_inputs)


def test_hessian_refuses_bad_input():
    with pytest.raises(TypeError, match="fn must return a Value, got float"):
        ag.hessian(lambda a: 2.0, [1.0])
    with pytest.raises(TypeError, match="inputs must be a list or tuple"):
        ag.hessian(lambda a: a * a, Value(1.0))
    with pytest.raises(TypeError, match="real number"):
        ag.hessian(lambda a: a * a, ["1"])
