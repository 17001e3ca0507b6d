"""Models: parameter counts, names, the graph a neuron builds, inputs, state dicts."""

import math

import numpy as np
import pytest

import autograd as ag
import nn
from autograd import Value
from nn import MLP, Layer, LinearClassifier, Maxout, Neuron, Parameter, Perceptron


def test_mlp_2_16_16_1_has_337_parameters_like_micrograd():
    assert len(MLP(2, [16, 16, 1]).parameters()) == 337


def test_named_parameters_are_zero_based_dotted_paths_in_parameter_order():
    model = MLP(2, [3, 1], seed=0)
    names = [n for n, _ in model.named_parameters()]
    assert names[:4] == [
        "layers.0.neurons.0.w.0",
        "layers.0.neurons.0.w.1",
        "layers.0.neurons.0.b",
        "layers.0.neurons.1.w.0",
    ]
    assert names[-1] == "layers.1.neurons.0.b"
    assert "layers.1.neurons.0.w.2" in names
    assert [p for _, p in model.named_parameters()] == model.parameters()
    assert len(set(names)) == len(names) == 3 * 3 + 4


def test_parameters_are_parameter_instances_named_and_labelled_by_their_path():
    model = MLP(2, [16, 16, 1], seed=0)
    for name, p in model.named_parameters():
        assert type(p) is Parameter and isinstance(p, Value)
        assert p.name == name and p.label == name
    assert model.layers[0].neurons[3].w[1].name == "layers.0.neurons.3.w.1"


def test_a_bare_perceptron_names_its_parameters_w_i_and_b():
    names = [n for n, _ in Perceptron(3).named_parameters()]
    assert names == ["w.0", "w.1", "w.2", "b"]


def test_a_standalone_layer_names_are_relative_to_the_layer():
    names = [n for n, _ in Layer(2, 2).named_parameters()]
    assert names == ["neurons.0.w.0", "neurons.0.w.1", "neurons.0.b"] + [
        "neurons.1.w.0",
        "neurons.1.w.1",
        "neurons.1.b",
    ]


def test_maxout_and_linear_classifier_names():
    maxout = [n for n, _ in Maxout(2, 1, pieces=2).named_parameters()]
    assert maxout == [
        "neurons.0.pieces.0.w.0",
        "neurons.0.pieces.0.w.1",
        "neurons.0.pieces.0.b",
        "neurons.0.pieces.1.w.0",
        "neurons.0.pieces.1.w.1",
        "neurons.0.pieces.1.b",
    ]
    linear = [n for n, _ in LinearClassifier(2, 3).named_parameters()]
    assert linear[:3] == ["neurons.0.w.0", "neurons.0.w.1", "neurons.0.b"]
    assert len(linear) == 9


def test_init_is_micrograds_uniform_weights_zero_biases_and_seed_reproducible():
    a, b, c = MLP(2, [16, 16, 1], seed=7), MLP(2, [16, 16, 1], seed=7), MLP(2, [16, 16, 1], seed=8)
    assert a.state_dict() == b.state_dict()
    assert a.state_dict() != c.state_dict()
    for name, value in a.state_dict().items():
        if name.endswith(".b"):
            assert value == 0.0
        else:
            assert -1.0 <= value <= 1.0


def test_neuron_graph_is_one_dot_then_one_add_then_the_activation():
    neuron = Neuron(3, "tanh", seed=0)
    out = neuron([1.0, 2.0, 3.0])
    assert out.op == "tanh"
    (pre,) = out.parents
    assert pre.op == "+"
    dot, bias = pre.parents
    assert dot.op == "dot" and bias is neuron.b
    assert list(dot.parents[:3]) == neuron.w
    assert [x.data for x in dot.parents[3:]] == [1.0, 2.0, 3.0]
    w = [p.data for p in neuron.w]
    assert out.data == pytest.approx(math.tanh(w[0] + 2 * w[1] + 3 * w[2]))


def test_neuron_dot_node_is_exactly_what_ag_dot_builds():
    neuron = Neuron(3, "linear", seed=0)
    x = [Value(1.5), Value(-2.0), Value(0.25)]
    ours = neuron(x).parents[0]
    theirs = ag.dot(neuron.w, x)
    assert ours.op == theirs.op == "dot"
    assert ours.data == theirs.data
    assert ours.parents == theirs.parents
    assert ours.local_grads == theirs.local_grads


def test_neuron_forward_respects_no_grad_and_detect_anomaly():
    neuron = Neuron(2, "relu", seed=0)
    with ag.no_grad():
        out = neuron([1.0, 2.0])
    assert out.parents == ()
    with pytest.raises(FloatingPointError), ag.detect_anomaly():
        neuron([float("nan"), 1.0])


def test_linear_neuron_adds_no_activation_node():
    out = Neuron(2, "linear", seed=0)([1.0, 2.0])
    assert out.op == "+"


@pytest.mark.parametrize(
    ("name", "expected_op", "x", "expected"),
    [
        ("relu", "relu", -2.0, 0.0),
        ("leaky_relu", "leaky_relu", -2.0, -0.2),
        ("elu", "elu", -2.0, math.exp(-2.0) - 1.0),
        ("sigmoid", "sigmoid", -2.0, 1 / (1 + math.exp(2.0))),
        ("tanh", "tanh", -2.0, math.tanh(-2.0)),
        ("step", "step", 0.5, 1.0),
    ],
)
def test_activation_names_map_to_the_engine_op_with_the_lectures_constants(
    name, expected_op, x, expected
):
    neuron = Neuron(1, name)
    neuron.w[0].data = 1.0
    out = neuron([x])
    assert out.op.startswith(expected_op)
    assert out.data == pytest.approx(expected, abs=1e-12)


def test_leaky_relu_uses_alpha_0_1_and_elu_alpha_1():
    assert Neuron(1, "leaky_relu")([1.0]).op == ag.leaky_relu(Value(1.0), alpha=0.1).op
    assert Neuron(1, "elu")([1.0]).op == ag.elu(Value(1.0), alpha=1.0).op


def test_a_callable_activation_is_applied():
    neuron = Neuron(1, lambda v: v * v)
    neuron.w[0].data = 3.0
    assert neuron([2.0]).data == 36.0


def test_unknown_activation_name_is_a_value_error_listing_the_names():
    with pytest.raises(ValueError, match="relu"):
        Neuron(2, "swish")


@pytest.mark.parametrize(
    "build",
    [
        lambda act: Neuron(2, act),
        lambda act: Layer(2, 3, act),
        lambda act: MLP(2, [3, 1], activation=act),
        lambda act: MLP(2, [3, 1], output_activation=act),
        lambda act: MLP(2, [1], activation=act),  # one layer: `activation` is unused
    ],
    ids=["Neuron", "Layer", "MLP-hidden", "MLP-output", "MLP-one-layer"],
)
def test_every_activation_argument_is_checked_at_construction_used_or_not(build):
    with pytest.raises(ValueError, match=r"'relux'.*linear, relu, leaky_relu"):
        build("relux")
    for bad in (3, None, b"relu"):
        with pytest.raises(TypeError, match="name or a callable"):
            build(bad)
    build("tanh")
    build(lambda v: v)


def test_the_error_names_which_mlp_activation_is_bad():
    with pytest.raises(ValueError, match="unknown output_activation 'x'"):
        MLP(2, [3, 1], output_activation="x")
    with pytest.raises(TypeError, match="^activation must be"):
        MLP(2, [1], activation=None)


def test_each_neuron_labels_its_output_node_with_its_path():
    model = MLP(2, [3, 1], seed=0)
    out = model([0.5, -0.5])
    assert out.label == "layers.1.neurons.0"
    hidden = [p for p in ag.topo_order(out) if p.label.startswith("layers.0.neurons.")]
    assert sorted(v.label for v in hidden if not isinstance(v, Parameter)) == [
        "layers.0.neurons.0",
        "layers.0.neurons.1",
        "layers.0.neurons.2",
    ]
    assert model.layers[0].neurons[2].path == "layers.0.neurons.2"
    assert Neuron(2)([1.0, 1.0]).label == "neuron"
    assert Perceptron(2)([1.0, 1.0]).label == "perceptron"
    assert Maxout(2, 2)([1.0, 1.0])[1].label == "neurons.1"


def test_maxout_is_one_max_node_over_pieces_of_dot_plus_bias():
    unit = Maxout(2, 1, pieces=3, seed=0).neurons[0]
    out = unit([1.0, -1.0])
    assert out.op == "max" and len(out.parents) == 3
    expected = max(w[0].data - w[1].data + b.data for w, b in zip(unit.w, unit.b))
    assert out.data == expected


def test_linear_classifier_returns_one_score_per_class_w_x_plus_b():
    model = LinearClassifier(2, 3, seed=0)
    scores = model([2.0, -1.0])
    assert len(scores) == 3
    for neuron, s in zip(model.neurons, scores):
        assert s.data == pytest.approx(2 * neuron.w[0].data - neuron.w[1].data)


def test_layer_returns_a_list_even_for_one_output_and_mlp_a_single_value():
    assert isinstance(Layer(2, 1)([1.0, 2.0]), list)
    assert isinstance(MLP(2, [1])([1.0, 2.0]), Value)
    assert len(MLP(2, [4, 3])([1.0, 2.0])) == 3


def test_model_accepts_numbers_values_and_ndarray_rows_and_gradients_reach_value_inputs():
    model = MLP(2, [4, 1], activation="tanh", seed=0)
    row = np.array([0.3, -0.7])
    assert model(row).data == model([0.3, -0.7]).data == model((0.3, -0.7)).data
    x = [Value(0.3), Value(-0.7)]
    out = model(x)
    out.backward()
    numeric = ag.numerical_grad(lambda a, b: model([a, b]), x)
    assert [v.grad for v in x] == pytest.approx(numeric, rel=1e-6, abs=1e-9)


def test_wrong_input_length_is_a_value_error():
    with pytest.raises(ValueError, match="expected 2 inputs, got 3"):
        MLP(2, [3, 1])([1.0, 2.0, 3.0])
    with pytest.raises(ValueError):
        Neuron(2)(np.zeros((1, 2)))
    with pytest.raises(TypeError):
        Neuron(1)(1.0)


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_bad_sizes_are_value_errors(bad):
    with pytest.raises(ValueError):
        MLP(2, [bad])
    with pytest.raises(ValueError):
        Neuron(bad)


def test_zero_grad_clears_every_parameter_gradient():
    model = MLP(2, [3, 1], seed=0)
    model([1.0, 2.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_state_dict_round_trips_through_load_state_dict():
    a, b = MLP(2, [4, 1], seed=1), MLP(2, [4, 1], seed=2)
    b.load_state_dict(a.state_dict())
    assert b.state_dict() == a.state_dict()
    assert b([0.1, 0.2]).data == a([0.1, 0.2]).data


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda d: d.pop("layers.0.neurons.0.b"),
        lambda d: d.update({"layers.9.neurons.0.b": 0.0}),
        lambda d: d.update({"layers.1.neurons.0.b": "0.5"}),
        lambda d: d.update({"layers.1.neurons.0.b": True}),
        lambda d: d.update({"layers.1.neurons.0.b": float("nan")}),
        lambda d: d.update({"layers.1.neurons.0.b": float("inf")}),
        lambda d: d.update({"layers.1.neurons.0.b": 10**400}),
        lambda d: d.update({"layers.1.neurons.0.b": -(10**5000)}),
    ],
    ids=["missing", "extra", "string", "bool", "nan", "inf", "huge-int", "past-digit-limit"],
)
def test_load_state_dict_is_all_or_nothing(corrupt):
    model = MLP(2, [4, 1], seed=1)
    before = model.state_dict()
    state = {name: 0.5 for name in before}  # valid values first, so order can't save it
    corrupt(state)
    with pytest.raises(ValueError):
        model.load_state_dict(state)
    assert model.state_dict() == before


def test_load_state_dict_refuses_a_huge_integer_with_a_short_value_error():
    model = MLP(2, [1], seed=0)
    state = model.state_dict()
    state["layers.0.neurons.0.b"] = 10**400
    with pytest.raises(ValueError, match="'layers.0.neurons.0.b'.*401 digits.*too large") as err:
        model.load_state_dict(state)
    assert len(str(err.value)) < 200


def test_parameter_repr_shows_plain_float_reprs():
    p = MLP(2, [1], seed=0).parameters()[0]
    p.data = np.float64(0.5)
    p.grad = np.float32(0.25)
    assert repr(p) == "Parameter(name='layers.0.neurons.0.w.0', data=0.5, grad=0.25)"
    p.data = 3
    assert repr(p) == "Parameter(name='layers.0.neurons.0.w.0', data=3.0, grad=0.25)"
    p.data = 10**400  # not a float: falls back to its own repr, never raises
    assert "data=1000" in repr(p)


def test_repr_names_the_architecture():
    assert repr(MLP(2, [16, 1])) == (
        "MLP(nin=2, nouts=[16, 1], activation='relu', output_activation='linear')"
    )
    assert repr(Perceptron(2)) == "Perceptron(nin=2)"


def test_nn_exports_the_public_names():
    for name in [
        "Module",
        "Neuron",
        "Layer",
        "MLP",
        "Maxout",
        "Perceptron",
        "LinearClassifier",
        "Parameter",
        "losses",
        "optim",
        "data",
        "fit",
        "load",
        "History",
    ]:
        assert hasattr(nn, name), name


@pytest.mark.parametrize("bad", ["x", 1.5, True, -1])
def test_a_bad_seed_is_the_same_value_error_for_models_and_data_sets(bad):
    for make in (
        lambda: MLP(2, [1], seed=bad),
        lambda: Neuron(2, seed=bad),
        lambda: Maxout(2, 1, seed=bad),
        lambda: LinearClassifier(2, 2, seed=bad),
        lambda: nn.data.make_moons(seed=bad),
    ):
        with pytest.raises(ValueError, match="seed must be None or an integer >= 0"):
            make()


def test_one_generator_passed_down_makes_the_whole_model():
    rng = np.random.default_rng(3)
    assert Layer(2, 2, seed=rng).state_dict() != Layer(2, 2, seed=rng).state_dict()
    assert MLP(2, [2], seed=3).state_dict() == {
        f"layers.0.{k}": v for k, v in Layer(2, 2, seed=3).state_dict().items()
    }
