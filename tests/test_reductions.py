"""Reductions with PyTorch's spellings: dim=/keepdim= and their NumPy aliases, the
(values, indices) pairs of max/min/topk/sort, unbiased var/std, prod with zeros, norms,
cumsum, all/any and the dtypes of bool and integer inputs. Closed forms first, then
PyTorch as an oracle when installed."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_lite as al
import nn


def leaf(values):
    return al.tensor(values, dtype=np.float64, requires_grad=True)


def grad_of(fn, values):
    x = leaf(values)
    fn(x).sum().backward()
    return x.grad.numpy()


# -- dim / keepdim and their aliases -------------------------------------------------------------


@pytest.mark.parametrize("name", ["sum", "mean", "amax", "amin", "var", "std", "logsumexp", "prod", "norm"])
def test_axis_and_keepdims_are_aliases_of_dim_and_keepdim(name):
    x = al.tensor(np.arange(1.0, 7.0).reshape(2, 3))
    by_dim = getattr(x, name)(dim=1, keepdim=True)
    by_axis = getattr(x, name)(axis=1, keepdims=True)
    np.testing.assert_array_equal(by_dim.numpy(), by_axis.numpy())
    assert by_dim.shape == (2, 1)
    with pytest.raises(TypeError, match="axis is an alias of dim"):
        getattr(x, name)(dim=1, axis=1)
    with pytest.raises(TypeError, match="keepdims is an alias of keepdim"):
        getattr(x, name)(dim=1, keepdim=True, keepdims=True)


def test_positional_dim_and_keepdim():
    x = al.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert x.sum(0).tolist() == [4.0, 6.0]
    assert x.sum(1, True).shape == (2, 1)
    assert al.mean(x, (0, 1)).item() == 2.5


@pytest.mark.parametrize("name", ["sum", "mean", "amax", "var", "std", "logsumexp", "prod", "norm"])
def test_dim_empty_tuple_reduces_every_dim(name):
    x = al.tensor(np.arange(1.0, 7.0).reshape(2, 3))
    np.testing.assert_allclose(getattr(x, name)(dim=()).numpy(), getattr(x, name)().numpy())
    assert getattr(x, name)(dim=()).shape == ()


def test_bool_and_integer_inputs_as_pytorch():
    flags = al.tensor([True, False, True])
    assert flags.sum().dtype == np.int64 and flags.sum().item() == 2
    assert al.tensor([1, 2], dtype=np.int32).sum().dtype == np.int64
    assert al.tensor([True, True]).prod().dtype == np.int64
    assert al.tensor([1, 2, 3], dtype=np.int32).cumsum(0).tolist() == [1, 3, 6]
    assert al.tensor([1, 2, 3], dtype=np.int32).cumsum(0).dtype == np.int64
    assert al.tensor([3, 1, 2]).amax().dtype == np.int64
    values, indices = al.tensor([3, 7, 2]).max(0)
    assert values.item() == 7 and values.dtype == np.int64 and indices.item() == 1
    assert al.tensor([3, 1, 2]).sort().values.tolist() == [1, 2, 3]
    assert al.tensor([1.0, 0.0]).all().dtype == np.bool_


# -- max / min -------------------------------------------------------------------------------------


def test_max_over_a_dim_is_a_named_pair_with_the_gradient_at_the_index():
    x = leaf([[1.0, 3.0, 3.0], [2.0, 0.0, 0.0]])
    result = x.max(1)
    assert isinstance(result, tuple) and len(result) == 2
    values, indices = result
    assert result.values is values and result.indices is indices
    assert values.tolist() == [3.0, 2.0] and indices.tolist() == [1, 0]
    assert indices.dtype == np.int64 and not indices.requires_grad
    values.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 1, 0], [1, 0, 0]])  # the first maximum
    x.grad = None
    x.min(dim=1, keepdim=True).values.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[1, 0, 0], [0, 1, 0]])
    assert x.min(dim=1, keepdim=True).indices.shape == (2, 1)
    assert "values=" in repr(result) and "indices=" in repr(result)


def test_max_without_dim_is_a_tensor_and_ties_share():
    x = leaf([1.0, 3.0, 3.0])
    out = x.max()
    assert isinstance(out, al.Tensor)
    out.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0, 0.5, 0.5])


def test_functions_max_min_with_a_dim_or_a_tensor():
    a, b = al.tensor([[1.0, 5.0], [4.0, 2.0]]), al.tensor([3.0, 3.0])
    assert al.max(a, 1).indices.tolist() == [1, 0]
    assert al.min(a, dim=0).values.tolist() == [1.0, 2.0]
    assert al.max(a, b).tolist() == [[3.0, 5.0], [4.0, 3.0]]
    assert al.min(a, b).tolist() == [[1.0, 3.0], [3.0, 2.0]]
    assert a.max(b).tolist() == [[3.0, 5.0], [4.0, 3.0]]


def test_amax_amin_take_tuples_and_share_ties():
    x = leaf([[2.0, 1.0], [2.0, 0.0]])
    x.amax(dim=(0, 1)).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0.5, 0], [0.5, 0]])
    assert x.amin(1, keepdim=True).tolist() == [[1.0], [0.0]]
    assert x.max((0, 1)).item() == 2.0  # a tuple keeps NumPy's meaning: values only


def test_max_over_a_zero_size_dim_is_a_clear_error():
    with pytest.raises(ValueError, match="zero-size"):
        al.zeros(0, 3).max(0)
    assert al.zeros(0, 3).max(1).values.shape == (0,)


# -- var / std -----------------------------------------------------------------------------------


def test_var_and_std_are_unbiased_by_default():
    values = [1.0, 2.0, 3.0, 4.0]
    x = al.tensor(values, dtype=np.float64)
    assert x.var().item() == pytest.approx(np.var(values, ddof=1))
    assert x.std().item() == pytest.approx(np.std(values, ddof=1))
    for biased in (x.var(correction=0), x.var(unbiased=False), x.var(ddof=0), x.var(False)):
        assert biased.item() == pytest.approx(np.var(values))
    assert x.var(0, True).item() == pytest.approx(np.var(values, ddof=1))
    assert x.std(correction=2).item() == pytest.approx(np.std(values, ddof=2))


def test_var_rejects_two_ways_of_saying_the_correction():
    x = al.tensor([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="one of correction=, unbiased= and ddof="):
        x.var(unbiased=True, correction=1)
    with pytest.raises(TypeError, match="one of"):
        x.std(ddof=0, correction=0)
    with pytest.raises(TypeError, match="unbiased must be a bool"):
        x.var(0, 1)
    with pytest.raises(TypeError, match="correction must be a number"):
        x.var(correction="1")


def test_var_gradient_uses_the_correction():
    values = np.array([1.0, 2.0, 4.0])
    np.testing.assert_allclose(grad_of(lambda x: x.var(), values), 2 * (values - values.mean()) / 2)
    np.testing.assert_allclose(
        grad_of(lambda x: x.var(correction=0), values), 2 * (values - values.mean()) / 3
    )


def test_batch_norm_normalises_with_the_biased_variance_and_tracks_the_unbiased_one():
    x = np.array([[1.0, 2.0], [3.0, 6.0], [5.0, 1.0]])
    bn = nn.BatchNorm1d(2, momentum=1.0).double()
    out = bn(al.tensor(x))
    np.testing.assert_allclose(out.numpy(), (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5), rtol=1e-10)
    np.testing.assert_allclose(bn.running_var.numpy(), x.var(0, ddof=1))


# -- prod, norm, cumsum, all / any -----------------------------------------------------------------


def test_prod_gradient_with_zeros():
    np.testing.assert_array_equal(grad_of(lambda x: x.prod(), [2.0, 3.0, 4.0]), [12.0, 8.0, 6.0])
    np.testing.assert_array_equal(grad_of(lambda x: x.prod(), [0.0, 2.0, 3.0]), [6.0, 0.0, 0.0])
    np.testing.assert_array_equal(grad_of(lambda x: x.prod(), [0.0, 2.0, 0.0]), [0.0, 0.0, 0.0])
    rows = [[0.0, 2.0, 3.0], [1.0, 2.0, 3.0], [0.0, 0.0, 5.0]]
    np.testing.assert_array_equal(grad_of(lambda x: x.prod(1), rows), [[6, 0, 0], [6, 3, 2], [0, 0, 0]])


def test_prod_second_derivative_with_one_zero():
    x = leaf([0.0, 2.0, 3.0])
    (g,) = al.grad(x.prod(), x, create_graph=True)
    (h,) = al.grad(g[0], x)
    np.testing.assert_array_equal(h.numpy(), [0.0, 3.0, 2.0])


@pytest.mark.parametrize(
    "p, expected",
    [
        (2, 5.0),
        ("fro", 5.0),
        (1, 7.0),
        (math.inf, 4.0),
        (-math.inf, 0.0),
        (0, 2.0),
        (3, (27 + 64) ** (1 / 3)),
    ],
)
def test_norm_values(p, expected):
    assert al.tensor([3.0, -4.0, 0.0], dtype=np.float64).norm(p).item() == pytest.approx(expected)


def test_norm_gradient_at_zero_is_zero():
    np.testing.assert_array_equal(grad_of(lambda x: x.norm(), [0.0, 0.0]), [0.0, 0.0])
    np.testing.assert_array_equal(grad_of(lambda x: x.norm(3), [0.0, 0.0]), [0.0, 0.0])
    np.testing.assert_array_equal(grad_of(lambda x: x.norm(0.5), [0.0, 1.0]), [0.0, 1.0])
    np.testing.assert_array_equal(grad_of(lambda x: x.norm(math.inf), [1.0, -3.0, 3.0]), [0.0, -0.5, 0.5])
    np.testing.assert_allclose(
        grad_of(lambda x: x.norm(dim=1), [[3.0, 4.0], [0.0, 0.0]]), [[0.6, 0.8], [0, 0]]
    )


def test_norm_rejects_matrix_norms():
    with pytest.raises(ValueError, match="nuc"):
        al.ones(2, 2).norm("nuc")


def test_cumsum_and_its_gradient():
    x = leaf([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    out = x.cumsum(1)
    assert out.tolist() == [[1.0, 3.0, 6.0], [4.0, 9.0, 15.0]]
    out.backward(np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 0.0]]))
    np.testing.assert_array_equal(x.grad.numpy(), [[3.0, 2.0, 2.0], [1.0, 1.0, 0.0]])
    with pytest.raises(TypeError, match="dim"):
        x.cumsum()


def test_all_and_any():
    x = al.tensor([[1.0, 0.0], [2.0, 3.0]])
    assert not x.all().item() and x.any().item()
    assert x.all(dim=1).tolist() == [False, True]
    assert al.any(x, 0, keepdim=True).shape == (1, 2)
    assert not x.all(1).requires_grad


# -- sort, argsort, topk -------------------------------------------------------------------------


def test_sort_argsort_topk():
    x = leaf([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]])
    values, indices = x.sort()
    assert values.tolist() == [[1.0, 2.0, 3.0], [0.0, 4.0, 5.0]] and indices.tolist() == [
        [1, 2, 0],
        [0, 2, 1],
    ]
    assert x.sort(0, descending=True).indices.tolist() == [[0, 1, 1], [1, 0, 0]]
    assert x.argsort(dim=1, descending=True).tolist() == [[0, 2, 1], [1, 2, 0]]
    top = x.topk(2)
    assert top.values.tolist() == [[3.0, 2.0], [5.0, 4.0]] and top.indices.tolist() == [[0, 2], [1, 2]]
    assert al.topk(x, 1, dim=0, largest=False).indices.tolist() == [[1, 0, 0]]
    top.values.backward(np.array([[1.0, 2.0], [3.0, 4.0]]))
    np.testing.assert_array_equal(x.grad.numpy(), [[1.0, 0.0, 2.0], [0.0, 3.0, 4.0]])
    with pytest.raises(ValueError, match="k=4 is out of range"):
        x.topk(4)


def test_sort_is_stable_with_ties():
    x = al.tensor([3.0, 1.0, 3.0, 2.0, 3.0, 1.0])
    assert x.sort().indices.tolist() == [1, 5, 3, 0, 2, 4]
    assert x.sort(descending=True).indices.tolist() == [0, 2, 4, 3, 1, 5]


def test_zero_dimensional_inputs():
    x = leaf(2.5)
    for result in (x.max(0), x.sort(), x.topk(1)):
        assert result.values.shape == () and result.indices.shape == () and result.indices.item() == 0
    assert x.cumsum(0).shape == ()
    x.max(-1).values.backward()
    assert x.grad.item() == 1.0


# -- PyTorch as the oracle -----------------------------------------------------------------------

CASES = [
    ("max_dim", lambda t: t.max(1).values, [[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]]),
    ("min_dim_keepdim", lambda t: t.min(0, keepdim=True).values, [[1.0, 3.0, 3.0], [1.0, 2.0, 0.0]]),
    ("amax_ties", lambda t: t.amax(dim=(0, 1)), [[1.0, 3.0, 3.0], [3.0, 2.0, 0.0]]),
    ("var_default", lambda t: t.var(1), [[1.0, 3.0, 4.0], [2.0, 2.0, 0.0]]),
    ("std_unbiased_false", lambda t: t.std(unbiased=False), [[1.0, 3.0, 4.0], [2.0, 2.0, 0.0]]),
    ("prod_one_zero", lambda t: t.prod(1), [[1.0, 0.0, 4.0], [2.0, 2.0, 3.0]]),
    ("prod_two_zeros", lambda t: t.prod(), [[1.0, 0.0, 4.0], [0.0, 2.0, 3.0]]),
    ("norm_zero_row", lambda t: t.norm(dim=1), [[0.0, 0.0, 0.0], [2.0, -2.0, 1.0]]),
    ("norm_inf_ties", lambda t: t.norm(math.inf), [[1.0, -3.0, 3.0], [2.0, 2.0, 0.0]]),
    ("norm_3", lambda t: t.norm(3, 1, True), [[1.0, -3.0, 0.0], [2.0, 2.0, 1.0]]),
    ("logsumexp_dim", lambda t: t.logsumexp(dim=1), [[1.0, 3.0, 4.0], [2.0, 2.0, 0.0]]),
    ("cumsum", lambda t: t.cumsum(0), [[1.0, 3.0, 4.0], [2.0, 2.0, 0.0]]),
    ("sort_desc", lambda t: t.sort(1, descending=True).values, [[1.0, 3.0, 4.0], [2.0, 5.0, 0.0]]),
    ("topk", lambda t: t.topk(2, dim=0, largest=False).values, [[1.0, 3.0, 4.0], [2.0, 5.0, 0.0]]),
]


@pytest.mark.parametrize("name, fn, values", CASES, ids=[c[0] for c in CASES])
def test_matches_torch(name, fn, values):
    torch = pytest.importorskip("torch")
    ours = leaf(values)
    theirs = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    out, expected = fn(ours), fn(theirs)
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=1e-12)
    upstream = np.random.default_rng(0).uniform(-1, 1, out.shape)
    out.backward(upstream)
    expected.backward(torch.from_numpy(upstream))
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_indices_match_torch():
    torch = pytest.importorskip("torch")
    values = [[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 0.0, 0.0]]
    ours, theirs = al.tensor(values), torch.tensor(values)
    assert ours.max(1).indices.tolist() == theirs.max(1).indices.tolist()
    assert ours.min(1).indices.tolist() == theirs.min(1).indices.tolist()
    assert ours.argmax(1, keepdim=True).tolist() == theirs.argmax(1, keepdim=True).tolist()
    assert ours.argsort(1).tolist() == theirs.argsort(dim=1, stable=True).tolist()
    assert ours.all(1).tolist() == theirs.all(1).tolist()
