"""The layering DESIGN.md promises: nn and viz use only what autograd/__init__.py exports."""

import ast
from pathlib import Path

import pytest

import autograd as ag

PUBLIC = set(ag.__all__) | {"abs", "compile", "max", "min", "pow", "sum"}  # not in __all__
ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(p for pkg in ("nn", "viz") for p in (ROOT / pkg).rglob("*.py"))


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_nn_and_viz_import_only_autograds_public_names(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("autograd"):
            assert node.module == "autograd", f"{path.name} imports {node.module}"
            for alias in node.names:
                assert alias.name in PUBLIC, f"{path.name} imports autograd.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                assert not alias.name.startswith("autograd."), f"{path.name}: {alias.name}"
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == "ag":  # import autograd as ag; ag.<name>
                assert node.attr in PUBLIC, f"{path.name} uses ag.{node.attr}"


def test_every_package_is_listed_for_installation():
    """Regression: viz/cli/ was missing from pyproject's packages (an editable install
    hid it; `pip install chainrule` would have had no command line)."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    listed = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    found = sorted(
        ".".join(p.parent.relative_to(ROOT).parts)
        for pkg in ("autograd", "nn", "viz")
        for p in (ROOT / pkg).rglob("__init__.py")
    )
    assert sorted(listed) == found
