"""Dense (= Linear), Identity and Flatten."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd_lite import Tensor, linear

from . import init
from .module import Module
from .parameter import Parameter, factory_dtype


class Linear(Module):
    """y = x @ weight.T + bias, with weight (out_features, in_features) and bias (out_features,).

    Initialised as PyTorch's Linear: weight and bias from U(-1/sqrt(in), 1/sqrt(in)),
    so a state_dict loads into torch.nn.Linear unchanged. `nn.Dense` is this class.

    >>> import autograd_lite as al, nn
    >>> layer = nn.Dense(3, 2)
    >>> layer.weight.shape, layer(al.ones((5, 3))).shape
    ((2, 3), (5, 2))
    """

    def __init__(
        self, in_features: int, out_features: int, bias: bool = True, device: Any = None, dtype: Any = None
    ) -> None:
        super().__init__()
        for name, value in (("in_features", in_features), ("out_features", out_features)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise ValueError(f"Linear: {name} must be a non-negative int, got {value!r}")
        self.in_features = int(in_features)
        self.out_features = int(out_features)
        dtype = factory_dtype("Linear", device, dtype)
        self.weight = Parameter(np.empty((self.out_features, self.in_features), dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty(self.out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw fresh weights with PyTorch's default Linear init.

        >>> import autograd_lite as al, nn
        >>> layer = nn.Linear(4, 2); al.manual_seed(0); layer.reset_parameters()
        >>> bool((abs(layer.weight.numpy()) <= 0.5).all())
        True
        """
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0.0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x: Any) -> Tensor:
        return linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
        )


Dense = Linear


class Identity(Module):
    """Returns its input unchanged (a placeholder layer).

    >>> import autograd_lite as al, nn
    >>> nn.Identity()(al.ones(2)).tolist()
    [1.0, 1.0]
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, x: Any) -> Any:
        return x


class Flatten(Module):
    """Flatten dims start_dim..end_dim into one (from dim 1 by default, keeping the batch).

    >>> import autograd_lite as al, nn
    >>> nn.Flatten()(al.ones((2, 3, 4))).shape
    (2, 12)
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, x: Any) -> Tensor:
        shape = x.shape
        ndim = len(shape)
        start = self.start_dim + ndim if self.start_dim < 0 else self.start_dim
        end = self.end_dim + ndim if self.end_dim < 0 else self.end_dim
        if ndim == 0:
            return x.reshape(1)
        if not (0 <= start < ndim and 0 <= end < ndim) or start > end:
            raise ValueError(
                f"Flatten(start_dim={self.start_dim}, end_dim={self.end_dim}) does not fit an input "
                f"of shape {tuple(shape)}"
            )
        return x.reshape(tuple(shape[:start]) + (-1,) + tuple(shape[end + 1 :]))

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
