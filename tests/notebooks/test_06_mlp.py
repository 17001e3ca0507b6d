"""Notebook 06_mlp: it runs top to bottom in a real kernel and shows its facts."""

from __future__ import annotations

from runner import outputs_of_type

FACTS = {"r": "RESULT"}  # read from the kernel after the last cell


def test_06_mlp_runs_and_shows_its_facts(run_notebook):
    nb, facts = run_notebook("06_mlp.ipynb", FACTS)
    r = facts["r"]
    assert r["demo_accuracy"] >= 0.95
    assert r["collapsed_nodes"] < 80 < r["graph_values"]
    assert r["strong_l2_weight_norm"] < r["l2_weight_norm"] < r["no_l2_weight_norm"]
    train, test = r["capacity_train_accuracy"], r["capacity_test_accuracy"]
    gap = [a - b for a, b in zip(train, test)]
    assert train[-1] == 1.0 > max(train[:-1])  # the biggest model fits the training points best
    assert max(test) - min(test) < 0.02  # ...but all three test about the same
    assert gap[-1] > 3 * max(gap[:-1])  # overfitting shows as the train-test gap
    train, test = r["l2_train_accuracy"], r["l2_test_accuracy"]  # λ = 0, 1e-3, 3e-2
    assert test[1] > max(test[0], test[2])  # a little L2 tests best
    assert train[1] - test[1] < 0.5 * (train[0] - test[0])  # ...closing most of the gap
    assert train[2] <= r["capacity_train_accuracy"][0]  # too much: back to the linear fit
