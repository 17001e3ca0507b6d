"""Notebook 11_to_pytorch: notebook 06's moons model trained in chainrule, exported to
PyTorch, compared number for number and trained on in both engines (skipped, saying
why, where torch is not installed)."""

from __future__ import annotations

import time

import pytest
from runner import outputs_of_type

pytest.importorskip("torch", reason="torch is not installed: pip install 'chainrule[torch]'")

FACTS = {  # read from the kernel after the last cell
    "chainrule_accuracy": "chainrule_accuracy",
    "parameters": "len(model.parameters())",
    "same_weights": "same_weights",
    "torch_layers": "[type(m).__name__ for m in net]",
    "output_diff": "output_diff",
    "grad_diff": "grad_diff",
    "all_agree": "comparison.approximate",
    "gradient_rows": "len(comparison.gradient_rows)",
    "largest_gradient": "max(abs(g.data) for g in __import__('autograd').grad("
    "nn.objective(model, X_more, y_more, l2=0.0), model.parameters()))",  # hinge's
    "curve_lengths": "[len(more.loss), len(torch_curve)]",
    "curve_diff": "curve_diff",
    "curve_drop": "more.loss[0] - more.loss[-1]",
    "after_agree": "comparison_after.approximate",
    "after_grad_diff": "comparison_after.max_grad_diff",
    "accuracies": "[twin_accuracy, torch_accuracy]",
    "same_predictions": "same_predictions",
    "exercise_check": "exercise_check",
}


def test_11_to_pytorch_runs_and_shows_its_facts(run_notebook):
    start = time.perf_counter()
    nb, r = run_notebook("11_to_pytorch.ipynb", FACTS)
    assert time.perf_counter() - start < 60
    assert r["chainrule_accuracy"] == 1.0 and r["parameters"] == 337  # notebook 06's demo
    assert r["same_weights"] is True
    assert r["torch_layers"] == ["Linear", "ReLU", "Linear", "ReLU", "Linear"]
    # the same numbers: outputs and every gradient to 1e-12, and the gradients are real
    assert r["all_agree"] and r["output_diff"] <= 1e-12 and r["grad_diff"] <= 1e-12
    assert r["gradient_rows"] == 6  # three weights, three biases
    assert r["largest_gradient"] > 1e-3
    # trained on in both engines: the same loss curve, falling, and the same model after
    assert r["curve_lengths"] == [50, 50]
    assert r["curve_diff"] <= 1e-10 and r["curve_drop"] > 0.01
    assert r["after_agree"] and r["after_grad_diff"] <= 1e-12
    assert r["accuracies"][0] == r["accuracies"][1] >= 0.9 and r["same_predictions"]
    assert outputs_of_type(nb, "text/html") == 2  # the comparison tables
    assert outputs_of_type(nb, "image/png") == 1  # the loss curves
    nexts = nb.cells[-4].source
    assert all(word in nexts for word in ("GPU", "DataLoader", "DistributedDataParallel"))
    assert r["exercise_check"].startswith("not yet")  # the starter is not the answer


def test_11_solution_passes_its_check(run_notebook):
    _, r = run_notebook("solutions/11_to_pytorch.ipynb", {"check": "exercise_check"})
    assert r["check"] == "correct"
