"""In-place methods and operators (`+= -= *= /=`, `add_`, `sub_`, `mul_`, `div_`, `copy_`,
`fill_`, `zero_`) and `.data` follow PyTorch: the object and its memory are kept, so every
alias sees the change; a leaf that requires grad changes only under no_grad; on a non-leaf
the change is recorded, with PyTorch's gradients."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as al

# -- leaves: the optimizer-style update ---------------------------------------------------


def test_manual_sgd_under_no_grad_updates_the_same_leaf():
    w = al.tensor([1.0, 2.0], requires_grad=True)
    original, memory = w, w.numpy()
    for _ in range(3):
        (w * w).sum().backward()
        with al.no_grad():
            w -= 0.1 * w.grad
        w.grad = None
    assert w is original and w.is_leaf and w.requires_grad
    assert w.numpy() is memory
    np.testing.assert_allclose(w.numpy(), np.array([1.0, 2.0]) * 0.8**3, rtol=1e-6)
    assert w.dtype == np.float32
    assert w._version == 3


def test_in_place_update_makes_a_graph_holding_the_old_values_raise():
    w = al.tensor([1.0, 2.0], requires_grad=True)
    pending = (w * 3.0).sum()  # a graph that saved w and has not run backward yet
    with al.no_grad():
        w *= 2
    with pytest.raises(RuntimeError, match="'mul'.*modified after the forward"):
        pending.backward()


@pytest.mark.parametrize(
    "update",
    [
        lambda w: w.__iadd__(1),
        lambda w: w.__imul__(2),
        lambda w: w.add_(1),
        lambda w: w.sub_(1),
        lambda w: w.mul_(2),
        lambda w: w.div_(2),
        lambda w: w.copy_(al.tensor([5.0])),
        lambda w: w.fill_(0),
        lambda w: w.zero_(),
    ],
    ids=["iadd", "imul", "add_", "sub_", "mul_", "div_", "copy_", "fill_", "zero_"],
)
def test_leaf_requiring_grad_refuses_in_place_update_in_grad_mode(update):
    w = al.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad.*in-place"):
        update(w)
    assert w.item() == 1.0 and w._version == 0


@pytest.mark.parametrize(
    ("update", "expected"),
    [
        (lambda t: t.__iadd__(1), [2, 3]),
        (lambda t: t.__isub__(al.tensor([1, 1])), [0, 1]),
        (lambda t: t.__imul__(np.array([2, 3])), [2, 6]),
        (lambda t: t.add_(al.tensor([1, 1]), alpha=2), [3, 4]),
        (lambda t: t.copy_([7, 8]), [7, 8]),
        (lambda t: t.fill_(4), [4, 4]),
    ],
)
def test_plain_tensors_update_in_place(update, expected):
    t = al.tensor([1, 2])
    data = t.numpy()
    assert update(t) is t
    np.testing.assert_array_equal(data, expected)
    assert t.numpy() is data and t._version == 1


def test_in_place_refuses_dtype_change_and_bad_shapes():
    ints = al.tensor([1, 2])
    with pytest.raises(TypeError, match="int64 into float64"):
        ints += 1.5
    floats = al.tensor([1.0, 2.0])
    with pytest.raises(ValueError, match=r"shape \(3,\).*shape \(2,\)"):
        floats += np.ones(3)
    np.testing.assert_array_equal(ints.numpy(), [1, 2])
    np.testing.assert_array_equal(floats.numpy(), [1.0, 2.0])
    assert ints._version == 0 and floats._version == 0


# -- PyTorch spellings through .data ------------------------------------------------------


def _trained_parameter():
    p = al.tensor([1.0, -2.0, 3.0], requires_grad=True)
    (p * p).sum().backward()  # p.grad == 2 * p
    return p


def test_p_data_fill_and_add_change_p_itself():
    p = _trained_parameter()
    original, memory = p, p.numpy()
    p.data.fill_(0)
    np.testing.assert_array_equal(p.numpy(), [0.0, 0.0, 0.0])
    p.data.add_(1)
    np.testing.assert_array_equal(p.numpy(), [1.0, 1.0, 1.0])
    assert p is original and p.numpy() is memory
    assert p.is_leaf and p.requires_grad and p.dtype == np.float32


def test_p_data_minus_equals_lr_times_grad_updates_p_itself():
    p = _trained_parameter()
    original, memory = p, p.numpy()
    lr = 0.1
    p.data -= lr * p.grad
    assert p is original and p.numpy() is memory
    np.testing.assert_allclose(p.numpy(), np.array([1.0, -2.0, 3.0]) * 0.8, rtol=1e-6)
    assert p.dtype == np.float32 and p.is_leaf and p.requires_grad


def test_w_minus_equals_under_no_grad_changes_w_itself():
    w = _trained_parameter()
    original, memory, g = w, w.numpy(), w.grad
    with al.no_grad():
        w -= 0.5 * g
    assert w is original and w.numpy() is memory
    np.testing.assert_array_equal(w.numpy(), [0.0, 0.0, 0.0])
    assert w.dtype == np.float32 and w.is_leaf and w.requires_grad


def test_data_is_a_detached_tensor_sharing_memory():
    w = al.tensor([1.0, 2.0], requires_grad=True)
    data = w.data
    assert isinstance(data, al.Tensor)
    assert not data.requires_grad and data.is_leaf
    assert data.numpy() is w.numpy()


def test_micrograd_style_update_after_backward():
    rng = np.random.default_rng(0)
    inputs = al.tensor(rng.normal(size=(16, 3)).astype(np.float32))
    targets = inputs @ al.tensor([[1.0], [-2.0], [0.5]]) + 0.25
    w = al.tensor(rng.normal(size=(3, 1)).astype(np.float32), requires_grad=True)
    b = al.zeros(1, requires_grad=True)
    parameters = [w, b]
    losses = []
    for _ in range(60):
        loss = ((inputs @ w + b - targets) ** 2).mean()
        for p in parameters:
            p.grad = None
        loss.backward()
        for p in parameters:
            p.data += -0.1 * p.grad
        losses.append(loss.item())
    assert losses[-1] < 0.05 * losses[0]
    assert w.is_leaf and w.requires_grad and w.dtype == np.float32 and w.shape == (3, 1)


def test_micrograd_style_step_matches_the_numpy_formula():
    w = al.tensor([0.5, -1.0], requires_grad=True)
    x = np.array([2.0, 3.0], dtype=np.float32)
    loss = (w * x).sum() ** 2
    loss.backward()
    grad = 2 * float(np.dot([0.5, -1.0], x)) * x
    w.data += -0.01 * w.grad
    np.testing.assert_allclose(w.numpy(), np.array([0.5, -1.0]) - 0.01 * grad, rtol=1e-6)


# -- memory is shared as in PyTorch ----------------------------------------------------------


ALIAS_WRITES = {
    "data.add_": lambda t, aliases: aliases["data"].add_(1),
    "detach.mul_": lambda t, aliases: aliases["detach"].mul_(2),
    "as_tensor.sub_": lambda t, aliases: aliases["as_tensor"].sub_(1),
    "view.fill_": lambda t, aliases: aliases["view"].fill_(9),
    "view_of_view.iadd": lambda t, aliases: aliases["view"][0:1].__iadd__(5),
    "numpy.setitem": lambda t, aliases: aliases["numpy"].__setitem__(0, 42.0),
    "tensor.copy_": lambda t, aliases: t.copy_(al.tensor([3.0, 2.0, 1.0])),
}


@pytest.mark.parametrize("write", sorted(ALIAS_WRITES))
def test_data_detach_numpy_as_tensor_and_views_alias_one_array(write):
    t = al.tensor([1.0, 2.0, 3.0])
    array = t.numpy()
    aliases = {
        "data": t.data,
        "detach": t.detach(),
        "numpy": array,
        "asarray": np.asarray(t),
        "as_tensor": al.as_tensor(array),
        "view": t[0:2],
    }
    ALIAS_WRITES[write](t, aliases)
    expected = array.copy()
    assert not np.array_equal(expected, [1.0, 2.0, 3.0])  # the write landed in t's memory
    np.testing.assert_array_equal(t.numpy(), expected)
    np.testing.assert_array_equal(aliases["data"].numpy(), expected)
    np.testing.assert_array_equal(aliases["detach"].numpy(), expected)
    np.testing.assert_array_equal(aliases["asarray"], expected)
    np.testing.assert_array_equal(aliases["as_tensor"].numpy(), expected)
    np.testing.assert_array_equal(aliases["view"].numpy(), expected[0:2])


def test_as_tensor_of_an_array_writes_through_to_the_array():
    array = np.array([1.0, 2.0], dtype=np.float32)
    t = al.as_tensor(array)
    t += 1
    np.testing.assert_array_equal(array, [2.0, 3.0])
    array[0] = 10.0
    assert t[0].item() == 10.0


def test_views_of_a_leaf_under_no_grad_write_through():
    w = al.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with al.no_grad():
        view = w[0:2]
        view += 10
        w[2:3].mul_(0)
    np.testing.assert_array_equal(w.numpy(), [11.0, 12.0, 0.0])
    assert w.is_leaf and w.requires_grad


@pytest.mark.parametrize(
    ("value", "shape", "dtype"),
    [
        (np.zeros((2, 3), dtype=np.float64), (2, 3), np.float64),
        (al.tensor([[1.0], [2.0], [3.0]]), (3, 1), np.float32),
        ([1, 2, 3, 4], (4,), np.int64),
        (7.5, (), np.float64),
    ],
    ids=["array", "tensor", "list", "scalar"],
)
def test_assigning_data_may_change_shape_and_dtype(value, shape, dtype):
    t = al.tensor([1.0, 2.0])
    original = t
    t.data = value
    assert t is original and t.shape == shape and t.dtype == dtype
    np.testing.assert_array_equal(t.numpy(), np.asarray(value))
    assert t._version == 1


def test_assigning_data_of_a_parameter_keeps_it_a_trainable_leaf():
    w = al.tensor([1.0, 2.0], requires_grad=True)
    w.data = np.ones((2, 2))
    assert w.requires_grad and w.is_leaf and w.shape == (2, 2) and w.dtype == np.float64
    (w * w).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), np.full((2, 2), 2.0))
    with pytest.raises(TypeError, match="int64"):
        w.data = np.array([1, 2])
    assert w.dtype == np.float64


def test_assigning_data_after_backward_starts_fresh():
    w = al.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    w.grad = None
    w.data = al.tensor([3.0, 4.0])
    (w * w).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [6.0, 8.0])


# -- non-leaves: recorded as PyTorch records them -------------------------------------------

RECORDED = {
    # name: (update of y = x * 2, x.grad, z.grad) for x = [1, 2], z = [5, 7], loss = y.sum()
    "iadd": (lambda y, x, z: y.__iadd__(x), [3.0, 3.0], None),
    "isub": (lambda y, x, z: y.__isub__(x), [1.0, 1.0], None),
    "imul": (lambda y, x, z: y.__imul__(x), [4.0, 8.0], None),
    "idiv": (lambda y, x, z: y.__itruediv__(2), [1.0, 1.0], None),
    "add_alpha": (lambda y, x, z: y.add_(x, alpha=3), [5.0, 5.0], None),
    "sub_alpha": (lambda y, x, z: y.sub_(z, alpha=2), [2.0, 2.0], [-2.0, -2.0]),
    "mul_z": (lambda y, x, z: y.mul_(z), [10.0, 14.0], [2.0, 4.0]),
    "copy_": (lambda y, x, z: y.copy_(z), [0.0, 0.0], [1.0, 1.0]),
    "fill_": (lambda y, x, z: y.fill_(0), [0.0, 0.0], None),
    "zero_": (lambda y, x, z: y.zero_(), [0.0, 0.0], None),
    "iadd_then_imul": (lambda y, x, z: y.__iadd__(x).__imul__(x), [6.0, 12.0], None),
}


def _run_recorded(module, update):
    x = module.tensor([1.0, 2.0], requires_grad=True)
    z = module.tensor([5.0, 7.0], requires_grad=True)
    y = x * 2
    result = update(y, x, z)
    assert result is y
    y.sum().backward()
    return y, x.grad, z.grad


def _as_list(grad):
    return None if grad is None else [float(v) for v in np.asarray(grad.tolist()).ravel()]


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_recorded_in_place_ops_on_non_leaves_give_pytorchs_gradients(name):
    update, x_grad, z_grad = RECORDED[name]
    y, got_x, got_z = _run_recorded(al, update)
    assert y.grad_fn is not None and not y.is_leaf
    assert _as_list(got_x) == x_grad
    assert _as_list(got_z) == z_grad


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_recorded_in_place_ops_match_torch(name):
    torch = pytest.importorskip("torch")
    update, _, _ = RECORDED[name]
    y, x_grad, z_grad = _run_recorded(al, update)
    torch_y, torch_x_grad, torch_z_grad = _run_recorded(torch, update)
    np.testing.assert_allclose(y.numpy(), torch_y.detach().numpy(), rtol=1e-6)
    assert _as_list(x_grad) == _as_list(torch_x_grad)
    assert _as_list(z_grad) == _as_list(torch_z_grad)


def test_non_leaf_in_place_keeps_the_object_and_its_memory():
    x = al.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    memory = y.numpy()
    original = y
    y += x
    assert y is original and y.numpy() is memory
    np.testing.assert_array_equal(memory, [3.0, 6.0])
    assert y._version == 1 and y.grad_fn.name != "mul"


def test_residual_style_out_plus_equals_identity():
    x = al.tensor([[1.0, -2.0], [3.0, 0.5]], requires_grad=True)
    w = al.tensor([[0.5, 0.0], [1.0, -1.0]], requires_grad=True)
    out = (x @ w).relu()
    out += x
    out.sum().backward()
    fresh_x = al.tensor(x.numpy().copy(), requires_grad=True)
    fresh_w = al.tensor(w.numpy().copy(), requires_grad=True)
    ((fresh_x @ fresh_w).relu() + fresh_x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), fresh_x.grad.numpy())
    np.testing.assert_allclose(w.grad.numpy(), fresh_w.grad.numpy())


@pytest.mark.parametrize(
    "update",
    [lambda y: y.__iadd__(1), lambda y: y.mul_(2), lambda y: y.fill_(0), lambda y: y.copy_(al.ones(2))],
    ids=["iadd", "mul_", "fill_", "copy_"],
)
def test_overwriting_values_its_node_saved_makes_backward_raise(update):
    x = al.tensor([0.5, 1.0], requires_grad=True)
    y = x.exp()  # exp saves its output
    update(y)
    with pytest.raises(RuntimeError, match="'exp'.*was modified after the forward"):
        y.sum().backward()
    assert x.grad is None


def test_in_place_on_a_tensor_an_op_already_took_raises_and_changes_nothing():
    x = al.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    z = y * 3
    with pytest.raises(RuntimeError, match="already took as an input.*out of place"):
        y += 1
    np.testing.assert_array_equal(y.numpy(), [2.0, 4.0])
    assert y._version == 0
    z.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [6.0, 6.0])


def test_in_place_on_a_view_of_a_non_leaf_is_refused_and_leaves_it_unchanged():
    x = al.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    v = y[0:2]
    with pytest.raises(RuntimeError, match="view.*out of place"):
        v += 10
    with pytest.raises(RuntimeError, match="view.*out of place"):
        v.add_(1)
    np.testing.assert_array_equal(y.numpy(), [2.0, 4.0, 6.0])
    np.testing.assert_array_equal(v.numpy(), [2.0, 4.0])
    (y * y).sum().backward()  # nothing was changed behind the gradient's back
    np.testing.assert_array_equal(x.grad.numpy(), [8.0, 16.0, 24.0])


def test_in_place_on_a_view_of_a_non_leaf_under_no_grad_writes_through():
    x = al.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    v = y[0:2]
    with al.no_grad():
        v += 10
    np.testing.assert_array_equal(y.numpy(), [12.0, 14.0, 6.0])
    np.testing.assert_array_equal(v.numpy(), [12.0, 14.0])
    with al.no_grad():
        w = y[1:3]
        w.mul_(0)
    np.testing.assert_array_equal(y.numpy(), [12.0, 0.0, 0.0])


def test_a_non_leaf_changed_under_no_grad_then_used_never_gives_a_wrong_gradient():
    x = al.tensor([1.0, 2.0], requires_grad=True)
    h = x.exp()
    with al.no_grad():
        h += 1  # behind the graph's back: exp saved h
    try:
        (h * 1.0).sum().backward()
    except RuntimeError as error:
        assert "'exp'" in str(error) and "modified after the forward" in str(error)
    else:
        np.testing.assert_allclose(x.grad.numpy(), np.exp([1.0, 2.0]), rtol=1e-6)
