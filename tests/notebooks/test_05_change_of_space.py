"""Notebook 05_change_of_space: it runs top to bottom in a real kernel and shows its facts."""

from __future__ import annotations

from runner import outputs_of_type

FACTS = {"r": "RESULT"}  # read from the kernel after the last cell


def test_05_change_of_space_runs_and_shows_its_facts(run_notebook):
    nb, facts = run_notebook("05_change_of_space.ipynb", FACTS)
    r = facts["r"]
    assert r["accuracy_xy"] < 0.8
    assert r["accuracy_polar"] > 0.95
    # "nearly a circle": the boundary's radius drifts by little over a turn of θ
    assert r["boundary_radius_drift"] < 0.1 * r["boundary_radius"]
