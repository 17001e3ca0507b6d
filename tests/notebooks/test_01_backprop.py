"""Notebook 01_backprop: it runs top to bottom in a real kernel and shows its facts."""

from __future__ import annotations

from runner import outputs_of_type

FACTS = {"r": "RESULT"}  # read from the kernel after the last cell


def test_01_backprop_runs_and_shows_its_facts(run_notebook):
    nb, facts = run_notebook("01_backprop.ipynb", FACTS)
    r = facts["r"]
    assert (r["dx"], r["dy"], r["dz"], r["dq"]) == (-4.0, -4.0, 3.0, -4.0)
    assert r["f"] == -12.0
    assert r["steps"] == 3  # frame 0 (the seed) and one frame per interior node
    assert r["edge_steps"] == 5  # the lecture's reveals: ∂f/∂f, ∂f/∂q, ∂f/∂z, ∂f/∂x, ∂f/∂y
    assert r["explain_y"] == "∂f/∂y = ∂f/∂q · ∂q/∂y = z · 1 = -4 · 1 = -4"
    assert sorted(r["explain_fan_out_terms"]) == [1.0, 5.0]  # ∂g/∂x = y·1 + 1
    assert outputs_of_type(nb, "text/latex") >= 2  # explain shows as a formula
    assert r["gradcheck"] is True
    assert r["max_numeric_error"] < 1e-6
    assert outputs_of_type(nb, "image/svg+xml") >= 2  # the graph is drawn, not printed
    assert outputs_of_type(nb, "text/html") >= 1  # the step-through player
