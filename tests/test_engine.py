"""Backward semantics (PyTorch's): accumulation, retain_graph, errors, hooks,
retain_grad, al.grad, grad mode, graph shapes (shared nodes, diamonds) and the
engine's one broadcast-reduction helper."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_lite as al
from autograd_lite import engine


def leaf(values, dtype=np.float64):
    return al.tensor(values, dtype=dtype, requires_grad=True)


# -- accumulation and graph shapes -------------------------------------------------------------


def test_tensor_used_twice_gets_both_contributions():
    x = leaf([1.0, -2.0, 3.0])
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, -4.0, 6.0])


def test_gradients_accumulate_across_backward_calls():
    x = leaf([1.0, 2.0])
    (x * 3).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3 + 2.0, 3 + 4.0])
    x.grad = None
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])


def test_diamond_graph_node_reachable_two_ways():
    x = leaf([0.5, -1.5])
    a = x.exp()  # a feeds b and c: its gradient must be complete before it runs
    b = a * 2
    c = a.sin()
    d = (b * c).sum()
    d.backward()
    xv = x.numpy()
    av = np.exp(xv)
    expected = (2 * np.sin(av) + 2 * av * np.cos(av)) * av
    np.testing.assert_allclose(x.grad.numpy(), expected)


def test_deeper_shared_subgraph_runs_each_node_once():
    x = leaf(1.3)
    y = x
    for _ in range(20):
        y = y * 0.5 + y * 0.5  # each y is used twice; a tree walk would run 2**20 nodes
    runs = []
    engine.backward_observers.append(lambda node, grad, input_grads: runs.append(node.name))
    try:
        y.backward()
    finally:
        engine.backward_observers.pop()
    assert x.grad.item() == pytest.approx(1.0)
    assert sorted(runs) == sorted(["mul", "mul", "add"] * 20)


def test_leaf_gradients_never_share_memory():
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (a + b).sum().backward()
    assert not np.shares_memory(a.grad.numpy(), b.grad.numpy())
    a.grad.numpy()[:] = 100.0  # in-place clipping of one must not touch the other
    np.testing.assert_array_equal(b.grad.numpy(), [1.0, 1.0])


def test_user_gradient_array_is_not_aliased_by_leaf_grads():
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    upstream = np.array([1.0, 10.0])
    (a + b).backward(upstream)
    for t in (a, b):
        assert not np.shares_memory(t.grad.numpy(), upstream)
    assert not np.shares_memory(a.grad.numpy(), b.grad.numpy())
    upstream[:] = 0
    np.testing.assert_array_equal(a.grad.numpy(), [1.0, 10.0])
    c = leaf([1.0, 2.0])
    (c * 1).backward(upstream)
    assert not np.shares_memory(c.grad.numpy(), upstream)


def test_gradient_of_an_input_is_not_aliased_to_saved_or_input_data():
    x, w = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (x * w).sum().backward()
    for t in (x, w):
        for other in (x, w):
            assert not np.shares_memory(t.grad.numpy(), other.numpy())


def test_fresh_leaf_gradient_is_kept_without_a_copy_and_a_shared_one_is_copied():
    """engine._accumulate keeps a gradient array only it owns; one also held elsewhere
    (here: by the same rule's other output) is copied."""
    produced = []

    def record(node, grad, input_grads):
        # ids and data pointers only: holding the arrays would change what is shared.
        produced.append(
            [(id(g), g.__array_interface__["data"][0]) if g is not None else None for g in input_grads]
        )

    x, y = leaf([1.0, 2.0, 3.0]), leaf([4.0, 5.0, 6.0])
    engine.backward_observers.append(record)
    try:
        (x * y).backward(np.ones(3))
        (mul_grads,) = produced
        assert (id(x.grad.numpy()), x.grad.numpy().__array_interface__["data"][0]) == mul_grads[0]
        assert (id(y.grad.numpy()), y.grad.numpy().__array_interface__["data"][0]) == mul_grads[1]

        produced.clear()
        a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
        (a + b).backward(np.ones(2))  # add passes the same array to both inputs
        assert not np.shares_memory(a.grad.numpy(), b.grad.numpy())
    finally:
        engine.backward_observers.remove(record)


def test_accumulated_gradient_keeps_identity_and_dtype():
    x = leaf([1.0, 2.0], dtype=np.float32)
    (x * 2).sum().backward()
    first = x.grad
    (x * 3).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad.numpy(), [5.0, 5.0])
    np.testing.assert_array_equal(first.numpy(), x.grad.numpy())


def test_broadcast_gradients_are_reduced_to_each_input_shape():
    a = leaf(np.ones((2, 1, 3)))
    b = leaf(np.ones((4, 1)))
    c = leaf(2.0)
    (a * b * c).sum().backward()
    assert a.grad.shape == (2, 1, 3) and b.grad.shape == (4, 1) and c.grad.shape == ()
    np.testing.assert_array_equal(a.grad.numpy(), np.full((2, 1, 3), 8.0))
    np.testing.assert_array_equal(b.grad.numpy(), np.full((4, 1), 12.0))
    assert c.grad.item() == 24.0


@given(
    shapes=hnp.mutually_broadcastable_shapes(num_shapes=1, min_dims=0, max_dims=4, max_side=3),
    seed=st.integers(0, 99),
)
def test_sum_to_is_the_adjoint_of_broadcasting(shapes, seed):
    (shape,) = shapes.input_shapes
    target = shapes.result_shape
    rng = np.random.default_rng(seed)
    x, g = rng.normal(size=shape), rng.normal(size=target)
    reduced = engine.sum_to(g, shape)
    assert reduced.shape == shape
    # <broadcast(x), g> == <x, sum_to(g)> for every x defines sum_to.
    np.testing.assert_allclose(np.sum(np.broadcast_to(x, target) * g), np.sum(x * reduced))


# -- retain_graph, errors --------------------------------------------------------------------


def test_second_backward_without_retain_graph_raises_mentioning_it():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])  # the failed call added nothing


def test_retain_graph_allows_a_second_backward():
    x = leaf([1.0, 2.0])
    y = (x.exp() * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    xv = x.numpy()
    np.testing.assert_allclose(x.grad.numpy(), 2 * (np.exp(xv) * (1 + xv)))
    with pytest.raises(RuntimeError, match="retain_graph"):
        y.backward()


def test_retain_graph_defaults_to_create_graph():
    x = leaf(2.0)
    y = x**3
    y.backward(create_graph=True)
    y.backward(create_graph=True)  # retained because create_graph was set
    assert x.grad.item() == pytest.approx(2 * 12.0)
    z = x**3
    z.backward(create_graph=True, retain_graph=False)
    with pytest.raises(RuntimeError, match="retain_graph"):
        z.backward()


def test_grad_frees_the_graph_unless_retained():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    al.grad(y, x, retain_graph=True)
    al.grad(y, x)
    with pytest.raises(RuntimeError, match="retain_graph"):
        al.grad(y, x)


def test_saved_values_of_a_custom_function_are_freed_after_backward():
    class Square(al.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return 2 * x * grad

    x = leaf([3.0])
    y = Square.apply(x)
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        y.grad_fn.saved_tensors


def test_backward_on_a_non_scalar_needs_a_gradient():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="scalar"):
        (x * 2).backward()
    assert x.grad is None


def test_backward_on_a_one_element_tensor_needs_no_gradient():
    x = leaf([[3.0]])
    (x * x).backward()
    assert x.grad.shape == (1, 1) and x.grad.item() == 6.0


def test_gradient_argument_must_match_the_output_shape():
    x = leaf([1.0, 2.0])
    y = x * 2
    with pytest.raises(RuntimeError, match=r"\(3,\).*\(2,\)"):
        y.backward(np.ones(3))
    y.backward(al.tensor([1.0, 0.5], dtype=np.float32))  # dtype is cast to the output's
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 1.0])
    assert x.grad.dtype == np.float64


def test_backward_on_a_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        al.tensor([1.0]).sum().backward()
    x = leaf([1.0])
    with al.no_grad():
        y = (x * 2).sum()
    with pytest.raises(RuntimeError):
        y.backward()


# -- leaves, grad_fn names, retain_grad, detach ------------------------------------------------


def test_leaf_and_grad_fn_rules():
    x = leaf([1.0, 2.0])
    c = al.tensor([3.0, 4.0])
    assert x.is_leaf and x.grad_fn is None and x.requires_grad
    assert c.is_leaf and not c.requires_grad
    y = x * c
    assert not y.is_leaf and y.requires_grad and y.grad_fn.name == "mul"
    z = c * c
    assert z.is_leaf and z.grad_fn is None and not z.requires_grad
    with al.no_grad():
        w = x * c
    assert w.is_leaf and w.grad_fn is None and not w.requires_grad


@pytest.mark.parametrize(
    "expression, name",
    [
        (lambda x, m: x + 1, "add"),
        (lambda x, m: 1 - x, "sub"),
        (lambda x, m: x * x, "mul"),
        (lambda x, m: x / 2, "div"),
        (lambda x, m: x**2, "pow"),
        (lambda x, m: -x, "neg"),
        (lambda x, m: x @ m, "matmul"),
        (lambda x, m: x.relu(), "relu"),
        (lambda x, m: x.exp(), "exp"),
        (lambda x, m: x.log(), "log"),
        (lambda x, m: x.tanh(), "tanh"),
        (lambda x, m: x.sigmoid(), "sigmoid"),
        (lambda x, m: abs(x), "abs"),
        (lambda x, m: x.sum(), "sum"),
        (lambda x, m: x.mean(), "mean"),
        (lambda x, m: x.max(), "max"),
        (lambda x, m: x.reshape(2, 1), "reshape"),
        (lambda x, m: x.softmax(), "softmax"),
        (lambda x, m: x.log_softmax(), "log_softmax"),
        (lambda x, m: al.linear(x, m.T), "linear"),
    ],
)
def test_grad_fn_names(expression, name):
    x = leaf([1.0, 2.0])
    m = al.tensor(np.ones((2, 3)))
    assert expression(x, m).grad_fn.name == name


def test_non_leaf_grad_is_none_unless_retained():
    x = leaf([1.0, 2.0])
    y = x * 2
    z = y * 3
    w = z.sum()
    z.retain_grad()
    assert z.retains_grad and not y.retains_grad
    w.backward()
    assert y.grad is None
    np.testing.assert_array_equal(z.grad.numpy(), [1.0, 1.0])
    np.testing.assert_array_equal(x.grad.numpy(), [6.0, 6.0])


def test_retained_grad_accumulates_and_is_not_shared_with_the_leaf():
    x = leaf([1.0, 2.0])
    y = x * 1
    y.retain_grad()
    out = (y * y).sum()
    out.backward(retain_graph=True)
    out.backward()
    np.testing.assert_array_equal(y.grad.numpy(), 2 * 2 * y.numpy())
    assert not np.shares_memory(y.grad.numpy(), x.grad.numpy())


def test_detach_shares_data_and_cuts_the_graph():
    x = leaf([1.0, 2.0])
    y = x * 2
    d = y.detach()
    assert d.is_leaf and not d.requires_grad and d.grad_fn is None
    assert np.shares_memory(d.numpy(), y.numpy())
    (d * x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])  # d is a constant


def test_requires_grad_is_assignable_on_leaves_only():
    x = al.tensor([1.0])
    x.requires_grad = True
    assert x.requires_grad
    y = x * 2
    with pytest.raises(RuntimeError, match="leaf"):
        y.requires_grad = False
    assert x.requires_grad_(False) is x and not x.requires_grad


def test_grad_is_assignable_and_checked():
    x = leaf([1.0, 2.0])
    x.grad = al.tensor([0.5, 0.5], dtype=np.float64)
    (x * 1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.5, 1.5])
    x.grad = None
    assert x.grad is None
    with pytest.raises(ValueError, match=r"\(3,\)"):
        x.grad = np.ones(3)


# -- hooks ------------------------------------------------------------------------------------


def test_leaf_hook_sees_the_total_gradient_and_may_replace_it():
    x = leaf([1.0, 2.0])
    seen = []
    x.register_hook(lambda g: seen.append(g.numpy().copy()))
    handle = x.register_hook(lambda g: g * 10)
    (x * x + x).sum().backward()
    np.testing.assert_array_equal(seen[0], [3.0, 5.0])
    np.testing.assert_array_equal(x.grad.numpy(), [30.0, 50.0])
    handle.remove()
    x.grad = None
    (x * 1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0])
    assert len(seen) == 2


def test_non_leaf_hook_changes_what_flows_upstream():
    x = leaf([1.0, 2.0])
    y = x * 3
    seen = []
    y.register_hook(lambda g: seen.append(g.numpy().copy()) or g * 0 + 1)
    (y * y).sum().backward()
    np.testing.assert_array_equal(seen[0], 2 * y.numpy())
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])
    assert y.grad is None


def test_hook_returning_a_wrong_shape_raises():
    x = leaf([1.0, 2.0])
    x.register_hook(lambda g: al.tensor([1.0, 2.0, 3.0]))
    with pytest.raises(RuntimeError, match="shape"):
        (x * 1).sum().backward()


def test_hooks_need_requires_grad():
    with pytest.raises(RuntimeError):
        al.tensor([1.0]).register_hook(lambda g: g)
    with pytest.raises(RuntimeError):
        al.tensor([1.0]).retain_grad()


def test_removed_hook_handle_is_idempotent():
    x = leaf([1.0])
    handle = x.register_hook(lambda g: g * 2)
    handle.remove()
    handle.remove()
    (x * 1).sum().backward()
    assert x.grad.item() == 1.0


# -- al.grad -----------------------------------------------------------------------------------


def test_grad_returns_gradients_without_touching_dot_grad():
    x, y = leaf([1.0, 2.0]), leaf(3.0)
    z = (x * y).sum()
    gx, gy = al.grad(z, (x, y))
    np.testing.assert_array_equal(gx.numpy(), [3.0, 3.0])
    assert gy.item() == 3.0
    assert x.grad is None and y.grad is None
    assert not gx.requires_grad


def test_grad_of_a_non_leaf_and_with_grad_outputs():
    x = leaf([1.0, 2.0])
    h = x * x
    out = h * 3
    (gh,) = al.grad(out, h, grad_outputs=al.tensor([1.0, -1.0], dtype=np.float64), retain_graph=True)
    np.testing.assert_array_equal(gh.numpy(), [3.0, -3.0])
    (gx,) = al.grad([out], [x], grad_outputs=[np.array([1.0, 1.0])])
    np.testing.assert_array_equal(gx.numpy(), [6.0, 12.0])


def test_grad_of_several_outputs_sums_them():
    x = leaf(2.0)
    (g,) = al.grad([x * x, x * 3], x)
    assert g.item() == 7.0


def test_grad_allow_unused():
    x, unused = leaf([1.0]), leaf([2.0])
    out = (x * 2).sum()
    with pytest.raises(RuntimeError, match="allow_unused"):
        al.grad(out, (x, unused), retain_graph=True)
    gx, gu = al.grad(out, (x, unused), allow_unused=True)
    assert gx.item() == 2.0 and gu is None


def test_grad_with_create_graph_is_differentiable():
    x = leaf(1.5)
    (g,) = al.grad(x**4, x, create_graph=True)
    assert g.requires_grad and g.grad_fn is not None
    (h,) = al.grad(g, x)
    assert h.item() == pytest.approx(12 * 1.5**2)
    assert x.grad is None


def test_grad_rejects_inputs_and_outputs_without_grad():
    x = leaf([1.0])
    with pytest.raises(RuntimeError, match="input 0"):
        al.grad((x * 2).sum(), al.tensor([1.0]))
    with pytest.raises(RuntimeError, match="output 0"):
        al.grad(al.tensor(1.0), x)
    with pytest.raises(RuntimeError, match="scalar"):
        al.grad(x * al.tensor([1.0, 2.0], dtype=np.float64), x)


# -- grad mode ---------------------------------------------------------------------------------


def test_no_grad_and_enable_grad_as_context_managers():
    x = leaf([1.0])
    with al.no_grad():
        assert not al.is_grad_enabled()
        assert not (x * 2).requires_grad
        with al.enable_grad():
            assert al.is_grad_enabled()
            assert (x * 2).requires_grad
        assert not al.is_grad_enabled()
    assert al.is_grad_enabled()


def test_no_grad_and_enable_grad_as_decorators_restore_on_error():
    @al.no_grad()
    def inside_no_grad():
        assert not al.is_grad_enabled()
        return enabled_again()

    @al.enable_grad()
    def enabled_again():
        return al.is_grad_enabled()

    @al.no_grad()
    def failing():
        raise KeyError("boom")

    assert inside_no_grad() is True
    assert al.is_grad_enabled()
    with pytest.raises(KeyError):
        failing()
    assert al.is_grad_enabled()
    with pytest.raises(KeyError):
        with al.no_grad():
            raise KeyError("boom")
    assert al.is_grad_enabled()


def test_grad_mode_is_per_thread():
    seen = {}
    ready, release = threading.Event(), threading.Event()

    def worker():
        seen["initial"] = al.is_grad_enabled()
        with al.no_grad():
            ready.set()
            release.wait(5)
            seen["inside"] = al.is_grad_enabled()

    with al.no_grad():
        thread = threading.Thread(target=worker)
        thread.start()
        ready.wait(5)
        main_inside = al.is_grad_enabled()
    main_after = al.is_grad_enabled()  # the worker is still inside its no_grad
    release.set()
    thread.join(5)
    assert seen == {"initial": True, "inside": False}
    assert main_inside is False and main_after is True


def test_backward_runs_with_grad_mode_restored():
    x = leaf([1.0])
    with al.no_grad():
        pass
    (x * 2).sum().backward()
    assert al.is_grad_enabled()
    with al.no_grad():
        y = leaf([1.0])
        with al.enable_grad():
            z = (y * 2).sum()
        z.backward()
        assert not al.is_grad_enabled()
    assert y.grad.item() == 2.0


def test_hook_results_keep_the_gradient_dtype():
    x = al.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: al.tensor([1.0, 1.0], dtype=np.float64))
    y = x * 2
    y.register_hook(lambda g: np.array([3.0, 3.0]))
    y.sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0])


# -- random graphs -----------------------------------------------------------------------------

UNARY = {"sin": al.sin, "tanh": al.tanh, "sigmoid": al.sigmoid, "square": lambda t: t * t}
BINARY = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b}
SHAPES = [(2, 3), (3,), (2, 1), ()]


@st.composite
def programs(draw):
    """A random DAG: each step applies an op to earlier values (leaves or results), so
    values are reused, shapes broadcast, and some nodes are reachable several ways."""
    n_leaves = draw(st.integers(1, 3))
    leaf_shapes = [draw(st.sampled_from(SHAPES)) for _ in range(n_leaves)]
    steps = []
    for i in range(draw(st.integers(1, 8))):
        available = n_leaves + i
        kind = draw(st.sampled_from(["unary", "binary", "binary", "reduce"]))
        if kind == "unary":
            steps.append(("unary", draw(st.sampled_from(sorted(UNARY))), draw(st.integers(0, available - 1))))
        elif kind == "binary":
            pair = (draw(st.integers(0, available - 1)), draw(st.integers(0, available - 1)))
            steps.append(("binary", draw(st.sampled_from(sorted(BINARY))), pair))
        else:
            steps.append(("reduce", draw(st.booleans()), draw(st.integers(0, available - 1))))
    return leaf_shapes, steps


def run_program(steps, leaves):
    values = list(leaves)
    for kind, name, args in steps:
        if kind == "unary":
            values.append(UNARY[name](values[args]))
        elif kind == "binary":
            values.append(BINARY[name](values[args[0]], values[args[1]]))
        else:
            x = values[args]
            # keepdims keeps every value broadcastable against every other.
            values.append(x.sum(axis=-1 if name else 0, keepdims=True) if x.ndim else x * 0.5)
    # Every value feeds the output, so each leaf gets a gradient.
    total = values[0].sum()
    for value in values[1:]:
        total = total + value.sum()
    return total


@settings(max_examples=100)
@given(program=programs(), seed=st.integers(0, 1000))
def test_random_graphs_pass_gradcheck(program, seed):
    leaf_shapes, steps = program
    rng = np.random.default_rng(seed)
    leaves = [al.tensor(rng.uniform(-1, 1, shape), requires_grad=True) for shape in leaf_shapes]
    assert al.gradcheck(lambda *xs: run_program(steps, xs), leaves)
    out = run_program(steps, leaves)
    out.backward()
    expected = al.grad(run_program(steps, leaves), leaves)
    for tensor, grad in zip(leaves, expected):
        np.testing.assert_allclose(tensor.grad.numpy(), grad.numpy(), rtol=1e-12)
