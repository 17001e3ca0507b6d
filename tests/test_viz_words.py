"""lang="en" | "ru": every word a drawing, caption or player writes comes from one table."""

import html
import json
import re
from pathlib import Path

import pytest

import autograd as ag
import nn
import viz
from autograd import Value
from viz.words import WORDS


def test_every_language_has_every_word():
    keys = set(WORDS["en"])
    for lang, table in WORDS.items():
        assert set(table) == keys, lang


def test_a_russian_drawing_speaks_the_lectures_terms(lecture):
    *_, f = lecture()
    f.backward()
    source = viz.to_dot(f, lang="ru")
    assert "восходящий 1 × локальный -4 = -4" in source
    assert "восходящий градиент" in source and "правило цепи" in source
    assert "upstream" not in source and "local" not in source and ">grad<" not in source
    assert "∂f/∂q = z = -4" in source  # the formulas are the same in every language


def test_russian_steps_and_player(lecture):
    *_, f = lecture()
    frames = viz.backward_steps(f, lang="ru")
    assert "шаг 0 из 2" in frames[0].source and "шаг 1 из 2: f (×) передаёт" in frames[1].source
    player = viz.Player(["<svg></svg>", "<svg></svg>"], title="t", lang="ru")
    page = player.html()
    assert '<html lang="ru">' in page and "предыдущий шаг" in page and '"шаг"' in page


@pytest.mark.parametrize("draw", [viz.to_dot, viz.draw_graph, viz.backward_steps])
def test_an_unknown_language_is_refused_listing_the_choices(lecture, draw):
    *_, f = lecture()
    with pytest.raises(ValueError, match=r"lang must be one of 'en', 'ru', got 'de'"):
        draw(f, lang="de")
    with pytest.raises(ValueError, match="lang must be one of"):
        viz.Player([], lang="fr")


def shown_text(page: str) -> str:
    """Everything a reader of a DOT drawing or an HTML page can see: the labels of a
    drawing; the text and tooltips of a page (scripts and styles gone)."""
    if page.startswith("digraph"):
        seen = [m[1:-1] for m in re.findall(r"label=(<.*?>(?=[,\];])|\"[^\"]*\")", page)]
    else:
        page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
        seen = re.findall(r'title="([^"]*)"', page) + re.findall(r">([^<>]+)<", page)
    return html.unescape(re.sub(r"<[^>]*>", " ", " ".join(seen)))


def everything_shown(lang: str) -> str:
    """One of each thing a drawing, a step, a player or a derivation can write, in
    ``lang``: the lecture graph with its flows, steps by node and by edge (an unnamed
    op node too), folded linear and maxout neurons, max and relu, a derivation past
    max_terms and one of an op without formulas, and a player page."""
    x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    f.backward()
    shown = [viz.to_dot(f, lang=lang), viz.to_dot(f, lang=lang, contrib=False)]
    shown += [g.source for g in viz.backward_steps(x * y + z, lang=lang)]  # an unnamed node
    shown += [g.source for g in viz.backward_steps(f, by="edge", lang=lang)]
    m = ag.max([x, y]).relu()
    shown.append(viz.to_dot(m, lang=lang))
    wide = nn.MLP(3, [40, 1], seed=0)([0.1, 0.2, 0.3])
    shown.append(viz.to_dot(wide, lang=lang, max_nodes=100))
    unit = nn.Maxout(30, 1, pieces=2, seed=0)([0.1] * 30)[0]
    shown.append(viz.to_dot(unit, lang=lang, max_nodes=50))
    shown = [shown_text(page) for page in [*shown, viz.animate(f, lang=lang).html()]]
    t = Value(0.5, label="t")
    r = t
    for _ in range(6):  # 63 paths from r down to t
        r = (r * t).tanh() + r
    r.label = "r"
    r.backward()
    shown.append(viz.explain(r, t, lang=lang).text)
    u = t.words_test_cube()
    u.label = "u"
    u.backward()
    shown.append(viz.explain(u, t, lang=lang).text)
    shown += widgets_shown(f, lang)
    return "\n".join(shown)


VIZ = Path(viz.__file__).parent


def module_words(esm: str) -> set[str]:
    """The keys of the words table an ES module shows (``W.explore_done``)."""
    return set(re.findall(r"\bW\.(\w+)", (VIZ / esm).read_text(encoding="utf-8")))


def module_literals(esm: str) -> list[str]:
    """The fixed strings an ES module puts on the page itself (not from the table):
    ``make(tag, cls, "text")`` and ``.textContent = "text"``."""
    source = (VIZ / esm).read_text(encoding="utf-8")
    made = re.findall(r'make\("[^"]*", "[^"]*", "([^"]*)"\)', source)
    return made + re.findall(r'textContent = "([^"]*)"', source)


def filled(template: str) -> str:
    """A table entry as the module writes it: its ``{placeholders}`` given numbers."""
    return re.sub(r"\{\w+\}", "7", template)


def page_words(page: str) -> dict[str, str]:
    """The words table a saved page carries (its JSON data)."""
    data = re.search(r'<script type="application/json" id="chainrule-data">(.*?)</script>',
                     page, flags=re.S)  # fmt: skip
    return json.loads(data[1].replace("<\\/", "</"))["words"]


def widgets_shown(f: Value, lang: str) -> list[str]:
    """What the explorer and the playground show, without a browser: the explorer's
    saved page (its title and the words its module shows, read from the page's own
    data), its hover tips, legend, step captions and derivations (its state), its
    static picture; the playground's static picture (after training, with its loss
    curve) and the words its module shows."""
    explorer = viz.explore(f, lang=lang)
    explorer.set("x", 3)
    page = explorer.html()
    table = page_words(page)
    shown = [shown_text(page), shown_text(explorer.static_html())]
    shown += [filled(table[key]) for key in sorted(module_words("explore.js"))]
    state = explorer.state
    shown += [line for lines in state["tips"].values() for line in lines]
    shown += state["legend"] + list(state["explain"].values())
    shown += [frame["title"] for by in state["frames"].values() for frame in by]
    folded = viz.explore(nn.MLP(3, [40, 1], seed=0)([0.1, 0.2, 0.3]), lang=lang)
    shown += [line for lines in folded.state["tips"].values() for line in lines]
    pg = viz.playground(n=30, hidden=(3,), lang=lang)
    pg.train(2)
    shown.append(shown_text(pg.static_svg()))
    shown += [filled(pg.words[key]) for key in sorted(module_words("playground.js"))]
    shown += module_literals("explore.js") + module_literals("playground.js")
    return shown


@pytest.fixture
def words_test_cube():
    @ag.op("words_test_cube")
    def cube(a):
        """a³, declared without formulas."""
        return a**3, (3 * a * a,)

    yield
    del ag.OPS["words_test_cube"]
    delattr(Value, "words_test_cube")


ALIKE = {"maxout"}  # the words both languages write the same
# Latin words a Russian picture may show: names, never words (the page's name, the
# parameters' paths, ops and out in formulas, the test op words_test_cube)
NAMES = {"chainrule", "layers", "neurons", "max", "maxout", "out", "relu", "words", "test", "cube"}
NAMES |= {"Enter"}  # a key on the keyboard


def fragments(template: str) -> list[str]:
    """The fixed words of a table entry: the text between its ``{placeholders}``."""
    parts = (part.strip(" :;,·=") for part in re.split(r"\{[^}]*\}", template))
    return [part for part in parts if re.search(r"[^\W\d_]", part)]


def test_every_english_string_shown_has_its_russian_twin(words_test_cube):
    english, russian = everything_shown("en"), everything_shown("ru")
    for key, en in WORDS["en"].items():
        ru = WORDS["ru"][key]
        for part in fragments(en):
            assert part in english, f"{key!r}: {part!r} is never shown, so never checked"
        if key in ALIKE:
            assert en == ru, key
            continue
        assert en != ru, f"{key!r} is not translated"
        for part in fragments(ru):
            assert part in russian, f"{key!r}: the Russian {part!r} is not shown"
        for part in fragments(en):
            if part not in fragments(ru):  # as a whole word: names like neurons.0 may stay
                english_word = re.search(rf"(?<!\w){re.escape(part)}(?!\w)", russian)
                assert english_word is None, f"{key!r}: English {part!r} in a Russian picture"
    # and no English word from anywhere else: only names (labels, ops, out) are Latin
    latin = set(re.findall(r"[A-Za-z]{3,}", russian))
    assert latin <= NAMES, latin - NAMES
