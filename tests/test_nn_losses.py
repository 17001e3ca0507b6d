"""Losses: values and gradients against hand-computed numbers and numerical_grad."""

import math

import pytest

import autograd as ag
import nn
from autograd import Value
from nn import losses


def values(xs):
    return [Value(x) for x in xs]


def grads(vs):
    return [v.grad for v in vs]


def test_mse_value_and_gradient_by_hand():
    # ((1-0)² + (2-4)²) / 2 = 2.5;  ∂/∂p_i = 2(p_i - t_i)/2 = [1, -2]
    p = values([1.0, 2.0])
    loss = losses.mse(p, [0.0, 4.0])
    assert loss.data == 2.5
    loss.backward()
    assert grads(p) == [1.0, -2.0]


def test_mse_averages_over_every_entry_of_rows():
    p = [values([1.0, 0.0]), values([0.0, 3.0])]
    assert losses.mse(p, [[0.0, 0.0], [0.0, 1.0]]).data == (1.0 + 4.0) / 4


def test_hinge_value_and_gradient_by_hand():
    # relu(1 - 2) = 0 (margin met), relu(1 + 0.5) = 1.5, relu(1 + 0.3) = 1.3 -> mean 2.8/3
    # ∂/∂s: 0 for the satisfied margin, -y/3 for the others
    s = values([2.0, -0.5, 0.3])
    loss = losses.hinge(s, [1, 1, -1])
    assert loss.data == pytest.approx(2.8 / 3, abs=1e-15)
    loss.backward()
    assert grads(s) == pytest.approx([0.0, -1 / 3, 1 / 3], abs=1e-15)


def test_hinge_accepts_one_element_score_lists():
    assert losses.hinge([[Value(0.5)]], [-1]).data == 1.5


@pytest.mark.parametrize("bad", [0, 2, 0.5, True])
def test_hinge_refuses_labels_other_than_plus_minus_one(bad):
    with pytest.raises(ValueError, match=r"\+1 or -1"):
        losses.hinge(values([0.1]), [bad])


def test_multiclass_svm_is_the_lectures_weston_watkins_example():
    # CS231n's three images (cat, car, frog): L = (2.9 + 0 + 12.9) / 3
    rows = [values([3.2, 5.1, -1.7]), values([1.3, 4.9, 2.0]), values([2.2, 2.5, -3.1])]
    loss = losses.multiclass_svm(rows, [0, 1, 2])
    assert loss.data == pytest.approx((2.9 + 0.0 + 12.9) / 3, abs=1e-12)
    loss.backward()
    # each violated margin j adds +1/N to s_j and -1/N to s_y
    third = 1 / 3
    assert grads(rows[0]) == pytest.approx([-third, third, 0.0])
    assert grads(rows[1]) == pytest.approx([0.0, 0.0, 0.0])
    assert grads(rows[2]) == pytest.approx([third, third, -2 * third])


def test_multiclass_svm_margin_is_a_parameter():
    rows = [values([0.0, 0.5])]
    assert losses.multiclass_svm(rows, [0], margin=2.0).data == 2.5
    assert losses.multiclass_svm(rows, [0], margin=0.0).data == 0.5


def test_cross_entropy_value_and_softmax_gradient_by_hand():
    s = values([1.0, 2.0, 3.0])
    loss = losses.cross_entropy([s], [2])
    z = math.exp(1) + math.exp(2) + math.exp(3)
    assert loss.data == pytest.approx(math.log(z) - 3.0, abs=1e-14)
    loss.backward()
    softmax = [math.exp(k) / z for k in (1, 2, 3)]
    assert grads(s) == pytest.approx([softmax[0], softmax[1], softmax[2] - 1.0], abs=1e-14)


def test_cross_entropy_stays_finite_and_exact_with_logits_of_1e4():
    s = values([1e4, -1e4, 0.0])
    wrong = losses.cross_entropy([s], [1])
    assert wrong.data == pytest.approx(2e4)
    wrong.backward()
    assert grads(s) == pytest.approx([1.0, -1.0, 0.0], abs=1e-12)
    assert losses.cross_entropy([values([1e4, -1e4, 0.0])], [0]).data == pytest.approx(0.0)


def test_l2_is_the_sum_of_squares_in_one_node_with_gradient_2p():
    p = values([1.0, -2.0, 3.0])
    r = losses.l2(p)
    assert r.data == 14.0
    assert r.op == "dot"
    r.backward()
    assert grads(p) == [2.0, -4.0, 6.0]


def test_l2_of_no_parameters_is_zero():
    assert losses.l2([]).data == 0.0


@pytest.mark.parametrize(
    ("loss", "n"),
    [
        (lambda *s: losses.mse(list(s), [0.5, -1.0, 2.0]), 3),
        (lambda *s: losses.hinge(list(s), [1, -1, 1]), 3),
        (lambda *s: losses.multiclass_svm([list(s[:3]), list(s[3:])], [2, 0]), 6),
        (lambda *s: losses.cross_entropy([list(s[:3]), list(s[3:])], [1, 2]), 6),
        (lambda *s: losses.l2(list(s)), 4),
    ],
    ids=["mse", "hinge", "multiclass_svm", "cross_entropy", "l2"],
)
def test_loss_gradients_match_numerical_grad(loss, n):
    # points chosen away from every hinge kink
    xs = values([0.37, -1.21, 0.83, 1.9, -0.44, 0.12][:n])
    loss(*xs).backward()
    numeric = ag.numerical_grad(loss, xs)
    assert grads(xs) == pytest.approx(numeric, rel=1e-6, abs=1e-8)


def test_mismatched_lengths_and_empty_batches_are_value_errors():
    with pytest.raises(ValueError, match="2 predictions but 1 labels"):
        losses.hinge(values([1.0, 2.0]), [1])
    with pytest.raises(ValueError, match="no samples"):
        losses.mse([], [])
    with pytest.raises(ValueError, match="class id"):
        losses.cross_entropy([values([1.0, 2.0])], [2])
    with pytest.raises(ValueError, match="one per class"):
        losses.multiclass_svm([values([1.0])], [0])


def test_one_sample_losses_have_no_sum_of_one_term_and_no_division_by_one():
    from autograd import Value, topo_order

    s = [Value(0.3, label="s0"), Value(-0.2, label="s1"), Value(1.1, label="s2")]
    for loss in (
        losses.hinge([s[0]], [1]),
        losses.multiclass_svm([s[:2]], [0]),
        losses.cross_entropy([s], [2]),
        losses.mse([s[0]], [1.0]),
    ):
        ops = [n.op for n in topo_order(loss)]
        assert "/" not in ops and not any(
            n.op == "sum" and len(n.parents) == 1 for n in topo_order(loss)
        ), ops
    assert losses.hinge([s[0]], [1]).data == pytest.approx(0.7)
    assert losses.multiclass_svm([s[:2]], [0]).data == pytest.approx(0.5)


# -- the loss table ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("loss", "scores", "cls", "rule"),
    [
        ("hinge", [0.3], 1, "score > 0"),
        ("hinge", [0.0], 0, "score <= 0"),
        ("mse", [0.5], 0, "output <= 0.5"),
        ("mse", [0.7], 1, "output > 0.5"),
        ("cross_entropy", [0.1, 2.0, -1.0], 1, "the highest score"),
        ("multiclass_svm", [3.0, 3.0, 1.0], 0, "the highest score"),
        (lambda outs, y: outs, [-0.2], 0, "score <= 0"),
    ],
)
def test_a_rows_predicted_class_is_the_class_predict_reads_and_class_rule_says_how(
    loss, scores, cls, rule
):
    assert losses.lookup(loss).predicted_class(scores) == cls
    assert losses.lookup(loss).class_rule(len(scores), cls) == rule
    assert losses.lookup(loss).threshold == (0.5 if loss == "mse" else 0.0)


@pytest.mark.parametrize(
    ("loss", "nout", "says"),
    [
        ("hinge", 1, None),
        ("mse", 2, "reads one output (two classes), but the model has 2 outputs"),
        ("cross_entropy", 3, None),
        ("multiclass_svm", 1, "reads one score per class, but the model has one output"),
        (lambda outs, y: outs, 1, None),
    ],
)
def test_a_rows_misfit_says_why_the_loss_cannot_read_the_model(loss, nout, says):
    assert losses.lookup(loss).misfit(nout) == says


def test_adding_a_loss_is_one_row_that_fit_predict_and_hints_read(monkeypatch):
    """A new row is all fit, predict and the command line's hints need."""
    row = losses.LossSpec("hinge2", losses.hinge, losses.ONE_OUTPUT, targets=(-1, 1))
    monkeypatch.setitem(losses.LOSSES, "hinge2", row)
    X, y = nn.data.make_moons(20)
    model = nn.MLP(2, [4, 1], seed=0)
    history = nn.fit(model, X, y, loss="hinge2", epochs=2, progress=False)
    again = nn.fit(nn.MLP(2, [4, 1], seed=0), X, y, loss="hinge", epochs=2, progress=False)
    assert history.loss == again.loss
    assert (nn.predict(model, X, "hinge2") == nn.predict(model, X, "hinge")).all()
    assert "hinge2" in losses.fitting(1) and "hinge2" not in losses.fitting(3)


def test_the_default_loss_is_the_default_row_that_reads_the_model():
    assert losses.default_loss(1) == "hinge"
    assert losses.default_loss(3) == "cross_entropy"


def test_an_unknown_loss_name_lists_the_rows():
    with pytest.raises(ValueError, match="hinge, mse, cross_entropy, multiclass_svm"):
        losses.lookup("softmax")


def test_losses_carry_the_lectures_names_for_the_legend():
    s = [[Value(3.2), Value(5.1), Value(-1.7)]]
    loss = losses.multiclass_svm(s, [0])
    assert loss.label == "L" and math.isclose(loss.data, 2.9)
    assert losses.mse([Value(1.0), Value(2.0)], [0.0, 0.0]).label == "L"
    assert losses.l2([Value(1.0), Value(2.0)]).label == "R" and losses.l2([]).label == "R"
    mine = Value(0.5, label="L_i")
    assert losses.hinge([[mine]], [1]).label == "L"  # a new node: relu(1 - y·s)


def test_multiclass_svm_keeps_a_tiny_score_difference_at_the_hinge_as_torch_does():
    s = [Value(1.0), Value(0.0), Value(3.7e-209)]
    loss = losses.multiclass_svm([s], [0])
    assert loss.data == 3.7e-209
    loss.backward()
    assert [v.grad for v in s] == [-1.0, 0.0, 1.0]
