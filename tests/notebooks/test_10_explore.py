"""Notebook 10_explore: the lecture graph and a small neuron in viz.explore (a leaf set
from Python, a refused value, the saved page), viz.playground trained; every widget
stored as its still picture; its exercise says "not yet" until solved, and the solution
passes it."""

from __future__ import annotations

from runner import WIDGET_VIEW, outputs_of_type

FACTS = {  # read from the kernel after the last cell
    "f_live": "f_live",
    "dz_live": "dz_live",
    "dx_live": "dx_live",
    "f_user": "f.data",
    "x_user": "x.data",
    "refused": "refused",
    "still": "explorer.root.data",
    "page_addresses": "page_addresses",
    "page_lang": "page.split('<html lang=\"')[1][:2]",
    "neuron_lang": "neuron._lang",
    "w1_grad_live": "w1_grad_live",
    "b_grad_live": "b_grad_live",
    "epoch": "playground.epoch",
    "first_loss": "first_loss",
    "last_loss": "last_loss",
    "test_accuracy": "test_accuracy",
    "exercise_correct": "exercise_correct",
}


def _printed(nb) -> str:
    return "".join(out.get("text", "") for cell in nb.cells for out in cell.get("outputs", []))


def _widget_pictures(nb) -> list[str]:
    """The text/html of each displayed widget (its repr names viz.Explorer/Playground)."""
    return [
        out["data"]["text/html"]
        for cell in nb.cells
        for out in cell.get("outputs", [])
        if "<viz." in out.get("data", {}).get("text/plain", "")
    ]


def test_10_explore_runs_and_shows_its_facts(run_notebook):
    nb, r = run_notebook("10_explore.ipynb", FACTS)
    assert (r["f_live"], r["dz_live"], r["dx_live"]) == (-32.0, 8.0, -4.0)  # x = 3
    assert (r["x_user"], r["f_user"]) == (-2.0, -12.0)  # the user's graph untouched
    assert r["refused"].startswith("TypeError: Value data must be a real number")
    assert r["still"] == -32.0
    assert r["page_addresses"] == ["http://www.w3.org/1999/xlink", "http://www.w3.org/2000/svg"]
    assert r["page_lang"] == "en"
    assert r["neuron_lang"] == "ru"
    assert abs(r["w1_grad_live"] - 2.0) < 1e-12 and abs(r["b_grad_live"] - 1.0) < 1e-12
    assert r["epoch"] == 150 and r["last_loss"] < r["first_loss"] / 2
    assert r["test_accuracy"] >= 0.85
    assert r["exercise_correct"] is False and "not yet: set my_x" in _printed(nb)


def test_10_explore_stores_each_widget_as_its_still_picture():
    import nbformat
    from runner import NOTEBOOKS

    nb = nbformat.read(NOTEBOOKS / "10_explore.ipynb", as_version=4)
    pictures = _widget_pictures(nb)
    assert len(pictures) == 3 and all("<svg" in p for p in pictures)
    assert "run the notebook to explore it live" in pictures[0]
    assert "запустите блокнот, чтобы исследовать граф вживую" in pictures[1]
    assert "epoch 150" in pictures[2] and "<polyline" in pictures[2]  # trained, its curve
    assert outputs_of_type(nb, "image/svg+xml") == 3 and outputs_of_type(nb, WIDGET_VIEW) == 0
    assert "widgets" not in nb.metadata


def test_10_solution_passes_the_exercise_check(run_notebook):
    nb, r = run_notebook("solutions/10_explore.ipynb", {"ok": "exercise_correct"})
    assert r["ok"] is True
    assert "correct: z no longer matters to f there" in _printed(nb)
