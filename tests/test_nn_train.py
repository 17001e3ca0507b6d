"""fit(): the micrograd demo recipe, label mapping per loss, schedules, batches, checks."""

import time

import numpy as np
import pytest

import nn
from autograd import no_grad
from nn import MLP, LinearClassifier, data, fit, losses, optim


def test_moons_micrograd_recipe_reaches_95_percent_training_accuracy():
    X, y = data.make_moons(100, noise=0.1)
    model = MLP(2, [16, 16, 1], seed=0)
    start = time.perf_counter()
    history = fit(
        model, X, y, loss="hinge", l2=1e-4, lr=1.0, lr_end=0.1, epochs=100, progress=False
    )
    elapsed = time.perf_counter() - start
    assert len(history.loss) == len(history.accuracy) == 100
    assert history.accuracy[-1] >= 0.95
    assert (nn.predict(model, X, "hinge") == y).mean() >= 0.95  # the trained model itself
    assert history.loss[-1] < history.loss[0]
    assert elapsed < 30, f"100 epochs took {elapsed:.1f} s"  # a few seconds normally


class Recorder(optim.SGD):
    """SGD that records the lr of every step."""

    def __init__(self, params, lr):
        super().__init__(params, lr)
        self.seen = []

    def step(self):
        self.seen.append(self.lr)
        super().step()


def test_lr_decays_linearly_from_the_optimizers_lr_to_lr_end():
    X, y = data.make_moons(20)
    model = MLP(2, [4, 1], seed=0)
    opt = Recorder(model.parameters(), lr=1.0)
    fit(model, X, y, optimizer=opt, lr=123.0, lr_end=0.2, epochs=5, progress=False)
    assert opt.seen == pytest.approx([1.0, 0.8, 0.6, 0.4, 0.2])  # fit's lr=123 is ignored


def test_without_lr_end_the_lr_stays_and_full_batch_is_one_step_per_epoch():
    X, y = data.make_moons(20)
    model = MLP(2, [4, 1], seed=0)
    opt = Recorder(model.parameters(), lr=0.5)
    fit(model, X, y, optimizer=opt, epochs=3, progress=False)
    assert opt.seen == [0.5, 0.5, 0.5]


def test_minibatches_cover_the_epoch_and_the_seed_orders_them():
    X, y = data.make_moons(50)
    model = MLP(2, [4, 1], seed=0)
    opt = Recorder(model.parameters(), lr=0.1)
    fit(model, X, y, optimizer=opt, batch_size=16, epochs=2, progress=False)
    assert len(opt.seen) == 2 * 4  # 16 + 16 + 16 + 2 per epoch

    def trained(seed):
        m = MLP(2, [4, 1], seed=0)
        fit(m, X, y, batch_size=8, epochs=2, seed=seed, progress=False)
        return m.state_dict()

    assert trained(1) == trained(1)
    assert trained(1) != trained(2)


def test_default_optimizer_is_plain_sgd_with_fits_lr():
    X, y = data.make_moons(10)
    a, b = MLP(2, [3, 1], seed=0), MLP(2, [3, 1], seed=0)
    fit(a, X, y, lr=0.3, epochs=1, progress=False)
    fit(b, X, y, optimizer=optim.SGD(b.parameters(), lr=0.3), epochs=1, progress=False)
    assert a.state_dict() == b.state_dict() != MLP(2, [3, 1], seed=0).state_dict()


def frozen(model):
    """An optimiser with lr 0: the history then describes the initial model."""
    return optim.SGD(model.parameters(), lr=0.0)


def test_hinge_maps_class_1_to_plus_1_and_0_to_minus_1_and_predicts_score_above_0():
    X, y = data.make_moons(30, seed=2)
    model = MLP(2, [4, 1], seed=3)
    history = fit(model, X, y, optimizer=frozen(model), l2=0.01, epochs=1, progress=False)
    scores = [model(x) for x in X]
    expected = losses.hinge(scores, [1 if c == 1 else -1 for c in y])
    expected = expected.data + 0.01 * sum(p.data**2 for p in model.parameters())
    assert history.loss[0] == pytest.approx(expected, rel=1e-12)
    predicted = [1 if s.data > 0 else 0 for s in scores]
    assert history.accuracy[0] == np.mean(np.array(predicted) == y)


def test_mse_targets_the_class_id_and_predicts_output_above_one_half():
    X, y = data.make_moons(30, seed=2)
    model = MLP(2, [4, 1], output_activation="sigmoid", seed=3)
    history = fit(
        model, X, y, loss="mse", optimizer=frozen(model), l2=0.0, epochs=1, progress=False
    )
    outs = [model(x).data for x in X]
    assert history.loss[0] == pytest.approx(np.mean((np.array(outs) - y) ** 2), rel=1e-12)
    assert history.accuracy[0] == np.mean((np.array(outs) > 0.5) == y)


@pytest.mark.parametrize("loss", ["cross_entropy", "multiclass_svm"])
def test_multiclass_losses_predict_the_argmax(loss):
    X, y = data.make_blobs(30, classes=3, seed=1)
    model = LinearClassifier(2, 3, seed=4)
    history = fit(model, X, y, loss=loss, optimizer=frozen(model), epochs=1, progress=False)
    argmax = [int(np.argmax([s.data for s in model(x)])) for x in X]
    assert history.accuracy[0] == np.mean(np.array(argmax) == y)
    assert (nn.predict(model, X, loss) == argmax).all()


@pytest.mark.parametrize(
    ("loss", "l2"),
    [("hinge", 0.01), ("mse", 0.0), ("cross_entropy", 0.01), ("multiclass_svm", 1e-4)],
)
def test_objective_is_what_a_full_batch_step_of_fit_minimises(loss, l2):
    """The same labels, loss and penalty as fit: equal to the first epoch's loss of a
    model fit does not move."""
    if loss in ("hinge", "mse"):
        X, y = data.make_moons(30, seed=2)
        model = MLP(2, [4, 1], seed=3)
    else:
        X, y = data.make_blobs(30, classes=3, seed=1)
        model = LinearClassifier(2, 3, seed=4)
    history = fit(model, X, y, loss=loss, optimizer=frozen(model), l2=l2, epochs=1, progress=False)
    value = nn.objective(model, X, y, loss=loss, l2=l2)
    assert value.data == pytest.approx(history.loss[0], rel=1e-12)  # compiled: rounding only
    values_path = fit(
        model, X, y, loss=loss, optimizer=frozen(model), l2=l2, epochs=1, progress=False,
        compiled=False,
    )  # fmt: skip
    assert value.data == values_path.loss[0]
    value.backward()  # a Value with its graph: the gradient fit's step would follow
    assert any(p.grad != 0.0 for p in model.parameters())


def test_objective_defaults_to_fits_loss_and_l2_and_under_no_grad_is_a_number():
    X, y = data.make_moons(20, seed=0)
    model = MLP(2, [4, 1], seed=0)
    history = fit(model, X, y, optimizer=frozen(model), epochs=1, progress=False)
    with no_grad():
        value = nn.objective(model, X, y)
    assert value.data == pytest.approx(history.loss[0], rel=1e-12) and value.parents == ()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"loss": "softmax"}, "hinge, mse, cross_entropy, multiclass_svm"),
        ({"loss": "cross_entropy"}, "one score per class"),
        ({"l2": -1.0}, "l2"),
        ({"y": [2] * 10}, "class id"),
    ],
)
def test_objective_refuses_what_fit_refuses(kwargs, match):
    X, y = data.make_moons(10)
    args = {"y": y, **kwargs}
    with pytest.raises(ValueError, match=match):
        nn.objective(MLP(2, [3, 1], seed=0), X, args.pop("y"), **args)


@pytest.mark.parametrize("loss", ["cross_entropy", "multiclass_svm"])
def test_linear_classifier_learns_blobs(loss):
    X, y = data.make_blobs(90, classes=3, noise=0.5, seed=0)
    model = LinearClassifier(2, 3, seed=0)
    history = fit(model, X, y, loss=loss, lr=0.1, epochs=60, progress=False)
    assert history.accuracy[-1] >= 0.95


def test_adam_with_minibatches_learns_circles():
    X, y = data.make_circles(60, seed=0)
    model = MLP(2, [8, 1], activation="tanh", seed=0)
    opt = optim.Adam(model.parameters(), lr=0.05)
    history = fit(model, X, y, optimizer=opt, batch_size=20, epochs=60, progress=False)
    assert (nn.predict(model, X) == y).mean() >= 0.9
    assert history.loss[-1] < history.loss[0]


def test_a_callable_loss_gets_outputs_and_class_ids():
    X, y = data.make_moons(10)
    seen = {}

    def loss(outs, labels):
        seen["labels"] = list(labels)
        return losses.mse(outs, labels)

    fit(MLP(2, [3, 1], seed=0), X, y, loss=loss, epochs=1, progress=False)
    assert seen["labels"] == y.tolist()


def test_prediction_builds_no_graph():
    seen_ops = []

    def spy(v):
        seen_ops.append(v.op)
        return v.relu()

    model = MLP(2, [3, 1], activation=spy, seed=0)
    grid = np.stack(np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 5)), -1).reshape(-1, 2)
    predictions = nn.predict(model, grid)
    assert predictions.shape == (25,) and set(predictions.tolist()) <= {0, 1}
    assert seen_ops and set(seen_ops) == {""}  # every pre-activation was a bare leaf


def test_parameters_stay_leaves_after_training():
    X, y = data.make_moons(10)
    model = MLP(2, [3, 1], seed=0)
    fit(model, X, y, epochs=2, progress=False)
    assert all(type(p) is nn.Parameter and p.parents == () for p in model.parameters())


def test_progress_bar_shows_only_when_asked(capsys):
    X, y = data.make_moons(10)
    fit(MLP(2, [2, 1], seed=0), X, y, epochs=2, progress=False)
    assert capsys.readouterr().err == ""
    fit(MLP(2, [2, 1], seed=0), X, y, epochs=2, progress=True)
    assert "fit" in capsys.readouterr().err


def test_history_as_dict_is_plain_lists():
    X, y = data.make_moons(10)
    history = fit(MLP(2, [2, 1], seed=0), X, y, epochs=3, progress=False)
    d = history.as_dict()
    assert set(d) == {"loss", "accuracy"} and len(d["loss"]) == 3
    assert all(isinstance(v, float) for v in d["loss"] + d["accuracy"])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"loss": "softmax"}, "hinge, mse, cross_entropy, multiclass_svm"),
        ({"X": [1.0, 2.0]}, "2-D"),
        ({"X": [[np.nan, 1.0]] * 10}, "finite"),
        ({"X": [["a", "b"]] * 10}, "real numbers"),
        ({"X": np.zeros((10, 3))}, "expected 2 inputs"),
        ({"y": [0, 1]}, "labels"),
        ({"y": [0.5] * 10}, "integer"),
        ({"y": [2] * 10}, "class id"),
        ({"y": [-1] * 10}, "class id"),
        ({"loss": "cross_entropy"}, "one score per class"),
        ({"epochs": 0}, "epochs"),
        ({"batch_size": 0}, "batch_size"),
        ({"l2": -1.0}, "l2"),
        ({"lr": float("inf")}, "lr"),
    ],
)
def test_bad_arguments_are_value_errors_and_train_nothing(kwargs, match):
    X, y = data.make_moons(10)
    model = MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    args = {"X": X, "y": y, **kwargs}
    X, y = args.pop("X"), args.pop("y")
    with pytest.raises(ValueError, match=match):
        fit(model, X, y, progress=False, **args)
    assert model.state_dict() == before


def test_a_hinge_model_needs_one_output():
    X, y = data.make_moons(10)
    with pytest.raises(ValueError, match="one output"):
        fit(MLP(2, [3, 2]), X, y, loss="hinge", progress=False)


def test_fit_takes_plain_nested_lists_as_well_as_arrays():
    X, y = data.make_moons(10)
    a, b = MLP(2, [3, 1], seed=0), MLP(2, [3, 1], seed=0)
    fit(a, X, y, epochs=2, progress=False)
    fit(b, X.tolist(), y.tolist(), epochs=2, progress=False)
    assert a.state_dict() == b.state_dict()


def test_predict_reads_a_several_output_model_by_its_arg_max_whatever_the_loss():
    """Regression: after the loss table, predict(LinearClassifier(...)) with the default
    loss read 0/1 off the first score instead of the arg-max."""
    from nn import LinearClassifier, predict

    model = LinearClassifier(2, 3, seed=0)
    X = [[1.0, 0.5], [-1.0, 2.0], [0.3, -0.7], [2.0, 2.0]]
    expected = [max(range(3), key=[s.data for s in model(x)].__getitem__) for x in X]
    assert predict(model, X).tolist() == expected
    assert predict(model, X, loss="cross_entropy").tolist() == expected


def test_progress_to_a_file_is_a_plain_line_every_tenth_of_the_epochs(tmp_path):
    import subprocess
    import sys

    script = (
        "import nn\n"
        "X, y = nn.data.make_moons(20, noise=0.1, seed=0)\n"
        "nn.fit(nn.MLP(2, [4, 1], seed=0), X, y, epochs=20, lr=0.5)\n"
    )
    log = tmp_path / "log.txt"
    with open(log, "w") as stderr:
        subprocess.run([sys.executable, "-c", script], stderr=stderr, check=True, timeout=120)
    lines = log.read_text().splitlines()
    assert [line.split()[2] for line in lines] == [f"{k}/20" for k in range(2, 21, 2)]
    assert all(line.startswith("fit: epoch ") and "loss " in line for line in lines)
    assert "\r" not in log.read_text()


def test_fit_refuses_what_is_not_an_optimiser_or_is_another_models():
    X, y = nn.data.make_moons(20, seed=0)
    model, other = nn.MLP(2, [2, 1], seed=0), nn.MLP(2, [2, 1], seed=1)
    with pytest.raises(TypeError, match="optimizer must be an optimiser .* got int"):
        fit(model, X, y, optimizer=5, epochs=1, progress=False)
    with pytest.raises(ValueError, match="updates none of this model's parameters"):
        fit(model, X, y, optimizer=optim.SGD(other.parameters(), lr=0.1), epochs=1, progress=False)


def test_a_class_id_too_large_for_an_int_is_a_value_error():
    X, _ = nn.data.make_moons(20, seed=0)
    with pytest.raises(ValueError, match="far too large to be a class id"):
        fit(nn.MLP(2, [2, 1], seed=0), X, [10**30] * 20, epochs=1, progress=False)
