"""The comparison of stored and fresh outputs: what counts as the same to a reader."""

from __future__ import annotations

import nbformat
from runner import differences


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
