"""Tensor construction and dtype rules, PyTorch's type promotion, conversions,
repr, comparisons, factories and seeding, and the clear errors of bad input."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as al

# -- dtype rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, dtype",
    [
        (1.5, np.float32),
        ([1.0, 2.0], np.float32),
        ([[1, 2.0]], np.float32),
        ([], np.float32),
        (3, np.int64),
        ([1, 2], np.int64),
        (True, np.bool_),
        ([True, False], np.bool_),
        (np.array([1, 2], dtype=np.int32), np.int32),
        (np.array([1.0], dtype=np.float64), np.float64),
        (np.array([1.0], dtype=np.float16), np.float16),
        (np.float64(2.0), np.float64),
        (np.float32(2.0), np.float32),
        (np.int32(2), np.int32),
    ],
)
def test_dtype_of_new_tensors(data, dtype):
    assert al.tensor(data).dtype == dtype
    assert al.Tensor(data).dtype == dtype


def test_default_dtype_is_settable():
    assert al.get_default_dtype() == np.float32
    al.set_default_dtype(np.float64)
    assert al.get_default_dtype() == np.float64
    assert al.tensor([1.0]).dtype == np.float64
    assert al.tensor(1.0).dtype == np.float64
    assert al.tensor([1, 2]).dtype == np.int64
    assert al.zeros(2).dtype == al.ones(2).dtype == al.randn(2).dtype == al.rand(2).dtype == np.float64
    assert (al.tensor([1, 2]) / 2).dtype == np.float64
    al.set_default_dtype(np.float32)
    assert al.tensor([1.0]).dtype == np.float32
    with pytest.raises(TypeError, match="int64"):
        al.set_default_dtype(np.int64)


def test_explicit_dtype_wins_and_data_is_copied():
    source = np.array([1, 2, 3])
    t = al.tensor(source, dtype=np.float64)
    assert t.dtype == np.float64
    source[0] = 100
    assert t.numpy()[0] == 1.0
    copy = al.tensor(t)
    assert copy.dtype == np.float64 and not np.shares_memory(copy.numpy(), t.numpy())


@pytest.mark.parametrize("data", [[1, 2], [True], np.array([1], dtype=np.int32)])
def test_requires_grad_on_non_floating_dtypes_is_a_type_error(data):
    with pytest.raises(TypeError, match="float"):
        al.tensor(data, requires_grad=True)
    t = al.tensor(data)
    with pytest.raises(TypeError):
        t.requires_grad = True
    assert not t.requires_grad


def test_bad_data_raises_type_error():
    with pytest.raises(TypeError):
        al.tensor("abc")
    with pytest.raises(TypeError):
        al.tensor([[1.0], [1.0, 2.0]])
    with pytest.raises(TypeError):
        al.tensor({"a": 1})


# -- type promotion (PyTorch's) -----------------------------------------------------------------


def f32(values):
    return al.tensor(values, dtype=np.float32)


def f64(values):
    return al.tensor(values, dtype=np.float64)


@pytest.mark.parametrize(
    "expression, dtype",
    [
        (lambda: f32([1.0]) + 2.5, np.float32),  # weak Python float
        (lambda: 2 * f32([1.0]), np.float32),  # weak Python int
        (lambda: f32([1.0]) ** 2, np.float32),
        (lambda: f32([1.0]) / 3, np.float32),
        (lambda: 1.0 - f32([1.0]), np.float32),
        (lambda: f32([1.0]) + np.float64(2.0), np.float32),  # NumPy scalars are weak too
        (lambda: f32([1.0]) + al.tensor([1, 2]), np.float32),  # float beats integer
        (lambda: al.tensor([1, 2]) * f32([1.0]), np.float32),
        (lambda: f32([1.0]) + f64([1.0]), np.float64),
        (lambda: f64([1.0]) * f32([1.0]), np.float64),
        (lambda: f32([1.0, 2.0]) + f64(1.0), np.float32),  # a 0-d tensor does not widen
        (lambda: al.tensor([1, 2]) + 2.5, np.float32),  # int tensor with a float: default float
        (lambda: al.tensor([1, 2]) * 2, np.int64),
        (lambda: al.tensor([1, 2]) / al.tensor([2, 4]), np.float32),  # true division
        (lambda: al.tensor([3]) / 2, np.float32),
        (lambda: al.tensor(np.array([1], np.int32)) + al.tensor([1]), np.int64),
        (lambda: al.tensor([True]) + 1, np.int64),
        (lambda: al.tensor(np.array([1, 2], np.int32)) + al.tensor(3), np.int32),  # 0-d int: no widening
        (lambda: al.tensor(np.array([1], np.uint8)) * al.tensor(np.int8(2)), np.uint8),
        (lambda: al.tensor([True, False]) + al.tensor(2), np.int64),  # int beats bool
        (lambda: al.tensor([1, 2]) + f64(1.5), np.float64),  # a 0-d float beats dimensioned ints
        (lambda: np.float64(2.0) * f32([1.0]), np.float32),
        (lambda: np.ones(2) + f32([1.0, 2.0]), np.float64),  # an ndarray is a float64 tensor
        (lambda: al.maximum(f32([1.0]), f64([2.0])), np.float64),
        (lambda: al.where(np.array([True]), f32([1.0]), 0.0), np.float32),
        (lambda: f32([[1.0]]) @ np.ones((1, 1)), np.float32),  # plain data takes the tensor's dtype
        (lambda: al.concatenate([f32([1.0]), al.tensor([2])]), np.float32),
        (lambda: al.stack([f32([1.0]), f64([2.0])]), np.float64),
        (lambda: al.tensor([1, 2]).mean(), np.float32),
        (lambda: al.tensor([1, 2]).exp(), np.float32),
        (lambda: al.tensor([True, True, False]).sum(), np.int64),
        (lambda: al.tensor([1, 5]).clip(0.5, 1.5), np.float32),  # float bounds: default float
        (lambda: al.tensor([1, 5]).clip(0, 3), np.int64),
    ],
)
def test_type_promotion(expression, dtype):
    assert expression().dtype == dtype


def test_int_division_values_and_bool_sum():
    np.testing.assert_allclose((al.tensor([1, 3]) / al.tensor([2, 2])).numpy(), [0.5, 1.5])
    assert al.tensor([True, True, False]).sum().item() == 2


def test_mixed_dtype_gradients_come_back_in_each_input_dtype():
    a = f32([1.0, 2.0]).requires_grad_()
    b = f64([3.0, 4.0]).requires_grad_()
    out = (a * b).sum()
    assert out.dtype == np.float64
    out.backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64
    np.testing.assert_array_equal(a.grad.numpy(), [3.0, 4.0])


def test_astype_between_floats_is_differentiable():
    x = f64([1.5, 2.5]).requires_grad_()
    y = x.astype(np.float32)
    assert y.dtype == np.float32 and y.grad_fn.name == "astype"
    (y * y).sum().backward()
    assert x.grad.dtype == np.float64
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 5.0])
    assert x.float().dtype == np.float32 and y.double().dtype == np.float64
    as_int = x.astype(np.int64)
    assert as_int.dtype == np.int64 and not as_int.requires_grad


# -- conversions, repr ------------------------------------------------------------------------


def test_item_tolist_numel_len():
    t = al.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert t.numel() == 6 and t.size() == (2, 3) and len(t) == 2
    assert t.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    assert t.shape == (2, 3) and t.ndim == 2
    assert al.tensor([[2.5]]).item() == 2.5
    assert isinstance(al.tensor(3).item(), int)
    assert float(al.tensor(2.5)) == 2.5 and int(al.tensor(7)) == 7
    with pytest.raises(ValueError, match=r"\(2, 3\)"):
        t.item()
    with pytest.raises(TypeError):
        len(al.tensor(1.0))
    assert al.tensor(1.0).numel() == 1 and al.zeros(0, 3).numel() == 0


def test_numpy_shares_memory_and_data_is_assignable():
    t = al.tensor([1.0, 2.0], requires_grad=True)
    assert np.shares_memory(t.numpy(), t.data.numpy())
    t.data = np.array([5.0, 6.0, 7.0], dtype=np.float32)
    assert t.shape == (3,)
    with pytest.raises(TypeError):
        t.data = np.array([1, 2])
    np.testing.assert_array_equal(t.numpy(), [5.0, 6.0, 7.0])


def test_iteration_yields_rows():
    t = al.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    rows = list(t)
    assert [r.tolist() for r in rows] == [[1.0, 2.0], [3.0, 4.0]]
    sum(rows, al.tensor(0.0)).sum().backward()
    np.testing.assert_array_equal(t.grad.numpy(), np.ones((2, 2)))


def test_repr_like_pytorch():
    assert repr(al.tensor([1.0, 2.0])) == "tensor([1., 2.])"
    assert repr(al.tensor([1.0, 2.0], requires_grad=True)) == "tensor([1., 2.], requires_grad=True)"
    x = al.tensor([1.0, 2.0], requires_grad=True)
    assert repr(x * 2) == "tensor([2., 4.], grad_fn=<mul>)"
    assert repr(x.sum()) == "tensor(3., grad_fn=<sum>)"
    assert repr(al.tensor([1, 2])) == "tensor([1, 2])"
    assert repr(al.tensor(3.5)) == "tensor(3.5)"
    assert repr(al.tensor([1.0], dtype=np.float64)) == "tensor([1.], dtype=float64)"
    assert repr(al.tensor([True])) == "tensor([ True])"
    assert repr(al.ones(2, 2)) == "tensor([[1., 1.],\n        [1., 1.]])"
    assert "name='w'" in repr(al.Tensor([1.0], name="w"))


# -- comparisons --------------------------------------------------------------------------------


def test_comparisons_return_bool_tensors_without_grad():
    x = al.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = al.tensor([3.0, 2.0, 1.0])
    results = {
        "<": (x < y, [True, False, False]),
        "<=": (x <= y, [True, True, False]),
        ">": (x > y, [False, False, True]),
        ">=": (x >= 2.0, [False, True, True]),
        "==": (x == y, [False, True, False]),
        "!=": (x != 2, [True, False, True]),
    }
    for name, (result, expected) in results.items():
        assert isinstance(result, al.Tensor), name
        assert result.dtype == np.bool_ and not result.requires_grad and result.grad_fn is None, name
        assert result.tolist() == expected, name
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        _ = x < al.tensor([1.0, 2.0])


def test_tensors_stay_hashable_for_use_as_keys():
    a, b = al.tensor([1.0]), al.tensor([1.0])
    assert len({a: 1, b: 2}) == 2


# -- factories and seeding --------------------------------------------------------------------


def test_factories():
    assert al.zeros(2, 3).shape == (2, 3) and al.zeros((2, 3)).tolist() == [[0.0] * 3] * 2
    assert al.ones(4).dtype == np.float32 and al.ones(4).tolist() == [1.0] * 4
    assert al.full((2,), 7).dtype == np.int64 and al.full((2,), 7.0).dtype == np.float32
    assert al.full(3, 0.5).tolist() == [0.5] * 3
    np.testing.assert_array_equal(al.eye(3).numpy(), np.eye(3))
    assert al.eye(2, 3).shape == (2, 3)
    assert al.arange(4).dtype == np.int64 and al.arange(4).tolist() == [0, 1, 2, 3]
    assert al.arange(1, 7, 2).tolist() == [1, 3, 5]
    assert al.arange(0, 1, 0.25).dtype == np.float32
    base = al.tensor([[1, 2]])
    assert al.zeros_like(base).dtype == np.int64 and al.ones_like(base).shape == (1, 2)
    assert al.zeros_like(al.ones(2, dtype=np.float64)).dtype == np.float64
    assert al.zeros(2, dtype=np.float64).dtype == np.float64
    p = al.zeros(3, requires_grad=True)
    assert p.requires_grad and p.is_leaf
    assert al.randn(2, 3, requires_grad=True).requires_grad
    assert al.tensor([1.0], requires_grad=True).requires_grad
    with pytest.raises(ValueError):
        al.zeros(-1)


def test_random_factories_are_reproducible_with_manual_seed():
    al.manual_seed(123)
    first = (al.randn(3, 4).numpy(), al.rand(5).numpy())
    al.manual_seed(123)
    second = (al.randn(3, 4).numpy(), al.rand(5).numpy())
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    al.manual_seed(124)
    assert not np.array_equal(al.randn(3, 4).numpy(), first[0])
    r = al.rand(1000).numpy()
    assert r.min() >= 0 and r.max() < 1 and r.dtype == np.float32
    assert al.randn(2, dtype=np.float64).dtype == np.float64
    with pytest.raises(TypeError):
        al.manual_seed(1.5)


# -- clear errors, nothing changed -------------------------------------------------------------


def test_matmul_mismatch_names_both_shapes():
    a = al.ones(2, 3, requires_grad=True)
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4, 5\)"):
        a @ al.ones(4, 5)
    with pytest.raises(ValueError, match=r"\(2, 2, 3\).*\(3, 3, 1\)"):
        al.ones(2, 2, 3) @ al.ones(3, 3, 1)
    with pytest.raises(ValueError, match=r"\(\).*\(3,\)"):
        al.matmul(al.tensor(1.0), al.ones(3))
    assert a.grad is None


@pytest.mark.parametrize(
    "op",
    [
        lambda a, b: a + b,
        lambda a, b: a - b,
        lambda a, b: a * b,
        lambda a, b: a / b,
        lambda a, b: a**b,
        al.maximum,
        al.minimum,
        lambda a, b: al.where(np.array([True, False]), a, b),
    ],
)
def test_broadcasting_mismatch_names_both_shapes(op):
    a = al.ones(2, 3, requires_grad=True)
    b = al.ones(4, requires_grad=True)
    with pytest.raises(ValueError, match=r"\(2, ?3\).*\(4,\)"):
        op(a, b)


@pytest.mark.parametrize(
    "call",
    [
        lambda x: x.sum(axis=2),
        lambda x: x.mean(axis=-3),
        lambda x: x.max(axis=(0, 2)),
        lambda x: x.var(axis=5),
        lambda x: x.logsumexp(axis=2),
        lambda x: x.softmax(axis=2),
        lambda x: x.log_softmax(axis=-3),
        lambda x: x.squeeze(2),
        lambda x: x.unsqueeze(4),
        lambda x: x.transpose(0, 2),
        lambda x: al.concatenate([x, x], axis=2),
        lambda x: al.stack([x, x], axis=-4),
        lambda x: x.argmax(axis=2),
    ],
)
def test_out_of_range_axis_names_the_axis_and_ndim(call):
    x = al.ones(2, 3, requires_grad=True)
    with pytest.raises(np.exceptions.AxisError, match=r"axis -?\d.*[23] dimensions"):
        call(x)


def test_bad_shapes_name_the_shapes():
    x = al.ones(2, 3)
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4, 2\)"):
        x.reshape(4, 2)
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(-1, 4\)"):
        x.reshape(-1, 4)
    with pytest.raises(ValueError):
        x.reshape(-1, -1)
    with pytest.raises(ValueError, match=r"\(3,\).*\(2, 2\)"):
        al.ones(3).broadcast_to((2, 2))
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(3, 2\)"):
        al.concatenate([x, al.ones(3, 2)])
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(3,\)"):
        al.stack([x, al.ones(3)])
    assert x.squeeze(0).shape == (2, 3)  # PyTorch: a dimension that is not 1 stays
    with pytest.raises(IndexError, match=r"\(2, 3\)"):
        x[5]
    with pytest.raises(IndexError):
        x[np.array([0.5])]
    with pytest.raises(ValueError, match=r"\(4, 3\).*\(2, 2\)"):
        al.linear(al.ones(4, 3), al.ones(2, 2))
    with pytest.raises(ValueError):
        al.ones(0).max()


def test_detach_in_place_makes_a_leaf_and_keeps_the_graph_safe():
    x = al.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    loss = (y * 2).sum()
    assert y.detach_() is y and y.is_leaf and not y.requires_grad
    y.add_(1)  # exp saved y's values: its backward now refuses instead of using new ones
    with pytest.raises(RuntimeError, match="'exp'.*modified after the forward"):
        loss.backward()
