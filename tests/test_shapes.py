"""Shapes and indexing with PyTorch's names and meanings: closed forms and errors here,
PyTorch itself as the oracle where installed (gradients of every op are in op_table)."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as al


def grid(*shape: int, requires_grad: bool = False) -> al.Tensor:
    return al.tensor(np.arange(np.prod(shape), dtype=np.float64).reshape(shape), requires_grad=requires_grad)


# -- size, dim, numel ------------------------------------------------------------------------


def test_size_is_a_method_giving_the_shape_or_one_dimension():
    x = al.zeros(2, 3, 4)
    assert x.size() == (2, 3, 4) and isinstance(x.size(), tuple)
    assert x.size(0) == 2 and x.size(-1) == 4 and x.size(dim=1) == 3
    assert callable(x.size)
    assert x.dim() == 3 and x.numel() == 24
    assert al.tensor(1.0).size() == () and al.tensor(1.0).dim() == 0
    with pytest.raises(IndexError, match="axis 3.*3 dimensions"):
        x.size(3)
    with pytest.raises(TypeError):
        x.size(1.0)


# -- transpose, permute, t ---------------------------------------------------------------------


def test_transpose_of_two_dimensions_swaps_them():
    x = grid(2, 3, 4)
    assert x.transpose(0, 2).shape == (4, 3, 2)
    np.testing.assert_array_equal(x.transpose(-1, 0).numpy(), np.swapaxes(x.numpy(), -1, 0))
    assert x.transpose(dim0=1, dim1=2).shape == (2, 4, 3)
    m = grid(2, 3)
    np.testing.assert_array_equal(m.transpose(0, 1).numpy(), m.numpy().T)  # NumPy would keep it
    assert al.transpose(m, 1, 1).shape == (2, 3)
    assert al.tensor(2.0).transpose(0, -1).shape == ()


def test_transpose_without_or_with_many_arguments_keeps_numpys_meaning():
    x = grid(2, 3, 4)
    assert x.transpose().shape == (4, 3, 2)
    assert x.transpose(1, 0, 2).shape == (3, 2, 4)
    assert x.transpose((2, 0, 1)).shape == (4, 2, 3)
    assert x.T.shape == (4, 3, 2)
    with pytest.raises(ValueError, match="permutation"):
        x.transpose(0, 0, 1)


def test_permute_and_t():
    x = grid(2, 3, 4, requires_grad=True)
    assert x.permute(2, 0, 1).shape == (4, 2, 3) and x.permute((2, 0, 1)).shape == (4, 2, 3)
    assert al.permute(x, (0, -1, 1)).shape == (2, 4, 3)
    with pytest.raises(ValueError, match="needs 3 dimensions"):
        x.permute(1, 0)
    with pytest.raises(ValueError, match="permutation"):
        x.permute(0, 0, 1)
    assert grid(2, 3).t().shape == (3, 2)
    v = grid(3, requires_grad=True)
    assert v.t().shape == (3,) and al.tensor(1.0).t().shape == ()
    with pytest.raises(ValueError, match=r"t\(\) expects.*\(2, 3, 4\)"):
        x.t()


# -- flatten, unflatten, squeeze, unsqueeze, view -----------------------------------------------


def test_flatten_between_dimensions():
    x = al.zeros(2, 3, 4, 5)
    assert x.flatten().shape == (120,)
    assert x.flatten(1).shape == (2, 60)
    assert x.flatten(1, 2).shape == (2, 12, 5)
    assert x.flatten(start_dim=-2).shape == (2, 3, 20)
    assert al.flatten(x, 0, 0).shape == (2, 3, 4, 5)
    assert al.tensor(3.0).flatten().shape == (1,)
    assert al.zeros(2, 0, 3).flatten(1).shape == (2, 0)
    with pytest.raises(ValueError, match="start_dim 2 comes after end_dim 1"):
        x.flatten(2, 1)


def test_unflatten():
    x = grid(2, 12)
    assert x.unflatten(1, (3, 4)).shape == (2, 3, 4)
    assert x.unflatten(-1, (2, -1, 3)).shape == (2, 2, 2, 3)
    np.testing.assert_array_equal(x.unflatten(1, [3, 4]).numpy(), x.numpy().reshape(2, 3, 4))
    with pytest.raises(ValueError, match=r"sizes \(5, -1\).*12"):
        x.unflatten(1, (5, -1))


def test_squeeze_leaves_dimensions_that_are_not_one():
    x = al.zeros(1, 3, 1)
    assert x.squeeze().shape == (3,)
    assert x.squeeze(1).shape == (1, 3, 1)
    assert x.squeeze(-1).shape == (1, 3)
    assert x.squeeze((0, 1)).shape == (3, 1)
    assert x.squeeze(dim=0).shape == (3, 1) and x.squeeze(axis=0).shape == (3, 1)
    assert al.tensor(1.0).squeeze(0).shape == ()
    with pytest.raises(TypeError, match="alias"):
        x.squeeze(dim=0, axis=0)
    with pytest.raises(IndexError, match="axis 3"):
        x.squeeze(3)


def test_unsqueeze_and_view():
    x = grid(2, 3)
    assert x.unsqueeze(0).shape == (1, 2, 3) and x.unsqueeze(-1).shape == (2, 3, 1)
    assert x.unsqueeze(dim=1).shape == (2, 1, 3) and x.unsqueeze(axis=1).shape == (2, 1, 3)
    assert x.view(3, 2).shape == (3, 2) and x.view((-1,)).shape == (6,)
    # view never fails for memory layout (PyTorch's would on a transposed tensor)
    np.testing.assert_array_equal(x.t().view(6).numpy(), x.numpy().T.ravel())
    assert x.view_as(al.zeros(6, 1)).shape == (6, 1)
    assert x.reshape_as(al.zeros(3, 2)).shape == (3, 2)
    assert x.contiguous() is x


# -- expand, repeat, flip -------------------------------------------------------------------------


def test_expand_keeps_minus_one_and_sums_the_gradient():
    x = al.tensor([[1.0], [2.0]], requires_grad=True)
    y = x.expand(3, -1, 4)
    assert y.shape == (3, 2, 4) and y.grad_fn.name == "expand"
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[12.0], [12.0]])
    assert x.expand((2, 2)).shape == (2, 2)
    assert x.expand_as(al.zeros(5, 2, 3)).shape == (5, 2, 3)
    with pytest.raises(ValueError, match=r"\(2, 1\).*\(3, 1\)"):
        x.expand(3, 1)
    with pytest.raises(ValueError, match=r"\(-1, 2, 1\)"):
        x.expand(-1, 2, 1)  # -1 cannot name a new leading dimension
    with pytest.raises(ValueError, match="1 sizes"):
        x.expand(2)


def test_repeat_tiles_and_sums_the_gradient():
    x = al.tensor([[1.0, 2.0]], requires_grad=True)
    y = x.repeat(2, 3)
    np.testing.assert_array_equal(y.numpy(), np.tile([[1.0, 2.0]], (2, 3)))
    (y * al.tensor(np.arange(12.0).reshape(2, 6))).sum().backward()
    # each element collects the weights of its 6 copies
    np.testing.assert_array_equal(x.grad.numpy(), [[0 + 2 + 4 + 6 + 8 + 10, 1 + 3 + 5 + 7 + 9 + 11]])
    assert x.repeat((2, 1, 1)).shape == (2, 1, 2)
    with pytest.raises(ValueError, match="at least one per dimension"):
        x.repeat(2)


def test_flip():
    x = grid(2, 3, requires_grad=True)
    np.testing.assert_array_equal(x.flip(0).numpy(), x.numpy()[::-1])
    np.testing.assert_array_equal(x.flip(0, 1).numpy(), x.numpy()[::-1, ::-1])
    np.testing.assert_array_equal(al.flip(x, [-1]).numpy(), x.numpy()[:, ::-1])
    (x.flip(1) * al.tensor([1.0, 2.0, 3.0])).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[3.0, 2.0, 1.0], [3.0, 2.0, 1.0]])
    with pytest.raises(TypeError, match="dims"):
        x.flip()
    with pytest.raises(ValueError, match="repeated"):
        x.flip(0, 0)


# -- cat, stack, split, chunk, unbind --------------------------------------------------------------


def test_cat_and_stack_take_dim_and_axis():
    a, b = grid(2, 3), grid(2, 1)
    assert al.cat([a, b], dim=1).shape == (2, 4)
    assert al.cat((a, b), axis=-1).shape == (2, 4)
    assert al.cat([a, a]).shape == (4, 3)
    assert al.concatenate([a, b], 1).shape == (2, 4)
    assert al.stack([a, a], dim=2).shape == (2, 3, 2)
    assert al.stack([a, a], axis=0).shape == (2, 2, 3)
    with pytest.raises(TypeError, match="alias"):
        al.cat([a, a], dim=0, axis=0)
    with pytest.raises(ValueError, match=r"\(2, 3\), \(2, 1\)"):
        al.cat([a, b])


def test_split_by_size_or_by_sections():
    x = al.arange(5.0, requires_grad=True)
    pieces = x.split(2)
    assert isinstance(pieces, tuple) and [p.tolist() for p in pieces] == [[0, 1], [2, 3], [4]]
    assert [p.shape for p in al.split(x, [1, 4])] == [(1,), (4,)]
    assert [p.shape for p in grid(2, 5).split(3, dim=1)] == [(2, 3), (2, 2)]
    assert [p.shape for p in al.zeros(0).split(2)] == [(0,)]
    (pieces[0].sum() + 3 * pieces[2].sum()).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1, 1, 0, 0, 3])
    with pytest.raises(ValueError, match=r"\[2, 2\].*add up to 5"):
        x.split([2, 2])
    with pytest.raises(ValueError, match="positive"):
        x.split(0)


def test_chunk_as_pytorch():
    sizes = [[p.shape[0] for p in al.arange(n).chunk(k)] for n, k in [(5, 2), (6, 4), (5, 4), (3, 5)]]
    assert sizes == [[3, 2], [2, 2, 2], [2, 2, 1], [1, 1, 1]]
    assert [p.shape for p in al.zeros(0).chunk(3)] == [(0,), (0,), (0,)]
    assert [p.shape for p in al.chunk(al.zeros(2, 4), 2, dim=-1)] == [(2, 2), (2, 2)]
    with pytest.raises(ValueError, match="chunks"):
        al.zeros(3).chunk(0)


def test_unbind():
    x = grid(2, 3, requires_grad=True)
    rows = x.unbind()
    assert isinstance(rows, tuple) and [r.tolist() for r in rows] == [[0, 1, 2], [3, 4, 5]]
    columns = x.unbind(dim=-1)
    assert len(columns) == 3 and columns[1].tolist() == [1, 4]
    columns[2].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 0, 1], [0, 0, 1]])


# -- gather, index_select, masks, nonzero, triangles ------------------------------------------------


def test_gather_picks_along_a_dimension_and_accumulates_repeats():
    x = al.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    out = x.gather(1, al.tensor([[2, 2], [0, 1]]))
    assert out.tolist() == [[3.0, 3.0], [4.0, 5.0]] and out.grad_fn.name == "gather"
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 0, 2], [1, 1, 0]])
    assert al.gather(x, 0, al.tensor([[1, 0, 1]])).tolist() == [[4.0, 2.0, 6.0]]
    # a smaller index takes the leading part of the other dimensions
    assert x.gather(1, al.tensor([[1]])).tolist() == [[2.0]]


def test_gather_errors():
    x = al.zeros(2, 3)
    with pytest.raises(ValueError, match="as many dimensions"):
        x.gather(1, al.tensor([0]))
    with pytest.raises(ValueError, match=r"larger than input shape \(2, 3\)"):
        x.gather(1, al.tensor([[0], [0], [0]]))
    with pytest.raises(IndexError, match="index 3 is out of bounds for dimension 1 with size 3"):
        x.gather(1, al.tensor([[3]]))
    with pytest.raises(IndexError, match="-1"):
        x.gather(1, al.tensor([[-1]]))
    with pytest.raises(TypeError, match="integers"):
        x.gather(1, al.tensor([[0.0]]))


def test_index_select():
    x = grid(2, 3, requires_grad=True)
    out = x.index_select(1, al.tensor([2, 0, 2]))
    np.testing.assert_array_equal(out.numpy(), x.numpy()[:, [2, 0, 2]])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[1, 0, 2], [1, 0, 2]])
    assert al.index_select(x, 0, [1]).shape == (1, 3)
    assert x.index_select(1, al.tensor(2)).shape == (2, 1)
    assert x.index_select(-1, range(2)).shape == (2, 2)
    with pytest.raises(ValueError, match="1-D"):
        x.index_select(0, al.tensor([[0]]))
    with pytest.raises(IndexError, match="out of bounds"):
        x.index_select(0, al.tensor([2]))


def test_masked_fill_broadcasts_and_differentiates_the_value():
    x = grid(2, 3, requires_grad=True)
    mask = al.tensor([True, False, True])
    out = x.masked_fill(mask, -1.0)
    assert out.tolist() == [[-1.0, 1.0, -1.0], [-1.0, 4.0, -1.0]]
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 1, 0], [0, 1, 0]])
    value = al.tensor(2.0, dtype=np.float64, requires_grad=True)
    al.masked_fill(x, mask, value).sum().backward()
    assert value.grad.item() == 4.0  # four filled places
    assert al.zeros(3).masked_fill(al.ones(2, 3, dtype=np.bool_), 1.0).shape == (2, 3)
    assert al.arange(3).masked_fill(mask, 1.5).tolist() == [1, 1, 1]  # the input's dtype
    with pytest.raises(TypeError, match="boolean mask"):
        x.masked_fill(al.tensor([1, 0, 1]), 0.0)
    with pytest.raises(ValueError, match=r"mask of shape \(2,\).*\(2, 3\)"):
        x.masked_fill(al.tensor([True, False]), 0.0)
    with pytest.raises(ValueError, match="0-d"):
        x.masked_fill(mask, al.tensor([1.0]))


def test_masked_select_and_nonzero():
    x = grid(2, 3, requires_grad=True)
    mask = al.tensor([[True, False, True], [False, False, True]])
    out = x.masked_select(mask)
    assert out.tolist() == [0.0, 2.0, 5.0]
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), mask.numpy())
    assert al.masked_select(al.tensor([1.0, 2.0]), al.tensor([[True], [False]])).tolist() == [1.0, 2.0]
    found = mask.nonzero()
    assert found.dtype == np.int64 and found.tolist() == [[0, 0], [0, 2], [1, 2]]
    rows, cols = al.nonzero(mask, as_tuple=True)
    assert rows.tolist() == [0, 0, 1] and cols.tolist() == [0, 2, 2]
    np.testing.assert_array_equal(x[mask.nonzero(as_tuple=True)].numpy(), out.numpy())
    assert al.tensor(3.0).nonzero().shape == (1, 0)


def test_tril_and_triu():
    x = al.ones(2, 3, 3, requires_grad=True)
    np.testing.assert_array_equal(x.tril().numpy(), np.tril(np.ones((2, 3, 3))))
    np.testing.assert_array_equal(al.triu(x, diagonal=1).numpy(), np.triu(np.ones((2, 3, 3)), 1))
    np.testing.assert_array_equal(al.tril(x, -1).numpy(), np.tril(np.ones((2, 3, 3)), -1))
    x.triu(1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.triu(np.ones((2, 3, 3)), 1))
    masked = al.full((2, 2), -np.inf).triu(1)  # an attention mask: no nan from 0 * inf
    assert masked.tolist() == [[0.0, -np.inf], [0.0, 0.0]]
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        al.ones(3).tril()


def test_ranges_as_indices():
    x = grid(3, 4, requires_grad=True)
    np.testing.assert_array_equal(x[range(2)].numpy(), x.numpy()[:2])
    np.testing.assert_array_equal(x[:, range(0, 4, 2)].numpy(), x.numpy()[:, ::2])
    np.testing.assert_array_equal(x[range(3), range(3)].numpy(), np.diag(x.numpy()[:, :3]))
    x[range(3), [0, 0, 0]].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy()[:, 0], [1, 1, 1])
    with al.no_grad():
        y = al.zeros(3)
        y[range(2)] = 1.0
    assert y.tolist() == [1.0, 1.0, 0.0]


# -- PyTorch as the oracle --------------------------------------------------------------------------


def test_non_differentiable_results_match_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    data = rng.integers(-1, 2, (3, 4)).astype(np.float64)
    ours, theirs = al.tensor(data), torch.tensor(data)
    assert ours.size() == tuple(theirs.size()) and ours.size(-2) == theirs.size(-2)
    assert ours.dim() == theirs.dim()
    np.testing.assert_array_equal(ours.nonzero().numpy(), theirs.nonzero().numpy())
    for mine, reference in zip(ours.nonzero(as_tuple=True), theirs.nonzero(as_tuple=True)):
        np.testing.assert_array_equal(mine.numpy(), reference.numpy())
    for n, k in [(5, 2), (6, 4), (5, 4), (3, 5), (0, 3)]:
        assert [p.shape for p in al.arange(n).chunk(k)] == [tuple(p.shape) for p in torch.arange(n).chunk(k)]
    for size in (1, 2, 3, 5):
        assert [p.shape for p in ours.split(size, 1)] == [tuple(p.shape) for p in theirs.split(size, 1)]
    assert ours.squeeze(0).shape == tuple(theirs.squeeze(0).shape)
    assert ours.t().shape == tuple(theirs.t().shape)
    np.testing.assert_array_equal(ours[range(2), 1:].numpy(), theirs[range(2), 1:].numpy())


def test_transpose_in_a_batched_product_matches_torch():
    """`k.transpose(-2, -1)` in attention code means what it means in PyTorch."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    q, k = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5, 4))
    ours = (al.tensor(q) @ al.tensor(k).transpose(-2, -1)).numpy()
    theirs = (torch.tensor(q) @ torch.tensor(k).transpose(-2, -1)).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
