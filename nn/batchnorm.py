"""BatchNorm1d and BatchNorm2d with PyTorch's normalisation and running-statistics rule."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_lite import Tensor, declare_updates

from . import functional as F
from .module import Module
from .parameter import Parameter, factory_dtype


class BatchNorm1d(Module):
    """Normalise each channel of (N, C) (or (N, C, L)) input, then scale and shift.

    Training: batch mean and biased batch variance; the running statistics move by
    `momentum` (running_var from the unbiased variance, as PyTorch) and
    `num_batches_tracked` counts batches (momentum=None: a cumulative average).
    Eval: the running statistics. Parameters `weight`, `bias`; buffers
    `running_mean`, `running_var`, `num_batches_tracked` (PyTorch's keys); `bias=False`
    keeps the learnable scale but drops the shift.

    >>> import autograd_lite as al, nn
    >>> bn = nn.BatchNorm1d(3)
    >>> bn(al.randn(8, 3)).shape, int(bn.num_batches_tracked.item())
    ((8, 3), 1)
    """

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        if (
            isinstance(num_features, bool)
            or not isinstance(num_features, (int, np.integer))
            or num_features <= 0
        ):
            raise ValueError(f"BatchNorm1d: num_features must be a positive int, got {num_features!r}")
        self.num_features = int(num_features)
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.use_bias = bias
        self.track_running_stats = track_running_stats
        dtype = factory_dtype(type(self).__name__, device, dtype)
        if affine:
            self.weight = Parameter(np.ones(self.num_features, dtype=dtype))
        else:
            self.register_parameter("weight", None)
        if affine and bias:
            self.bias = Parameter(np.zeros(self.num_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", np.zeros(self.num_features, dtype=dtype))
            self.register_buffer("running_var", np.ones(self.num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked", np.array(0, dtype=np.int64))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        """Running mean 0, running variance 1, no batches tracked.

        >>> import autograd_lite as al, nn
        >>> bn = nn.BatchNorm1d(2); _ = bn(al.randn(4, 2)); bn.reset_running_stats()
        >>> int(bn.num_batches_tracked.item()), bn.running_var.tolist()
        (0, [1.0, 1.0])
        """
        if self.track_running_stats:
            declare_updates([self.running_mean, self.running_var, self.num_batches_tracked])
            self.running_mean.numpy()[...] = 0
            self.running_var.numpy()[...] = 1
            self.num_batches_tracked.numpy()[...] = 0

    def _check_input(self, shape: tuple) -> None:
        if len(shape) not in (2, 3) or shape[1] != self.num_features:
            raise ValueError(
                f"BatchNorm1d({self.num_features}) expects input of shape (N, {self.num_features}) or "
                f"(N, {self.num_features}, L), got {tuple(shape)}"
            )

    def forward(self, x: Any) -> Tensor:
        shape = x.shape
        self._check_input(shape)
        momentum = 0.0 if self.momentum is None else self.momentum
        update = self.training and self.track_running_stats
        if update:
            # Count the batch first (PyTorch does too): momentum=None averages over all batches.
            if shape[0] * int(np.prod(shape[2:])) > 1:
                declare_updates([self.num_batches_tracked])
                self.num_batches_tracked.numpy()[...] += 1
            if self.momentum is None:
                momentum = 1.0 / float(self.num_batches_tracked.numpy())
        use_batch_stats = self.training or not self.track_running_stats
        return F.batch_norm(
            x,
            self.running_mean if update or not use_batch_stats else None,
            self.running_var if update or not use_batch_stats else None,
            self.weight,
            self.bias,
            use_batch_stats,
            momentum,
            self.eps,
        )

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"bias={self.use_bias}, track_running_stats={self.track_running_stats}"
        )


class BatchNorm2d(BatchNorm1d):
    """Normalise each channel of (N, C, H, W) input over the batch and positions, then scale
    and shift; the same parameters, buffers, running statistics and keys as BatchNorm1d
    (and torch.nn.BatchNorm2d).

    >>> import autograd_lite as al, nn
    >>> nn.BatchNorm2d(3)(al.randn(4, 3, 5, 5)).shape
    (4, 3, 5, 5)
    """

    def _check_input(self, shape: tuple) -> None:
        if len(shape) != 4 or shape[1] != self.num_features:
            raise ValueError(
                f"BatchNorm2d({self.num_features}) expects 4-D input of shape "
                f"(N, {self.num_features}, H, W), got {tuple(shape)}"
            )
