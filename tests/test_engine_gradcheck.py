"""numerical_grad and gradcheck: the numeric check of the analytic gradient."""

import pytest

import autograd as ag
from autograd import GradcheckError, Value, gradcheck, numerical_grad


def test_numerical_grad_of_lecture_example():
    grads = numerical_grad(lambda x, y, z: (x + y) * z, [-2.0, 5.0, -4.0])
    assert grads == pytest.approx([-4.0, -4.0, 3.0], abs=1e-6)


def test_numerical_grad_restores_data_exactly():
    x = Value(0.1 + 0.2, label="x")
    original = x.data
    numerical_grad(lambda v: v.tanh() * 3, [x], eps=1e-3)
    assert x.data == original  # bit for bit, not approximately


def test_numerical_grad_restores_data_when_fn_raises():
    x = Value(0.5)

    def fails_on_second_call(v):
        if v.data < 0.5:
            raise RuntimeError("boom")
        return v * 2

    with pytest.raises(RuntimeError):
        numerical_grad(fails_on_second_call, [x])
    assert x.data == 0.5


def test_gradcheck_passes_on_correct_graph_and_keeps_input_grads():
    x, y = Value(0.3, label="x"), Value(-1.2, label="y")
    x.grad = 7.0
    assert gradcheck(lambda a, b: (a * b).tanh() + a.exp() / (b * b + 1), [x, y]) is True
    assert x.grad == 7.0 and y.grad == 0.0


@ag.op("badsquare_gc", examples=[(1.0,)])
def badsquare_gc(x):
    """x²; local gradient deliberately wrong (x instead of 2x)."""
    return x * x, (x,)


def test_gradcheck_names_input_values_and_the_wrong_op():
    x = Value(1.5, label="x")
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda v: ag.tanh(badsquare_gc(v)) + v, [x])
    message = str(info.value)
    assert "input 0 ('x')" in message
    assert "numeric" in message and "analytic" in message
    assert "badsquare_gc" in message and "tanh" not in message.split("disagrees:")[1]


def test_gradcheck_error_is_an_assertion_error():
    assert issubclass(GradcheckError, AssertionError)


def test_gradcheck_tolerances_follow_pytorch_formula():
    # |a - n| <= atol + rtol·|n|: a tiny relative tolerance makes a wrong rule fail
    with pytest.raises(GradcheckError):
        gradcheck(lambda v: badsquare_gc(v), [2.0], atol=0.0, rtol=1e-6)
