"""to_dot: the lecture graph's numbers, edges per input slot, roles, determinism."""

from __future__ import annotations

import html
import re

import pytest

import autograd as ag
import nn
import viz
from autograd import Value
from viz.appearance import abbreviate, fmt, glyph


def plain(markup: str) -> str:
    """The text a reader sees in an HTML-like label: tags gone, entities decoded."""
    text = re.sub(r"<br/>", " | ", markup)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text)).replace("\xa0", " ")
    return " ".join(text.split())


def nodes(src: str) -> dict[str, str]:
    """DOT node id -> the text shown in it."""
    out = {}
    for m in re.finditer(r"^  (\w+) \[.*label=(<.*>|\"[^\"]*\")\];$", src, re.M):
        out[m.group(1)] = plain(m.group(2)[1:-1])  # drop the outer <...> or "..."
    return out


def edges(src: str) -> list[tuple[str, str, str]]:
    """(tail, head, label text) for every edge, in order."""
    out = []
    for m in re.finditer(r"^  (\w+) -> (\w+) \[(.*)\];$", src, re.M):
        label = re.search(r"label=<(.*)>", m.group(3))
        out.append((m.group(1), m.group(2), plain(label.group(1)) if label else ""))
    return out


def node_id(src: str, title: str) -> str:
    return next(k for k, text in nodes(src).items() if text.split()[0] == title)


def into(src: str, value_title: str) -> dict[str, str]:
    """Edges into the op node producing the value titled ``value_title``: tail title -> label."""
    op = "o" + node_id(src, value_title)[1:]
    texts = nodes(src)
    return {texts[t].split()[0]: label for t, h, label in edges(src) if h == op}


def test_lecture_graph_shows_every_data_and_grad_after_backward(lecture):
    *_, f = lecture()
    f.backward()
    texts = set(nodes(viz.to_dot(f)).values())
    for expected in [
        "x data -2 grad -4",
        "y data 5 grad -4",
        "z data -4 grad 3",
        "q data 3 grad -4",
        "f data -12 grad 1",
    ]:
        assert expected in texts


def test_edges_into_times_carry_the_other_factor_as_local_gradient(lecture):
    *_, f = lecture()
    labels = into(viz.to_dot(f), "f")
    assert labels == {"q": "∂f/∂q = z = -4", "z": "∂f/∂z = q = 3"}


def test_edges_into_plus_carry_local_gradient_one(lecture):
    *_, f = lecture()
    assert into(viz.to_dot(f), "q") == {"x": "∂q/∂x = 1", "y": "∂q/∂y = 1"}


def test_contributions_upstream_times_local_appear_after_backward(lecture):
    *_, f = lecture()
    f.backward()
    src = viz.to_dot(f)
    assert into(src, "f") == {
        "q": "∂f/∂q = z = -4 | upstream 1 × local -4 = -4",
        "z": "∂f/∂z = q = 3 | upstream 1 × local 3 = 3",
    }
    assert into(src, "q") == {
        "x": "∂q/∂x = 1 | upstream -4 × local 1 = -4",
        "y": "∂q/∂y = 1 | upstream -4 × local 1 = -4",
    }


def test_no_contributions_before_backward(lecture):
    *_, f = lecture()
    assert all("×" not in label for *_, label in edges(viz.to_dot(f)))


def test_options_hide_local_gradients_or_contributions(lecture):
    *_, f = lecture()
    f.backward()
    no_local = into(viz.to_dot(f, local=False), "f")
    assert no_local == {"q": "upstream 1 × local -4 = -4", "z": "upstream 1 × local 3 = 3"}
    no_contrib = into(viz.to_dot(f, contrib=False), "f")
    assert no_contrib == {"q": "∂f/∂q = z = -4", "z": "∂f/∂z = q = 3"}


def test_x_times_x_draws_two_edges():
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    y.backward()
    src = viz.to_dot(y)
    assert len([e for e in edges(src) if e[0] == "v0" and e[1] == "o1"]) == 2
    assert "x data 3 grad 6" in nodes(src).values()


def test_same_graph_gives_same_bytes_and_so_does_an_identical_rebuild(lecture):
    *_, f1 = lecture()
    *_, f2 = lecture()
    assert viz.to_dot(f1) == viz.to_dot(f1) == viz.to_dot(f2)
    f1.backward()
    f2.backward()
    assert viz.to_dot(f1) == viz.to_dot(f2)


def test_constant_drawn_small_with_value_only():
    x = Value(2.0, label="x")
    y = x + 1
    src = viz.to_dot(y)
    constant = [k for k, text in nodes(src).items() if text == "1"]
    assert len(constant) == 1
    assert "shape=box" in next(line for line in src.splitlines() if f"  {constant[0]} [" in line)


def test_root_stands_out_and_rankdir_switches(lecture):
    *_, f = lecture()
    src = viz.to_dot(f)
    assert "rankdir=LR" in src and "#d97706" in src  # the output's amber border
    assert "rankdir=TB" in viz.to_dot(f, rankdir="TB")
    with pytest.raises(ValueError, match="rankdir"):
        viz.to_dot(f, rankdir="RL")


def test_op_tags_drawn_with_glyphs_and_static_parameters():
    x = Value(2.0)
    assert glyph((x * x).spec) == "×" and glyph(ag.sum([x]).spec) == "Σ"
    assert glyph(ag.dot([x], [x]).spec) == "w·x" and glyph((x**2).spec) == "x²"
    assert glyph((x**-1).spec) == "x⁻¹" and glyph((x**0.5).spec) == "**0.5"
    x = Value(-1.0, label="x")
    y = x.leaky_relu(alpha=0.1)
    assert y.op in viz.to_dot(y)


def test_numbers_have_four_significant_digits_and_no_negative_zero():
    assert fmt(-0.0) == "0"
    assert fmt(-1e-9 * 0) == "0"
    assert fmt(3.14159265) == "3.142"
    assert fmt(-12.0) == "-12"
    assert fmt(123456.0) == "1.235e+05"


def test_parameters_show_their_name_full_or_abbreviated():
    parameter = pytest.importorskip("nn.parameter")
    w = parameter.Parameter(0.5, name="layers.0.neurons.3.w.1")
    x = Value(2.0, label="x")
    y = w * x
    assert "layers.0.neurons.3.w.1 data 0.5 grad 0" in nodes(viz.to_dot(y)).values()
    assert "L0.N3.w1 data 0.5 grad 0" in nodes(viz.to_dot(y, abbreviate=True)).values()
    assert "#16a34a" in viz.to_dot(y)  # the parameter colour


def test_abbreviate_names():
    assert abbreviate("layers.0.neurons.3.w.1") == "L0.N3.w1"
    assert abbreviate("layers.0.neurons.3.b") == "L0.N3.b"
    assert abbreviate("w.0") == "w0"
    assert abbreviate("b") == "b"


def test_a_lone_leaf_is_drawn_as_the_output():
    a = Value(2.0, label="a")
    assert list(nodes(viz.to_dot(a)).values()) == ["a data 2 grad 0"]
    assert len(viz.backward_steps(a)) == 1


def test_labels_are_escaped_for_graphviz_html():
    a = Value(2.0, label="a<b & c")
    b = a * 3
    b.label = "<out>"
    src = viz.to_dot(b)
    assert "a&lt;b &amp; c" in src and "&lt;out&gt;" in src
    assert "<out>" not in src


def test_long_bold_names_get_a_cell_wide_enough_for_them():
    from nn import MLP

    model = MLP(2, [2, 1], seed=0)
    source = viz.to_dot(model([0.5, -0.2]))
    assert '<td width="' in source and "<b>layers.0.neurons.0.w.0</b>" in source


def test_maxout_piece_names_abbreviate():
    from viz.appearance import abbreviate

    assert abbreviate("neurons.0.pieces.1.w.0") == "N0.P1.w0"


@pytest.mark.parametrize(
    ("bad", "error"),
    [(-1, ValueError), (0, ValueError), (2.5, TypeError), (True, TypeError), ("3", TypeError)],
)
def test_max_nodes_must_be_a_positive_int_or_none(bad, error):
    root = Value(1.0) * Value(2.0)
    for draw in (viz.to_dot, viz.draw_graph):
        with pytest.raises(error, match="max_nodes"):
            draw(root, max_nodes=bad)
    assert viz.to_dot(root, max_nodes=None) == viz.to_dot(root, max_nodes=3)


def test_an_input_used_twice_gets_local_not_a_partial_derivative_on_its_edges():
    x = Value(3.0, label="x")
    f = x * x
    f.label = "f"
    f.backward()
    source = viz.to_dot(f)
    assert "∂f/∂x" not in source  # each edge is only half of ∂f/∂x = 6
    assert source.count("local: x = 3") == 2


def test_an_input_used_once_keeps_the_lectures_partial_notation(lecture):
    *_, f = lecture()
    source = viz.to_dot(f)
    assert "∂q/∂x = 1" in source and "∂f/∂z = q = 3" in source


def test_a_folded_linear_neuron_says_linear():
    from nn import MLP

    model = MLP(2, [20, 20, 1], seed=0)
    loss = (1 - model([0.5, -0.2])).relu()
    source = viz.to_dot(loss)
    assert "neuron · linear" in source and "neuron · relu" in source
    assert "neuron · +" not in source


def caption_lines(src: str) -> list[str]:
    """The lines of the caption above a drawing, as a reader sees them."""
    match = re.search(r"^  labelloc=t; labeljust=l; label=<(.*)>;$", src, re.M)
    if match is None:
        return []
    return [plain(line) for line in match.group(1).split('<br align="left"/>') if line]


def test_the_caption_names_the_gate_patterns_of_the_drawn_ops(lecture):
    *_, f = lecture()
    lines = caption_lines(viz.to_dot(f))
    assert "+ distributes: each input gets the upstream gradient unchanged" in lines
    assert "× swaps: each input's local gradient is the other input" in lines
    assert not any("routes" in line or "gates" in line for line in lines)
    a, b = Value(1.0, label="a"), Value(-2.0, label="b")
    m = ag.max([a, b]).relu()
    lines = caption_lines(viz.to_dot(m))
    assert [line.split(":")[0] for line in lines[2:]] == ["max routes", "relu gates"]
    assert caption_lines(viz.to_dot(a.tanh()))[2:] == []  # tanh follows no pattern
    assert len(caption_lines(viz.to_dot(f, legend=False))) == 0


def test_a_step_names_only_the_pattern_of_the_node_doing_it(lecture):
    *_, f = lecture()
    first, second = (caption_lines(frame.source) for frame in viz.backward_steps(f)[1:])
    assert any(line.startswith("× swaps") for line in first)
    assert not any(line.startswith("+ distributes") for line in first)
    assert any(line.startswith("+ distributes") for line in second)


def test_a_drawing_calls_every_node_by_one_name_boxes_edges_formulas_legend():
    model = nn.MLP(2, [2, 1], seed=0)
    x = [Value(0.5, label="x1"), Value(-1.0, label="x2")]
    out = model(x)
    out.backward()
    src = viz.to_dot(out, abbreviate=True)
    shown = " ".join([*nodes(src).values(), *(label for *_, label in edges(src))])
    assert "L0.N0.w0" in shown and "layers.0" not in shown  # boxes and formulas agree
    legend = caption_lines(src)[0]
    assert legend == "grad = ∂L1.N0/∂node, the upstream gradient"  # the root's box title
    assert any(text.startswith("L1.N0 data") for text in nodes(src).values())
    full = viz.to_dot(out)
    assert "∂layers.1.neurons.0/∂node" in caption_lines(full)[0]
    assert "L0.N0" not in full
