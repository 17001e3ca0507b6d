"""``chainrule graph``: run as a subprocess in a temp dir; its table, files and refusals."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import autograd as ag
import nn
import viz
import viz.cli.outputs
from viz import cli
from viz.cli.expression import parse
from viz.cli.table import gradient_table

LECTURE = ["x=-2", "y=5", "z=-4"]
PNG = b"\x89PNG\r\n\x1a\n"
needs_renderer = pytest.mark.skipif(viz.find_renderer() is None, reason="no Graphviz renderer")


def table(stdout: str) -> dict[str, tuple[str, str, str]]:
    """The printed gradient table as {node: (op, value, grad)}."""
    rows = {}
    for line in stdout.splitlines()[1:]:
        parts = re.split(r"\s{2,}", line.strip())  # a node may read "x + y"
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
    assert rows["x + y"] == ("+", "3", "-4")
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


def test_explain_prints_the_derivation_and_by_edge_and_lang_reach_the_player(tmp_path, chainrule):
    args = ("graph", "q = x + y; f = q * z", *LECTURE, "--explain", "y", "--html", "s.html")
    done = chainrule(*args, "--by", "edge", "--lang", "ru", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "∂f/∂y = ∂f/∂q · ∂q/∂y = z · 1 = -4 · 1 = -4" in done.stdout
    page = (tmp_path / "s.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 5 and '<html lang="ru">' in page


def test_explain_of_an_unknown_name_is_refused_naming_the_choices(tmp_path, chainrule):
    done = chainrule("graph", "q = x + y; f = q * z", *LECTURE, "--explain", "w", cwd=tmp_path)
    assert done.returncode == 2 and "no such name (names: x, y, z, q, f)" in done.stderr
    assert list(tmp_path.iterdir()) == []


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
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1 and "chainrule graph --help" in done.stderr


def test_without_a_renderer_svg_is_refused_with_the_fix_and_nothing_written(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(viz.render, "find_renderer", lambda: None)
    status = cli.main(["graph", "x * 2", "x=1", "-o", str(tmp_path / "f.svg")])
    assert status == 1
    assert "pip install graphviz-pure" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    assert cli.main(["graph", "x * 2", "x=1", "-o", str(tmp_path / "f.dot")]) == 0


def one_line_refusal(done, *words: str) -> bool:
    """Exit 2, one line on stderr holding every word, no traceback."""
    lines = done.stderr.strip().splitlines()
    return (
        done.returncode == 2
        and len(lines) == 1
        and "Traceback" not in done.stderr
        and all(w in lines[0] for w in words)
    )


@pytest.mark.parametrize(
    "options, bad",
    [
        (["-o", "{ro}/a.svg"], "{ro}/a.svg"),
        (["-o", "{ro}/a.dot"], "{ro}/a.dot"),
        (["-o", "ok.svg", "--html", "{ro}/s.html"], "{ro}/s.html"),  # ok.svg not written first
        (["--html", "ok.html", "-o", "{ro}/a.dot"], "{ro}/a.dot"),
    ],
)
def test_unwritable_output_is_refused_with_one_line_and_nothing_written(
    tmp_path, unwritable, options, bad, chainrule
):
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    options = [o.format(ro=unwritable) for o in options]
    done = chainrule("graph", "x * 2", "x=1", *options, cwd=cwd)
    assert one_line_refusal(done, bad.format(ro=unwritable)), done.stderr
    assert ".tmp" not in done.stderr
    assert done.stdout == ""
    assert list(cwd.iterdir()) == []


def test_output_folder_that_is_a_file_is_refused(tmp_path, chainrule):
    (tmp_path / "afile").write_text("")
    done = chainrule("graph", "x * 2", "x=1", "-o", "afile/f.dot", cwd=tmp_path)
    assert one_line_refusal(done, "afile/f.dot", "not a directory"), done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


def test_a_folder_without_write_permission_is_refused(tmp_path, monkeypatch, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode, **kw: Path(p) != locked and real_access(p, mode, **kw)
    )
    status = cli.main(["graph", "x * 2", "x=1", "-o", str(locked / "f.dot")])
    err = capsys.readouterr().err
    assert status == 2 and str(locked / "f.dot") in err and len(err.strip().splitlines()) == 1
    assert f"folder {str(locked)!r} is not writable" in err  # nn.files.check_target's reason
    assert list(locked.iterdir()) == []


def test_a_write_that_fails_anyway_is_one_line_naming_the_path_and_leaves_no_file(
    tmp_path, monkeypatch, capsys
):
    """The checks passed but the write failed (the folder changed since): exit 2, and the
    file written before it is removed again; the message names the user's path, not the
    hidden temp file."""

    def failing(path, data):
        path = Path(path)
        if path.suffix == ".html":
            tmp = path.parent / f".{path.name}.x1y2.tmp"
            raise PermissionError(13, "Permission denied", str(tmp))
        nn.files.write_atomic(path, data)

    monkeypatch.setattr(viz.cli.outputs, "write_atomic", failing)
    out, html = tmp_path / "f.dot", tmp_path / "s.html"
    status = cli.main(["graph", "x * 2", "x=1", "-o", str(out), "--html", str(html)])
    err = capsys.readouterr().err
    assert status == 2, err
    assert err.startswith("chainrule graph: error: ") and len(err.strip().splitlines()) == 1
    assert str(html) in err and "Permission denied" in err and ".tmp" not in err
    assert list(tmp_path.iterdir()) == []


# -- an expression that starts with '-' (unary minus) ---------------------------------


@pytest.mark.parametrize(
    "argv, out",
    [
        (["-x", "x=1"], ("neg", "-1", "1")),
        (["-(x+y)*z", "x=1", "y=2", "z=3"], ("*", "-9", "1")),
        (["-x * y", "x=2", "y=3"], ("*", "-6", "1")),
        (["-o", "f.dot", "-x*y", "x=2", "y=3"], ("*", "-6", "1")),
        (["-x*y", "-o", "f.dot", "x=2", "--no-local", "y=3"], ("*", "-6", "1")),
        (["--no-local", "-x*y", "x=2", "--html=s.html", "y=3"], ("*", "-6", "1")),
        (["-omega*x", "omega=2", "x=3"], ("*", "-6", "1")),  # not -o "mega*x"
        (["--", "-x*y", "x=2", "y=3"], ("*", "-6", "1")),  # the old way still works
    ],
)
def test_an_expression_may_start_with_a_minus(tmp_path, argv, out, chainrule):
    done = chainrule("graph", *argv, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert table(done.stdout)["out"] == out
    if "f.dot" in argv:
        assert (tmp_path / "f.dot").read_text(encoding="utf-8").startswith("digraph")


def test_options_keep_their_meaning_beside_a_leading_minus(tmp_path, chainrule):
    done = chainrule("graph", "-h", cwd=tmp_path)
    assert done.returncode == 0 and "usage" in done.stdout and "'-'" in done.stdout
    done = chainrule("graph", "-x", "x=1", "--bogus", cwd=tmp_path)
    assert done.returncode == 2 and "--bogus" in done.stderr and "Traceback" not in done.stderr
    done = chainrule("graph", "-x", "x=1", "-ob.dot", cwd=tmp_path)
    assert done.returncode == 0 and (tmp_path / "b.dot").exists()
    done = chainrule("graph", "-o", cwd=tmp_path)
    assert done.returncode == 2 and "-o" in done.stderr


# -- the table tells unnamed nodes apart ------------------------------------------------


def test_unnamed_nodes_are_described_by_their_op_and_operands(tmp_path, chainrule):
    done = chainrule("graph", "tanh(x * w + b) * tanh(x) - 2 ** x", "x=1", "w=0.5", "b=-0.2",
                     cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = table(done.stdout)
    assert "·" not in rows  # no bare dot for a whole node
    assert rows["x * w"][0] == "*"
    assert rows["(x * w) + b"][0] == "+"
    assert rows["tanh((x * w) + b)"][0] == "tanh"
    assert rows["tanh(x)"][0] == "tanh"
    assert rows["· * tanh(x)"][0] == "*"  # a long operand description is left out
    assert rows["2"] == ("const", "2", rows["2"][2])
    assert rows["2 ** x"][0] == "**"
    assert rows["out"][0] == "-"


def test_repeated_descriptions_are_numbered_so_every_row_differs():
    built = parse("tanh(x + 1) + tanh(x + 1) + tanh(x + 1)").evaluate({"x": 0.5})
    built.root.backward()
    names = [re.split(r"\s{2,}", line)[0] for line in gradient_table(built.root).splitlines()]
    assert len(names) == len(set(names)), names
    assert "tanh(x + 1) #2" in names and "tanh(x + 1) #3" in names and "x + 1 #3" in names


@pytest.mark.parametrize(
    "text, described",
    [
        ("-x * 2", "-x"),
        ("x ** 2 + 1", "x**2"),
        ("x ** -1 + 1", "x**-1"),
        ("leaky_relu(x, alpha=0.2) + 1", "leaky_relu(x)"),
        ("max(x, y, 3) + 1", "max(x, y, 3)"),
        ("dot(x, y, y, x) + 1", "dot(x, y, y, x)"),
        ("sum(x, y, x, y, x, y) + 1", "sum(x, y, x, …)"),
    ],
)
def test_each_kind_of_op_has_a_short_description(text, described):
    built = parse(text).evaluate({n: 2.0 for n in parse(text).inputs})
    names = [re.split(r"\s{2,}", line)[0] for line in gradient_table(built.root).splitlines()]
    assert described in names, names


@pytest.fixture
def modulo_op():
    """A user op written with ``%``, removed again afterwards (OPS and Value)."""
    name, dunders = "modulo_cli_test", ("__mod__", "__rmod__")

    @ag.op(name, operator="%", dunders=dunders)
    def _modulo(x, y):
        return x % y, (1.0, -(x // y))

    yield name
    del ag.OPS[name]
    for attribute in (name, *dunders):
        delattr(ag.Value, attribute)


def test_graph_help_lists_the_registered_operators_user_ops_included(modulo_op, capsys):
    assert cli.main(["graph", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "+ - * / ** %, unary -" in help_text
    assert parse("x % y").evaluate({"x": 7, "y": 3}).root.data == 1


def test_graph_help_lists_no_operator_that_is_not_registered(capsys):
    assert cli.main(["graph", "--help"]) == 0
    assert "%" not in capsys.readouterr().out
