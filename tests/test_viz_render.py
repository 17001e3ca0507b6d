"""Graph: rendering with a real dot / graphviz-pure binary, saving, and life without one."""

from __future__ import annotations

import os

import pytest

import viz
import viz.render
from autograd import Value

HAS_RENDERER = viz.find_renderer() is not None
needs_renderer = pytest.mark.skipif(
    not HAS_RENDERER, reason="no dot and no graphviz-pure: pip install chainrule[render]"
)


@pytest.fixture
def lecture_graph(lecture):
    """Draws the lecture graph after backward, fresh on each call."""

    def draw():
        *_, f = lecture()
        f.backward()
        return viz.draw_graph(f)

    return draw


@pytest.fixture
def no_renderer(monkeypatch):
    monkeypatch.setattr(viz.render, "find_renderer", lambda: None)


@needs_renderer
def test_real_binary_renders_svg_holding_the_labels_and_numbers(lecture_graph):
    svg = lecture_graph().svg()
    assert svg.lstrip().startswith("<?xml") or "<svg" in svg[:400]
    for text in [">x<", ">y<", ">z<", ">q<", ">f<"]:
        assert text in svg
    assert "&#45;12<" in svg or ">-12<" in svg  # f's data; dot writes - as &#45;


@needs_renderer
def test_save_writes_svg_png_and_dot_by_suffix(tmp_path, lecture_graph):
    graph = lecture_graph()
    assert graph.save(tmp_path / "f.svg").read_text().count("<svg") == 1
    assert (graph.save(tmp_path / "f.png")).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (graph.save(tmp_path / "f.dot")).read_text() == graph.source
    assert sorted(os.listdir(tmp_path)) == ["f.dot", "f.png", "f.svg"]  # no temp files left


def test_unknown_suffix_is_refused_before_anything_is_written(tmp_path, lecture_graph):
    with pytest.raises(ValueError, match=r"\.svg, \.png or \.dot"):
        lecture_graph().save(tmp_path / "f.pdf")
    assert os.listdir(tmp_path) == []


@needs_renderer
def test_notebook_display_is_svg_with_a_renderer(lecture_graph):
    bundle = lecture_graph()._repr_mimebundle_()
    assert "<svg" in bundle["image/svg+xml"]


def test_without_renderer_svg_raises_graphviz_not_found_naming_both_fixes(
    no_renderer, lecture_graph
):
    with pytest.raises(viz.GraphvizNotFound) as err:
        lecture_graph().svg()
    message = str(err.value)
    assert "pip install graphviz-pure" in message
    assert "chainrule[render]" in message
    assert "OS package `graphviz`" in message


def test_without_renderer_dot_text_still_works(no_renderer, tmp_path, lecture_graph):
    graph = lecture_graph()
    assert graph.source.startswith("digraph")
    assert graph.save(tmp_path / "f.dot").read_text() == graph.source
    with pytest.raises(viz.GraphvizNotFound):
        graph.save(tmp_path / "f.png")
    assert os.listdir(tmp_path) == ["f.dot"]


def test_without_renderer_notebook_display_falls_back_to_text(no_renderer, lecture_graph):
    graph = lecture_graph()
    bundle = graph._repr_mimebundle_()
    assert set(bundle) == {"text/plain"}
    assert "digraph" in bundle["text/plain"] and "graphviz-pure" in bundle["text/plain"]
    assert graph._repr_svg_() is None


def test_discovery_prefers_system_dot_then_graphviz_pure(monkeypatch, tmp_path):
    found = {"dot": "/usr/bin/dot", "graphviz-pure": "/venv/bin/graphviz-pure"}
    monkeypatch.setattr(viz.render.shutil, "which", lambda name: found.get(name))
    assert viz.find_renderer() == "/usr/bin/dot"
    del found["dot"]
    assert viz.find_renderer() == "/venv/bin/graphviz-pure"


def test_discovery_finds_graphviz_pure_next_to_the_interpreter(monkeypatch, tmp_path):
    binary = tmp_path / "graphviz-pure"
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    monkeypatch.setattr(viz.render.shutil, "which", lambda name: None)
    monkeypatch.setattr(viz.render.sysconfig, "get_path", lambda name: str(tmp_path))
    assert viz.find_renderer() == str(binary)
    binary.unlink()
    monkeypatch.setattr(viz.render.sys, "executable", str(tmp_path / "python"))
    assert viz.find_renderer() is None


def test_a_graph_saved_onto_a_folder_names_the_folder(tmp_path):
    target = tmp_path / "d.dot"
    target.mkdir()
    with pytest.raises(IsADirectoryError) as err:
        viz.draw_graph(Value(1.0) * Value(2.0)).save(target)
    assert err.value.filename == str(target) and ".tmp" not in str(err.value)
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]
