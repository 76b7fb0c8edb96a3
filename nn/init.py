"""Weight initialisation with PyTorch's formulas, drawing from the library's generator.

Every function fills `tensor.data` in place (keeping its dtype) and returns the tensor.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd_lite import Tensor, declare_updates
from autograd_lite.random import generator

__all__ = [
    "calculate_gain", "uniform_", "normal_", "constant_", "zeros_", "ones_",
    "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_",
]  # fmt: skip


def _fill(tensor: Tensor, values: Any) -> Tensor:
    if not isinstance(tensor, Tensor):
        raise TypeError(f"init functions fill a Tensor or Parameter, got {type(tensor).__name__}")
    declare_updates([tensor])
    np.copyto(tensor.numpy(), values, casting="unsafe")
    return tensor


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for `nonlinearity` (PyTorch's table).

    linear / identity / sigmoid: 1, tanh: 5/3, relu: sqrt(2),
    leaky_relu: sqrt(2 / (1 + slope**2)) (slope `param`, default 0.01), selu: 3/4.

    >>> import nn
    >>> round(nn.init.calculate_gain("relu"), 4)
    1.4142
    """
    if nonlinearity in ("linear", "identity", "conv1d", "conv2d", "conv3d", "sigmoid"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise ValueError(f"negative_slope {slope!r} is not a number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4.0
    raise ValueError(
        f"unsupported nonlinearity {nonlinearity!r}; expected one of linear, identity, sigmoid, "
        "tanh, relu, leaky_relu, selu"
    )


def _fans(tensor: Tensor) -> tuple[int, int]:
    """(fan_in, fan_out): dims 1 and 0 times the receptive field (the product of dims 2...)."""
    shape = tensor.shape
    if len(shape) < 2:
        raise ValueError(f"fan in and fan out need a tensor of at least 2 dimensions, got shape {shape}")
    receptive = int(np.prod(shape[2:])) if len(shape) > 2 else 1
    return shape[1] * receptive, shape[0] * receptive


def _fan(tensor: Tensor, mode: str) -> int:
    fan_in, fan_out = _fans(tensor)
    if mode == "fan_in":
        return fan_in
    if mode == "fan_out":
        return fan_out
    raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0) -> Tensor:
    """Fill with draws from U(a, b).

    >>> import autograd_lite as al, nn
    >>> w = nn.init.uniform_(al.zeros(3), -1.0, 1.0)
    >>> bool(((w.numpy() >= -1) & (w.numpy() < 1)).all())
    True
    """
    return _fill(tensor, generator().uniform(a, b, size=tensor.shape))


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0) -> Tensor:
    """Fill with draws from N(mean, std**2).

    >>> import autograd_lite as al, nn
    >>> nn.init.normal_(al.zeros(2, 3), std=0.02).shape
    (2, 3)
    """
    return _fill(tensor, generator().normal(mean, std, size=tensor.shape))


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with `val`.

    >>> import autograd_lite as al, nn
    >>> nn.init.constant_(al.zeros(2), 0.5).tolist()
    [0.5, 0.5]
    """
    return _fill(tensor, val)


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with 0.

    >>> import autograd_lite as al, nn
    >>> nn.init.zeros_(al.ones(2)).tolist()
    [0.0, 0.0]
    """
    return _fill(tensor, 0)


def ones_(tensor: Tensor) -> Tensor:
    """Fill with 1.

    >>> import autograd_lite as al, nn
    >>> nn.init.ones_(al.zeros(2)).tolist()
    [1.0, 1.0]
    """
    return _fill(tensor, 1)


def xavier_uniform_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)).

    >>> import autograd_lite as al, nn
    >>> w = nn.init.xavier_uniform_(al.zeros(4, 2))
    >>> bool((abs(w.numpy()) <= 1.0).all())
    True
    """
    fan_in, fan_out = _fans(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return _fill(tensor, generator().uniform(-bound, bound, size=tensor.shape))


def xavier_normal_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Glorot normal: N(0, std**2) with std = gain * sqrt(2 / (fan_in + fan_out)).

    >>> import autograd_lite as al, nn
    >>> nn.init.xavier_normal_(al.zeros(3, 2)).shape
    (3, 2)
    """
    fan_in, fan_out = _fans(tensor)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return _fill(tensor, generator().normal(0.0, std, size=tensor.shape))


def kaiming_uniform_(
    tensor: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu"
) -> Tensor:
    """He uniform: U(-b, b) with b = gain * sqrt(3 / fan), gain = calculate_gain(nonlinearity, a).

    With a = sqrt(5) this is PyTorch's default Linear weight init, U(-1/sqrt(in), 1/sqrt(in)).

    >>> import math, autograd_lite as al, nn
    >>> w = nn.init.kaiming_uniform_(al.zeros(3, 4), a=math.sqrt(5))
    >>> bool((abs(w.numpy()) <= 0.5).all())
    True
    """
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    bound = math.sqrt(3.0) * std
    return _fill(tensor, generator().uniform(-bound, bound, size=tensor.shape))


def kaiming_normal_(
    tensor: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu"
) -> Tensor:
    """He normal: N(0, std**2) with std = gain / sqrt(fan), gain = calculate_gain(nonlinearity, a).

    >>> import autograd_lite as al, nn
    >>> nn.init.kaiming_normal_(al.zeros(3, 2), nonlinearity="relu").shape
    (3, 2)
    """
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    return _fill(tensor, generator().normal(0.0, std, size=tensor.shape))
