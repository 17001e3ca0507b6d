"""Matplotlib pictures: decision boundary, activations with engine derivatives, history."""

from __future__ import annotations

import builtins
import math
from types import SimpleNamespace

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import numpy as np  # noqa: E402

import viz  # noqa: E402
import viz.plots  # noqa: E402
from autograd import Value  # noqa: E402
from nn.losses import custom  # noqa: E402


def test_activation_derivatives_come_from_backward():
    values, slopes = viz.plots.activation_curve("tanh", [-1.0, 0.0, 2.0])
    assert values == pytest.approx([math.tanh(-1), 0.0, math.tanh(2)])
    assert slopes == pytest.approx([1 - math.tanh(x) ** 2 for x in (-1.0, 0.0, 2.0)])
    _, relu_slopes = viz.plots.activation_curve("relu", [-1.0, 0.0, 3.0])
    assert relu_slopes == [0.0, 0.0, 1.0]  # relu'(0) = 0, the engine's kink rule


def test_plot_activations_draws_one_axes_per_activation_with_two_curves():
    fig = viz.plot_activations()
    visible = [a for a in fig.axes if a.get_visible()]
    assert len(visible) == len(viz.plots.PLOTTED)
    assert all(len(a.lines) >= 2 for a in visible)
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    assert viz.plot_activations(["sigmoid", "relu"], ax=ax) is ax.figure
    plt.close("all")


def painted_classes(model, points, loss=None):
    """The class plot_decision_boundary paints at each point: the one whose margin wins."""
    from viz.plots import _class_margins, _class_rule, class_scores

    return (
        _class_margins(np.array(class_scores(model, points)), _class_rule(loss)).argmax(1).tolist()
    )


def sign_model(row):
    """A one-output 'model': score = x0 - x1 (class 1 above the diagonal's right side)."""
    return Value(row[0]) - Value(row[1])


def test_decision_boundary_predicts_on_a_grid_and_returns_axes():
    X = np.array([[1.0, -1.0], [-1.0, 1.0], [2.0, 0.0], [0.0, 2.0]])
    y = np.array([1, 0, 1, 0])
    ax = viz.plot_decision_boundary(sign_model, X, y, resolution=20)
    assert ax.collections  # contour + scatter
    assert painted_classes(sign_model, X) == [1, 0, 1, 0]
    import matplotlib.pyplot as plt

    plt.close("all")


def test_decision_boundary_takes_argmax_for_several_outputs():
    def three_scores(row):
        return [Value(row[0]), Value(row[1]), Value(-row[0] - row[1])]

    assert painted_classes(three_scores, [[2.0, 1.0], [0.0, 1.0], [-3.0, 0.0]]) == [
        0,
        1,
        2,
    ]


def test_decision_boundary_of_a_real_mlp():
    nn = pytest.importorskip("nn")
    X, y = nn.data.make_moons(n=40, seed=0)
    ax = viz.plot_decision_boundary(nn.MLP(2, [8, 1], seed=0), X, y, resolution=15)
    assert ax.get_title() == "decision boundary"


def test_plot_history_draws_loss_and_accuracy():
    history = SimpleNamespace(loss=[1.0, 0.5, 0.25], accuracy=[0.5, 0.75, 1.0])
    ax = viz.plot_history(history)
    assert list(ax.lines[0].get_ydata()) == [1.0, 0.5, 0.25]
    assert len(ax.figure.axes) == 2  # the accuracy twin axis
    import matplotlib.pyplot as plt

    plt.close("all")


def test_missing_matplotlib_names_the_plot_extra(monkeypatch):
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    with pytest.raises(ImportError, match=r"pip install chainrule\[plot\]"):
        viz.plot_history(SimpleNamespace(loss=[1.0], accuracy=[1.0]))


def test_an_unknown_activation_name_is_a_value_error_naming_it_and_the_known_ones():
    with pytest.raises(ValueError, match=r"'foo'.*sigmoid, tanh, relu") as err:
        viz.plot_activations(names=["foo"])
    assert "exp" in str(err.value)  # any one-input op of Value is accepted too
    with pytest.raises(TypeError, match="must be a str"):
        viz.plot_activations([3])
    with pytest.raises(TypeError, match="activation name or a list"):
        viz.plot_activations(5)
    with pytest.raises(ValueError, match="empty"):
        viz.plot_activations([])


def test_a_single_activation_name_is_a_one_element_list():
    import matplotlib.pyplot as plt

    fig = viz.plot_activations("relu")
    visible = [a for a in fig.axes if a.get_visible()]
    assert len(visible) == 1 and visible[0].lines[0].get_label() == "relu"
    assert viz.plots.check_activation_names("relu") == ["relu"]
    plt.close("all")


def test_plot_history_takes_a_mapping_like_history_as_dict():
    import matplotlib.pyplot as plt

    nn = pytest.importorskip("nn")
    history = nn.History(loss=[1.0, 0.5], accuracy=[0.5, 1.0])
    for given in (history.as_dict(), {**history.as_dict(), "final_accuracy": 1.0}):
        ax = viz.plot_history(given)
        assert list(ax.lines[0].get_ydata()) == [1.0, 0.5]
        assert len(ax.figure.axes) == 2
    assert len(viz.plot_history({"loss": [1.0]}).figure.axes) == 1  # accuracy optional
    plt.close("all")


@pytest.mark.parametrize("bad", [[1.0, 0.5], 3, "loss", {"loss": "abc"}])
def test_plot_history_refuses_other_things_with_a_type_error(bad):
    with pytest.raises(TypeError, match="plot_history needs|must be a list"):
        viz.plot_history(bad)


def test_plot_history_mapping_without_loss_is_a_value_error_listing_its_keys():
    with pytest.raises(ValueError, match=r"'loss'.*\['acc'\]"):
        viz.plot_history({"acc": [1.0]})


def test_a_step_output_still_gets_both_regions():
    import numpy as np

    from viz.plots import _class_margins

    margins = _class_margins(
        np.array([[0.0], [1.0], [0.0]]), custom(None)
    )  # a perceptron's 0/1 outputs
    assert (margins[:, 0] > 0).tolist() == [True, False, True]  # class 0 where output is 0
    assert (margins[:, 1] > 0).tolist() == [False, True, False]


def test_ties_between_scores_go_to_the_first_class_as_argmax_does():
    import numpy as np

    from viz.plots import _class_margins

    margins = _class_margins(np.array([[1.0, 1.0, 0.0], [0.0, 2.0, 2.0]]), custom(None))
    assert (margins > 0).tolist() == [[True, False, False], [False, True, False]]


def test_the_losss_threshold_moves_the_one_output_boundary():
    model = lambda x: Value(x[0])  # noqa: E731 - a one-output "model": score = first coordinate
    points = [[0.2, 0.0], [0.7, 0.0]]
    assert painted_classes(model, points) == [1, 1]
    assert painted_classes(model, points, loss="mse") == [0, 1]


def test_the_painted_class_is_the_one_the_loss_predicts_for_any_model_shape():
    """The plot and nn.predict read classes by one rule (LossSpec.reads_one_output)."""
    from nn.losses import LOSSES

    model = lambda x: [Value(-1.0), Value(2.0)]  # noqa: E731
    for name in ("hinge", "cross_entropy", "mse"):
        assert LOSSES[name].predicted_class([-1.0, 2.0]) == 1  # several outputs: the arg-max
        assert painted_classes(model, [[0.0, 0.0]], loss=name) == [1]
    one = lambda x: Value(0.3)  # noqa: E731
    assert painted_classes(one, [[0.0, 0.0]], loss="mse") == [0]  # 0.3 <= 0.5
    assert painted_classes(one, [[0.0, 0.0]], loss="hinge") == [1]  # 0.3 > 0


def test_decision_boundary_checks_its_resolution():
    X, y = np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([0, 1])
    for bad in (0, 1, "a", 2.5):
        with pytest.raises(ValueError, match="resolution"):
            viz.plot_decision_boundary(sign_model, X, y, resolution=bad)


def test_margins_agree_with_the_loss_rows_class_rule_on_random_scores():
    """The plots' vectorised reading and LossSpec.predicted_class never drift apart."""
    from nn.losses import LOSSES
    from viz.plots import _class_margins

    rng = np.random.default_rng(0)
    for nout in (1, 2, 3):
        scores = rng.integers(-2, 3, size=(200, nout)).astype(float) / 2  # many ties
        for rule in (*LOSSES.values(), custom(None)):
            painted = _class_margins(scores, rule).argmax(axis=1).tolist()
            assert painted == [rule.predicted_class(list(row)) for row in scores], rule.name


def test_a_perceptrons_boundary_is_its_line_not_a_staircase():
    from nn import Perceptron

    p = Perceptron(2)
    p.w[0].data, p.w[1].data, p.b.data = 1.0, -2.0, 0.3  # the line x - 2y + 0.3 = 0
    assert p.decision_function([1.0, 0.5]) == pytest.approx(0.3)
    assert p.predict([1.0, 0.5]) == 1 and p.predict([0.0, 0.5]) == 0
    X = np.array([[-1.0, -1.0], [1.0, 1.0], [1.0, -1.0], [-1.0, 1.0]])
    y = [p.predict(x) for x in X]
    ax = viz.plot_decision_boundary(p, X, y, resolution=40)
    # the drawn boundary lies on the line: every vertex of the 0-level contour
    # satisfies x - 2y + 0.3 = 0 to within the grid's interpolation (exact for a plane)
    vertices = np.concatenate(
        [
            path.vertices
            for c in ax.collections
            for path in c.get_paths()
            if len(path.vertices) and c.get_linewidth().size
        ]
    )
    line = [v for v in vertices if abs(v[0] - 2 * v[1] + 0.3) < 1e-6]
    assert len(line) > 10
    matplotlib.pyplot.close("all")


def test_test_points_are_drawn_hollow_and_must_come_in_pairs():
    X = np.array([[0.0, 0.0], [1.0, 1.0]])

    def score(x):
        return Value(x[0] - 0.5)

    ax = viz.plot_decision_boundary(
        score, X, [0, 1], X_test=[[0.2, 0.9], [0.8, 0.1]], y_test=[0, 1]
    )
    labels = [c.get_label() for c in ax.collections]
    assert "class 0, test" in labels and "class 1, test" in labels
    hollow = next(c for c in ax.collections if c.get_label() == "class 1, test")
    assert tuple(hollow.get_facecolors()[0][:3]) == (1.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="X_test and y_test together"):
        viz.plot_decision_boundary(score, X, [0, 1], X_test=[[0.0, 0.0]])
    with pytest.raises(ValueError, match="X_test of shape"):
        viz.plot_decision_boundary(score, X, [0, 1], X_test=[[0.0, 0.0]], y_test=[0, 1])
    matplotlib.pyplot.close("all")


def test_an_op_with_a_domain_is_plotted_where_it_is_defined():
    values, slopes = viz.plots.activation_curve("log", [-1.0, 0.0, 1.0, 2.0])
    assert math.isnan(values[0]) and math.isnan(values[1]) and values[2] == 0.0
    assert slopes[3] == 0.5
    fig = viz.plot_activations("log")
    assert len(fig.axes) == 1
    with pytest.raises(ValueError, match="defined at none of x"):
        viz.plots.activation_curve("log", [-2.0, -1.0])
    matplotlib.pyplot.close("all")


def test_a_large_class_id_costs_no_more_than_a_small_one():
    import time

    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.5, 0.2]])

    def model(x):
        return [Value(x[0]), Value(x[1])]

    start = time.perf_counter()
    ax = viz.plot_decision_boundary(model, X, [0, 1, 5000], resolution=10)
    assert time.perf_counter() - start < 30  # was minutes: one pass per possible class id
    assert "class 5000" in [c.get_label() for c in ax.collections]
    matplotlib.pyplot.close("all")
