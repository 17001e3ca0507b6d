"""backward_steps and animate: one frame per chain-rule step, a self-contained HTML player."""

from __future__ import annotations

import html
import math
import re
import shutil
import subprocess

import pytest

import viz
from autograd import Value
from viz.appearance import HOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def shown(src: str) -> list[str]:
    """Every node's and edge's visible text, with styling (colours, highlight) ignored."""
    texts = []
    for m in re.finditer(r"^  (\w+(?: -> \w+)?) \[.*?label=(<.*>|\"[^\"]*\")", src, re.M):
        text = html.unescape(re.sub(r"<[^>]+>", " ", m.group(2)[1:-1])).replace("\xa0", " ")
        texts.append(f"{m.group(1)}: {' '.join(text.split())}")
    return texts


def test_lecture_graph_gives_three_frames(lecture):
    *_, f = lecture()
    assert len(viz.backward_steps(f)) == 3


def test_frame_zero_knows_only_the_seed(lecture):
    *_, f = lecture()
    texts = shown(viz.backward_steps(f)[0].source)
    assert "v4: f data -12 grad 1" in texts
    assert "v0: x data -2 grad ?" in texts and "v2: q data 3 grad ?" in texts
    assert not any("×" in t.split(":", 1)[1] for t in texts if "->" in t)


def test_frame_k_highlights_node_k_and_its_edges_to_its_inputs(lecture):
    *_, f = lecture()
    frames = viz.backward_steps(f)
    first = frames[1].source  # f = q * z is processed first
    assert re.search(rf'^  o4 \[.*color="{HOT}"', first, re.M)
    assert re.search(rf'^  v2 -> o4 \[.*color="{HOT}"', first, re.M)
    assert not re.search(rf'^  v0 -> o2 \[.*color="{HOT}"', first, re.M)
    assert "v2: q data 3 grad -4" in shown(first) and "v0: x data -2 grad ?" in shown(first)
    assert "step 1 of 2" in first and "step 2 of 2" in frames[2].source


def test_last_frame_numbers_equal_the_drawing_after_backward(lecture):
    *_, f = lecture()
    last = viz.backward_steps(f)[-1]
    f.backward()
    assert shown(last.source) == shown(viz.draw_graph(f).source)


def test_last_frame_equals_backward_where_zero_meets_inf():
    """Regression: f = (x·inf)·0 gave x.grad 0 in backward but nan in the last frame."""
    x = Value(2.0, label="x")
    f = (x * math.inf) * 0.0
    f.label = "f"
    last = viz.backward_steps(f)[-1]
    f.backward()
    assert x.grad == 0.0
    assert "v0: x data 2 grad 0" in shown(last.source)
    assert shown(last.source) == shown(viz.draw_graph(f).source)
    assert not any("grad nan" in t for t in shown(last.source))  # f itself is inf·0 = nan


def test_steps_leave_the_graphs_own_gradients_alone(lecture):
    x, y, z, q, f = lecture()
    viz.backward_steps(f)
    assert [v.grad for v in (x, y, z, q, f)] == [0.0] * 5
    f.backward()
    viz.backward_steps(f)
    assert [v.grad for v in (x, y, z, q, f)] == [-4.0, -4.0, 3.0, -4.0, 1.0]


def test_x_times_x_sends_two_contributions_in_one_step():
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    frames = viz.backward_steps(y)
    assert len(frames) == 2
    assert "v0: x data 3 grad 6" in shown(frames[1].source)


def test_big_graphs_are_refused_by_steps():
    y = Value(1.0, label="x")
    for _ in range(400):
        y = y + 1
    with pytest.raises(ValueError, match="backward_steps draws every node"):
        viz.backward_steps(y)


# ------------------------------------------------------------------ the HTML player


def fake_player(n=3) -> viz.Player:
    svgs = [
        '<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<!-- c -->'
        f'<svg xmlns="http://www.w3.org/2000/svg"><text>frame {k}</text></svg>'
        for k in range(n)
    ]
    return viz.Player(svgs)


def test_player_html_is_self_contained():
    page = fake_player().html()
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page)
    assert "<link" not in page and "<script src" not in page and "@import" not in page
    assert "<?xml" not in page and "DOCTYPE svg" not in page


def test_player_html_has_frames_buttons_slider_keys_and_fragment():
    page = fake_player(4).html()
    assert page.count('class="frame"') == 4 and page.count("<svg") == 4
    assert page.count(" hidden>") == 3  # only frame 0 shows before the script runs
    assert 'class="prev"' in page and 'class="next"' in page
    assert 'type="range" min="0" max="3"' in page
    assert "ArrowLeft" in page and "ArrowRight" in page and "location.hash" in page


def test_player_notebook_fragment_and_save(tmp_path):
    player = fake_player()
    fragment = player._repr_html_()
    assert "<html" not in fragment and fragment.count("<svg") == 3
    path = player.save(tmp_path / "steps.html")
    assert path.read_text(encoding="utf-8") == player.html()


needs_renderer = pytest.mark.skipif(
    viz.find_renderer() is None, reason="no dot and no graphviz-pure: pip install chainrule[render]"
)


@needs_renderer
def test_animate_renders_every_step_into_the_page(tmp_path, lecture):
    *_, f = lecture()
    player = viz.animate(f)
    assert len(player) == 3
    page = player.save(tmp_path / "steps.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 3 and "step 2 of 2" in page


def screenshot(page, fragment: str, out, profile) -> bytes:
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--window-size=1400,700",
            f"--screenshot={out}",
            f"{page.as_uri()}#{fragment}",
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return out.read_bytes()


@pytest.mark.slow
@needs_renderer
@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (apt-get install chromium)")
def test_headless_browser_shows_different_pictures_for_first_and_last_frame(tmp_path, lecture):
    *_, f = lecture()
    page = viz.animate(f).save(tmp_path / "steps.html")
    first = screenshot(page, "0", tmp_path / "first.png", tmp_path / "profile")
    last = screenshot(page, "2", tmp_path / "last.png", tmp_path / "profile")
    assert first[:8] == last[:8] == b"\x89PNG\r\n\x1a\n"
    assert first != last
    # a graph is on the page: far from a blank screenshot of the same size
    assert len(first) > 10_000 and len(last) > 10_000


@pytest.mark.parametrize(("bad", "error"), [(-1, ValueError), (2.5, TypeError)])
def test_backward_steps_checks_max_nodes(bad, error):
    with pytest.raises(error, match="max_nodes"):
        viz.backward_steps(Value(1.0) * Value(2.0), max_nodes=bad)


def test_an_unknown_option_is_refused_naming_backward_steps(lecture):
    *_, f = lecture()
    with pytest.raises(TypeError, match=r"backward_steps\(\) got unexpected .*'foo'"):
        viz.backward_steps(f, foo=1)


def test_a_step_caption_names_the_node_once(lecture):
    *_, f = lecture()
    frames = viz.backward_steps(f)
    assert "step 1 of 2: f (×) sends upstream × local" in frames[1].source
    q = Value(1.0) * Value(2.0)
    assert "the × node sends" in viz.backward_steps(q)[1].source


def test_by_edge_reveals_one_partial_derivative_per_frame_as_the_lecture_does(lecture):
    *_, f = lecture()
    frames = viz.backward_steps(f, by="edge")
    assert len(frames) == 5  # ∂f/∂f, then ∂f/∂q, ∂f/∂z, ∂f/∂x, ∂f/∂y
    titles = [re.search(r"<b>(.*?)</b>", g.source).group(1) for g in frames]
    assert titles[0] == "step 0 of 4: seed ∂f/∂f = 1, then go backwards"
    assert titles[1] == "step 1 of 4: ∂f/∂q = upstream 1 × local -4 = -4"
    assert titles[4] == "step 4 of 4: ∂f/∂y = ∂f/∂q · ∂q/∂y = upstream -4 × local 1 = -4"
    assert "v1: y data 5 grad ?" in shown(frames[3].source)  # y is revealed last
    assert shown(frames[-1].source) == shown(viz.backward_steps(f)[-1].source)


def test_by_edge_lights_only_the_edge_of_the_step(lecture):
    *_, f = lecture()
    third = viz.backward_steps(f, by="edge")[3].source  # ∂f/∂x
    assert re.search(rf'^  v0 -> o2 \[.*color="{HOT}"', third, re.M)
    assert not re.search(rf'^  v1 -> o2 \[.*color="{HOT}"', third, re.M)


def test_by_must_be_node_or_edge(lecture):
    *_, f = lecture()
    with pytest.raises(ValueError, match="by must be 'node' or 'edge'"):
        viz.backward_steps(f, by="path")


def test_animate_takes_by_and_lang(lecture):
    *_, f = lecture()
    player = viz.animate(f, by="edge", lang="ru")
    assert len(player) == 5 and "шаг 4 из 4" in player.html()
