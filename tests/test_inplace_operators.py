"""Tensor's in-place operators (+=, -=, *=, /=) follow PyTorch: an update of a leaf under
no_grad keeps the same tensor, and graphs that saved its old values refuse to backward."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as al


def test_manual_sgd_under_no_grad_updates_the_same_leaf():
    w = al.tensor([1.0, 2.0], requires_grad=True)
    original = w
    for _ in range(3):
        (w * w).sum().backward()
        with al.no_grad():
            w -= 0.1 * w.grad
        w.grad = None
    assert w is original and w.is_leaf and w.requires_grad
    np.testing.assert_allclose(w.numpy(), np.array([1.0, 2.0]) * 0.8**3, rtol=1e-6)
    assert w.dtype == np.float32


def test_in_place_update_makes_a_graph_holding_the_old_values_raise():
    w = al.tensor([1.0, 2.0], requires_grad=True)
    pending = (w * 3.0).sum()  # a graph that saved w and has not run backward yet
    with al.no_grad():
        w *= 2
    with pytest.raises(RuntimeError, match="'mul'.*modified after the forward"):
        pending.backward()


def test_leaf_requiring_grad_refuses_in_place_update_in_grad_mode():
    w = al.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad.*in-place"):
        w += 1
    assert w.item() == 1.0


def test_non_leaf_in_grad_mode_gets_the_recorded_result():
    x = al.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y += x
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])


@pytest.mark.parametrize(
    ("update", "expected"),
    [
        (lambda t: t.__iadd__(1), [2, 3]),
        (lambda t: t.__isub__(al.tensor([1, 1])), [0, 1]),
        (lambda t: t.__imul__(np.array([2, 3])), [2, 6]),
    ],
)
def test_plain_tensors_update_in_place(update, expected):
    t = al.tensor([1, 2])
    data = t.numpy()
    assert update(t) is t
    np.testing.assert_array_equal(data, expected)


def test_in_place_refuses_dtype_change_and_bad_shapes():
    ints = al.tensor([1, 2])
    with pytest.raises(TypeError, match="int64 into float64"):
        ints += 1.5
    floats = al.tensor([1.0, 2.0])
    with pytest.raises(ValueError, match=r"shape \(3,\).*shape \(2,\)"):
        floats += np.ones(3)
    np.testing.assert_array_equal(ints.numpy(), [1, 2])
    np.testing.assert_array_equal(floats.numpy(), [1.0, 2.0])
