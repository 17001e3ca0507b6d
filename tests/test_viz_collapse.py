"""Large graphs: nn neurons fold into one node each, or a clear error — never a hang."""

from __future__ import annotations

import re

import pytest

import viz
from autograd import Value, topo_order

nn = pytest.importorskip("nn")


def drawn_nodes(src: str) -> list[str]:
    return re.findall(r"^  (\w+) \[shape=", src, re.M)


def hinge_loss_of_one_sample(model, x=(0.5, -0.2), label=1.0):
    score = model([Value(x[0], label="x0"), Value(x[1], label="x1")])
    loss = (1 - label * score).relu()
    loss.label = "loss"
    return loss


def test_mlp_2_16_16_1_one_sample_loss_collapses_to_about_40_nodes():
    loss = hinge_loss_of_one_sample(nn.MLP(2, [16, 16, 1], seed=0))
    loss.backward()
    assert len(topo_order(loss)) > 300
    src = viz.to_dot(loss)
    values = [n for n in drawn_nodes(src) if not n.startswith("o")]
    assert 33 <= len(values) <= 50
    assert "layers.0.neurons.3" in src and "layers.1.neurons.15" in src
    assert "layers.0.neurons.3.w.1" not in src  # folded into its neuron
    assert "x0" in src and "x1" in src  # inputs stay outside the neurons
    assert "L1.N15" in viz.to_dot(loss, abbreviate=True)


def test_folded_neuron_shows_its_output_data_and_grad():
    model = nn.MLP(2, [16, 16, 1], seed=0)
    loss = hinge_loss_of_one_sample(model)
    loss.backward()
    out = next(v for v in topo_order(loss) if v.label == "layers.0.neurons.3")
    src = viz.to_dot(loss)
    line = next(ln for ln in src.splitlines() if "<b>layers.0.neurons.3</b>" in ln)
    assert viz.appearance.fmt(out.data) in line and viz.appearance.fmt(out.grad) in line


def test_number_inputs_fold_into_the_neurons_that_use_them():
    model = nn.MLP(2, [16, 16, 1], seed=0)
    loss = (1 - model([0.5, -0.2])).relu()
    assert len(drawn_nodes(viz.to_dot(loss))) < 60


def test_small_graph_is_never_collapsed():
    neuron = nn.Neuron(3, activation="tanh", seed=0)
    out = neuron([Value(1.0, label="a"), Value(2.0, label="b"), Value(3.0, label="c")])
    src = viz.to_dot(out)
    assert "w.2" in src and "concentrate" not in src


def test_twenty_thousand_node_chain_raises_a_clear_error():
    x = Value(1.0, label="x")
    y = x
    for _ in range(10_000):
        y = y * 1.0001
    assert len(topo_order(y)) > 20_000
    with pytest.raises(ValueError, match=r"20001 values.*max_nodes=300") as err:
        viz.to_dot(y)
    assert "smaller graph" in str(err.value)


def test_twenty_thousand_node_mlp_graph_collapses_or_says_how_many_nodes():
    model = nn.MLP(2, [32, 32, 1], seed=0)
    losses = [hinge_loss_of_one_sample(model, (0.1 * i, -0.1 * i)) for i in range(110)]
    total = losses[0]
    for part in losses[1:]:
        total = total + part
    n = len(topo_order(total))
    assert n > 20_000
    with pytest.raises(ValueError, match=rf"{n} values \(\d+ after folding \d+ neurons"):
        viz.to_dot(total)
    # with room for the folded picture, it draws
    src = viz.to_dot(total, max_nodes=10_000)
    assert len(drawn_nodes(src)) < 10_000


def test_a_neuron_applied_to_several_samples_numbers_its_copies():
    from nn import MLP

    model = MLP(2, [12, 12, 1], seed=0)
    loss = sum((1 - model(x)).relu() for x in ([0.5, -0.2], [0.1, 0.9]))
    source = viz.to_dot(loss)
    assert "<b>layers.0.neurons.3 #1</b>" in source and "<b>layers.0.neurons.3 #2</b>" in source
    assert "<b>layers.0.neurons.3</b>" not in source
    one = viz.to_dot((1 - model([0.5, -0.2])).relu(), max_nodes=100)
    assert " #1</b>" not in one  # a single sample needs no numbers
