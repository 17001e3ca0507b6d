"""Notebook 08_curvature: it runs top to bottom in a real kernel and shows its facts."""

from __future__ import annotations

import pytest

from runner import outputs_of_type

FACTS = {"r": "RESULT"}  # read from the kernel after the last cell


def test_08_curvature_runs_and_shows_its_facts(run_notebook):
    nb, facts = run_notebook("08_curvature.ipynb", FACTS)
    r = facts["r"]
    assert r["cube_derivatives"] == [27.0, 18.0, 6.0, 0.0]  # x³ at 3, by nested ag.grad
    assert r["tanh_second_error"] < 1e-12  # backward over the graph of ∂f/∂x gives f''
    assert outputs_of_type(nb, "image/svg+xml") >= 1  # the graph of ∂f/∂x is drawn
    assert r["bowl_hessian_error"] < 1e-12
    assert r["bowl_newton_error"] < 1e-12  # one Newton step lands on the minimum
    assert r["bowl_gd_steps"] > 20  # ...where gradient descent zig-zags for many
    assert r["rosenbrock_newton_steps"] <= 6 and r["rosenbrock_newton_error"] < 1e-10
    assert r["rosenbrock_gd_error"] > 0.05  # 5000 gradient steps are still on the way
    assert r["l2_hessian_max_error"] < 1e-12  # H = (2/n) XᵀX + 2λI
    for lam, shifts in zip(r["l2_lambdas"], r["l2_eigenvalue_shifts"]):
        assert shifts == [pytest.approx(2 * lam, abs=1e-12)] * 2  # L2 adds 2λ to each
    conditions = r["l2_condition_numbers"]
    assert conditions == sorted(conditions, reverse=True) and conditions[0] > 100 * conditions[-1]
    assert outputs_of_type(nb, "image/png") >= 3  # bowl, Rosenbrock, L2 contours
