"""Notebook 07_numpy_to_values: it runs top to bottom in a real kernel and shows its facts;
its exercise's check says "not yet" until solved, and the solution passes it."""

from __future__ import annotations

import math

from runner import outputs_of_type

FACTS = {  # read from the kernel after the last cell
    "shapes": "{name: list(a.shape) for name, a in shapes.items()}",
    "forward_difference": "forward_difference",
    "max_grad_difference": "float(max_grad_difference)",
    "loss_values": "loss.data",
    "loss_numpy": "float(loss_np)",
    "max_loss_curve_difference": "max(abs(a - b) for a, b in zip(numpy_losses, values_losses))",
    "final_w1_difference": "float(final_w1_difference)",
    "numpy_seconds": "t_numpy",
    "values_seconds": "t_values",
    "numpy_big_seconds": "t_big",
    "values_seconds_per_sample_big": "per_sample[4]",
    "values_big_seconds_extrapolated": "t_full",
    "exercise_correct": "exercise_correct",
}

LECTURE_SHAPES = {  # the lecture's three-layer forward pass, one sample as a column
    "x": [3, 1],
    "W1": [4, 3],
    "h1": [4, 1],
    "W2": [4, 4],
    "h2": [4, 1],
    "W3": [1, 4],
    "out": [1, 1],
}


def _printed(nb) -> str:
    return "".join(out.get("text", "") for cell in nb.cells for out in cell.get("outputs", []))


def test_07_numpy_to_values_runs_and_shows_its_facts(run_notebook):
    nb, r = run_notebook("07_numpy_to_values.ipynb", FACTS)
    assert r["shapes"] == LECTURE_SHAPES
    assert r["forward_difference"] < 1e-12  # the lecture's 3-layer forward pass, numpy vs Layers
    assert r["max_grad_difference"] < 1e-9
    assert math.isclose(r["loss_values"], r["loss_numpy"], rel_tol=1e-12)
    assert r["max_loss_curve_difference"] < 1e-9  # 100 training steps, step for step
    assert r["final_w1_difference"] < 1e-9
    assert outputs_of_type(nb, "image/png") >= 2  # the gradient scatter, the loss curves
    assert r["values_seconds"] > r["numpy_seconds"] > 0
    # the full-size Values step is an extrapolation, 64 × one sample's measured time
    assert math.isclose(
        r["values_big_seconds_extrapolated"], 64 * r["values_seconds_per_sample_big"]
    )
    assert r["values_big_seconds_extrapolated"] > r["numpy_big_seconds"] > 0
    assert "Measured now" in _printed(nb)  # the ratios are printed as measurements
    assert r["exercise_correct"] is False  # the starter: the check says "not yet"
    assert "not yet:" in _printed(nb)


def test_07_solution_passes_the_exercise_check(run_notebook):
    nb, r = run_notebook("solutions/07_numpy_to_values.ipynb", {"ok": "exercise_correct"})
    assert r["ok"] is True
    assert "correct: both bias gradients agree with backward()" in _printed(nb)
