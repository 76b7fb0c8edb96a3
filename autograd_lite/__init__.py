"""autograd_lite: reverse-mode automatic differentiation on NumPy, PyTorch style.

>>> import autograd_lite as al
>>> x = al.tensor([1.0, 2.0], requires_grad=True)
>>> (x ** 2).sum().backward()
>>> x.grad
tensor([2., 4.])
"""

# engine, ops.dispatch and ops.in_place are imported for what they attach to Tensor
# (`backward`, NumPy's dispatch, the in-place methods): tensor.py holds no calculus.
from . import data, engine  # noqa: F401
from .anomaly import detect_anomaly, is_anomaly_enabled
from .autograd import grad
from .dtypes import get_default_dtype, set_default_dtype
from .factories import arange, eye, full, ones, ones_like, rand, randn, tensor, zeros, zeros_like
from .function import Function
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import GradcheckError, gradcheck
from .graph import draw_graph
from .inplace import declare_updates
from .ops import dispatch, in_place  # noqa: F401
from .ops.arithmetic import add, div, mul, neg, pow, sub
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
from .ops.shape import broadcast_to, concatenate, flatten, reshape, squeeze, stack, transpose, unsqueeze
from .ops.softmax import log_softmax, softmax
from .ops.sort import argsort, cumsum, sort, topk
from .random import manual_seed
from .serialization import load, save
from .tensor import Tensor, as_tensor
from .trace import explain_backward, record_grad_norms

__version__ = "0.1.0"

__all__ = [
    "Tensor", "Function", "GradcheckError", "data", "as_tensor", "declare_updates",
    "tensor", "zeros", "ones", "full", "eye", "arange", "zeros_like", "ones_like", "randn", "rand",
    "manual_seed", "get_default_dtype", "set_default_dtype",
    "no_grad", "enable_grad", "is_grad_enabled", "set_grad_enabled", "grad", "gradcheck",
    "detect_anomaly", "is_anomaly_enabled", "draw_graph", "explain_backward", "record_grad_norms",
    "save", "load",
    "add", "sub", "mul", "div", "pow", "neg", "astype", "clone", "matmul", "linear",
    "exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "relu", "leaky_relu", "elu",
    "softplus", "gelu", "clip", "maximum", "minimum", "where",
    "sum", "mean", "max", "min", "var", "std", "logsumexp", "argmax", "argmin",
    "reshape", "transpose", "flatten", "squeeze", "unsqueeze", "broadcast_to", "concatenate",
    "stack", "getitem", "softmax", "log_softmax",
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
]
