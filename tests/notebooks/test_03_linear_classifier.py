"""Notebook 03_linear_classifier: it runs top to bottom in a real kernel and shows its facts."""

from __future__ import annotations

from runner import outputs_of_type

FACTS = {"r": "RESULT"}  # read from the kernel after the last cell


def test_03_linear_classifier_runs_and_shows_its_facts(run_notebook):
    nb, facts = run_notebook("03_linear_classifier.ipynb", FACTS)
    r = facts["r"]
    assert r["final_loss"] < r["initial_loss"]
    assert r["accuracy"] >= 0.95
    assert r["gradcheck"] is True
    # checked at the starting weights, where margins are violated: the SVM data loss's
    # own gradient is checked, not only the L2 term's 2λw
    assert r["gradcheck_violated_margins"] > 0
    assert r["gradcheck_data_grad_max"] > 0.1
    assert r["templates_shape"] == [3, 2]
    assert r["template_alignment"] > 0.8  # each template points at its class's blob
