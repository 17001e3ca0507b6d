"""``chainrule demo``: the README's first command, as a subprocess in a temp dir."""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET

import pytest

import nn
import viz
from viz import cli

PNG = b"\x89PNG\r\n\x1a\n"
needs_renderer = pytest.mark.skipif(viz.find_renderer() is None, reason="no Graphviz renderer")


def table(stdout: str) -> dict[str, tuple[str, str, str]]:
    """The printed gradient table as {node: (op, value, grad)}."""
    rows = {}
    for line in stdout.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[0] in "xyzqf":
            rows[parts[0]] = (parts[1], parts[2], parts[3])
    return rows


@pytest.mark.slow
@needs_renderer
def test_demo_writes_the_lecture_graph_its_steps_and_a_moons_model_in_under_a_minute(
    tmp_path, chainrule
):
    start = time.perf_counter()
    done = chainrule("demo", "--out", "demo", cwd=tmp_path)
    seconds = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    assert seconds < 60
    assert table(done.stdout) == {
        "x": ("input", "-2", "-4"),
        "y": ("input", "5", "-4"),
        "q": ("+", "3", "-4"),
        "z": ("input", "-4", "3"),
        "f": ("*", "-12", "1"),
    }
    out = tmp_path / "demo"
    svg = ET.fromstring((out / "f.svg").read_text(encoding="utf-8"))
    texts = {t.text for t in svg.iter() if t.tag.endswith("text")}
    assert {"x", "y", "z", "q", "f", "-12"} <= texts
    assert any(t and t.startswith("∂f/∂") for t in texts)  # local gradients on the edges
    assert (out / "steps.html").read_text(encoding="utf-8").count("<svg") == 3
    assert (out / "moons.png").read_bytes().startswith(PNG)
    assert isinstance(nn.load(out / "moons.json"), nn.MLP)
    accuracy = float(re.search(r"final accuracy ([0-9.]+)", done.stdout).group(1))
    assert accuracy >= 0.95
    for name in ("f.svg", "steps.html", "moons.png", "moons.json"):
        assert name in done.stdout
    assert "fit" in done.stderr  # the progress bar


@pytest.mark.slow
def test_demo_defaults_to_its_own_folder_and_overwrites_its_own_files(tmp_path, chainrule):
    assert chainrule("demo", "--epochs", "2", cwd=tmp_path).returncode == 0
    folder = tmp_path / "chainrule-demo"
    before = (folder / "moons.json").stat().st_mtime_ns
    time.sleep(0.01)
    done = chainrule("demo", "--epochs", "2", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (folder / "moons.json").stat().st_mtime_ns > before
    (folder / "notes.txt").write_text("mine")  # someone else's file: refused, then forced
    done = chainrule("demo", "--epochs", "2", cwd=tmp_path)
    assert done.returncode == 2 and "notes.txt" in done.stderr and "--force" in done.stderr
    assert chainrule("demo", "--epochs", "2", "--force", cwd=tmp_path).returncode == 0
    assert (folder / "notes.txt").read_text() == "mine"


def test_demo_without_a_renderer_writes_dot_and_says_how_to_get_svg(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(viz.render, "find_renderer", lambda: None)
    assert cli.main(["demo", "--out", str(tmp_path), "--epochs", "1"]) == 0
    printed = capsys.readouterr().out
    assert "pip install graphviz-pure" in printed
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["f.dot", "moons.json", "moons.png"]
    assert (tmp_path / "f.dot").read_text(encoding="utf-8").startswith("digraph")


def test_demo_refuses_an_out_that_is_a_file(tmp_path, chainrule):
    (tmp_path / "taken").write_text("")
    done = chainrule("demo", "--out", "taken", cwd=tmp_path)
    assert done.returncode == 2 and "not a directory" in done.stderr


@pytest.mark.parametrize("sub", ["y", "y/deeper"])
def test_demo_into_an_unwritable_folder_is_refused_with_one_line(
    tmp_path, unwritable, sub, chainrule
):
    out = unwritable / sub
    done = chainrule("demo", "--out", str(out), "--epochs", "1", cwd=tmp_path)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and "Traceback" not in done.stderr
    assert str(out) in lines[0] and ".tmp" not in lines[0]
    assert done.stdout == "" and list(tmp_path.iterdir()) == [] and not out.exists()


@pytest.mark.parametrize("out", ["chainrule-demo", "a/b", "ABSOLUTE"])
def test_demo_prints_the_predict_command_with_the_real_model_path(
    tmp_path, monkeypatch, capsys, out
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(viz.render, "find_renderer", lambda: None)
    argv = ["demo", "--epochs", "1"]
    if out == "ABSOLUTE":
        argv += ["--out", str(tmp_path / "abs")]
        shown = "abs/moons.json"  # under the working folder: shown relative to it
    elif out != "chainrule-demo":
        argv += ["--out", out]
        shown = f"{out}/moons.json"
    else:
        shown = "chainrule-demo/moons.json"
    assert cli.main(argv) == 0
    printed = capsys.readouterr().out
    assert f"chainrule predict {shown} 0.5 -0.2" in printed
    assert "chainrule predict moons.json" not in printed
    assert (tmp_path / shown).exists()


def test_demo_quotes_a_model_path_with_a_space(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(viz.render, "find_renderer", lambda: None)
    assert cli.main(["demo", "--epochs", "1", "--out", "my demo"]) == 0
    assert "chainrule predict 'my demo/moons.json' 0.5 -0.2" in capsys.readouterr().out
