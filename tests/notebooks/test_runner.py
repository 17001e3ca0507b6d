"""The comparison of stored and fresh outputs: what counts as the same to a reader."""

from __future__ import annotations

import nbformat
from runner import WIDGET_VIEW, differences, without_widget_views


def notebook(*outputs_per_cell, tags=()):
    cells = []
    for outputs in outputs_per_cell:
        cell = nbformat.v4.new_code_cell("print(1)")
        cell.outputs = [nbformat.from_dict(o) for o in outputs]
        if tags:
            cell.metadata["tags"] = list(tags)
        cells.append(cell)
    return nbformat.v4.new_notebook(cells=cells)


def stream(text):
    return {"output_type": "stream", "name": "stdout", "text": text}


def test_text_split_into_chunks_differently_is_the_same():
    one = notebook([stream("a\nb\n")])
    two = notebook([stream("a\n"), stream("b\n")])
    assert differences(one, two) == []


def test_other_text_differs_and_names_the_cell():
    found = differences(notebook([stream("a\n")]), notebook([stream("b\n")]))
    assert len(found) == 1 and "code cell 0" in found[0]


def test_a_timing_cell_is_compared_by_kind_only():
    fast = notebook([stream("took 1.2 s\n")], tags=["timing"])
    slow = notebook([stream("took 9.9 s\n")], tags=["timing"])
    assert differences(fast, slow) == []
    assert differences(fast, notebook([], tags=["timing"])) != []


def test_pictures_compare_by_their_words_not_their_layout():
    svg = '<svg width="10pt"><g><text x="1">∂f/∂q = z</text></g></svg>'
    moved = '<svg width="12pt"><g><text x="5">∂f/∂q = z</text></g></svg>'
    other = '<svg width="10pt"><g><text x="1">∂f/∂z = q</text></g></svg>'

    def shown(markup):
        return [{"output_type": "display_data", "metadata": {}, "data": {"image/svg+xml": markup}}]

    assert differences(notebook(shown(svg)), notebook(shown(moved))) == []
    assert differences(notebook(shown(svg)), notebook(shown(other))) != []


def widget(model_id, words="a picture: run the notebook to explore it live"):
    view = {"version_major": 2, "version_minor": 1, "model_id": model_id}
    data = {WIDGET_VIEW: view, "text/html": f"<div><svg><text>{words}</text></svg></div>",
            "text/plain": "<viz.Explorer of f>"}  # fmt: skip
    return [{"output_type": "display_data", "metadata": {}, "data": data}]


def test_a_widget_compares_by_its_static_picture_not_its_model_id():
    stored = without_widget_views(notebook(widget("3f2a")))
    assert WIDGET_VIEW not in stored.cells[0].outputs[0]["data"]
    assert differences(stored, notebook(widget("9c1e"))) == []  # a fresh run: a new id
    assert differences(notebook(widget("3f2a")), notebook(widget("9c1e"))) == []
    assert differences(stored, notebook(widget("9c1e", words="another picture"))) != []


def test_stored_notebooks_keep_no_widget_state():
    nb = notebook(widget("3f2a"))
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    assert "widgets" not in without_widget_views(nb).metadata


def test_a_rounding_cell_is_compared_by_kind_only_too():
    one = notebook([stream("largest |Δ|: 4.2e-17\n")], tags=["rounding"])
    other = notebook([stream("largest |Δ|: 5.6e-17\n")], tags=["rounding"])
    assert differences(one, other) == []
    assert differences(notebook([stream("4.2e-17\n")]), notebook([stream("5.6e-17\n")])) != []
