"""The notebooks as they are committed: each one a lesson, stored executed, and the
kernel the suite runs them in."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from runner import NOTEBOOKS, WIDGET_VIEW, all_notebooks, execute

HERE = Path(__file__).resolve().parent
LESSONS = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))


def test_every_lesson_has_its_test_and_every_test_its_lesson():
    tested = sorted(
        p.name[len("test_") : -len(".py")] + ".ipynb" for p in HERE.glob("test_[0-9]*.py")
    )
    assert LESSONS == tested
    assert LESSONS[:8] == [
        "01_backprop.ipynb",
        "02_perceptron.ipynb",
        "03_linear_classifier.ipynb",
        "04_activations.ipynb",
        "05_change_of_space.ipynb",
        "06_mlp.ipynb",
        "07_numpy_to_values.ipynb",
        "08_curvature.ipynb",
    ]


def test_every_lesson_opens_with_what_it_teaches_and_ends_in_an_exercise():
    for name in LESSONS:
        nb = nbformat.read(NOTEBOOKS / name, as_version=4)
        nbformat.validate(nb)
        assert nb.cells[0].cell_type == "markdown", f"{name} should open with what it teaches"
        assert any("xercise" in c.source for c in nb.cells[-4:]), name


@pytest.mark.parametrize("name", LESSONS)
def test_a_lesson_is_stored_executed_so_that_its_pictures_show_on_github(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), name
    assert sum(len(c.outputs) for c in code) > 0, name


@pytest.mark.parametrize("path", all_notebooks(), ids=lambda p: p.name)
def test_a_widget_is_stored_as_its_static_picture(path):
    """No widget model ids and no widget state: nbconvert and GitHub show the picture."""
    nb = nbformat.read(path, as_version=4)
    assert "widgets" not in nb.metadata, path.name
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert WIDGET_VIEW not in out.get("data", {}), path.name


@pytest.mark.notebook
def test_the_python3_kernel_runs_this_interpreter(kernel_dirs, tmp_path):
    probe = "import os, sys; print(sys.executable); print(os.getcwd())"
    nb = execute(
        nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(probe)]), kernel_dirs, tmp_path
    )
    executable, cwd = nb.cells[0].outputs[0]["text"].split()
    assert Path(executable) == Path(sys.executable)
    assert Path(cwd).resolve() == tmp_path.resolve()
