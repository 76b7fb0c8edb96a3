"""`%`, `remainder` and `fmod`: gradchecks away from the jumps, and PyTorch's values,
gradients and dtypes (integers, mixed operands, negative operands, division by zero)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_lite as al

OPS = {"remainder": al.remainder, "fmod": al.fmod}


def _operands(draw, shapes):
    """a and b with every quotient a / b at least 0.07 from an integer (the functions jump
    there): a = k + 1/2 + d, b = +-2 or +-4 times (1 + e), |d| < 0.05, |e| < 0.01, |k| <= 5."""
    a_shape, b_shape = shapes.input_shapes
    k = draw(hnp.arrays(np.int64, a_shape, elements=st.integers(-5, 5)))
    d = draw(hnp.arrays(np.float64, a_shape, elements=st.floats(-0.049, 0.049)))
    size = draw(hnp.arrays(np.float64, b_shape, elements=st.sampled_from([-4.0, -2.0, 2.0, 4.0])))
    e = draw(hnp.arrays(np.float64, b_shape, elements=st.floats(-0.0099, 0.0099)))
    return k + 0.5 + d, size * (1 + e)


@pytest.mark.parametrize("name", sorted(OPS))
@settings(max_examples=25)
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3), data=st.data())
def test_gradcheck_both_arguments(name, shapes, data):
    a, b = _operands(data.draw, shapes)
    a = al.tensor(a, requires_grad=True)
    b = al.tensor(b, requires_grad=True)
    assert al.gradcheck(OPS[name], (a, b))


@pytest.mark.parametrize("name", sorted(OPS))
def test_gradcheck_with_a_number(name):
    x = al.tensor([[5.3, -5.3, 0.4], [-7.9, 2.2, 11.6]], dtype=np.float64, requires_grad=True)
    assert al.gradcheck(lambda t: OPS[name](t, 3.0), (x,))
    assert al.gradcheck(lambda t: OPS[name](7.5, t), (x,))


def test_operators_record_remainder():
    a = al.tensor([5.5, -5.5], requires_grad=True)
    assert (a % 2).grad_fn.name == "remainder"
    assert (3 % a).grad_fn.name == "remainder"
    assert a.fmod(2).grad_fn.name == "fmod"
    np.testing.assert_array_equal((a % 2).numpy(), [1.5, 0.5])
    np.testing.assert_array_equal((3 % a).numpy(), [3.0, -2.5])


def test_numpy_ufuncs_dispatch():
    a = al.tensor([5.5, -5.5], requires_grad=True)
    for ufunc, expected_name in ((np.mod, "remainder"), (np.remainder, "remainder"), (np.fmod, "fmod")):
        out = ufunc(a, 2.0)
        assert isinstance(out, al.Tensor) and out.grad_fn.name == expected_name
    np.testing.assert_array_equal(np.fmod(a, 2.0).numpy(), [1.5, -1.5])
    out = np.mod(np.array([7.0, -7.0]), a)  # an array first: the reflected operand
    assert isinstance(out, al.Tensor)
    np.testing.assert_allclose(out.numpy(), np.mod([7.0, -7.0], [5.5, -5.5]))


def test_double_backward_through_the_divisor_derivative():
    a = al.tensor([5.5, -5.5, 7.25], dtype=np.float64)
    b = al.tensor([2.0, 2.0, -3.0], dtype=np.float64, requires_grad=True)
    c = al.tensor([1.0, 2.0, 3.0], dtype=np.float64, requires_grad=True)
    (grad_b,) = al.autograd.grad((al.remainder(a, b) * c).sum(), b, create_graph=True)
    np.testing.assert_array_equal(grad_b.numpy(), [-2.0, 6.0, 9.0])
    grad_b.sum().backward()
    np.testing.assert_array_equal(c.grad.numpy(), -np.floor_divide([5.5, -5.5, 7.25], [2.0, 2.0, -3.0]))
    assert b.grad is None or not np.any(b.grad.numpy())


def test_float_division_by_zero_is_nan_without_warnings():
    # pytest turns NumPy's RuntimeWarnings into errors: none may escape.
    x = al.tensor([1.0, -2.0, 0.0, np.inf], requires_grad=True)
    for out in (x % 0, al.fmod(x, 0.0), al.remainder(x, al.zeros(4)), x % np.inf):
        assert out.dtype == np.float32
    assert np.isnan((x % 0).numpy()).all()
    b = al.zeros(4, requires_grad=True)
    al.remainder(x, b).sum().backward()
    assert np.isinf(b.grad.numpy()[:2]).all()


@pytest.mark.parametrize("name", sorted(OPS))
def test_integer_division_by_zero_raises(name):
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        OPS[name](al.tensor([5, 6]), al.tensor([1, 0]))
    x = al.tensor([5, 6])
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        x %= 0
    assert x.tolist() == [5, 6]  # unchanged


def test_bool_operands_refused():
    with pytest.raises(NotImplementedError, match="bool"):
        al.tensor([True]) % al.tensor([True])


def test_in_place():
    x = al.tensor([10, 11, -12])
    same = x
    x %= 3
    assert x is same and x.tolist() == [1, 2, 0]
    assert x.remainder_(2).tolist() == [1, 0, 0]
    y = al.tensor([-5.0, 5.0])
    assert y.fmod_(3).tolist() == [-2.0, 2.0]
    z = al.tensor([5, 6])
    with pytest.raises(TypeError, match="int64"):
        z %= 2.5
    assert z.tolist() == [5, 6]


def test_in_place_recorded_in_the_graph():
    w = al.tensor([5.5, -5.5], dtype=np.float64, requires_grad=True)
    h = w * 1.0
    h %= 2.0
    assert h.grad_fn.name == "remainder"
    h.sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [1.0, 1.0])


# -- PyTorch ---------------------------------------------------------------------------------

_FLOATS = [5.0, -5.0, 5.0, -5.0, 0.0, 7.5, 1e30, -0.25, np.inf, -np.inf, np.nan, 5.0, 3.0, 6.0, -6.0]
_DIVISORS = [3.0, 3.0, -3.0, -3.0, 3.0, 2.5, 3.0, 0.1, 3.0, 3.0, 3.0, np.inf, -np.inf, 0.0, -0.0]


@pytest.mark.parametrize("name", sorted(OPS))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_float_values_and_gradients_match_torch(name, dtype):
    torch = pytest.importorskip("torch")
    ours = [al.tensor(v, dtype=dtype, requires_grad=True) for v in (_FLOATS, _DIVISORS)]
    theirs = [torch.tensor(v, dtype=getattr(torch, dtype), requires_grad=True) for v in (_FLOATS, _DIVISORS)]
    out, expected = OPS[name](*ours), getattr(torch, name)(*theirs)
    assert out.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(out.numpy(), expected.detach().numpy())
    upstream = np.linspace(-1, 1, len(_FLOATS)).astype(dtype)
    out.backward(upstream)
    expected.backward(torch.from_numpy(upstream))
    for mine, reference in zip(ours, theirs):
        np.testing.assert_array_equal(mine.grad.numpy(), reference.grad.numpy())


_INTEGER_CASES = [
    ("int64", "int64"),
    ("int32", "int32"),
    ("int8", "int8"),
    ("uint8", "uint8"),
    ("int32", "int64"),
    ("int8", "float32"),
    ("int64", "float64"),
    ("float32", "int64"),
    ("bool", "int64"),
    ("float32", "float64"),
    ("float16", "float32"),
]


@pytest.mark.parametrize("name", sorted(OPS))
@pytest.mark.parametrize("a_dtype, b_dtype", _INTEGER_CASES)
def test_dtypes_and_integer_values_match_torch(name, a_dtype, b_dtype):
    torch = pytest.importorskip("torch")
    a = np.array([-7, -6, -1, 0, 1, 5, 6, 7, 100]).astype(a_dtype)
    b = np.array([3, -3, 2, 5, -5, 3, 4, 7, 9]).astype(b_dtype)
    if b_dtype == "uint8" or a_dtype == "bool":
        b = np.abs(b).astype(b_dtype)
    out = OPS[name](al.tensor(a), al.tensor(b))
    expected = getattr(torch, name)(torch.from_numpy(a), torch.from_numpy(b))
    assert out.dtype == expected.numpy().dtype
    np.testing.assert_array_equal(out.numpy(), expected.numpy())


@pytest.mark.parametrize("name", sorted(OPS))
@pytest.mark.parametrize("dtype", ["int64", "int32", "float32", "float64"])
@pytest.mark.parametrize("scalar", [3, -3, 2.5, -2.5])
def test_python_number_operands_match_torch(name, dtype, scalar):
    torch = pytest.importorskip("torch")
    a = np.array([-7, -6, -1, 0, 1, 5, 7]).astype(dtype)
    out = OPS[name](al.tensor(a), scalar)
    expected = getattr(torch, name)(torch.from_numpy(a), scalar)
    assert out.dtype == expected.numpy().dtype
    np.testing.assert_array_equal(out.numpy(), expected.numpy())
    if name == "remainder":  # PyTorch's fmod takes no number first
        divisors = a[a != 0]
        reflected, expected = scalar % al.tensor(divisors), scalar % torch.from_numpy(divisors)
        assert reflected.dtype == expected.numpy().dtype
        np.testing.assert_array_equal(reflected.numpy(), expected.numpy())


def test_in_place_matches_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = al.tensor([-7.5, 7.5, 3.0]), torch.tensor([-7.5, 7.5, 3.0])
    ours %= 2.0
    theirs %= 2.0
    assert ours.tolist() == theirs.tolist()
    assert ours.fmod_(-1.25).tolist() == theirs.fmod_(-1.25).tolist()
    assert al.tensor([9, -9]).remainder_(4).tolist() == torch.tensor([9, -9]).remainder_(4).tolist()
