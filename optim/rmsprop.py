"""RMSprop, optionally centered and with momentum."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .optimizer import Optimizer


def rmsprop_update(
    param: np.ndarray,
    grad: np.ndarray,
    square_avg: np.ndarray,
    grad_avg: np.ndarray | None,
    momentum_buffer: np.ndarray | None,
    *,
    lr: float,
    alpha: float,
    eps: float,
    weight_decay: float,
    momentum: float,
) -> None:
    """One RMSprop step on `param` and its averages, in place.

    `grad_avg` is given when centered, `momentum_buffer` when momentum > 0 (None otherwise).

    >>> import numpy as np
    >>> p, v = np.array([1.0]), np.zeros(1)
    >>> rmsprop_update(p, np.array([2.0]), v, None, None, lr=0.01, alpha=0.99, eps=1e-8,
    ...     weight_decay=0.0, momentum=0.0); p.round(4)
    array([0.9])
    """
    g = grad
    if weight_decay != 0:
        g = g + weight_decay * param  # g ← g + λθ
    square_avg *= alpha  # v ← αv + (1 − α)g²
    square_avg += (1 - alpha) * g * g
    if grad_avg is not None:
        grad_avg *= alpha  # ḡ ← αḡ + (1 − α)g
        grad_avg += (1 - alpha) * g
        denom = np.sqrt(square_avg - grad_avg * grad_avg)  # √(v − ḡ²) + ε
    else:
        denom = np.sqrt(square_avg)  # √v + ε
    denom += eps
    if momentum_buffer is not None:
        momentum_buffer *= momentum  # b ← μb + g / (√ṽ + ε)
        momentum_buffer += g / denom
        param -= lr * momentum_buffer  # θ ← θ − γb
    else:
        param -= lr * g / denom  # θ ← θ − γ g / (√ṽ + ε)


class RMSprop(Optimizer):
    """RMSprop (Hinton), optionally centered (Graves), PyTorch's rule and defaults.

    With gradient g, learning rate γ, smoothing α, weight decay λ and momentum μ:

        g ← g + λθ
        v ← αv + (1 − α)g²
        ṽ ← v, or v − ḡ² with ḡ ← αḡ + (1 − α)g when centered
        b ← μb + g / (√ṽ + ε);  θ ← θ − γb           (when μ > 0)
        θ ← θ − γ g / (√ṽ + ε)                        (otherwise)

    State: `step`, `square_avg` (v), `grad_avg` (ḡ, centered), `momentum_buffer` (μ > 0).

    >>> import autograd_lite as al, optim
    >>> w = al.tensor([1.0], requires_grad=True)
    >>> opt = optim.RMSprop([w])
    >>> (w * w).sum().backward(); opt.step(); round(w.item(), 4)
    0.9
    """

    _array_state = ("square_avg", "grad_avg", "momentum_buffer")

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            alpha=alpha,
            eps=eps,
            weight_decay=weight_decay,
            momentum=momentum,
            centered=centered,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _required_state(self, group: dict[str, Any]) -> tuple[str, ...]:
        keys = ["step", "square_avg"]
        if group["momentum"] > 0:
            keys.append("momentum_buffer")
        if group["centered"]:
            keys.append("grad_avg")
        return tuple(keys)

    def _init_state(self, param: Any, group: dict[str, Any]) -> dict[str, Any]:
        state: dict[str, Any] = {"step": 0, "square_avg": np.zeros_like(param.numpy())}
        if group["momentum"] > 0:
            state["momentum_buffer"] = np.zeros_like(param.numpy())
        if group["centered"]:
            state["grad_avg"] = np.zeros_like(param.numpy())
        return state

    def _group_options(self, group: dict[str, Any]) -> tuple[float, float, float, float, float, bool]:
        return (
            float(group["lr"]),
            float(group["alpha"]),
            float(group["eps"]),
            float(group["weight_decay"]),
            float(group["momentum"]),
            bool(group["centered"]),
        )

    def _update(
        self,
        param: np.ndarray,
        grad: np.ndarray,
        state: dict[str, Any],
        options: tuple[float, float, float, float, float, bool],
    ) -> None:
        lr, alpha, eps, weight_decay, momentum, centered = options
        # Settings switched on after earlier steps start their buffers at zero.
        if momentum > 0 and "momentum_buffer" not in state:
            state["momentum_buffer"] = np.zeros_like(param)
        if centered and "grad_avg" not in state:
            state["grad_avg"] = np.zeros_like(param)
        state["step"] += 1
        rmsprop_update(
            param,
            grad,
            state["square_avg"],
            state["grad_avg"] if centered else None,
            state["momentum_buffer"] if momentum > 0 else None,
            lr=lr,
            alpha=alpha,
            eps=eps,
            weight_decay=weight_decay,
            momentum=momentum,
        )
