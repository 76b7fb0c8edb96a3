"""Layer normalisation (F.layer_norm, nn.LayerNorm) as one op with its analytic derivative."""

# `input` is PyTorch's argument name; keeping it lets calls by keyword port unchanged.
# ruff: noqa: A001, A002

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_lite import Tensor, as_tensor
from autograd_lite.function import Op

from .module import Module
from .parameter import Parameter, factory_dtype


def _normalized(x: Any, axes: tuple, eps: float) -> tuple[Any, Any]:
    """(x - mean) / sqrt(var + eps) over `axes` and the 1 / sqrt(var + eps) it used, for
    arrays or (in a create_graph backward) Tensors."""
    centered = x - x.mean(axis=axes, keepdims=True)
    rstd = 1.0 / np.sqrt((centered * centered).mean(axis=axes, keepdims=True) + eps)
    return centered * rstd, rstd


class LayerNormOp(Op):
    """y = xhat * weight + bias,  xhat = (x - mean) / sqrt(var + eps) over the last axes;
    with g = grad * weight:  d/dx = rstd (g - mean(g) - xhat mean(g xhat)),
    d/dweight = grad xhat,  d/dbias = grad  (summed over the leading axes by the engine)"""

    __slots__ = ("axes", "eps")
    name = "layer_norm"

    @staticmethod
    def forward(ctx, x, weight, bias, axes, eps):
        ctx.axes, ctx.eps = axes, eps
        xhat, rstd = _normalized(x, axes, eps)
        xhat = xhat.astype(x.dtype, copy=False)
        ctx.save_for_backward(x, weight, xhat, rstd.astype(x.dtype, copy=False))
        out = xhat
        if weight is not None:
            out = out * weight
        if bias is not None:
            out = out + bias
        return out

    @staticmethod
    def backward(ctx, grad):
        x, weight, xhat, rstd = ctx.saved_tensors
        axes = ctx.axes
        needs_x, needs_weight, needs_bias = ctx.inputs
        if isinstance(x, Tensor):
            # create_graph: xhat and rstd are recomputed from x so they are part of the graph.
            xhat, rstd = _normalized(x, axes, ctx.eps)
        g = grad if weight is None else grad * weight
        grad_x = None
        if needs_x is not None:
            grad_x = rstd * (
                g - g.mean(axis=axes, keepdims=True) - xhat * (g * xhat).mean(axis=axes, keepdims=True)
            )
        grad_weight = grad * xhat if needs_weight is not None else None
        return grad_x, grad_weight, grad if needs_bias is not None else None


def _shape_tuple(normalized_shape: Any) -> tuple[int, ...]:
    if isinstance(normalized_shape, (int, np.integer)):
        return (int(normalized_shape),)
    return tuple(int(n) for n in normalized_shape)


def _check_affine(name: str, value: Tensor | None, shape: tuple, input: Tensor) -> None:
    input_shape = input.shape
    if value is not None and value.dtype != input.dtype:
        raise TypeError(
            f"layer_norm: {name} has dtype {value.dtype} but the input has dtype {input.dtype}; "
            "they must be equal (convert one with .float() or .double())"
        )
    if value is not None and tuple(value.shape) != shape:
        raise RuntimeError(
            f"layer_norm: {name} of shape {tuple(value.shape)} does not match normalized_shape "
            f"{list(shape)} (input of shape {input_shape})"
        )


def layer_norm(
    input: Any,
    normalized_shape: Any,
    weight: Any = None,
    bias: Any = None,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise over the last len(normalized_shape) axes (mean 0, biased variance 1, eps
    added to the variance), then scale by `weight` and shift by `bias` if given.

    >>> import autograd_lite as al, nn.functional as F
    >>> [round(v, 4) for v in F.layer_norm(al.tensor([[1.0, 3.0]]), (2,)).numpy().ravel().tolist()]
    [-1.0, 1.0]
    """
    input = as_tensor(input)
    shape = _shape_tuple(normalized_shape)
    if not shape or input.shape[input.ndim - len(shape) :] != shape or input.ndim < len(shape):
        raise RuntimeError(
            f"layer_norm: given normalized_shape={list(shape)}, expected input with shape "
            f"[*, {', '.join(map(str, shape))}], but got input of shape {input.shape}"
        )
    weight = None if weight is None else as_tensor(weight)
    bias = None if bias is None else as_tensor(bias)
    _check_affine("weight", weight, shape, input)
    _check_affine("bias", bias, shape, input)
    axes = tuple(range(input.ndim - len(shape), input.ndim))
    return LayerNormOp.apply(input, weight, bias, axes=axes, eps=float(eps))


class LayerNorm(Module):
    """Layer normalisation over the trailing `normalized_shape` axes of each sample, with a
    learnable elementwise `weight` (ones) and `bias` (zeros), as PyTorch's LayerNorm.

    >>> import autograd_lite as al, nn
    >>> norm = nn.LayerNorm(4)
    >>> norm(al.randn(2, 3, 4)).shape, norm.weight.shape
    ((2, 3, 4), (4,))
    """

    def __init__(
        self,
        normalized_shape: Any,
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.normalized_shape = _shape_tuple(normalized_shape)
        if not self.normalized_shape or min(self.normalized_shape) < 0:
            raise ValueError(f"LayerNorm: normalized_shape must be non-empty sizes, got {normalized_shape!r}")
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        dtype = factory_dtype("LayerNorm", device, dtype)
        if elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dtype=dtype))
        else:
            self.register_parameter("weight", None)
        if elementwise_affine and bias:
            self.bias = Parameter(np.zeros(self.normalized_shape, dtype=dtype))
        else:
            self.register_parameter("bias", None)

    def reset_parameters(self) -> None:
        """weight to ones and bias to zeros."""
        if self.weight is not None:
            self.weight.numpy()[...] = 1
        if self.bias is not None:
            self.bias.numpy()[...] = 0

    def forward(self, input: Any) -> Tensor:
        return layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
            f"bias={self.bias is not None}"
        )
