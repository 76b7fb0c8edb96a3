"""Edge cases of individual ops: pow at 0 and negative bases, empty tensors,
reductions over no axes or with no degrees of freedom, infinities in the softmax
family, 0-d inputs and unusual indices."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as al


def leaf(values):
    return al.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


def grads(fn, *values):
    tensors = [leaf(v) for v in values]
    out = fn(*tensors)
    out.backward(np.ones(out.shape))
    return out.numpy(), [t.grad.numpy() for t in tensors]


# -- pow -----------------------------------------------------------------------------------------


def test_pow_zero_to_the_zero():
    out, (ga, gb) = grads(lambda a, b: a**b, [0.0, 0.0, 2.0], [0.0, 1.0, 0.0])
    np.testing.assert_array_equal(out, [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(ga, [0.0, 1.0, 0.0])  # d/da a**0 is 0 even at a = 0
    np.testing.assert_allclose(gb, [0.0, 0.0, np.log(2.0)])  # d/db at a = 0, b >= 0 taken as 0
    out, (g,) = grads(lambda a: a**0, [0.0, -3.0])
    np.testing.assert_array_equal(out, [1.0, 1.0])
    np.testing.assert_array_equal(g, [0.0, 0.0])


def test_pow_negative_base_with_integer_exponents():
    _, (g,) = grads(lambda a: a**3, [-2.0, -0.5])
    np.testing.assert_allclose(g, [12.0, 0.75])
    _, (g,) = grads(lambda a: a**-1, [-2.0])
    np.testing.assert_allclose(g, [-0.25])
    out, (ga, gb) = grads(lambda a, b: a**b, [-2.0], [3.0])
    np.testing.assert_array_equal(out, [-8.0])
    np.testing.assert_allclose(ga, [12.0])
    assert np.isnan(gb).all()  # log of a negative base, as PyTorch


def test_scalar_base_to_a_tensor_power():
    x = al.tensor([0.5, 2.0], requires_grad=True)
    y = 2**x
    assert y.dtype == np.float32 and y.grad_fn.name == "pow"
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.log(2) * 2 ** np.array([0.5, 2.0]), rtol=1e-6)
    _, (g,) = grads(lambda b: 0.0**b, [1.0, 2.0])
    np.testing.assert_array_equal(g, [0.0, 0.0])


# -- empty tensors -----------------------------------------------------------------------------------


def test_empty_tensors_flow_through_backward():
    out, (g,) = grads(lambda a: a.sum(), np.zeros((0, 3)))
    assert out == 0.0 and g.shape == (0, 3)
    out, (ga, gb) = grads(lambda a, b: a @ b, np.zeros((2, 0)), np.zeros((0, 3)))
    np.testing.assert_array_equal(out, np.zeros((2, 3)))
    assert ga.shape == (2, 0) and gb.shape == (0, 3)
    out, (ga, gb) = grads(lambda a, b: al.concatenate([a, b]), np.zeros((0, 2)), np.ones((2, 2)))
    assert out.shape == (2, 2) and ga.shape == (0, 2)
    np.testing.assert_array_equal(gb, np.ones((2, 2)))
    out, (g,) = grads(lambda a: a[[]], [1.0, 2.0])
    assert out.shape == (0,)
    np.testing.assert_array_equal(g, [0.0, 0.0])
    out, (g,) = grads(lambda a: a[np.zeros(2, dtype=bool)] * 2, [1.0, 2.0])
    np.testing.assert_array_equal(g, [0.0, 0.0])
    out, (g,) = grads(lambda a: (a * 2).reshape(0, 5), np.zeros((5, 0)))
    assert out.shape == (0, 5) and g.shape == (5, 0)


def test_max_of_an_empty_tensor_is_a_clear_error():
    with pytest.raises(ValueError, match=r"\(0, 3\)"):
        al.zeros(0, 3).max()
    with pytest.raises(ValueError, match="zero-size"):
        al.zeros(0, 3).min(axis=0)
    assert al.zeros(0, 3).max(axis=1).values.shape == (0,)


def test_mean_of_an_empty_axis_is_nan_as_numpy():
    out, (g,) = grads(lambda a: a.mean(axis=0), np.zeros((0, 2)))
    assert np.isnan(out).all() and g.shape == (0, 2)


# -- reductions ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, expected_out, expected_grad",
    [
        ("sum", 4.0, [[1.0, 1.0]]),
        ("mean", 2.0, [[0.5, 0.5]]),
        ("max", 3.0, [[0.0, 1.0]]),
        ("min", 1.0, [[1.0, 0.0]]),
        ("amax", 3.0, [[0.0, 1.0]]),
        ("logsumexp", np.logaddexp(1.0, 3.0), [[1 / (1 + np.e**2), 1 / (1 + np.e**-2)]]),
        ("var", 2.0, [[-2.0, 2.0]]),
        ("std", np.sqrt(2.0), [[-(0.5**0.5), 0.5**0.5]]),
        ("prod", 3.0, [[3.0, 1.0]]),
        ("norm", np.sqrt(10.0), [[1 / np.sqrt(10.0), 3 / np.sqrt(10.0)]]),
    ],
)
def test_reducing_over_no_dims_reduces_every_dim_as_pytorch(name, expected_out, expected_grad):
    out, (g,) = grads(lambda a: getattr(a, name)(axis=()), [[1.0, 3.0]])
    np.testing.assert_allclose(out, expected_out)
    np.testing.assert_allclose(g, expected_grad)


def _values(result):
    return result.values if isinstance(result, tuple) else result


def test_reducing_a_0d_tensor():
    for name in ("sum", "mean", "max", "min", "logsumexp"):
        for axis in (None, (), 0, -1):
            out, (g,) = grads(lambda a, name=name, axis=axis: _values(getattr(a, name)(axis=axis)), 2.5)
            assert out.shape == () and out == 2.5, (name, axis)
            assert g.shape == () and g == 1.0, (name, axis)


def test_var_and_std_without_degrees_of_freedom_match_torch():
    out, (g,) = grads(lambda a: a.var(ddof=2), [1.0, 2.0])
    assert out == np.inf and not np.isfinite(g).any()
    out, (g,) = grads(lambda a: a.var(axis=0, ddof=3), [1.0, 2.0])
    assert out == np.inf
    np.testing.assert_array_equal(g, [1.0, -1.0])  # 2 / max(n - ddof, 0) is PyTorch's too
    out, (g,) = grads(lambda a: a.var(axis=1, ddof=2), [[1.0, 2.0], [1.0, 1.0]])
    np.testing.assert_array_equal(out, [np.inf, np.nan])
    np.testing.assert_array_equal(g[0], [-np.inf, np.inf])
    assert np.isnan(g[1]).all()
    out, (g,) = grads(lambda a: a.std(ddof=2), [1.0, 2.0])
    assert out == np.inf and np.isnan(g).all()


def test_std_of_a_constant_slice_has_zero_gradient():
    out, (g,) = grads(lambda a: a.std(axis=1), [[2.0, 2.0, 2.0], [1.0, 2.0, 3.0]])
    assert out[0] == 0.0
    np.testing.assert_array_equal(g[0], [0.0, 0.0, 0.0])
    np.testing.assert_allclose(g[1], np.array([-1.0, 0.0, 1.0]) / (2 * np.std([1.0, 2.0, 3.0], ddof=1)))


# -- values outside a function's domain -------------------------------------------------------------


@pytest.mark.parametrize(
    "fn, values, expected_out, expected_grad",
    [
        (lambda a: a.sqrt(), [0.0, 4.0, -1.0], [0.0, 2.0, np.nan], [np.inf, 0.25, np.nan]),
        (lambda a: a.log(), [0.0, 1.0, -1.0], [-np.inf, 0.0, np.nan], [np.inf, 1.0, -1.0]),
        (lambda a: a**0.5, [0.0, -4.0], [0.0, np.nan], [np.inf, np.nan]),
        (lambda a: 0.0**a, [-1.0, 2.0], [np.inf, 0.0], [-np.inf, 0.0]),
    ],
    ids=["sqrt", "log", "fractional_power", "zero_base"],
)
def test_domain_edges_give_pytorchs_inf_and_nan_quietly(fn, values, expected_out, expected_grad):
    # PyTorch's values (checked with torch 2.13); the suite turns any NumPy warning into an error.
    out, (g,) = grads(fn, values)
    np.testing.assert_array_equal(out, expected_out)
    np.testing.assert_array_equal(g, expected_grad)


# -- infinities and the softmax family ----------------------------------------------------------------


def test_logsumexp_with_infinite_rows():
    out, (g,) = grads(lambda a: a.logsumexp(axis=1), [[-np.inf, -np.inf], [0.0, 1.0], [-np.inf, 0.0]])
    np.testing.assert_allclose(out, [-np.inf, np.logaddexp(0.0, 1.0), 0.0])
    e = np.exp([0.0, 1.0])
    np.testing.assert_allclose(g[1], e / e.sum())
    np.testing.assert_array_equal(g[2], [0.0, 1.0])
    assert al.tensor([np.inf, 0.0]).logsumexp().item() == np.inf


def test_masked_softmax_with_minus_infinity():
    x = leaf([[0.0, -np.inf, 1.0]])
    probs = x.softmax(axis=-1)
    log_probs = x.log_softmax(axis=-1)
    np.testing.assert_allclose(probs.numpy()[0, 1], 0.0)
    assert log_probs.numpy()[0, 1] == -np.inf
    (probs * al.tensor([[1.0, 2.0, 3.0]], dtype=np.float64)).sum().backward()
    (log_probs[0, 0] + log_probs[0, 2]).backward()
    assert np.isfinite(x.grad.numpy()).all()


def test_softmax_family_of_0d_inputs():
    out, (g,) = grads(lambda a: a.softmax(), 3.0)
    assert out.shape == () and out == 1.0 and g == 0.0
    out, (g,) = grads(lambda a: a.log_softmax(axis=0), 3.0)
    assert out.shape == () and out == 0.0 and g == 0.0


# -- indexing forms ----------------------------------------------------------------------------------


def test_0d_integer_tensor_and_numpy_integer_indices():
    out, (g,) = grads(lambda a: a[al.tensor(1)], [1.0, 2.0, 3.0])
    assert out.shape == () and out == 2.0
    np.testing.assert_array_equal(g, [0.0, 1.0, 0.0])
    out, (g,) = grads(lambda a: a[np.int64(-1), 0], [[1.0, 2.0], [3.0, 4.0]])
    assert out == 3.0
    np.testing.assert_array_equal(g, [[0.0, 0.0], [1.0, 0.0]])


def test_index_arrays_broadcast_together_and_accumulate():
    values = np.arange(12.0).reshape(3, 4)
    rows = np.array([[0], [2], [0]])
    cols = np.array([1, 1, 3])
    out, (g,) = grads(lambda a: a[rows, cols], values)
    np.testing.assert_array_equal(out, values[rows, cols])
    expected = np.zeros((3, 4))
    np.add.at(expected, (rows, cols), 1.0)
    np.testing.assert_array_equal(g, expected)


def test_invalid_indices_are_clear_errors():
    x = al.tensor([1.0, 2.0, 3.0])
    with pytest.raises(IndexError, match="float"):
        x[al.tensor([0.5])]
    with pytest.raises(IndexError):
        x["a"]
    with pytest.raises(IndexError, match=r"\(3,\)"):
        x[np.array([True, False])]


# -- mixed dtypes in joins -------------------------------------------------------------------------------


def test_concatenate_and_stack_of_mixed_dtypes_return_gradients_in_each_dtype():
    a = al.tensor([1.0, 2.0], dtype=np.float32, requires_grad=True)
    b = al.tensor([3.0], dtype=np.float64, requires_grad=True)
    c = al.tensor([4])
    joined = al.concatenate([a, b, c])
    assert joined.dtype == np.float64
    np.testing.assert_array_equal(joined.numpy(), [1.0, 2.0, 3.0, 4.0])
    (joined * al.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64
    np.testing.assert_array_equal(a.grad.numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(b.grad.numpy(), [3.0])
    stacked = al.stack([al.tensor([1, 2]), al.tensor([True, False])])
    assert stacked.dtype == np.int64 and stacked.tolist() == [[1, 2], [1, 0]]
