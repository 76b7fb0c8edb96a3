"""Stochastic gradient descent with momentum, dampening, Nesterov and L2 weight decay."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .optimizer import Optimizer


def sgd_update(
    param: np.ndarray,
    grad: np.ndarray,
    momentum_buffer: np.ndarray | None,
    *,
    lr: float,
    momentum: float,
    dampening: float,
    weight_decay: float,
    nesterov: bool,
) -> np.ndarray | None:
    """One SGD step on `param` in place; returns the momentum buffer (new on the first step).

    >>> import numpy as np
    >>> p = np.array([1.0]); sgd_update(p, np.array([2.0]), None, lr=0.1, momentum=0.0,
    ...     dampening=0.0, weight_decay=0.0, nesterov=False); p
    array([0.8])
    """
    g = grad
    if weight_decay != 0:
        g = g + weight_decay * param  # g ← g + λθ
    if momentum != 0:
        if momentum_buffer is None:
            momentum_buffer = np.array(g)  # b₁ ← g₁ (no dampening on the first step)
        else:
            momentum_buffer *= momentum  # b ← μb + (1 − τ)g
            momentum_buffer += (1 - dampening) * g
        g = g + momentum * momentum_buffer if nesterov else momentum_buffer  # Nesterov: g ← g + μb
    param -= lr * g  # θ ← θ − γg
    return momentum_buffer


class SGD(Optimizer):
    """Stochastic gradient descent, PyTorch's rule and defaults.

    With gradient g, learning rate γ, weight decay λ, momentum μ and dampening τ:

        g ← g + λθ
        b ← g on the first step, else μb + (1 − τ)g      (when μ ≠ 0)
        g ← g + μb if nesterov else b                      (when μ ≠ 0)
        θ ← θ − γg

    Nesterov momentum needs μ > 0 and τ = 0. State: `momentum_buffer` (when μ ≠ 0).

    >>> import autograd_lite as al, optim
    >>> w = al.tensor([1.0], requires_grad=True)
    >>> opt = optim.SGD([w], lr=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     opt.zero_grad(); (w * w).sum().backward(); opt.step()
    >>> round(w.item(), 4)
    0.46
    """

    _array_state = ("momentum_buffer",)

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
            nesterov=nesterov,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any], index: int) -> None:
        super()._check_group(group, index)
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(
                f"Nesterov momentum requires a momentum > 0 and zero dampening (param group {index} has "
                f"momentum={group['momentum']!r}, dampening={group['dampening']!r})"
            )

    def _required_state(self, group: dict[str, Any]) -> tuple[str, ...]:
        return ("momentum_buffer",) if group["momentum"] != 0 else ()

    def _group_options(self, group: dict[str, Any]) -> tuple[float, float, float, float, bool]:
        return (
            float(group["lr"]),
            float(group["momentum"]),
            float(group["dampening"]),
            float(group["weight_decay"]),
            bool(group["nesterov"]),
        )

    def _update(
        self,
        param: np.ndarray,
        grad: np.ndarray,
        state: dict[str, Any],
        options: tuple[float, float, float, float, bool],
    ) -> None:
        lr, momentum, dampening, weight_decay, nesterov = options
        buffer = sgd_update(
            param,
            grad,
            state.get("momentum_buffer"),
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
            nesterov=nesterov,
        )
        if buffer is not None:
            state["momentum_buffer"] = buffer
