"""autograd_lite: reverse-mode automatic differentiation on NumPy, PyTorch style.

>>> import autograd_lite as al
>>> x = al.tensor([1.0, 2.0], requires_grad=True)
>>> (x ** 2).sum().backward()
>>> x.grad
tensor([2., 4.])

PyTorch's namespaces are attributes, so `import autograd_lite as torch` code runs:
`al.nn` and `al.optim` (the distribution's `nn` and `optim` packages, imported on first
use), `al.utils.data`, `al.autograd` (`grad`, `Function`, `functional`), `al.cuda`
(`is_available()` is False: tensors live on the CPU, `al.device("cpu")`).
"""

import importlib
from typing import Any

# engine, ops.dispatch and ops.in_place are imported for what they attach to Tensor
# (`backward`, NumPy's dispatch, the in-place methods): tensor.py holds no calculus.
from . import autograd, cuda, data, engine, utils  # noqa: F401
from .anomaly import detect_anomaly, is_anomaly_enabled
from .autograd import grad
from .devices import device
from .dtypes import get_default_dtype, set_default_dtype
from .factories import arange, eye, full, ones, ones_like, rand, randn, tensor, zeros, zeros_like
from .function import Function
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import GradcheckError, gradcheck
from .graph import draw_graph
from .inplace import declare_updates
from .ops import dispatch, in_place  # noqa: F401
from .ops.arithmetic import add, div, fmod, mul, neg, pow, remainder, sub
from .ops.cast import astype, clone
from .ops.elementwise import (
    abs,
    clip,
    cos,
    elu,
    exp,
    gelu,
    leaky_relu,
    log,
    maximum,
    minimum,
    relu,
    sigmoid,
    sin,
    softplus,
    sqrt,
    tanh,
    where,
)
from .ops.gather import gather, index_select, masked_fill, masked_select, nonzero, tril, triu
from .ops.indexing import getitem
from .ops.linalg import linear, matmul
from .ops.reduce import (
    ValuesIndices,
    all,
    amax,
    amin,
    any,
    argmax,
    argmin,
    logsumexp,
    max,
    mean,
    min,
    norm,
    prod,
    std,
    sum,
    var,
)
from .ops.shape import (
    broadcast_to,
    cat,
    chunk,
    concatenate,
    flatten,
    flip,
    permute,
    reshape,
    split,
    squeeze,
    stack,
    t,
    transpose,
    unbind,
    unflatten,
    unsqueeze,
)
from .ops.softmax import log_softmax, softmax
from .ops.sort import argsort, cumsum, sort, topk
from .random import manual_seed
from .serialization import load, save
from .tensor import Tensor, as_tensor
from .trace import explain_backward, record_grad_norms

# PyTorch spellings: dtype names, factories, conversions, elementwise and matrix functions.
# isort: split
from .dtypes import bool_ as bool
from .dtypes import float16, float32, float64, int8, int16, int32, int64, uint8
from .dtypes import float16 as half
from .dtypes import float32 as float
from .dtypes import float64 as double
from .dtypes import int32 as int
from .dtypes import int64 as long
from .factories import empty, empty_like, from_numpy, full_like, linspace, rand_like, randint, randn_like
from .grad_mode import inference_mode, is_inference_mode_enabled
from .ops.arithmetic import allclose, bitwise_not, eq, equal, ge, gt, isclose, le, lt, ne, square
from .ops.elementwise import clamp, sign, silu
from .ops.linalg import bmm, einsum, mm, outer
from .ops.special import erf

# More shape, reduction, product, scatter and sampling functions with PyTorch's names.
# isort: split
from .ops.arrange import (
    diag,
    diff,
    dstack,
    hstack,
    is_tensor,
    moveaxis,
    movedim,
    narrow,
    numel,
    repeat_interleave,
    roll,
    swapaxes,
    swapdims,
    tensor_split,
    tile,
    vstack,
)
from .ops.linalg import dot, inner, tensordot
from .ops.scatter import index_add, scatter, scatter_add
from .ops.shape import concatenate as concat
from .ops.sort import cumprod
from .ops.statistics import count_nonzero, median, nanmean, nansum, std_mean, var_mean
from .sampling import bernoulli, multinomial, normal, randperm

# isort: split
from .ops.binary import arctan2, atan2, fmax, fmin, hypot, lerp, logaddexp, logaddexp2
from .ops.elementwise import clamp_max, clamp_min
from .ops.predicates import (
    isfinite,
    isinf,
    isnan,
    isneginf,
    isposinf,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    nan_to_num,
)
from .ops.rounding import ceil, fix, floor, frac, round, trunc
from .ops.transcendental import (
    acos,
    acosh,
    arccos,
    arccosh,
    arcsin,
    arcsinh,
    arctan,
    arctanh,
    asin,
    asinh,
    atan,
    atanh,
    cosh,
    expm1,
    log1p,
    reciprocal,
    rsqrt,
    sinh,
)

__version__ = "0.1.0"

__all__ = [
    "Tensor", "Function", "GradcheckError", "data", "autograd", "utils", "as_tensor", "declare_updates",
    "tensor", "zeros", "ones", "full", "eye", "arange", "zeros_like", "ones_like", "randn", "rand",
    "manual_seed", "get_default_dtype", "set_default_dtype",
    "no_grad", "enable_grad", "is_grad_enabled", "set_grad_enabled", "grad", "gradcheck",
    "detect_anomaly", "is_anomaly_enabled", "draw_graph", "graph_html", "explain_backward", "record_grad_norms",
    "save", "load",
    "add", "sub", "mul", "div", "pow", "neg", "astype", "clone", "matmul", "linear",
    "exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "relu", "leaky_relu", "elu",
    "softplus", "gelu", "clip", "maximum", "minimum", "where",
    "sum", "mean", "max", "min", "var", "std", "logsumexp", "argmax", "argmin",
    "reshape", "transpose", "flatten", "squeeze", "unsqueeze", "broadcast_to", "concatenate",
    "cat", "chunk", "flip", "permute", "split", "t", "unbind", "unflatten",
    "gather", "index_select", "masked_fill", "masked_select", "nonzero", "tril", "triu",
    "stack", "getitem", "softmax", "log_softmax",
    "float16", "float32", "float64", "half", "float", "double", "int8", "int16", "int32", "int64",
    "int", "long", "uint8", "bool",
    "empty", "empty_like", "from_numpy", "full_like", "linspace", "rand_like", "randint", "randn_like",
    "inference_mode", "is_inference_mode_enabled",
    "eq", "ne", "lt", "le", "gt", "ge", "square", "bitwise_not", "allclose", "isclose", "equal",
    "clamp", "sign", "silu", "erf", "mm", "bmm", "outer", "einsum",
]  # fmt: skip
__all__ += [
    "ValuesIndices",
    "amax",
    "amin",
    "prod",
    "all",
    "any",
    "norm",
    "cumsum",
    "topk",
    "sort",
    "argsort",
    "cuda",
    "device",
    "remainder",
    "fmod",
]
__all__ += [
    "is_tensor", "numel", "concat", "hstack", "vstack", "dstack", "movedim", "moveaxis", "swapaxes",
    "swapdims", "narrow", "tensor_split", "tile", "roll", "repeat_interleave", "diag", "diff", "cumprod",
    "dot", "inner", "tensordot", "count_nonzero", "nansum", "nanmean", "std_mean", "var_mean", "median",
    "scatter", "scatter_add", "index_add", "randperm", "bernoulli", "multinomial", "normal",
    "isnan",
    "isinf",
    "isfinite",
    "isposinf",
    "isneginf",
    "nan_to_num",
    "logical_and",
    "logical_or",
    "logical_not",
    "logical_xor",
    "floor",
    "ceil",
    "round",
    "trunc",
    "fix",
    "frac",
    "rsqrt",
    "reciprocal",
    "expm1",
    "log1p",
    "sinh",
    "cosh",
    "asin",
    "acos",
    "atan",
    "asinh",
    "acosh",
    "atanh",
    "arcsin",
    "arccos",
    "arctan",
    "arcsinh",
    "arccosh",
    "arctanh",
    "atan2",
    "arctan2",
    "hypot",
    "logaddexp",
    "logaddexp2",
    "lerp",
    "clamp_min",
    "clamp_max",
    "fmax",
    "fmin",
]  # fmt: skip

# `nn` and `optim` are imported on first use (`al.nn`, `from autograd_lite import optim`):
# `import autograd_lite` stays fast, and they, which import autograd_lite, load after it.
_LAZY_PACKAGES = ("nn", "optim")
# The interactive view's module (with json, html and importlib.resources) loads on first use
# of `al.graph_html`: 2.5 ms of the 17 ms that importing autograd_lite takes over numpy.
_LAZY_FUNCTIONS = {"graph_html": ".graph_page"}


def __getattr__(name: str) -> Any:
    if name in _LAZY_PACKAGES:
        module = importlib.import_module(name)
        globals()[name] = module
        return module
    if name in _LAZY_FUNCTIONS:
        function = getattr(importlib.import_module(_LAZY_FUNCTIONS[name], __name__), name)
        globals()[name] = function
        return function
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY_PACKAGES, *_LAZY_FUNCTIONS])
