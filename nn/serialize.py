"""The model file: JSON holding the architecture and the parameters. No pickle, no eval.

    {"format": "chainrule.model", "version": 1, "class": "MLP",
     "config": {"nin": 2, "nouts": [16, 16, 1], ...},      # the constructor arguments
     "parameters": {"layers.0.neurons.0.w.0": 0.12, ...}}  # every parameter, by name

Which classes a file may name is the registry `SAVABLE`, filled by the classes
themselves: a model class marked ``@savable`` is saved and loaded under its name. This
module imports no model class. Each model declares its constructor arguments once, as
``config_schema = {"nin": SIZE, "activation": ACTIVATION, ...}``; a `Field` says how
one argument is written to the file, read back (checked) and shown by ``repr``, so
``config()``, ``__repr__`` and `load`'s checks all follow from that one declaration.

`save` writes a temp file beside the target and renames it over the target, so a crash
never leaves a half-written model. `load` trusts nothing: JSON syntax, format and
version, a known class, every config value's type and range, the parameter count
(the class's ``count_parameters(config)``, checked before building, so a hand-edited
size cannot allocate a huge model), the exact set of names, and every value a finite
real number (JSON's non-standard NaN and Infinity are refused; `save` refuses a model
holding them), and no key twice in one object (a parameter listed twice, two
``"class"`` keys: refused, never last-one-wins). Before any of that, the file must be
a regular file of at most ``MAX_FILE_BYTES`` (64 MB; the largest model ``chainrule
train`` makes, MLP 2-1024-1024-1, is about 25 MB), checked from its size before it is
read (``nn.files.read_bounded``), and JSON nested deeper than Python can parse is
refused too. Any fault -> ValueError naming it, on one line; nothing is half-loaded.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from os import PathLike
from typing import Any, ClassVar, Protocol, TypeVar

from .activations import ACTIVATIONS, activation_name, name_for_saving
from .files import read_bounded, write_atomic
from .validate import check_positive_int, check_sizes, shown

FORMAT = "chainrule.model"
VERSION = 1
_KEYS = ("format", "version", "class", "config", "parameters")
MAX_FILE_BYTES = 64 * 2**20  # a model file (and the history.json beside it) at most


def _as_is(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Field:
    """One constructor argument of a model: how it is saved, read back and shown.

    ``write`` turns the model's attribute into its JSON value (ValueError when it cannot
    be saved); ``read(what, value)`` checks a file's value and returns the argument,
    else ValueError naming `what`; ``show`` is what ``repr(model)`` prints.
    """

    read: Callable[[str, Any], Any]
    write: Callable[[Any], Any] = _as_is
    show: Callable[[Any], Any] = _as_is


def _read_sizes(what: str, value: Any) -> list[int]:
    if not isinstance(value, list):  # JSON: an array, not an object or a string
        raise ValueError(f"{what} must be a non-empty list of sizes, got {shown(value)}")
    return check_sizes(what, value)


def _read_activation(what: str, value: Any) -> str:
    if not isinstance(value, str) or value not in ACTIVATIONS:
        raise ValueError(f"{what} must be one of {', '.join(ACTIVATIONS)}, got {shown(value)}")
    return value


SIZE = Field(read=check_positive_int)  # a positive int: nin, nout, pieces, nclasses
SIZES = Field(read=_read_sizes, write=list, show=list)  # a list of sizes: MLP's nouts
ACTIVATION = Field(read=_read_activation, write=name_for_saving, show=activation_name)


class Model(Protocol):
    """What saving needs of a model (``nn.Module`` provides it; no import needed here)."""

    config_schema: ClassVar[dict[str, Field]]

    def config(self) -> dict[str, Any]: ...
    def state_dict(self) -> dict[str, float]: ...
    def load_state_dict(self, state: Mapping[str, Any]) -> None: ...


# The classes a file may name, by class name, in the order they were marked @savable.
SAVABLE: dict[str, type[Model]] = {}
ModelClass = TypeVar("ModelClass", bound=type)


def savable(cls: ModelClass) -> ModelClass:
    """Class decorator: `save` may write instances of `cls`, `load` rebuild them.

    The class declares ``config_schema`` (its constructor arguments, each a `Field`,
    held as attributes of the same names) and ``count_parameters(config)``. A subclass
    is not savable until it is marked too (it would not load back as its parent).
    Marking a class again (a notebook cell run twice) replaces it; another class of
    the same name -> ValueError, since a file names its class by name alone.
    """
    name = cls.__name__
    known = SAVABLE.get(name)
    if known is not None and (known.__module__, known.__qualname__) != (
        cls.__module__,
        cls.__qualname__,
    ):
        raise ValueError(
            f"a savable model class named {name!r} is already registered "
            f"({known.__module__}.{known.__qualname__})"
        )
    if not getattr(cls, "config_schema", None) or not hasattr(cls, "count_parameters"):
        raise TypeError(f"@savable {name} must declare config_schema and count_parameters")
    SAVABLE[name] = cls
    return cls


def save(model: Model, path: str | PathLike[str]) -> None:
    """Write `model` to `path` as JSON, atomically (temp file in the same folder + rename)."""
    cls = type(model).__name__
    if SAVABLE.get(cls) is not type(model):
        raise ValueError(f"cannot save a {cls}: only {', '.join(SAVABLE)} can be saved")
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


def load(path: str | PathLike[str]) -> Model:
    """Rebuild the model saved at `path`; a corrupt or mismatched file -> ValueError.

    A missing or unreadable file raises the usual OSError; anything else that is wrong
    with it (not a regular file, too large, not JSON, duplicate keys) a ValueError.
    """
    doc = read_json(path, "model file")
    try:
        return from_document(doc)
    except ValueError as err:
        raise ValueError(f"{path}: {err}") from None


def read_json(path: str | PathLike[str], what: str = "JSON file") -> Any:
    """The JSON document in the file ``path``, read as strictly as a model file: a
    regular file of at most MAX_FILE_BYTES, UTF-8, standard JSON (no NaN or Infinity),
    no key twice in an object, nesting Python can parse. Any fault -> ValueError naming
    ``path`` on one line; a missing or unreadable file -> the usual OSError."""
    raw = read_bounded(path, MAX_FILE_BYTES, what)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(f"{path}: not a {what} (not UTF-8 text: {err})") from None
    try:
        return json.loads(text, parse_constant=_refuse_constant, object_pairs_hook=_unique)
    except RecursionError:
        raise ValueError(f"{path}: not a {what} (JSON nested too deeply)") from None
    except ValueError as err:  # JSONDecodeError, NaN / Infinity, a duplicate key
        raise ValueError(f"{path}: not a {what} (invalid JSON: {err})") from None


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object's pairs as a dict, refusing a key given twice (JSON allows it; Python's
    json keeps the last, which would hide a hand-edit)."""
    doc = dict(pairs)
    if len(doc) != len(pairs):
        seen: set[str] = set()
        twice = next(k for k, _ in pairs if k in seen or seen.add(k))
        raise ValueError(f"duplicate key {shown(twice, 80)}")
    return doc


def from_document(doc: Any) -> Model:
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
    if not isinstance(name, str) or name not in SAVABLE:
        raise ValueError(f"unknown model class {shown(name)}; expected one of {', '.join(SAVABLE)}")
    cls = SAVABLE[name]
    config = _check_config(cls, doc["config"])
    params = doc["parameters"]
    if not isinstance(params, dict):
        raise ValueError(f"parameters must be an object of name -> number, got {shown(params)}")
    expected = cls.count_parameters(config)  # type: ignore[attr-defined]
    if len(params) != expected:
        count = str(expected) if expected < 10**18 else "over 10**18"
        raise ValueError(
            f"{name} with config {shown(config, 200)} has {count} parameters, "
            f"the file lists {len(params)}"
        )
    model = cls(**config)
    model.load_state_dict(params)
    return model


def _check_config(cls: type[Model], config: Any) -> dict[str, Any]:
    """The config of `cls`, every value read back by its schema's Field, else ValueError."""
    schema = cls.config_schema
    if not isinstance(config, dict):
        raise ValueError(f"config must be an object, got {shown(config)}")
    if set(config) != set(schema):
        raise ValueError(
            f"{cls.__name__} config must have keys {sorted(schema)}, got {sorted(config)}"
        )
    return {key: field.read(f"config {key!r}", config[key]) for key, field in schema.items()}


def _refuse_constant(token: str) -> Any:
    raise ValueError(f"{token} is not a finite number")
