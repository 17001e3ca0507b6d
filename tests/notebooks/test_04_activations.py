"""Notebook 04_activations: it runs top to bottom in a real kernel and shows its facts."""

from __future__ import annotations

from runner import outputs_of_type

FACTS = {  # read from the kernel after the last cell
    "max_derivative_error": "largest_error",
    "maxout_loser_grads": "loser_grads",
    "maxout_winner_w_grads": "winner_weight_grads",
    "maxout_input": "[xv.data]",
    "collapse_max_diff": "collapse_max_diff",
    "with_relu_max_diff": "with_relu_max_diff",
    "kinks_in_range": "len(kinks_in_range)",
    "smallest_slope_jump": "min(abs(j) for j in slope_jumps)",
    "kink_gaps": "[b - a for a, b in zip(kinks, kinks[1:])]",
    "exercise_check": "softsign_check",
}


def test_04_activations_runs_and_shows_its_facts(run_notebook):
    nb, r = run_notebook("04_activations.ipynb", FACTS)
    assert r["max_derivative_error"] < 1e-6
    # the drawn Maxout graph holds one sample's gradients: the losing piece gets none,
    # the winning piece's weights get the input (upstream 1 × local x)
    assert r["maxout_loser_grads"] == [0.0, 0.0]
    assert r["maxout_winner_w_grads"] == r["maxout_input"]
    assert outputs_of_type(nb, "image/svg+xml") >= 1  # the Maxout graph is drawn
    assert r["collapse_max_diff"] < 1e-12  # W2·(W1 x) == (W2 W1) x: one linear map
    assert r["with_relu_max_diff"] > 1e-3  # ...and no single matrix does it with ReLU
    # "up to 8 kinks": all 8 inside the plotted range, each a visible bend, apart
    assert r["kinks_in_range"] == 8
    assert r["smallest_slope_jump"] > 0.3
    assert min(r["kink_gaps"]) > 0.3
    assert r["exercise_check"].startswith("not yet")  # the starter is not the answer


def test_04_solution_passes_its_check(run_notebook):
    _, r = run_notebook("solutions/04_activations.ipynb", {"check": "softsign_check"})
    assert r["check"] == "correct"
