"""lang="en" | "ru": every word a drawing, caption or player writes comes from one table."""

import pytest

import viz
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
