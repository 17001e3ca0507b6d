"""Module: the base of every model — its parameters, their names, and their state.

A model is a tree of modules (MLP -> layers -> neurons). Each module lists the
parameters it owns directly (`_own_parameters`) and its sub-modules (`_children`);
from those two, `Module` derives everything else: `parameters()` in a fixed order
(layer by layer, neuron by neuron, weights then bias), 0-based dotted names such as
``layers.0.neurons.3.w.1``, `zero_grad`, and an all-or-nothing `load_state_dict`.
A module's constructor arguments are declared once, in ``config_schema`` (see
`nn/serialize.py`): ``config()`` (what a file stores) and ``repr`` follow from it.
Saving to and loading from a file lives in `nn/serialize.py`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from os import PathLike
from typing import Any, ClassVar

import numpy as np

from autograd import Value

from . import serialize
from .parameter import Parameter
from .serialize import Field
from .validate import check_real


def _dotted(prefix: str, name: str) -> str:
    """``prefix.name``, or just ``name`` under the outermost model (an empty prefix)."""
    return f"{prefix}.{name}" if prefix else name


def as_inputs(x: Iterable[Any], nin: int) -> list[Value]:
    """The model input `x` (numbers, Values, or a 1-D array) as a list of `nin` Values.

    Numbers become leaf Values labelled ``x0``, ``x1``, ... (so drawings show them as
    inputs); Values pass through untouched so gradients can flow into them.
    """
    if isinstance(x, np.ndarray):
        if x.ndim != 1:
            raise ValueError(f"expected one sample (a 1-D array of {nin}), got shape {x.shape}")
        x = x.tolist()
    elif isinstance(x, (Value, str, bytes)) or not isinstance(x, Iterable):
        raise TypeError(f"expected an iterable of {nin} numbers or Values, got {x!r}")
    else:
        x = list(x)
    if len(x) != nin:
        raise ValueError(f"expected {nin} inputs, got {len(x)}")
    return [v if isinstance(v, Value) else Value(v, label) for v, label in zip(x, _labels(nin))]


@functools.lru_cache(maxsize=64)
def _labels(nin: int) -> tuple[str, ...]:
    """The input labels x0, x1, ..., made once per input size."""
    return tuple(f"x{i}" for i in range(nin))


class Module:
    """Base class of every model: parameters, their names, zero_grad and state dicts.

    Subclasses override `_own_parameters` (name, Parameter pairs they hold directly)
    and `_children` (name, Module pairs), declare `config_schema` (their constructor
    arguments, for ``config()`` and ``repr``), and call `_assign_names()` at the end of
    construction. Every module has a `path`: its dotted place in the outermost model
    ('' for the outermost one), which neurons use to label their output node.
    """

    path: str = ""
    # The constructor arguments, each held as the attribute of the same name.
    config_schema: ClassVar[dict[str, Field]] = {}

    def _own_parameters(self) -> list[tuple[str, Parameter]]:
        return []

    def _children(self) -> list[tuple[str, Module]]:
        return []

    def _assign_names(self, prefix: str = "") -> None:
        """Name every parameter and module below by its path from this module.

        Called by each constructor, so an outer model (built last) renames what its
        sub-modules named: names always read from the outermost model.
        """
        self.path = prefix
        self._parameters = None  # names (and, while building, members) may have changed
        for name, p in self._own_parameters():
            p.rename(_dotted(prefix, name))
        for name, child in self._children():
            child._assign_names(_dotted(prefix, name))

    def named_parameters(self) -> list[tuple[str, Parameter]]:
        """(name, parameter) pairs, names relative to this module, in parameter order."""
        named = list(self._own_parameters())
        for cname, child in self._children():
            named.extend((f"{cname}.{n}", p) for n, p in child.named_parameters())
        return named

    def parameters(self) -> list[Parameter]:
        """Every parameter: layer by layer, neuron by neuron, weights then bias.

        A model's parameters are made once, by its constructor, so the list is cached
        (zero_grad runs every training step); a fresh list is returned each call.
        """
        cached = self.__dict__.get("_parameters")
        if cached is None:
            cached = self._parameters = tuple(p for _, p in self.named_parameters())
        return list(cached)

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 (leaves accumulate across backward calls)."""
        for p in self.parameters():
            p.grad = 0.0

    def state_dict(self) -> dict[str, float]:
        """{name: value} for every parameter, in parameter order."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Set every parameter from `state`; all or nothing.

        `state` must name exactly this model's parameters, each with a finite real
        number. Everything is checked before anything is assigned, so on ValueError
        the model is untouched.
        """
        if not isinstance(state, Mapping):
            raise ValueError(f"state must be a mapping of name -> number, got {type(state)}")
        named = self.named_parameters()
        expected = [n for n, _ in named]
        missing = [n for n in expected if n not in state]
        extra = sorted(set(state) - set(expected), key=str)
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"missing {len(missing)} parameter(s): {_first_few(missing)}")
            if extra:
                parts.append(f"unexpected {len(extra)} parameter(s): {_first_few(extra)}")
            raise ValueError(f"state does not match {type(self).__name__}: " + "; ".join(parts))
        values = [check_real(f"parameter {n!r}", state[n]) for n in expected]
        for (_, p), v in zip(named, values):
            p.data = v

    # -- the architecture, and saving it (the file format is in serialize.py) ----------

    def config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this architecture, as a file stores them.

        Read from ``config_schema``; a callable activation cannot be saved -> ValueError.
        """
        return {key: field.write(getattr(self, key)) for key, field in self.config_schema.items()}

    def save(self, path: str | PathLike[str]) -> None:
        """Write architecture and parameters as JSON to `path`, atomically.

        Only ``@savable`` classes can be saved; a callable activation cannot be saved ->
        ValueError naming it.
        """
        serialize.save(self, path)

    def __repr__(self) -> str:
        """``MLP(nin=2, nouts=[16, 1], ...)``: the constructor arguments, from the schema."""
        schema = self.config_schema
        args = ", ".join(
            f"{key}={field.show(getattr(self, key))!r}" for key, field in schema.items()
        )
        return f"{type(self).__name__}({args})"


def _first_few(names: list[str], limit: int = 5) -> str:
    """The first `limit` names for a message, and how many more there are."""
    listed = ", ".join(repr(n) for n in names[:limit])
    return listed + (f", ... ({len(names) - limit} more)" if len(names) > limit else "")
