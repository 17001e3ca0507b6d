"""Notebook 02_perceptron: it runs top to bottom in a real kernel and shows its facts."""

from __future__ import annotations

from runner import outputs_of_type

FACTS = {"r": "RESULT"}  # read from the kernel after the last cell


def test_02_perceptron_runs_and_shows_its_facts(run_notebook):
    nb, facts = run_notebook("02_perceptron.ipynb", FACTS)
    r = facts["r"]
    assert r["separable_final_errors"] == 0
    assert r["separable_epochs"] < r["max_epochs"]
    assert r["xor_min_errors"] > 0  # XOR: no epoch without a mistake
    assert r["xor_epochs"] == r["max_epochs"]
    assert outputs_of_type(nb, "image/png") >= 2
