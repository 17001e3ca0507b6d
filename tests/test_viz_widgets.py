"""viz.explore and viz.playground without a browser: what the kernel side sends (the
texts of every drawn part, the replay after a leaf change, the refused settings), the
static picture shown where no widget front end runs, and the saved page."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter

import numpy as np
import pytest

pytest.importorskip("anywidget")

import nn  # noqa: E402
import viz  # noqa: E402
from autograd import Value  # noqa: E402
from viz.live import dot_texts, parse_number  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def svg_texts(svg: str) -> dict[str, list[str]]:
    """Each drawn part's <text> strings, keyed as the front end keys them: a node by its
    <title>, an edge by title#k (the k-th edge with that title)."""
    root = ET.fromstring(svg)
    found: dict[str, list[str]] = {}
    seen: Counter[str] = Counter()
    for g in root.iter(f"{SVG}g"):
        kind = g.get("class")
        if kind not in ("node", "edge"):
            continue
        title = g.find(f"{SVG}title").text
        key = title
        if kind == "edge":
            key = f"{title}#{seen[title]}"
            seen[title] += 1
        found[key] = [t.text or "" for t in g.iter(f"{SVG}text")]
    return found


def same_words(texts: list[str]) -> list[str]:
    return [t.replace("\xa0", " ") for t in texts]


def lecture_graph():
    x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    return x, y, z, f


# ------------------------------------------------------------ the explorer's texts


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_texts_sent_are_the_drawings_own(lang):
    """Every part the front end rewrites in place has the same <text> elements, in the
    same order, as the laid-out SVG: a change replaces words, never moves anything."""
    *_, f = lecture_graph()
    explorer = viz.explore(f, lang=lang)
    drawn = svg_texts(explorer.svg)
    texts = explorer.state["texts"]
    assert set(texts) == set(drawn)
    for key, words in texts.items():
        assert same_words(words) == same_words(drawn[key]), key
    assert same_words(texts["v4"])[-1] == "1" and "-12" in texts["v4"]  # f's data, grad


def test_a_folded_neuron_keeps_texts_and_svg_aligned_and_unfolds():
    out = nn.MLP(3, [40, 1], seed=0)([0.1, 0.2, 0.3])  # too large: folded
    out.label = "out"
    explorer = viz.explore(out)
    folded = explorer.state["folded"]
    assert folded and all(k.startswith("n") for k in folded)
    before = explorer.svg
    explorer._on_message(explorer, {"type": "unfold", "key": folded[0]}, [])
    assert explorer.svg != before and folded[0] not in explorer.state["folded"]
    drawn, texts = svg_texts(explorer.svg), explorer.state["texts"]
    assert set(texts) == set(drawn)
    assert all(same_words(texts[k]) == same_words(drawn[k]) for k in texts)


def test_each_frame_changes_only_drawn_parts_and_lights_drawn_parts():
    *_, f = lecture_graph()
    state = viz.explore(f).state
    parts = set(state["texts"])
    by_edge = state["frames"]["edge"]
    assert len(by_edge) == 5 and len(state["frames"]["node"]) == 3
    for frame in by_edge:
        assert set(frame["texts"]) <= parts and set(frame["hot"]) <= parts
        for key, words in frame["texts"].items():  # a flow not known yet: fewer words
            assert len(words) <= len(state["texts"][key]), key
    assert "∂f/∂y = ∂f/∂q · ∂q/∂y = upstream -4 × local 1 = -4" in by_edge[-1]["title"]


def test_dot_texts_reads_plain_and_html_labels():
    dot = (
        "digraph {\n"
        '  v0 [label="x"];\n'
        "  v1 [label=<<b>y</b> data 5>];\n"
        '  v0 -> o2 [label="a"];\n'
        '  v0 -> o2 [label="b"];\n'
        "}\n"
    )
    assert dot_texts(dot) == {"v0": ["x"], "v1": ["y", " data 5"], "v0->o2#0": ["a"],
                              "v0->o2#1": ["b"]}  # fmt: skip


# ------------------------------------------------------------ a leaf changed


def test_a_leaf_change_replays_forward_and_backward_on_a_copy():
    x, y, z, f = lecture_graph()
    f.backward()
    explorer = viz.explore(f)
    explorer.set("x", 3)
    assert explorer.root.data == -32.0  # (3 + 5) · -4
    copies = {v.label: v for v in explorer._live.copies.values() if v.label}
    assert copies["x"].grad == -4.0 and copies["z"].grad == 8.0 and copies["q"].data == 8.0
    assert explorer.state["root"] == {"name": "f", "data": "-32"}
    assert explorer.state["texts"]["v4"][3] == "-32"
    assert "data (forward value) 3" in explorer.state["tips"]["v0"]
    assert "∂f/∂z = q = 8" in explorer.state["texts"]["v3->o4#0"]
    assert explorer.state["leaves"][0] == {"key": "v0", "name": "x", "value": "3"}
    assert explorer.seq == 1 and explorer.kernel_ms > 0
    assert (x.data, x.grad, f.data) == (-2.0, -4.0, -12.0)  # the user's graph untouched


def test_the_front_ends_message_does_what_set_does():
    *_, f = lecture_graph()
    explorer = viz.explore(f)
    explorer._on_message(explorer, {"type": "set", "key": "v3", "text": "0,5", "seq": 7}, [])
    assert explorer.root.data == 1.5 and explorer.seq == 7 and explorer.errors == {}


@pytest.mark.parametrize(
    ("typed", "error"),
    [("abc", "TypeError: Value data must be a real number"), ("", "TypeError")],
)
def test_a_bad_number_keeps_the_last_good_state_and_says_why(typed, error):
    *_, f = lecture_graph()
    explorer = viz.explore(f)
    explorer.set("x", 1)
    good = explorer.state
    with pytest.raises(TypeError):
        explorer.set("x", typed)
    assert explorer.errors["v0"].startswith(error)
    assert explorer.state == good and explorer.root.data == -24.0
    explorer.set("x", 2)  # a good number clears the message
    assert explorer.errors == {} and explorer.root.data == -28.0


def test_an_out_of_domain_value_is_the_engines_error():
    x = Value(2.0, label="x")
    f = x.log()
    f.label = "f"
    explorer = viz.explore(f)
    with pytest.raises(ValueError, match="log"):
        explorer.set("x", -1)
    assert "v0" in explorer.errors and explorer.root.data == pytest.approx(np.log(2.0))


def test_set_names_the_leaves_it_knows():
    *_, f = lecture_graph()
    with pytest.raises(KeyError, match="the leaves with a box: x, y, z"):
        viz.explore(f).set("w", 1)


@pytest.mark.parametrize(("typed", "number"), [("-2", -2.0), (" 0,5 ", 0.5), ("1e-3", 1e-3),
                                                (3, 3.0)])  # fmt: skip
def test_parse_number_reads_what_students_type(typed, number):
    assert parse_number(typed) == number


def test_an_unknown_language_and_a_non_value_are_refused():
    *_, f = lecture_graph()
    with pytest.raises(ValueError, match="lang must be one of"):
        viz.explore(f, lang="de")
    with pytest.raises(TypeError, match="explore needs a Value, got float"):
        viz.explore(1.0)


# ------------------------------------------------------------ without a front end


@pytest.mark.parametrize("make", ["explore", "playground"])
def test_the_static_fallback_is_in_the_bundle(make):
    if make == "explore":
        widget = viz.explore(lecture_graph()[-1])
    else:
        widget = viz.playground(n=30, hidden=(3,))
    data, _ = widget._repr_mimebundle_()
    assert WIDGET_VIEW in data
    assert "<svg" in data["text/html"] and data["image/svg+xml"].startswith("<svg")
    ET.fromstring(data["image/svg+xml"])  # a well-formed picture
    note = "explore it live" if make == "explore" else "train it live"
    assert note in data["text/html"]


def test_the_saved_page_is_one_file_without_network(tmp_path):
    *_, f = lecture_graph()
    path = viz.explore(f, lang="ru").save(tmp_path / "explore.html")
    assert [p.name for p in tmp_path.iterdir()] == ["explore.html"]
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="ru">' in page
    urls = set(re.findall(r"https?://[^\s\"'<>)\\]+", page))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, urls
    assert not re.search(r"\b(src|href)\s*=\s*[\"'](?!#)", page)  # nothing fetched
    assert not re.search(r"\bimport\s*\(|\bfrom\s+[\"']", page)  # no module loaded
    assert "наведите на часть графа" in page and '"offline": true' in page
    assert page.count("</script>") == 2  # the data, the module: nothing ends them early


# ------------------------------------------------------------ the playground


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"hidden": (0,)}, "hidden must be 1 to 4 layer sizes"),
        ({"hidden": ()}, "hidden must be 1 to 4 layer sizes"),
        ({"hidden": (8, 8, 8, 8, 8)}, "at most 4 layers"),
        ({"lr": 0}, "lr must be > 0"),
        ({"lr": -0.1}, "lr must be > 0"),
        ({"lr": float("nan")}, "lr must be > 0"),
        ({"l2": -1e-3}, "l2 must be >= 0"),
        ({"n": 5}, "n must be a whole number from 10 to 1000"),
        ({"data": "iris"}, "data must be one of moons, circles"),
        ({"activation": "gelu"}, "activation must be one of"),
        ({"loss": "hinge", "data": "blobs"}, "loss 'hinge'"),
    ],
)
def test_impossible_settings_are_refused(settings, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        viz.playground(**settings)


def test_a_refused_setting_from_the_front_end_keeps_the_model():
    pg = viz.playground(n=30, hidden=(3,))
    model, settings = pg.model, dict(pg.settings)
    pg._on_message(pg, {"type": "settings", "settings": {"lr": 0}}, [])
    assert pg.error.startswith("ValueError: lr must be > 0")
    assert pg.model is model and pg.settings == settings
    pg._on_message(pg, {"type": "settings", "settings": {"lr": 0.5}}, [])  # applies live
    assert pg.error == "" and pg.model is model and pg.settings["lr"] == 0.5
    pg._on_message(pg, {"type": "settings", "settings": {"hidden": "4,2"}}, [])  # restarts
    assert pg.model is not model and [len(layer.neurons) for layer in pg.model.layers] == [4, 2, 1]


def test_train_step_and_points_change_what_is_shown():
    pg = viz.playground(n=40, hidden=(4,), lr=0.2)
    first = pg.view
    pg._on_message(pg, {"type": "step"}, [])
    pg._on_message(pg, {"type": "train"}, [])
    assert pg.view["epoch"] > 1 and len(pg.view["loss"]) == pg.view["epoch"]
    assert pg.view["loss"][-1] < pg.view["loss"][0]
    assert pg.view["cls"] != first["cls"] or pg.view["conf"] != first["conf"]
    n = len(pg.view["train"])
    pg._on_message(pg, {"type": "add", "x": 0.5, "y": 0.25, "cls": 1}, [])
    assert pg.view["train"][-1] == [0.5, 0.25, 1] and len(pg.view["train"]) == n + 1
    pg._on_message(pg, {"type": "add", "x": 0, "y": 0, "cls": 5}, [])
    assert "class must be 0 to 1" in pg.error


def test_the_numpy_maps_are_the_models_own_outputs():
    pg = viz.playground(n=30, hidden=(3, 2), activation="tanh", loss="cross_entropy")
    pg.train(3)
    points = np.array([[0.3, -0.2], [1.5, 0.7]])
    scores = pg._activations(points)[-1]
    for p, s in zip(points, scores):
        assert [v.data for v in pg.model(list(p))] == pytest.approx(s, rel=1e-12)
    pg._on_message(pg, {"type": "units", "on": True}, [])
    assert len(pg.view["units"]) == 5 and len(pg.view["units"][0]) == pg.view["size"] ** 2


def test_training_from_python_updates_the_still_picture():
    pg = viz.playground(n=30, hidden=(3,))
    pg.train(5)
    svg = pg._repr_mimebundle_()[0]["image/svg+xml"]
    assert "epoch 5" in svg and "<polyline" in svg  # the loss curve, five epochs long
    assert "fill-opacity" not in svg  # opaque cells: no darker seams where they overlap


def test_ci_installs_what_the_browser_tests_need():
    """`make test` installs '.[dev]': anywidget (the widgets extra), JupyterLab and
    Playwright; .ci/run apt-installs Debian's chromium for Playwright to drive."""
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    project = (repo / "pyproject.toml").read_text()
    assert re.search(r'^widgets = \["anywidget', project, flags=re.M)
    dev = project[project.index("\ndev = [") :].split("]\n", 1)[0]
    assert re.search(r"chainrule\[[^\]]*\bwidgets\b", dev)
    assert '"jupyterlab' in dev and '"playwright' in dev
    ci = (repo / ".ci" / "run").read_text()
    assert "apt-get install -y -qq chromium" in ci and "make test" in ci
