"""Every word a drawing, a caption or the player writes: one table per language.

``lang="en"`` or ``"ru"`` on ``to_dot``, ``draw_graph``, ``backward_steps``,
``animate`` and ``explain`` picks the table; the Russian one uses the course's terms (восходящий
градиент, локальный градиент, правило цепи, шаг). A new language is one more table
with the same keys (a test checks that every table has them all).
"""

from __future__ import annotations

from collections.abc import Mapping

# The ops whose gradient follows one of the lecture's patterns; each has a word
# ``gate_<op>`` (its ``{symbol}`` is the op's glyph in the drawing).
GATE_OPS = ("add", "mul", "max", "relu")

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "data": "data",
        "grad": "grad",
        "legend_grad": "grad = ∂{root}/∂node, the upstream gradient",
        "legend_edge": "edge: local gradient, then upstream × local = what flows back",
        "legend_edge_local": "edge: the local gradient ∂out/∂in",
        "local": "local",
        "upstream": "upstream",
        "seed_title": "step 0 of {n}: seed ∂{root}/∂{root} = 1, then go backwards",
        "step_title": "step {k} of {n}: {name} sends upstream × local to its inputs",
        "op_node": "the {symbol} node",
        "neuron": "neuron",
        "linear": "linear",
        "maxout": "maxout",
        "player_title": "backward through {root}, step by step",
        "player_step": "step",
        "edge_title": "step {k} of {n}: {text}",
        "player_hint": "← → steps · + − 0 zoom · drag to pan · #k in the address opens step k",
        "player_prev": "previous step (←)",
        "player_next": "next step (→)",
        "player_zoom_in": "zoom in (+)",
        "player_zoom_out": "zoom out (−)",
        "player_fit": "fit the width (0)",
        "no_formula": "numbers only where no formula is declared: op {ops}",
        "per_use": "{n} paths: one term per use, upstream × local",
        "gate_add": "{symbol} distributes: each input gets the upstream gradient unchanged",
        "gate_mul": "{symbol} swaps: each input's local gradient is the other input",
        "gate_max": "{symbol} routes: the whole upstream gradient goes to the largest input",
        "gate_relu": "{symbol} gates: the gradient passes where the input > 0, else 0",
        "tip_data": "data (forward value) {data}",
        "tip_grad": "grad {grad} = {value}, the upstream gradient",
        "tip_click": "click: how the chain rule assembles it",
        "tip_unfold": "click: unfold the neuron",
        "tip_locals": "its local gradients:",
        "tip_local": "local gradient",
        "tip_contrib": "what flows back",
        "explore_title": "{root}: hover a part for its numbers, click a node for its derivation",
        "explore_steps": "backward:",
        "explore_by_node": "by node",
        "explore_by_edge": "by edge",
        "explore_done": "all steps done",
        "explore_no_steps": "steps are offered for graphs of up to 400 edges",
        "explore_derivation": "derivation",
        "explore_click": "click a node to see how the chain rule assembles its gradient",
        "explore_leaves": "inputs",
        "explore_enter": "type a number and press Enter: forward and backward run again",
        "explore_needs_kernel": "changing an input needs a running kernel (this is a saved page)",
        "explore_unfold_needs_kernel": "unfolding a neuron needs a running kernel",
        "explore_roundtrip": "updated in {ms} ms",
        "explore_static": "a picture: run the notebook to explore it live",
    },
    "ru": {
        "data": "значение",
        "grad": "град",
        "legend_grad": "град = ∂{root}/∂узел, восходящий градиент",
        "legend_edge": (
            "ребро: локальный градиент, затем правило цепи: восходящий × локальный = "
            "что уходит назад"
        ),
        "legend_edge_local": "ребро: локальный градиент ∂выход/∂вход",
        "local": "локальный",
        "upstream": "восходящий",
        "seed_title": "шаг 0 из {n}: начальный градиент ∂{root}/∂{root} = 1, дальше назад",
        "step_title": "шаг {k} из {n}: {name} передаёт восходящий × локальный своим входам",
        "op_node": "узел {symbol}",
        "neuron": "нейрон",
        "linear": "линейный",
        "maxout": "maxout",
        "player_title": "обратный проход через {root}, шаг за шагом",
        "player_step": "шаг",
        "edge_title": "шаг {k} из {n}: {text}",
        "player_hint": (
            "← → шаги · + − 0 масштаб · перетаскивание сдвигает · #k в адресе открывает шаг k"
        ),
        "player_prev": "предыдущий шаг (←)",
        "player_next": "следующий шаг (→)",
        "player_zoom_in": "крупнее (+)",
        "player_zoom_out": "мельче (−)",
        "player_fit": "по ширине (0)",
        "no_formula": "только числа там, где формула не объявлена: операция {ops}",
        "per_use": "путей: {n}; по слагаемому на каждое использование, восходящий × локальный",
        "gate_add": "{symbol} распределяет: каждый вход получает восходящий градиент без изменений",
        "gate_mul": "{symbol} меняет местами: локальный градиент каждого входа — другой вход",
        "gate_max": "{symbol} направляет: весь восходящий градиент уходит наибольшему входу",
        "gate_relu": "{symbol} пропускает: градиент проходит, где вход > 0, иначе 0",
        "tip_data": "значение (прямой проход) {data}",
        "tip_grad": "град {grad} = {value}, восходящий градиент",
        "tip_click": "щелчок: как правило цепи его собирает",
        "tip_unfold": "щелчок: раскрыть нейрон",
        "tip_locals": "его локальные градиенты:",
        "tip_local": "локальный градиент",
        "tip_contrib": "что уходит назад",
        "explore_title": "{root}: наведите на часть графа — её числа, щёлкните узел — его вывод",
        "explore_steps": "обратный проход:",
        "explore_by_node": "по узлам",
        "explore_by_edge": "по рёбрам",
        "explore_done": "все шаги",
        "explore_no_steps": "шаги показываются для графов до 400 рёбер",
        "explore_derivation": "вывод",
        "explore_click": "щёлкните узел: как правило цепи собирает его градиент",
        "explore_leaves": "входы",
        "explore_enter": "введите число и нажмите Enter: прямой и обратный проход заново",
        "explore_needs_kernel": "менять входы можно только с работающим ядром (это сохранённая страница)",
        "explore_unfold_needs_kernel": "раскрыть нейрон можно только с работающим ядром",
        "explore_roundtrip": "обновлено за {ms} мс",
        "explore_static": "картинка: запустите блокнот, чтобы исследовать граф вживую",
    },
}


def words(lang: object) -> Mapping[str, str]:
    """The table of ``lang``; any other value is a ValueError listing the choices."""
    if not isinstance(lang, str) or lang not in WORDS:
        raise ValueError(f"lang must be one of {', '.join(map(repr, WORDS))}, got {lang!r}")
    return WORDS[lang]
