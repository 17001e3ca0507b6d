"""Parameter: a trainable leaf Value that knows its name in the model.

A model's weights and biases are `Parameter`s, so a drawing (viz) can tell a parameter
from an input or a constant and show it under its `named_parameters()` path, such as
``layers.0.neurons.3.w.1``. The engine never creates Parameters: every op's output is a
plain `Value`, so only the leaves a model owns carry this type.
"""

from __future__ import annotations

from autograd import Value


class Parameter(Value):
    """A leaf `Value` with a `name`: its dotted path in the outermost model that built it.

    The `label` (what drawings print) is kept equal to the name; a model that builds
    sub-modules renames their parameters after construction so that every name is
    relative to the outermost model.
    """

    __slots__ = ("name",)

    def __init__(self, data: float, name: str = "") -> None:
        super().__init__(data, label=name)
        self.name = name

    def __repr__(self) -> str:
        numbers = super().__repr__().removeprefix("Value(")  # "data=..., grad=...)"
        return f"Parameter(name={self.name!r}, {numbers}"

    def rename(self, name: str) -> None:
        """Set both the `name` and the displayed `label` to `name`."""
        self.name = name
        self.label = name
