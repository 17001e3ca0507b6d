"""A user's own op is registered exactly like the built-ins (DESIGN.md: softsign)."""

import pytest

import autograd as ag
from autograd import OPS, Value, gradcheck


@ag.op("softsign")
def softsign(x):
    """x / (1 + |x|); local gradient 1 / (1 + |x|)²."""
    d = 1.0 + abs(x)
    return x / d, (1.0 / (d * d),)


@ag.op("scaled_tanh_user", examples=[(0.4,), (-1.1,)])
def scaled_tanh(x, *, scale=2.0):
    """scale·tanh(x); local gradient scale·(1 - tanh²x)."""
    import math

    t = math.tanh(x)
    return scale * t, (scale * (1 - t * t),)


def test_user_op_gives_function_method_and_tag():
    x = Value(3.0, label="x")
    y = softsign(x)
    assert y.data == 0.75 and y.op == "softsign" and y.parents == (x,)
    assert x.softsign().data == 0.75
    assert softsign(3).data == 0.75  # numbers accepted
    assert "softsign" in OPS


def test_user_op_passes_gradcheck():
    assert gradcheck(lambda v: softsign(v) * v, [Value(-0.7)])


def test_user_op_static_parameters_show_in_tag():
    x = Value(0.5)
    assert scaled_tanh(x, scale=3).op == "scaled_tanh_user(scale=3)"
    assert x.scaled_tanh_user().op == "scaled_tanh_user(scale=2)"
    assert gradcheck(lambda v: scaled_tanh(v, scale=0.5), [x])


@pytest.mark.parametrize("name", ["tanh", "softsign", "backward", "data"])
def test_a_taken_name_is_refused(name):
    with pytest.raises(ValueError, match="already taken"):
        ag.op(name)(lambda x: (x, (1.0,)))


def test_a_rule_with_a_required_static_parameter_is_refused():
    def rule(x, *, k):
        return x, (1.0,)

    with pytest.raises(TypeError, match="default"):
        ag.op("needs_default_user")(rule)


@pytest.mark.parametrize(
    ("declaration", "message"),
    [
        ({"operator": "+", "dunders": ("__add__", "__radd__")}, "already op 'add'"),
        ({"operator": "&"}, "needs the Value methods"),
        ({"operator": "%", "dunders": ("__mdo__",)}, "not an operator method"),
        ({"operator": "%", "dunders": ("__neg__",)}, "not an operator method"),
    ],
    ids=["taken", "no-dunders", "misspelt", "unary-for-binary"],
)
def test_an_operator_declaration_that_clashes_or_does_not_fit_is_refused(declaration, message):
    def rule(a, b):
        """a ? b; local gradients 1 and 1."""
        return a + b, (1.0, 1.0)

    with pytest.raises(ValueError, match=message):
        ag.op("clashing_operator_op", **declaration)(rule)
    assert "clashing_operator_op" not in ag.OPS
    assert (Value(1.0) + Value(2.0)).op == "+"
