"""Bad input: a clear error, raised at the op that saw it, naming the op and operands."""

import math

import numpy as np
import pytest

import autograd as ag
from autograd import Value, detect_anomaly


@pytest.mark.parametrize("data", [-2, 3.5, np.float64(1.5), np.float32(0.5), np.int64(7)])
def test_real_numbers_are_accepted_as_float(data):
    v = Value(data)
    assert type(v.data) is float and v.data == float(data)


@pytest.mark.parametrize("bad", ["1.0", None, 1 + 2j, True, np.array([1.0, 2.0]), [1.0]])
def test_non_real_data_is_a_type_error(bad):
    with pytest.raises(TypeError, match="real number"):
        Value(bad)


def test_a_value_of_a_value_is_a_type_error():
    with pytest.raises(TypeError):
        Value(Value(1.0))


def test_nan_and_inf_are_accepted():
    assert math.isnan(Value(float("nan")).data) and Value(float("inf")).data == math.inf


def test_label_must_be_a_string():
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)


def test_unsupported_operand_is_a_type_error():
    with pytest.raises(TypeError):
        Value(1.0) + "a"
    with pytest.raises(TypeError):
        Value(1.0) * None
    with pytest.raises(TypeError):
        Value(1.0) + True


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda x: ag.log(x), ValueError, r"log\(-1.0 \[x\]\): .*> 0"),
        (lambda x: ag.log(x + 1), ValueError, r"log\(0.0\)"),
        (lambda x: ag.sqrt(x), ValueError, r"sqrt\(-1.0 \[x\]\): .*>= 0"),
        (lambda x: ag.sqrt(x + 1), ValueError, r"sqrt\(0.0\): the slope of sqrt is infinite"),
        (lambda x: (x + 1) ** 0.5, ValueError, r"0.0 \*\*0.5: the slope .* infinite"),
        (lambda x: x / 0, ZeroDivisionError, r"-1.0 \[x\] / 0.0: division by zero"),
        (lambda x: 1 / (x + 1), ZeroDivisionError, r"/ 0.0"),
        (lambda x: (x + 1) ** -1, ZeroDivisionError, r"0.0 \*\*-1: .*negative exponent"),
        (lambda x: x**0.5, ValueError, r"-1.0 \[x\] \*\*0.5: a negative base"),
        (lambda x: x ** Value(2.0), ValueError, r"-1.0 \[x\] \*\* 2.0: .*base > 0"),
        (lambda x: (x + 1) ** Value(0.5), ValueError, r"base 0 with an exponent >= 1"),
        (lambda x: ag.exp(-1000 * x), OverflowError, r"exp\(1000.0\): .*too large"),
        (lambda x: (x * -1e200) ** 2, OverflowError, r"\*\*2: .*too large"),
        (lambda x: (x * -2) ** Value(2000.0), OverflowError, r"too large"),
    ],
    ids=[
        "log-neg",
        "log-0",
        "sqrt-neg",
        "sqrt-0",
        "pow-half-0",
        "div0",
        "rdiv0",
        "0-neg-pow",
        "neg-frac-pow",
        "neg-base-value-exp",
        "zero-base-value-exp",
        "exp-overflow",
        "powc-overflow",
        "pow-overflow",
    ],  # fmt: skip
)
def test_domain_errors_name_the_op_and_operands(make, error, message):
    x = Value(-1.0, label="x")
    with pytest.raises(error, match=message):
        make(x)


def test_domain_errors_are_never_complex_or_bare_math_errors():
    for fn in (lambda: Value(-8.0) ** (1 / 3), lambda: ag.log(-1), lambda: ag.sqrt(-4)):
        with pytest.raises(ValueError) as info:
            fn()
        assert "math domain error" not in str(info.value)


def test_float_arithmetic_overflows_to_inf_like_python():
    big = Value(1e308)
    assert (big * 10).data == math.inf and (big + big).data == math.inf


def test_detect_anomaly_names_the_op_that_made_inf():
    big = Value(1e308, label="big")
    with detect_anomaly(), pytest.raises(FloatingPointError, match=r"\*.*big"):
        big * 10


def test_detect_anomaly_catches_nan_input_in_forward():
    with detect_anomaly(), pytest.raises(FloatingPointError, match="tanh"):
        ag.tanh(Value(float("nan"), label="n"))


def test_detect_anomaly_catches_non_finite_gradient_in_backward():
    x = Value(1e300, label="x")
    y = x * 1e-300  # finite forward: 1.0
    z = y * 1e300  # finite forward: 1e300; the constant 1e-300 gets grad 1e300 * 1e300 = inf
    with detect_anomaly(), pytest.raises(FloatingPointError, match=r"backward through '\*'"):
        z.backward()


def test_detect_anomaly_is_quiet_on_finite_graphs():
    x = Value(0.5)
    with detect_anomaly():
        y = (x.tanh() * 2).exp()
        y.backward()
    assert math.isfinite(x.grad) and x.grad != 0.0


def test_unknown_static_parameter_is_refused():
    with pytest.raises(TypeError, match="beta"):
        ag.leaky_relu(1.0, beta=2)


def test_nary_ops_want_iterables():
    with pytest.raises(TypeError, match="iterables"):
        ag.sum(Value(1.0))


NAN = float("nan")
INF = float("inf")


@pytest.mark.parametrize(
    "fn",
    [ag.relu, ag.step, ag.abs, ag.leaky_relu, ag.elu, ag.sigmoid, ag.softplus, ag.tanh],
    ids=["relu", "step", "abs", "leaky_relu", "elu", "sigmoid", "softplus", "tanh"],
)
def test_nan_propagates_through_unary_ops_instead_of_vanishing(fn):
    out = fn(Value(NAN))
    assert math.isnan(out.data) and math.isnan(out.local_grads[0])


@pytest.mark.parametrize("fn", [ag.max, ag.min, ag.logsumexp, ag.sum], ids=lambda f: f.__name__)
def test_nan_wins_in_nary_ops_whatever_its_position(fn):
    for values in ([1.0, NAN, 3.0], [NAN, 1.0, 3.0], [1.0, 3.0, NAN]):
        assert math.isnan(fn([Value(v) for v in values]).data)


def test_detect_anomaly_refuses_a_nan_input_even_where_the_output_would_hide_it():
    with detect_anomaly(), pytest.raises(FloatingPointError, match=r"relu\(nan \[n\]\).*input"):
        ag.relu(Value(NAN, label="n"))
    with detect_anomaly(), pytest.raises(FloatingPointError, match="max"):
        ag.max([Value(1.0), Value(NAN)])


def test_sum_follows_float_addition():
    assert ag.sum([Value(1e308), Value(1e308), Value(-1e308)]).data == INF
    assert math.isnan(ag.sum([Value(INF), Value(-INF)]).data)


def test_logsumexp_takes_its_limits_at_infinity():
    up = ag.logsumexp([Value(1.0), Value(INF), Value(INF)])
    assert up.data == INF and up.local_grads == (0.0, 1.0, 0.0)
    down = ag.logsumexp([Value(-INF), Value(-INF)])
    assert down.data == -INF and down.local_grads == (0.5, 0.5)


def test_star_import_leaves_the_builtins_alone():
    scope: dict = {}
    exec("from autograd import *", scope)  # noqa: S102 - the point of the test
    for name in ("abs", "max", "min", "pow", "sum"):
        assert name not in scope
    assert "Value" in scope and "tanh" in scope


def test_huge_integers_are_an_overflow_error_naming_what_was_converted():
    with pytest.raises(OverflowError, match="Value data is too large for a float"):
        Value(10**400)
    with pytest.raises(OverflowError, match="operand is too large"):
        Value(3.0) + 10**400
    with pytest.raises(OverflowError, match="exponent is too large"):
        Value(1.0) ** 10**400


def test_repr_shows_plain_python_floats_even_for_numpy_data():
    v = Value(1.0)
    v.data = np.float64(2.5)
    assert repr(v) == "Value(data=2.5, grad=0.0)"


class TestUserOpResultsAreChecked:
    @staticmethod
    def register(name, result):
        return ag.op(name)(lambda x: result(x))

    @pytest.mark.parametrize(
        ("name", "result", "message"),
        [
            ("u_complex", lambda x: (complex(x), (1.0,)), "complex .* output"),
            ("u_str", lambda x: ("a", (1.0,)), "str 'a' as its output"),
            ("u_grad_str", lambda x: (x, ("g",)), "local gradient"),
            ("u_count", lambda x: (x, (1.0, 2.0)), "2 local gradient"),
            ("u_shape", lambda x: x, r"must return \(out, local_gradients\)"),
        ],
    )
    def test_a_bad_result_is_a_type_error_naming_the_op(self, name, result, message):
        fn = self.register(name, result)
        with pytest.raises(TypeError, match=f"op '{name}'.*{message}"):
            fn(2.0)

    def test_numpy_and_int_results_are_stored_as_floats(self):
        fn = self.register("u_numpy", lambda x: (np.float64(x) * 2, (2,)))
        out = fn(2.0)
        assert type(out.data) is float and out.data == 4.0
        assert type(out.local_grads[0]) is float


def test_detect_anomaly_catches_a_leaf_whose_gradient_sum_overflows():
    x = Value(1.0, label="x")
    f = x * 1e308 + x * 1e308  # each contribution is finite, their sum is inf
    with detect_anomaly(), pytest.raises(FloatingPointError, match=r"inf to input 1.0 \[x\]"):
        f.backward()
