"""Pictures fit where they are shown: a drawing shrinks to its cell's width (a small one
keeps its size), the player zooms and pans, and slides get a larger PNG."""

from __future__ import annotations

import re
import shutil
import struct

import pytest

import viz
from autograd import Value

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def wide_graph() -> Value:
    """A chain of twelve tanh nodes: far wider than a notebook cell when laid out LR."""
    v = Value(0.5, label="x0")
    for i in range(1, 13):
        v = v.tanh() * 1.5
        v.label = f"x{i}"
    v.backward()
    return v


def png_width(data: bytes) -> int:
    return struct.unpack(">I", data[16:20])[0]


def test_a_drawing_shows_fitted_to_its_cell_and_as_plain_svg_too(lecture):
    *_, f = lecture()
    bundle = viz.draw_graph(f)._repr_mimebundle_()
    assert set(bundle) == {"text/html", "image/svg+xml", "text/plain"}
    page = bundle["text/html"]
    assert re.search(r'<svg style="max-width:100%;height:auto"', page)
    assert "<?xml" not in page and "<!DOCTYPE" not in page
    assert re.search(r'<svg width="\d+pt"', bundle["image/svg+xml"])  # natural size kept


def test_save_scale_makes_slides_and_refuses_what_has_no_size(tmp_path, lecture):
    *_, f = lecture()
    graph = viz.draw_graph(f)
    one = png_width(graph.save(tmp_path / "one.png", scale=1).read_bytes())
    two = png_width(graph.save(tmp_path / "two.png", scale=2).read_bytes())
    assert abs(two - 2 * one) <= 2
    assert png_width(graph.save(tmp_path / "default.png").read_bytes()) == pytest.approx(
        1.5 * one, abs=2
    )
    natural = float(re.search(r'<svg width="([0-9.]+)pt"', graph.svg())[1])
    scaled = graph.save(tmp_path / "f.svg", scale=2).read_text()
    assert float(re.search(r'<svg width="([0-9.]+)pt"', scaled)[1]) == pytest.approx(2 * natural)
    with pytest.raises(ValueError, match="DOT text has no size"):
        graph.save(tmp_path / "f.dot", scale=2)
    with pytest.raises(ValueError, match=r"scale must be a number in \(0, 10\]"):
        graph.save(tmp_path / "f.png", scale=0)
    assert not (tmp_path / "f.dot").exists()


def test_the_player_saves_its_frames_as_pngs(tmp_path, lecture):
    *_, f = lecture()
    paths = viz.animate(f, by="edge").save_frames(tmp_path / "slides", scale=2)
    assert [p.name for p in paths] == [f"step-0{k}.png" for k in range(5)]
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in paths)
    with pytest.raises(ValueError, match="make it with viz.animate"):
        viz.Player(["<svg></svg>"]).save_frames(tmp_path / "none")


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if CHROMIUM is None:
        pytest.skip("needs Debian's chromium")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def svg_width(page) -> float:
    return page.evaluate(
        "() => document.querySelector('.frame:not([hidden]) svg, .chainrule-graph svg')"
        ".getBoundingClientRect().width"
    )


def test_in_a_browser_a_wide_drawing_fits_and_a_small_one_keeps_its_size(
    browser, tmp_path, lecture
):
    page = browser.new_page(viewport={"width": 700, "height": 800})
    for root, fits in ((wide_graph(), True), (lecture()[-1], False)):
        graph = viz.draw_graph(root)
        natural = float(re.search(r'<svg width="([0-9.]+)pt"', graph.svg())[1]) * 4 / 3
        (tmp_path / "g.html").write_text(f"<body style='margin:0'>{graph.html()}</body>")
        page.goto((tmp_path / "g.html").as_uri())
        shown = svg_width(page)
        if fits:
            assert natural > 1400 and shown <= 700  # shrunk to the page
        else:
            page.set_viewport_size({"width": 1400, "height": 800})
            page.goto((tmp_path / "g.html").as_uri())
            assert svg_width(page) == pytest.approx(natural, abs=2)  # never enlarged
    page.close()


def test_in_a_browser_the_player_fits_zooms_and_pans(browser, tmp_path):
    path = viz.animate(wide_graph()).save(tmp_path / "steps.html")
    page = browser.new_page(viewport={"width": 800, "height": 700})
    page.goto(path.as_uri())
    fitted = svg_width(page)
    assert 600 < fitted <= 800
    page.click(".in")
    page.click(".in")
    assert svg_width(page) == pytest.approx(fitted * 1.25**2, rel=0.02)
    scroll = page.evaluate(
        "() => { const v = document.querySelector('.view');"
        " return [v.scrollWidth, v.clientWidth]; }"
    )
    assert scroll[0] > scroll[1]  # wider than the view: it pans
    box = page.locator(".view").bounding_box()
    middle = box["y"] + box["height"] / 2
    page.mouse.move(400, middle)
    page.mouse.down()
    page.mouse.move(200, middle)
    page.mouse.up()
    assert page.evaluate("() => document.querySelector('.view').scrollLeft") > 100
    page.keyboard.press("0")
    assert svg_width(page) == pytest.approx(fitted, rel=0.01)
    assert page.inner_text(".zoom").endswith("%")
    page.close()


def test_zoom_words_are_in_both_languages():
    page = viz.Player(["<svg></svg>"], lang="ru").html()
    assert 'title="крупнее (+)"' in page and 'title="по ширине (0)"' in page
