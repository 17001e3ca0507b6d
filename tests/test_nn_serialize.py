"""Model files: JSON round trips, atomic writes, and every corrupt file refused."""

import json
import os

import pytest

import nn
from nn import MLP, Layer, LinearClassifier, Maxout, Neuron, Perceptron


def saved(tmp_path, model, name="model.json"):
    path = tmp_path / name
    model.save(path)
    return path


@pytest.mark.parametrize(
    "model",
    [
        MLP(2, [16, 16, 1], seed=0),
        MLP(3, [4, 2], activation="tanh", output_activation="sigmoid", seed=1),
        Layer(2, 3, activation="elu", seed=2),
        Neuron(4, activation="leaky_relu", seed=3),
        Maxout(2, 3, pieces=3, seed=4),
        LinearClassifier(2, 3, seed=5),
        Perceptron(2),
    ],
    ids=lambda m: type(m).__name__,
)
def test_save_then_load_rebuilds_the_same_model(tmp_path, model):
    loaded = nn.load(saved(tmp_path, model))
    assert type(loaded) is type(model)
    assert loaded.config() == model.config()
    assert loaded.state_dict() == model.state_dict()  # floats survive JSON exactly
    assert [n for n, _ in loaded.named_parameters()] == [n for n, _ in model.named_parameters()]
    x = [0.25 * (i + 1) for i in range(model.nin)]
    out, again = model(x), loaded(x)
    out, again = (out, again) if isinstance(out, list) else ([out], [again])
    assert [v.data for v in out] == [v.data for v in again]


def test_the_file_is_json_with_format_version_class_config_parameters(tmp_path):
    model = MLP(2, [3, 1], seed=0)
    doc = json.loads(saved(tmp_path, model).read_text())
    assert doc["format"] == "chainrule.model" and doc["version"] == 1
    assert doc["class"] == "MLP"
    assert doc["config"] == {
        "nin": 2,
        "nouts": [3, 1],
        "activation": "relu",
        "output_activation": "linear",
    }
    assert doc["parameters"] == model.state_dict()


def test_save_replaces_an_existing_file_and_leaves_no_temp_file(tmp_path):
    path = saved(tmp_path, MLP(2, [1], seed=0))
    model = MLP(2, [1], seed=1)
    model.save(path)
    assert nn.load(path).state_dict() == model.state_dict()
    assert os.listdir(tmp_path) == ["model.json"]


def test_a_callable_activation_cannot_be_saved_and_nothing_is_written(tmp_path):
    def swish(v):
        return v * v.sigmoid()

    with pytest.raises(ValueError, match="swish"):
        MLP(2, [3, 1], activation=swish).save(tmp_path / "m.json")
    assert os.listdir(tmp_path) == []


def test_a_failed_save_leaves_the_previous_file_intact(tmp_path):
    path = saved(tmp_path, MLP(2, [1], seed=0))
    before = path.read_bytes()
    broken = MLP(2, [1], seed=1)
    broken.parameters()[0].data = float("nan")
    with pytest.raises(ValueError, match="not finite"):
        broken.save(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.json"]


def _edit(doc, key, value):
    doc[key] = value


def _param(doc, value):
    doc["parameters"]["layers.0.neurons.0.w.0"] = value


CORRUPTIONS = {
    "not an object": lambda d: d.clear() or d.update({"x": 1}),
    "wrong format": lambda d: _edit(d, "format", "pickle"),
    "wrong version": lambda d: _edit(d, "version", 2),
    "unknown class": lambda d: _edit(d, "class", "Transformer"),
    "class not a string": lambda d: _edit(d, "class", ["MLP"]),
    "missing parameter": lambda d: d["parameters"].pop("layers.1.neurons.0.b"),
    "extra parameter": lambda d: d["parameters"].update({"layers.1.neurons.0.w.9": 0.0}),
    "renamed parameter": lambda d: d["parameters"].update(
        {"layers.1.neurons.0.bias": d["parameters"].pop("layers.1.neurons.0.b")}
    ),
    "string value": lambda d: _param(d, "0.5"),
    "null value": lambda d: _param(d, None),
    "bool value": lambda d: _param(d, True),
    "list value": lambda d: _param(d, [0.5]),
    "parameters not an object": lambda d: _edit(d, "parameters", [1.0, 2.0]),
    "config layer sizes changed": lambda d: d["config"].update({"nouts": [4, 1]}),
    "config nin changed": lambda d: d["config"].update({"nin": 3}),
    "config nin a string": lambda d: d["config"].update({"nin": "2"}),
    "config nin zero": lambda d: d["config"].update({"nin": 0}),
    "config unknown activation": lambda d: d["config"].update({"activation": "swish"}),
    "config key missing": lambda d: d["config"].pop("output_activation"),
    "config extra key": lambda d: d["config"].update({"dropout": 0.5}),
    "missing top-level key": lambda d: d.pop("config"),
}
PARAMETER_FAULTS = {
    "missing parameter",
    "extra parameter",
    "renamed parameter",
    "string value",
    "null value",
    "bool value",
    "list value",
    "parameters not an object",
}


@pytest.mark.parametrize("case", CORRUPTIONS)
def test_every_corrupt_document_is_a_value_error_and_the_model_is_untouched(tmp_path, case):
    model = MLP(2, [3, 1], seed=0)
    path = saved(tmp_path, model)
    before = model.state_dict()
    doc = json.loads(path.read_text())
    CORRUPTIONS[case](doc)
    path.write_text(json.dumps(doc))
    with pytest.raises(ValueError):
        nn.load(path)
    if case in PARAMETER_FAULTS:  # the same parameters, loaded into the live model
        with pytest.raises(ValueError):
            model.load_state_dict(doc["parameters"])
    assert model.state_dict() == before


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (None, "invalid JSON"),  # truncated: filled in below
        ("", "invalid JSON"),
        ("[1, 2", "invalid JSON"),
        ("[]", "JSON object"),
    ],
)
def test_truncated_or_non_json_files_are_value_errors(tmp_path, text, match):
    path = saved(tmp_path, MLP(2, [3, 1], seed=0))
    if text is None:
        text = path.read_text()[:-40]
    path.write_text(text)
    with pytest.raises(ValueError, match=match):
        nn.load(path)


def test_nan_and_infinity_tokens_are_refused(tmp_path):
    model = MLP(2, [1], seed=0)
    path = saved(tmp_path, model)
    for token in ("NaN", "Infinity", "-Infinity"):
        text = path.read_text().replace(repr(model.parameters()[0].data), token, 1)
        path.write_text(text)
        with pytest.raises(ValueError, match="finite"):
            nn.load(path)
        model.save(path)


def test_a_binary_file_is_a_value_error(tmp_path):
    path = tmp_path / "model.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ValueError, match="UTF-8"):
        nn.load(path)


def test_a_huge_hand_edited_size_is_refused_before_building_anything(tmp_path):
    path = saved(tmp_path, MLP(2, [3, 1], seed=0))
    doc = json.loads(path.read_text())
    doc["config"]["nouts"] = [10**9, 1]
    path.write_text(json.dumps(doc))
    with pytest.raises(ValueError, match="parameters"):
        nn.load(path)


def test_the_error_names_the_file_and_the_fault(tmp_path):
    path = saved(tmp_path, MLP(2, [3, 1], seed=0))
    doc = json.loads(path.read_text())
    doc["parameters"]["layers.0.neurons.0.w.0"] = "oops"
    path.write_text(json.dumps(doc))
    with pytest.raises(ValueError) as err:
        nn.load(path)
    assert str(path) in str(err.value) and "layers.0.neurons.0.w.0" in str(err.value)


@pytest.mark.parametrize("digits", [400, 4000])
def test_a_huge_integer_parameter_is_a_value_error_and_nothing_half_loaded(tmp_path, digits):
    path = saved(tmp_path, MLP(2, [1], seed=0))
    text = path.read_text()
    doc = json.loads(text)
    doc["parameters"]["layers.0.neurons.0.b"] = 0.0
    # a hand-edited file: a literal integer of `digits` digits as the bias
    text = json.dumps(doc).replace(
        '"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": 9' + "9" * (digits - 1)
    )
    path.write_text(text)
    with pytest.raises(ValueError) as err:
        nn.load(path)
    message = str(err.value)
    assert str(path) in message and "layers.0.neurons.0.b" in message
    assert f"{digits} digits" in message and "too large" in message and len(message) < 300


@pytest.mark.parametrize("key", ["nin", "nouts", "version"])
def test_a_huge_integer_in_the_config_is_a_short_value_error(tmp_path, key):
    path = saved(tmp_path, MLP(2, [1], seed=0))
    doc = json.loads(path.read_text())
    if key == "version":
        doc["version"] = 10**400
    else:
        doc["config"][key] = [10**400] if key == "nouts" else 10**400
    path.write_text(json.dumps(doc))
    with pytest.raises(ValueError) as err:
        nn.load(path)
    assert len(str(err.value)) < 400


def test_an_unused_activation_cannot_be_bad_so_save_never_writes_what_load_refuses():
    with pytest.raises(ValueError, match="relux"):
        MLP(2, [1], activation="relux", seed=0)
    with pytest.raises(TypeError):
        MLP(2, [1], activation=None, seed=0)


def test_a_missing_file_is_an_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        nn.load(tmp_path / "nope.json")


def test_saved_files_get_ordinary_permissions_not_private_temp_ones(tmp_path):
    import os
    import stat

    from nn import MLP

    path = tmp_path / "model.json"
    MLP(2, [3, 1], seed=0).save(path)
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]  # no temp file left


# -- the registry of savable classes and the one config schema per class ---------------

# Written by chainrule before the registry existed: the file format has not changed.
V1_FILE = """{
 "format": "chainrule.model", "version": 1, "class": "MLP",
 "config": {"nin": 2, "nouts": [2, 1], "activation": "tanh", "output_activation": "linear"},
 "parameters": {
  "layers.0.neurons.0.w.0": -1.0, "layers.0.neurons.0.w.1": -0.75,
  "layers.0.neurons.0.b": -0.5, "layers.0.neurons.1.w.0": -0.25,
  "layers.0.neurons.1.w.1": 0.0, "layers.0.neurons.1.b": 0.25,
  "layers.1.neurons.0.w.0": 0.5, "layers.1.neurons.0.w.1": 0.75,
  "layers.1.neurons.0.b": 1.0
 }
}
"""


def test_a_file_written_before_the_registry_still_loads(tmp_path):
    path = tmp_path / "old.json"
    path.write_text(V1_FILE)
    model = nn.load(path)
    assert repr(model) == "MLP(nin=2, nouts=[2, 1], activation='tanh', output_activation='linear')"
    assert model([0.5, -1.0]).data == 0.9708054201268426
    model.save(path)
    assert json.loads(path.read_text()) == json.loads(V1_FILE)


def test_every_built_in_model_class_is_registered_by_itself():
    from nn import serialize

    assert list(serialize.SAVABLE) == [
        "Neuron",
        "Layer",
        "MLP",
        "LinearClassifier",
        "Maxout",
        "Perceptron",
    ]


def test_serialize_imports_no_model_module():
    import ast
    from pathlib import Path

    from nn import serialize

    tree = ast.parse(Path(serialize.__file__).read_text(encoding="utf-8"))
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert imported.isdisjoint({"layers", "maxout", "perceptron", "module"}), imported


def _bias_class():
    """A user's own model: one bias per input, savable by marking it."""
    from nn import Module, Parameter
    from nn.serialize import SIZE

    class Bias(Module):
        config_schema = {"nin": SIZE}

        def __init__(self, nin):
            self.nin = nin
            self.b = [Parameter(0.5 * i) for i in range(nin)]
            self._assign_names()

        def _own_parameters(self):
            return [(f"b.{i}", b) for i, b in enumerate(self.b)]

        @staticmethod
        def count_parameters(config):
            return config["nin"]

    return Bias


@pytest.fixture
def registry(monkeypatch):
    from nn import serialize

    monkeypatch.setattr(serialize, "SAVABLE", dict(serialize.SAVABLE))
    return serialize


def test_a_class_marked_savable_saves_and_loads_by_its_name(tmp_path, registry):
    Bias = registry.savable(_bias_class())
    model = Bias(3)
    assert repr(model) == "Bias(nin=3)" and model.config() == {"nin": 3}
    loaded = nn.load(saved(tmp_path, model))
    assert type(loaded) is Bias and loaded.state_dict() == {"b.0": 0.0, "b.1": 0.5, "b.2": 1.0}


def test_an_unmarked_subclass_is_not_savable(tmp_path, registry):
    class MyMLP(MLP):
        pass

    with pytest.raises(ValueError, match="cannot save a MyMLP: only Neuron, Layer, MLP"):
        MyMLP(2, [1], seed=0).save(tmp_path / "m.json")
    assert not (tmp_path / "m.json").exists()


def test_marking_again_replaces_but_another_class_of_the_same_name_is_refused(registry):
    first = registry.savable(_bias_class())
    again = registry.savable(_bias_class())  # the same class, defined again (a cell rerun)
    assert registry.SAVABLE["Bias"] is again is not first
    with pytest.raises(ValueError, match="'MLP' is already registered"):

        @registry.savable
        class MLP(nn.Module):
            config_schema = {"nin": registry.SIZE}
            count_parameters = staticmethod(lambda config: 0)


def test_a_class_without_schema_or_count_cannot_be_marked(registry):
    with pytest.raises(TypeError, match="config_schema and count_parameters"):

        @registry.savable
        class Nothing(nn.Module):
            pass


def test_config_and_repr_follow_from_the_one_schema():
    def double(v):
        return v * 2

    neuron = Neuron(2, activation=double, seed=0)
    assert repr(neuron).startswith("Neuron(nin=2, activation='test_config_and_repr_follow")
    with pytest.raises(ValueError, match="callable"):
        neuron.config()
    assert repr(Maxout(2, 3, pieces=4, seed=0)) == "Maxout(nin=2, nout=3, pieces=4)"
    assert repr(Maxout(2, 1, pieces=4, seed=0).neurons[0]) == "MaxoutUnit(nin=2, pieces=4)"
    assert LinearClassifier(2, 3, seed=0).config() == {"nin": 2, "nclasses": 3}


EXAMPLES = {
    "Neuron": lambda: Neuron(3, "tanh"),
    "Layer": lambda: Layer(3, 4),
    "MLP": lambda: MLP(2, [5, 3, 1]),
    "Maxout": lambda: Maxout(3, 2, pieces=3),
    "Perceptron": lambda: Perceptron(4),
    "LinearClassifier": lambda: LinearClassifier(3, 5),
}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_savable_class_counts_its_parameters_from_its_config(name):
    from nn import serialize

    model = EXAMPLES[name]()
    cls = serialize.SAVABLE[name]
    assert type(model) is cls
    assert cls.count_parameters(model.config()) == len(model.parameters())


def test_every_savable_class_has_an_example_above():
    from nn import serialize

    assert set(serialize.SAVABLE) == set(EXAMPLES)


# -- issue 16, item 2: load reads nothing unbounded, and refuses duplicate keys ----------


def test_a_fifo_is_refused_at_once_not_waited_on(tmp_path):
    fifo = tmp_path / "model.json"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match="not a regular file"):
        nn.load(fifo)  # would block forever reading a pipe no one writes


def test_a_device_is_refused_before_reading_anything():
    with pytest.raises(ValueError, match="character device.*not a regular file"):
        nn.load("/dev/zero")  # would allocate until memory runs out


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from nn import serialize

    path = tmp_path / "big.json"
    with open(path, "wb") as f:
        f.truncate(serialize.MAX_FILE_BYTES + 1)  # sparse: no disk, no time
    opened = []
    monkeypatch.setattr(os, "open", lambda *a, **k: opened.append(a))
    too_large = r"67,108,865 bytes is too large for a model file \(at most 64 MB\)"
    with pytest.raises(ValueError, match=too_large) as err:
        nn.load(path)
    assert opened == [] and str(path) in str(err.value)
    assert len(str(err.value).splitlines()) == 1


def test_the_size_limit_holds_the_largest_model_train_can_make():
    from nn import serialize
    from viz.cli.arguments import MAX_LAYER_SIZE

    n = MAX_LAYER_SIZE
    params = 2 * n + n + n * n + n + n + 1  # MLP 2-n-n-1
    longest = len(f' "layers.1.neurons.{n - 1}.w.{n - 1}": -0.12345678901234567,\n')
    assert params * longest < serialize.MAX_FILE_BYTES


def test_json_nested_very_deep_is_one_value_error_not_recursion_error(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ValueError, match="nested too deeply") as err:
        nn.load(path)
    assert len(str(err.value).splitlines()) == 1 and str(path) in str(err.value)


@pytest.mark.parametrize(
    "text, key",
    [
        ('{"format": "chainrule.model", "version": 1, "class": "MLP", "class": "Neuron"}', "class"),
        ('{"parameters": {"w.0": 1.0, "w.0": 2.0}}', "w.0"),
    ],
    ids=["two class keys", "a parameter twice"],
)
def test_duplicate_keys_are_refused_not_last_one_wins(tmp_path, text, key):
    path = tmp_path / "dup.json"
    path.write_text(text)
    with pytest.raises(ValueError, match=f"duplicate key {key!r}"):
        nn.load(path)


def test_a_saved_model_with_a_parameter_listed_twice_is_refused(tmp_path):
    path = saved(tmp_path, Neuron(2, seed=0))
    text = path.read_text().replace('"w.0":', '"w.1": 5.0,\n "w.0":', 1)
    path.write_text(text)
    with pytest.raises(ValueError, match="duplicate key 'w.1'"):
        nn.load(path)
