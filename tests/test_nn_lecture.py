"""The lecture's numpy two-layer net (item 9), rebuilt from Values: same gradients.

No biases, a sigmoid hidden layer, the sum of squared errors, and the lecture's
hand-derived numpy backward pass, scaled down to N, D_in, H, D_out = 8, 20, 10, 5.
"""

import numpy as np
import pytest

import autograd as ag
from autograd import Value
from nn import Layer, optim

N, D_IN, H, D_OUT = 8, 20, 10, 5


def lecture_numpy_step(x, y, w1, w2):
    """The lecture's code, verbatim apart from names: loss and analytic gradients."""
    h = 1 / (1 + np.exp(-x.dot(w1)))
    y_pred = h.dot(w2)
    loss = np.square(y_pred - y).sum()
    grad_y_pred = 2.0 * (y_pred - y)
    grad_w2 = h.T.dot(grad_y_pred)
    grad_h = grad_y_pred.dot(w2.T)
    grad_w1 = x.T.dot(grad_h * h * (1 - h))
    return loss, grad_w1, grad_w2


@pytest.fixture
def problem():
    rng = np.random.default_rng(0)
    return (
        rng.standard_normal((N, D_IN)),
        rng.standard_normal((N, D_OUT)),
        rng.standard_normal((D_IN, H)),
        rng.standard_normal((H, D_OUT)),
    )


def test_values_give_the_lectures_numpy_loss_and_gradients_to_1e_9(problem):
    x, y, w1, w2 = problem
    loss_np, grad_w1, grad_w2 = lecture_numpy_step(x, y, w1, w2)

    W1 = [[Value(w1[i, j]) for j in range(H)] for i in range(D_IN)]
    W2 = [[Value(w2[j, k]) for k in range(D_OUT)] for j in range(H)]
    squared_errors = []
    for n in range(N):
        h = [ag.dot([W1[i][j] for i in range(D_IN)], x[n].tolist()).sigmoid() for j in range(H)]
        for k in range(D_OUT):
            y_pred = ag.dot(h, [W2[j][k] for j in range(H)])
            squared_errors.append((y_pred - y[n, k]) ** 2)
    loss = ag.sum(squared_errors)
    loss.backward()

    assert loss.data == pytest.approx(loss_np, rel=1e-12)
    got_w1 = np.array([[v.grad for v in row] for row in W1])
    got_w2 = np.array([[v.grad for v in row] for row in W2])
    np.testing.assert_allclose(got_w1, grad_w1, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(got_w2, grad_w2, rtol=1e-9, atol=1e-9)


def test_nn_layers_with_zero_biases_are_the_same_net_and_take_the_same_sgd_step(problem):
    x, y, w1, w2 = problem
    loss_np, grad_w1, grad_w2 = lecture_numpy_step(x, y, w1, w2)
    hidden, output = Layer(D_IN, H, "sigmoid"), Layer(H, D_OUT, "linear")
    for j, neuron in enumerate(hidden.neurons):  # neuron j holds column j of w1
        for i, w in enumerate(neuron.w):
            w.data = float(w1[i, j])
    for k, neuron in enumerate(output.neurons):
        for j, w in enumerate(neuron.w):
            w.data = float(w2[j, k])
    weights = [w for layer in (hidden, output) for neuron in layer.neurons for w in neuron.w]

    errors = []
    for n in range(N):
        y_pred = output(hidden(x[n]))
        errors.extend((p - t) ** 2 for p, t in zip(y_pred, y[n].tolist()))
    loss = ag.sum(errors)
    loss.backward()
    assert loss.data == pytest.approx(loss_np, rel=1e-12)
    got_w1 = np.array([[n.w[i].grad for n in hidden.neurons] for i in range(D_IN)])
    got_w2 = np.array([[n.w[j].grad for n in output.neurons] for j in range(H)])
    np.testing.assert_allclose(got_w1, grad_w1, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(got_w2, grad_w2, rtol=1e-9, atol=1e-9)

    # the lecture's update: w -= 1e-4 * grad (biases stay out of it, as in the lecture)
    optim.SGD(weights, lr=1e-4).step()
    new_w1 = np.array([[n.w[i].data for n in hidden.neurons] for i in range(D_IN)])
    new_w2 = np.array([[n.w[j].data for n in output.neurons] for j in range(H)])
    np.testing.assert_allclose(new_w1, w1 - 1e-4 * grad_w1, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(new_w2, w2 - 1e-4 * grad_w2, rtol=1e-12, atol=1e-15)
