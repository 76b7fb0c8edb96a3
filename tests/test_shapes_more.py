"""Argument forms, errors and edge cases of the shape, product, statistics and scatter
functions added with PyTorch's names (their gradients are checked through op_table), and
the random functions randperm, bernoulli, multinomial and normal."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as al


def test_names_and_aliases():
    assert al.concat is al.cat and al.concatenate is al.cat
    assert al.moveaxis is al.movedim and al.swapdims is al.swapaxes
    assert al.is_tensor(al.zeros(1)) and not al.is_tensor(np.zeros(1)) and not al.is_tensor(1.0)
    assert al.numel(al.zeros(2, 3)) == 6 and al.numel([[1, 2]]) == 2 and al.numel(al.tensor(3.0)) == 1
    x = al.zeros(2, 3, 4)
    assert x.moveaxis(-1, 0).shape == (4, 2, 3) and x.swapdims(0, 1).shape == (3, 2, 4)
    for name in [
        "hstack", "vstack", "dstack", "movedim", "narrow", "tensor_split", "tile", "roll",
        "repeat_interleave", "diag", "diff", "cumprod", "dot", "inner", "tensordot", "count_nonzero",
        "nansum", "nanmean", "std_mean", "var_mean", "median", "scatter", "scatter_add", "index_add",
        "randperm", "bernoulli", "multinomial", "normal", "concat", "is_tensor", "numel",
    ]:  # fmt: skip
        assert name in al.__all__, name
    for name in ["scatter_", "scatter_add_", "index_add_", "cumprod", "median", "roll", "diag", "dot"]:
        assert hasattr(al.Tensor, name), name


def test_stacks_of_low_dimensional_tensors():
    assert al.hstack([al.tensor(1.0), al.tensor([2.0, 3.0])]).tolist() == [1.0, 2.0, 3.0]
    assert al.vstack([al.tensor(1.0), al.tensor(2.0)]).shape == (2, 1)
    assert al.dstack([al.tensor(1.0), al.tensor(2.0)]).shape == (1, 1, 2)
    assert al.dstack([al.zeros(3), al.ones(3)]).shape == (1, 3, 2)
    with pytest.raises(TypeError, match="list or tuple"):
        al.vstack(al.zeros(2))
    with pytest.raises(ValueError, match="at least one"):
        al.hstack([])
    with pytest.raises(ValueError, match="shapes must match"):
        al.vstack([al.zeros(2), al.zeros(3)])


def test_movedim_and_narrow_errors():
    x = al.zeros(2, 3)
    with pytest.raises(ValueError, match="as many dimensions"):
        x.movedim((0, 1), 0)
    with pytest.raises(ValueError, match="repeated dimension in source"):
        x.movedim((0, 0), (0, 1))
    with pytest.raises(np.exceptions.AxisError, match="axis 2"):
        x.movedim(2, 0)
    assert al.tensor(1.0).movedim(0, 0).shape == ()
    assert x.narrow(1, al.tensor(1), 2).shape == (2, 2)
    with pytest.raises(ValueError, match="exceeds the size 3"):
        x.narrow(1, 2, 2)
    with pytest.raises(IndexError, match="start 4"):
        x.narrow(1, 4, 0)
    with pytest.raises(TypeError, match="length must be an int"):
        x.narrow(1, 0, 1.5)
    with pytest.raises(ValueError, match="0-d"):
        al.tensor(1.0).narrow(0, 0, 1)


def test_tensor_split_forms():
    x = al.arange(7)
    assert [p.tolist() for p in x.tensor_split([2, 5])] == [[0, 1], [2, 3, 4], [5, 6]]
    assert [p.tolist() for p in x.tensor_split(al.tensor([1, 1, 9]))] == [[0], [], [1, 2, 3, 4, 5, 6], []]
    assert [p.shape for p in al.zeros(2, 5).tensor_split(3, dim=1)] == [(2, 2), (2, 2), (2, 1)]
    assert len(al.zeros(2).tensor_split(4)) == 4  # more pieces than elements: empty ones
    with pytest.raises(ValueError, match="at least 1"):
        x.tensor_split(0)
    with pytest.raises(TypeError, match="integers"):
        x.tensor_split([1.5])


def test_tile_roll_and_repeat_interleave_forms():
    assert al.tensor([[1, 2]]).tile((2, 1)).tolist() == [[1, 2], [1, 2]]
    assert al.tensor(3).tile(2).tolist() == [3, 3]
    x = al.arange(6).reshape(2, 3)
    assert x.roll(1).tolist() == [[5, 0, 1], [2, 3, 4]]
    assert x.roll(-1, 1).tolist() == [[1, 2, 0], [4, 5, 3]]
    with pytest.raises(ValueError, match="one length"):
        x.roll((1, 2), 0)
    with pytest.raises(ValueError, match="without dims"):
        x.roll((1, 2))
    assert x.repeat_interleave(al.tensor([2]), dim=0).shape == (4, 3)  # one count for all
    assert al.repeat_interleave(al.tensor([2, 0, 1])).tolist() == [0, 0, 2]
    assert x.repeat_interleave(2, dim=1, output_size=6).shape == (2, 6)
    with pytest.raises(ValueError, match="one count per slice"):
        x.repeat_interleave(al.tensor([1, 2]), dim=1)
    with pytest.raises(ValueError, match="non-negative"):
        x.repeat_interleave(-1)
    with pytest.raises(ValueError, match="output_size 5"):
        x.repeat_interleave(2, dim=1, output_size=5)


def test_repeat_interleave_gradient_sums_the_copies():
    x = al.tensor([1.0, 2.0], requires_grad=True)
    (x.repeat_interleave(al.tensor([3, 1])) * al.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    assert x.grad.tolist() == [6.0, 4.0]


def test_diag_and_diff_forms():
    assert al.diag(al.tensor([[1, 2, 3], [4, 5, 6]]), -1).tolist() == [4]
    assert al.diag(al.ones(2, 2), 5).shape == (0,)
    assert al.diag(al.tensor([1, 2]), -1).tolist() == [[0, 0, 0], [1, 0, 0], [0, 2, 0]]
    assert al.diag(al.tensor([1, 2])).dtype == np.int64
    with pytest.raises(ValueError, match="1-D or 2-D"):
        al.diag(al.zeros(2, 2, 2))
    with pytest.raises(TypeError, match="diagonal must be an int"):
        al.diag(al.zeros(2), 0.5)
    assert al.tensor([1, 4, 9]).diff(append=al.tensor([16])).tolist() == [3, 5, 7]
    assert al.tensor([1.0, 4.0]).diff(prepend=0.0).tolist() == [1.0, 3.0]
    assert al.tensor([True, True, False]).diff().tolist() == [False, True]
    with pytest.raises(ValueError, match="non-negative"):
        al.tensor([1.0]).diff(-1)
    with pytest.raises(ValueError, match="0-d"):
        al.tensor(1.0).diff()


def test_cumprod_dtypes_and_zero_gradient():
    assert al.tensor([1, 2, 3], dtype=al.int32).cumprod(0).dtype == np.int64
    assert al.tensor([1.0, 2.0], dtype=al.float32).cumprod(0).dtype == np.float32
    assert al.tensor([1, 2]).cumprod(0, dtype=al.float64).dtype == np.float64
    assert al.tensor(2.0).cumprod(0).shape == ()
    with pytest.raises(TypeError, match="missing the dimension"):
        al.cumprod(al.ones(2))
    x = al.tensor([2.0, 0.0, 3.0, 0.0], requires_grad=True)
    x.cumprod(0).sum().backward()
    # d/dx0 = 1; d/dx1 = 2 + 2*3; d/dx2 = 0; d/dx3 = 0 (x1 = 0 before it)
    assert x.grad.tolist() == [1.0, 8.0, 0.0, 0.0]


def test_products_refuse_bad_shapes_and_dtypes():
    with pytest.raises(RuntimeError, match="1-D tensors of one length"):
        al.dot(al.ones(2), al.ones(3))
    with pytest.raises(RuntimeError, match="same dtype"):
        al.dot(al.ones(2, dtype=al.float32), al.ones(2, dtype=al.float64))
    with pytest.raises(RuntimeError, match="last dimensions"):
        al.inner(al.ones(2, 3), al.ones(2))
    assert al.inner(al.tensor(2.0), al.ones(2, 3)).shape == (2, 3)
    with pytest.raises(ValueError, match="dimension 1 of shape"):
        al.tensordot(al.ones(2, 3), al.ones(2, 3), ([1], [0]))
    with pytest.raises(ValueError, match="dims=3"):
        al.tensordot(al.ones(2, 3), al.ones(3, 2), 3)
    with pytest.raises(ValueError, match="as many dimensions"):
        al.tensordot(al.ones(2, 3), al.ones(3, 2), ([1, 0], [0]))
    assert al.tensordot(al.ones(2), al.ones(3), 0).shape == (2, 3)
    assert al.tensordot(al.ones(2, 3), al.ones(3, 2), ([1], [0])).tolist() == [[3.0, 3.0], [3.0, 3.0]]


def test_count_nonzero_nansum_nanmean():
    x = al.tensor([[0.0, 1.0, np.nan], [2.0, 0.0, 3.0]])
    assert al.count_nonzero(x).item() == 4 and al.count_nonzero(x).dtype == np.int64
    assert x.count_nonzero((0, 1)).item() == 4 and x.count_nonzero(1).tolist() == [2, 2]
    assert al.nansum(x).item() == 6.0 and al.nansum(x, 1).tolist() == [1.0, 5.0]
    assert al.nansum(al.tensor([1, 2])).dtype == np.int64
    assert al.nanmean(x, 0).tolist() == [1.0, 0.5, 3.0]
    assert np.isnan(al.nanmean(al.tensor([np.nan, np.nan])).item())
    with pytest.raises(TypeError, match="floating"):
        al.nanmean(al.tensor([1, 2]))


def test_var_mean_and_std_mean_forms():
    x = al.tensor([[1.0, 2.0, 4.0], [3.0, 3.0, 6.0]])
    var, mean = al.var_mean(x, 1)
    np.testing.assert_allclose(var.numpy(), np.var(x.numpy(), axis=1, ddof=1))
    np.testing.assert_allclose(mean.numpy(), x.numpy().mean(axis=1))
    std, mean = al.std_mean(x, False)  # PyTorch's std_mean(x, unbiased)
    np.testing.assert_allclose(std.numpy(), np.std(x.numpy()))
    assert al.var_mean(x, (0, 1), keepdim=True)[1].shape == (1, 1)
    with pytest.raises(TypeError, match="one of correction"):
        al.var_mean(x, 1, True, correction=0)


def test_median_forms():
    assert al.tensor([[4.0, 1.0], [3.0, 2.0]]).median().item() == 2.0
    assert al.tensor([5, 1, 3, 2]).median().item() == 2 and al.tensor([5, 1]).median().dtype == np.int64
    pair = al.tensor([[4.0, 1.0, 3.0], [0.0, np.nan, 1.0]]).median(1)
    assert pair.values.tolist()[0] == 3.0 and np.isnan(pair.values.tolist()[1])
    assert pair.indices.tolist() == [2, 1]
    assert al.tensor([[1, 5, 3]]).median(-1, keepdim=True).values.tolist() == [[3]]
    assert al.tensor(2.0).median(0).values.shape == ()
    with pytest.raises(ValueError, match="empty"):
        al.zeros(0).median()
    with pytest.raises(np.exceptions.AxisError):
        al.zeros(2).median(1)
    x = al.tensor([[1.0, 3.0, 2.0]], requires_grad=True)
    x.median(1).values.sum().backward()
    assert x.grad.tolist() == [[0.0, 0.0, 1.0]]


def test_median_against_torch():
    torch = pytest.importorskip("torch")
    values = np.random.default_rng(3).permutation(24).reshape(2, 3, 4).astype(np.float64)
    for dim in (0, 1, -1):
        ours, theirs = al.tensor(values).median(dim), torch.tensor(values).median(dim)
        np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())
        np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())


def test_scatter_forms_and_errors():
    x = al.zeros(2, 3)
    index = al.tensor([[2, 0]])
    assert x.scatter(1, index, al.tensor([[1.0, 2.0, 9.0]])).tolist() == [[2.0, 0.0, 1.0], [0.0, 0.0, 0.0]]
    assert x.scatter(1, index, value=7.0).tolist() == [[7.0, 0.0, 7.0], [0.0, 0.0, 0.0]]
    assert al.zeros(3, dtype=al.int64).scatter_add(0, [0, 0], al.tensor([1, 2])).tolist() == [3, 0, 0]
    with pytest.raises(IndexError, match="index 3 is out of bounds for dimension 1 with size 3"):
        x.scatter(1, al.tensor([[3]]), 1.0)
    with pytest.raises(ValueError, match="as many dimensions as the input"):
        x.scatter(1, al.tensor([0]), 1.0)
    with pytest.raises(ValueError, match="larger than src shape"):
        x.scatter_add(1, al.tensor([[0, 1]]), al.ones(1, 1))
    with pytest.raises(TypeError, match="integers"):
        x.scatter(1, al.tensor([[0.5]]), 1.0)
    with pytest.raises(TypeError, match="one of src"):
        x.scatter(1, index)
    with pytest.raises(RuntimeError, match="input's dtype float32, got int64"):
        x.scatter(1, index, al.tensor([[1, 2]]))
    assert x.scatter(1, index, [[1, 2]]).dtype == np.float32  # plain data takes the input's dtype
    with pytest.raises(NotImplementedError, match="reduce"):
        x.scatter(1, index, 1.0, reduce="add")


def test_index_add_forms_and_errors():
    x = al.zeros(3, 2)
    assert x.index_add(0, [2], al.ones(1, 2), alpha=3).tolist() == [[0, 0], [0, 0], [3, 3]]
    with pytest.raises(ValueError, match=r"source shape \(2, 2\)"):
        x.index_add(0, [0], al.ones(2, 2))
    with pytest.raises(IndexError, match="index 3 is out of bounds"):
        x.index_add(0, [3], al.ones(1, 2))
    with pytest.raises(ValueError, match="1-D"):
        x.index_add(0, [[0]], al.ones(1, 2))
    with pytest.raises(RuntimeError, match="dtype float32, got float64"):
        x.index_add(0, [0], al.ones(1, 2, dtype=al.float64))
    with pytest.raises(ValueError, match="0-d"):
        al.tensor(1.0).index_add(0, [0], al.ones(1))


def test_in_place_scatter_forms():
    x = al.zeros(3)
    assert x.scatter_(0, al.tensor([1]), al.tensor([5.0])) is x and x.tolist() == [0.0, 5.0, 0.0]
    x.scatter_add_(0, al.tensor([1, 2]), al.tensor([1.0, 1.0]))
    x.index_add_(0, al.tensor([0]), al.tensor([2.0]))
    assert x.tolist() == [2.0, 6.0, 1.0]
    with pytest.raises(IndexError):
        x.scatter_(0, al.tensor([3]), 1.0)
    assert x.tolist() == [2.0, 6.0, 1.0]  # unchanged after the error
    # On a non-leaf that requires grad, the change is recorded: both inputs get gradients.
    w = al.tensor([1.0, 2.0, 3.0], requires_grad=True)
    src = al.tensor([10.0], requires_grad=True)
    y = w * 2
    y.scatter_(0, al.tensor([1]), src)
    (y * al.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert y.tolist() == [2.0, 10.0, 6.0]
    assert w.grad.tolist() == [2.0, 0.0, 6.0] and src.grad.tolist() == [2.0]
    with pytest.raises(RuntimeError, match="leaf tensor"):
        al.zeros(2, requires_grad=True).index_add_(0, al.tensor([0]), al.ones(1))


# -- random functions ------------------------------------------------------------------------


def _draws():
    return (
        al.randperm(10).tolist(),
        al.bernoulli(al.full((10,), 0.5)).tolist(),
        al.multinomial(al.tensor([0.2, 0.3, 0.5]), 2).tolist(),
        al.normal(al.zeros(3), 1.0).tolist(),
    )


def test_random_functions_follow_manual_seed():
    al.manual_seed(11)
    first = _draws()
    al.manual_seed(11)
    assert _draws() == first
    al.manual_seed(12)
    assert _draws() != first


def test_randperm():
    al.manual_seed(0)
    p = al.randperm(50)
    assert p.dtype == np.int64 and sorted(p.tolist()) == list(range(50)) and p.tolist() != list(range(50))
    assert al.randperm(0).shape == (0,) and al.randperm(3, dtype=al.float32).dtype == np.float32
    with pytest.raises(ValueError, match="non-negative int"):
        al.randperm(-1)


def test_bernoulli():
    al.manual_seed(0)
    p = al.tensor([0.0, 0.25, 1.0], dtype=al.float64)
    draws = np.stack([al.bernoulli(p).numpy() for _ in range(4000)])
    assert draws.dtype == np.float64 and set(np.unique(draws)) <= {0.0, 1.0}
    np.testing.assert_allclose(draws.mean(axis=0), [0.0, 0.25, 1.0], atol=0.03)
    assert al.bernoulli(al.zeros(2, 3), 0.5).shape == (2, 3)
    assert p.bernoulli().dtype == np.float64
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        al.bernoulli(al.tensor([1.5]))
    with pytest.raises(TypeError, match="floating"):
        al.bernoulli(al.tensor([1]))


def test_multinomial():
    al.manual_seed(0)
    weights = al.tensor([1.0, 0.0, 3.0])  # need not sum to 1
    draws = al.multinomial(weights, 8000, replacement=True)
    assert draws.dtype == np.int64 and draws.shape == (8000,)
    np.testing.assert_allclose(np.bincount(draws.numpy(), minlength=3) / 8000, [0.25, 0.0, 0.75], atol=0.02)
    rows = al.multinomial(al.tensor([[0.5, 0.5, 0.0], [0.0, 0.1, 0.9]]), 2)
    assert rows.shape == (2, 2)
    assert sorted(rows.tolist()[0]) == [0, 1] and sorted(rows.tolist()[1]) == [1, 2]
    with pytest.raises(ValueError, match="without replacement"):
        al.multinomial(weights, 3)
    with pytest.raises(ValueError, match="non-negative"):
        al.multinomial(al.tensor([-1.0, 2.0]), 1)
    with pytest.raises(ValueError, match="positive sum"):
        al.multinomial(al.zeros(2), 1, True)
    with pytest.raises(ValueError, match="1-D or 2-D"):
        al.multinomial(al.ones(1, 1, 2), 1)


def test_normal():
    al.manual_seed(0)
    x = al.normal(2.0, 3.0, size=(20000,))
    assert x.dtype == np.float32 and x.shape == (20000,)
    assert abs(x.mean().item() - 2.0) < 0.1 and abs(x.std().item() - 3.0) < 0.1
    y = al.normal(al.tensor([0.0, 100.0], dtype=al.float64), al.tensor([[1e-9], [1e-9]], dtype=al.float64))
    assert y.dtype == np.float64 and y.shape == (2, 2)
    np.testing.assert_allclose(y.numpy(), [[0.0, 100.0], [0.0, 100.0]], atol=1e-6)
    assert al.normal(1.0, al.ones(3)).shape == (3,) and not y.requires_grad
    with pytest.raises(TypeError, match="needs size"):
        al.normal(0.0, 1.0)
    with pytest.raises(TypeError, match="only when"):
        al.normal(al.zeros(2), 1.0, (2,))
    with pytest.raises(ValueError, match="std must be non-negative"):
        al.normal(al.zeros(2), -1.0)


def test_random_shapes_and_dtypes_match_torch():
    torch = pytest.importorskip("torch")
    pairs = [
        (al.randperm(5), torch.randperm(5)),
        (al.bernoulli(al.full((2, 3), 0.5)), torch.bernoulli(torch.full((2, 3), 0.5))),
        (al.multinomial(al.ones(2, 4), 3), torch.multinomial(torch.ones(2, 4), 3)),
        (al.normal(al.zeros(2, 1), al.ones(3)), torch.normal(torch.zeros(2, 1), torch.ones(3))),
        (al.normal(0.0, 1.0, (4,)), torch.normal(0.0, 1.0, (4,))),
    ]
    for ours, theirs in pairs:
        assert ours.shape == tuple(theirs.shape)
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
