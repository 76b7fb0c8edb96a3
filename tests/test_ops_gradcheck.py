"""float64 gradchecks of every op in the table over hypothesis shapes, the gradient
conventions at kinks, and invariants that must hold after any backward."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from op_table import OPS

import autograd_lite as al


@pytest.mark.parametrize("spec", OPS, ids=repr)
@settings(max_examples=30)
@given(data=st.data())
def test_gradcheck(spec, data):
    case = spec.draw(data)
    tensors = [al.tensor(a, requires_grad=True) for a in case.arrays]
    assert all(t.dtype == np.float64 for t in tensors)
    assert al.gradcheck(lambda *xs: spec.fn(*xs, **case.kwargs), tensors)


@pytest.mark.parametrize("spec", OPS, ids=repr)
@settings(max_examples=8)
@given(data=st.data())
def test_backward_invariants(spec, data):
    """Gradients have the inputs' shapes and dtypes, inputs are untouched, a weighted
    upstream gradient matches the gradcheck-verified al.grad, and saved arrays are freed."""
    case = spec.draw(data)
    arrays = [a.copy() for a in case.arrays]
    tensors = [al.tensor(a, requires_grad=True) for a in case.arrays]
    out = spec.fn(*tensors, **case.kwargs)
    weights = np.random.default_rng(1).uniform(-1, 1, out.shape)
    expected = al.grad((out * al.tensor(weights)).sum(), tensors, retain_graph=True, allow_unused=True)
    assert all(t.grad is None for t in tensors), "al.grad must not touch .grad"

    out.backward(weights)

    for tensor, array, grad in zip(tensors, arrays, expected):
        np.testing.assert_array_equal(tensor.numpy(), array)
        assert tensor.grad is not None
        assert tensor.grad.shape == tensor.shape and tensor.grad.dtype == tensor.dtype
        assert not tensor.grad.requires_grad
        reference = np.zeros(tensor.shape) if grad is None else grad.numpy()
        np.testing.assert_allclose(tensor.grad.numpy(), reference, rtol=1e-12, atol=1e-12)
    if out.grad_fn is not None:
        assert not out.grad_fn.saved, "backward without retain_graph must release saved arrays"


@pytest.mark.parametrize("spec", OPS, ids=repr)
def test_graph_is_freed_by_reference_counting(spec):
    """No op creates a cycle between its output tensor and its node: with the cyclic
    collector off, dropping the output frees both, before and after backward."""

    @settings(max_examples=3)
    @given(data=st.data())
    def check(data):
        case = spec.draw(data)
        tensors = [al.tensor(a, requires_grad=True) for a in case.arrays]
        for run_backward in (False, True):
            out = spec.fn(*tensors, **case.kwargs)
            if run_backward:
                out.backward(np.ones(out.shape))
            out_ref, node_ref = weakref.ref(out), weakref.ref(out.grad_fn)
            del out
            assert out_ref() is None
            assert node_ref() is None, "the node outlived its output"

    enabled = gc.isenabled()
    gc.disable()
    try:
        check()
    finally:
        if enabled:
            gc.enable()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("spec", OPS, ids=repr)
def test_gradient_dtype_follows_input_dtype(spec, dtype):
    @settings(max_examples=3)
    @given(data=st.data())
    def check(data):
        case = spec.draw(data)
        tensors = [al.tensor(a.astype(dtype), requires_grad=True) for a in case.arrays]
        out = spec.fn(*tensors, **case.kwargs)
        out.backward(np.ones(out.shape))
        for tensor in tensors:
            assert tensor.grad.dtype == dtype

    check()


# -- conventions at kinks (PyTorch's) ---------------------------------------------------------


def grad_of(fn, values):
    x = al.tensor(values, dtype=np.float64, requires_grad=True)
    fn(x).sum().backward()
    return x.grad.numpy()


def test_relu_derivative_at_zero_is_zero():
    np.testing.assert_array_equal(grad_of(al.relu, [-1.0, 0.0, 2.0]), [0.0, 0.0, 1.0])


def test_abs_derivative_at_zero_is_zero():
    np.testing.assert_array_equal(grad_of(al.abs, [-1.0, 0.0, 2.0]), [-1.0, 0.0, 1.0])


def test_leaky_relu_and_elu_at_zero_take_the_negative_side_slope():
    np.testing.assert_allclose(grad_of(lambda x: x.leaky_relu(0.1), [-1.0, 0.0, 2.0]), [0.1, 0.1, 1.0])
    np.testing.assert_allclose(grad_of(lambda x: x.elu(2.0), [0.0, 1.0]), [2.0, 1.0])


def test_clip_passes_the_gradient_at_its_bounds():
    values = [-2.0, -1.0, 0.0, 1.0, 2.0]
    np.testing.assert_array_equal(grad_of(lambda x: x.clip(-1.0, 1.0), values), [0, 1, 1, 1, 0])
    np.testing.assert_array_equal(grad_of(lambda x: al.clip(x, min=-1.0), values), [0, 1, 1, 1, 1])
    np.testing.assert_array_equal(grad_of(lambda x: al.clip(x, max=1.0), values), [1, 1, 1, 1, 0])


@pytest.mark.parametrize("op", [al.maximum, al.minimum])
def test_maximum_minimum_split_the_gradient_on_ties(op):
    a = al.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = al.tensor([1.0, 2.0, 0.0], requires_grad=True)
    op(a, b).sum().backward()
    winner_is_a = 1.0 if op is al.maximum else 0.0
    np.testing.assert_array_equal(a.grad.numpy(), [0.5, 0.5, winner_is_a])
    np.testing.assert_array_equal(b.grad.numpy(), [0.5, 0.5, 1 - winner_is_a])


def test_maximum_tie_with_a_broadcast_scalar_sums_the_halves():
    a = al.tensor([1.0, 1.0, 0.0], requires_grad=True)
    b = al.tensor(1.0, requires_grad=True)
    al.maximum(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [0.5, 0.5, 0.0])
    assert b.grad.item() == 2.0


@pytest.mark.parametrize("method", ["max", "min"])
def test_max_min_ties_share_the_gradient_equally(method):
    sign = 1.0 if method == "max" else -1.0
    values = sign * np.array([[3.0, 1.0, 3.0, 3.0], [2.0, 2.0, 0.0, 1.0]])
    x = al.tensor(values, requires_grad=True)
    getattr(x, method)().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[1 / 3, 0, 1 / 3, 1 / 3], [0, 0, 0, 0]])
    x.grad = None
    getattr(x, "a" + method)(axis=1).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[1 / 3, 0, 1 / 3, 1 / 3], [0.5, 0.5, 0, 0]])
    x.grad = None
    getattr(x, method)(axis=(0, -1), keepdims=True).sum().backward()  # a tuple: values only
    assert x.grad.numpy().sum() == pytest.approx(1.0)


def test_where_routes_the_gradient_by_the_condition():
    a = al.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = al.tensor(10.0, requires_grad=True)
    al.where(a > 1.5, a, b).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [0.0, 1.0, 1.0])
    assert b.grad.item() == 1.0


def test_repeated_integer_indices_accumulate():
    x = al.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[0, 0, 2, 0]].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 0.0, 1.0])
    x.grad = None
    x[al.tensor([[1, 1], [-1, 2]])].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 2.0, 2.0])


def test_boolean_mask_combined_with_slices():
    values = np.arange(12.0).reshape(3, 4)
    x = al.tensor(values, requires_grad=True)
    mask = np.array([True, False, True])
    out = x[mask, 1::2]
    np.testing.assert_array_equal(out.numpy(), values[mask, 1::2])
    out.sum().backward()
    expected = np.zeros((3, 4))
    expected[mask, 1::2] = 1
    np.testing.assert_array_equal(x.grad.numpy(), expected)
    x.grad = None
    x[::-1, np.array([True, False, False, True])].backward(np.arange(6.0).reshape(3, 2))
    np.testing.assert_array_equal(x.grad.numpy()[:, [0, 3]], [[4, 5], [2, 3], [0, 1]])
    x.grad = None
    x[x > 5.0].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), values > 5)


@pytest.mark.parametrize(
    "index",
    [
        (Ellipsis, [0, 0, 3]),
        (None, [1, 1], slice(None), 2),
        ([0, 1, 1], slice(None, None, -1), [3, 3, 0]),
        (slice(None), np.array([[True, False, True, True]] * 3)),
        (1, [2, 2], None),
        (np.array([True, False]), Ellipsis, [1, 1]),
        ([[0], [1]], [[0, 0, 2]]),
        (-1, slice(2, None, -2), al.tensor([[1, 1], [0, 3]])),
    ],
    ids=str,
)
def test_mixed_basic_and_advanced_indices(index):
    values = np.random.default_rng(5).normal(size=(2, 3, 4))
    x = al.tensor(values, requires_grad=True)
    out = x[index]
    numpy_index = tuple(i.numpy() if isinstance(i, al.Tensor) else i for i in index)
    np.testing.assert_array_equal(out.numpy(), values[numpy_index])
    upstream = np.random.default_rng(6).normal(size=out.shape)
    out.backward(upstream)
    expected = np.zeros_like(values)
    np.add.at(expected, numpy_index, upstream)
    np.testing.assert_allclose(x.grad.numpy(), expected)
    assert al.gradcheck(lambda t: t[index], (al.tensor(values, requires_grad=True),))
