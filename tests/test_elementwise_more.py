"""Predicates, nan_to_num, rounding, the transcendental and two-operand functions added in
PyTorch's spellings: closed forms and dtype rules first, then edge values (inf, nan, -0.0,
domain ends) against PyTorch, forward and gradient. Smooth values are in tests/op_table.py."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import autograd_lite as al

INF, NAN = math.inf, math.nan
EDGES = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.5, -2.5, 1.5, 1e30, -1e30, 800.0, -800.0, INF, -INF, NAN]
EDGES_64 = EDGES + [1e300, -1e300, 5e-324]  # beyond float32's range, subnormal


def f64(values, requires_grad=False):
    return al.tensor(values, dtype=al.float64, requires_grad=requires_grad)


def same_values(got, expected, rtol=0.0):
    """Equal values (to `rtol`), nan where nan, and the same sign on zeros and infinities."""
    got, expected = np.asarray(got), np.asarray(expected)
    assert got.dtype == expected.dtype, (got.dtype, expected.dtype)
    # With a tolerance, subnormal results may be flushed to zero (PyTorch's may).
    atol = np.finfo(got.dtype).tiny if rtol and got.dtype.kind == "f" else 0
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol)
    numbers = ~np.isnan(expected)
    np.testing.assert_array_equal(np.signbit(got[numbers]), np.signbit(expected[numbers]))


# -- predicates and logical operators --------------------------------------------------------


def test_predicates_give_bool_tensors_without_gradient():
    x = f64([1.0, INF, -INF, NAN, -0.0], requires_grad=True)
    expected = {
        "isnan": [False, False, False, True, False],
        "isinf": [False, True, True, False, False],
        "isposinf": [False, True, False, False, False],
        "isneginf": [False, False, True, False, False],
        "isfinite": [True, False, False, False, True],
    }
    for name, values in expected.items():
        for out in (getattr(al, name)(x), getattr(x, name)()):
            assert out.dtype == np.bool_ and not out.requires_grad and out.grad_fn is None
            np.testing.assert_array_equal(out.numpy(), values, err_msg=name)


@pytest.mark.parametrize("values", [[1, -2, 0], [True, False]], ids=["int64", "bool"])
def test_predicates_of_integer_and_bool_tensors(values):
    x = al.tensor(values)
    for name in ("isnan", "isinf", "isposinf", "isneginf"):
        np.testing.assert_array_equal(getattr(al, name)(x).numpy(), np.zeros(len(values), bool))
    np.testing.assert_array_equal(al.isfinite(x).numpy(), np.ones(len(values), bool))


def test_numpy_predicates_on_tensors_dispatch():
    x = f64([1.0, INF, NAN])
    assert isinstance(np.isinf(x), al.Tensor) and isinstance(np.isposinf(x), al.Tensor)
    np.testing.assert_array_equal(np.isnan(x).numpy(), [False, False, True])
    np.testing.assert_array_equal(np.isneginf(-x).numpy(), [False, True, False])


def test_logical_operators_take_truth_values_and_broadcast():
    a = al.tensor([[0.0], [2.0], [NAN]])
    b = al.tensor([0, 3])
    np.testing.assert_array_equal(
        al.logical_and(a, b).numpy(), [[False, False], [False, True], [False, True]]
    )
    np.testing.assert_array_equal(a.logical_or(b).numpy(), [[False, True], [True, True], [True, True]])
    np.testing.assert_array_equal(al.logical_xor(a, b).numpy(), [[False, True], [True, False], [True, False]])
    np.testing.assert_array_equal(al.logical_not(a).numpy(), [[True], [False], [False]])
    np.testing.assert_array_equal(al.tensor([True, False]).logical_and(True).numpy(), [True, False])
    np.testing.assert_array_equal(np.logical_not(al.tensor([0, 5])).numpy(), [True, False])
    with pytest.raises(ValueError, match=r"\(2,\) and \(3,\)"):
        al.logical_and(al.tensor([1, 0]), al.tensor([1, 0, 1]))


# -- nan_to_num ------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [al.float32, al.float64])
def test_nan_to_num_defaults_to_the_dtypes_extremes(dtype):
    out = al.nan_to_num(al.tensor([NAN, INF, -INF, 1.5], dtype=dtype))
    info = np.finfo(dtype)
    assert out.dtype == dtype
    np.testing.assert_array_equal(out.numpy(), np.array([0.0, info.max, info.min, 1.5], dtype))


def test_nan_to_num_options_gradient_and_integers():
    x = f64([NAN, INF, -INF, -2.0], requires_grad=True)
    out = x.nan_to_num(nan=1.0, posinf=2.0, neginf=-3.0)
    np.testing.assert_array_equal(out.numpy(), [1.0, 2.0, -3.0, -2.0])
    out.backward(al.ones(4, dtype=al.float64) * 5)
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 0.0, 5.0])  # only where finite
    integers = al.tensor([1, 2])
    kept = al.nan_to_num(integers)
    assert kept.dtype == np.int64 and not np.shares_memory(kept.numpy(), integers.numpy())
    np.testing.assert_array_equal(np.nan_to_num(f64([NAN]), nan=7.0).numpy(), [7.0])
    with pytest.raises(TypeError, match="posinf"):
        al.nan_to_num(x, posinf="big")


# -- rounding --------------------------------------------------------------------------------


def test_round_halves_to_even_and_decimals():
    same_values(al.round(f64([0.5, 1.5, 2.5, -0.5, -2.5])).numpy(), [0.0, 2.0, 2.0, -0.0, -2.0])
    same_values(f64([1.25, 1.35, -0.125]).round(decimals=1).numpy(), np.round([1.25, 1.35, -0.125], 1))
    same_values(f64([15.0, 25.0, 149.0, -151.0]).round(decimals=-1).numpy(), [20.0, 20.0, 150.0, -150.0])
    same_values(f64([1234.5]).round(decimals=-2).numpy(), [1200.0])
    same_values(np.round(f64([0.123]), 2).numpy(), [0.12])


def test_rounding_integer_and_bool_inputs():
    x = al.tensor([3, -4])
    for op in (al.floor, al.ceil, al.trunc, al.fix, al.round):
        out = op(x)
        assert out.dtype == np.int64 and not np.shares_memory(out.numpy(), x.numpy())
        np.testing.assert_array_equal(out.numpy(), [3, -4])
    with pytest.raises(NotImplementedError, match="decimals=1"):
        al.round(x, decimals=1)
    with pytest.raises(NotImplementedError, match="frac"):
        al.frac(x)
    with pytest.raises(NotImplementedError, match="bool"):
        al.floor(al.tensor([True]))
    with pytest.raises(TypeError, match="decimals"):
        al.round(f64([1.0]), decimals=0.5)


def test_rounding_gradients_are_zero_and_frac_passes_it():
    for op in (al.floor, al.ceil, al.trunc, al.fix, al.round, lambda t: t.round(decimals=2)):
        x = f64([-1.3, 0.2, 2.7], requires_grad=True)
        op(x).backward(f64([1.0, 2.0, 3.0]))
        same_values(x.grad.numpy(), [0.0, 0.0, 0.0])
    x = f64([-1.3, 0.2, 2.7], requires_grad=True)
    al.frac(x).backward(f64([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 2.0, 3.0])
    np.testing.assert_allclose(al.frac(x).numpy(), [-0.3, 0.2, 0.7], rtol=1e-12)


def test_numpy_rounding_functions_on_tensors_stay_differentiable():
    x = f64([-1.5, 0.4], requires_grad=True)
    for out in (np.floor(x), np.ceil(x), np.trunc(x), np.rint(x), np.fix(x), np.round(x, 1)):
        assert isinstance(out, al.Tensor) and out.requires_grad


# -- transcendental functions ----------------------------------------------------------------

UNARY = [
    "rsqrt",
    "reciprocal",
    "expm1",
    "log1p",
    "sinh",
    "cosh",
    "asin",
    "acos",
    "atan",
    "asinh",
    "acosh",
    "atanh",
    "floor",
    "ceil",
    "trunc",
    "fix",
    "round",
    "frac",
    "nan_to_num",
]
ROUNDING = ("floor", "ceil", "trunc", "fix", "round", "frac", "nan_to_num")
ALIASES = {"arcsin": "asin", "arccos": "acos", "arctan": "atan", "arcsinh": "asinh", "arccosh": "acosh"}


def test_aliases_are_the_same_functions():
    for alias, name in {**ALIASES, "arctanh": "atanh", "fix": "trunc", "arctan2": "atan2"}.items():
        assert getattr(al, alias) is getattr(al, name)
        assert getattr(al.Tensor, alias) is getattr(al.Tensor, name)


def test_closed_forms_and_integer_inputs_give_the_default_float():
    np.testing.assert_allclose(al.rsqrt(f64([4.0, 0.25])).numpy(), [0.5, 2.0], rtol=1e-15)
    assert float(al.expm1(f64(1e-10))) == pytest.approx(1e-10 + 5e-21, rel=1e-15)  # exp(x) - 1 would lose it
    assert float(al.log1p(f64(1e-10))) == pytest.approx(1e-10 - 5e-21, rel=1e-15)
    np.testing.assert_allclose(
        al.atan2(f64([1.0, -1.0]), f64([-1.0, -1.0])).numpy(), [0.75, -0.75] * np.array(np.pi)
    )
    for name in ("rsqrt", "reciprocal", "expm1", "log1p", "sinh", "asin", "acosh", "atanh"):
        out = getattr(al, name)(al.tensor([1, 2]))
        assert out.dtype == np.float32, name
    al.set_default_dtype(al.float64)
    assert al.atan2(al.tensor([1]), al.tensor([2])).dtype == np.float64
    assert al.hypot(al.tensor([3]), 4).dtype == np.float64
    assert al.fmax(al.tensor([1, 5]), al.tensor([3, 2])).dtype == np.int64
    assert al.logaddexp(al.tensor([1], dtype=al.float32), 0.5).dtype == np.float32


def test_edge_values_raise_no_numpy_warning():
    x = f64(EDGES_64, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in UNARY:
            out = getattr(al, name)(x)
            out.backward(al.ones_like(out))
            x.grad = None  # gradients of different ops would add inf to -inf
        y, w = f64(EDGES_64[::-1], requires_grad=True), f64(EDGES_64[1:] + [0.5], requires_grad=True)
        for name in ("atan2", "hypot", "logaddexp", "logaddexp2", "fmax", "fmin"):
            out = getattr(al, name)(x, y)
            out.backward(al.ones_like(out))
            x.grad = y.grad = None
        al.lerp(x, y, w).backward(al.ones(len(EDGES_64), dtype=al.float64))


# -- lerp, clamp_min, clamp_max, fmax and fmin -----------------------------------------------


def test_lerp_closed_forms_and_errors():
    start, end = f64([0.0, 10.0]), f64([10.0, 20.0])
    np.testing.assert_array_equal(al.lerp(start, end, 1.0).numpy(), end.numpy())  # exactly end
    np.testing.assert_array_equal(start.lerp(end, f64([0.0, 0.5])).numpy(), [0.0, 15.0])
    np.testing.assert_array_equal(start.lerp([1.0, 1.0], 2.0).numpy(), [2.0, -8.0])
    with pytest.raises(RuntimeError, match="float64"):
        al.lerp(start, al.tensor([1.0, 2.0]), 0.5)
    with pytest.raises(RuntimeError, match="int64"):
        al.lerp(al.tensor([1, 2]), al.tensor([3, 4]), 0.5)
    with pytest.raises(ValueError, match=r"\(2,\).*\(3,\)"):
        al.lerp(start, f64([1.0, 2.0, 3.0]), 0.5)
    with pytest.raises(TypeError, match="weight"):
        al.lerp(start, end, "half")


def test_clamp_min_and_max():
    x = f64([-2.0, 0.0, 3.0], requires_grad=True)
    np.testing.assert_array_equal(x.clamp_min(0.0).numpy(), [0.0, 0.0, 3.0])
    np.testing.assert_array_equal(al.clamp_max(x, 1.0).numpy(), [-2.0, 0.0, 1.0])
    np.testing.assert_array_equal(x.clamp_min(f64([-3.0, 1.0, 1.0])).numpy(), [-2.0, 1.0, 3.0])
    x.clamp_min(0.0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 1.0, 1.0])  # the bound passes it


def test_fmax_fmin_ignore_nan_and_give_ties_to_the_first():
    a = f64([1.0, NAN, 2.0, NAN], requires_grad=True)
    b = f64([1.0, 3.0, NAN, NAN], requires_grad=True)
    same_values(al.fmax(a, b).numpy(), [1.0, 3.0, 2.0, NAN])
    same_values(a.fmin(b).numpy(), [1.0, 3.0, 2.0, NAN])
    al.fmax(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [1.0, 0.0, 1.0, 1.0])
    np.testing.assert_array_equal(b.grad.numpy(), [0.0, 1.0, 0.0, 0.0])
    assert np.fmax(a, b).requires_grad and np.fmin(a, 0.5).requires_grad


# -- PyTorch as the oracle at the edges ------------------------------------------------------


def _both(values, dtype="float64"):
    torch = pytest.importorskip("torch")
    ours = al.tensor(np.array(values, dtype=dtype), requires_grad=True)
    theirs = torch.tensor(np.array(values, dtype=dtype), requires_grad=True)
    return ours, theirs


def _torch_unary(name, x):
    torch = pytest.importorskip("torch")
    if name == "round":
        return torch.round(x)
    return getattr(torch, name)(x)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", UNARY)
def test_unary_edges_match_torch(name, dtype):
    values = EDGES_64 if dtype == "float64" else EDGES
    x, t = _both(values, dtype)
    out, expected = getattr(al, name)(x), _torch_unary(name, t)
    # Transcendental functions may differ from PyTorch's by an ulp; rounding does not.
    rtol = 0.0 if name in ROUNDING else 1e-15 if dtype == "float64" else 1e-6
    same_values(out.numpy(), expected.detach().numpy(), rtol)
    upstream = np.linspace(-1.0, 2.0, len(values)).astype(dtype)
    out.backward(upstream)
    expected.backward(_torch_from(upstream))
    same_values(x.grad.numpy(), t.grad.numpy(), 1e-6 if dtype == "float32" else 1e-15)


def _torch_from(array):
    torch = pytest.importorskip("torch")
    return torch.from_numpy(np.ascontiguousarray(array))


@pytest.mark.parametrize("decimals", [-2, -1, 1, 2, 3])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_round_decimals_matches_torch_to_the_bit(decimals, dtype):
    torch = pytest.importorskip("torch")
    values = np.random.default_rng(3).uniform(-500, 500, 2000).astype(dtype)
    values[:8] = [0.125, 0.375, -2.675, 1.005, 15.0, 25.0, -0.0, 1e30]
    ours = al.tensor(values).round(decimals=decimals).numpy()
    same_values(ours, torch.round(torch.from_numpy(values), decimals=decimals).numpy())


PAIRS = [
    (0.0, 0.0),
    (-0.0, 0.0),
    (0.0, -0.0),
    (-0.0, -0.0),
    (1.0, -2.0),
    (-3.0, 0.0),
    (INF, 1.0),
    (1.0, INF),
    (INF, INF),
    (-INF, -INF),
    (INF, -INF),
    (-INF, 2.0),
    (NAN, 1.0),
    (1.0, NAN),
    (1000.0, -1000.0),
    (-1000.0, 1000.0),
    (2.0, 2.0),
]


@pytest.mark.parametrize("name", ["atan2", "hypot", "logaddexp", "logaddexp2", "fmax", "fmin"])
def test_binary_edges_match_torch(name):
    torch = pytest.importorskip("torch")
    a, ta = _both([p[0] for p in PAIRS])
    b, tb = _both([p[1] for p in PAIRS])
    out, expected = getattr(al, name)(a, b), getattr(torch, name)(ta, tb)
    same_values(out.numpy(), expected.detach().numpy(), 1e-15)
    upstream = np.linspace(-1.0, 2.0, len(PAIRS))
    out.backward(upstream)
    expected.backward(_torch_from(upstream))
    for mine, theirs in ((a.grad.numpy(), ta.grad.numpy()), (b.grad.numpy(), tb.grad.numpy())):
        same_values(mine, theirs, 1e-15)


def test_lerp_edges_and_scalar_weights_match_torch():
    torch = pytest.importorskip("torch")
    starts = [0.0, 1.0, -2.0, 1e300, INF, 3.0, 0.1]
    ends = [1.0, 1.0, 5.0, -1e300, 1.0, INF, 0.7]
    weights = [0.5, 0.49, 1.0, 0.3, 0.0, 0.0, -0.7]
    (s, ts), (e, te), (w, tw) = _both(starts), _both(ends), _both(weights)
    out, expected = al.lerp(s, e, w), torch.lerp(ts, te, tw)
    same_values(out.numpy(), expected.detach().numpy(), 1e-15)
    upstream = np.linspace(-1.0, 2.0, len(starts))
    out.backward(upstream)
    expected.backward(_torch_from(upstream))
    for mine, theirs in ((s, ts), (e, te), (w, tw)):
        same_values(mine.grad.numpy(), theirs.grad.numpy(), 1e-15)
    for weight in (0.0, 0.25, 0.5, 0.75, 1.0, 3.0):
        same_values(al.lerp(s, e, weight).numpy(), torch.lerp(ts, te, weight).detach().numpy(), 1e-15)


def test_nan_to_num_and_logical_ops_match_torch():
    torch = pytest.importorskip("torch")
    for dtype in ("float32", "float64"):
        values = np.array([NAN, INF, -INF, -0.0, 2.0], dtype=dtype)
        for options in ({}, {"nan": 1.5}, {"posinf": 9.0, "neginf": -9.0}):
            same_values(
                al.nan_to_num(al.tensor(values), **options).numpy(),
                torch.nan_to_num(torch.from_numpy(values), **options).numpy(),
            )
    a, b = np.array([0.0, 1.0, NAN, -0.0]), np.array([0, 0, 2, 3])
    for name in ("logical_and", "logical_or", "logical_xor"):
        same_values(
            getattr(al, name)(al.tensor(a), al.tensor(b)).numpy(),
            getattr(torch, name)(torch.from_numpy(a), torch.from_numpy(b)).numpy(),
        )
    same_values(al.logical_not(al.tensor(a)).numpy(), torch.logical_not(torch.from_numpy(a)).numpy())
