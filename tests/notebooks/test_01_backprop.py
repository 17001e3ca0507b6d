"""Notebook 01_backprop: it runs top to bottom in a real kernel and shows its facts."""

from __future__ import annotations

from runner import outputs_of_type

FACTS = {  # read from the kernel after the last cell
    "grads": "[x.grad, y.grad, z.grad, q.grad]",
    "f": "f.data",
    "steps": "len(frames)",
    "edge_steps": "len(reveals)",
    "explain_y": "explanation.text",
    "fan_out_terms": "sorted(term.value for term in fan_out.terms)",
    "fan_out_grad": "fan_out.value",
    "worst_numeric_error": "worst_numeric_error",
    "checked": "checked",
    "exercise": "check_exercise(my_df_dx, my_df_dy, my_df_dz)",
}


def test_01_backprop_runs_and_shows_its_facts(run_notebook):
    nb, r = run_notebook("01_backprop.ipynb", FACTS)
    assert r["grads"] == [-4.0, -4.0, 3.0, -4.0]  # the lecture's ∂f/∂x, ∂f/∂y, ∂f/∂z, ∂f/∂q
    assert r["f"] == -12.0
    assert r["steps"] == 3  # frame 0 (the seed) and one frame per interior node
    assert r["edge_steps"] == 5  # the lecture's reveals: ∂f/∂f, ∂f/∂q, ∂f/∂z, ∂f/∂x, ∂f/∂y
    assert r["explain_y"] == "∂f/∂y = ∂f/∂q · ∂q/∂y = z · 1 = -4 · 1 = -4"
    assert r["fan_out_terms"] == [1.0, 5.0] and r["fan_out_grad"] == 6.0  # ∂g/∂x = y·1 + 1
    assert r["worst_numeric_error"] < 1e-6
    assert r["checked"] is True
    assert r["exercise"].startswith("not yet")  # the student's starter: nothing filled in
    assert outputs_of_type(nb, "text/latex") >= 2  # explain shows as a formula
    assert outputs_of_type(nb, "image/svg+xml") >= 2  # the graph is drawn, not printed
    assert outputs_of_type(nb, "text/html") >= 1  # the step-through player


def test_01_solution_passes_its_own_check(run_notebook):
    nb, r = run_notebook(
        "solutions/01_backprop.ipynb", {"verdict": "verdict", "grads": "[x.grad, y.grad, z.grad]"}
    )
    assert r["verdict"] == "correct" and r["grads"] == [-4.0, 9.0, 3.0]
