"""Dropout: inverted dropout in training mode, the identity in eval mode."""

from __future__ import annotations

from typing import Any

from autograd_lite import Tensor

from . import functional as F
from .functional_dropout import _check_probability
from .module import Module


class Dropout(Module):
    """Zero each element with probability p during training and scale the rest by 1/(1-p).

    >>> import autograd_lite as al, nn
    >>> drop = nn.Dropout(0.5).eval()
    >>> drop(al.ones(3)).tolist()
    [1.0, 1.0, 1.0]
    """

    def __init__(self, p: float = 0.5) -> None:
        super().__init__()
        self.p = _check_probability(p)

    def forward(self, x: Any) -> Tensor:
        return F.dropout(x, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}"
