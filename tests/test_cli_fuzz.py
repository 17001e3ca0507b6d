"""Fuzzing the expression parser: random text and random expression trees.

Three promises: only ExpressionError ever escapes; no code runs (an audit hook watches
for exec, imports, opened files and processes while the parser works); and every valid
expression builds the same graph — values, op tags, labels, gradients — as writing it
in Python against the engine directly.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import HealthCheck, given, settings, strategies as st

import autograd as ag
from autograd import Value, topo_order
from viz.cli.expression import ENGINE_ERRORS, ExpressionError, parse

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- no code runs ----------------------------------------------------------------------

_WATCHED = ("exec", "import", "open", "os.system", "os.exec", "os.posix_spawn", "os.fork")
_events: list[str] = []
_watching = False


def _hook(event: str, args: tuple) -> None:
    if _watching and event.startswith(_WATCHED):
        if event == "open" and str(args[0]).startswith("<"):
            return  # CPython looking up "<unknown>" for a SyntaxError's source line
        _events.append(f"{event}{args!r}")


sys.addaudithook(_hook)


@contextmanager
def no_code_runs() -> Iterator[None]:
    global _watching
    _events.clear()
    _watching = True
    try:
        yield
    finally:
        _watching = False
    assert not _events, f"the parser ran code: audit events {_events}"


def parse_and_evaluate(text: str, values: dict[str, float] | None = None) -> Value | None:
    """Parse and evaluate; None when refused. Anything but ExpressionError fails the test."""
    with no_code_runs():
        try:
            expression = parse(text)
            given_values = values if values is not None else dict.fromkeys(expression.inputs, 1.0)
            return expression.evaluate(given_values).root
        except ExpressionError:
            return None


# -- random text ------------------------------------------------------------------------

EXPRESSION_CHARS = "xyzqw0123456789.e+-*/()=,; \n_abcdefghijklmnopstu[]'\"{}:#@%<>!~&|^λ"


@FUZZ
@given(st.text(max_size=300))
def test_random_text_only_ever_raises_expression_error(text):
    parse_and_evaluate(text)


@FUZZ
@given(st.text(alphabet=EXPRESSION_CHARS, max_size=400))
def test_random_expression_like_text_only_ever_raises_expression_error(text):
    parse_and_evaluate(text)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="()-+*x~ ", min_size=1500, max_size=2100))
def test_long_and_deep_text_is_refused_or_built_never_crashes(text):
    parse_and_evaluate(text)


# -- random expression trees ------------------------------------------------------------

NAMES = ("x", "y", "z")
NUMBERS = st.sampled_from([0.0, 1.0, 2.0, 0.5, 3.0, 10.0, 1e-3, -1.0, -2.5, -4.0])
EXPONENTS = st.sampled_from([0.0, 1.0, 2.0, 3.0, 0.5, -1.0, -2.0])
UNARY = ("exp", "log", "sqrt", "tanh", "sigmoid", "relu", "softplus", "abs", "step")
STATIC = ("leaky_relu", "elu")
NARY = ("sum", "max", "min", "logsumexp")
BAD = (
    "x.real",
    "x[0]",
    "'s'",
    "(lambda: 1)",
    "[i for i in x]",
    "__import__('os')",
    "open('pwned', 'w')",
    "exec('1')",
    "globals()",
    "foo(x)",
    "unknown_name",
    "x.__class__",
    "{1: 2}",
    "(x if x else y)",
    "(q := 1)",
    "f'{x}'",
    "x // 2",
    "(x < y)",
    "max([x, y])",
    "exp(x, alpha=1)",
    "tanh(*x)",
)


def _leaves() -> st.SearchStrategy:
    return st.one_of(
        st.tuples(st.just("name"), st.sampled_from(NAMES)), st.tuples(st.just("num"), NUMBERS)
    )


def _extend(children: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(
        st.tuples(st.just("bin"), st.sampled_from("+-*/"), children, children),
        st.tuples(st.just("powc"), children, EXPONENTS),
        st.tuples(st.just("pow"), children, children),
        st.tuples(st.just("neg"), children),
        st.tuples(
            st.just("call"),
            st.sampled_from(UNARY),
            st.lists(children, min_size=1, max_size=1),
            st.just(()),
        ),
        st.tuples(
            st.just("call"),
            st.sampled_from(STATIC),
            st.lists(children, min_size=1, max_size=1),
            st.one_of(
                st.just(()),
                st.tuples(st.tuples(st.just("alpha"), st.sampled_from([0.2, 0.01, 2.0]))),
            ),
        ),
        st.tuples(
            st.just("call"),
            st.sampled_from(NARY),
            st.lists(children, min_size=1, max_size=4),
            st.just(()),
        ),
        st.tuples(
            st.just("call"),
            st.just("dot"),
            st.sampled_from([2, 4]).flatmap(lambda n: st.lists(children, min_size=n, max_size=n)),
            st.just(()),
        ),
    )


TREES = st.recursive(_leaves(), _extend, max_leaves=12)


def _number_text(v: float) -> str:
    return repr(v) if v >= 0 else f"(-{-v!r})"


def render(tree) -> str:
    """Expression text for a tree, fully parenthesised."""
    kind = tree[0]
    if kind == "name":
        return tree[1]
    if kind == "num":
        return _number_text(tree[1])
    if kind == "bad":
        return tree[1]
    if kind == "bin":
        return f"({render(tree[2])} {tree[1]} {render(tree[3])})"
    if kind == "powc":
        return f"({render(tree[1])} ** {_number_text(tree[2])})"
    if kind == "pow":
        return f"({render(tree[1])} ** {render(tree[2])})"
    if kind == "neg":
        return f"(-{render(tree[1])})"
    _, name, args, kws = tree
    parts = [render(a) for a in args] + [f"{k}={v!r}" for k, v in kws]
    return f"{name}({', '.join(parts)})"


def build(tree, env: dict[str, Value]) -> Value:
    """The same expression written in Python against the engine."""
    kind = tree[0]
    if kind == "name":
        return env[tree[1]]
    if kind == "num":
        return Value(tree[1])
    if kind == "bin":
        a, b = build(tree[2], env), build(tree[3], env)
        return _binary(tree[1], a, b)
    if kind == "powc":
        return build(tree[1], env) ** tree[2]
    if kind == "pow":
        base = build(tree[1], env)
        exponent = literal(tree[2])  # a number written in stays a number: tag **2
        return base ** (build(tree[2], env) if exponent is None else exponent)
    if kind == "neg":
        if literal(tree) is not None:
            return Value(literal(tree))  # -2 written in is the constant -2
        return -build(tree[1], env)
    _, name, args, kws = tree
    values = [build(a, env) for a in args]
    if name == "dot":
        half = len(values) // 2
        return ag.dot(values[:half], values[half:])
    if name in NARY:
        return getattr(ag, name)(values)
    return getattr(ag, name)(values[0], **dict(kws))


def literal(tree) -> float | None:
    """The number a subtree is written as (2.0, (-2.5), -(2.0)), else None."""
    if tree[0] == "num":
        return tree[1]
    if tree[0] == "neg" and tree[1][0] == "num" and tree[1][1] >= 0:
        return -tree[1][1]
    return None


def _binary(op: str, a: Value, b: Value) -> Value:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    return a / b


def names_in(tree) -> set[str]:
    stack, found = [tree], set()
    while stack:
        node = stack.pop()
        if node[0] == "name":
            found.add(node[1])
        elif node[0] in ("bin",):
            stack += [node[2], node[3]]
        elif node[0] in ("powc", "neg"):
            stack.append(node[1])
        elif node[0] == "pow":
            stack += [node[1], node[2]]
        elif node[0] == "call":
            stack += list(node[2])
    return found


def _same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


INPUTS = st.fixed_dictionaries({n: st.floats(-3, 3, allow_nan=False) for n in NAMES})


@FUZZ
@given(TREES, INPUTS, st.booleans())
def test_valid_expressions_build_the_same_graph_as_python(tree, inputs, assign):
    text = render(tree)
    used = names_in(tree)
    values = {n: inputs[n] for n in sorted(used)}
    if assign and tree[0] not in ("name",):
        text = f"r = {text}"
    try:
        with ag.detect_anomaly():
            env = {n: Value(v, label=n) for n, v in values.items()}
            expected = build(tree, env)
    except ENGINE_ERRORS:
        assert parse_and_evaluate(text, values) is None
        return
    if not expected.label:
        expected.label = "r" if assign else "out"
    got = parse_and_evaluate(text, values)
    assert got is not None, text
    got.backward()
    expected.backward()
    mine, theirs = topo_order(got), topo_order(expected)
    assert [(v.label, v.op) for v in mine] == [(v.label, v.op) for v in theirs], text
    for a, b in zip(mine, theirs, strict=True):
        assert _same(a.data, b.data) and _same(a.grad, b.grad), text


@st.composite
def poisoned(draw):
    """A valid tree with one forbidden construct put in place of a leaf."""
    tree = draw(TREES)
    bad = ("bad", draw(st.sampled_from(BAD)))
    path = []
    node = tree
    while node[0] not in ("name", "num"):
        kids = {"bin": [2, 3], "powc": [1], "pow": [1, 2], "neg": [1]}.get(node[0])
        if kids is None:
            index = draw(st.integers(0, len(node[2]) - 1))
            path.append((2, index))
            node = node[2][index]
        else:
            slot = draw(st.sampled_from(kids))
            path.append((slot, None))
            node = node[slot]
    return _replace(tree, path, bad)


def _replace(tree, path, leaf):
    if not path:
        return leaf
    (slot, index), rest = path[0], path[1:]
    items = list(tree)
    if index is None:
        items[slot] = _replace(tree[slot], rest, leaf)
    else:
        args = list(tree[2])
        args[index] = _replace(args[index], rest, leaf)
        items[2] = args
    return tuple(items)


@FUZZ
@given(poisoned(), INPUTS)
def test_any_forbidden_construct_anywhere_is_refused(tree, inputs):
    text = render(tree)
    values = {n: inputs[n] for n in sorted(names_in(tree))}
    assert parse_and_evaluate(text, values) is None, text
