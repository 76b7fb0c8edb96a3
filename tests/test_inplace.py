"""Writes to values saved for backward never give a wrong gradient: a raw NumPy write to an
array a pending graph saved fails with NumPy's "read-only" error, and a write through the
library (in-place methods, `.data`, `declare_updates`) goes through but makes backward raise
naming the op and the tensor. Arrays handed out stay plain, writable-once-released ndarrays."""

from __future__ import annotations

import gc

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import inplace

WRITES = {
    "setitem": lambda a: a.__setitem__(0, 0.0),
    "imul": lambda a: a.__imul__(2),
    "fill": lambda a: a.fill(1.0),
    "ufunc_out": lambda a: np.add(a, 1, out=a),
    "copyto": lambda a: np.copyto(a, 5.0),
    "slice_view": lambda a: a[:2].__setitem__(slice(None), 9.0),
    "view_isub": lambda a: a[:1].__isub__(1),
}


def _mul_graph():
    w = al.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x = al.tensor([4.0, 5.0, 6.0])
    return w, x, (w * x).sum()


# -- raw NumPy writes to saved arrays fail ---------------------------------------------------


@pytest.mark.parametrize("write", sorted(WRITES))
@pytest.mark.parametrize("target", ["weight", "input"])
def test_writing_a_saved_leaf_array_fails_and_gradient_stays_right(write, target):
    w, x, loss = _mul_graph()
    tensor = w if target == "weight" else x
    before = tensor.numpy().copy()
    with pytest.raises(ValueError, match="read-only"):
        WRITES[write](tensor.numpy())
    np.testing.assert_array_equal(tensor.numpy(), before)
    loss.backward()
    np.testing.assert_array_equal(w.grad.numpy(), [4.0, 5.0, 6.0])


@pytest.mark.parametrize("write", sorted(WRITES))
def test_the_same_writes_succeed_on_the_plain_array_after_backward(write):
    w = al.tensor([1.0, 2.0], requires_grad=True)
    pending = (w * 3.0).sum()
    with pytest.raises(ValueError, match="read-only"):
        WRITES[write](w.numpy())
    np.testing.assert_array_equal(w.numpy(), [1.0, 2.0])
    pending.backward()
    WRITES[write](w.numpy())  # the graph let go: the tensor's own array, writable again
    assert type(w.numpy()) is np.ndarray


def test_writes_through_data_as_numpy_are_read_only_too():
    w, _, loss = _mul_graph()
    with pytest.raises(ValueError, match="read-only"):
        w.data.numpy()[0] = 0.0
    with pytest.raises(ValueError, match="read-only"):
        np.asarray(w.detach())[0] = 0.0
    loss.backward()
    np.testing.assert_array_equal(w.grad.numpy(), [4.0, 5.0, 6.0])


# -- writes through the library are allowed and make backward raise ------------------------


@pytest.mark.parametrize(
    "write",
    [
        lambda w: w.data.mul_(2),
        lambda w: w.data.add_(1),
        lambda w: w.data.fill_(0),
        lambda w: w.data.zero_(),
        lambda w: w.data.copy_(al.tensor([7.0, 8.0, 9.0])),
        lambda w: w.detach().sub_(1),
        lambda w: w.data.__imul__(2),
    ],
    ids=["data.mul_", "data.add_", "data.fill_", "data.zero_", "data.copy_", "detach.sub_", "data*="],
)
def test_a_library_write_through_data_goes_through_and_backward_raises(write):
    w, _, loss = _mul_graph()
    write(w)
    assert not np.array_equal(w.numpy(), [1.0, 2.0, 3.0])  # written through to w
    assert w.numpy().flags.writeable  # the guard is retired
    with pytest.raises(RuntimeError, match=r"'mul'.*was modified after the forward.*shape \(3,\)"):
        loss.backward()
    assert w.grad is None


def test_augmented_assignment_through_the_data_property_changes_w_and_backward_raises():
    w, _, loss = _mul_graph()
    original = w
    w.data *= 2
    assert w is original
    np.testing.assert_array_equal(w.numpy(), [2.0, 4.0, 6.0])
    with pytest.raises(RuntimeError, match="'mul'.*modified after the forward"):
        loss.backward()
    assert w.grad is None


def test_replacing_saved_data_makes_backward_raise_naming_op_and_tensor():
    w, _, loss = _mul_graph()
    w.name = "w"
    w.data = np.zeros(5, dtype=np.float32)
    with pytest.raises(RuntimeError) as info:
        loss.backward()
    message = str(info.value)
    # the tensor is described as the graph saw it
    assert "'mul'" in message and "tensor 'w' of shape (3,)" in message and "replaced" in message
    assert "was modified after the forward" in message
    assert w.grad is None


def test_declare_updates_names_the_tensor_and_moves_its_version():
    w, _, loss = _mul_graph()
    w.name = "w"
    al.declare_updates([w])
    assert w._version == 1
    w.numpy()[0] = 10.0  # what an optimizer does after declaring
    with pytest.raises(
        RuntimeError, match=r"'mul'.*modified after the forward.*tensor 'w' of shape \(3,\).*updated in place"
    ):
        loss.backward()


# -- release ------------------------------------------------------------------------------


def test_the_normal_loop_stays_legal():
    w, x, loss = _mul_graph()
    loss.backward()
    assert w.numpy().flags.writeable and x.numpy().flags.writeable
    w.numpy()[0] = 10.0
    w.numpy()[...] *= 2
    np.add(x.numpy(), 1, out=x.numpy())
    w.grad = None
    (w * x).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [5.0, 6.0, 7.0])
    assert id(w.numpy()) not in inplace._live and id(x.numpy()) not in inplace._live


def test_an_array_two_graphs_saved_stays_read_only_until_both_let_go():
    w = al.tensor([1.0, 2.0], requires_grad=True)
    first = (w * 3.0).sum()
    second = (w * w).sum()
    first.backward()
    with pytest.raises(ValueError, match="read-only"):
        w.numpy()[0] = 5.0
    second.backward()
    w.numpy()[0] = 5.0
    assert w.numpy()[0] == 5.0


def test_a_graph_dropped_without_backward_releases_its_guards():
    w, x, loss = _mul_graph()
    assert not w.numpy().flags.writeable and not x.numpy().flags.writeable
    del loss
    assert w.numpy().flags.writeable and x.numpy().flags.writeable
    assert id(w.numpy()) not in inplace._live and id(x.numpy()) not in inplace._live


def test_reference_counting_alone_releases_a_dropped_graph():
    gc.collect()
    gc.disable()
    try:
        w = al.tensor([[0.5, -1.0], [2.0, 0.25]], requires_grad=True)
        x = al.tensor([[1.0, 2.0], [3.0, 4.0]])
        array = np.array([1.0, -1.0], dtype=np.float32)
        h = (x @ w).tanh()
        handed_out = h.numpy()  # an intermediate array user code holds
        loss = (h * h * array + w.T.exp()).sum()
        held = [w.numpy(), x.numpy(), array, handed_out]
        assert not any(a.flags.writeable for a in held)
        del loss, h
        assert all(a.flags.writeable for a in held)
        handed_out[0, 0] = 0.0
        array[0] = 0.0
        w.numpy()[0, 0] = 0.0
    finally:
        gc.enable()


def test_the_guard_registry_forgets_arrays_no_graph_holds():
    w, x, loss = _mul_graph()
    keys = (id(w.numpy()), id(x.numpy()))
    assert all(key in inplace._live for key in keys)
    loss.backward()
    assert not any(key in inplace._live for key in keys)
    loss = (w * x).sum()
    del loss  # dropped without backward
    assert not any(key in inplace._live for key in keys)


def test_backward_releases_the_guards_a_node_holds():
    w = al.tensor([1.0, 2.0], requires_grad=True)
    y = w * 3.0
    assert y.grad_fn.guards  # the node holds w's array
    assert not w.numpy().flags.writeable
    y.sum().backward()
    assert y.grad_fn.guards is None and w.numpy().flags.writeable


# -- what gets guarded ----------------------------------------------------------------------


def test_numpy_arrays_used_as_operands_are_guarded_too():
    w = al.tensor([1.0, 2.0, 3.0], requires_grad=True)
    array = np.array([4.0, 5.0, 6.0], dtype=np.float32)
    loss = (w * array).sum()
    with pytest.raises(ValueError, match="read-only"):
        array[0] = 0.0
    with pytest.raises(ValueError, match="read-only"):
        array[1:][0] = 0.0  # a view taken after the forward
    loss.backward()
    np.testing.assert_array_equal(w.grad.numpy(), [4.0, 5.0, 6.0])
    array[0] = 0.0  # released by the backward


def test_a_numpy_view_operand_guards_the_memory_behind_it():
    w = al.tensor([1.0, 2.0], requires_grad=True)
    memory = np.array([3.0, 0.0, 4.0, 0.0], dtype=np.float32)
    loss = (w * memory[::2]).sum()
    with pytest.raises(ValueError, match="read-only"):
        memory[0] = 100.0
    loss.backward()
    np.testing.assert_array_equal(w.grad.numpy(), [3.0, 4.0])
    memory[0] = 100.0  # released by the backward


def test_a_library_write_to_a_numpy_operand_makes_backward_raise():
    w = al.tensor([1.0, 2.0, 3.0], requires_grad=True)
    array = np.array([4.0, 5.0, 6.0], dtype=np.float32)
    loss = (w * array).sum()
    al.as_tensor(array).add_(1)  # shares the memory: allowed, and the graph is told
    np.testing.assert_array_equal(array, [5.0, 6.0, 7.0])
    with pytest.raises(RuntimeError, match="'mul'.*modified after the forward"):
        loss.backward()


def test_where_condition_array_is_guarded():
    w = al.tensor([1.0, 2.0, 3.0], requires_grad=True)
    condition = np.array([True, False, True])
    loss = (al.where(condition, w, 0.0) * 2).sum()
    with pytest.raises(ValueError, match="read-only"):
        condition[1] = True
    loss.backward()
    np.testing.assert_array_equal(w.grad.numpy(), [2.0, 0.0, 2.0])


def test_index_arrays_are_copied_so_later_writes_do_not_matter():
    w = al.tensor([1.0, 2.0, 3.0], requires_grad=True)
    index = np.array([0, 0, 2])
    loss = w[index].sum()
    index[:] = 1
    loss.backward()
    np.testing.assert_array_equal(w.grad.numpy(), [2.0, 0.0, 1.0])


ACCESS = {
    "data": lambda t: t.data.numpy(),
    "numpy": lambda t: t.numpy(),
    "asarray": lambda t: np.asarray(t),
    "asarray_of_data": lambda t: np.asarray(t.data),
    "detach": lambda t: t.detach().numpy(),
}


@pytest.mark.parametrize("access", sorted(ACCESS))
def test_intermediate_arrays_are_read_only_while_the_graph_needs_them(access):
    w = al.tensor([0.5, 1.0], requires_grad=True)
    h = w.exp()
    loss = (h * h).sum()
    with pytest.raises(ValueError, match="read-only"):
        ACCESS[access](h)[0] = 0.0
    loss.backward()
    np.testing.assert_allclose(w.grad.numpy(), 2 * np.exp(2 * np.array([0.5, 1.0])), rtol=1e-6)
    ACCESS[access](h)[0] = 0.0  # the graph let go of it
    assert h.numpy()[0] == 0.0


def test_an_output_its_own_node_saved_is_guarded():
    w = al.tensor([0.5, 1.0], requires_grad=True)
    s = w.sigmoid()  # sigmoid saves its output
    probabilities = s.numpy()
    with pytest.raises(ValueError, match="read-only"):
        probabilities[probabilities > 0.6] = 1.0
    s.sum().backward()
    expected = np.exp(-np.array([0.5, 1.0])) / (1 + np.exp(-np.array([0.5, 1.0]))) ** 2
    np.testing.assert_allclose(w.grad.numpy(), expected, rtol=1e-6)


@pytest.mark.parametrize(
    "make_view",
    [lambda w: w.T, lambda w: w.reshape(-1), lambda w: w[0], lambda w: w[:, ::-1]],
    ids=["transpose", "reshape", "row", "reversed"],
)
def test_the_memory_behind_a_saved_view_is_guarded(make_view):
    w = al.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    loss = (make_view(w) * 3.0).sum()
    with pytest.raises(ValueError, match="read-only"):
        w.numpy()[0, 0] = 100.0
    loss.backward()
    fresh = al.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    (make_view(fresh) * 3.0).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), fresh.grad.numpy())
    w.numpy()[0, 0] = 100.0
    assert id(w.numpy()) not in inplace._live


def test_views_stay_writable_after_all_graphs_release_them():
    w = al.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    view = w.T
    loss = (view * 3.0).sum() + (w * w).sum()
    loss.backward()
    assert view.numpy().flags.writeable and w.numpy().flags.writeable


def test_a_view_of_constant_data_saved_by_a_node_guards_the_viewed_memory():
    x = al.tensor([[1.0, 2.0], [3.0, 4.0]])  # no grad: x.T records no node, it is a leaf
    p = al.tensor([[1.0, 1.0], [1.0, 1.0]], requires_grad=True)
    loss = (x.T * p).sum()
    with pytest.raises(ValueError, match="read-only"):
        x.numpy()[0, 1] = 100.0
    loss.backward()
    np.testing.assert_array_equal(p.grad.numpy(), [[1.0, 3.0], [2.0, 4.0]])
    x.numpy()[0, 1] = 100.0


def test_read_only_arrays_that_were_never_ours_stay_read_only():
    array = np.arange(3.0)
    array.flags.writeable = False
    w = al.tensor([1.0, 2.0, 3.0], dtype=np.float64, requires_grad=True)
    loss = (w * array).sum()
    loss.backward()
    assert not array.flags.writeable


# -- arrays handed out are plain ndarrays ---------------------------------------------------


def test_computing_with_guarded_data_gives_plain_writable_arrays():
    w = al.tensor([1.0, 2.0], requires_grad=True)
    pending = (w * 3.0).sum()
    guarded = w.numpy()
    results = (
        guarded * 2,
        guarded.copy(),
        np.array(guarded),
        guarded.astype(np.float64),
        np.zeros_like(guarded),
        np.empty_like(np.asarray(w.data)),
        np.ones_like(w.detach().numpy()),
    )
    for result in results:
        assert type(result) is np.ndarray and result.flags.writeable
        result[0] = 7.0
    np.testing.assert_array_equal(w.numpy(), [1.0, 2.0])
    del pending


def test_arrays_handed_out_are_plain_ndarrays_with_numpy_repr():
    w = al.tensor([0.5, 1.0], requires_grad=True)
    out = w.exp() * w
    pending = out.sum()
    for array in (out.numpy(), w.numpy(), np.asarray(out), out.data.numpy()):
        assert type(array) is np.ndarray
        assert repr(array).startswith("array(")
    del pending


def _jacobian_by_masks(out, x):
    """Row i is d out[i] / d x, one backward per output with a one-hot mask."""
    rows = []
    for i in range(out.numel()):
        mask = np.zeros_like(out.numpy())
        mask[i] = 1
        x.grad = None
        out.backward(mask, retain_graph=True)
        rows.append(x.grad.numpy().copy())
    return np.stack(rows)


def test_a_numerical_jacobian_helper_works_while_a_graph_is_pending():
    values = np.array([0.5, -1.0, 2.0])
    x = al.tensor(values, requires_grad=True)
    out = x.exp() * x.sum()
    jacobian = _jacobian_by_masks(out, x)
    eps = 1e-6
    numerical = np.zeros((3, 3))
    for j in range(3):
        step = np.zeros_like(values)
        step[j] = eps
        f = lambda v: (al.tensor(v).exp() * al.tensor(v).sum()).numpy()  # noqa: E731
        numerical[:, j] = (f(values + step) - f(values - step)) / (2 * eps)
    np.testing.assert_allclose(jacobian, numerical, rtol=1e-5, atol=1e-8)


# -- retained graphs, optimizers, custom Functions ------------------------------------------


def test_retained_graph_and_optimizer_step_stay_legal_then_stale_backward_raises():
    optim = pytest.importorskip("optim")
    w = al.Tensor([1.0, 2.0], requires_grad=True, name="w")
    loss = (w * w).sum()
    loss.backward(retain_graph=True)
    opt = optim.SGD([w], lr=0.1)
    opt.step()  # updates w in place although the retained graph holds its array
    np.testing.assert_allclose(w.numpy(), [0.8, 1.6])
    with pytest.raises(RuntimeError, match=r"'mul'.*'w'.*updated in place"):
        loss.backward()
    w.grad = None
    (w * w).sum().backward()  # a new forward records the new values
    np.testing.assert_allclose(w.grad.numpy(), [1.6, 3.2])


def test_retained_graph_guards_until_released_and_declare_updates_forces():
    w = al.tensor([1.0, 2.0], requires_grad=True)
    loss = (w * w).sum()
    loss.backward(retain_graph=True)
    with pytest.raises(ValueError, match="read-only"):
        w.numpy()[0] = 3.0
    loss.backward(retain_graph=True)  # unchanged: backward through the retained graph again
    np.testing.assert_array_equal(w.grad.numpy(), [4.0, 8.0])
    al.declare_updates([w])
    w.numpy()[0] = 3.0
    assert w._version == 1
    with pytest.raises(RuntimeError, match="modified after the forward"):
        loss.backward(retain_graph=True)
    np.testing.assert_array_equal(w.grad.numpy(), [4.0, 8.0])


def test_a_retained_view_of_a_parameter_is_caught_after_a_forced_update():
    w = al.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    loss = (w.T * al.tensor([[1.0, 2.0], [3.0, 4.0]])).sum()
    loss.backward(retain_graph=True)
    al.declare_updates([w])
    w.numpy()[...] = 0.0
    # The transpose node guards the parameter's memory its output views.
    with pytest.raises(RuntimeError, match="'transpose'.*modified after the forward"):
        loss.backward()
    assert w.grad.numpy().sum() == 10.0  # only the first backward's gradient


@pytest.mark.parametrize("change", ["replace", "declare"])
def test_a_node_holding_one_guard_then_more_still_sees_every_change(change):
    # w * 3.0 keeps one guard (w's array); handing out the output's array adds a second one.
    w = al.tensor([1.0, 2.0], requires_grad=True)
    y = w * 3.0
    loss = (y * y).sum()
    assert not y.numpy().flags.writeable  # y's array joins the guards of its node
    if change == "replace":
        w.data = np.array([5.0, 6.0], dtype=np.float32)
    else:
        al.declare_updates([w])
    with pytest.raises(RuntimeError, match="'mul'"):
        loss.backward()


class _Scale(al.Function):
    @staticmethod
    def forward(ctx, x, w):
        ctx.save_for_backward(x, w)
        return x * w

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        return grad * w, grad * x


def test_custom_function_saved_tensors_are_guarded_and_versioned():
    x = al.tensor([1.0, 2.0], requires_grad=True)
    w = al.tensor([3.0, 4.0], requires_grad=True)
    out = _Scale.apply(x, w)
    with pytest.raises(ValueError, match="read-only"):
        w.numpy()[0] = 0.0
    out.sum().backward(retain_graph=True)
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 4.0])
    w.data = np.array([0.0, 0.0], dtype=np.float32)  # the saved tensor now holds new data
    with pytest.raises(RuntimeError, match=r"'_Scale'.*modified after the forward"):
        out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 4.0])


def test_custom_function_sees_a_write_through_data_and_raises():
    x = al.tensor([1.0, 2.0], requires_grad=True)
    w = al.tensor([3.0, 4.0], requires_grad=True)
    out = _Scale.apply(x, w)
    w.data.mul_(0)
    with pytest.raises(RuntimeError, match=r"'_Scale'.*modified after the forward"):
        out.sum().backward()
    assert x.grad is None


def test_custom_function_sees_replaced_data_of_a_saved_tensor_and_raises():
    # The saved tensor's array was read-only to begin with (not guarded by the graph), so
    # only the tensor's version counter can tell that backward would read new data.
    frozen = np.array([3.0, 4.0], dtype=np.float32)
    frozen.flags.writeable = False
    w = al.tensor([0.0, 0.0], requires_grad=True)
    w.data = frozen
    x = al.tensor([1.0, 2.0], requires_grad=True)
    out = _Scale.apply(x, w)
    w.data = np.array([7.0, 7.0], dtype=np.float32)
    with pytest.raises(RuntimeError, match=r"'_Scale'.*version 2.*version 1"):
        out.sum().backward()
    assert x.grad is None


def test_create_graph_still_works_with_guards():
    x = al.tensor([1.5, -0.5], requires_grad=True)
    (g,) = al.grad((x**3).sum(), x, create_graph=True)
    g.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 6 * np.array([1.5, -0.5]), rtol=1e-6)
    assert x.numpy().flags.writeable


def test_gradcheck_perturbs_inputs_after_an_analytical_pass():
    x = al.randn(3, dtype=np.float64, requires_grad=True)
    assert al.gradcheck(lambda t: (t * t.exp()).sum(), (x,))
    assert x.numpy().flags.writeable


# -- any write between a forward and its backward: never a wrong gradient ------------------
#
# Each case builds loss = sum(w * w * c) for a parameter w and some other operand c, and names
# what user code writes to (`handle`). Whatever the write, either it fails or backward raises
# or w's gradient is still 2 * w * c at the forward's values.

W0 = np.array([1.0, 2.0, 3.0], dtype=np.float32)
C0 = np.array([4.0, 5.0, 6.0], dtype=np.float32)
EXPECTED = 2 * W0 * C0


def _leaf():
    w = al.tensor(W0.copy(), requires_grad=True)
    return w, (w * w * al.tensor(C0.copy())).sum(), w


def _constant():
    w, c = al.tensor(W0.copy(), requires_grad=True), al.tensor(C0.copy())
    return w, (w * w * c).sum(), c


def _numpy_operand():
    w, c = al.tensor(W0.copy(), requires_grad=True), C0.copy()
    return w, (w * w * c).sum(), al.as_tensor(c)


def _view_of_leaf():
    w = al.tensor(W0.copy(), requires_grad=True)
    view = w[0:3]
    return w, (view * view * al.tensor(C0.copy())).sum(), view


def _view_of_constant_made_after():
    w, c = al.tensor(W0.copy(), requires_grad=True), al.tensor(C0.copy())
    loss = (w * w * c).sum()
    return w, loss, c[0:2]


def _view_of_constant_made_before():
    w, c = al.tensor(W0.copy(), requires_grad=True), al.tensor(C0.copy())
    view = c[0:2]  # shares c's memory, made before the forward
    return w, (w * w * c).sum(), view


def _view_of_leaf_made_before():
    w = al.tensor(W0.copy(), requires_grad=True)
    with al.no_grad():
        view = w[0:2]  # shares w's memory, made before the forward
    return w, (w * w * al.tensor(C0.copy())).sum(), view


def _view_of_output():
    w = al.tensor(W0.copy(), requires_grad=True)
    squared = w * w
    view = squared[1:3]  # made before the consumer below saved `squared`
    return w, (squared * al.tensor(C0.copy())).sum(), view


def _view_as_operand():
    w, memory = al.tensor(W0.copy(), requires_grad=True), al.tensor(np.concatenate([C0, C0]))
    return w, (w * w * memory[0:3]).sum(), memory


def _output_saved_by_its_node():
    w = al.tensor(W0.copy(), requires_grad=True)
    squared = w * w  # used by the next mul, which saves it
    return w, (squared * al.tensor(C0.copy())).sum(), squared


def _output_of_exp():
    w = al.tensor(np.log(W0), requires_grad=True)
    h = w.exp()  # exp saves h; h * h saves it too
    return w, (h * h * al.tensor(C0.copy())).sum(), h


CASES = {
    "leaf": _leaf,
    "constant": _constant,
    "numpy_operand": _numpy_operand,
    "view_of_leaf": _view_of_leaf,
    "view_of_constant_made_after": _view_of_constant_made_after,
    "view_of_constant_made_before": _view_of_constant_made_before,
    "view_of_leaf_made_before": _view_of_leaf_made_before,
    "view_of_output": _view_of_output,
    "view_as_operand": _view_as_operand,
    "output_saved_by_consumer": _output_saved_by_its_node,
    "output_of_exp": _output_of_exp,
}

HANDLE_WRITES = {
    "numpy_setitem": lambda t: t.numpy().__setitem__(0, 100.0),
    "numpy_imul": lambda t: t.numpy().__imul__(2),
    "asarray_fill": lambda t: np.asarray(t).fill(0.5),
    "data_numpy_copyto": lambda t: np.copyto(t.data.numpy(), 9.0),
    "detach_numpy_setitem": lambda t: t.detach().numpy().__setitem__(1, 100.0),
    "data_mul_": lambda t: t.data.mul_(2),
    "data_add_": lambda t: t.data.add_(1),
    "data_fill_": lambda t: t.data.fill_(0),
    "data_isub": lambda t: t.data.__isub__(1),
    "detach_copy_": lambda t: t.detach().copy_(al.ones(t.shape) * 7),
}


@pytest.mark.parametrize("write", sorted(HANDLE_WRITES))
@pytest.mark.parametrize("case", sorted(CASES))
def test_a_write_between_forward_and_backward_never_gives_a_wrong_gradient(case, write):
    w, loss, handle = CASES[case]()
    expected = EXPECTED if case != "output_of_exp" else 2 * W0 * W0 * C0
    try:
        HANDLE_WRITES[write](handle)
    except (ValueError, RuntimeError):
        pass  # refused at the write
    try:
        loss.backward()
    except RuntimeError as error:
        assert "was modified after the forward" in str(error)
        return
    np.testing.assert_allclose(w.grad.numpy(), expected, rtol=1e-5)


@pytest.mark.parametrize("case", ["leaf", "constant", "numpy_operand", "output_saved_by_consumer"])
def test_a_raw_write_to_a_saved_array_is_refused_at_the_write(case):
    _, _, handle = CASES[case]()
    before = handle.numpy().copy()
    with pytest.raises(ValueError, match="read-only"):
        handle.numpy()[0] = 100.0
    np.testing.assert_array_equal(handle.numpy(), before)
