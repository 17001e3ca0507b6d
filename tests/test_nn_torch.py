"""The bridge to PyTorch: the same models, the same numbers (outputs and gradients to
1e-12), the conventions that differ, and the optimisers step for step.

Every test but the two about a missing torch skips, saying why, where torch is not
installed (``pip install 'chainrule[torch]'``).
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import autograd as ag
import nn
from autograd import Value
from nn import MLP, Layer, LinearClassifier, Maxout, Neuron, Perceptron, data, losses, optim

try:
    import torch
except ImportError:  # the bridge is an extra
    torch = None

ROOT = Path(__file__).resolve().parent.parent
needs_torch = pytest.mark.skipif(
    torch is None, reason="torch is not installed: pip install 'chainrule[torch]'"
)
F64 = None if torch is None else torch.float64

X_MOONS, Y_MOONS = data.make_moons(n=30, noise=0.1, seed=0)
X_BLOBS, Y_BLOBS = data.make_blobs(n=30, classes=3, seed=0)

# every kind of model to_torch knows, with a loss it is trained with (None: Σ outputs)
MODELS = {
    "MLP": (lambda: MLP(2, [8, 8, 1], seed=0), X_MOONS, Y_MOONS, "hinge"),
    "MLP-3-classes": (lambda: MLP(2, [6, 3], "tanh", seed=1), X_BLOBS, Y_BLOBS, "cross_entropy"),
    "MLP-leaky-elu": (lambda: MLP(2, [5, 4, 3], "leaky_relu", "elu", seed=2), X_BLOBS, None, None),
    "MLP-sigmoid-mse": (
        lambda: MLP(2, [4, 1], "sigmoid", "sigmoid", seed=3),
        X_MOONS,
        Y_MOONS,
        "mse",
    ),
    "Layer": (lambda: Layer(2, 3, "tanh", seed=4), X_BLOBS, Y_BLOBS, "multiclass_svm"),
    "Neuron": (lambda: Neuron(2, "relu", seed=5), X_MOONS, Y_MOONS, "hinge"),
    "LinearClassifier": (
        lambda: LinearClassifier(2, 3, seed=6),
        X_BLOBS,
        Y_BLOBS,
        "multiclass_svm",
    ),
    "Maxout": (lambda: Maxout(2, 3, pieces=3, seed=7), X_BLOBS, Y_BLOBS, "cross_entropy"),
    "Perceptron": (lambda: trained_perceptron(), X_MOONS, None, None),
}


def trained_perceptron() -> Perceptron:
    p = Perceptron(2)
    p.fit(X_MOONS, Y_MOONS, epochs=5)
    return p


def torch_outputs(module, X) -> list[list[float]]:
    return module(torch.tensor(X, dtype=F64)).reshape(len(X), -1).tolist()


def chainrule_outputs(model, X) -> list[list[float]]:
    return [nn.train.scores(model(row)) for row in X.tolist()]


def in_chainrule_order(module) -> list[float]:
    """A torch module's weights in chainrule's `parameters()` order: neuron by neuron
    (row by row of each Linear), its weights then its bias."""
    values = []
    for linear in nn.torch_bridge.torch_linears(module):
        weight, bias = linear.weight.detach().tolist(), linear.bias.detach().tolist()
        for row, b in zip(weight, bias):
            values.extend([*row, b])
    return values


def max_abs_diff(a, b) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    assert a.shape == b.shape
    return float(np.max(np.abs(a - b)))


# -- without torch -------------------------------------------------------------------


def test_nn_imports_without_torch_and_the_bridge_names_the_extra():
    code = (
        "import sys; sys.modules['torch'] = None\n"  # as if torch were not installed
        "import nn\n"
        "assert 'torch' not in [m for m in sys.modules if sys.modules[m] is not None]\n"
        "try:\n"
        "    nn.to_torch(nn.MLP(2, [1], seed=0))\n"
        "except ImportError as e:\n"
        "    print(e)\n"
    )
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "chainrule[torch]" in done.stdout
    assert "download.pytorch.org/whl/cpu" in done.stdout  # how to get a CPU build


def test_torch_is_an_optional_extra_not_a_dependency():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert not any(d.startswith("torch") for d in project["dependencies"])
    assert [d for d in project["optional-dependencies"]["torch"] if d.startswith("torch")]
    assert not any("torch" in d for d in project["optional-dependencies"]["dev"])


# -- to_torch: every model kind, the same numbers ------------------------------------


@needs_torch
@pytest.mark.parametrize("kind", MODELS)
def test_to_torch_copies_every_weight_exactly_as_float64(kind):
    make, *_ = MODELS[kind]
    model = make()
    module = nn.to_torch(model)
    tensors = list(module.parameters())
    assert all(t.dtype == torch.float64 for t in tensors)
    assert in_chainrule_order(module) == [p.data for p in model.parameters()]  # bit for bit


@needs_torch
@pytest.mark.parametrize("kind", MODELS)
def test_outputs_and_gradients_agree_to_1e_12(kind):
    make, X, y, loss = MODELS[kind]
    model = make()
    comparison = nn.compare(model, nn.to_torch(model), X, y, loss)
    assert comparison.approximate, str(comparison)
    assert comparison.max_output_diff <= 1e-12
    assert comparison.max_grad_diff <= 1e-12
    # every parameter is compared: the rows' sizes add up to the model's parameters
    sizes = [math.prod(r.shape) for r in comparison.gradient_rows]
    assert sum(sizes) == len(model.parameters())
    # and gradients really flow (not 0 = 0 everywhere), except through the step
    outs = [model(r) for r in X.tolist()]
    if loss:
        objective = losses.lookup(loss).data_loss(outs, y.tolist())
    else:
        objective = ag.sum([v for o in outs for v in (o if isinstance(o, list) else [o])])
    largest = max(abs(g.data) for g in ag.grad(objective, model.parameters()))
    assert largest == 0.0 if kind == "Perceptron" else largest > 1e-3


@needs_torch
@pytest.mark.parametrize("kind", MODELS)
def test_round_trip_through_torch_gives_the_same_model(kind):
    make, X, *_ = MODELS[kind]
    model = make()
    back = nn.from_torch(nn.to_torch(model))
    assert [p.data for p in back.parameters()] == [p.data for p in model.parameters()]
    assert max_abs_diff(chainrule_outputs(back, X), chainrule_outputs(model, X)) == 0.0
    if isinstance(model, (MLP, Maxout)):
        assert type(back) is type(model)
        assert back.config() == model.config()
        assert back.state_dict() == model.state_dict()
    else:  # a Sequential does not name its class: the MLP of the same numbers
        assert isinstance(back, MLP) and len(back.layers) == 1


@needs_torch
def test_to_torch_builds_the_architecture_pytorch_users_write():
    module = nn.to_torch(MLP(2, [16, 16, 1], seed=0))
    kinds = [type(m).__name__ for m in module]
    assert kinds == ["Linear", "ReLU", "Linear", "ReLU", "Linear"]  # linear output: no module
    assert [tuple(m.weight.shape) for m in module[::2]] == [(16, 2), (16, 16), (1, 16)]
    assert type(nn.to_torch(MLP(2, [3], "relu", "leaky_relu"))[1]).__name__ == "LeakyReLU"
    assert nn.to_torch(MLP(2, [3], "relu", "leaky_relu"))[1].negative_slope == 0.1
    assert [type(m).__name__ for m in nn.to_torch(Perceptron(3))] == ["Linear", "Step"]
    maxout = nn.to_torch(Maxout(3, 4, pieces=2))[0]
    assert type(maxout).__name__ == "Maxout" and tuple(maxout.linear.weight.shape) == (8, 3)


@needs_torch
def test_row_i_of_a_linear_weight_is_neuron_i():
    layer = Layer(3, 2, seed=0)
    weight = nn.to_torch(layer)[0].weight
    assert weight[1, 2].item() == layer.neurons[1].w[2].data
    unit = Maxout(3, 2, pieces=3, seed=0).neurons[1]
    maxout = nn.to_torch(Maxout(3, 2, pieces=3, seed=0))[0]
    assert maxout.linear.weight[1 * 3 + 2, 0].item() == unit.w[2][0].data  # unit 1, piece 2


@needs_torch
def test_maxout_sends_the_gradient_to_the_first_winning_piece_on_a_tie_as_ag_max():
    model = Maxout(2, 2, pieces=3, seed=0)  # biases 0: at x = 0 every piece ties at 0
    X = np.array([[0.0, 0.0], [0.5, -1.0]])
    comparison = nn.compare(model, nn.to_torch(model), X)
    assert comparison.exact, str(comparison)


@needs_torch
def test_the_kinks_agree_relu_leaky_relu_elu_at_zero_step_everywhere():
    x = [[0.0], [1.0], [-2.0]]
    for activation in ("relu", "leaky_relu", "elu", "step"):
        neuron = Neuron(1, activation, seed=0)
        neuron.w[0].data = 1.0  # pre-activation = x: one input exactly at the kink
        comparison = nn.compare(neuron, nn.to_torch(neuron), x)
        assert comparison.exact, f"{activation}:\n{comparison}"


# -- from_torch ------------------------------------------------------------------------


@needs_torch
def test_from_torch_reads_a_pytorch_sequential_into_an_mlp():
    torch.manual_seed(0)
    module = torch.nn.Sequential(
        torch.nn.Linear(3, 5),
        torch.nn.Tanh(),
        torch.nn.Linear(5, 4),
        torch.nn.Tanh(),
        torch.nn.Linear(4, 2),
        torch.nn.Identity(),
    )
    model = nn.from_torch(module)
    assert isinstance(model, MLP)
    assert model.config() == {
        "nin": 3,
        "nouts": [5, 4, 2],
        "activation": "tanh",
        "output_activation": "linear",
    }
    # float32 weights are copied exactly (every float32 is a float64)
    assert [p.data for p in model.parameters()] == in_chainrule_order(module)
    X = np.random.default_rng(0).normal(size=(10, 3))
    comparison = nn.compare(model, module.double(), X, [0, 1] * 5, "cross_entropy")
    assert comparison.approximate, str(comparison)


@needs_torch
@pytest.mark.parametrize(
    ("layers", "message"),
    [
        (lambda t: [t.Linear(2, 3), t.Dropout(0.5)], r"module\[1\] \(Dropout.*no chainrule"),
        (lambda t: [t.Linear(2, 3), t.BatchNorm1d(3)], r"module\[1\] \(BatchNorm1d"),
        (lambda t: [t.Linear(2, 3), t.LeakyReLU(0.2)], r"module\[1\].*slope 0.1.*not 0.2"),
        (lambda t: [t.Linear(2, 3), t.ELU(0.5)], r"module\[1\].*alpha 1.0, not 0.5"),
        (lambda t: [t.Linear(2, 3, bias=False)], r"module\[0\].*without bias"),
        (lambda t: [t.ReLU(), t.Linear(2, 3)], r"module\[0\].*must follow a Linear"),
        (lambda t: [t.Linear(2, 3), t.ReLU(), t.Tanh()], r"module\[2\].*must follow a Linear"),
        (lambda t: [t.Linear(2, 3), t.Linear(4, 1)], r"module\[1\].*takes 4 inputs.*gives 3"),
        (
            lambda t: [t.Linear(2, 3), t.ReLU(), t.Linear(3, 3), t.Tanh(), t.Linear(3, 1)],
            r"module\[2\]: hidden layers with different activations \(relu and tanh\)",
        ),
        (lambda t: [], r"no Linear layer"),
    ],
)
def test_from_torch_refuses_what_chainrule_has_no_counterpart_for_naming_the_layer(layers, message):
    module = torch.nn.Sequential(*layers(torch.nn))
    with pytest.raises(ValueError, match=message):
        nn.from_torch(module)


@needs_torch
def test_from_torch_wants_a_sequential():
    with pytest.raises(ValueError, match=r"nn.Sequential.*got Linear"):
        nn.from_torch(torch.nn.Linear(2, 1))


@needs_torch
def test_to_torch_names_what_has_no_counterpart():
    def cube(v: Value) -> Value:
        return v**3

    with pytest.raises(ValueError, match=r"MLP layers.0: the callable activation .*cube"):
        nn.to_torch(MLP(2, [3, 1], activation=cube))
    with pytest.raises(ValueError, match=r"Neuron: the callable activation .*cube"):
        nn.to_torch(Neuron(2, activation=cube))

    class Twice(nn.Module):
        pass

    with pytest.raises(TypeError, match=r"to_torch knows MLP, Layer.*not Twice"):
        nn.to_torch(Twice())


# -- compare's table -----------------------------------------------------------------


@needs_torch
def test_compare_table_has_outputs_loss_and_every_parameter_as_text_and_html():
    model = MLP(2, [4, 1], seed=0)
    comparison = nn.compare(model, nn.to_torch(model), X_MOONS, Y_MOONS)  # default: hinge
    assert [r.what for r in comparison.rows] == [
        "outputs",
        "loss",
        "0.weight",
        "0.bias",
        "2.weight",
        "2.bias",
    ]
    assert comparison.objective == "hinge"
    assert comparison["outputs"].shape == (30, 1) and comparison["0.weight"].shape == (4, 2)
    text = str(comparison)
    assert repr(comparison) == text
    lines = text.splitlines()
    assert lines[0] == "chainrule vs PyTorch, L = hinge: all agree (tol 1e-12)"
    assert lines[1].split() == [
        "compared",
        "shape",
        "exact",
        "approximate",
        "max",
        "|Δ|",
        "largest",
        "|Δ|",
        "at",
    ]
    assert lines[3].startswith("loss ") and "scalar" in lines[3]
    assert lines[4].startswith("∂L/∂ 0.weight") and "4×2" in lines[4]
    page = comparison._repr_html_()
    assert page.startswith("<table>") and page.count("<tr>") == 1 + 6
    assert "<td>∂L/∂ 2.bias</td>" in page and "all agree" in page


@needs_torch
def test_compare_shows_where_the_two_models_differ():
    model = MLP(2, [4, 1], seed=0)
    module = nn.to_torch(model)
    with torch.no_grad():
        module[2].weight[0, 2] += 1e-3  # = layers.1.neurons.0.w.2
    comparison = nn.compare(model, module, X_MOONS)
    # ∂Σ/∂(layer 0's unit 2 weights) = that weight · [unit 2 active] · x: only they change
    row = comparison["0.weight"]
    assert not row.approximate and not row.exact
    assert row.chainrule.startswith("layers.0.neurons.2.w.")
    assert comparison["0.bias"].chainrule == "layers.0.neurons.2.b"
    assert 1e-6 < row.maxdiff < 1.0
    assert not comparison["outputs"].approximate and comparison.max_output_diff > 1e-6
    assert not comparison.approximate
    assert "NOT all agree" in str(comparison).splitlines()[0]
    # a looser tolerance lets a float32 twin pass as approximate, never as exact
    f32 = nn.compare(model, nn.to_torch(model).float(), X_MOONS, tol=1e-5)
    assert f32.approximate and not f32.exact and f32.max_output_diff > 1e-12


@needs_torch
def test_compare_refuses_what_it_cannot_compare():
    model = MLP(2, [4, 1], seed=0)
    with pytest.raises(ValueError, match=r"shapes \[\(5, 2\), \(1, 5\)\].*\[\(4, 2\), \(1, 4\)\]"):
        nn.compare(model, nn.to_torch(MLP(2, [5, 1])), X_MOONS)
    with pytest.raises(ValueError, match="needs the labels y"):
        nn.compare(model, nn.to_torch(model), X_MOONS, loss="hinge")
    with pytest.raises(ValueError, match="no PyTorch counterpart.*hinge, multiclass_svm"):
        nn.compare(model, nn.to_torch(model), X_MOONS, Y_MOONS, loss=lambda o, y: o[0])
    with pytest.raises(ValueError, match="cross_entropy.*reads one score per class"):
        nn.compare(model, nn.to_torch(model), X_MOONS, Y_MOONS, loss="cross_entropy")


@needs_torch
def test_compare_touches_no_gradient():
    model = MLP(2, [4, 1], seed=0)
    module = nn.to_torch(model)
    nn.compare(model, module, X_MOONS, Y_MOONS)
    assert all(p.grad == 0.0 for p in model.parameters())
    assert all(t.grad is None for t in module.parameters())


# -- the conventions that differ (the README's table) --------------------------------


def scores_and_labels(n=8, classes=4, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, classes)) * 2.0, rng.integers(0, classes, n).tolist()


def chainrule_loss_and_grads(loss, scores, labels):
    rows = [[Value(v) for v in row] for row in scores.tolist()]
    value = loss(rows, labels)
    value.backward()
    return value.data, [[v.grad for v in row] for row in rows]


def torch_loss_and_grads(loss, scores, labels):
    s = torch.tensor(scores, dtype=F64, requires_grad=True)
    value = loss(s, torch.tensor(labels))
    value.backward()
    return value.item(), s.grad.tolist()


@needs_torch
def test_multiclass_svm_is_C_times_multimarginloss():
    scores, labels = scores_and_labels(classes=4)
    for margin in (1.0, 0.5):
        mine = chainrule_loss_and_grads(
            lambda s, y, m=margin: losses.multiclass_svm(s, y, margin=m), scores, labels
        )
        theirs = torch_loss_and_grads(
            lambda s, y, m=margin: 4 * torch.nn.MultiMarginLoss(margin=m)(s, y), scores, labels
        )
        assert mine[0] == pytest.approx(theirs[0], abs=1e-12) and mine[0] > 0.5
        assert max_abs_diff(mine[1], theirs[1]) <= 1e-12
        plain = torch.nn.MultiMarginLoss(margin=margin)(torch.tensor(scores), torch.tensor(labels))
        assert plain.item() == pytest.approx(mine[0] / 4, abs=1e-12)  # torch divides by C


@needs_torch
def test_hinge_is_twice_multimarginloss_on_zero_and_the_score():
    rng = np.random.default_rng(1)
    s = rng.normal(size=12) * 2.0
    class_ids = rng.integers(0, 2, 12).tolist()
    signs = [1 if c == 1 else -1 for c in class_ids]
    mine = chainrule_loss_and_grads(
        lambda rows, y: losses.hinge([row[0] for row in rows], y), s[:, None], signs
    )

    def theirs_loss(scores, y):
        pairs = torch.cat([torch.zeros_like(scores), scores], dim=1)  # [0, s]
        return 2 * torch.nn.MultiMarginLoss()(pairs, y)

    theirs = torch_loss_and_grads(theirs_loss, s[:, None], class_ids)
    assert mine[0] == pytest.approx(theirs[0], abs=1e-12) and mine[0] > 0.3
    assert max_abs_diff(mine[1], theirs[1]) <= 1e-12
    # and not HingeEmbeddingLoss, which reads y = -1 as max(0, 1 - s) and y = +1 as s
    embedding = torch.nn.HingeEmbeddingLoss()(torch.tensor(s), torch.tensor(signs)).item()
    assert abs(embedding - mine[0]) > 0.1


@needs_torch
def test_cross_entropy_is_crossentropyloss_even_at_extreme_logits():
    scores, labels = scores_and_labels(classes=3, seed=2)
    scores = np.vstack([scores, [[1e4, 0.0, -1e4], [33.0, 0.0, -33.0]]])
    labels = labels + [2, 0]
    mine = chainrule_loss_and_grads(losses.cross_entropy, scores, labels)
    theirs = torch_loss_and_grads(torch.nn.CrossEntropyLoss(), scores, labels)
    assert mine[0] == pytest.approx(theirs[0], rel=1e-12)
    assert max_abs_diff(mine[1], theirs[1]) <= 1e-12
    tiny = chainrule_loss_and_grads(losses.cross_entropy, np.array([[33.0, 0.0, -33.0]]), [0])
    exact = math.log1p(math.exp(-33) + math.exp(-66))
    ref = torch.nn.CrossEntropyLoss()(
        torch.tensor([[33.0, 0.0, -33.0]], dtype=F64), torch.tensor([0])
    ).item()
    assert tiny[0] == pytest.approx(exact, rel=1e-3) and ref == pytest.approx(exact, rel=1e-3)


@needs_torch
def test_mse_is_mseloss():
    rng = np.random.default_rng(3)
    preds, targets = rng.normal(size=10), rng.integers(0, 2, 10).astype(float)
    p = [Value(v) for v in preds.tolist()]
    mine = losses.mse(p, targets.tolist())
    mine.backward()
    pt = torch.tensor(preds, requires_grad=True)
    theirs = torch.nn.MSELoss()(pt, torch.tensor(targets))
    theirs.backward()
    assert mine.data == pytest.approx(theirs.item(), abs=1e-15)
    assert max_abs_diff([v.grad for v in p], pt.grad.tolist()) <= 1e-15


def torch_fit(module, epochs, lr, weight_decay, lam):
    """fit's full-batch SGD loop written in torch; the curve of data loss + λΣp²."""
    sgd = torch.optim.SGD(module.parameters(), lr=lr, weight_decay=weight_decay)
    x, c = torch.tensor(X_MOONS, dtype=F64), torch.tensor(Y_MOONS)
    curve = []
    for _ in range(epochs):
        sgd.zero_grad()
        data_loss = nn.torch_compare.TORCH_LOSSES["hinge"].function(torch, module(x), c)
        data_loss.backward()
        with torch.no_grad():  # the objective fit reports, before the update
            penalty = sum((p**2).sum().item() for p in module.parameters())
        curve.append(data_loss.item() + lam * penalty)
        sgd.step()
    return curve, in_chainrule_order(module)


@needs_torch
def test_l2_lambda_is_weight_decay_two_lambda():
    """fit(l2=λ) minimises loss + λΣp², whose gradient adds 2λp: torch's weight_decay=2λ."""
    lam = 1e-2
    model = MLP(2, [6, 1], seed=0)
    module, wrong = nn.to_torch(model), nn.to_torch(model)
    history = nn.fit(
        model, X_MOONS, Y_MOONS, loss="hinge", lr=0.3, epochs=20, l2=lam, progress=False
    )
    curve, after = torch_fit(module, 20, 0.3, weight_decay=2 * lam, lam=lam)
    assert max_abs_diff(history.loss, curve) <= 1e-10
    assert max_abs_diff([p.data for p in model.parameters()], after) <= 1e-10
    _, drifted = torch_fit(wrong, 20, 0.3, weight_decay=lam, lam=lam)  # λ, not 2λ
    assert max_abs_diff([p.data for p in model.parameters()], drifted) > 1e-4


# -- the optimisers: PyTorch's rules, step for step ----------------------------------


def train_both(make_mine, make_theirs, steps=20, l2=0.0):
    """20 full-batch hinge steps in chainrule and in torch from the same weights; the
    largest |Δ| of the losses and of the parameters after every step."""
    model = MLP(2, [8, 8, 1], seed=0)
    module = nn.to_torch(model)
    mine, theirs = make_mine(model.parameters()), make_theirs(module.parameters())
    x, c = torch.tensor(X_MOONS, dtype=F64), torch.tensor(Y_MOONS)
    signs = [1 if k == 1 else -1 for k in Y_MOONS.tolist()]
    worst_loss = worst_param = 0.0
    start = [p.data for p in model.parameters()]
    for _ in range(steps):
        mine.zero_grad()
        data_loss = losses.hinge([model(r) for r in X_MOONS.tolist()], signs)
        value = data_loss + l2 * losses.l2(model.parameters()) if l2 else data_loss
        value.backward()
        mine.step()
        theirs.zero_grad()
        torch_value = nn.torch_compare.TORCH_LOSSES["hinge"].function(torch, module(x), c)
        torch_value.backward()
        theirs.step()
        worst_loss = max(worst_loss, abs(data_loss.data - torch_value.item()))
        now = in_chainrule_order(module)
        worst_param = max(worst_param, max_abs_diff([p.data for p in model.parameters()], now))
    moved = max_abs_diff([p.data for p in model.parameters()], start)
    return worst_loss, worst_param, moved


@needs_torch
def test_sgd_with_momentum_and_weight_decay_follows_pytorch_over_20_steps():
    loss_diff, param_diff, moved = train_both(
        lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=1e-3),
        lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=1e-3),
    )
    assert param_diff <= 1e-10 and loss_diff <= 1e-10
    assert moved > 0.05  # the steps did something


@needs_torch
def test_plain_sgd_follows_pytorch_over_20_steps():
    _, param_diff, moved = train_both(
        lambda ps: optim.SGD(ps, lr=0.5), lambda ps: torch.optim.SGD(ps, lr=0.5)
    )
    assert param_diff <= 1e-10 and moved > 0.05


@needs_torch
@pytest.mark.parametrize(
    ("lr", "betas", "eps"), [(1e-2, (0.9, 0.999), 1e-8), (3e-2, (0.8, 0.99), 1e-6)]
)
def test_adam_follows_pytorch_over_20_steps(lr, betas, eps):
    loss_diff, param_diff, moved = train_both(
        lambda ps: optim.Adam(ps, lr=lr, betas=betas, eps=eps),
        lambda ps: torch.optim.Adam(ps, lr=lr, betas=betas, eps=eps),
    )
    assert param_diff <= 1e-10 and loss_diff <= 1e-10
    assert moved > 0.05


@needs_torch
def test_adam_with_l2_is_torch_adam_with_weight_decay_two_lambda():
    lam = 1e-2
    _, param_diff, moved = train_both(
        lambda ps: optim.Adam(ps, lr=1e-2),
        lambda ps: torch.optim.Adam(ps, lr=1e-2, weight_decay=2 * lam),
        l2=lam,
    )
    assert param_diff <= 1e-10 and moved > 0.05


# -- where the conventions are written ------------------------------------------------


def test_the_readme_tabulates_every_convention_once():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = re.search(r"\| chainrule \| PyTorch \|.*?\n\n", readme, re.S)
    assert table, "the README's table of conventions"
    rows = table.group(0)
    for needle in (
        "multiclass_svm",
        "C · MultiMarginLoss",
        "hinge",
        "2 · MultiMarginLoss",
        "cross_entropy",
        "CrossEntropyLoss",
        "l2",
        "weight_decay=2λ",
        "SGD",
        "Adam",
    ):
        assert needle in rows, needle
    assert readme.count("| chainrule | PyTorch |") == 1


@pytest.mark.parametrize(
    ("loss", "words"),
    [
        (losses.multiclass_svm, "C · MultiMarginLoss"),
        (losses.hinge, "2 · MultiMarginLoss"),
        (losses.cross_entropy, "CrossEntropyLoss"),
        (losses.l2, "weight_decay=2λ"),
        (losses.mse, "MSELoss"),
    ],
)
def test_each_loss_docstring_names_its_pytorch_counterpart(loss, words):
    assert words in loss.__doc__
