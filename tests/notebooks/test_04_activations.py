"""Notebook 04_activations: it runs top to bottom in a real kernel and shows its facts."""

from __future__ import annotations

from runner import outputs_of_type

FACTS = {"r": "RESULT"}  # read from the kernel after the last cell


def test_04_activations_runs_and_shows_its_facts(run_notebook):
    nb, facts = run_notebook("04_activations.ipynb", FACTS)
    r = facts["r"]
    assert r["max_derivative_error"] < 1e-6
    # the drawn Maxout graph holds one sample's gradients: the losing piece gets none,
    # the winning piece's weights get the input (upstream 1 × local x)
    assert r["maxout_loser_grads"] == [0.0, 0.0]
    assert r["maxout_winner_w_grads"] == r["maxout_input"]
    assert r["collapse_max_diff"] < 1e-12  # W2·(W1 x) == (W2 W1) x: one linear map
    assert r["with_relu_max_diff"] > 1e-3  # ...and no single matrix does it with ReLU
