"""PyTorch's spellings of elementwise, arithmetic, conversion and product operations:
closed forms first (they hold without PyTorch), then comparisons with PyTorch."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite.ops.special import erf_array, erf_float32


def f64(values, requires_grad=False):
    return al.tensor(values, dtype=al.float64, requires_grad=requires_grad)


# -- erf and the activations built on it -------------------------------------------------------


def _ulps(got: np.ndarray, expected: np.ndarray) -> np.ndarray:
    return np.abs(got - expected) / np.spacing(np.maximum(np.abs(expected), np.finfo(expected.dtype).tiny))


def test_erf_is_within_a_few_ulp_of_math_erf_on_a_dense_grid_and_the_tails():
    x = np.concatenate(
        [
            np.linspace(-7.0, 7.0, 400_001),
            np.geomspace(1e-300, 1e-2, 2_000),
            -np.geomspace(1e-300, 40.0, 2_000),
            [0.46875, 4.0, 5.9, 6.0, 27.0, 1e300],
        ]
    )
    expected = np.array([math.erf(v) for v in x])
    assert _ulps(erf_array(x), expected).max() <= 4


def test_erf_special_values_and_float32():
    x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan])
    out = erf_array(x)
    np.testing.assert_array_equal(out[:4], [0.0, -0.0, 1.0, -1.0])
    assert np.signbit(out[1]) and np.isnan(out[4])
    x32 = np.linspace(-5, 5, 10_001, dtype=np.float32)
    expected = np.array([math.erf(v) for v in x32.astype(np.float64)]).astype(np.float32)
    got = al.erf(al.tensor(x32))
    assert got.dtype == np.float32
    assert _ulps(got.numpy(), expected).max() <= 1


def test_erf_gradient_and_integer_input():
    x = f64([-1.5, 0.0, 0.3, 2.0], requires_grad=True)
    x.erf().sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 / math.sqrt(math.pi) * np.exp(-(x.numpy() ** 2)), rtol=1e-15)
    assert al.erf(al.tensor([1, 2])).dtype == al.get_default_dtype()


def test_gelu_defaults_to_the_exact_erf_form():
    values = np.array([-3.0, -0.5, 0.0, 0.7, 2.0])
    exact = 0.5 * values * (1 + np.array([math.erf(v / math.sqrt(2)) for v in values]))
    tanh_form = 0.5 * values * (1 + np.tanh(math.sqrt(2 / math.pi) * (values + 0.044715 * values**3)))
    np.testing.assert_allclose(al.gelu(f64(values)).numpy(), exact, rtol=1e-15, atol=1e-300)
    np.testing.assert_allclose(f64(values).gelu(approximate="tanh").numpy(), tanh_form, rtol=1e-15)
    with pytest.raises(ValueError, match="approximate"):
        al.gelu(f64(values), approximate="erf")


def test_float32_gelu_uses_a_fast_erf_within_its_stated_error():
    x = np.concatenate([np.linspace(-8, 8, 200_001), [0.0, -0.0, np.inf, -np.inf]]).astype(np.float32)
    expected = np.array([math.erf(v) for v in x.astype(np.float64)])
    fast = erf_float32(x)
    assert fast.dtype == np.float32
    assert np.abs(fast - expected).max() <= 4.5e-7
    assert np.isnan(erf_float32(np.array([np.nan], dtype=np.float32))).all()
    np.testing.assert_array_equal(erf_float32(np.array([0.3])), erf_array(np.array([0.3])))  # float64: Cody's
    # The float32 GELU and its derivative against the exact float64 values.
    t = al.tensor(x[np.isfinite(x)], requires_grad=True)
    out = al.gelu(t)
    out.sum().backward()
    exact = al.tensor(t.numpy().astype(np.float64), requires_grad=True)
    exact_out = al.gelu(exact)
    exact_out.sum().backward()
    assert out.dtype == np.float32 and t.grad.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), exact_out.numpy(), rtol=0, atol=2e-6)
    np.testing.assert_allclose(t.grad.numpy(), exact.grad.numpy(), rtol=0, atol=2e-6)


def test_silu_is_x_times_sigmoid_and_stable():
    x = f64([-1e4, -2.0, 0.0, 3.0, 1e4], requires_grad=True)
    out = x.silu()
    expected = np.array([-0.0, -2 / (1 + math.exp(2)), 0.0, 3 / (1 + math.exp(-3)), 1e4])
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-15)
    out.sum().backward()
    s = 1 / (1 + np.exp(-np.array([-2.0, 0.0, 3.0])))
    np.testing.assert_allclose(x.grad.numpy()[1:4], s * (1 + np.array([-2.0, 0.0, 3.0]) * (1 - s)))
    assert np.isfinite(x.grad.numpy()).all()


# -- clamp, sign, square, pow --------------------------------------------------------------------


def test_clamp_is_clip_with_keywords_and_tensor_bounds():
    x = f64([-2.0, 0.5, 1.0, 3.0], requires_grad=True)
    low = f64([0.0, 0.5, 2.0, 0.0], requires_grad=True)
    high = f64([1.0, 1.0, 1.0, 3.0], requires_grad=True)
    out = al.clamp(x, min=low, max=high)
    np.testing.assert_array_equal(out.numpy(), [0.0, 0.5, 1.0, 3.0])
    out.sum().backward()
    # PyTorch's rule: x where low <= x <= high, low where x < low <= high, high where max(x, low) > high.
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 1.0, 0.0, 1.0])
    np.testing.assert_array_equal(low.grad.numpy(), [1.0, 0.0, 0.0, 0.0])
    np.testing.assert_array_equal(high.grad.numpy(), [0.0, 0.0, 1.0, 0.0])
    np.testing.assert_array_equal(f64([-2.0, 2.0]).clamp(max=1.0).numpy(), [-2.0, 1.0])
    assert al.clip is al.clamp
    with pytest.raises(ValueError, match="at least one"):
        f64([1.0]).clamp()
    with pytest.raises(ValueError, match="broadcast"):
        f64([1.0, 2.0]).clamp(min=f64([0.0, 0.0, 0.0]))


def test_clamp_in_place_follows_the_leaf_rule():
    leaf = f64([-2.0, 0.5, 3.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        leaf.clamp_(0.0, 1.0)
    with al.no_grad():
        assert leaf.clamp_(0.0, 1.0) is leaf
    np.testing.assert_array_equal(leaf.numpy(), [0.0, 0.5, 1.0])
    x = f64([-2.0, 0.5, 3.0], requires_grad=True)
    y = x * 2
    y.clamp_(min=0.0, max=2.0)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 2.0, 0.0])
    ints = al.tensor([1, 5])
    ints.clamp_(max=3)
    assert ints.tolist() == [1, 3]
    with pytest.raises(TypeError, match="dtype"):
        ints.clamp_(0.5)
    assert ints.tolist() == [1, 3]


def test_sign_has_a_zero_gradient():
    x = f64([-2.0, 0.0, 3.0], requires_grad=True)
    out = x.sign()
    np.testing.assert_array_equal(out.numpy(), [-1.0, 0.0, 1.0])
    assert out.grad_fn.name == "sign"
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 0.0])
    assert al.sign(al.tensor([-3, 4])).tolist() == [-1, 1]


def test_square_and_pow_methods():
    x = f64([-2.0, 3.0], requires_grad=True)
    x.square().sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [-4.0, 6.0])
    assert al.tensor([2, 3]).square().tolist() == [4, 9]
    assert f64([2.0]).pow(3).item() == 8.0


# -- arithmetic methods ------------------------------------------------------------------------


def test_add_and_sub_take_alpha():
    a, b = f64([1.0, 2.0], requires_grad=True), f64([10.0, 20.0], requires_grad=True)
    out = a.add(b, alpha=0.5) + al.sub(a, b, alpha=2)
    np.testing.assert_array_equal(out.numpy(), [1 + 5 + 1 - 20, 2 + 10 + 2 - 40])
    out.sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [2.0, 2.0])
    np.testing.assert_array_equal(b.grad.numpy(), [-1.5, -1.5])
    assert al.tensor([1, 2]).add(1, alpha=3).tolist() == [4, 5]
    with pytest.raises(TypeError, match="alpha"):
        al.tensor([1, 2]).add(al.tensor([1, 1]), alpha=0.5)


def test_mul_div_neg_matmul_methods():
    a, b = f64([[1.0, 2.0], [3.0, 4.0]]), f64([[2.0, 0.0], [0.0, 2.0]])
    np.testing.assert_array_equal(a.mul(b).numpy(), a.numpy() * b.numpy())
    np.testing.assert_array_equal(a.div(2).numpy(), a.numpy() / 2)
    np.testing.assert_array_equal(a.neg().numpy(), -a.numpy())
    np.testing.assert_array_equal(a.matmul(b).numpy(), a.numpy() @ b.numpy())


def test_div_rounding_modes():
    a = al.tensor([5, -7, 7])
    assert a.div(2, rounding_mode="floor").tolist() == [2, -4, 3]
    assert a.div(2, rounding_mode="trunc").tolist() == [2, -3, 3]
    assert a.div(2, rounding_mode="trunc").dtype == np.int64
    assert (a // 2).tolist() == [2, -4, 3]
    assert a.div(2).dtype == al.get_default_dtype()
    x = f64([5.5, -7.5], requires_grad=True)
    out = x.div(2.0, rounding_mode="trunc")
    np.testing.assert_array_equal(out.numpy(), [2.0, -3.0])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0])
    with pytest.raises(ValueError, match="rounding_mode"):
        a.div(2, rounding_mode="round")
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        a.div(0, rounding_mode="floor")


def test_comparison_methods_and_functions():
    a, b = al.tensor([1.0, 2.0, 3.0]), al.tensor([2.0, 2.0, 2.0])
    assert a.eq(b).tolist() == [False, True, False]
    assert a.ne(b).tolist() == [True, False, True]
    assert a.lt(b).tolist() == [True, False, False]
    assert a.le(b).tolist() == [True, True, False]
    assert al.gt(a, 2).tolist() == [False, False, True]
    assert al.ge(a, b).tolist() == [False, True, True]
    assert a.eq(b).dtype == al.bool


def test_bitwise_operators_on_bool_and_integer_tensors():
    t, f = al.tensor([True, True, False]), al.tensor([True, False, False])
    assert (t & f).tolist() == [True, False, False]
    assert (t | f).tolist() == [True, True, False]
    assert (t ^ f).tolist() == [False, True, False]
    assert (~t).tolist() == [False, False, True]
    assert (al.tensor([6, 5]) & 3).tolist() == [2, 1]
    assert (3 | al.tensor([4])).tolist() == [7]
    assert (~al.tensor([1, -2])).tolist() == [-2, 1]
    with pytest.raises(TypeError, match="bool and integer"):
        al.tensor([1.0]) & al.tensor([1.0])
    with pytest.raises(TypeError, match="bool and integer"):
        ~al.tensor([1.0])


def test_allclose_isclose_equal():
    a = al.tensor([1.0, 2.0, np.nan])
    assert al.isclose(a, al.tensor([1.0, 2.0 + 1e-6, np.nan])).tolist() == [True, True, False]
    assert al.isclose(a, a, equal_nan=True).tolist() == [True, True, True]
    assert al.allclose(al.tensor([1.0, 2.0]), al.tensor([1.0, 2.0 + 1e-9])) is True
    assert not al.allclose(al.tensor([1.0]), al.tensor([1.1]))
    assert al.equal(al.tensor([1, 2]), al.tensor([1.0, 2.0])) is True
    assert al.equal(al.tensor([1, 2]), al.tensor([[1, 2]])) is False


# -- dtypes and conversions -----------------------------------------------------------------


def test_dtype_names_are_numpy_dtypes():
    assert al.float32 == al.float == np.float32 and al.float64 == al.double == np.float64
    assert al.int64 == al.long == np.int64 and al.int32 == al.int == np.int32
    assert al.bool == np.bool_ and al.half == al.float16 == np.float16
    assert al.zeros(2, dtype=al.long).dtype == np.int64
    assert al.tensor([1, 2], dtype=al.double).dtype == np.float64
    assert al.ones(2).astype(al.int32).dtype == np.int32


def test_to_accepts_dtypes_devices_and_tensors():
    x = al.tensor([1.5, -2.5], requires_grad=True)
    assert x.to(al.float32) is x and x.to("cpu") is x and x.float() is x
    as_double = x.to(al.float64)
    assert as_double.dtype == np.float64 and as_double.requires_grad
    as_double.sum().backward()
    assert x.grad.dtype == np.float32
    assert x.to("cpu", al.float64).dtype == np.float64
    assert x.to(dtype=al.float64, device="cpu").dtype == np.float64
    assert x.to(al.zeros(1, dtype=al.int64)).tolist() == [1, -2]
    assert x.to(al.float32, copy=True) is not x
    with pytest.raises(RuntimeError, match="CPU"):
        x.to("cuda")


def test_type_conversions():
    x = al.tensor([1.5, -2.5, 0.0])
    assert x.type() == "torch.FloatTensor" and x.long().type() == "torch.LongTensor"
    assert x.type(al.float64).dtype == np.float64 and x.type("torch.DoubleTensor").dtype == np.float64
    assert x.long().tolist() == [1, -2, 0] and x.int().dtype == np.int32
    assert x.bool().tolist() == [True, True, False]
    assert x.double().dtype == np.float64 and x.half().dtype == np.float16
    assert al.tensor([1, 2]).type_as(al.zeros(1, dtype=al.float64)).dtype == np.float64
    leaf = al.tensor([1.5], requires_grad=True)
    assert not leaf.long().requires_grad


# -- matrix products ------------------------------------------------------------------------


def test_mm_bmm_outer_closed_forms():
    a, b = np.arange(6.0).reshape(2, 3), np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(al.mm(f64(a), f64(b)).numpy(), a @ b)
    batch_a, batch_b = np.arange(12.0).reshape(2, 2, 3), np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(al.bmm(f64(batch_a), f64(batch_b)).numpy(), batch_a @ batch_b)
    u, v = f64([1.0, 2.0], requires_grad=True), f64([3.0, 4.0, 5.0], requires_grad=True)
    out = al.outer(u, v)
    np.testing.assert_array_equal(out.numpy(), np.outer([1.0, 2.0], [3.0, 4.0, 5.0]))
    out.sum().backward()
    np.testing.assert_array_equal(u.grad.numpy(), [12.0, 12.0])
    np.testing.assert_array_equal(v.grad.numpy(), [3.0, 3.0, 3.0])
    with pytest.raises(RuntimeError, match="2-D"):
        al.mm(f64(a), f64([1.0, 2.0, 3.0]))
    with pytest.raises(RuntimeError, match="batch"):
        al.bmm(f64(batch_a), f64(np.zeros((3, 3, 4))))


def test_einsum_closed_forms():
    m = f64(np.arange(9.0).reshape(3, 3), requires_grad=True)
    trace = al.einsum("ii", m)
    assert trace.item() == 12.0
    trace.backward()
    np.testing.assert_array_equal(m.grad.numpy(), np.eye(3))
    a, b = np.arange(6.0).reshape(2, 3), np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(al.einsum("ij,jk->ik", [f64(a), f64(b)]).numpy(), a @ b)
    np.testing.assert_array_equal(al.einsum("ij,jk", f64(a), f64(b)).numpy(), a @ b)
    np.testing.assert_array_equal(al.einsum("ij->j", f64(a)).numpy(), a.sum(0))
    with pytest.raises(ValueError, match="subscript"):
        al.einsum("ij,jk->ik", f64(a), f64(a))
    with pytest.raises(ValueError, match="2 operands"):
        al.einsum("ij,jk->ik", f64(a))


def test_products_refuse_mixed_float_dtypes_with_the_fix_in_the_message():
    x64, w32 = al.ones(2, 3, dtype=al.float64), al.ones(4, 3, dtype=al.float32)
    with pytest.raises(RuntimeError, match=r"expected both float32, got float64 input .* call x\.float\(\)"):
        al.linear(x64, w32)
    with pytest.raises(RuntimeError, match="bias"):
        al.linear(x64.float(), w32, al.zeros(4, dtype=al.float64))
    with pytest.raises(RuntimeError, match="same dtype"):
        x64 @ w32.T
    with pytest.raises(RuntimeError, match="same dtype"):
        al.mm(x64, al.ones(3, 2, dtype=al.int64))
    with pytest.raises(RuntimeError, match="one dtype"):
        al.einsum("ij,kj->ik", x64, w32)
    # elementwise ops keep PyTorch's promotion
    assert (x64[0] * w32[0]).dtype == np.float64


# -- PyTorch as an oracle -------------------------------------------------------------------


def test_erf_gelu_silu_match_torch():
    torch = pytest.importorskip("torch")
    values = np.linspace(-6, 6, 1201)
    for ours, theirs in [
        (al.erf, torch.erf),
        (al.gelu, torch.nn.functional.gelu),
        (al.silu, torch.nn.functional.silu),
    ]:
        x = f64(values, requires_grad=True)
        t = torch.tensor(values, requires_grad=True)
        out, expected = ours(x), theirs(t)
        # gelu's 1 + erf(x / sqrt(2)) cancels for x < -3 in both libraries: a few 1e-14 apart there.
        np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=1e-12, atol=1e-16)
        out.sum().backward()
        expected.sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-13, atol=1e-16)
    x32 = np.linspace(-6, 6, 1201, dtype=np.float32)
    np.testing.assert_allclose(
        al.erf(al.tensor(x32)).numpy(), torch.erf(torch.from_numpy(x32)).numpy(), atol=2e-7
    )


def test_conversions_and_division_match_torch():
    torch = pytest.importorskip("torch")
    values = [5, -7, 7, -8]
    for mode in ("floor", "trunc"):
        assert al.tensor(values).div(3, rounding_mode=mode).tolist() == (
            torch.tensor(values).div(3, rounding_mode=mode).tolist()
        )
        assert al.tensor([5.5, -7.5]).div(2.0, rounding_mode=mode).tolist() == (
            torch.tensor([5.5, -7.5]).div(2.0, rounding_mode=mode).tolist()
        )
    for dtype, torch_dtype in [
        (al.float32, torch.float32),
        (al.float64, torch.float64),
        (al.long, torch.long),
    ]:
        assert al.zeros(1, dtype=dtype).type() == torch.zeros(1, dtype=torch_dtype).type()
    assert al.tensor([1.7, -1.7]).long().tolist() == torch.tensor([1.7, -1.7]).long().tolist()
    a, b = [True, False, True], [True, True, False]
    assert (al.tensor(a) ^ al.tensor(b)).tolist() == (torch.tensor(a) ^ torch.tensor(b)).tolist()
