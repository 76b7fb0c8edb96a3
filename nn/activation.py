"""Activation layers: thin modules over nn.functional, with PyTorch's reprs."""

from __future__ import annotations

from typing import Any

from autograd_lite import Tensor

from . import functional as F
from .module import Module


class ReLU(Module):
    """max(x, 0) elementwise (gradient 0 at 0).

    >>> import autograd_lite as al, nn
    >>> nn.ReLU()(al.tensor([-1.0, 2.0])).tolist()
    [0.0, 2.0]
    """

    def forward(self, x: Any) -> Tensor:
        return F.relu(x)


class LeakyReLU(Module):
    """x if x > 0 else negative_slope * x.

    >>> import autograd_lite as al, nn
    >>> nn.LeakyReLU(0.5)(al.tensor([-2.0, 3.0])).tolist()
    [-1.0, 3.0]
    """

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, x: Any) -> Tensor:
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class ELU(Module):
    """x if x > 0 else alpha * (exp(x) - 1).

    >>> import autograd_lite as al, nn
    >>> nn.ELU()(al.tensor([0.0, 2.0])).tolist()
    [0.0, 2.0]
    """

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = alpha

    def forward(self, x: Any) -> Tensor:
        return F.elu(x, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


class Sigmoid(Module):
    """1 / (1 + exp(-x)), exact for large |x|.

    >>> import autograd_lite as al, nn
    >>> nn.Sigmoid()(al.tensor([0.0, 1e4])).tolist()
    [0.5, 1.0]
    """

    def forward(self, x: Any) -> Tensor:
        return F.sigmoid(x)


class Tanh(Module):
    """tanh(x).

    >>> import autograd_lite as al, nn
    >>> nn.Tanh()(al.tensor([0.0])).tolist()
    [0.0]
    """

    def forward(self, x: Any) -> Tensor:
        return F.tanh(x)


class Softplus(Module):
    """log(1 + exp(beta x)) / beta, linear where beta x > threshold.

    >>> import autograd_lite as al, nn
    >>> nn.Softplus()(al.tensor([100.0])).tolist()
    [100.0]
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, x: Any) -> Tensor:
        return F.softplus(x, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class GELU(Module):
    """GELU, x * Phi(x): PyTorch's exact erf form by default, `approximate="tanh"` for the
    tanh approximation.

    >>> import autograd_lite as al, nn
    >>> nn.GELU()(al.tensor([0.0, 10.0])).tolist()
    [0.0, 10.0]
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"approximate must be 'none' or 'tanh', got approximate={approximate!r}")
        self.approximate = approximate

    def forward(self, x: Any) -> Tensor:
        return F.gelu(x, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """x * sigmoid(x) (swish); `inplace` is accepted for PyTorch's signature and ignored.

    >>> import autograd_lite as al, nn
    >>> nn.SiLU()(al.tensor([0.0, 1e4])).tolist()
    [0.0, 10000.0]
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, x: Any) -> Tensor:
        return F.silu(x)


class Softmax(Module):
    """Softmax along `dim` (`axis=` is an alias; None, PyTorch's default, means -1 here).

    >>> import autograd_lite as al, nn
    >>> nn.Softmax(dim=1)(al.zeros((1, 4))).tolist()
    [[0.25, 0.25, 0.25, 0.25]]
    """

    def __init__(self, dim: int | None = None, *, axis: int | None = None) -> None:
        super().__init__()
        self.dim = F._dim(dim, axis, None, "Softmax")

    def forward(self, x: Any) -> Tensor:
        return F.softmax(x, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """log(softmax(x)) along `dim` (`axis=` is an alias; None means -1), computed stably.

    >>> import autograd_lite as al, nn
    >>> nn.LogSoftmax(dim=1)(al.tensor([[0.0, 1e4]])).tolist()
    [[-10000.0, 0.0]]
    """

    def __init__(self, dim: int | None = None, *, axis: int | None = None) -> None:
        super().__init__()
        self.dim = F._dim(dim, axis, None, "LogSoftmax")

    def forward(self, x: Any) -> Tensor:
        return F.log_softmax(x, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"
