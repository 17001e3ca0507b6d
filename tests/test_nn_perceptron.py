"""Rosenblatt's perceptron: the learning rule by hand, convergence, and XOR."""

import numpy as np
import pytest

from nn import Perceptron, data

AND_X = [[1.0, 1.0], [0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]
AND_Y = [1, 0, 0, 0]


def weights(p):
    return [w.data for w in p.w], p.b.data


def test_weights_and_bias_start_at_zero_and_step_0_is_class_0():
    p = Perceptron(2)
    assert weights(p) == ([0.0, 0.0], 0.0)
    assert p.predict([5.0, -3.0]) == 0  # step(0) = 0


def test_one_epoch_by_hand():
    # w=(0,0), b=0, lr=1, samples in the given order:
    # (1,1) y=1: s=0 -> ŷ=0, wrong: w += (1,1), b += 1      -> w=(1,1), b=1
    # (0,0) y=0: s=1 -> ŷ=1, wrong: w -= (0,0), b -= 1      -> w=(1,1), b=0
    # (1,0) y=0: s=1 -> ŷ=1, wrong: w -= (1,0), b -= 1      -> w=(0,1), b=-1
    # (0,1) y=0: s=0 -> ŷ=0, right
    p = Perceptron(2)
    assert p.fit(AND_X, AND_Y, epochs=1) == [3]
    assert weights(p) == ([0.0, 1.0], -1.0)


def test_fit_continues_from_the_current_weights():
    # second epoch from w=(0,1), b=-1:
    # (1,1) y=1: s=0 -> 0, wrong -> w=(1,2), b=0; (0,0): s=0 -> 0, right;
    # (1,0) y=0: s=1 -> 1, wrong -> w=(0,2), b=-1; (0,1) y=0: s=1 -> 1, wrong -> w=(0,1), b=-2
    p = Perceptron(2)
    p.fit(AND_X, AND_Y, epochs=1)
    assert p.fit(AND_X, AND_Y, epochs=1) == [3]
    assert weights(p) == ([0.0, 1.0], -2.0)


def test_learning_rate_scales_the_updates():
    p = Perceptron(2)
    p.fit(AND_X, AND_Y, epochs=1, lr=0.5)
    assert weights(p) == ([0.0, 0.5], -0.5)


def test_converges_on_linearly_separable_data_and_stops_at_zero_errors():
    X, y = data.make_blobs(100, classes=2, noise=0.3, seed=1)
    p = Perceptron(2)
    errors = p.fit(X, y, epochs=100)
    assert errors[-1] == 0
    assert all(e > 0 for e in errors[:-1])  # it stopped at the first clean epoch
    assert len(errors) < 100
    assert [p.predict(x) for x in X] == y.tolist()
    assert [p(x).data for x in X] == y.tolist()  # the graph's step agrees with predict


def test_learns_and_exactly():
    p = Perceptron(2)
    errors = p.fit(AND_X, AND_Y, epochs=50)
    assert errors[-1] == 0
    assert [p.predict(x) for x in AND_X] == AND_Y


def test_never_converges_on_xor():
    # Why it cannot: an epoch with 0 errors makes no update, so one fixed (w, b) would
    # put every class-1 point in the half-plane w·x + b > 0 and every class-0 point
    # outside it. Both sides are convex. The segment joining a class-1 point near
    # (1,-1) to one near (-1,1) crosses the segment joining class-0 points near (1,1)
    # and (-1,-1) (the diagonals of a near-square cross), so the crossing point would
    # lie on both sides at once. No line separates XOR: every epoch has an error.
    X, y = data.make_xor(100, noise=0.1, seed=0)
    p = Perceptron(2)
    errors = p.fit(X, y, epochs=100)
    assert len(errors) == 100
    assert min(errors) > 0


def test_max_error_rate_stops_at_the_first_good_enough_epoch():
    X, y = data.make_xor(100, noise=0.1, seed=0)
    errors = Perceptron(2).fit(X, y, epochs=100, max_error_rate=0.5)
    assert errors[-1] <= 50
    assert all(e > 50 for e in errors[:-1])


def test_zero_epochs_is_refused_as_fit_refuses_it_and_changes_nothing():
    p = Perceptron(2)
    with pytest.raises(ValueError, match="epochs must be a positive integer, got 0"):
        p.fit(AND_X, AND_Y, epochs=0)
    assert weights(p) == ([0.0, 0.0], 0.0)


@pytest.mark.parametrize(
    ("X", "y", "match"),
    [
        (AND_X, [1, 0, 2, 0], "class id"),
        (AND_X, [1, 0, 0], "labels"),
        ([[1.0, 2.0, 3.0]], [1], "features"),
        ([[np.nan, 1.0]], [1], "finite"),
        ([1.0, 2.0], [1, 0], "2-D"),
        ([["a", "b"]], [1], "real numbers"),
    ],
)
def test_bad_training_data_is_a_value_error(X, y, match):
    p = Perceptron(2)
    with pytest.raises(ValueError, match=match):
        p.fit(X, y)
    assert weights(p) == ([0.0, 0.0], 0.0)


def test_bad_hyperparameters_are_value_errors():
    p = Perceptron(2)
    with pytest.raises(ValueError):
        p.fit(AND_X, AND_Y, lr=0.0)
    with pytest.raises(ValueError):
        p.fit(AND_X, AND_Y, epochs=-1)
    with pytest.raises(ValueError):
        p.fit(AND_X, AND_Y, max_error_rate=1.5)


def test_a_string_is_not_read_as_features():
    from nn import Perceptron

    with pytest.raises(TypeError, match="reads 2 numbers, got a string"):
        Perceptron(2).predict("12")
