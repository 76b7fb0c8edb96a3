"""Learning-rate schedulers: StepLR, ExponentialLR, CosineAnnealingLR, LambdaLR.

Each `step()` moves to the next epoch and writes the new rate into every param group's
`"lr"`, using PyTorch's update rules (so `get_last_lr()` gives PyTorch's numbers).
"""

from __future__ import annotations

import math
import types
from collections.abc import Mapping
from typing import Any, Callable

from .optimizer import Optimizer


class LRScheduler:
    """Base class: `base_lrs` (each group's `initial_lr`), `last_epoch`, `step()`, `get_last_lr()`.

    Construction records `initial_lr` in every group (when `last_epoch == -1`) and takes
    the first step, to epoch 0. Subclasses define `get_lr()`: the rates for `last_epoch`.

    >>> import autograd_lite as al, optim
    >>> opt = optim.SGD([al.zeros(1, requires_grad=True)], lr=1.0)
    >>> sched = optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    >>> for _ in range(4):
    ...     opt.step(); sched.step()
    >>> sched.last_epoch, sched.get_last_lr()
    (4, [0.25])
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for index, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"param group {index} has no 'initial_lr', needed to resume at last_epoch="
                        f"{last_epoch}; load the optimizer's state dict first"
                    )
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._step_count = 0
        self._initial = True
        self.step()
        self._initial = False

    def get_lr(self) -> list[float]:
        """The rates for epoch `last_epoch` (called by `step()`)."""
        raise NotImplementedError(f"{type(self).__name__} does not define get_lr")

    def step(self) -> None:
        """Advance one epoch and set each group's `"lr"` (call after `optimizer.step()`)."""
        self._step_count += 1
        self.last_epoch += 1
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list[float]:
        """The rates the last `step()` set, one per param group."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimizer (`al.save` can store it).

        >>> import autograd_lite as al, optim
        >>> opt = optim.SGD([al.zeros(1, requires_grad=True)], lr=1.0)
        >>> optim.lr_scheduler.ExponentialLR(opt, gamma=0.5).state_dict()["last_epoch"]
        0
        """
        return {key: value for key, value in self.__dict__.items() if key not in ("optimizer", "_initial")}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore what `state_dict()` returned; unknown keys or a wrong group count raise first."""
        unknown = sorted(set(state_dict) - set(self.state_dict()))
        if unknown:
            raise ValueError(f"unexpected keys in the {type(self).__name__} state dict: {unknown}")
        base_lrs = state_dict.get("base_lrs", self.base_lrs)
        if len(base_lrs) != len(self.optimizer.param_groups):
            raise ValueError(
                f"the state dict has {len(base_lrs)} base_lrs, but the optimizer has "
                f"{len(self.optimizer.param_groups)} param groups"
            )
        self.__dict__.update({key: list(v) if isinstance(v, tuple) else v for key, v in state_dict.items()})


class StepLR(LRScheduler):
    """Multiply the rate by `gamma` every `step_size` epochs: lr = base_lr · gamma^⌊epoch / step_size⌋.

    >>> import autograd_lite as al, optim
    >>> opt = optim.SGD([al.zeros(1, requires_grad=True)], lr=1.0)
    >>> sched = optim.lr_scheduler.StepLR(opt, step_size=2)
    >>> rates = []
    >>> for _ in range(5):
    ...     opt.step(); sched.step(); rates.append(sched.get_last_lr()[0])
    >>> [round(r, 6) for r in rates]
    [1.0, 0.1, 0.1, 0.01, 0.01]
    """

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        if not isinstance(step_size, int) or isinstance(step_size, bool) or step_size <= 0:
            raise ValueError(f"step_size must be a positive int, got {step_size!r}")
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        # Multiplying the current rate (not base_lr · gammaᵏ) is PyTorch's rule, so
        # changes made to a group's lr between steps carry on.
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return [group["lr"] for group in self.optimizer.param_groups]
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]


class ExponentialLR(LRScheduler):
    """Multiply the rate by `gamma` every epoch: lr = base_lr · gamma^epoch.

    >>> import autograd_lite as al, optim
    >>> opt = optim.SGD([al.zeros(1, requires_grad=True)], lr=1.0)
    >>> sched = optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
    >>> opt.step(); sched.step(); opt.step(); sched.step(); sched.get_last_lr()
    [0.25]
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self._initial:
            return [group["lr"] for group in self.optimizer.param_groups]
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]


class CosineAnnealingLR(LRScheduler):
    """Cosine annealing from base_lr to `eta_min` over `T_max` epochs (then back up, periodically).

    lr(epoch) = eta_min + (base_lr − eta_min) · (1 + cos(π · epoch / T_max)) / 2, reached by
    PyTorch's recursive update (the same values up to rounding, and PyTorch's to the bit).

    >>> import autograd_lite as al, optim
    >>> opt = optim.SGD([al.zeros(1, requires_grad=True)], lr=1.0)
    >>> sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=2)
    >>> rates = []
    >>> for _ in range(3):
    ...     opt.step(); sched.step(); rates.append(round(sched.get_last_lr()[0], 6))
    >>> rates
    [0.5, 0.0, 0.5]
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1) -> None:  # noqa: N803 - PyTorch's name
        if not isinstance(T_max, int) or isinstance(T_max, bool) or T_max <= 0:
            raise ValueError(f"T_max must be a positive int, got {T_max!r}")
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        groups = self.optimizer.param_groups
        epoch, period, eta_min = self.last_epoch, self.T_max, self.eta_min
        if self._initial:
            return [group["lr"] for group in groups]
        if self._step_count == 1 and epoch > 0:  # resumed at a later epoch: the closed form
            return [
                eta_min + (base_lr - eta_min) * (1 + math.cos(epoch * math.pi / period)) / 2
                for base_lr in self.base_lrs
            ]
        if (epoch - 1 - period) % (2 * period) == 0:  # leaving the minimum, where the ratio is 0/0
            return [
                group["lr"] + (base_lr - eta_min) * (1 - math.cos(math.pi / period)) / 2
                for base_lr, group in zip(self.base_lrs, groups)
            ]
        return [
            (1 + math.cos(math.pi * epoch / period))
            / (1 + math.cos(math.pi * (epoch - 1) / period))
            * (group["lr"] - eta_min)
            + eta_min
            for group in groups
        ]


class LambdaLR(LRScheduler):
    """lr = base_lr · lr_lambda(epoch), with one function for all groups or a list, one per group.

    >>> import autograd_lite as al, optim
    >>> opt = optim.SGD([al.zeros(1, requires_grad=True)], lr=1.0)
    >>> sched = optim.lr_scheduler.LambdaLR(opt, lambda epoch: 1 / (epoch + 1))
    >>> opt.step(); sched.step(); sched.get_last_lr()
    [0.5]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != len(optimizer.param_groups):
                raise ValueError(
                    f"expected {len(optimizer.param_groups)} lr_lambdas (one per param group), "
                    f"got {len(lr_lambda)}"
                )
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * len(optimizer.param_groups)
        for fn in self.lr_lambdas:
            if not callable(fn):
                raise TypeError(f"lr_lambda must be callable, got {type(fn).__name__}")
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [base_lr * fn(self.last_epoch) for fn, base_lr in zip(self.lr_lambdas, self.base_lrs)]

    def state_dict(self) -> dict[str, Any]:
        """As the base class; functions are not saved, callable objects save their attributes."""
        state = {key: value for key, value in super().state_dict().items() if key != "lr_lambdas"}
        state["lr_lambdas"] = [
            None if isinstance(fn, types.FunctionType) else dict(fn.__dict__) for fn in self.lr_lambdas
        ]
        return state

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        state = dict(state_dict)
        saved_lambdas = state.pop("lr_lambdas", None)
        if saved_lambdas is not None and len(saved_lambdas) != len(self.lr_lambdas):
            raise ValueError(
                f"the state dict has {len(saved_lambdas)} lr_lambdas, the scheduler {len(self.lr_lambdas)}"
            )
        super().load_state_dict(state)
        for fn, attributes in zip(self.lr_lambdas, saved_lambdas or ()):
            if attributes is not None:
                fn.__dict__.update(attributes)


__all__ = ["LRScheduler", "StepLR", "ExponentialLR", "CosineAnnealingLR", "LambdaLR"]
