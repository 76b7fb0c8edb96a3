"""Conv1d and Conv2d layers: PyTorch's parameters, layouts, init and state_dict keys."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd_lite import Tensor

from . import init
from .convolution import conv1d, conv2d, int_tuple, padding_sides
from .module import Module
from .padding import pad
from .parameter import Parameter, factory_dtype

_PADDING_MODES = {"zeros": "constant", "reflect": "reflect", "replicate": "replicate", "circular": "circular"}


class _ConvNd(Module):
    """What Conv1d and Conv2d share: argument checks, parameters, init and repr."""

    _spatial = 2
    _function = staticmethod(conv2d)

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        dilation: Any = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        layer, n = type(self).__name__, self._spatial
        for name, value in (("in_channels", in_channels), ("out_channels", out_channels), ("groups", groups)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{layer}: {name} must be a positive int, got {value!r}")
        if in_channels % groups:
            raise ValueError(f"{layer}: in_channels ({in_channels}) must be divisible by groups ({groups})")
        if out_channels % groups:
            raise ValueError(f"{layer}: out_channels ({out_channels}) must be divisible by groups ({groups})")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(
                f"{layer}: padding_mode must be one of {tuple(_PADDING_MODES)}, got {padding_mode!r}"
            )
        self.in_channels, self.out_channels, self.groups = int(in_channels), int(out_channels), int(groups)
        self.kernel_size = int_tuple(kernel_size, n, "kernel_size", layer, 1)
        self.stride = int_tuple(stride, n, "stride", layer, 1)
        self.dilation = int_tuple(dilation, n, "dilation", layer, 1)
        if isinstance(padding, str):
            if padding not in ("valid", "same"):
                raise ValueError(
                    f"{layer}: padding must be an int, a tuple, 'valid' or 'same', got {padding!r}"
                )
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError(f"{layer}: padding='same' is not supported for strided convolutions")
            self.padding = padding
        else:
            self.padding = int_tuple(padding, n, "padding", layer, 0)
        self.padding_mode = padding_mode
        dtype = factory_dtype(layer, device, dtype)
        shape = (self.out_channels, self.in_channels // self.groups) + self.kernel_size
        self.weight = Parameter(np.empty(shape, dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty(self.out_channels, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's init: weight kaiming_uniform_(a=sqrt(5)), bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)).

        >>> import autograd_lite as al, nn
        >>> layer = nn.Conv2d(1, 2, 3); layer.reset_parameters()
        >>> bool((abs(layer.bias.numpy()) <= 1 / 3).all())
        True
        """
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.weight.shape[1] * int(np.prod(self.kernel_size))
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
            init.uniform_(self.bias, -bound, bound)

    def _explicit_padding(self) -> tuple:
        """F.pad's widths for a padding_mode other than zeros (last dimension first)."""
        sides = padding_sides(self.padding, self.kernel_size, self.stride, self.dilation, type(self).__name__)
        pairs = [sides[k : k + 2] for k in range(0, len(sides), 2)]
        return tuple(width for pair in reversed(pairs) for width in pair)

    def forward(self, x: Any) -> Tensor:
        if self.padding_mode == "zeros":
            return self._function(
                x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups
            )
        padded = pad(x, self._explicit_padding(), mode=_PADDING_MODES[self.padding_mode])
        return self._function(padded, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)

    def extra_repr(self) -> str:
        n = self._spatial
        text = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        )
        if self.padding != (0,) * n:
            text += f", padding={self.padding}"
        if self.dilation != (1,) * n:
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode}"
        return text


class Conv2d(_ConvNd):
    """2-d convolution layer on (N, C, H, W) (or (C, H, W)), as torch.nn.Conv2d: weight
    (out_channels, in_channels / groups, kh, kw), bias (out_channels,); `padding` an int,
    a pair, "valid" or "same"; `padding_mode` "zeros", "reflect", "replicate" or "circular".

    >>> import autograd_lite as al, nn
    >>> layer = nn.Conv2d(3, 8, 3, padding=1)
    >>> layer.weight.shape, layer(al.ones((2, 3, 5, 5))).shape
    ((8, 3, 3, 3), (2, 8, 5, 5))
    """

    _spatial = 2
    _function = staticmethod(conv2d)


class Conv1d(_ConvNd):
    """1-d convolution layer on (N, C, L) (or (C, L)), as torch.nn.Conv1d: weight
    (out_channels, in_channels / groups, k).

    >>> import autograd_lite as al, nn
    >>> nn.Conv1d(2, 4, 3, padding="same")(al.ones((5, 2, 7))).shape
    (5, 4, 7)
    """

    _spatial = 1
    _function = staticmethod(conv1d)
