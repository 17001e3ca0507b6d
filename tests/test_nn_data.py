"""Toy data sets: shapes, classes, determinism, geometry, and argument checks."""

import re

import numpy as np
import pytest

from nn import data

MAKERS = {
    "moons": (data.make_moons, 100, 2),
    "circles": (data.make_circles, 100, 2),
    "xor": (data.make_xor, 100, 2),
    "spirals": (data.make_spirals, 150, 3),
    "blobs": (data.make_blobs, 150, 3),
}


@pytest.mark.parametrize("name", MAKERS)
def test_default_shapes_dtypes_and_every_class_present(name):
    make, n, classes = MAKERS[name]
    X, y = make()
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and np.issubdtype(y.dtype, np.integer)
    assert sorted(set(y.tolist())) == list(range(classes))
    assert np.isfinite(X).all()


@pytest.mark.parametrize("name", MAKERS)
def test_same_seed_same_data_other_seed_other_data(name):
    make = MAKERS[name][0]
    X1, y1 = make(seed=3)
    X2, y2 = make(seed=3)
    X3, _ = make(seed=4)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("name", MAKERS)
def test_smallest_n_still_has_every_class(name):
    make, _, classes = MAKERS[name]
    n = 4 if name == "xor" else classes
    _, y = make(n=n)
    assert sorted(set(y.tolist())) == list(range(classes))


def test_moons_without_noise_lie_on_two_half_circles():
    X, y = data.make_moons(50, noise=0.0)
    upper, lower = X[y == 0], X[y == 1]
    assert np.allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    assert (upper[:, 1] >= -1e-12).all()
    assert np.allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    assert (lower[:, 1] <= 0.5 + 1e-12).all()


def test_circles_without_noise_have_radius_1_and_factor():
    X, y = data.make_circles(40, noise=0.0, factor=0.3)
    r = np.hypot(X[:, 0], X[:, 1])
    assert np.allclose(r[y == 0], 1.0) and np.allclose(r[y == 1], 0.3)


def test_xor_class_is_the_sign_disagreement():
    X, y = data.make_xor(200, noise=0.1)
    assert np.array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(int))


def test_to_polar_gives_radius_and_angle():
    polar = data.to_polar([[1.0, 0.0], [0.0, 2.0], [-3.0, 0.0], [1.0, -1.0]])
    assert np.allclose(polar[:, 0], [1.0, 2.0, 3.0, np.sqrt(2)])
    assert np.allclose(polar[:, 1], [0.0, np.pi / 2, np.pi, -np.pi / 4])


def test_to_polar_makes_circles_separable_by_a_threshold_on_r():
    X, y = data.make_circles(200, noise=0.05, factor=0.5)
    r = data.to_polar(X)[:, 0]
    assert r[y == 1].max() < r[y == 0].min()


@pytest.mark.parametrize(
    "call",
    [
        lambda: data.make_moons(1),
        lambda: data.make_moons(100, noise=-0.1),
        lambda: data.make_moons(100, noise=float("nan")),
        lambda: data.make_moons(10.5),
        lambda: data.make_circles(100, factor=1.0),
        lambda: data.make_xor(3),
        lambda: data.make_spirals(2, classes=3),
        lambda: data.make_spirals(100, classes=1),
        lambda: data.make_blobs(100, classes=3, seed="x"),
        lambda: data.to_polar([[1.0, 2.0, 3.0]]),
        lambda: data.to_polar([[np.inf, 0.0]]),
        lambda: data.to_polar([1.0, 2.0]),
    ],
)
def test_bad_arguments_are_value_errors(call):
    with pytest.raises(ValueError):
        call()


def test_shared_checks_name_the_argument():
    from nn.validate import check_finite_nonneg, check_positive_int

    assert check_positive_int("epochs", 3) == 3 and check_finite_nonneg("lr", 0) == 0.0
    with pytest.raises(ValueError, match="epochs must be a positive integer, got True"):
        check_positive_int("epochs", True)
    with pytest.raises(ValueError, match="noise must be a finite number >= 0, got inf"):
        check_finite_nonneg("noise", float("inf"))


def test_one_checker_family_one_value_error_per_fault():
    from nn.validate import check_int, check_real, check_seed

    assert check_int("n", 4, minimum=4) == 4 and check_seed("seed", None) is None
    assert check_real("factor", 0.5, above=0, below=1) == 0.5 and check_seed("seed", 2**40) == 2**40
    faults = [
        (
            lambda: check_int("n", 3, minimum=4, why="one per corner"),
            "n must be an integer >= 4 (one per corner), got 3",
        ),
        (lambda: check_int("n", 2.0), "n must be a positive integer, got 2.0"),
        (
            lambda: check_real("factor", 1, above=0, below=1),
            "factor must be a finite number > 0 and < 1, got 1",
        ),
        (lambda: check_real("lr", "1"), "lr must be a finite number, got '1'"),
        (lambda: check_real("lr", True, at_least=0), "lr must be a finite number >= 0, got True"),
        (lambda: check_real("lr", 10**400), "too large for a float"),
        (lambda: check_seed("seed", -1), "seed must be None or an integer >= 0, got -1"),
    ]
    for call, message in faults:
        with pytest.raises(ValueError, match=re.escape(message)):
            call()
