"""OpSpec: one registered op — its rule, arity, static parameters and display tag.

A node stores the spec of the op that made it (``_op``): the drawing reads its tag, the
gradient checker re-runs its rule, and ``apply`` is the op's forward on Values. Ops
with static parameters (an ``alpha``, an exponent) get one bound spec per setting,
tagged with it (``leaky_relu(α=0.1)``, ``**2``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from autograd.apply import make_apply
from autograd.value import Value, as_float

Rule = Callable[..., tuple[float, Sequence[float]]]

_SYMBOLS = {"alpha": "α", "beta": "β"}
_BOUND_CACHE_LIMIT = 4096


def format_number(x: float) -> str:
    """A short, exact-enough number for tags: 2.0 -> '2', 0.1 -> '0.1'."""
    x = float(x)
    if x.is_integer() and abs(x) < 1e16:
        return str(int(x))
    return repr(x)


def _tag(template: str, name: str, values: dict[str, float]) -> str:
    """The display tag of an op with static parameters: 'leaky_relu(α=0.1)', '**2'."""
    shown = {k: format_number(v) for k, v in values.items()}
    if "{" in template:  # a template such as "**{exponent}"
        return template.format(**shown)
    return f"{name}(" + ", ".join(f"{_SYMBOLS.get(k, k)}={v}" for k, v in shown.items()) + ")"


class OpSpec:
    """One registered op: its rule, arity, static parameters and display tag.

    ``bind(**static)`` gives the spec of the op with its static parameters fixed
    (cached), which is what a node stores as its ``_op``.
    """

    __slots__ = (
        "name",
        "tag",
        "rule",
        "arity",
        "sequences",
        "static",
        "examples",
        "function",
        "call",
        "apply",
        "_bound",
    )

    def __init__(
        self,
        name: str,
        tag: str,
        rule: Rule,
        arity: int,
        sequences: int,
        static: dict[str, Any],
        examples: tuple,
    ) -> None:
        self.name = name
        self.tag = tag
        self.rule = rule
        self.arity = arity  # number of scalar inputs; 0 for an op over sequences
        self.sequences = sequences
        self.static = static  # the values of the static parameters (defaults when unbound)
        self.examples = examples
        self.function: Callable[..., Value] | None = None
        self.call = partial(rule, **static) if static else rule
        self.apply = make_apply(self) if arity else None  # runs the op on Values
        self._bound: dict[tuple, OpSpec] = {}

    def __repr__(self) -> str:
        return f"<op {self.tag}>"

    def bind(self, **static: Any) -> OpSpec:
        """This op with its static parameters set (defaults for those not given)."""
        if not self.static:
            if static:
                raise TypeError(f"{self.name}: takes no parameters, got {sorted(static)}")
            return self
        unknown = set(static) - set(self.static)
        if unknown:
            raise TypeError(
                f"{self.name}: unknown parameter(s) {sorted(unknown)}; "
                f"it takes {sorted(self.static)}"
            )
        values = {
            k: as_float(static.get(k, v), f"{self.name} parameter {k}")
            for k, v in self.static.items()
        }
        key = tuple(values.values())
        spec = self._bound.get(key)
        if spec is None:
            spec = OpSpec(
                self.name,
                _tag(self.tag, self.name, values),
                self.rule,
                self.arity,
                self.sequences,
                values,
                self.examples,
            )
            spec.function = self.function
            if len(self._bound) < _BOUND_CACHE_LIMIT:
                self._bound[key] = spec
        return spec

    def evaluate(self, inputs: Sequence[float]) -> tuple[float, tuple[float, ...]]:
        """The rule on a flat list of input floats (split into sequences as needed)."""
        if self.sequences:
            n = len(inputs) // self.sequences
            groups = [list(inputs[i * n : (i + 1) * n]) for i in range(self.sequences)]
            out, local = self.call(*groups)
        else:
            out, local = self.call(*inputs)
        return out, tuple(local)
