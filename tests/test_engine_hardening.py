"""The engine under careless or concurrent use: threads, the collector, pickling, copying."""

from __future__ import annotations

import copy
import gc
import pickle
import threading

import pytest

import autograd as ag
import nn
import viz
from autograd import Value


def mlp_sample():
    model = nn.MLP(2, [8, 8, 1], seed=0)
    return model, model([0.3, -0.7])


def test_backward_in_many_threads_leaves_the_collector_on():
    assert gc.isenabled()
    errors = []

    def work():
        try:
            for _ in range(30):
                _, out = mlp_sample()
                out.backward()
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    for _ in range(5):
        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors and gc.isenabled()


def test_a_backward_finishing_does_not_switch_the_collector_on_under_another():
    from autograd.value import _pause_gc, _resume_gc

    _pause_gc()  # a pass runs in this thread...
    seen = []
    other = threading.Thread(
        target=lambda: (_pause_gc(), _resume_gc(), seen.append(gc.isenabled()))
    )
    other.start()  # ...and one in another thread starts and ends
    other.join()
    assert seen == [False] and not gc.isenabled()  # the first still runs without it
    _resume_gc()
    assert gc.isenabled()


def test_interrupted_backwards_never_leave_the_collector_off_for_good():
    import sys

    x = Value(2.0)
    f = (x * x).tanh() + x

    def interrupt_at(k):
        count = [0]

        def trace(frame, event, arg):
            if frame.f_code.co_filename.endswith("value.py") and event == "line":
                count[0] += 1
                if count[0] == k:
                    raise KeyboardInterrupt
            return trace

        return trace

    for k in range(1, 300):
        sys.settrace(interrupt_at(k))
        try:
            f.backward()
        except KeyboardInterrupt:
            pass
        finally:
            sys.settrace(None)
        f.backward()  # the next pass finishes what an interrupted one could not
        assert gc.isenabled(), k


def test_read_only_walks_can_run_in_two_threads_on_one_graph():
    _, out = mlp_sample()
    out.backward()
    expected_nodes = len(ag.topo_order(out))
    expected_dot = viz.to_dot(out)
    results, errors = [], []

    def walk():
        try:
            for _ in range(60):
                results.append((len(ag.topo_order(out)), viz.to_dot(out) == expected_dot))
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=walk) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and results == [(expected_nodes, True)] * 120


def test_graphs_and_models_pickle_with_their_ops_and_parameters():
    x = Value(0.7, label="x")
    y = (x * 2).tanh() + x.leaky_relu(alpha=0.2) + ag.sum([x, x]) + x**3 + ag.max([x, 0.1])
    y.label = "y"
    copy_of_y = pickle.loads(pickle.dumps(y))
    assert copy_of_y.data == y.data and copy_of_y.label == "y"
    assert [v.op for v in ag.topo_order(copy_of_y)] == [v.op for v in ag.topo_order(y)]
    copy_of_y.backward()
    y.backward()
    (copied_x,) = [v for v in ag.topo_order(copy_of_y) if v.label == "x"]
    assert copied_x.grad == x.grad and copied_x is not x
    model, out = mlp_sample()
    again = pickle.loads(pickle.dumps(model))
    assert again([0.3, -0.7]).data == out.data
    assert [p.name for p in again.parameters()] == [p.name for p in model.parameters()]


def test_a_graph_5000_deep_deep_copies_and_pickles_without_recursion():
    v = Value(0.5, label="x")
    for _ in range(5000):
        v = v * 1.0001
    for copied in (copy.deepcopy(v), pickle.loads(pickle.dumps(v))):
        assert copied.data == v.data and len(ag.topo_order(copied)) == 10001
        copied.backward()
        assert ag.topo_order(copied)[0].grad == pytest.approx(1.0001**5000)


def test_unpickling_an_op_this_process_does_not_know_says_what_to_import():
    @ag.op("pickle_test_twice")
    def twice(a):
        """2a."""
        return 2 * a, (2.0,)

    data = pickle.dumps(Value(1.0).pickle_test_twice())
    del ag.OPS["pickle_test_twice"]
    delattr(Value, "pickle_test_twice")
    with pytest.raises(pickle.UnpicklingError, match="op 'pickle_test_twice' is not registered"):
        pickle.loads(data)


def test_gradcheck_steps_relative_to_the_input_so_huge_inputs_check_right():
    assert ag.gradcheck(lambda a: a * 2, [1e300])
    assert ag.numerical_grad(lambda a: a * a, [1e150])[0] == pytest.approx(2e150, rel=1e-6)


def test_gradcheck_inside_no_grad_says_why_it_cannot_work():
    with ag.no_grad(), pytest.raises(RuntimeError, match="inside no_grad"):
        ag.gradcheck(lambda a: a * 2, [1.0])


@pytest.mark.parametrize(
    ("option", "bad"),
    [("eps", 0), ("eps", float("nan")), ("eps", -1e-6), ("atol", float("nan")), ("rtol", -1)],
)
def test_gradcheck_refuses_meaningless_tolerances(option, bad):
    with pytest.raises(ValueError, match=f"gradcheck: {option} must be"):
        ag.gradcheck(lambda a: a * 2, [1.0], **{option: bad})
    if option == "eps":
        with pytest.raises(ValueError, match="numerical_grad: eps must be"):
            ag.numerical_grad(lambda a: a * 2, [1.0], eps=bad)


def test_adam_refuses_eps_zero_which_would_divide_zero_by_zero():
    with pytest.raises(ValueError, match="eps must be > 0"):
        nn.optim.Adam([Value(1.0)], eps=0.0)


def test_three_argument_pow_is_refused_in_the_users_words():
    with pytest.raises(TypeError, match=r"pow\(\) with a modulus, pow\(x, y, m\), is not defined"):
        pow(Value(2.0), 2, 3)
    with pytest.raises(TypeError, match="with a modulus"):
        pow(Value(2.0), Value(2.0), 3)


def test_a_number_past_a_float_is_refused_not_made_infinite():
    np = pytest.importorskip("numpy")
    big = np.longdouble("1e4000")
    if not np.isfinite(big):
        pytest.skip("this platform's longdouble is a double")
    with pytest.raises(OverflowError, match="too large for a float"):
        Value(big)
    assert Value(np.longdouble("inf")).data == float("inf")  # a real infinity stays


@pytest.mark.parametrize("label", ["a\x00b", "a\ud800b", "tab\there"])
def test_any_label_draws(label):
    graph = viz.draw_graph(Value(1.0, label=label) * 2)
    assert "<svg" in graph.svg()


def test_zero_to_a_value_power_of_at_least_one_is_zero_with_torchs_gradients():
    for exponent, base_slope in ((1.0, 1.0), (2.5, 0.0), (3.0, 0.0)):
        a, b = Value(0.0), Value(exponent)
        out = a**b
        out.backward()
        assert (out.data, a.grad, b.grad) == (0.0, base_slope, 0.0)
    with pytest.raises(ValueError, match="base 0 with an exponent >= 1"):
        Value(0.0) ** Value(0.5)
    with pytest.raises(ValueError, match="needs a base > 0"):
        Value(-1.0) ** Value(2.0)
