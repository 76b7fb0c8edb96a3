"""Pooling layers: MaxPool2d, AvgPool2d and AdaptiveAvgPool2d, thin wrappers over
nn.functional with PyTorch's arguments and repr."""

from __future__ import annotations

from typing import Any

from autograd_lite import Tensor

from .module import Module
from .pooling import adaptive_avg_pool2d, avg_pool2d, max_pool2d


class MaxPool2d(Module):
    """Maximum over (kh, kw) windows of (N, C, H, W) (or (C, H, W)), as torch.nn.MaxPool2d
    (stride defaults to kernel_size).

    >>> import autograd_lite as al, nn
    >>> nn.MaxPool2d(2)(al.ones((1, 3, 8, 8))).shape
    (1, 3, 4, 4)
    """

    def __init__(
        self,
        kernel_size: Any,
        stride: Any = None,
        padding: Any = 0,
        dilation: Any = 1,
        return_indices: bool = False,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, x: Any) -> Any:
        return max_pool2d(
            x, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode, self.return_indices
        )

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class AvgPool2d(Module):
    """Mean over (kh, kw) windows of (N, C, H, W) (or (C, H, W)), as torch.nn.AvgPool2d.

    >>> import autograd_lite as al, nn
    >>> nn.AvgPool2d(2)(al.ones((1, 3, 8, 8))).shape
    (1, 3, 4, 4)
    """

    def __init__(
        self,
        kernel_size: Any,
        stride: Any = None,
        padding: Any = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override: int | None = None,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, x: Any) -> Tensor:
        return avg_pool2d(
            x, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad,
            self.divisor_override,
        )  # fmt: skip

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed output size (Ho, Wo), as torch.nn.AdaptiveAvgPool2d
    (None keeps that input size).

    >>> import autograd_lite as al, nn
    >>> nn.AdaptiveAvgPool2d((1, None))(al.ones((2, 3, 5, 7))).shape
    (2, 3, 1, 7)
    """

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, x: Any) -> Tensor:
        return adaptive_avg_pool2d(x, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"
