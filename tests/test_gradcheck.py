"""al.gradcheck itself: it passes correct derivatives, and on a wrong one names the
input and the worst element; it refuses inputs that are not float64."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as al


class WrongAtOneElement(al.Function):
    """x * y whose derivative w.r.t. y is off at flat element 2 only."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return x * y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        bump = np.zeros(y.shape)
        bump.flat[2] = 0.5
        return grad * y, grad * x + al.tensor(bump)


def inputs():
    x = al.tensor(np.array([[0.5, -1.0], [2.0, 1.5]]), requires_grad=True)
    y = al.tensor(np.array([[1.0, 2.0], [-0.5, 0.25]]), requires_grad=True)
    return x, y


def test_passes_correct_derivatives_and_leaves_inputs_unchanged():
    x, y = inputs()
    before = (x.numpy().copy(), y.numpy().copy())
    assert al.gradcheck(lambda a, b: (a * b).exp() / (1 + b * b), (x, y)) is True
    np.testing.assert_array_equal(x.numpy(), before[0])
    np.testing.assert_array_equal(y.numpy(), before[1])
    assert x.grad is None and y.grad is None


def test_a_wrong_derivative_names_the_input_and_worst_element():
    x, y = inputs()
    with pytest.raises(al.GradcheckError, match=r"input 1.*input element \(1, 0\)") as error:
        al.gradcheck(WrongAtOneElement.apply, (x, y))
    assert "analytical" in str(error.value) and "numerical" in str(error.value)
    assert isinstance(error.value, RuntimeError)
    assert al.gradcheck(WrongAtOneElement.apply, (x, y), raise_exception=False) is False


def test_only_inputs_requiring_grad_are_checked():
    x, y = inputs()
    y.requires_grad = False
    assert al.gradcheck(WrongAtOneElement.apply, (x, y))


def test_several_outputs_are_each_checked():
    x, y = inputs()
    assert al.gradcheck(lambda a, b: (a * b, a.sum() + b.exp()), (x, y))
    with pytest.raises(al.GradcheckError, match="output 1 with respect to input 1"):
        al.gradcheck(lambda a, b: (a + b, WrongAtOneElement.apply(a, b)), (x, y))


def test_refuses_float32_and_inputs_without_grad():
    x32 = al.tensor([1.0, 2.0], dtype=np.float32, requires_grad=True)
    with pytest.raises(TypeError, match="float64"):
        al.gradcheck(lambda t: t * 2, (x32,))
    with pytest.raises(ValueError, match="requires grad"):
        al.gradcheck(lambda t: t * 2, (al.tensor([1.0], dtype=np.float64),))


def test_single_tensor_input_and_tolerances():
    x = al.tensor(np.array([1.0, 2.0]), requires_grad=True)
    assert al.gradcheck(lambda t: t**3, x)

    class SlightlyOff(al.Function):
        @staticmethod
        def forward(ctx, t):
            return t * 2

        @staticmethod
        def backward(ctx, grad):
            return grad * 2.001

    assert al.gradcheck(SlightlyOff.apply, x, atol=1e-2, rtol=0)
    assert not al.gradcheck(SlightlyOff.apply, x, atol=1e-5, rtol=1e-4, raise_exception=False)


def test_nan_gradient_is_a_mismatch():
    class NanGrad(al.Function):
        @staticmethod
        def forward(ctx, t):
            return t * 1

        @staticmethod
        def backward(ctx, grad):
            return grad * np.nan

    x = al.tensor(np.array([1.0]), requires_grad=True)
    assert not al.gradcheck(NanGrad.apply, (x,), raise_exception=False)
