"""Loss layers: each holds its options and calls the nn.functional loss of the same name."""

# `input` is PyTorch's argument name for losses; keeping it lets calls by keyword port unchanged.
# ruff: noqa: A001, A002

from __future__ import annotations

from typing import Any

from autograd_lite import Tensor

from . import functional as F
from .module import Module


class _Loss(Module):
    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = F._check_reduction(reduction)


class MSELoss(_Loss):
    """Mean squared error; `reduction` is "mean", "sum" or "none".

    >>> import autograd_lite as al, nn
    >>> nn.MSELoss()(al.tensor([1.0, 2.0]), al.tensor([1.0, 4.0])).item()
    2.0
    """

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.mse_loss(input, target, self.reduction)


class L1Loss(_Loss):
    """Mean absolute error.

    >>> import autograd_lite as al, nn
    >>> nn.L1Loss(reduction="sum")(al.tensor([1.0, 2.0]), al.tensor([0.0, 4.0])).item()
    3.0
    """

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.l1_loss(input, target, self.reduction)


class HuberLoss(_Loss):
    """Quadratic for |input - target| < delta, linear beyond.

    >>> import autograd_lite as al, nn
    >>> nn.HuberLoss(reduction="none")(al.tensor([0.5, 3.0]), al.tensor([0.0, 0.0])).tolist()
    [0.125, 2.5]
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        if not delta > 0:
            raise ValueError(f"HuberLoss: delta must be positive, got {delta!r}")
        self.delta = delta

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.huber_loss(input, target, self.reduction, self.delta)


class SmoothL1Loss(_Loss):
    """0.5 d**2 / beta where |d| < beta, else |d| - beta / 2, with d = input - target.

    >>> import autograd_lite as al, nn
    >>> nn.SmoothL1Loss(reduction="none")(al.tensor([0.5, 3.0]), al.tensor([0.0, 0.0])).tolist()
    [0.125, 2.5]
    """

    def __init__(self, reduction: str = "mean", beta: float = 1.0) -> None:
        super().__init__(reduction)
        if not beta >= 0:
            raise ValueError(f"SmoothL1Loss: beta must be non-negative, got {beta!r}")
        self.beta = beta

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.smooth_l1_loss(input, target, self.reduction, self.beta)


class KLDivLoss(_Loss):
    """KL divergence of log-probabilities `input` from `target` (probabilities, or
    log-probabilities with `log_target=True`); `reduction="batchmean"` gives the true KL.

    >>> import autograd_lite as al, nn
    >>> loss = nn.KLDivLoss(reduction="batchmean")
    >>> round(loss(al.tensor([[0.5, 0.5]]).log(), al.tensor([[0.25, 0.75]])).item(), 4)
    0.1308
    """

    def __init__(self, reduction: str = "mean", log_target: bool = False) -> None:
        Module.__init__(self)
        if reduction not in ("mean", "batchmean", "sum", "none"):
            raise ValueError(f"reduction must be 'mean', 'batchmean', 'sum' or 'none', got {reduction!r}")
        self.reduction = reduction
        self.log_target = log_target

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.kl_div(input, target, self.reduction, self.log_target)


class BCELoss(_Loss):
    """Binary cross-entropy of probabilities (logs clamped at -100, as PyTorch).

    >>> import autograd_lite as al, nn
    >>> nn.BCELoss()(al.tensor([0.0]), al.tensor([1.0])).item()
    100.0
    """

    def __init__(self, weight: Any = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.weight = weight

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.binary_cross_entropy(input, target, self.weight, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy on raw scores, stable for logits of magnitude 1e4.

    >>> import autograd_lite as al, nn
    >>> nn.BCEWithLogitsLoss()(al.tensor([-1e4]), al.tensor([0.0])).item()
    0.0
    """

    def __init__(self, weight: Any = None, reduction: str = "mean", pos_weight: Any = None) -> None:
        super().__init__(reduction)
        self.weight = weight
        self.pos_weight = pos_weight

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.binary_cross_entropy_with_logits(input, target, self.weight, self.reduction, self.pos_weight)


class CrossEntropyLoss(_Loss):
    """Cross-entropy of logits (N, C) against integer labels (N,), as one fused node.

    Labels equal to `ignore_index` are skipped; others must lie in [0, C). `weight` (C,)
    weighs each class ("mean" then divides by the total weight of the rows kept);
    `label_smoothing` mixes the targets with the uniform distribution, as PyTorch's.

    >>> import autograd_lite as al, nn
    >>> round(nn.CrossEntropyLoss()(al.tensor([[2.0, 0.0]]), al.tensor([0])).item(), 4)
    0.1269
    """

    def __init__(
        self,
        weight: Any = None,
        ignore_index: int = -100,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(reduction)
        if isinstance(label_smoothing, bool) or not 0.0 <= label_smoothing <= 1.0:
            raise ValueError(f"label_smoothing must be between 0.0 and 1.0, got {label_smoothing!r}")
        self.weight = weight
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.cross_entropy(
            input,
            target,
            self.weight,
            self.ignore_index,
            self.reduction,
            label_smoothing=self.label_smoothing,
        )


class NLLLoss(_Loss):
    """Negative log-likelihood of log-probabilities (N, C) at integer labels (N,).

    >>> import autograd_lite as al, nn
    >>> nn.NLLLoss()(al.tensor([[-0.5, -1.5], [-2.0, -0.1]]), al.tensor([1, -100])).item()
    1.5
    """

    def __init__(self, weight: Any = None, ignore_index: int = -100, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.weight = weight
        self.ignore_index = ignore_index

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.nll_loss(input, target, self.weight, self.ignore_index, self.reduction)
