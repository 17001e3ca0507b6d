"""ag.compile: a graph recorded once and replayed with numpy gives the Value path's
numbers (1e-12), its errors, and its accumulate semantics; every op's array form is its
float rule on arrays; bool(Value) refuses; fit(compiled=True) equals compiled=False."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from test_engine_ops import CASES
from test_engine_properties import build, program

import autograd as ag
from autograd import OPS, Value
from nn import MLP, data, fit


def _close(a, b, rel=1e-12):
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-12)


@pytest.mark.parametrize(("name", "point"), CASES, ids=[f"{n}{p}" for n, p in CASES])
def test_array_form_equals_the_float_rule_at_the_examples(name, point):
    spec = OPS[name]
    assert spec.array is not None, f"{name} declares no array form"
    out, local = spec.evaluate(point)
    columns = np.array([point, point]).T  # two nodes, the same point: shape (inputs, 2)
    if spec.sequences:
        n = len(point) // spec.sequences
        arrays = [columns[k * n : (k + 1) * n] for k in range(spec.sequences)]
    else:
        arrays = list(columns)
    a_out, a_local = spec.array(np, *arrays, **spec.static)
    assert np.shape(a_out) == (2,)
    flat = np.concatenate(
        [np.broadcast_to(g, np.shape(x)).reshape(-1, 2) for g, x in zip(a_local, arrays)]
    )
    assert flat.shape == (len(local), 2)
    for k in range(2):
        assert _close(float(a_out[k]), out), (name, a_out, out)
        for i, expected in enumerate(local):
            assert _close(float(flat[i, k]), expected), (name, i, flat[:, k], local)


def _value_grads(root, leaves):
    for v in leaves:
        v.grad = 0.0
    root.backward()
    return [v.grad for v in leaves]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=program, xs=st.lists(st.floats(-2, 2), min_size=3, max_size=3))
def test_replay_equals_the_value_path_on_random_graphs(steps, xs):
    inputs = [Value(x, label=f"x{i}") for i, x in enumerate(xs)]
    out = build(steps, inputs)
    if not math.isfinite(out.data) or abs(out.data) > 1e6:
        return
    prog = ag.compile(out)
    expected = _value_grads(out, prog.leaves)
    for v in prog.leaves:
        v.grad = 0.0
    assert _close(prog.run(), out.data)
    for v, g in zip(prog.leaves, expected):
        assert _close(v.grad, g), (v, g)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    steps=program,
    xs=st.lists(st.floats(-2, 2), min_size=3, max_size=3),
    new=st.lists(st.floats(-2, 2), min_size=3, max_size=3),
)
def test_replay_after_the_leaves_change_equals_a_fresh_graph(steps, xs, new):
    inputs = [Value(x) for x in xs]
    prog = ag.compile(build(steps, inputs))
    for v, x in zip(inputs, new):
        v.data = x
    fresh = build(steps, inputs)
    if not math.isfinite(fresh.data) or abs(fresh.data) > 1e6:
        return
    expected = _value_grads(fresh, inputs)
    for v in prog.leaves:
        v.grad = 0.0
    assert _close(prog.run(), fresh.data)
    assert all(_close(v.grad, g) for v, g in zip(inputs, expected))


def test_leaves_accumulate_and_interior_nodes_are_not_written(lecture):
    x, y, z, q, f = lecture()
    prog = ag.compile(f)
    assert prog.leaves == (x, y, z)  # fixed order: each just before its first use
    assert prog.run() == -12.0 and prog.run() == -12.0
    assert (x.grad, y.grad, z.grad) == (-8.0, -8.0, 6.0)  # twice -4, -4, 3
    assert (q.grad, f.grad) == (0.0, 0.0) and q.data == 3.0
    x.data = 1.0
    assert prog.run() == -24.0 and q.data == 3.0


def test_a_leaf_root_and_a_shared_input():
    x = Value(3.0)
    prog = ag.compile(x)
    assert prog.run() == 3.0 and x.grad == 1.0
    sq = ag.compile(x * x + ag.dot([x, x], [x, 2.0]))
    x.grad = 0.0
    assert sq.run() == 9.0 + 9.0 + 6.0 and x.grad == pytest.approx(6.0 + 6.0 + 2.0, rel=1e-15)


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda x: x.log(), ValueError, "log needs an input > 0"),
        (lambda x: x.sqrt(), ValueError, "sqrt needs an input >= 0"),
        (lambda x: 1.0 / (x + 2.0), ZeroDivisionError, "division by zero"),
        (lambda x: (x + 2.0) ** -1.0, ZeroDivisionError, "negative exponent"),
        (lambda x: x**0.5, ValueError, "non-integer"),
        (lambda x: (x * -400.0).exp(), OverflowError, "too large"),
    ],
    ids=["log", "sqrt", "div", "powc0", "powc-neg", "exp"],
)
def test_a_value_that_left_the_domain_raises_the_value_paths_named_error(make, error, message):
    x = Value(1.0, label="x")
    prog = ag.compile(make(x))
    x.data = -2.0
    with pytest.raises(error, match=message) as compiled_error:
        prog.run()
    with pytest.raises(error) as value_error:
        make(x)
    assert str(compiled_error.value) == str(value_error.value)


def test_no_numpy_warning_and_nan_follows_the_rules(recwarn):
    x = Value(1.0)
    f = ag.relu(x) + ag.max([x, 0.0]) + x * 0.0
    prog = ag.compile(f)
    x.data = math.nan
    assert math.isnan(prog.run()) and math.isnan(x.grad)
    assert not recwarn.list


def test_detect_anomaly_raises_in_a_replay_too():
    x = Value(1.0)
    prog = ag.compile(x * 2.0)
    x.data = math.inf
    with ag.detect_anomaly(), pytest.raises(FloatingPointError, match="non-finite input"):
        prog.run()


def test_a_user_op_without_an_array_form_is_replayed_element_by_element():
    @ag.op("cube_compile_test")
    def cube(a):
        """a³; local gradient 3a²."""
        if a > 10:
            raise ValueError("cube_compile_test needs an input <= 10")
        return a**3, (3 * a * a,)

    try:
        xs = [Value(float(i)) for i in range(4)]
        f = ag.sum([x.cube_compile_test() * x for x in xs])
        prog = ag.compile(f)
        assert [g.op for g in prog.groups][0] == "cube_compile_test"
        for v in xs:
            v.data += 0.5
        assert prog.run() == pytest.approx(sum((i + 0.5) ** 4 for i in range(4)), rel=1e-14)
        assert [v.grad for v in xs] == pytest.approx([4 * (i + 0.5) ** 3 for i in range(4)])
        xs[2].data = 11.0
        with pytest.raises(ValueError, match=r"cube_compile_test\(11.0\): .* <= 10"):
            prog.run()
    finally:
        del OPS["cube_compile_test"]
        delattr(Value, "cube_compile_test")


def test_groups_are_the_tensors_of_the_moons_step():
    X, y = data.make_moons(20, seed=0)
    model = MLP(2, [16, 16, 1], seed=0)
    scores = [model(x) for x in X.tolist()]
    loss = ag.sum([(1 - s).relu() for s in scores])
    prog = ag.compile(loss, watch=scores)
    dots = [(g.size, g.inputs) for g in prog.groups if g.op == "dot"]
    assert dots == [(20 * 16, 4), (20 * 16, 32), (20, 32)]
    assert len(prog.groups) <= 12 and prog.nodes == len(ag.topo_order(loss))
    prog.run()
    assert [g.matmul for g in prog.groups if g.op == "dot"] == [
        (20, 2, 16),
        (20, 16, 16),
        (20, 16, 1),
    ]
    assert prog.watched.tolist() == pytest.approx([s.data for s in scores], rel=1e-13)


def test_bool_of_a_value_is_a_type_error():
    v = Value(1.0)
    with pytest.raises(TypeError, match="truth value of a Value is ambiguous"):
        bool(v)
    with pytest.raises(TypeError):
        if v:  # noqa: SIM108 (the point: a Python if on a Value)
            pass
    assert (v if v is not None else None) is v and v.data > 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"batch_size": 16},
        {"loss": "mse", "lr": 0.1},
        {"loss": "hinge", "lr_end": 0.1, "l2": 0.0},
    ],
    ids=["full", "minibatch", "mse", "decay-nol2"],
)
def test_fit_compiled_equals_the_value_path(kwargs):
    X, y = data.make_moons(40, noise=0.1, seed=1)
    histories, weights = [], []
    for compiled in (False, True):
        model = MLP(2, [8, 8, 1], seed=0)
        histories.append(fit(model, X, y, epochs=8, progress=False, compiled=compiled, **kwargs))
        weights.append([p.data for p in model.parameters()])
    (a, b), (wa, wb) = histories, weights
    assert a.accuracy == b.accuracy
    assert max(abs(p - q) for p, q in zip(a.loss, b.loss)) < 1e-9
    assert max(abs(p - q) for p, q in zip(wa, wb)) < 1e-9


@pytest.mark.parametrize("loss", ["cross_entropy", "multiclass_svm"])
def test_fit_compiled_equals_the_value_path_for_many_classes(loss):
    X, y = data.make_spirals(30, classes=3, seed=0)
    runs = [
        fit(MLP(2, [6, 3], seed=0), X, y, loss=loss, lr=0.1, epochs=4, batch_size=10,
            progress=False, compiled=c)
        for c in (False, True)
    ]  # fmt: skip
    assert runs[0].accuracy == runs[1].accuracy
    assert max(abs(p - q) for p, q in zip(runs[0].loss, runs[1].loss)) < 1e-9


def test_compiled_moons_program_is_small():
    X, y = data.make_moons(100, noise=0.1, seed=0)
    model = MLP(2, [16, 16, 1], seed=0)
    labels = [1.0 if c == 1 else -1.0 for c in y]
    margins = [(1 - t * model(x)).relu() for t, x in zip(labels, X.tolist())]
    params = model.parameters()
    loss = ag.sum(margins) * 0.01 + 1e-4 * ag.sum([p * p for p in params])
    prog = ag.compile(loss)
    prog.run()
    assert prog.nbytes < 10 * 2**20
    assert prog.nbytes / prog.nodes < 400  # bytes per node recorded
