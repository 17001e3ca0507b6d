"""``chainrule graph``: run as a subprocess in a temp dir; its table, files and refusals."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

import viz
from viz import cli

LECTURE = ["x=-2", "y=5", "z=-4"]
PNG = b"\x89PNG\r\n\x1a\n"
needs_renderer = pytest.mark.skipif(viz.find_renderer() is None, reason="no Graphviz renderer")


def table(stdout: str) -> dict[str, tuple[str, str, str]]:
    """The printed gradient table as {node: (op, value, grad)}."""
    rows = {}
    for line in stdout.splitlines()[1:]:
        parts = line.split()
        if len(parts) == 4:
            rows[parts[0]] = (parts[1], parts[2], parts[3])
    return rows


@needs_renderer
def test_lecture_graph_prints_values_and_gradients_and_writes_svg_and_html(tmp_path, chainrule):
    done = chainrule(
        "graph", "(x + y) * z", *LECTURE, "-o", "f.svg", "--html", "s.html", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    rows = table(done.stdout)
    assert rows["x"] == ("input", "-2", "-4")
    assert rows["y"] == ("input", "5", "-4")
    assert rows["z"] == ("input", "-4", "3")
    assert rows["out"] == ("*", "-12", "1")
    assert rows["·"] == ("+", "3", "-4")
    svg = ET.fromstring((tmp_path / "f.svg").read_text(encoding="utf-8"))
    texts = {t.text for t in svg.iter() if t.tag.endswith("text")}
    assert {"x", "y", "z", "out", "-12", "-4", "3"} <= texts
    page = (tmp_path / "s.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") >= 3


def test_assignments_name_the_nodes_in_the_table_and_the_dot_file(tmp_path, chainrule):
    done = chainrule("graph", "q = x + y; f = q * z", *LECTURE, "-o", "f.dot", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = table(done.stdout)
    assert list(rows) == ["x", "y", "q", "z", "f"]
    assert rows["q"] == ("+", "3", "-4") and rows["f"] == ("*", "-12", "1")
    dot = (tmp_path / "f.dot").read_text(encoding="utf-8")
    assert dot.startswith("digraph") and all(name in dot for name in "xyzqf")


def test_inputs_may_follow_the_options(tmp_path, chainrule):
    done = chainrule("graph", "x * y", "-o", "g.dot", "x=2", "y=3", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert table(done.stdout)["out"] == ("*", "6", "1")


def test_no_local_leaves_local_gradients_off_the_edges(tmp_path, chainrule):
    assert chainrule("graph", "(x + y) * z", *LECTURE, "-o", "a.dot", cwd=tmp_path).returncode == 0
    args = ("graph", "(x + y) * z", *LECTURE, "-o", "b.dot", "--no-local")
    assert chainrule(*args, cwd=tmp_path).returncode == 0
    with_local = (tmp_path / "a.dot").read_text(encoding="utf-8")
    without = (tmp_path / "b.dot").read_text(encoding="utf-8")
    assert with_local != without and len(without) < len(with_local)


@needs_renderer
def test_png_output_has_the_png_signature(tmp_path, chainrule):
    done = chainrule(
        "graph", "tanh(x * w + b)", "x=1", "w=0.5", "b=-0.2", "-o", "n.png", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "n.png").read_bytes().startswith(PNG)


REFUSED = [
    # (expression, inputs, words in the message)
    ("x.real", ["x=1"], "attribute"),
    ("x[0]", ["x=1"], "subscript"),
    ("(lambda: x)()", ["x=1"], "lambda"),
    ("[x for x in y]", ["y=1"], "comprehension"),
    ("x + 'a'", ["x=1"], "strings"),
    ("__import__('os')", [], "dunder"),
    ("__import__('os').system('touch pwned')", [], "attribute"),
    ("import os", [], "import"),
    ("open('pwned', 'w')", [], "not an op"),
    ("foo(x)", ["x=1"], "not an op"),
    ("x + w", ["x=1"], "no value for 'w'"),
    ("x * y", ["x=1"], "no value for 'y'"),
    ("x * y", ["x=1", "y=2", "x=3"], "given twice"),
    ("x * y", ["x=1", "y=abc"], "not a real number"),
    ("x * y", ["x=1", "y=nan"], "finite"),
    ("x * y", ["x=1", "y"], "not name=value"),
    ("x * 2", ["x=1", "z=3"], "does not use"),
    ("q = x * 2; q = x * 3", ["x=1"], "assigned twice"),
    ("y = x * 2; x = y * 2", ["x=1"], "is an input"),
    ("q = x * 2; q", ["x=1", "q=2"], "assigns 'q'"),
    ("leaky_relu(x, beta=1)", ["x=1"], "no parameter 'beta'"),
    ("tanh(x, y)", ["x=1", "y=2"], "takes 1 argument"),
    ("x +", ["x=1"], "not a valid expression"),
    ("x+" * 1001 + "x", ["x=1"], "2003 characters"),
    ("(" * 250 + "x" + ")" * 250, ["x=1"], "nested deeper than 200"),
    ("log(x)", ["x=-1"], "log"),
    ("x / (y - 2)", ["x=1", "y=2"], "division by zero"),
    ("exp(x)", ["x=1000"], "too large"),
]


@pytest.mark.parametrize("expression, inputs, words", REFUSED)
def test_refused_input_exits_2_with_one_line_and_writes_nothing(
    tmp_path, expression, inputs, words, chainrule
):
    done = chainrule("graph", expression, *inputs, "-o", "f.svg", "--html", "s.html", cwd=tmp_path)
    assert done.returncode == 2
    assert words in done.stderr
    assert done.stderr.startswith("chainrule graph: error: ")
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert done.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_refusal_names_the_column(tmp_path, chainrule):
    done = chainrule("graph", "x + y.real", "x=1", "y=2", cwd=tmp_path)
    assert done.returncode == 2 and "column 5" in done.stderr


@pytest.mark.parametrize(
    "options, words",
    [(["-o", "f.txt"], "must end in"), (["-o", "no/such/dir/f.svg"], "does not exist")],
)
def test_bad_output_paths_are_refused_before_anything_runs(tmp_path, options, words, chainrule):
    done = chainrule("graph", "x * 2", "x=1", *options, cwd=tmp_path)
    assert done.returncode == 2 and words in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_bad_arguments_exit_2_without_traceback(tmp_path, chainrule):
    done = chainrule("graph", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr and "usage" in done.stderr


def test_without_a_renderer_svg_is_refused_with_the_fix_and_nothing_written(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(viz.render, "find_renderer", lambda: None)
    status = cli.main(["graph", "x * 2", "x=1", "-o", str(tmp_path / "f.svg")])
    assert status == 1
    assert "pip install graphviz-pure" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    assert cli.main(["graph", "x * 2", "x=1", "-o", str(tmp_path / "f.dot")]) == 0
