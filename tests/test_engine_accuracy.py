"""The ops peers have, and losses as accurate as PyTorch's float64 ones."""

from __future__ import annotations

import math

import pytest

import autograd as ag
from autograd import Value
from nn import losses

NEW_OPS = ["sin", "cos", "tan", "arctan", "log1p", "expm1", "sinh", "cosh"]
POINTS = [-2.5, -0.7, -1e-9, 1e-12, 0.3, 1.2, 3.0]


@pytest.mark.parametrize("name", NEW_OPS)
def test_each_new_op_matches_torch_float64_in_value_and_gradient(name):
    torch = pytest.importorskip("torch")
    for x in POINTS:
        if name == "log1p" and x <= -1:
            continue
        v = Value(x)
        out = getattr(v, name)()
        out.backward()
        t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        t_out = getattr(torch, "atan" if name == "arctan" else name)(t)
        t_out.backward()
        assert out.data == pytest.approx(t_out.item(), rel=1e-15, abs=1e-300)
        assert v.grad == pytest.approx(t.grad.item(), rel=1e-15, abs=1e-300)


def test_log1p_and_expm1_keep_tiny_inputs_that_the_composites_lose():
    x = 1e-20
    assert ag.log1p(x).data == x and ag.expm1(x).data == x
    assert ag.log(Value(1.0) + x).data == 0.0  # what log(1 + x) gives: everything lost


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: Value(math.pi / 2).tan(), ValueError, r"tan\(1.57.*\): tan has a pole"),
        (lambda: Value(-1.0).log1p(), ValueError, r"log1p\(-1.0\): log1p needs an input > -1"),
        (lambda: Value(math.inf).sin(), ValueError, "sin of an infinite input"),
        (lambda: Value(800.0).sinh(), OverflowError, r"sinh\(800.0\): result is too large"),
        (lambda: Value(800.0).expm1(), OverflowError, r"expm1\(800.0\): result is too large"),
        (lambda: Value(-800.0).cosh(), OverflowError, "too large"),
    ],
)
def test_domain_and_overflow_errors_name_the_op_and_its_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_cross_entropy_keeps_the_relative_accuracy_of_a_small_loss():
    logits = [Value(33.0), Value(0.0), Value(-33.0)]
    loss = losses.cross_entropy([logits], [0])
    exact = math.log1p(math.exp(-33.0) + math.exp(-66.0))  # 4.66e-15
    assert abs(loss.data - exact) <= 1e-12 * exact  # the contract asks 1e-3; torch: 8.7e-4
    loss.backward()
    softmax = [1 / (1 + math.exp(-33) + math.exp(-66)), math.exp(-33), math.exp(-66)]
    softmax = [p / sum(softmax) for p in softmax]
    expected = [-(softmax[1] + softmax[2]), softmax[1], softmax[2]]
    for logit, want in zip(logits, expected):
        assert logit.grad == pytest.approx(want, rel=1e-12)


def test_cross_entropy_is_one_node_per_row_and_stable_at_large_logits():
    row = [Value(1e4), Value(0.0), Value(-1e4)]
    loss = ag.cross_entropy(row, label=1)
    assert loss.data == 1e4 and loss.op == "CE(y=1)" and loss.parents == tuple(row)
    with pytest.raises(ValueError, match=r"label must be a class index 0..2, got 3"):
        ag.cross_entropy(row, label=3)
    with pytest.raises(ValueError, match="got 0.5"):
        ag.cross_entropy(row, label=0.5)


def test_cross_entropy_over_infinite_logits_follows_logsumexps_limits():
    assert ag.cross_entropy([math.inf, 0.0], label=1).data == math.inf
    assert math.isnan(ag.cross_entropy([math.nan, 0.0], label=1).data)
