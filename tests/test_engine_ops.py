"""Every registered op against central differences, driven by the registry itself.

A new built-in op (autograd/ops.py) is tested by being registered: its ``examples`` are
the points checked. (A user's op is checked with ``gradcheck``, as in test_engine_user_ops.)
"""

import math

import pytest

import autograd as ag
from autograd import OPS, Value, gradcheck

BUILTIN = sorted(name for name, spec in OPS.items() if spec.rule.__module__ == "autograd.ops")
CASES = [(name, point) for name in BUILTIN for point in OPS[name].examples]


def _finite_difference(spec, point, i, eps=1e-6):
    plus, minus = list(point), list(point)
    plus[i] += eps
    minus[i] -= eps
    return (spec.evaluate(plus)[0] - spec.evaluate(minus)[0]) / (2 * eps)


@pytest.mark.parametrize(("name", "point"), CASES, ids=[f"{n}{p}" for n, p in CASES])
def test_rule_local_gradients_match_central_differences(name, point):
    spec = OPS[name]
    _, local = spec.evaluate(point)
    assert len(local) == len(point)
    for i, stored in enumerate(local):
        numeric = _finite_difference(spec, point, i)
        assert stored == pytest.approx(numeric, rel=1e-5, abs=1e-6), (name, point, i)


@pytest.mark.parametrize(("name", "point"), CASES, ids=[f"{n}{p}" for n, p in CASES])
def test_op_through_the_graph_passes_gradcheck(name, point):
    spec = OPS[name]
    inputs = [Value(x, label=f"x{i}") for i, x in enumerate(point)]
    if spec.sequences:
        n = len(point) // spec.sequences

        def fn(*xs):
            return spec.function(*[xs[k * n : (k + 1) * n] for k in range(spec.sequences)])
    else:
        fn = spec.function
    assert gradcheck(fn, inputs)


@pytest.mark.parametrize("name", BUILTIN)
def test_every_op_has_a_docstring_with_its_derivative(name):
    doc = OPS[name].rule.__doc__ or ""
    assert "gradient" in doc, f"{name}: docstring must state its local gradient"


def test_operators_and_functions_agree():
    x, y = Value(1.5), Value(-0.5)
    pairs = [
        (x + y, ag.add(x, y)),
        (x - y, ag.sub(x, y)),
        (x * y, ag.mul(x, y)),
        (x / y, ag.div(x, y)),
        (-x, ag.neg(x)),
        (abs(y), ag.abs(y)),
        (x**y, ag.pow(x, y)),
        (x**3, ag.powc(x, exponent=3)),
    ]
    for a, b in pairs:
        assert a.data == b.data and a.op == b.op and a.local_grads == b.local_grads


def test_numbers_allowed_on_either_side():
    x = Value(2.0)
    assert (x + 1).data == 3.0 and (1 + x).data == 3.0
    assert (2 - x).data == 0.0 and (x - 2).data == 0.0
    assert (2 / x).data == 1.0 and (x / 2).data == 1.0
    assert (2**x).data == 4.0 and (x**2).data == 4.0
    assert (3 * x).data == 6.0
    assert ag.exp(0).data == 1.0 and ag.tanh(0.0).data == 0.0


def test_number_operand_becomes_a_constant_leaf_parent():
    x = Value(2.0, label="x")
    out = x + 1
    assert len(out.parents) == 2
    const = out.parents[1]
    assert const.data == 1.0 and const.op == "" and const.parents == ()
    reflected = 2 - x
    assert reflected.parents[0].data == 2.0 and reflected.parents[1] is x
    assert reflected.local_grads == (1.0, -1.0)


def test_number_exponent_is_a_static_parameter_with_one_parent():
    x = Value(3.0)
    cube = x**3
    assert cube.parents == (x,) and cube.op == "**3" and cube.local_grads == (27.0,)
    assert (x**0.5).op == "**0.5"
    both = x**x
    assert both.op == "**" and both.parents == (x, x)


def test_op_tags():
    x, y = Value(0.5), Value(2.0)
    tags = {
        "+": x + y, "-": x - y, "*": x * y, "/": x / y, "neg": -x, "**2": x**2, "**": x**y,
        "abs": abs(x), "exp": x.exp(), "log": x.log(), "sqrt": x.sqrt(), "tanh": x.tanh(),
        "sigmoid": x.sigmoid(), "relu": x.relu(), "leaky_relu(α=0.1)": x.leaky_relu(),
        "leaky_relu(α=0.2)": x.leaky_relu(alpha=0.2), "elu(α=1)": x.elu(),
        "softplus": x.softplus(), "step": x.step(), "sum": ag.sum([x, y]),
        "dot": ag.dot([x], [y]), "max": ag.max([x, y]), "min": ag.min([x, y]),
        "logsumexp": ag.logsumexp([x, y]),
    }  # fmt: skip
    assert {tag: v.op for tag, v in tags.items()} == {tag: tag for tag in tags}


def test_sub_div_neg_are_single_nodes():
    x, y = Value(3.0), Value(2.0)
    for v in (x - y, x / y, -x):
        assert all(p.op == "" for p in v.parents)


@pytest.mark.parametrize(
    ("fn", "x", "expected"),
    [
        (ag.relu, 0.0, 0.0),
        (ag.leaky_relu, 0.0, 0.1),
        (lambda v: ag.leaky_relu(v, alpha=0.3), 0.0, 0.3),
        (ag.elu, 0.0, 1.0),
        (lambda v: ag.elu(v, alpha=0.5), 0.0, 0.5),
        (ag.abs, 0.0, 0.0),
        (ag.step, 0.0, 0.0),
        (ag.step, 2.5, 0.0),
        (ag.step, -2.5, 0.0),
        (lambda v: v**0, 0.0, 0.0),
        (lambda v: v**1, 0.0, 1.0),
        (lambda v: v**2, 0.0, 0.0),
        (lambda v: v**3, 0.0, 0.0),
    ],
    ids=[
        "relu",
        "leaky",
        "leaky0.3",
        "elu",
        "elu0.5",
        "abs",
        "step0",
        "step+",
        "step-",
        "pow0",
        "pow1",
        "pow2",
        "pow3",
    ],  # fmt: skip
)
def test_kink_rules(fn, x, expected):
    v = Value(x)
    out = fn(v)
    out.backward()
    assert v.grad == expected


def test_step_is_rosenblatts_activation():
    assert [ag.step(x).data for x in (-1.0, 0.0, 1e-9, 3.0)] == [0.0, 0.0, 1.0, 1.0]


def test_max_and_min_route_gradient_to_first_arg_extreme():
    a, b, c = Value(1.0), Value(3.0), Value(3.0)
    m = ag.max([a, b, c])
    m.backward()
    assert (a.grad, b.grad, c.grad) == (0.0, 1.0, 0.0)
    d, e = Value(-2.0), Value(-2.0)
    n = ag.min([d, e, a])
    n.backward()
    assert (d.grad, e.grad) == (1.0, 0.0)


def test_nary_ops_are_one_node_each():
    xs = [Value(float(i)) for i in range(5)]
    ws = [Value(0.5) for _ in range(5)]
    s = ag.sum(xs)
    assert len(s.parents) == 5 and s.local_grads == (1.0,) * 5
    d = ag.dot(ws, xs)
    assert d.parents == (*ws, *xs)
    assert d.local_grads == tuple(x.data for x in xs) + tuple(w.data for w in ws)
    lse = ag.logsumexp(xs)
    assert sum(lse.local_grads) == pytest.approx(1.0)
    assert lse.data == pytest.approx(math.log(sum(math.exp(i) for i in range(5))))


def test_dot_of_unequal_lengths_is_refused():
    with pytest.raises(ValueError, match="length"):
        ag.dot([1.0, 2.0], [Value(1.0)])


def test_nary_ops_refuse_empty_input():
    with pytest.raises(ValueError, match="at least one"):
        ag.sum([])


@pytest.mark.parametrize("x", [1e4, -1e4, 700.0, -700.0])
def test_stable_forms_stay_finite_and_accurate_at_large_inputs(x):
    s = ag.sigmoid(x)
    assert s.data == (1.0 if x > 0 else pytest.approx(math.exp(x), rel=1e-12))
    assert math.isfinite(s.local_grads[0])
    assert ag.tanh(x).data == math.copysign(1.0, x)
    sp = ag.softplus(x)
    assert sp.data == (x if x > 0 else pytest.approx(math.exp(x), rel=1e-12))
    assert math.isfinite(sp.local_grads[0])
    lse = ag.logsumexp([x, 0.0, x - 1.0])
    # x > 0: x + ln(1 + e^-1 + e^-x); x < 0: ln(1 + e^x + e^(x-1)) ≈ e^x (1 + e^-1)
    expected = (
        x + math.log1p(math.exp(-1) + math.exp(-x)) if x > 0 else math.exp(x) * (1 + math.exp(-1))
    )
    assert lse.data == pytest.approx(expected, rel=1e-9, abs=1e-300)
    assert all(math.isfinite(g) for g in lse.local_grads)
    assert sum(lse.local_grads) == pytest.approx(1.0)


@pytest.mark.parametrize("name", ["tanh", "leaky_relu", "exp", "add", "dot"])
def test_help_shows_the_rules_docstring_for_method_and_function(name):
    doc = OPS[name].rule.__doc__
    assert getattr(ag, name).__doc__ == doc
    if not OPS[name].sequences:
        assert getattr(Value, name).__doc__ == doc  # help(Value.tanh), x.tanh? in Jupyter


def test_operators_are_declared_by_their_registration():
    assert (OPS["add"].operator, OPS["add"].dunders) == ("+", ("__add__", "__radd__"))
    assert OPS["neg"].operator == "-" and OPS["powc"].operator == "**"
    assert OPS["tanh"].operator is None
    x, y = Value(1.0, label="x"), Value(2.0, label="y")
    assert (x + y).spec.write(["x", "y"]) == "x + y"
    assert (-x).spec.write(["x"]) == "-x" and (x**2).spec.write(["x"]) == "x**2"
    assert (x**2).spec.write(["x"], spaced=True) == "x ** 2"
    assert x.tanh().spec.write(["x"]) == "tanh(x)" and x.spec is None


def test_unchecked_dot_builds_the_node_dot_builds():
    ws = (Value(0.5), Value(-1.0))
    xs = (Value(2.0), Value(3.0))
    a, b = ag.dot(ws, xs), ag.unchecked_dot(ws, xs, [2.0, 3.0])
    assert (a.data, a.op, a.parents, a.local_grads) == (b.data, b.op, b.parents, b.local_grads)


def test_a_value_subclass_is_known_as_a_node_as_soon_as_it_is_defined():
    class Tagged(Value):
        __slots__ = ()

    t = Tagged(2.0)
    y = ag.dot([t], [t])
    assert y.parents == (t, t) and ag.sum([t, 1.0]).parents[0] is t


def test_help_shows_static_parameters_and_operator_docstrings():
    import inspect

    assert str(inspect.signature(Value.leaky_relu)) == "(self, *, alpha: 'float' = 0.1) -> 'Value'"
    assert "alpha" in str(inspect.signature(ag.leaky_relu))
    assert Value.__rsub__.__doc__ == OPS["sub"].rule.__doc__  # 2 - x
    assert Value.__pow__.__doc__ == OPS["pow"].rule.__doc__
    assert (Value(2.0) ** 3).op == "**3" and (Value(2.0) ** Value(3.0)).op == "**"


@pytest.mark.parametrize(("name", "point"), CASES, ids=[f"{n}{p}" for n, p in CASES])
def test_declared_formulas_equal_the_rules_local_gradients(name, point):
    """One declaration, two readings: the formula's number is the rule's (<= 1e-12)."""
    spec = OPS[name]
    out, local = spec.evaluate(point)
    n = len(point) // spec.sequences if spec.sequences else 0
    formulas = spec.formulas([n] * spec.sequences)
    assert formulas is not None and len(formulas) == len(local), name
    symbols = spec.symbol_names([n] * spec.sequences)
    env = {**dict(zip(symbols, point)), "out": out}
    for i, (formula, expected) in enumerate(zip(formulas, local)):
        value = formula.evaluate(env, OPS)
        assert value == pytest.approx(expected, rel=1e-12, abs=1e-15), (name, i, formula)


def test_local_formulas_read_like_the_lecture(lecture):
    x, y, z, q, f = lecture()
    assert f.local_formulas == ("z", "q")  # ∂f/∂q = z, ∂f/∂z = q
    assert q.local_formulas == ("1", "1")
    assert (x**2).local_formulas == ("2·x",)
    assert x.tanh().local_formulas == ("1 - (-0.964)**2",)  # unlabelled out: its value
    assert (x * 3).local_formulas == ("3", "x")  # a constant appears by its value
    assert ag.relu(x).local_formulas == ("[x > 0]",)
    assert ag.leaky_relu(x, alpha=0.2).local_formulas == ("[x > 0] + 0.2·[x <= 0]",)


def test_a_user_op_without_formulas_shows_its_numbers():
    @ag.op("formula_free_test_op")
    def rule(a):
        """a³; local gradient 3a²."""
        return a**3, (3 * a * a,)

    try:
        assert Value(2.0).formula_free_test_op().local_formulas == ("12",)
    finally:
        del OPS["formula_free_test_op"]
        delattr(Value, "formula_free_test_op")


@pytest.mark.parametrize(("name", "point"), CASES, ids=[f"{n}{p}" for n, p in CASES])
def test_declared_formulas_rebuild_the_local_gradients_from_values(name, point):
    """The same declaration on Values gives a graph whose value is the local gradient."""
    spec = OPS[name]
    out, local = spec.evaluate(point)
    n = len(point) // spec.sequences if spec.sequences else 0
    symbols = spec.symbol_names([n] * spec.sequences)
    env = {**{s: Value(x) for s, x in zip(symbols, point)}, "out": Value(out)}
    for formula, expected in zip(spec.formulas([n] * spec.sequences), local):
        value = formula.evaluate(env, OPS)
        assert float(value) == pytest.approx(expected, rel=1e-12, abs=1e-15), (name, formula)
