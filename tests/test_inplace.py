"""In-place changes to arrays saved for backward never give a wrong gradient: the write
fails (saved arrays are read-only while a graph holds them) or backward raises naming
the op and the tensor (replaced data, forced updates through a retained graph)."""

from __future__ import annotations

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
}


def _mul_graph():
    w = al.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x = al.tensor([4.0, 5.0, 6.0])
    return w, x, (w * x).sum()


@pytest.mark.parametrize("write", sorted(WRITES))
@pytest.mark.parametrize("target", ["weight", "input"])
def test_writing_a_saved_leaf_array_fails_and_gradient_stays_right(write, target):
    w, x, loss = _mul_graph()
    tensor = w if target == "weight" else x
    before = tensor.data.copy()
    with pytest.raises(ValueError, match="read-only"):
        WRITES[write](tensor.data)
    np.testing.assert_array_equal(tensor.data, before)
    loss.backward()
    np.testing.assert_array_equal(w.grad.numpy(), [4.0, 5.0, 6.0])


def test_augmented_assignment_through_the_setter_fails_before_assigning():
    w, _, loss = _mul_graph()
    with pytest.raises(ValueError, match="read-only"):
        w.data *= 2
    assert w._version == 0
    loss.backward()
    np.testing.assert_array_equal(w.grad.numpy(), [4.0, 5.0, 6.0])


def test_replacing_saved_data_makes_backward_raise_naming_op_and_tensor():
    w, _, loss = _mul_graph()
    w.name = "w"
    w.data = np.zeros(5, dtype=np.float32)
    with pytest.raises(RuntimeError) as info:
        loss.backward()
    message = str(info.value)
    assert "'mul'" in message and "'w'" in message and "(5,)" in message and "replaced" in message
    assert w.grad is None


def test_the_normal_loop_stays_legal():
    w, x, loss = _mul_graph()
    loss.backward()
    assert w.data.flags.writeable and x.data.flags.writeable
    w.data[0] = 10.0
    w.data *= 2
    np.add(x.data, 1, out=x.data)
    w.grad = None
    (w * x).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [5.0, 6.0, 7.0])
    assert not inplace.is_guarded(w.data) and not inplace.is_guarded(x.data)


def test_an_array_two_graphs_saved_stays_read_only_until_both_let_go():
    w = al.tensor([1.0, 2.0], requires_grad=True)
    first = (w * 3.0).sum()
    second = (w * w).sum()
    first.backward()
    with pytest.raises(ValueError, match="read-only"):
        w.data[0] = 5.0
    second.backward()
    w.data[0] = 5.0
    assert w.data[0] == 5.0


def test_a_graph_dropped_without_backward_releases_its_guards():
    w, x, loss = _mul_graph()
    assert not w.data.flags.writeable
    del loss
    assert w.data.flags.writeable and x.data.flags.writeable
    assert not inplace.is_guarded(w.data) and not inplace.is_guarded(x.data)


def test_numpy_arrays_used_as_operands_are_guarded_too():
    w = al.tensor([1.0, 2.0, 3.0], requires_grad=True)
    array = np.array([4.0, 5.0, 6.0], dtype=np.float32)
    loss = (w * array).sum()
    with pytest.raises(ValueError, match="read-only"):
        array[0] = 0.0
    loss.backward()
    np.testing.assert_array_equal(w.grad.numpy(), [4.0, 5.0, 6.0])
    array[0] = 0.0  # released by the backward


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


@pytest.mark.parametrize(
    "access",
    [
        lambda t: t.data,
        lambda t: t.numpy(),
        lambda t: np.asarray(t),
        lambda t: t.detach().data,
    ],
    ids=["data", "numpy", "asarray", "detach"],
)
def test_intermediate_arrays_are_read_only_while_the_graph_needs_them(access):
    w = al.tensor([0.5, 1.0], requires_grad=True)
    h = w.exp()
    loss = (h * h).sum()
    with pytest.raises(ValueError, match="read-only"):
        access(h)[0] = 0.0
    loss.backward()
    np.testing.assert_allclose(w.grad.numpy(), 2 * np.exp(2 * np.array([0.5, 1.0])), rtol=1e-6)
    access(h)[0] = 0.0  # the graph let go of it
    assert h.data[0] == 0.0


def test_an_output_its_own_node_saved_is_guarded():
    w = al.tensor([0.5, 1.0], requires_grad=True)
    s = w.sigmoid()  # sigmoid saves its output
    probabilities = s.data
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
        w.data[0, 0] = 100.0
    loss.backward()
    fresh = al.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    (make_view(fresh) * 3.0).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), fresh.grad.numpy())
    w.data[0, 0] = 100.0
    assert not inplace.is_guarded(w.data)


def test_views_stay_writable_after_all_graphs_release_them():
    w = al.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    view = w.T
    loss = (view * 3.0).sum() + (w * w).sum()
    loss.backward()
    assert view.data.flags.writeable and w.data.flags.writeable


def test_retained_graph_and_optimizer_step_stay_legal_then_stale_backward_raises():
    optim = pytest.importorskip("optim")
    w = al.Tensor([1.0, 2.0], requires_grad=True, name="w")
    loss = (w * w).sum()
    loss.backward(retain_graph=True)
    opt = optim.SGD([w], lr=0.1)
    opt.step()  # updates w in place although the retained graph holds its array
    np.testing.assert_allclose(w.data, [0.8, 1.6])
    with pytest.raises(RuntimeError, match=r"'mul'.*'w'.*updated in place"):
        loss.backward()
    w.grad = None
    (w * w).sum().backward()  # a new forward records the new values
    np.testing.assert_allclose(w.grad.numpy(), [1.6, 3.2])


def test_retained_graph_guards_until_released_and_bump_version_forces():
    w = al.tensor([1.0, 2.0], requires_grad=True)
    loss = (w * w).sum()
    loss.backward(retain_graph=True)
    with pytest.raises(ValueError, match="read-only"):
        w.data[0] = 3.0
    loss.backward(retain_graph=True)  # unchanged: backward through the retained graph again
    np.testing.assert_array_equal(w.grad.numpy(), [4.0, 8.0])
    w._bump_version()
    w.data[0] = 3.0
    assert w._version == 1
    with pytest.raises(RuntimeError, match="modified after the forward"):
        loss.backward(retain_graph=True)


def test_a_retained_view_of_a_parameter_is_caught_after_a_forced_update():
    w = al.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    loss = (w.T * al.tensor([[1.0, 2.0], [3.0, 4.0]])).sum()
    loss.backward(retain_graph=True)
    w._bump_version()
    w.data[...] = 0.0
    # The transpose node guards the parameter's memory its output views.
    with pytest.raises(RuntimeError, match="'transpose'.*modified after the forward"):
        loss.backward()
    assert w.grad.numpy().sum() == 10.0  # only the first backward's gradient


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
        w.data[0] = 0.0
    out.sum().backward(retain_graph=True)
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 4.0])
    w.data = np.array([0.0, 0.0], dtype=np.float32)  # the saved tensor now holds new data
    with pytest.raises(RuntimeError, match=r"'_Scale'.*modified after the forward"):
        out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 4.0])


def test_create_graph_still_works_with_guards():
    x = al.tensor([1.5, -0.5], requires_grad=True)
    (g,) = al.grad((x**3).sum(), x, create_graph=True)
    g.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 6 * np.array([1.5, -0.5]), rtol=1e-6)
    assert x.data.flags.writeable


def test_gradcheck_perturbs_inputs_after_an_analytical_pass():
    x = al.randn(3, dtype=np.float64, requires_grad=True)
    assert al.gradcheck(lambda t: (t * t.exp()).sum(), (x,))
    assert x.data.flags.writeable


def test_read_only_arrays_that_were_never_ours_stay_read_only():
    array = np.arange(3.0)
    array.flags.writeable = False
    w = al.tensor([1.0, 2.0, 3.0], dtype=np.float64, requires_grad=True)
    loss = (w * array).sum()
    loss.backward()
    assert not array.flags.writeable


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


def test_a_view_of_constant_data_saved_by_a_node_guards_the_viewed_memory():
    x = al.tensor([[1.0, 2.0], [3.0, 4.0]])  # no grad: x.T records no node, it is a leaf
    p = al.tensor([[1.0, 1.0], [1.0, 1.0]], requires_grad=True)
    loss = (x.T * p).sum()
    with pytest.raises(ValueError, match="read-only"):
        x.data[0, 1] = 100.0
    loss.backward()
    np.testing.assert_array_equal(p.grad.numpy(), [[1.0, 3.0], [2.0, 4.0]])
    x.data[0, 1] = 100.0


def test_the_guard_registry_forgets_arrays_no_graph_holds():
    w, x, loss = _mul_graph()
    keys = (id(w.numpy()), id(x.numpy()))
    assert all(key in inplace._live for key in keys)
    loss.backward()
    assert not any(key in inplace._live for key in keys)
    loss = (w * x).sum()
    del loss  # dropped without backward
    assert not any(key in inplace._live for key in keys)


@pytest.mark.parametrize(
    "write",
    [
        lambda data: data.__setitem__(0, 5.0),
        lambda data: data.__imul__(2),
        lambda data: data.fill(0.0),
        lambda data: np.add(data, 1, out=data),
        lambda data: data[:1].__isub__(1),
    ],
    ids=["setitem", "imul", "fill", "ufunc-out", "view-isub"],
)
def test_blocked_write_names_the_tensor_and_what_to_do(write):
    w = al.tensor([1.0, 2.0], requires_grad=True)
    w.name = "w"
    pending = (w * 3.0).sum()
    with pytest.raises(ValueError, match=r"data of tensor 'w' of shape \(2,\).*read-only.*backward"):
        write(w.data)
    np.testing.assert_array_equal(w.numpy(), [1.0, 2.0])
    pending.backward()
    write(w.data)  # after the backward the array is the tensor's plain, writable array
    assert type(w.data) is np.ndarray


def test_computing_with_guarded_data_gives_plain_writable_arrays():
    w = al.tensor([1.0, 2.0], requires_grad=True)
    pending = (w * 3.0).sum()
    for result in (w.data * 2, w.data.copy(), np.array(w.data), w.data.astype(np.float64)):
        assert type(result) is np.ndarray
        result[0] = 7.0
    np.testing.assert_array_equal(w.numpy(), [1.0, 2.0])
    del pending


@pytest.mark.parametrize("change", ["replace", "bump"])
def test_a_node_holding_one_guard_then_more_still_sees_every_change(change):
    # w * 3.0 keeps one guard (w's array); reading the output's data adds a second one.
    w = al.tensor([1.0, 2.0], requires_grad=True)
    y = w * 3.0
    loss = (y * y).sum()
    assert not y.data.flags.writeable  # y's array joins the guards of its node
    if change == "replace":
        w.data = np.array([5.0, 6.0], dtype=np.float32)
    else:
        w._bump_version()
    with pytest.raises(RuntimeError, match="'mul'"):
        loss.backward()


def test_one_guard_per_node_without_a_tuple_is_released_by_backward():
    w = al.tensor([1.0, 2.0], requires_grad=True)
    y = w * 3.0
    assert isinstance(y.grad_fn.guard, inplace._Guard)
    y.sum().backward()
    assert y.grad_fn.guard is None and w.data.flags.writeable


def test_a_numpy_view_operand_guards_the_memory_behind_it():
    w = al.tensor([1.0, 2.0], requires_grad=True)
    memory = np.array([3.0, 0.0, 4.0, 0.0], dtype=np.float32)
    loss = (w * memory[::2]).sum()
    with pytest.raises(ValueError, match="read-only"):
        memory[0] = 100.0
    loss.backward()
    np.testing.assert_array_equal(w.grad.numpy(), [3.0, 4.0])
    memory[0] = 100.0  # released by the backward
