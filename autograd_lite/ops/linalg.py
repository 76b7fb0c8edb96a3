"""Matrix products: `matmul` (NumPy semantics: 1-D operands, broadcast batches) and
`linear` (x @ weight.T + bias, one node for a dense layer)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Op
from ..tensor import Tensor
from ._common import as_tensor, binary_operands


def _swap_last(m: Any) -> Any:
    """Transpose of the last two axes (works on arrays and Tensors)."""
    ndim = m.ndim
    return m.transpose(tuple(range(ndim - 2)) + (ndim - 1, ndim - 2))


class MatMul(Op):
    """a @ b;  d/da = grad @ b^T,  d/db = a^T @ grad  (1-D operands as NumPy: a row / a column)"""

    __slots__ = ()
    name = "matmul"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a @ b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        needs_a, needs_b = ctx.inputs
        a_vector, b_vector = a.ndim == 1, b.ndim == 1
        if a_vector and b_vector:
            return (grad * b if needs_a is not None else None, grad * a if needs_b is not None else None)
        # Give 1-D operands (and the gradient) the axes NumPy inserted for them.
        if a_vector:
            a = a.reshape((1, a.shape[0]))
            grad = grad.reshape(grad.shape[:-1] + (1, grad.shape[-1]))
        if b_vector:
            b = b.reshape((b.shape[0], 1))
            grad = grad.reshape(grad.shape + (1,))
        grad_a = grad_b = None
        if needs_a is not None:
            grad_a = grad @ _swap_last(b)
            if a_vector:
                grad_a = grad_a.reshape(grad_a.shape[:-2] + (grad_a.shape[-1],))
        if needs_b is not None:
            grad_b = _swap_last(a) @ grad
            if b_vector:
                grad_b = grad_b.reshape(grad_b.shape[:-1])
        return grad_a, grad_b


def matmul(a: Any, b: Any) -> Tensor:
    """Matrix product with NumPy's rules (1-D operands, broadcast batch dimensions).

    >>> import autograd_lite as al
    >>> (al.ones((2, 3)) @ al.ones(3)).tolist()
    [3.0, 3.0]
    """
    a, b = binary_operands(a, b)
    a_data = a._data if isinstance(a, Tensor) else np.asarray(a)
    b_data = b._data if isinstance(b, Tensor) else np.asarray(b)
    _check_matmul_shapes(a_data.shape, b_data.shape)
    return MatMul.apply(a, b)


def _check_matmul_shapes(a_shape: tuple, b_shape: tuple) -> None:
    if not a_shape or not b_shape:
        raise ValueError(f"matmul needs operands of at least 1 dimension, got shapes {a_shape} and {b_shape}")
    inner_a = a_shape[-1]
    inner_b = b_shape[0] if len(b_shape) == 1 else b_shape[-2]
    batch_ok = True
    try:
        np.broadcast_shapes(a_shape[:-2], b_shape[:-2])
    except ValueError:
        batch_ok = False
    if inner_a != inner_b or not batch_ok:
        raise ValueError(
            f"matmul shape mismatch: {a_shape} @ {b_shape} "
            f"(inner sizes {inner_a} and {inner_b} must match and batch shapes must broadcast)"
        )


class Linear(Op):
    """x @ weight^T + bias;  d/dx = grad @ weight,  d/dweight = grad^T @ x,  d/dbias = sum of grad"""

    __slots__ = ()
    name = "linear"

    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        out = x @ weight.T
        if bias is not None:
            out += bias
        return out

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        needs_x, needs_weight, needs_bias = ctx.inputs
        out_features = weight.shape[0]
        # Batch dimensions are folded into one so the weight gradient is one matmul.
        # Row counts are explicit: -1 cannot be inferred when a dimension is 0.
        rows = math.prod(grad.shape[:-1])
        grad_rows = grad.reshape((rows, out_features))
        return (
            grad @ weight if needs_x is not None else None,
            _swap_last(grad_rows) @ x.reshape((rows, x.shape[-1])) if needs_weight is not None else None,
            grad_rows.sum(axis=0) if needs_bias is not None else None,
        )


def linear(x: Any, weight: Any, bias: Any = None) -> Tensor:
    """x @ weight.T + bias, as one node (PyTorch's F.linear; weight is (out, in)).

    >>> import autograd_lite as al
    >>> al.linear(al.ones((4, 3)), al.ones((2, 3)), al.zeros(2)).shape
    (4, 2)
    """
    # isinstance first: a layer calls this with Tensors every time.
    if not isinstance(x, Tensor):
        x = as_tensor(x)
    if not isinstance(weight, Tensor):
        weight = as_tensor(weight)
    if bias is not None and not isinstance(bias, Tensor):
        bias = as_tensor(bias)
    x_shape, w_shape = x._data.shape, weight._data.shape
    if len(w_shape) != 2 or not x_shape or x_shape[-1] != w_shape[1]:
        raise ValueError(
            f"linear: input of shape {x_shape} does not fit a weight of shape {w_shape} "
            "(the input's last dimension must equal weight.shape[1])"
        )
    if bias is not None and bias._data.shape != (w_shape[0],):
        raise ValueError(f"linear: bias of shape {bias.shape} does not fit weight {w_shape}")
    return Linear.apply(x, weight, bias)


Tensor.__matmul__ = matmul
Tensor.__rmatmul__ = lambda self, other: matmul(other, self)
