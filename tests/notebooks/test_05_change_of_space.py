"""Notebook 05_change_of_space: it runs top to bottom in a real kernel and shows its facts."""

from __future__ import annotations

FACTS = {  # read from the kernel after the last cell
    "accuracy_xy": "accuracy_xy",
    "accuracy_polar": "accuracy_polar",
    "boundary_radius": "boundary_radius",
    "boundary_radius_drift": "boundary_radius_drift",
    "exercise_check": "exercise_check",
}


def test_05_change_of_space_runs_and_shows_its_facts(run_notebook):
    _, r = run_notebook("05_change_of_space.ipynb", FACTS)
    assert r["accuracy_xy"] < 0.8
    assert r["accuracy_polar"] > 0.95
    # "nearly a circle": the boundary's radius drifts by little over a turn of θ
    assert r["boundary_radius_drift"] < 0.1 * r["boundary_radius"]
    assert r["exercise_check"].startswith("not yet")  # the starter is not the answer


def test_05_solution_passes_its_check(run_notebook):
    facts = {"check": "exercise_check", "accuracy": "accuracy_squares"}
    _, r = run_notebook("solutions/05_change_of_space.ipynb", facts)
    assert r["check"] == "correct"
    assert r["accuracy"] > 0.95  # (x², y²): a line there is an ellipse in the plane
