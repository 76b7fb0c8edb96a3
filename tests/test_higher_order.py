"""Higher-order derivatives: closed forms, a Hessian-vector product, and a
gradcheck of every table op's create_graph gradient (gradgradcheck)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from op_table import OPS

import autograd_lite as al

X = np.array([-1.7, -0.3, 0.0, 0.4, 1.1, 2.5])


def derivatives(fn, values, order):
    """[f', f'', ...] at `values`, each by al.grad of the previous one with create_graph."""
    x = al.tensor(values, dtype=np.float64, requires_grad=True)
    current = fn(x)
    results = []
    for _ in range(order):
        (current,) = al.grad(current.sum(), x, create_graph=True)
        results.append(current.numpy().copy())
    return results


def test_cube_derivatives_to_third_order():
    first, second, third = derivatives(lambda x: x**3, X, 3)
    np.testing.assert_allclose(first, 3 * X**2)
    np.testing.assert_allclose(second, 6 * X)
    np.testing.assert_allclose(third, np.full_like(X, 6.0))


def test_tanh_second_derivative():
    first, second = derivatives(al.tanh, X, 2)
    t = np.tanh(X)
    np.testing.assert_allclose(first, 1 - t**2)
    np.testing.assert_allclose(second, -2 * t * (1 - t**2))


def test_sigmoid_second_derivative():
    first, second = derivatives(al.sigmoid, X, 2)
    s = 1 / (1 + np.exp(-X))
    np.testing.assert_allclose(first, s * (1 - s))
    np.testing.assert_allclose(second, s * (1 - s) * (1 - 2 * s))


@pytest.mark.parametrize(
    "fn, second",
    [
        (al.exp, np.exp),
        (al.sin, lambda x: -np.sin(x)),
        (al.cos, lambda x: -np.cos(x)),
        (lambda x: (x * x).log(), lambda x: -2 / x**2),
        (lambda x: (x * x + 1).sqrt(), lambda x: (x * x + 1) ** -1.5),
        (lambda x: 1 / (x * x + 1), lambda x: (6 * x**2 - 2) / (x**2 + 1) ** 3),
        (al.softplus, lambda x: np.exp(-x) / (1 + np.exp(-x)) ** 2),
    ],
    ids=["exp", "sin", "cos", "log", "sqrt", "reciprocal", "softplus"],
)
def test_second_derivatives_of_elementwise_functions(fn, second):
    values = X[X != 0]
    _, computed = derivatives(fn, values, 2)
    np.testing.assert_allclose(computed, second(values), rtol=1e-10, atol=1e-12)


def test_hessian_vector_product_of_a_quadratic_form():
    rng = np.random.default_rng(3)
    m = rng.normal(size=(4, 4))
    a_matrix = m + m.T  # symmetric, so the Hessian of 0.5 x^T A x + b^T x is A
    b_vector = rng.normal(size=4)
    v = rng.normal(size=4)
    x = al.tensor(rng.normal(size=4), requires_grad=True)
    a, b = al.tensor(a_matrix), al.tensor(b_vector)

    f = 0.5 * (x @ (a @ x)) + b @ x
    (g,) = al.grad(f, x, create_graph=True)
    np.testing.assert_allclose(g.numpy(), a_matrix @ x.numpy() + b_vector)
    (hv,) = al.grad(g, x, grad_outputs=al.tensor(v), retain_graph=True)
    np.testing.assert_allclose(hv.numpy(), a_matrix @ v)

    # The same product through backward: d/dx (g . v) accumulates into x.grad.
    (g @ al.tensor(v)).backward()
    np.testing.assert_allclose(x.grad.numpy(), a_matrix @ v)


def test_backward_with_create_graph_gives_differentiable_grads():
    x = al.tensor([1.5, -2.0], requires_grad=True)
    (x**3).sum().backward(create_graph=True)
    first = x.grad
    assert first.requires_grad and first.grad_fn is not None
    np.testing.assert_allclose(first.numpy(), 3 * x.numpy() ** 2)
    x.grad = None
    first.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 6 * x.numpy())


def test_mixed_partial_derivatives():
    x = al.tensor(0.7, dtype=np.float64, requires_grad=True)
    y = al.tensor(-1.3, dtype=np.float64, requires_grad=True)
    f = x**2 * y**3 + al.sin(x * y)
    gx, gy = al.grad(f, (x, y), create_graph=True)
    (gxy,) = al.grad(gx, y, retain_graph=True)
    (gyx,) = al.grad(gy, x)
    xv, yv = 0.7, -1.3
    expected = 6 * xv * yv**2 + np.cos(xv * yv) - xv * yv * np.sin(xv * yv)
    assert gxy.item() == pytest.approx(expected, rel=1e-12)
    assert gyx.item() == pytest.approx(expected, rel=1e-12)


def test_grad_of_grad_through_indexing_scatter():
    x = al.tensor([0.5, -1.0, 2.0], requires_grad=True)
    f = (x[[0, 0, 2]] ** 3).sum()
    (g,) = al.grad(f, x, create_graph=True)
    np.testing.assert_allclose(g.numpy(), [2 * 3 * 0.25, 0.0, 3 * 4.0])
    (h,) = al.grad(g.sum(), x)
    np.testing.assert_allclose(h.numpy(), [2 * 6 * 0.5, 0.0, 6 * 2.0])


def _first_gradients(spec, kwargs, n_inputs):
    def first(*args):
        inputs, upstream = args[:n_inputs], args[n_inputs]
        # gradcheck evaluates under no_grad; the first derivative needs a graph.
        with al.enable_grad():
            out = spec.fn(*inputs, **kwargs)
            return al.grad(out, inputs, grad_outputs=upstream, create_graph=True)

    return first


@pytest.mark.parametrize("spec", OPS, ids=repr)
@settings(max_examples=20)
@given(data=st.data())
def test_gradgradcheck(spec, data):
    """al.grad(..., create_graph=True) is itself correct: its derivatives w.r.t. the
    inputs and the upstream gradient agree with finite differences of it."""
    case = spec.draw(data)
    tensors = [al.tensor(a, requires_grad=True) for a in case.arrays]
    with al.no_grad():
        out_shape = spec.fn(*tensors, **case.kwargs).shape
    upstream = al.tensor(np.random.default_rng(2).uniform(-1, 1, out_shape), requires_grad=True)
    first = _first_gradients(spec, case.kwargs, len(tensors))
    assert al.gradcheck(first, tensors + [upstream])


def test_hooks_and_retained_grads_are_differentiable_under_create_graph():
    x = al.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    handle = x.register_hook(lambda g: g * x)  # the replacement depends on x itself
    (x**2).sum().backward(create_graph=True)
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 8.0])  # 2x * x
    assert x.grad.requires_grad
    total = x.grad.sum()
    x.grad = None
    handle.remove()
    total.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [4.0, 8.0])  # d/dx 2x**2

    x = al.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    y = x * x
    y.retain_grad()
    (y * y).sum().backward(create_graph=True)
    np.testing.assert_array_equal(y.grad.numpy(), [2.0, 8.0])  # 2y
    assert y.grad.requires_grad
    x.grad = None
    y.grad.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [4.0, 8.0])  # d/dx 2x**2


def test_create_graph_accumulates_differentiable_grads():
    x = al.tensor(3.0, dtype=np.float64, requires_grad=True)
    (x**2).backward(create_graph=True)
    (x**3).backward(create_graph=True)
    assert x.grad.item() == pytest.approx(6.0 + 27.0)
    (h,) = al.grad(x.grad, x)
    assert h.item() == pytest.approx(2.0 + 18.0)


# -- regressions: second derivatives through shared gradients, kinks and pow at b == 0 ----


def test_create_graph_gives_each_leaf_its_own_grad_and_later_backwards_accumulate():
    a = al.tensor([1.0, 2.0], requires_grad=True)
    b = al.tensor([3.0, 4.0], requires_grad=True)
    ((a + b) ** 2).sum().backward(create_graph=True)
    assert a.grad is not b.grad and not np.shares_memory(a.grad.numpy(), b.grad.numpy())
    (a * 1).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [9.0, 13.0])
    np.testing.assert_array_equal(b.grad.numpy(), [8.0, 12.0])  # untouched by a's backward


@pytest.mark.parametrize(
    "consumer",
    [
        lambda s: (s.log_softmax(axis=-1) * al.tensor([1.0, -2.0, 0.5], dtype=np.float64)).sum(),
        lambda s: (s @ s.T).sum(),
        lambda s: (2.5**s).sum(),
    ],
    ids=["log_softmax", "matmul", "scalar_pow"],
)
def test_second_order_sums_when_a_sum_of_leaves_feeds_an_op(consumer):
    """x0 + x1 hands one gradient to both leaves. After backward(create_graph=True), a
    backward of sum(leaf.grad * v) adds each leaf's own Hessian-vector product to its .grad
    (checked against central differences of the gradient)."""
    rng = np.random.default_rng(0)
    values = [rng.standard_normal((2, 3)), rng.standard_normal((2, 3))]
    vectors = [rng.standard_normal((2, 3)), rng.standard_normal((2, 3))]

    def gradients(arrays):
        leaves = [al.tensor(v, requires_grad=True) for v in arrays]
        consumer(leaves[0] + leaves[1]).backward(create_graph=True)
        return leaves, [leaf.grad for leaf in leaves]

    leaves, grads = gradients(values)
    first = [g.numpy().copy() for g in grads]
    sum((g * al.tensor(v)).sum() for g, v in zip(grads, vectors)).backward()
    eps = 1e-6
    plus = gradients([x + eps * v for x, v in zip(values, vectors)])[1]
    minus = gradients([x - eps * v for x, v in zip(values, vectors)])[1]
    for leaf, g, p, m in zip(leaves, first, plus, minus):
        hvp = (p.numpy() - m.numpy()) / (2 * eps)
        np.testing.assert_allclose(leaf.grad.numpy(), g + hvp, rtol=1e-5, atol=1e-7)


def test_clip_grad_norm_scales_each_gradient_once_after_create_graph():
    import nn

    a = al.tensor([3.0], dtype=np.float64, requires_grad=True)
    b = al.tensor([4.0], dtype=np.float64, requires_grad=True)
    (a + b).sum().backward(create_graph=True)  # both gradients are the same ones
    nn.utils.clip_grad_norm_([a, b], max_norm=1.0)
    np.testing.assert_allclose([a.grad.item(), b.grad.item()], [0.5**0.5, 0.5**0.5], rtol=1e-6)


def test_a_later_backward_leaves_the_callers_gradient_alone():
    x = al.tensor([1.0, 2.0], requires_grad=True)
    seed = al.tensor([1.0, 1.0])
    (x + 0).backward(seed)  # add hands the caller's gradient straight to x
    (x + 0).backward(seed)
    np.testing.assert_array_equal(seed.numpy(), [1.0, 1.0])
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])


@pytest.mark.parametrize("fn", [al.relu, al.abs, al.leaky_relu, lambda x: al.relu(x @ al.ones((3, 3)))])
def test_gradients_through_kinks_stay_differentiable_under_create_graph(fn):
    x = al.tensor([[-1.5, 0.5, 2.0]], requires_grad=True)
    fn(x).sum().backward(create_graph=True)
    assert x.grad.requires_grad  # as PyTorch: a function of x, with zero second derivative
    (second,) = al.grad(x.grad.sum(), [x])
    np.testing.assert_array_equal(second.numpy(), np.zeros((1, 3)))


def test_mixed_second_derivative_of_pow_at_zero_exponent():
    """d/db of d(a**b)/da = a**(b-1) (1 + b log a): at b = 0 it is 1/a."""
    a = al.tensor([0.5, 2.0, 3.0], dtype=np.float64, requires_grad=True)
    b = al.tensor([0.0, 0.0, 1.5], dtype=np.float64, requires_grad=True)
    (grad_a,) = al.grad((a**b).sum(), [a], create_graph=True)
    (mixed,) = al.grad(grad_a.sum(), [b])
    av, bv = a.numpy(), b.numpy()
    np.testing.assert_allclose(mixed.numpy(), av ** (bv - 1) * (1 + bv * np.log(av)))
    np.testing.assert_allclose(grad_a.numpy(), bv * av ** (bv - 1))
