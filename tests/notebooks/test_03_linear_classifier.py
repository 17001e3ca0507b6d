"""Notebook 03_linear_classifier: it runs top to bottom in a real kernel and shows its facts."""

from __future__ import annotations

import re

from runner import outputs_of_type

# read from the kernel after the last cell
FACTS = {
    "sizes": "[list(W.shape), int(xi.shape[0]), int(S.shape[1])]",
    "margin_terms": "sorted(margin_terms.values())",
    "L_i": "L_i.data",
    "L_i_by_hand": "L_i_by_hand",
    "graph_svg_head": "loss_graph.svg()[:2000]",
    "relu_nodes": "loss_graph.source.count('relu')",
    "sample_max_difference": "float(np.abs(by_hand_i - np.array(backward_i)).max())",
    "max_difference": "max_difference",
    "grad_W_max": "float(np.abs(grad_W).max())",
    "gradcheck": "gradcheck_passed",
    "violated_margins": "violated_margins",
    "data_grad_max": "max(abs(d) for d in data_grad)",
    "initial_loss": "history[0]",
    "final_loss": "history[-1]",
    "accuracy": "accuracy",
    "templates_shape": "list(W_trained.shape)",
    "template_alignment": "float(min(cosines))",
    "softmax_verdicts": "softmax_verdicts",
}


def test_03_linear_classifier_runs_and_shows_its_facts(run_notebook):
    nb, facts = run_notebook("03_linear_classifier.ipynb", FACTS)
    assert facts["sizes"] == [[3, 2], 2, 3]  # W ∈ R^{C×D}, x ∈ R^D, s ∈ R^C
    # the drawn sample violates exactly one margin and meets the other
    low, high = facts["margin_terms"]
    assert low == 0.0 and high > 0
    assert abs(facts["L_i"] - facts["L_i_by_hand"]) < 1e-12
    assert abs(facts["L_i"] - high) < 1e-12
    width = float(re.search(r'<svg width="([\d.]+)pt', facts["graph_svg_head"]).group(1))
    assert width * 4 / 3 <= 1100  # fitted to a ~900 px cell without becoming illegible
    assert facts["relu_nodes"] >= 2  # both margin terms are drawn
    # the lecture's gradient on paper, in numpy, is backward's
    assert facts["sample_max_difference"] < 1e-12
    assert facts["max_difference"] < 1e-12
    assert facts["grad_W_max"] > 0.1
    assert facts["gradcheck"] is True
    # checked at the starting weights, where margins are violated: the SVM data loss's
    # own gradient is checked, not only the L2 term's 2λw
    assert facts["violated_margins"] > 0
    assert facts["data_grad_max"] > 0.1
    assert facts["final_loss"] < facts["initial_loss"]
    assert facts["accuracy"] >= 0.95
    assert facts["templates_shape"] == [3, 2]
    assert facts["template_alignment"] > 0.8  # each template points at its class's blob
    assert all("not yet" in v for v in facts["softmax_verdicts"])  # the exercise starts open
    assert outputs_of_type(nb, "image/svg+xml") >= 1
    assert outputs_of_type(nb, "image/png") >= 3
    sources = "\n".join(c.source for c in nb.cells)
    assert "RESULT" not in sources and "Summary" not in sources


def test_03_linear_classifier_solution_passes_its_check(run_notebook):
    _, facts = run_notebook(
        "solutions/03_linear_classifier.ipynb", {"verdicts": "softmax_verdicts"}
    )
    assert facts["verdicts"] == ["my_grad_W: correct", "my_grad_b: correct"]
