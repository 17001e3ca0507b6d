"""viz.explain: ∂root/∂wrt assembled from upstream × local, with formulas and numbers."""

import math

import pytest

import autograd as ag
import viz
from autograd import Value


def test_the_lectures_derivation(lecture):
    x, y, z, q, f = lecture()
    f.backward()
    e = viz.explain(f, y)
    assert e.text == "∂f/∂y = ∂f/∂q · ∂q/∂y = z · 1 = -4 · 1 = -4"
    assert e.value == -4.0 and [t.value for t in e.terms] == [-4.0]
    assert e.terms[0].factors == [("z", -4.0), ("1", 1.0)]
    assert viz.explain(f, z).text == "∂f/∂z = q = 3"


def test_fan_out_gives_one_term_per_path_and_the_terms_sum_to_the_gradient():
    a, b = Value(0.7, label="a"), Value(-1.3, label="b")
    s = a * b
    g = ag.sum([s.tanh(), s * a, (b + 1).exp(), a * a])
    g.label = "g"
    g.backward()
    for wrt in (a, b):
        e = viz.explain(g, wrt)
        assert math.isclose(e.value, wrt.grad, rel_tol=1e-12)
        assert len(e.terms) == (5 if wrt is a else 3)


def test_past_max_terms_one_term_per_use_of_the_input():
    x = Value(0.5, label="x")
    y = x
    for _ in range(12):  # 2**12 paths from the root down to x
        y = (y * x).tanh() + y
    y.label = "y"
    y.backward()
    e = viz.explain(y, x, max_terms=20)
    uses = sum(p is x for v in ag.topo_order(y) for p in v.parents)
    assert uses == 14 and len(e.terms) == uses and "8191 paths: one term per use" in e.text
    assert math.isclose(e.value, x.grad, rel_tol=1e-9)


def test_factors_that_would_read_wrong_are_bracketed():
    x, y = Value(-2.0, label="x"), Value(5.0, label="y")
    t = (x * y).tanh()
    t.label = "t"
    t.backward()
    assert viz.explain(t, x).text.startswith("∂t/∂x = (1 - t**2) · y = ")


def test_a_node_not_in_the_graph_is_refused_not_made_up(lecture):
    *_, f = lecture()
    with pytest.raises(ValueError, match="w is not a node of f's graph"):
        viz.explain(f, Value(1.0, label="w"))


def test_a_graph_without_backward_is_refused_not_made_up(lecture):
    x, y, z, q, f = lecture()
    with pytest.raises(ValueError, match=r"backward has not run on f's graph .*f.backward\(\)"):
        viz.explain(f, y)
    f.backward()
    assert viz.explain(f, y).value == y.grad == -4.0


def test_an_op_without_formulas_is_explained_by_numbers_and_says_so():
    @ag.op("explain_test_cube")
    def cube(a):
        """a³; local gradient 3a²."""
        return a**3, (3 * a * a,)

    try:
        x = Value(2.0, label="x")
        y = x.explain_test_cube()
        y.label = "y"
        y.backward()
        e = viz.explain(y, x)
        assert e.text.startswith("∂y/∂x = 12") and "op 'explain_test_cube'" in e.text
    finally:
        del ag.OPS["explain_test_cube"]
        delattr(Value, "explain_test_cube")


def test_it_shows_itself_as_latex_and_refuses_bad_arguments(lecture):
    x, y, z, q, f = lecture()
    f.backward()
    latex = viz.explain(f, y)._repr_latex_()
    assert latex.startswith("$$ \\frac{\\partial f}{\\partial y}") and "\\cdot" in latex
    with pytest.raises(ValueError, match="lang must be one of"):
        viz.explain(f, y, lang="de")
    with pytest.raises(ValueError, match="max_terms"):
        viz.explain(f, y, max_terms=0)
    with pytest.raises(TypeError, match="two Values"):
        viz.explain(f, 2.0)


def test_the_derivative_of_a_derivative_brackets_its_name():
    x = Value(0.5, label="x")
    f = x.tanh()
    f.label = "f"
    (df,) = ag.grad(f, [x], create_graph=True)
    df.backward()
    e = viz.explain(df, x)
    assert e.text.startswith("∂(∂f/∂x)/∂x = ")
    assert math.isclose(e.value, -2 * math.tanh(0.5) * (1 - math.tanh(0.5) ** 2))
    latex = e._repr_latex_()
    assert latex.startswith(r"$$ \frac{\partial (\frac{\partial f}{\partial x})}{\partial x} = ")
    legend = viz.to_dot(df)
    assert "grad = ∂(∂f/∂x)/∂node" in legend and "∂∂" not in legend
