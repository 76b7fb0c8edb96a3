"""Adagrad, with learning-rate decay and an initial accumulator value."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .optimizer import Optimizer


def adagrad_update(
    param: np.ndarray,
    grad: np.ndarray,
    state_sum: np.ndarray,
    *,
    step: int,
    lr: float,
    lr_decay: float,
    weight_decay: float,
    eps: float,
) -> None:
    """One Adagrad step (`step` counts from 1) on `param` and the sum of squares, in place.

    >>> import numpy as np
    >>> p, s = np.array([1.0]), np.zeros(1)
    >>> adagrad_update(p, np.array([2.0]), s, step=1, lr=0.01, lr_decay=0.0,
    ...     weight_decay=0.0, eps=1e-10); p.round(4), s
    (array([0.99]), array([4.]))
    """
    g = grad
    if weight_decay != 0:
        g = g + weight_decay * param  # g ← g + λθ
    clr = lr / (1 + (step - 1) * lr_decay)  # γ̃ ← γ / (1 + (t − 1)η)
    state_sum += g * g  # s ← s + g²
    std = np.sqrt(state_sum)  # √s + ε
    std += eps
    param -= clr * g / std  # θ ← θ − γ̃ g / (√s + ε)


class Adagrad(Optimizer):
    """Adagrad (Duchi et al.), PyTorch's rule and defaults.

    With gradient g, learning rate γ, lr decay η, weight decay λ, step t = 1, 2, ... and the
    sum of squares s starting at `initial_accumulator_value`:

        g ← g + λθ
        γ̃ ← γ / (1 + (t − 1)η)
        s ← s + g²
        θ ← θ − γ̃ g / (√s + ε)

    State: `step`, `sum` (s).

    >>> import autograd_lite as al, optim
    >>> w = al.tensor([1.0], requires_grad=True)
    >>> opt = optim.Adagrad([w], lr=0.1)
    >>> (w * w).sum().backward(); opt.step(); round(w.item(), 4)
    0.9
    """

    _array_state = ("sum",)

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            lr_decay=lr_decay,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            eps=eps,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _required_state(self, group: dict[str, Any]) -> tuple[str, ...]:
        return ("step", "sum")

    def _init_state(self, param: Any, group: dict[str, Any]) -> dict[str, Any]:
        return {"step": 0, "sum": np.full_like(param.numpy(), group["initial_accumulator_value"])}

    def _group_options(self, group: dict[str, Any]) -> tuple[float, float, float, float]:
        return (
            float(group["lr"]),
            float(group["lr_decay"]),
            float(group["weight_decay"]),
            float(group["eps"]),
        )

    def _update(
        self,
        param: np.ndarray,
        grad: np.ndarray,
        state: dict[str, Any],
        options: tuple[float, float, float, float],
    ) -> None:
        lr, lr_decay, weight_decay, eps = options
        step = state["step"] = state["step"] + 1
        adagrad_update(
            param,
            grad,
            state["sum"],
            step=step,
            lr=lr,
            lr_decay=lr_decay,
            weight_decay=weight_decay,
            eps=eps,
        )
