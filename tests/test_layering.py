"""The layering DESIGN.md promises: nn and viz use only what autograd/__init__.py exports."""

import ast
from pathlib import Path

import pytest

import autograd as ag

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(p for pkg in ("nn", "viz") for p in (ROOT / pkg).rglob("*.py"))


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_nn_and_viz_import_only_autograds_public_names(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("autograd"):
            assert node.module == "autograd", f"{path.name} imports {node.module}"
            for alias in node.names:
                assert alias.name in ag.__all__ or hasattr(ag, alias.name), alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                assert not alias.name.startswith("autograd."), f"{path.name}: {alias.name}"
