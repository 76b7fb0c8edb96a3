"""Which autograd_lite function NumPy calls when a ufunc or array function meets a Tensor.

This is what lets one derivative rule, written with NumPy, run on arrays (plain
backward) and on Tensors (`create_graph=True`, building the graph of the backward).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import ARRAY_FUNCTIONS, UFUNCS, Tensor
from . import arithmetic, binary, elementwise, linalg, predicates, reduce, rounding, shape, transcendental
from ._common import as_tensor


def _constant(ufunc: np.ufunc):
    """A ufunc with no gradient (sign, comparisons): applied to the data."""

    def apply(*args: Any) -> Tensor:
        return Tensor._make(np.asarray(ufunc(*[a._data if isinstance(a, Tensor) else a for a in args])), None)

    return apply


def _square(x: Any) -> Tensor:
    x = as_tensor(x)
    return arithmetic.mul(x, x)


UFUNCS.update(
    {
        np.add: arithmetic.add,
        np.subtract: arithmetic.sub,
        np.multiply: arithmetic.mul,
        np.true_divide: arithmetic.div,
        np.power: arithmetic.pow,
        np.remainder: arithmetic.remainder,  # also np.mod, the same ufunc
        np.fmod: arithmetic.fmod,
        np.negative: arithmetic.neg,
        np.positive: lambda x: x,
        np.matmul: linalg.matmul,
        np.exp: elementwise.exp,
        np.log: elementwise.log,
        np.sqrt: elementwise.sqrt,
        np.absolute: elementwise.abs,
        np.sin: elementwise.sin,
        np.cos: elementwise.cos,
        np.tanh: elementwise.tanh,
        np.maximum: elementwise.maximum,
        np.minimum: elementwise.minimum,
        np.square: _square,
        np.reciprocal: transcendental.reciprocal,
        np.expm1: transcendental.expm1,
        np.log1p: transcendental.log1p,
        np.sinh: transcendental.sinh,
        np.cosh: transcendental.cosh,
        np.arcsin: transcendental.asin,
        np.arccos: transcendental.acos,
        np.arctan: transcendental.atan,
        np.arcsinh: transcendental.asinh,
        np.arccosh: transcendental.acosh,
        np.arctanh: transcendental.atanh,
        np.arctan2: binary.atan2,
        np.hypot: binary.hypot,
        np.logaddexp: binary.logaddexp,
        np.logaddexp2: binary.logaddexp2,
        np.fmax: binary.fmax,
        np.fmin: binary.fmin,
        np.floor: rounding.floor,
        np.ceil: rounding.ceil,
        np.trunc: rounding.trunc,
        np.rint: rounding.round,
        np.isinf: predicates.isinf,
        np.logical_and: predicates.logical_and,
        np.logical_or: predicates.logical_or,
        np.logical_xor: predicates.logical_xor,
        np.logical_not: predicates.logical_not,
        np.sign: _constant(np.sign),
        np.isfinite: predicates.isfinite,
        np.isnan: predicates.isnan,
        np.greater: _constant(np.greater),
        np.greater_equal: _constant(np.greater_equal),
        np.less: _constant(np.less),
        np.less_equal: _constant(np.less_equal),
        np.equal: _constant(np.equal),
        np.not_equal: _constant(np.not_equal),
    }
)

ARRAY_FUNCTIONS.update(
    {
        np.broadcast_to: shape.broadcast_to,
        np.where: elementwise.where,
        np.reshape: lambda x, shape_, *args, **kwargs: shape.reshape(x, shape_),
        np.transpose: lambda x, axes=None: shape.transpose(x, *(() if axes is None else (axes,))),
        np.sum: lambda x, axis=None, keepdims=False, **kwargs: reduce.sum(x, axis, keepdims),
        np.mean: lambda x, axis=None, keepdims=False, **kwargs: reduce.mean(x, axis, keepdims),
        np.concatenate: lambda arrays, axis=0: shape.concatenate(arrays, axis),
        np.stack: lambda arrays, axis=0: shape.stack(arrays, axis),
        np.clip: lambda x, a_min=None, a_max=None, **kwargs: elementwise.clip(x, a_min, a_max),
        np.einsum: lambda subscripts, *operands, **kwargs: linalg.einsum(subscripts, *operands),
        np.round: rounding.round,
        np.fix: rounding.fix,
        np.isposinf: predicates.isposinf,
        np.isneginf: predicates.isneginf,
        np.nan_to_num: lambda x, copy=True, nan=0.0, posinf=None, neginf=None: predicates.nan_to_num(
            x, nan, posinf, neginf
        ),
        np.shape: lambda x: as_tensor(x).shape,
        np.ndim: lambda x: as_tensor(x).ndim,
    }
)
