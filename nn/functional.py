"""The functions behind nn's layers and losses (each formula lives here once).

Activations and `linear` are the library's own ops; the losses that need their own
derivative for speed or stability (cross-entropy, NLL, BCE, BCE with logits, Huber)
are array-level `Op`s defined below, written so that `create_graph=True` works.
"""

# `input` is PyTorch's argument name for losses; keeping it lets calls by keyword port unchanged.
# ruff: noqa: A001, A002

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd_lite as al
from autograd_lite import (
    Tensor,
    as_tensor,
    declare_updates,
    elu,
    leaky_relu,
    linear,
    relu,
    sigmoid,
    tanh,
)
from autograd_lite.function import Op

from .attention import scaled_dot_product_attention
from .convolution import conv1d, conv2d
from .embedding import embedding, one_hot
from .functional_dropout import dropout
from .normalization import layer_norm
from .padding import pad
from .pooling import adaptive_avg_pool2d, avg_pool2d, max_pool2d

__all__ = [
    "relu", "leaky_relu", "elu", "sigmoid", "tanh", "softplus", "gelu", "silu", "softmax", "log_softmax",
    "linear", "conv1d", "conv2d", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "pad", "dropout", "batch_norm",
    "layer_norm", "embedding", "one_hot", "scaled_dot_product_attention", "normalize", "cosine_similarity",
    "mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss", "kl_div", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "cross_entropy", "nll_loss",
]  # fmt: skip

_REDUCTIONS = ("mean", "sum", "none")


def _check_reduction(reduction: str) -> str:
    """`reduction` if it is "mean", "sum" or "none", else ValueError."""
    if reduction not in _REDUCTIONS:
        raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
    return reduction


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


# -- activations ---------------------------------------------------------------


def softplus(x: Any, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta x)) / beta, and x itself where beta x > threshold (PyTorch's rule).

    >>> import autograd_lite as al, nn.functional as F
    >>> round(F.softplus(al.tensor([0.0])).item(), 4)
    0.6931
    """
    if beta == 1.0 and threshold == 20.0:
        return al.softplus(x)
    x = as_tensor(x)
    scaled = x * beta
    return al.where(scaled.numpy() > threshold, x, al.softplus(scaled) / beta)


def _dim(dim: Any, axis: Any, default: Any, function: str) -> Any:
    """PyTorch's `dim`, or NumPy's `axis` as its alias (giving both is a TypeError)."""
    if axis is not None:
        if dim is not None:
            raise TypeError(f"{function}() got both dim={dim!r} and axis={axis!r}; axis is an alias of dim")
        return axis
    return default if dim is None else dim


def softmax(
    input: Any, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None, *, axis: Any = None
) -> Tensor:
    """exp(x) / sum(exp(x)) along `dim` (default -1; `axis=` is an alias), optionally
    computed in `dtype`.

    >>> import autograd_lite as al, nn.functional as F
    >>> F.softmax(al.zeros((1, 2)), dim=1).tolist()
    [[0.5, 0.5]]
    """
    dim = _dim(dim, axis, -1, "softmax")
    input = as_tensor(input)
    return al.softmax(input if dtype is None else input.astype(dtype), dim)


def log_softmax(
    input: Any, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None, *, axis: Any = None
) -> Tensor:
    """log(softmax(x)) along `dim` (default -1; `axis=` is an alias), computed stably.

    >>> import autograd_lite as al, nn.functional as F
    >>> F.log_softmax(al.tensor([[0.0, 1e4]]), dim=1).tolist()
    [[-10000.0, 0.0]]
    """
    dim = _dim(dim, axis, -1, "log_softmax")
    input = as_tensor(input)
    return al.log_softmax(input if dtype is None else input.astype(dtype), dim)


def silu(input: Any, inplace: bool = False) -> Tensor:
    """x * sigmoid(x) (also called swish); `inplace` is accepted and ignored.

    >>> import autograd_lite as al, nn.functional as F
    >>> F.silu(al.tensor([0.0, 1e4])).tolist()
    [0.0, 10000.0]
    """
    return al.silu(input)


def gelu(input: Any, approximate: str = "none") -> Tensor:
    """GELU, x * Phi(x) with Phi the standard normal CDF (PyTorch's exact erf form, the
    default), or its tanh approximation with `approximate="tanh"`.

    >>> import autograd_lite as al, nn.functional as F
    >>> round(F.gelu(al.tensor([1.0])).item(), 6), round(F.gelu(al.tensor([1.0]), approximate="tanh").item(), 6)
    (0.841345, 0.841192)
    """
    if approximate not in ("none", "tanh"):
        raise ValueError(f"approximate must be 'none' or 'tanh', got approximate={approximate!r}")
    return al.gelu(input, approximate=approximate)


# -- dropout and normalisation -------------------------------------------------


def batch_norm(
    x: Any,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Batch normalisation of (N, C), (N, C, L) or (N, C, H, W) input over all axes but the
    channel axis 1.

    Training: normalise with the biased batch variance and, when running statistics are
    given, update them in place with `momentum` (running_var from the unbiased variance,
    as PyTorch). Otherwise: normalise with the running statistics.

    >>> import autograd_lite as al, nn.functional as F
    >>> out = F.batch_norm(al.tensor([[1.0], [3.0]]), None, None, training=True)
    >>> [round(v, 3) for v in out.numpy().ravel().tolist()]
    [-1.0, 1.0]
    """
    x = as_tensor(x)
    shape = x.shape
    if len(shape) not in (2, 3, 4):
        raise ValueError(f"batch_norm expects input of shape (N, C), (N, C, L) or (N, C, H, W), got {shape}")
    channels = shape[1]
    axes = (0,) + tuple(range(2, len(shape)))
    stat_shape = (1, channels) + (1,) * (len(shape) - 2)
    for name, value in (
        ("running_mean", running_mean),
        ("running_var", running_var),
        ("weight", weight),
        ("bias", bias),
    ):
        if value is not None and value.shape != (channels,):
            raise ValueError(
                f"batch_norm: {name} has shape {value.shape}, expected ({channels},) for input {shape}"
            )
    if training or running_mean is None or running_var is None:
        count = x.numel() // channels
        if training and count <= 1:
            raise ValueError(
                f"batch_norm needs more than 1 value per channel when training, got input of shape {shape}"
            )
        mean = x.mean(axis=axes, keepdims=True)
        var = x.var(axis=axes, correction=0, keepdims=True)  # biased, for normalising
        out = (x - mean) / (var + eps).sqrt()
        if training and running_mean is not None and running_var is not None:
            batch_mean = mean.numpy().reshape(channels)
            unbiased_var = var.numpy().reshape(channels) * (count / (count - 1))
            declare_updates([running_mean, running_var])
            rm, rv = running_mean.numpy(), running_var.numpy()
            rm *= 1.0 - momentum
            rm += momentum * batch_mean
            rv *= 1.0 - momentum
            rv += momentum * unbiased_var
    else:
        # Fresh arrays rather than the buffers: the graph saves nothing that a later
        # running-statistics update would change under it.
        inv_std = (1.0 / np.sqrt(running_var.numpy() + eps)).astype(x.dtype, copy=False).reshape(stat_shape)
        shift = (running_mean.numpy().reshape(stat_shape) * inv_std).astype(x.dtype, copy=False)
        out = x * inv_std - shift
    if weight is not None:
        out = out * weight.reshape(stat_shape)
    if bias is not None:
        out = out + bias.reshape(stat_shape)
    return out


# -- norms and similarity ------------------------------------------------------------


def _amax(x: Tensor, dim: int) -> Tensor:
    # Ties share the gradient equally, as PyTorch's vector_norm of order inf.
    if hasattr(x, "amax"):
        return x.amax(dim, keepdim=True)
    return x.max(axis=dim, keepdims=True)


def _clamped_norm(x: Tensor, p: float, dim: int, eps: float) -> Tensor:
    """max(||x||_p along dim, eps), kept dims. The clamp is taken on the p-th power sum
    before its root, so that a zero vector gets gradient 0 (not 0 * inf) as in PyTorch."""
    if p == math.inf:
        return al.maximum(_amax(x.abs(), dim), eps)
    if p == 2.0:
        return al.maximum((x * x).sum(axis=dim, keepdims=True), eps * eps).sqrt()
    if p == 1.0:
        return al.maximum(x.abs().sum(axis=dim, keepdims=True), eps)
    return al.maximum((x.abs() ** p).sum(axis=dim, keepdims=True), eps**p) ** (1.0 / p)


def _check_dim(function: str, dim: Any, ndim: int) -> int:
    if (
        isinstance(dim, bool)
        or not isinstance(dim, (int, np.integer))
        or not -max(ndim, 1) <= dim < max(ndim, 1)
    ):
        raise IndexError(f"{function}: dim {dim!r} is out of range for a tensor of {ndim} dimensions")
    return int(dim)


def normalize(input: Any, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Any = None) -> Tensor:
    """x / max(||x||_p, eps) along `dim` (PyTorch's F.normalize; p may be math.inf).

    >>> import autograd_lite as al, nn.functional as F
    >>> F.normalize(al.tensor([[3.0, 4.0]], dtype="float64")).tolist()
    [[0.6, 0.8]]
    """
    if out is not None:
        raise TypeError("normalize: out= is not supported; use the returned tensor")
    p = float(p)
    if not p > 0:
        raise ValueError(f"normalize: p must be positive, got {p}")
    input = _float_input(input)
    dim = _check_dim("normalize", dim, input.ndim)
    return input / _clamped_norm(input, p, dim, eps)


def cosine_similarity(x1: Any, x2: Any, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """Cosine of the angle between x1 and x2 along `dim` (they broadcast), each norm clamped
    at `eps`: sum(x1 / max(||x1||, eps) * x2 / max(||x2||, eps)), as PyTorch.

    >>> import autograd_lite as al, nn.functional as F
    >>> F.cosine_similarity(al.tensor([[1.0, 0.0]]), al.tensor([[1.0, 1.0]])).tolist()
    [0.7071067690849304]
    """
    x1, x2 = _float_input(x1), _float_input(x2)
    try:
        shape = np.broadcast_shapes(x1.shape, x2.shape)
    except ValueError:
        raise ValueError(f"cosine_similarity: shapes {x1.shape} and {x2.shape} do not broadcast") from None
    dim = _check_dim("cosine_similarity", dim, len(shape))
    if x1.shape != shape:
        x1 = x1.broadcast_to(shape)
    if x2.shape != shape:
        x2 = x2.broadcast_to(shape)
    return ((x1 / _clamped_norm(x1, 2.0, dim, eps)) * (x2 / _clamped_norm(x2, 2.0, dim, eps))).sum(axis=dim)


# -- regression losses -----------------------------------------------------------


def _operands(name: str, input: Any, target: Any) -> tuple[Tensor, Any]:
    """The input as a Tensor and the target with the same shape; a constant target is cast
    to the input's float dtype so that float32 stays float32."""
    input = as_tensor(input)
    if not isinstance(target, Tensor):
        target = np.asarray(target)
    if target.shape != input.shape:
        raise ValueError(
            f"{name}: input has shape {input.shape} but target has shape {tuple(target.shape)}; "
            "they must be equal (reshape one of them)"
        )
    dtype = input.dtype
    if dtype.kind == "f" and target.dtype != dtype:
        if isinstance(target, Tensor):
            if not target.requires_grad:
                target = as_tensor(target.numpy().astype(dtype))
        else:
            target = target.astype(dtype)
    return input, target


def mse_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Mean squared error (input - target)**2, reduced by `reduction`.

    >>> import autograd_lite as al, nn.functional as F
    >>> F.mse_loss(al.tensor([1.0, 2.0]), al.tensor([1.0, 4.0])).item()
    2.0
    """
    _check_reduction(reduction)
    input, target = _operands("mse_loss", input, target)
    diff = input - target
    return _reduce(diff * diff, reduction)


def l1_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Mean absolute error |input - target| (gradient 0 where they are equal).

    >>> import autograd_lite as al, nn.functional as F
    >>> F.l1_loss(al.tensor([1.0, 2.0]), al.tensor([1.0, 4.0])).item()
    1.0
    """
    _check_reduction(reduction)
    input, target = _operands("l1_loss", input, target)
    return _reduce((input - target).abs(), reduction)


class Huber(Op):
    """0.5 d**2 where |d| < delta, else delta (|d| - delta/2), with d = input - target;
    d/dinput = grad * clip(d, -delta, delta),  d/dtarget = -d/dinput"""

    __slots__ = ("delta",)
    name = "huber_loss"

    @staticmethod
    def forward(ctx, input, target, delta):
        ctx.delta = delta
        ctx.save_for_backward(input, target)
        diff = input - target
        size = np.abs(diff)
        return np.where(size < delta, 0.5 * diff * diff, delta * (size - 0.5 * delta))

    @staticmethod
    def backward(ctx, grad):
        input, target = ctx.saved_tensors
        slope = grad * np.clip(input - target, -ctx.delta, ctx.delta)
        return slope, (-slope if ctx.inputs[1] is not None else None)


def huber_loss(input: Any, target: Any, reduction: str = "mean", delta: float = 1.0) -> Tensor:
    """Huber loss: quadratic for |input - target| < delta, linear beyond (PyTorch's HuberLoss).

    >>> import autograd_lite as al, nn.functional as F
    >>> F.huber_loss(al.tensor([0.5, 3.0]), al.tensor([0.0, 0.0]), reduction="none").tolist()
    [0.125, 2.5]
    """
    _check_reduction(reduction)
    if not delta > 0:
        raise ValueError(f"huber_loss: delta must be positive, got {delta!r}")
    input, target = _operands("huber_loss", input, target)
    return _reduce(Huber.apply(input, as_tensor(target), delta=float(delta)), reduction)


def smooth_l1_loss(input: Any, target: Any, reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """0.5 d**2 / beta where |d| < beta, else |d| - beta / 2 (d = input - target); beta = 0
    is the L1 loss. PyTorch's SmoothL1Loss (HuberLoss divided by beta).

    >>> import autograd_lite as al, nn.functional as F
    >>> F.smooth_l1_loss(al.tensor([0.5, 3.0]), al.tensor([0.0, 0.0]), reduction="none", beta=2.0).tolist()
    [0.0625, 2.0]
    """
    _check_reduction(reduction)
    if not beta >= 0:
        raise ValueError(f"smooth_l1_loss: beta must be non-negative, got {beta!r}")
    if beta == 0:
        return l1_loss(input, target, reduction)
    input, target = _operands("smooth_l1_loss", input, target)
    return _reduce(Huber.apply(input, as_tensor(target), delta=float(beta)) / beta, reduction)


def kl_div(input: Any, target: Any, reduction: str = "mean", log_target: bool = False) -> Tensor:
    """Kullback-Leibler divergence with log-probabilities `input`, pointwise
    target * (log(target) - input) (0 where target is 0), or exp(target) * (target - input)
    when `log_target`. `reduction` "batchmean" divides the sum by the batch size (the true
    KL divergence); "mean" (the default, as PyTorch) by the number of elements.

    >>> import autograd_lite as al, nn.functional as F
    >>> round(F.kl_div(al.tensor([[0.5, 0.5]]).log(), al.tensor([[0.25, 0.75]]), reduction="batchmean").item(), 4)
    0.1308
    """
    if reduction not in _REDUCTIONS + ("batchmean",):
        raise ValueError(f"reduction must be 'mean', 'batchmean', 'sum' or 'none', got {reduction!r}")
    input, target = _operands("kl_div", _float_input(input), target)
    target = as_tensor(target)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        # xlogy(t, t): t log t with 0 where t == 0 (the log of 1 there has gradient 0).
        positive = target.numpy() > 0
        loss = target * al.where(positive, target, 1.0).log() - target * input
    if reduction == "batchmean":
        return loss.sum() / (input.shape[0] if input.ndim else 1)
    return _reduce(loss, reduction)


# -- binary classification -----------------------------------------------------

# PyTorch clamps log(p) and log(1 - p) at -100 so that p = 0 or 1 gives a finite loss,
# and keeps the gradient's denominator p (1 - p) above 1e-12 — a float32 constant in
# PyTorch, so its exact value is float32(1e-12) = 9.99999996e-13 in every dtype.
_LOG_FLOOR = -100.0
_BCE_EPSILON = float(np.float32(1e-12))


def _clamped_log(x: Any) -> Any:
    if isinstance(x, Tensor):
        return np.maximum(np.log(x), _LOG_FLOOR)
    with np.errstate(divide="ignore"):
        return np.maximum(np.log(x), _LOG_FLOOR)


class BinaryCrossEntropy(Op):
    """-(t log p + (1 - t) log(1 - p)), each log clamped at -100;
    d/dp = grad (p - t) / max(p (1 - p), 1e-12),  d/dt = grad (log(1 - p) - log p)"""

    __slots__ = ()
    name = "binary_cross_entropy"

    @staticmethod
    def forward(ctx, p, t):
        ctx.save_for_backward(p, t)
        return -(t * _clamped_log(p) + (1 - t) * _clamped_log(1 - p))

    @staticmethod
    def backward(ctx, grad):
        p, t = ctx.saved_tensors
        needs_p, needs_t = ctx.inputs
        grad_p = grad * (p - t) / np.maximum(p * (1 - p), _BCE_EPSILON) if needs_p is not None else None
        grad_t = grad * (_clamped_log(1 - p) - _clamped_log(p)) if needs_t is not None else None
        return grad_p, grad_t


def binary_cross_entropy(input: Any, target: Any, weight: Any = None, reduction: str = "mean") -> Tensor:
    """Binary cross-entropy of probabilities `input` in [0, 1] against `target`.

    Logs are clamped at -100 (as PyTorch), so p = 0 or 1 gives a finite loss.
    Prefer `binary_cross_entropy_with_logits` on raw scores: it is stable.

    >>> import autograd_lite as al, nn.functional as F
    >>> round(F.binary_cross_entropy(al.tensor([0.5]), al.tensor([1.0])).item(), 4)
    0.6931
    """
    _check_reduction(reduction)
    input, target = _operands("binary_cross_entropy", input, target)
    data = input.numpy()
    if data.size and not (data.min() >= 0 and data.max() <= 1):
        raise ValueError(
            "binary_cross_entropy: all elements of input should be between 0 and 1 (probabilities); "
            f"got values in [{data.min()}, {data.max()}]; use binary_cross_entropy_with_logits for scores"
        )
    loss = BinaryCrossEntropy.apply(input, as_tensor(target))
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def _sigmoid_of(x: Any) -> Any:
    """1 / (1 + exp(-x)) of an array (exp only of -|x|: no overflow) or, in a create_graph
    backward, of a Tensor."""
    if isinstance(x, Tensor):
        return sigmoid(x)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _softplus_of(x: Any) -> Any:
    """log(1 + exp(x)) of an array (stable) or, in a create_graph backward, of a Tensor."""
    if isinstance(x, Tensor):
        return al.softplus(x)
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


class BCEWithLogits(Op):
    """(1 - t) x + w log(1 + exp(-x)),  w = 1 + (pos_weight - 1) t  (w = 1 without pos_weight);
    d/dx = grad ((1 - t) - w sigmoid(-x)),  d/dt = grad (-x + (pos_weight - 1) softplus(-x)),
    d/dpos_weight = grad t softplus(-x)"""

    __slots__ = ()
    name = "binary_cross_entropy_with_logits"

    @staticmethod
    def forward(ctx, x, t, pos_weight):
        ctx.save_for_backward(x, t, pos_weight)
        # log(1 + exp(-x)) written so that exp only sees -|x|: finite for |x| = 1e4.
        softplus_neg = np.maximum(-x, 0) + np.log1p(np.exp(-np.abs(x)))
        if pos_weight is None:
            return (1 - t) * x + softplus_neg
        return (1 - t) * x + (1 + (pos_weight - 1) * t) * softplus_neg

    @staticmethod
    def backward(ctx, grad):
        x, t, pos_weight = ctx.saved_tensors
        needs_x, needs_t, needs_pos_weight = ctx.inputs
        grad_x = grad_t = grad_pos_weight = None
        if pos_weight is None:
            if needs_x is not None:
                grad_x = grad * (_sigmoid_of(x) - t)
            if needs_t is not None:
                grad_t = -grad * x
            return grad_x, grad_t, None
        if needs_x is not None:
            grad_x = grad * ((1 - t) - (1 + (pos_weight - 1) * t) * _sigmoid_of(-x))
        if needs_t is not None or needs_pos_weight is not None:
            softplus_neg = _softplus_of(-x)
            if needs_t is not None:
                grad_t = grad * ((pos_weight - 1) * softplus_neg - x)
            if needs_pos_weight is not None:
                grad_pos_weight = grad * t * softplus_neg
        return grad_x, grad_t, grad_pos_weight


def binary_cross_entropy_with_logits(
    input: Any, target: Any, weight: Any = None, reduction: str = "mean", pos_weight: Any = None
) -> Tensor:
    """Binary cross-entropy on raw scores: sigmoid and log in one stable formula.

    Finite for logits of magnitude 1e4. `pos_weight` (broadcast along the last axis)
    weights the positive term, as PyTorch's.

    >>> import autograd_lite as al, nn.functional as F
    >>> F.binary_cross_entropy_with_logits(al.tensor([1e4]), al.tensor([0.0])).item()
    10000.0
    """
    _check_reduction(reduction)
    input, target = _operands("binary_cross_entropy_with_logits", input, target)
    if pos_weight is not None:
        pos_weight = as_tensor(pos_weight)
        try:
            np.broadcast_shapes(pos_weight.shape, input.shape)
        except ValueError:
            raise ValueError(
                f"binary_cross_entropy_with_logits: pos_weight of shape {pos_weight.shape} does not "
                f"broadcast with input of shape {input.shape}"
            ) from None
        if not pos_weight.requires_grad and pos_weight.dtype != input.dtype:
            pos_weight = as_tensor(pos_weight.numpy().astype(input.dtype))
    loss = BCEWithLogits.apply(input, as_tensor(target), pos_weight)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


# -- classification over C classes ---------------------------------------------


def _class_targets(
    name: str, input: Tensor, target: Any, ignore_index: int
) -> tuple[np.ndarray, np.ndarray | None]:
    """Check (N, C) input and (N,) integer labels in [0, C) or ignore_index.

    Returns the labels with ignored ones replaced by 0 and the mask of kept rows
    (None when no row is ignored).
    """
    shape = input.shape
    labels = target.numpy() if isinstance(target, Tensor) else np.asarray(target)
    if len(shape) != 2:
        raise ValueError(f"{name} expects input of shape (N, C), got shape {shape}")
    if labels.shape != shape[:1]:
        raise ValueError(
            f"{name}: target of shape {labels.shape} does not match input of shape {shape} "
            f"(expected class labels of shape ({shape[0]},))"
        )
    if labels.dtype.kind not in "iu":
        raise TypeError(f"{name}: target must hold integer class labels, got dtype {labels.dtype}")
    classes = shape[1]
    if labels.size and not 0 <= ignore_index < classes:
        # The common case in one reduction: seen as unsigned, negative labels are huge too.
        as_unsigned = labels.view(np.dtype(f"u{labels.dtype.itemsize}"))
        if as_unsigned.max() < classes:
            return labels, None
    kept = labels != ignore_index
    bad = ((labels < 0) | (labels >= classes)) & kept
    if bad.any():
        raise ValueError(
            f"{name}: target labels {np.unique(labels[bad]).tolist()} are out of range for "
            f"{classes} classes (valid labels are 0..{classes - 1}, or ignore_index={ignore_index})"
        )
    if kept.all():
        return labels, None
    return np.where(kept, labels, 0), kept


def _row_weights(
    kept: np.ndarray | None, labels: np.ndarray, class_weight: np.ndarray | None, dtype: np.dtype
) -> np.ndarray | None:
    """Each row's weight: the weight of its class (1 without class weights) and 0 for
    ignored rows; None when every row weighs 1."""
    if class_weight is None:
        return None if kept is None else kept.astype(dtype)
    weights = class_weight[labels]
    if kept is not None:
        weights *= kept
    return weights


def _reduce_rows(losses: np.ndarray, weights: np.ndarray | None, reduction: str) -> tuple[np.ndarray, Any]:
    """Weighted per-row losses reduced as PyTorch ("mean" divides by the total weight of the
    rows kept), and d(output)/d(per-row loss) for the backward pass."""
    if weights is not None:
        losses = losses * weights
    scale = 1.0 if weights is None else weights
    if reduction == "none":
        return losses, scale
    total = losses.sum()
    if reduction == "sum":
        return np.asarray(total, dtype=losses.dtype), scale
    denominator = losses.shape[0] if weights is None else weights.sum()
    if not denominator:
        # Nothing kept: PyTorch's mean is 0/0 = nan, and its gradient is 0.
        return np.asarray(np.nan, dtype=losses.dtype), 0.0
    return np.asarray(total / denominator, dtype=losses.dtype), scale / denominator


class CrossEntropy(Op):
    """per row: w_i (logsumexp(x_i) - x_i[t_i]), w_i the row's weight (class weight, 0 if
    ignored; divided by their total for "mean");  d/dx = (softmax(x) - onehot(t)) * grad * w"""

    __slots__ = ("labels", "weights")
    name = "cross_entropy"

    @staticmethod
    def forward(ctx, x, labels, kept, class_weight, reduction):
        # The max shift keeps exp finite for logits of any size.
        shifted = x - x.max(axis=1, keepdims=True)
        picked = shifted[np.arange(x.shape[0]), labels]
        exps = np.exp(shifted, out=shifted)
        sums = exps.sum(axis=1)
        losses = np.log(sums) - picked
        if kept is not None:
            losses = np.where(kept, losses, 0).astype(x.dtype, copy=False)
        exps /= sums[:, None]
        out, ctx.weights = _reduce_rows(losses, _row_weights(kept, labels, class_weight, x.dtype), reduction)
        ctx.labels = labels
        ctx.save_for_backward(x, exps)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, probs = ctx.saved_tensors
        labels = ctx.labels
        scale = (grad * ctx.weights).reshape((-1, 1))
        if isinstance(x, Tensor):
            # create_graph: the softmax is recomputed from x so it is part of the graph.
            return (al.softmax(x, 1) - _one_hot(labels, x.shape, x.dtype)) * scale
        grad_x = probs * scale
        grad_x[np.arange(len(labels)), labels] -= scale[:, 0]
        return grad_x


class NLL(Op):
    """per row: -w_i x_i[t_i], w_i the row's weight (class weight, 0 if ignored; divided by
    their total for "mean");  d/dx = -onehot(t) * grad * w"""

    __slots__ = ("labels", "weights", "shape", "dtype")
    name = "nll_loss"

    @staticmethod
    def forward(ctx, x, labels, kept, class_weight, reduction):
        losses = -x[np.arange(x.shape[0]), labels]
        if kept is not None:
            losses = np.where(kept, losses, 0).astype(x.dtype, copy=False)
        out, ctx.weights = _reduce_rows(losses, _row_weights(kept, labels, class_weight, x.dtype), reduction)
        ctx.labels, ctx.shape, ctx.dtype = labels, x.shape, x.dtype
        return out

    @staticmethod
    def backward(ctx, grad):
        scale = (grad * ctx.weights).reshape((-1, 1))
        return -(_one_hot(ctx.labels, ctx.shape, ctx.dtype) * scale), None


def _one_hot(labels: np.ndarray, shape: tuple, dtype: np.dtype) -> np.ndarray:
    one_hot = np.zeros(shape, dtype=dtype)
    one_hot[np.arange(shape[0]), labels] = 1
    return one_hot


def _float_input(input: Any) -> Tensor:
    input = as_tensor(input)
    if input.dtype.kind != "f":
        input = input.astype(al.get_default_dtype())
    return input


def _class_weight(name: str, weight: Any, input: Tensor) -> np.ndarray | None:
    """Class weights as a constant (C,) array in the input's dtype."""
    if weight is None:
        return None
    weight = weight.numpy() if isinstance(weight, Tensor) else np.asarray(weight)
    classes = input.shape[-1] if input.ndim else 0
    if weight.shape != (classes,):
        raise ValueError(f"{name}: weight must have shape ({classes},), one per class, got {weight.shape}")
    return weight.astype(input.dtype, copy=False)


def cross_entropy(
    input: Any,
    target: Any,
    weight: Any = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Cross-entropy of logits `input` (N, C) against integer labels `target` (N,), as one node.

    The same as nll_loss(log_softmax(input), target) but faster and stable for any logits.
    Rows whose label is `ignore_index` count for nothing; `weight` (C,) weighs each class,
    and "mean" divides by the total weight of the rows kept (PyTorch's rule). A float
    `target` of shape (N, C) is taken as class probabilities. `label_smoothing` = e mixes
    the target with the uniform distribution, (1 - e) * onehot + e / C, with PyTorch's
    weighting and normalisation.

    >>> import autograd_lite as al, nn.functional as F
    >>> round(F.cross_entropy(al.tensor([[0.0, 0.0]]), al.tensor([1])).item(), 4)
    0.6931
    """
    _check_reduction(reduction)
    if isinstance(label_smoothing, bool) or not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(
            f"cross_entropy: label_smoothing must be between 0.0 and 1.0, got {label_smoothing!r}"
        )
    input = _float_input(input)
    target_dtype = target.dtype if isinstance(target, Tensor) else np.asarray(target).dtype
    class_weight = _class_weight("cross_entropy", weight, input)
    if target_dtype.kind == "f":
        _check_probability_target(input, target, target_dtype)
        return _cross_entropy_probabilities(input, target, class_weight, reduction, label_smoothing)
    labels, kept = _class_targets("cross_entropy", input, target, ignore_index)
    # Labels go as an option, not an argument: the node keeps them (ctx.labels) but never
    # differentiates by them, and options are not scanned for arrays to guard.
    loss = CrossEntropy.apply(input, labels=labels, kept=kept, class_weight=class_weight, reduction=reduction)
    if not label_smoothing:
        return loss
    smooth = _smoothing_term(input, labels, kept, class_weight, reduction)
    return loss * (1.0 - label_smoothing) + smooth * (label_smoothing / input.shape[1])


def _check_probability_target(input: Tensor, target: Any, target_dtype: np.dtype) -> None:
    shape = tuple(target.shape) if isinstance(target, Tensor) else np.shape(target)
    if shape != input.shape and len(shape) == input.ndim - 1:
        raise TypeError(
            f"cross_entropy: target of shape {shape} holds class labels, which must be integers, "
            f"got dtype {target_dtype} (convert with target.long() or np.int64); a float target "
            f"must have the input's shape {input.shape} and hold class probabilities"
        )


def _smoothing_term(
    input: Tensor,
    labels: np.ndarray,
    kept: np.ndarray | None,
    class_weight: np.ndarray | None,
    reduction: str,
) -> Tensor:
    """-sum_c w_c log softmax(x)_c per kept row, reduced as PyTorch reduces it (the mean
    divides by the same total weight as the cross-entropy term)."""
    log_probs = al.log_softmax(input, 1)
    if class_weight is not None:
        log_probs = log_probs * class_weight
    smooth = -log_probs.sum(axis=1)
    if kept is not None:
        smooth = smooth * kept.astype(input.dtype)
    if reduction == "none":
        return smooth
    if reduction == "sum":
        return smooth.sum()
    weights = _row_weights(kept, labels, class_weight, input.dtype)
    total = input.shape[0] if weights is None else weights.sum()
    if not total:
        # Nothing kept: PyTorch's mean is 0/0 = nan, and its gradient is 0.
        return smooth.sum() * 0.0 + math.nan
    return smooth.sum() * (1.0 / float(total))  # a Python float keeps float32 float32


def _cross_entropy_probabilities(
    input: Tensor, target: Any, class_weight: np.ndarray | None, reduction: str, label_smoothing: float = 0.0
) -> Tensor:
    input, target = _operands("cross_entropy", input, target)
    if input.ndim != 2:
        raise ValueError(f"cross_entropy expects input of shape (N, C), got shape {input.shape}")
    if label_smoothing:
        target = target * (1.0 - label_smoothing) + label_smoothing / input.shape[1]
    log_probs = al.log_softmax(input, 1)
    if class_weight is not None:
        log_probs = log_probs * class_weight
    return _reduce(-(log_probs * target).sum(axis=1), reduction)


def nll_loss(
    input: Any, target: Any, weight: Any = None, ignore_index: int = -100, reduction: str = "mean"
) -> Tensor:
    """Negative log-likelihood of log-probabilities `input` (N, C) at integer labels `target` (N,).

    `weight` and `ignore_index` as in `cross_entropy`.

    >>> import autograd_lite as al, nn.functional as F
    >>> F.nll_loss(al.tensor([[-1.0, -2.0]]), al.tensor([1])).item()
    2.0
    """
    _check_reduction(reduction)
    input = _float_input(input)
    labels, kept = _class_targets("nll_loss", input, target, ignore_index)
    class_weight = _class_weight("nll_loss", weight, input)
    return NLL.apply(input, labels, kept=kept, class_weight=class_weight, reduction=reduction)
