"""Fixtures for the notebook tests: a ``python3`` kernel of this interpreter, and
``run_notebook(name, facts)`` that executes a notebook, checks that its stored outputs
are what a fresh run gives, and returns the run and the facts read from its kernel."""

from __future__ import annotations

import pytest

pytest.importorskip("nbformat")
pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

import nbformat  # noqa: E402
from runner import NOTEBOOKS, differences, install_kernel, run_with_facts  # noqa: E402


@pytest.fixture(scope="session")
def kernel_dirs(tmp_path_factory) -> list[str]:
    return install_kernel(tmp_path_factory.mktemp("jupyter"))


@pytest.fixture
def run_notebook(kernel_dirs, tmp_path):
    """``run_notebook("01_backprop.ipynb", {"dx": "x.grad"})`` -> (executed nb, facts).

    The name is relative to notebooks/ (``solutions/01_backprop.ipynb`` for a
    solution). It fails when a cell raises, when a cell prints a warning, or when the
    outputs stored in the file differ from this run's (``make notebooks`` stores them).
    """

    def run(name: str, facts: dict[str, str]):
        path = NOTEBOOKS / name
        nb, found = run_with_facts(path, facts, kernel_dirs, tmp_path)
        warnings = [
            line
            for cell in nb.cells
            for out in cell.get("outputs", [])
            if out.get("output_type") == "stream" and out.get("name") == "stderr"
            for line in out["text"].splitlines()
            if "Warning" in line
        ]
        assert not warnings, f"{name} printed warnings: {warnings}"
        stale = differences(nbformat.read(path, as_version=4), nb)
        assert not stale, f"{name}: run `make notebooks` to store its outputs: {stale}"
        return nb, found

    return run


def pytest_collection_modifyitems(items):
    """Every test here that starts a kernel is a notebook test (``pytest -m notebook``)."""
    for item in items:
        if "kernel_dirs" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.notebook)
            item.add_marker(pytest.mark.slow)
