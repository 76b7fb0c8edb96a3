"""Adam (with AMSGrad and L2 weight decay) and AdamW (decoupled weight decay)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from .optimizer import Optimizer


def adam_update(
    param: np.ndarray,
    grad: np.ndarray,
    exp_avg: np.ndarray,
    exp_avg_sq: np.ndarray,
    max_exp_avg_sq: np.ndarray | None,
    *,
    step: int,
    lr: float,
    beta1: float,
    beta2: float,
    eps: float,
    weight_decay: float,
    decoupled: bool,
) -> None:
    """One Adam step (`step` counts from 1) on `param` and the moment arrays, all in place.

    `max_exp_avg_sq` is given for AMSGrad, None otherwise; `decoupled` selects AdamW's decay.

    >>> import numpy as np
    >>> p, m, v = np.array([1.0]), np.zeros(1), np.zeros(1)
    >>> adam_update(p, np.array([4.0]), m, v, None, step=1, lr=0.1, beta1=0.9, beta2=0.999,
    ...     eps=1e-8, weight_decay=0.0, decoupled=False); p.round(6)
    array([0.9])
    """
    g = grad
    if weight_decay != 0:
        if decoupled:
            param *= 1 - lr * weight_decay  # θ ← θ(1 − γλ)
        else:
            g = g + weight_decay * param  # g ← g + λθ
    exp_avg *= beta1  # m ← β₁m + (1 − β₁)g
    exp_avg += (1 - beta1) * g
    exp_avg_sq *= beta2  # v ← β₂v + (1 − β₂)g²
    exp_avg_sq += (1 - beta2) * g * g
    if max_exp_avg_sq is not None:
        np.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)  # v_max ← max(v_max, v)
        exp_avg_sq = max_exp_avg_sq
    bias_correction1 = 1 - beta1**step
    bias_correction2 = 1 - beta2**step
    denom = np.sqrt(exp_avg_sq)  # √v̂ + ε, with v̂ = v / (1 − β₂ᵗ)
    denom /= math.sqrt(bias_correction2)
    denom += eps
    param -= (lr / bias_correction1) * exp_avg / denom  # θ ← θ − γ m̂ / (√v̂ + ε), m̂ = m / (1 − β₁ᵗ)


class Adam(Optimizer):
    """Adam (Kingma & Ba), optionally AMSGrad, PyTorch's rule and defaults.

    With gradient g, learning rate γ, betas (β₁, β₂), weight decay λ and step t = 1, 2, ...:

        g ← g + λθ
        m ← β₁m + (1 − β₁)g
        v ← β₂v + (1 − β₂)g²
        v_max ← max(v_max, v)                  (amsgrad; then v_max replaces v below)
        θ ← θ − γ/(1 − β₁ᵗ) · m / (√(v / (1 − β₂ᵗ)) + ε)

    State: `step`, `exp_avg` (m), `exp_avg_sq` (v), `max_exp_avg_sq` (amsgrad).

    >>> import autograd_lite as al, optim
    >>> w = al.tensor([1.0], requires_grad=True)
    >>> opt = optim.Adam([w], lr=0.1)
    >>> (w * w).sum().backward(); opt.step(); round(w.item(), 4)
    0.9
    """

    _array_state = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")
    _decoupled = False

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, amsgrad=amsgrad, maximize=maximize
        )
        super().__init__(params, defaults)

    def _required_state(self, group: dict[str, Any]) -> tuple[str, ...]:
        if group["amsgrad"]:
            return ("step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq")
        return ("step", "exp_avg", "exp_avg_sq")

    def _init_state(self, param: Any, group: dict[str, Any]) -> dict[str, Any]:
        state: dict[str, Any] = {
            "step": 0,
            "exp_avg": np.zeros_like(param.numpy()),
            "exp_avg_sq": np.zeros_like(param.numpy()),
        }
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = np.zeros_like(param.numpy())
        return state

    def _group_options(self, group: dict[str, Any]) -> tuple[float, float, float, float, float, bool]:
        beta1, beta2 = group["betas"]
        return (
            float(group["lr"]),
            float(beta1),
            float(beta2),
            float(group["eps"]),
            float(group["weight_decay"]),
            bool(group["amsgrad"]),
        )

    def _update(
        self,
        param: np.ndarray,
        grad: np.ndarray,
        state: dict[str, Any],
        options: tuple[float, float, float, float, float, bool],
    ) -> None:
        lr, beta1, beta2, eps, weight_decay, amsgrad = options
        max_exp_avg_sq = None
        if amsgrad:
            if "max_exp_avg_sq" not in state:  # amsgrad switched on after earlier steps
                state["max_exp_avg_sq"] = np.zeros_like(param)
            max_exp_avg_sq = state["max_exp_avg_sq"]
        step = state["step"] = state["step"] + 1
        adam_update(
            param,
            grad,
            state["exp_avg"],
            state["exp_avg_sq"],
            max_exp_avg_sq,
            step=step,
            lr=lr,
            beta1=beta1,
            beta2=beta2,
            eps=eps,
            weight_decay=weight_decay,
            decoupled=self._decoupled,
        )


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter), PyTorch's rule and defaults.

    As `Adam`, except that the decay shrinks the parameter instead of entering the gradient:

        θ ← θ(1 − γλ)
        m ← β₁m + (1 − β₁)g
        v ← β₂v + (1 − β₂)g²
        θ ← θ − γ/(1 − β₁ᵗ) · m / (√(v / (1 − β₂ᵗ)) + ε)

    >>> import autograd_lite as al, optim
    >>> w = al.tensor([1.0], requires_grad=True)
    >>> opt = optim.AdamW([w], lr=0.1)
    >>> (w * w).sum().backward(); opt.step(); round(w.item(), 4)
    0.899
    """

    _decoupled = True

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(
            params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad, maximize=maximize
        )
