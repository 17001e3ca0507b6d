"""The model file: JSON holding the architecture and the parameters. No pickle, no eval.

    {"format": "chainrule.model", "version": 1, "class": "MLP",
     "config": {"nin": 2, "nouts": [16, 16, 1], ...},      # the constructor arguments
     "parameters": {"layers.0.neurons.0.w.0": 0.12, ...}}  # every parameter, by name

`save` writes a temp file beside the target and renames it over the target, so a crash
never leaves a half-written model. `load` trusts nothing: JSON syntax, format and
version, a known class, every config value's type and range, the parameter count
(checked before building, so a hand-edited size cannot allocate a huge model), the
exact set of names, and every value a finite real number (JSON's non-standard NaN and
Infinity are refused; `save` refuses a model holding them). Any fault -> ValueError
naming it; nothing is half-loaded.
"""

from __future__ import annotations

import json
import math
from os import PathLike
from pathlib import Path
from typing import Any

from .activations import ACTIVATIONS
from .files import write_atomic
from .layers import MLP, Layer, LinearClassifier, Neuron
from .maxout import Maxout
from .module import Module
from .perceptron import Perceptron
from .validate import check_positive_int, shown

FORMAT = "chainrule.model"
VERSION = 1

# The classes a file may name. Each has _CONFIG (key -> kind) and _count_parameters.
CLASSES: dict[str, type[Module]] = {
    cls.__name__: cls for cls in (Neuron, Layer, MLP, Maxout, Perceptron, LinearClassifier)
}
_KEYS = ("format", "version", "class", "config", "parameters")


def save(model: Module, path: str | PathLike[str]) -> None:
    """Write `model` to `path` as JSON, atomically (temp file in the same folder + rename)."""
    cls = type(model).__name__
    if CLASSES.get(cls) is not type(model):
        raise ValueError(f"cannot save a {cls}: only {', '.join(CLASSES)} can be saved")
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "class": cls,
        "config": model.config(),  # ValueError when an activation is a callable
        "parameters": model.state_dict(),
    }
    try:
        text = json.dumps(doc, indent=1, allow_nan=False)
    except ValueError:
        bad = [n for n, v in doc["parameters"].items() if not math.isfinite(v)]
        raise ValueError(f"cannot save: parameter(s) not finite: {bad[:5]}") from None
    write_atomic(path, text + "\n")


def load(path: str | PathLike[str]) -> Module:
    """Rebuild the model saved at `path`; a corrupt or mismatched file -> ValueError.

    A missing or unreadable file raises the usual OSError.
    """
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(f"{path}: not a model file (not UTF-8 text: {err})") from None
    try:
        doc = json.loads(text, parse_constant=_refuse_constant)
    except ValueError as err:  # JSONDecodeError, or NaN / Infinity refused
        raise ValueError(f"{path}: not a model file (invalid JSON: {err})") from None
    try:
        return from_document(doc)
    except ValueError as err:
        raise ValueError(f"{path}: {err}") from None


def from_document(doc: Any) -> Module:
    """Build a model from a parsed model document, validating every field first."""
    if not isinstance(doc, dict):
        raise ValueError(f"expected a JSON object at the top, got {type(doc).__name__}")
    missing = [k for k in _KEYS if k not in doc]
    extra = sorted(set(doc) - set(_KEYS))
    if missing or extra:
        raise ValueError(f"expected keys {list(_KEYS)}; missing {missing}, unexpected {extra}")
    if doc["format"] != FORMAT:
        raise ValueError(f"format is {shown(doc['format'])}, expected {FORMAT!r}")
    version = doc["version"]
    if isinstance(version, bool) or version != VERSION:
        raise ValueError(f"unsupported version {shown(version)}, this chainrule reads {VERSION}")
    name = doc["class"]
    if not isinstance(name, str) or name not in CLASSES:
        raise ValueError(f"unknown model class {shown(name)}; expected one of {', '.join(CLASSES)}")
    cls = CLASSES[name]
    config = _check_config(cls, doc["config"])
    params = doc["parameters"]
    if not isinstance(params, dict):
        raise ValueError(f"parameters must be an object of name -> number, got {shown(params)}")
    expected = cls._count_parameters(config)  # type: ignore[attr-defined]
    if len(params) != expected:
        count = str(expected) if expected < 10**18 else "over 10**18"
        raise ValueError(
            f"{name} with config {shown(config, 200)} has {count} parameters, "
            f"the file lists {len(params)}"
        )
    model = cls(**config)
    model.load_state_dict(params)
    return model


def _check_config(cls: type[Module], config: Any) -> dict[str, Any]:
    """The config of `cls` with every value checked against its kind, else ValueError."""
    schema: dict[str, str] = cls._CONFIG  # type: ignore[attr-defined]
    if not isinstance(config, dict):
        raise ValueError(f"config must be an object, got {shown(config)}")
    if set(config) != set(schema):
        raise ValueError(
            f"{cls.__name__} config must have keys {sorted(schema)}, got {sorted(config)}"
        )
    checked: dict[str, Any] = {}
    for key, kind in schema.items():
        value = config[key]
        what = f"config {key!r}"
        if kind == "size":
            checked[key] = check_positive_int(what, value)
        elif kind == "sizes":
            if not isinstance(value, list) or not value:
                raise ValueError(f"{what} must be a non-empty list of sizes, got {shown(value)}")
            checked[key] = [check_positive_int(f"each entry of {what}", v) for v in value]
        elif kind == "activation":
            if not isinstance(value, str) or value not in ACTIVATIONS:
                raise ValueError(
                    f"{what} must be one of {', '.join(ACTIVATIONS)}, got {shown(value)}"
                )
            checked[key] = value
        else:  # pragma: no cover - a schema typo in this package
            raise AssertionError(f"unknown config kind {kind!r}")
    return checked


def _refuse_constant(token: str) -> Any:
    raise ValueError(f"{token} is not a finite number")
