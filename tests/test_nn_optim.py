"""Optimisers: single steps against hand computation of PyTorch's update rules."""

import math

import pytest

from autograd import Value
from nn import MLP, optim


def param(data, grad):
    p = Value(data)
    p.grad = grad
    return p


def test_plain_sgd_is_p_minus_lr_times_grad():
    p, q = param(1.0, 0.5), param(-2.0, -1.0)
    optim.SGD([p, q], lr=0.1).step()
    assert p.data == 1.0 - 0.1 * 0.5
    assert q.data == -2.0 + 0.1 * 1.0


def test_sgd_with_momentum_and_weight_decay_two_steps_by_hand():
    p = param(1.0, 0.5)
    opt = optim.SGD([p], lr=0.1, momentum=0.9, weight_decay=0.01)
    opt.step()
    # g' = 0.5 + 0.01·1.0 = 0.51; first step v = g' = 0.51; p = 1 - 0.1·0.51 = 0.949
    assert p.data == pytest.approx(0.949, abs=1e-15)
    p.grad = 0.2
    opt.step()
    # g' = 0.2 + 0.01·0.949 = 0.20949; v = 0.9·0.51 + 0.20949 = 0.66849
    # p = 0.949 - 0.1·0.66849 = 0.882151
    assert p.data == pytest.approx(0.882151, abs=1e-15)


def test_sgd_weight_decay_without_momentum():
    p = param(2.0, 0.0)
    optim.SGD([p], lr=0.5, weight_decay=0.1).step()
    assert p.data == pytest.approx(2.0 - 0.5 * 0.1 * 2.0, abs=1e-15)


def test_adam_two_steps_by_hand():
    p = param(1.0, 0.5)
    opt = optim.Adam([p], lr=0.1)
    assert opt.betas == (0.9, 0.999) and opt.eps == 1e-8
    opt.step()
    # m = 0.1·0.5 = 0.05, v = 0.001·0.25 = 0.00025; m̂ = 0.05/0.1 = 0.5, v̂ = 0.00025/0.001 = 0.25
    # p = 1 - 0.1·0.5/(√0.25 + 1e-8)
    expected = 1.0 - 0.1 * 0.5 / (0.5 + 1e-8)
    assert p.data == pytest.approx(expected, abs=1e-15)
    p.grad = -0.2
    opt.step()
    m = 0.9 * 0.05 + 0.1 * -0.2  # 0.025
    v = 0.999 * 0.00025 + 0.001 * 0.04  # 0.00028975
    m_hat, v_hat = m / (1 - 0.9**2), v / (1 - 0.999**2)
    expected -= 0.1 * m_hat / (math.sqrt(v_hat) + 1e-8)
    assert p.data == pytest.approx(expected, abs=1e-14)


def test_adams_first_step_moves_every_parameter_by_about_lr():
    ps = [param(0.0, g) for g in (1e-3, 5.0, -70.0)]
    optim.Adam(ps, lr=0.01).step()
    assert [p.data for p in ps] == pytest.approx([-0.01, -0.01, 0.01], rel=1e-4)


@pytest.mark.parametrize(
    "make, moved",
    [
        (lambda ps: optim.SGD(ps, lr=0.1), 0.9),
        (lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9), 0.9),
        (lambda ps: optim.Adam(ps, lr=0.1), 0.9),
    ],
    ids=["sgd", "sgd-momentum", "adam"],
)
def test_a_parameter_listed_twice_is_updated_once_per_step(make, moved):
    p, q = param(1.0, 1.0), param(2.0, 0.0)
    opt = make([p, q, p])
    assert opt.params == [p, q]  # each once, in first-seen order
    opt.step()
    assert p.data == pytest.approx(moved, abs=1e-7) and q.data == 2.0


def test_lr_is_writable_and_used_by_the_next_step():
    p = param(1.0, 1.0)
    opt = optim.SGD([p], lr=1.0)
    opt.lr = 0.25
    opt.step()
    assert p.data == 0.75


def test_zero_grad_clears_the_optimizers_parameters():
    model = MLP(2, [2, 1], seed=0)
    opt = optim.Adam(model.parameters())
    model([1.0, 1.0]).backward()
    opt.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_a_step_builds_no_graph_and_keeps_parameter_objects():
    model = MLP(2, [2, 1], seed=0)
    before = model.parameters()
    model([1.0, 1.0]).backward()
    optim.SGD(before, lr=0.1, momentum=0.5).step()
    assert model.parameters() == before
    assert all(p.op == "" and p.parents == () for p in before)


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: optim.SGD(ps, lr=-1.0),
        lambda ps: optim.SGD(ps, lr=float("nan")),
        lambda ps: optim.SGD(ps, lr=0.1, momentum=-0.5),
        lambda ps: optim.Adam(ps, betas=(1.0, 0.999)),
        lambda ps: optim.SGD([], lr=0.1),
    ],
)
def test_bad_optimizer_settings_are_value_errors(make):
    with pytest.raises(ValueError):
        make([param(1.0, 0.0)])


def _quadratic_run(make_optimizer, steps=20):
    """Parameters after ``steps`` of minimising Σ (p - t)² from fixed starting points."""
    targets = [0.5, -1.5, 2.0]
    ps = [Value(x) for x in (1.0, 0.3, -0.7)]
    opt = make_optimizer(ps)
    for _ in range(steps):
        opt.zero_grad()
        loss = sum(((p - t) ** 2 for p, t in zip(ps, targets)), Value(0.0))
        loss.backward()
        opt.step()
    return [p.data for p in ps]


def _torch_run(make_optimizer, steps=20):
    torch = pytest.importorskip("torch")
    targets = torch.tensor([0.5, -1.5, 2.0], dtype=torch.float64)
    ps = torch.tensor([1.0, 0.3, -0.7], dtype=torch.float64, requires_grad=True)
    opt = make_optimizer(torch, [ps])
    for _ in range(steps):
        opt.zero_grad()
        ((ps - targets) ** 2).sum().backward()
        opt.step()
    return ps.detach().tolist()


def test_nesterov_and_adamw_follow_pytorch_over_20_steps():
    ours = _quadratic_run(lambda ps: optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True))
    theirs = _torch_run(lambda t, ps: t.optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True))
    assert ours == pytest.approx(theirs, abs=1e-10)
    ours = _quadratic_run(lambda ps: optim.AdamW(ps, lr=0.1, weight_decay=0.05))
    theirs = _torch_run(lambda t, ps: t.optim.AdamW(ps, lr=0.1, weight_decay=0.05))
    assert ours == pytest.approx(theirs, abs=1e-10)


def test_nesterov_by_hand_and_its_refusals():
    # one parameter, loss p²: g = 2p; v1 = g1; p1 = p0 - lr(g1 + μ v1)
    p = Value(1.0)
    opt = optim.SGD([p], lr=0.1, momentum=0.5, nesterov=True)
    p.grad = 2.0
    opt.step()
    assert p.data == pytest.approx(1.0 - 0.1 * (2.0 + 0.5 * 2.0))
    with pytest.raises(ValueError, match="nesterov=True needs a momentum > 0"):
        optim.SGD([p], lr=0.1, nesterov=True)
    with pytest.raises(TypeError, match="nesterov must be True or False"):
        optim.SGD([p], lr=0.1, momentum=0.9, nesterov="yes")


def test_adamw_decays_the_weights_apart_from_the_gradient():
    p = Value(2.0)
    opt = optim.AdamW([p], lr=0.1, weight_decay=0.5)
    p.grad = 0.0  # no gradient: only the decoupled decay moves p (Adam's step is 0)
    opt.step()
    assert p.data == pytest.approx(2.0 * (1 - 0.1 * 0.5))
    assert opt.m == [0.0] and opt.v == [0.0]  # the decay never enters Adam's moments
