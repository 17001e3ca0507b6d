"""Notebook 06_mlp: it runs top to bottom in a real kernel and shows its facts."""

from __future__ import annotations

from runner import outputs_of_type

FACTS = {  # read from the kernel after the last cell
    "demo_accuracy": "demo_accuracy",
    "min_margin": "min(margins)",
    "graph_values": "graph_values",
    "folded_nodes": "folded_nodes",
    "linear": "linear[1:]",  # (train accuracy, test accuracy)
    "big": "big[1:]",
    "l2_train_accuracy": "[run[1] for run in regularised]",  # λ = 0, 3e-3, 3e-2
    "l2_test_accuracy": "[run[2] for run in regularised]",
    "weight_norms": "weight_norms",
    "spiral_accuracy": "spiral_accuracy",
    "classes": "len(set(y_spiral.tolist()))",
    "W1_shape": "list(W1.shape)",
    "W2_shape": "list(W2.shape)",
    "numpy_accuracy": "numpy_accuracy",
    "unit_maps_shape": "list(unit_maps.shape)",
    "alive_units": "H - dead_units",
    "exercise_check": "exercise_check",
}


def test_06_mlp_runs_and_shows_its_facts(run_notebook):
    nb, r = run_notebook("06_mlp.ipynb", FACTS)
    assert r["demo_accuracy"] >= 0.95
    assert r["min_margin"] >= 1.0  # "every training point clears the margin"
    assert r["folded_nodes"] < 80 < r["graph_values"]
    assert outputs_of_type(nb, "image/svg+xml") >= 1  # the small folded MLP is drawn
    # overfitting: the big model fits every training point, tests at least 10 points lower
    (linear_train, linear_test), (big_train, big_test) = r["linear"], r["big"]
    assert big_train == 1.0 > linear_train
    assert big_train - big_test >= 0.10
    assert linear_train - linear_test < 0.5 * (big_train - big_test)
    # L2 repairs it: smaller weights, test accuracy up, the gap closed by more than half
    train, test = r["l2_train_accuracy"], r["l2_test_accuracy"]
    gap = [a - b for a, b in zip(train, test)]
    assert train[0] == big_train and test[0] == big_test  # λ = 0 is the big model
    norms = r["weight_norms"]
    assert norms[2] < norms[1] < norms[0]
    assert test[1] > max(test[0], test[2])  # a little L2 tests best
    assert gap[1] < 0.5 * gap[0]
    assert train[2] <= linear_train  # too much: back to the linear fit
    # the lecture's full model s = W2 max(0, W1 x) with the multiclass SVM loss
    assert r["classes"] == 3
    assert r["W1_shape"] == [24, 2] and r["W2_shape"] == [3, 24]  # H × D, C × H
    assert r["spiral_accuracy"] >= 0.8
    assert r["numpy_accuracy"] == r["spiral_accuracy"]  # W2 h + b2 reads the same classes
    assert r["unit_maps_shape"][1] == 24  # one map per hidden unit
    assert r["alive_units"] >= 8
    assert r["exercise_check"].startswith("not yet")  # the starter is not the answer


def test_06_solution_passes_its_check(run_notebook):
    _, r = run_notebook("solutions/06_mlp.ipynb", {"check": "exercise_check"})
    assert r["check"] == "correct"
