"""The expression language (viz.cli.expression): what it builds, and what it refuses and where."""

from __future__ import annotations

import sys

import pytest

import autograd as ag
from autograd import Value, topo_order
from viz.cli.expression import MAX_DEPTH, MAX_LENGTH, ExpressionError, parse, parse_inputs

LECTURE = {"x": -2.0, "y": 5.0, "z": -4.0}


def build(text: str, **values: float):
    built = parse(text).evaluate(values)
    built.root.backward()
    return built


def refused(text: str, **values: float) -> ExpressionError:
    with pytest.raises(ExpressionError) as info:
        parse(text).evaluate(values)
    return info.value


def test_lecture_expression_gives_lecture_values_and_gradients():
    built = build("(x + y) * z", **LECTURE)
    x, y, z = (built.inputs[n] for n in "xyz")
    assert (x.grad, y.grad, z.grad) == (-4.0, -4.0, 3.0)
    assert built.root.data == -12.0 and built.root.label == "out"


def test_assignments_label_their_nodes_and_the_last_is_the_root():
    built = build("q = x + y; f = q * z", **LECTURE)
    assert [v.label for v in topo_order(built.root)] == ["x", "y", "q", "z", "f"]
    assert built.root is built.names["f"] and built.names["q"].grad == -4.0


def test_newlines_separate_statements_like_semicolons():
    assert build("q = x + y\nf = q * z", **LECTURE).root.data == -12.0


def test_literal_exponent_stays_a_number_and_value_exponent_is_a_node():
    assert build("x ** 2", x=3).root.op == "**2"
    assert build("x ** -1", x=2).root.op == "**-1"
    root = build("x ** y", x=2, y=3).root
    assert root.op == "**" and len(root.parents) == 2


def test_static_parameters_as_keywords_change_the_tag():
    root = build("leaky_relu(x, alpha=0.2)", x=-1).root
    assert root.op == "leaky_relu(α=0.2)" and root.data == pytest.approx(-0.2)


def test_nary_ops_take_varargs_as_one_node():
    root = build("max(a, b, c)", a=1, b=3, c=2).root
    assert root.op == "max" and len(root.parents) == 3 and root.data == 3
    assert build("sum(a, b, c)", a=1, b=3, c=2).root.data == 6
    assert build("logsumexp(a, b)", a=0, b=0).root.data == pytest.approx(0.6931471805599453)


def test_dot_splits_its_arguments_into_weights_then_inputs():
    built = build("dot(w1, w2, x1, x2)", w1=1, w2=2, x1=3, x2=4)
    assert built.root.data == 11 and built.inputs["w1"].grad == 3 and built.inputs["x2"].grad == 2


def test_numbers_become_constant_leaves_and_negative_literals_fold():
    root = build("x * -2", x=3).root
    assert root.op == "*" and [p.data for p in root.parents] == [3.0, -2.0]
    assert build("3").root.label == "out"


def test_unnamed_root_gets_a_free_label():
    assert build("out = x * 2; out + 1", x=1).root.label == "out2"


def test_user_registered_ops_are_callable_by_name():
    name = "softsign_cli_test"
    if name not in ag.OPS:

        @ag.op(name)
        def _softsign(x):
            d = 1.0 + abs(x)
            return x / d, (1.0 / (d * d),)

    assert build(f"{name}(x)", x=1).root.data == 0.5


@pytest.mark.parametrize(
    "text, words, col",
    [
        ("x + y.real", "attribute", 5),
        ("x[0]", "subscript", 1),
        ("lambda: x", "lambda", 1),
        ("[x for x in y]", "comprehension", 1),
        ("x + 'a'", "strings", 5),
        ("__import__('os')", "dunder", 1),
        ("x.__class__", "attribute", 1),
        ("import os", "import", 1),
        ("foo(x)", "not an op", 1),
        ("print(x)", "not an op", 1),
        ("exp(x, beta=2)", "no parameter 'beta'", 8),
        ("tanh(x, y)", "takes 1 argument", 1),
        ("max()", "one or more", 1),
        ("dot(x, y, z)", "equally long", 1),
        ("leaky_relu(x, alpha=y)", "number written in", 21),
        ("exp", "op of the engine", 1),
        ("x // 2", "//", 1),
        ("x < 2", "comparisons", 1),
        ("x if y else z", "if-else", 1),
        ("max([x, y])", "lists", 5),
        ("x + 1j", "complex", 5),
        ("x + True", "True", 5),
        ("x + 1e999", "not finite", 5),
        ("x = x + 1", "its own assignment", 5),
        ("q = y * 2; x = 2 * (q + x)", "'x' is used in its own assignment", 25),
        ("q = x * 2; q = x * 3", "assigned twice", 12),
        ("y = x * 2; x = y * 2", "is an input", 12),
        ("q = x", "second name", 1),
        ("x * 2; x * 3", "last statement", 1),
        ("q += x", "augmented", 1),
        ("a, b = x, y", "one plain name", 1),
        ("x +", "not a valid expression", None),
        ("", "empty", None),
        ("é + x.b", "attribute", 5),
    ],
)
def test_refused_constructs_name_what_and_where(text, words, col):
    with pytest.raises(ExpressionError) as info:
        expression = parse(text)
        expression.evaluate({name: 1.0 for name in expression.inputs})
    error = info.value
    assert words in str(error)
    if col is not None:
        assert error.col == col and f"column {col}" in str(error)


def test_refusal_on_a_later_line_names_the_line():
    error = refused("q = x * 2\nf = q.real", x=1)
    assert (error.line, error.col) == (2, 5) and str(error).startswith("line 2, column 5")


@pytest.mark.parametrize(
    "text, values, words, col",
    [
        ("log(x)", {"x": -1}, "log", 1),
        ("x + 1 / (y - 2)", {"x": 1, "y": 2}, "division by zero", 7),
        ("x + exp(exp(x))", {"x": 10}, "too large", 5),
        ("sqrt(x - 1)", {"x": 0}, "sqrt", 1),
        ("x + y * y", {"x": 1, "y": 1e200}, "inf", 7),
    ],
)
def test_engine_errors_become_expression_errors_at_the_op(text, values, words, col):
    error = refused(text, **values)
    assert words in str(error) and error.col == col


def test_inputs_must_match_the_expression():
    assert "no value for 'y'" in str(refused("x * y", x=1))
    assert "does not use" in str(refused("x * 2", x=1, z=3))
    assert "assigns 'q'" in str(refused("q = x * 2; q", x=1, q=2))


@pytest.mark.parametrize(
    "pairs, words",
    [
        (["x=1", "x=2"], "twice"),
        (["x"], "not name=value"),
        (["x=abc"], "not a real number"),
        (["x=1j"], "not a real number"),
        (["x=nan"], "finite"),
        (["x=-inf"], "finite"),
        (["__x=1"], "dunder"),
        (["exp=1"], "op of the engine"),
        (["1x=1"], "not a valid name"),
        (["if=1"], "Python keyword"),
    ],
)
def test_bad_name_value_inputs_are_refused(pairs, words):
    with pytest.raises(ExpressionError, match=words):
        parse_inputs(pairs)


def test_inputs_parse_as_floats():
    assert parse_inputs(["x=-2", "y=5", "z=1e-3"]) == {"x": -2.0, "y": 5.0, "z": 0.001}


def test_too_long_is_refused_before_parsing():
    assert "characters" in str(refused("x+" * (MAX_LENGTH // 2) + "x", x=1))


@pytest.mark.parametrize(
    "text",
    ["-" * (MAX_DEPTH + 1) + "x", "(" * 250 + "x" + ")" * 250, "tanh(" * 201 + "x" + ")" * 201],
)
def test_deep_nesting_is_refused_by_the_scan(text):
    assert "nested deeper than 200" in str(refused(text, x=1))


def test_nesting_up_to_the_limit_is_accepted():
    assert build("-" * MAX_DEPTH + "x", x=1).root.data == 1.0
    assert build("(" * 150 + "x" + ")" * 150, x=1).root.data == 1.0


def test_long_flat_chain_evaluates_without_recursion_even_deep_in_the_stack():
    text = "+".join(["x"] * 1000)  # 1,999 characters, 999 levels of BinOp

    def deep(n: int):
        return deep(n - 1) if n else build(text, x=1)

    limit = sys.getrecursionlimit()
    assert deep(limit - 100).inputs["x"].grad == 1000.0


def test_no_eval_no_exec(monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("eval/exec/compile used")

    import builtins

    for name in ("eval", "exec"):
        monkeypatch.setattr(builtins, name, boom)
    assert build("tanh(x) * y", x=0, y=2).inputs["x"].grad == 2.0


def test_result_is_ordinary_values():
    assert isinstance(build("x * 2", x=1).root, Value)


# -- only the user-facing ops are callable -------------------------------------------

OPERATOR_OPS = {
    "add(x, y)": "x + y",
    "sub(x, y)": "x - y",
    "mul(x, y)": "x * y",
    "div(x, y)": "x / y",
    "neg(x)": "-x",
    "pow(x, y)": "x ** y",
    "powc(x)": "x ** 2",
    "powc(x, exponent=3)": "x ** 3",
    "powc(x, exponent=0.5)": "x ** 0.5",
}


@pytest.mark.parametrize("text, operator", OPERATOR_OPS.items())
def test_the_operators_internal_op_names_are_not_callable(text, operator):
    error = refused(text, x=2, y=3)
    assert error.col == 1 and f"write {operator}" in str(error)


def test_the_unknown_op_message_lists_only_the_ops_a_user_calls():
    message = str(refused("foo(x)", x=1))
    listed = set(message.split("(ops: ", 1)[1].rstrip(")").split(", "))
    assert {"tanh", "exp", "leaky_relu", "max", "dot", "sum"} <= listed
    assert not listed & {"add", "sub", "mul", "div", "neg", "pow", "powc"}


def test_the_operators_internal_op_names_are_ordinary_names():
    assert build("add * 2", add=3).root.data == 6
    assert build("pow = x ** 2; pow + 1", x=3).root.data == 10


# -- friendlier refusals ------------------------------------------------------------------


@pytest.mark.parametrize("text", [" x + 1", "x + 1 ", "\t x + 1\n", "\n\n  x + 1  \n"])
def test_surrounding_whitespace_is_ignored(text):
    assert build(text, x=1).root.data == 2


def test_columns_still_count_from_the_text_as_given_after_leading_space():
    assert refused("   x + y.real", x=1, y=1).col == 8
    assert refused("  log(x)", x=-1).col == 3
    error = refused("\n  q = x * 2\nf = q.real", x=1)
    assert (error.line, error.col) == (3, 5)
    error = refused("\n   x // 2")
    assert (error.line, error.col) == (2, 4)


@pytest.mark.parametrize(
    "text, keyword, col",
    [("for + x", "for", 1), ("x * while", "while", 5), ("q = x; class = q * 2", "class", 8)],
)
def test_a_python_keyword_as_a_name_is_named_as_such(text, keyword, col):
    with pytest.raises(ExpressionError) as info:
        parse(text)
    assert f"'{keyword}' is a Python keyword, not a name" in str(info.value)
    assert info.value.col == col


def test_a_keyword_as_an_input_name_is_named_as_such():
    with pytest.raises(ExpressionError, match="'if' is a Python keyword, not a name"):
        parse_inputs(["if=1"])


@pytest.mark.parametrize(
    "text, hint",
    [
        ("leaky_relu(x, 0.2)", "leaky_relu(x, alpha=0.2)"),
        ("elu(x * 2, 1.5)", "elu(x * 2, alpha=1.5)"),
    ],
)
def test_a_static_parameter_given_by_position_suggests_the_keyword(text, hint):
    error = refused(text, x=1)
    name = text.split("(")[0]
    assert str(error).endswith(f"{name} takes 1 input; give alpha as a keyword: {hint}")


def test_a_name_used_in_its_own_assignment_is_refused_at_parse_time():
    with pytest.raises(ExpressionError) as info:
        parse("x = x + 1")
    assert info.value.col == 5 and "give the new node another name" in str(info.value)


@pytest.mark.parametrize(
    "values, words",
    [({"x": float("nan")}, "got nan"), ({"x": 10**400}, "too large for a float")],
)
def test_input_values_are_checked_with_nn_validates_words(values, words):
    message = str(refused("x * 2", **values))
    assert message.startswith("the value of x must be a finite number, got") and words in message


def test_a_huge_integer_literal_is_refused_at_its_column():
    error = refused("x + " + "9" * 400, x=1)
    assert error.col == 5 and "too large for a float" in str(error)


def test_python_syntax_warnings_are_not_printed(capfd):
    """Regression: `1if x else 2` made ast.parse print 'SyntaxWarning: invalid decimal
    literal' to stderr before the one-line refusal."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning would raise here
        with pytest.raises(ExpressionError, match="if-else"):
            parse("x + 1if x else 2")
    assert "SyntaxWarning" not in capfd.readouterr().err
