"""Notebook 02_perceptron: it runs top to bottom in a real kernel and shows its facts."""

from __future__ import annotations

import re

from runner import outputs_of_type

# read from the kernel after the last cell
FACTS = {
    "max_epochs": "MAX_EPOCHS",
    "step_slopes_max": "max(abs(s) for s in step_slopes)",
    "weight_grads": "weight_grads + [perceptron.b.grad]",
    "output_label": "f.label",
    "graph_svg_head": "perceptron_graph.svg()[:2000]",
    "by_hand": "updates_by_hand",
    "library": "updates_by_library",
    "updates": "updates",
    "line_mistakes": "line_mistakes",
    # the mistakes of each drawn line, recounted here from its weights
    "recounted": "[sum(int((np.dot(w, x) + b > 0) != t) for x, t in zip(X, y))"
    " for w, b in snapshots]",
    "ringed": "[len(points) for points in updated_points]",
    "has_decision_function": "hasattr(p, 'decision_function')",
    "xor_updates": "xor_updates",
    "xor_line_mistakes": "xor_line_mistakes",
    "gate_verdicts": "gate_verdicts",
    "features_verdict": "features_verdict",
}


def test_02_perceptron_runs_and_shows_its_facts(run_notebook):
    nb, facts = run_notebook("02_perceptron.ipynb", FACTS)
    # the step's local gradient is 0, so backward gives every weight 0
    assert facts["step_slopes_max"] == 0.0
    assert facts["weight_grads"] == [0.0, 0.0, 0.0]
    assert facts["output_label"] == "f"  # the lecture's f(x, w, b)
    width = float(re.search(r'<svg width="([\d.]+)pt', facts["graph_svg_head"]).group(1))
    assert width * 4 / 3 <= 950  # the step edge legible in a ~900 px cell
    # the rule by hand is Perceptron.fit
    assert facts["by_hand"] == facts["library"] == facts["updates"]
    # separable data: converges, and each panel counts the mistakes of the line it draws
    assert facts["updates"][-1] == 0
    assert len(facts["updates"]) < facts["max_epochs"]
    assert facts["line_mistakes"] == facts["recounted"]
    assert facts["line_mistakes"][-1] == 0
    assert facts["line_mistakes"] != facts["updates"]  # not the mistakes made during the epoch
    assert facts["ringed"] == facts["updates"]  # every sample that caused an update is marked
    assert facts["has_decision_function"]  # the boundary is a smooth line
    # XOR: never an epoch without a mistake, and the last line is wrong on many points
    assert min(facts["xor_updates"]) > 0
    assert len(facts["xor_updates"]) == facts["max_epochs"]
    assert facts["xor_line_mistakes"] > 0
    # the exercises start unsolved
    assert all("not yet" in v for v in facts["gate_verdicts"])
    assert "not yet" in facts["features_verdict"]
    assert outputs_of_type(nb, "image/png") >= 4
    assert outputs_of_type(nb, "image/svg+xml") >= 1
    sources = "\n".join(c.source for c in nb.cells)
    assert "RESULT" not in sources and "Summary" not in sources


def test_02_perceptron_solutions_pass_their_check(run_notebook):
    _, facts = run_notebook(
        "solutions/02_perceptron.ipynb",
        {"gates": "gate_verdicts", "features": "features_verdict"},
    )
    assert facts["gates"][:2] == ["AND: correct", "OR: correct"]
    assert facts["gates"][2].startswith("XOR: not yet")  # no line computes XOR
    assert facts["features"].startswith("features: correct")
