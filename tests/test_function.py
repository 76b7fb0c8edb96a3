"""Custom operations with al.Function, as torch.autograd.Function."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as al


class Cube(al.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x * x


class ScaledProduct(al.Function):
    """a * b * scale, with a non-tensor argument that gets no gradient."""

    @staticmethod
    def forward(ctx, a, b, scale):
        ctx.save_for_backward(a, b)
        ctx.scale = scale
        ctx.seen_needs = ctx.needs_input_grad
        return a * b * scale

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        needs_a, needs_b, _ = ctx.needs_input_grad
        return (
            grad * b * ctx.scale if needs_a else None,
            grad * a * ctx.scale if needs_b else None,
            None,
        )


def test_apply_records_a_node_named_after_the_class():
    x = al.tensor([1.0, -2.0], dtype=np.float64, requires_grad=True)
    y = Cube.apply(x)
    assert y.grad_fn is not None and y.grad_fn.name == "Cube"
    assert not y.is_leaf and y.requires_grad
    np.testing.assert_array_equal(y.numpy(), [1.0, -8.0])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 12.0])


def test_forward_runs_without_recording_and_backward_gets_tensors():
    seen = {}

    class Probe(al.Function):
        @staticmethod
        def forward(ctx, x):
            seen["grad_enabled"] = al.is_grad_enabled()
            seen["input_type"] = type(x)
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            seen["grad_type"] = type(grad)
            return grad * 2

    x = al.tensor([1.0], requires_grad=True)
    Probe.apply(x).sum().backward()
    assert seen == {"grad_enabled": False, "input_type": al.Tensor, "grad_type": al.Tensor}
    assert x.grad.item() == 2.0


def test_multi_input_function_with_needs_input_grad_and_a_constant_argument():
    a = al.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    b = al.tensor([3.0, 4.0], dtype=np.float64)
    out = ScaledProduct.apply(a, b, 0.5)
    assert out.grad_fn.seen_needs == (True, False, False)
    out.sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [1.5, 2.0])
    assert b.grad is None

    b.requires_grad = True
    a.grad = None
    ScaledProduct.apply(a, b, 2.0).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [6.0, 8.0])
    np.testing.assert_array_equal(b.grad.numpy(), [2.0, 4.0])


def test_custom_functions_pass_gradcheck_and_compose_with_builtins():
    a = al.tensor(np.array([0.3, -1.2, 2.0]), requires_grad=True)
    b = al.tensor(np.array([1.1, 0.4, -0.7]), requires_grad=True)
    assert al.gradcheck(lambda x: Cube.apply(x.sin()).exp(), (a,))
    assert al.gradcheck(lambda x, y: ScaledProduct.apply(x, y.tanh(), 1.5), (a, b))


def test_no_node_without_inputs_requiring_grad_or_under_no_grad():
    x = al.tensor([1.0, 2.0])
    assert Cube.apply(x).grad_fn is None
    w = al.tensor([1.0], requires_grad=True)
    with al.no_grad():
        y = Cube.apply(w)
    assert y.grad_fn is None and not y.requires_grad


def test_saved_tensors_are_freed_unless_retain_graph():
    x = al.tensor([2.0], requires_grad=True)
    y = Cube.apply(x)
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.item() == 24.0
    with pytest.raises(RuntimeError, match="retain_graph"):
        y.backward()


def test_wrong_number_of_gradients_is_a_clear_error():
    class TooFew(al.Function):
        @staticmethod
        def forward(ctx, a, b):
            return a + b

        @staticmethod
        def backward(ctx, grad):
            return grad

    a = al.tensor([1.0], requires_grad=True)
    b = al.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="TooFew.*1.*2"):
        TooFew.apply(a, b).sum().backward()


def test_gradient_of_the_wrong_shape_is_a_clear_error():
    class BadShape(al.Function):
        @staticmethod
        def forward(ctx, x):
            return x.sum()

        @staticmethod
        def backward(ctx, grad):
            return al.ones(5)

    x = al.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"BadShape.*\(5,\).*\(2,\)"):
        BadShape.apply(x).backward()


def test_integer_output_cannot_require_grad():
    class ToInt(al.Function):
        @staticmethod
        def forward(ctx, x):
            return x.astype(np.int64)

        @staticmethod
        def backward(ctx, grad):
            return grad

    with pytest.raises(TypeError, match="int64"):
        ToInt.apply(al.tensor([1.0], requires_grad=True))


def test_second_order_through_a_function_written_with_tensor_ops():
    x = al.tensor(1.5, dtype=np.float64, requires_grad=True)
    (g,) = al.grad(Cube.apply(x), x, create_graph=True)
    assert g.item() == pytest.approx(3 * 1.5**2)
    (h,) = al.grad(g, x)
    assert h.item() == pytest.approx(6 * 1.5)
