"""Notebook 08_curvature: it runs top to bottom in a real kernel and shows its facts;
its exercises' check says "not yet" until solved, and the solutions pass it."""

from __future__ import annotations

import pytest
from runner import outputs_of_type

FACTS = {  # read from the kernel after the last cell
    "cube_derivatives": "[d.data for d in derivatives[1:]]",
    "tanh_second_error": "max(abs(x.grad - closed_second), abs(second.data - closed_second))",
    "bowl_hessian_error": "float(np.abs(H_bowl - A).max())",
    "bowl_newton_error": "float(np.linalg.norm(p_newton - p_star))",
    "bowl_gd_steps": "bowl_gd_steps",
    "rosenbrock_newton_steps": "len(newton_path) - 1",
    "rosenbrock_newton_error": "float(np.linalg.norm(newton_path[-1] - 1))",
    "rosenbrock_gd_steps": "len(gd_path) - 1",
    "rosenbrock_gd_error": "float(np.linalg.norm(gd_path[-1] - 1))",
    "l2_hessian_max_error": "max(hessian_errors)",
    "l2_lambdas": "lambdas",
    "l2_eigenvalues": "[[float(low), float(high)] for low, high in eigenvalue_pairs]",
    "l2_condition_numbers": "[float(c) for c in condition_numbers]",
    "exercise_results": "exercise_results",
    "exercise_correct": "exercise_correct",
}


def test_08_curvature_runs_and_shows_its_facts(run_notebook):
    nb, r = run_notebook("08_curvature.ipynb", FACTS)
    assert r["cube_derivatives"] == [27.0, 18.0, 6.0, 0.0]  # x³ at 3, by nested ag.grad
    assert r["tanh_second_error"] < 1e-12  # backward over the graph of ∂f/∂x gives f''
    assert outputs_of_type(nb, "image/svg+xml") >= 1  # the graph of ∂f/∂x is drawn
    assert r["bowl_hessian_error"] < 1e-12
    assert r["bowl_newton_error"] < 1e-12  # one Newton step lands on the minimum
    assert r["bowl_gd_steps"] > 20  # ...where gradient descent zig-zags for many
    assert r["rosenbrock_newton_steps"] <= 6 and r["rosenbrock_newton_error"] < 1e-10
    assert r["rosenbrock_gd_steps"] == 5000
    assert r["rosenbrock_gd_error"] > 0.05  # 5000 gradient steps are still on the way
    assert r["l2_hessian_max_error"] < 1e-12  # H = (2/n) XᵀX + 2λI
    (low0, high0) = r["l2_eigenvalues"][0]
    for lam, (low, high) in zip(r["l2_lambdas"], r["l2_eigenvalues"]):
        shifts = [low - low0, high - high0]
        assert shifts == [pytest.approx(2 * lam, abs=1e-12)] * 2  # L2 adds 2λ to each
    conditions = r["l2_condition_numbers"]
    assert conditions == sorted(conditions, reverse=True) and conditions[0] > 100 * conditions[-1]
    assert outputs_of_type(nb, "image/png") >= 3  # bowl, Rosenbrock, L2 contours
    # the starter: every answer still None, so the check says "not yet" to each
    assert r["exercise_correct"] is False
    assert all(v.startswith("not yet:") for v in r["exercise_results"].values())
    assert sorted(r["exercise_results"]) == ["1", "2", "3"]


def test_08_solutions_pass_the_exercise_check(run_notebook):
    _, r = run_notebook(
        "solutions/08_curvature.ipynb", {"ok": "exercise_correct", "each": "exercise_results"}
    )
    assert r["each"] == {"1": "correct", "2": "correct", "3": "correct"}
    assert r["ok"] is True
