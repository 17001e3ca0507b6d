"""Notebook 09_scalars_to_tensors: the moons step's program and its groups, the step
timed three ways, the lecture's full-size net trained compiled beside numpy; its
exercise says "not yet" until solved, and the solution passes it."""

from __future__ import annotations

from runner import outputs_of_type

FACTS = {  # read from the kernel after the last cell
    "n_groups": "n_groups",
    "n_nodes": "n_nodes",
    "moons_grad_difference": "float(moons_grad_difference)",
    "t_values": "t_values",
    "t_compiled": "t_compiled",
    "t_numpy": "t_numpy",
    "big_groups": "big_groups",
    "big_matmuls": "[g.matmul for g in big_program.groups if g.matmul]",
    "big_grad_difference": "float(big_grad_difference)",
    "loss_curve_difference": "float(loss_curve_difference)",
    "final_w1_difference": "float(final_w1_difference)",
    "steps": "len(compiled_losses)",
    "learned": "compiled_losses[-1] < compiled_losses[0] / 10",
    "exercise_correct": "exercise_correct",
}


def _printed(nb) -> str:
    return "".join(out.get("text", "") for cell in nb.cells for out in cell.get("outputs", []))


def test_09_scalars_to_tensors_runs_and_shows_its_facts(run_notebook):
    nb, r = run_notebook("09_scalars_to_tensors.ipynb", FACTS)
    assert r["n_nodes"] > 11_000 and r["n_groups"] < 20  # eleven thousand nodes, ~17 groups
    assert r["moons_grad_difference"] < 1e-12
    assert r["t_values"] > r["t_compiled"] > 0 and r["t_numpy"] > 0
    assert r["big_groups"] == ["dot", "sigmoid", "dot", "-", "**2", "sum"]
    assert r["big_matmuls"] == [[64, 1000, 100], [64, 100, 10]]
    assert r["big_grad_difference"] < 1e-12
    assert r["steps"] == 200 and r["learned"]  # 2000 extrapolated from the measured pace
    assert r["loss_curve_difference"] < 1e-9 and r["final_w1_difference"] < 1e-9
    assert outputs_of_type(nb, "image/png") >= 1  # the two loss curves
    assert r["exercise_correct"] is False and "not yet:" in _printed(nb)


def test_09_solution_passes_the_exercise_check(run_notebook):
    nb, r = run_notebook("solutions/09_scalars_to_tensors.ipynb", {"ok": "exercise_correct"})
    assert r["ok"] is True
    assert "correct: the replay follows the kink" in _printed(nb)
