"""`Optimizer`: parameter groups, per-parameter state and state dicts around an update rule.

Each algorithm (sgd.py, adam.py, ...) subclasses it with a pure update function on arrays.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from typing import Any, Callable

import numpy as np

from autograd_lite import Tensor, as_tensor, declare_updates, enable_grad

# Hyper-parameters that must be >= 0 whenever an optimizer has them.
_NON_NEGATIVE = ("lr", "eps", "weight_decay", "momentum", "alpha", "lr_decay", "initial_accumulator_value")


class Optimizer:
    """Base class: holds `param_groups` and per-parameter `state`; subclasses define the update.

    `params` is an iterable of leaf Tensors (e.g. `nn.Parameter`; frozen ones with
    `requires_grad=False` are kept and skipped, as their `.grad` stays None) or of dicts
    (parameter groups: a `"params"` entry plus hyper-parameters overriding `defaults`).
    State is created lazily, on a parameter's first step. A group whose `maximize` is
    true follows the negated gradient (every optimizer takes `maximize=`, as PyTorch's).

    Subclasses set `_array_state` (the state entries that are parameter-shaped arrays) and
    implement `_init_state(param, group)` and `_update(param, grad, state, options)`, where
    `options` is what `_group_options(group)` returns (the group itself unless overridden).

    >>> import autograd_lite as al, optim
    >>> w = al.tensor([1.0, 2.0], requires_grad=True)
    >>> opt = optim.SGD([w], lr=0.5)
    >>> (w * w).sum().backward(); opt.step(); w
    tensor([0., 0.], requires_grad=True)
    """

    # Names of state entries holding parameter-shaped arrays (checked on load and step).
    _array_state: tuple[str, ...] = ()

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        if isinstance(params, Tensor):
            raise TypeError(
                "params must be an iterable of Tensors or of dicts (parameter groups), got a "
                "single Tensor; wrap it in a list"
            )
        if isinstance(params, (set, frozenset)):
            raise TypeError(
                "params must be an ordered iterable (a list), not a set: the order must be stable"
            )
        self.defaults: dict[str, Any] = dict(defaults)
        self.state: dict[Tensor, dict[str, Any]] = {}
        self.param_groups: list[dict[str, Any]] = []
        params = list(params)
        if not params:
            raise ValueError("optimizer got an empty parameter list")
        groups = params if isinstance(params[0], Mapping) else [{"params": params}]
        for group in groups:
            self.add_param_group(group)

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for index, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {index}")
            for key in sorted(k for k in group if k != "params"):
                lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)

    # -- parameter groups ----------------------------------------------------------

    def add_param_group(self, param_group: Mapping[str, Any]) -> None:
        """Add a group of parameters (a dict with `"params"` and optional hyper-parameters).

        Missing hyper-parameters are taken from `defaults`. Every check runs before the
        group is added.

        >>> import autograd_lite as al, optim
        >>> a, b = al.zeros(2, requires_grad=True), al.zeros(3, requires_grad=True)
        >>> opt = optim.SGD([a], lr=0.1)
        >>> opt.add_param_group({"params": [b], "lr": 0.01})
        >>> [g["lr"] for g in opt.param_groups]
        [0.1, 0.01]
        """
        if not isinstance(param_group, Mapping):
            raise TypeError(f"a param group must be a dict, got {type(param_group).__name__}")
        if "params" not in param_group:
            raise ValueError("a param group must have a 'params' entry")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError("a param group's params must be an ordered iterable (a list), not a set")
        else:
            params = list(params)
        group_index = len(self.param_groups)
        seen: set[int] = set()
        for index, param in enumerate(params):
            where = f"parameter {index} of param group {group_index}"
            if not isinstance(param, Tensor):
                raise TypeError(f"{where} is a {type(param).__name__}; optimizers take Tensors")
            if param.grad_fn is not None:
                raise ValueError(f"can't optimize a non-leaf Tensor: {_describe(param, where)}")
            if id(param) in seen:
                raise ValueError(f"{_describe(param, where)} appears twice in the same param group")
            seen.add(id(param))
        for other_index, other in enumerate(self.param_groups):
            for param in other["params"]:
                if id(param) in seen:
                    index = next(i for i, p in enumerate(params) if p is param)
                    raise ValueError(
                        f"{_describe(param, f'parameter {index} of param group {group_index}')} is "
                        f"already in param group {other_index}; a parameter may be in one group only"
                    )
        group = {key: value for key, value in param_group.items() if key != "params"}
        for key, value in self.defaults.items():
            group.setdefault(key, value)
        group["params"] = params
        self._check_group(group, group_index)
        self.param_groups.append(group)

    def _check_group(self, group: dict[str, Any], index: int) -> None:
        """Raise ValueError for a hyper-parameter out of range (subclasses add their own rules)."""
        where = f" in param group {index}"
        for key in _NON_NEGATIVE:
            if key in group:
                value = group[key]
                if not isinstance(value, numbers.Real) or isinstance(value, bool):
                    raise TypeError(f"{key} must be a real number{where}, got {value!r}")
                if not value >= 0:
                    raise ValueError(f"invalid {key}: {value!r}{where}; it must be >= 0")
        if "betas" in group:
            betas = group["betas"]
            if not isinstance(betas, (tuple, list)) or len(betas) != 2:
                raise ValueError(f"betas must be a pair (beta1, beta2){where}, got {betas!r}")
            for position, beta in enumerate(betas):
                if not isinstance(beta, numbers.Real) or isinstance(beta, bool) or not 0.0 <= beta < 1.0:
                    raise ValueError(
                        f"invalid beta at index {position}: {beta!r}{where}; it must be in [0, 1)"
                    )

    # -- the update ------------------------------------------------------------------

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; return `closure()`'s loss if given.

        All gradients (and existing state) are checked before anything changes, so a failed
        step leaves parameters and state as they were.

        >>> import autograd_lite as al, optim
        >>> w = al.tensor([3.0], requires_grad=True)
        >>> opt = optim.SGD([w], lr=0.1)
        >>> def closure():
        ...     opt.zero_grad()
        ...     loss = (w * w).sum()
        ...     loss.backward()
        ...     return loss
        >>> opt.step(closure).item(), w.item()
        (9.0, 2.4000000953674316)
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        work = self._checked_work()
        # Declares the in-place writes: a graph still holding an array lets go of its
        # read-only guard and will refuse a backward through the changed values.
        declare_updates([item[0] for _, items in work for item in items])
        states = self.state
        # None when the state starts empty (plain SGD's stays empty: made every step).
        init_state = self._init_state if type(self)._init_state is not Optimizer._init_state else None
        update = self._update
        for group, items in work:
            options = self._group_options(group)
            # maximize (PyTorch's flag): ascend by descending on the negated gradient.
            maximize = group.get("maximize", False)
            for param, grad, state in items:
                if maximize:
                    grad = -grad
                if state is None:
                    state = init_state(param, group) if init_state is not None else {}
                    update(param.numpy(), grad, state, options)
                    if state:
                        states[param] = state
                else:
                    update(param.numpy(), grad, state, options)
        return loss

    def _checked_work(
        self,
    ) -> list[tuple[dict[str, Any], list[tuple[Tensor, np.ndarray, dict[str, Any] | None]]]]:
        """Per group with work: (group, [(param, grad array, state or None), ...]), all checked.

        Runs before any update, so that a bad gradient or state anywhere raises while every
        parameter is still unchanged.
        """
        work = []
        states = self.state
        for group_index, group in enumerate(self.param_groups):
            items = []
            for param in group["params"]:
                grad_tensor = param.grad
                if grad_tensor is None:
                    continue
                grad = grad_tensor.numpy()
                data = param.numpy()
                shape = data.shape
                dtype = data.dtype
                if grad.shape != shape or grad.dtype != dtype:
                    _raise_for_gradient(param, grad, group, group_index)
                state = states.get(param)
                if state:
                    for value in state.values():
                        if isinstance(value, np.ndarray) and (value.shape != shape or value.dtype != dtype):
                            _raise_for_state(param, state, group, group_index)
                items.append((param, grad, state))
            if items:
                work.append((group, items))
        return work

    def _group_options(self, group: dict[str, Any]) -> Any:
        """What `_update` receives as `options`, computed once per group per step.

        The group itself by default; subclasses return their hyper-parameters ready for use
        (converted once, instead of once per parameter).
        """
        return group

    def _init_state(self, param: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        """The state of a parameter before its first update."""
        return {}

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], options: Any) -> None:
        """Update `param` in place from `grad`, `state` and `_group_options(group)`."""
        raise NotImplementedError(f"{type(self).__name__} does not define an update")

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear every parameter's gradient: set it to None (default) or fill it with zeros.

        >>> import autograd_lite as al, optim
        >>> w = al.tensor([1.0], requires_grad=True)
        >>> opt = optim.SGD([w]); (w * 2).sum().backward()
        >>> opt.zero_grad(set_to_none=False); w.grad
        tensor([0.])
        >>> opt.zero_grad(); w.grad is None
        True
        """
        if set_to_none:
            for group in self.param_groups:
                for param in group["params"]:
                    param.grad = None
            return
        for group in self.param_groups:
            for param in group["params"]:
                grad = param.grad
                if grad is None:
                    continue
                if grad.grad_fn is not None:
                    # A gradient built with create_graph is cut from its graph first.
                    param.grad = as_tensor(np.zeros(grad.shape, dtype=grad.dtype))
                    continue
                array = grad.numpy()
                if array.flags.writeable:
                    array.fill(0)
                else:
                    # A graph that used the gradient holds its array read-only: a fresh one instead.
                    param.grad = as_tensor(np.zeros_like(array))

    # -- state dicts -----------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """PyTorch's layout: `{"state": {index: {...}}, "param_groups": [{..., "params": [indices]}]}`.

        Parameters are numbered in group order. As PyTorch's, it holds live references:
        each parameter's state is the optimizer's own dict (its arrays change with every
        step), so copy it (`copy.deepcopy`) to keep a snapshot. `al.save` can store it.

        >>> import autograd_lite as al, optim
        >>> w = al.zeros(2, requires_grad=True)
        >>> optim.SGD([w], lr=0.1).state_dict()["param_groups"][0]["params"]
        [0]
        """
        indices: dict[int, int] = {}
        param_groups = []
        for group in self.param_groups:
            packed = {key: value for key, value in group.items() if key != "params"}
            packed["params"] = [indices.setdefault(id(param), len(indices)) for param in group["params"]]
            param_groups.append(packed)
        state = {}
        for group in self.param_groups:
            for param in group["params"]:
                param_state = self.state.get(param)
                if param_state is not None:
                    state[indices[id(param)]] = param_state
        return {"state": state, "param_groups": param_groups}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore hyper-parameters and state from `state_dict()` output (e.g. via `al.load`).

        The group count, group sizes, state keys and array shapes are all checked before
        anything changes; arrays are copied and cast to their parameter's dtype.

        >>> import autograd_lite as al, optim
        >>> w = al.zeros(2, requires_grad=True)
        >>> saved = optim.Adam([w], lr=0.1).state_dict()
        >>> opt = optim.Adam([w]); opt.load_state_dict(saved); opt.param_groups[0]["lr"]
        0.1
        """
        if (
            not isinstance(state_dict, Mapping)
            or "state" not in state_dict
            or "param_groups" not in state_dict
        ):
            raise ValueError("an optimizer state dict must be a dict with 'state' and 'param_groups' entries")
        saved_groups = list(state_dict["param_groups"])
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"the state dict has {len(saved_groups)} parameter groups, but the optimizer has "
                f"{len(self.param_groups)}"
            )
        by_index: dict[int, tuple[Tensor, str]] = {}
        new_groups = []
        for group_index, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            if not isinstance(saved, Mapping) or "params" not in saved:
                raise ValueError(f"param group {group_index} of the state dict has no 'params' entry")
            saved_params = list(saved["params"])
            if len(saved_params) != len(group["params"]):
                raise ValueError(
                    f"param group {group_index} has {len(saved_params)} parameters in the state dict, "
                    f"but {len(group['params'])} in the optimizer"
                )
            for position, (saved_index, param) in enumerate(zip(saved_params, group["params"])):
                if int(saved_index) in by_index:
                    raise ValueError(
                        f"parameter index {saved_index} appears twice in the state dict's param groups"
                    )
                by_index[int(saved_index)] = (param, f"parameter {position} of param group {group_index}")
            new_group = {key: value for key, value in saved.items() if key != "params"}
            for key, value in self.defaults.items():
                new_group.setdefault(key, value)
            if isinstance(new_group.get("betas"), list):
                new_group["betas"] = tuple(new_group["betas"])
            new_group["params"] = group["params"]
            self._check_group(new_group, group_index)
            new_groups.append(new_group)
        if not isinstance(state_dict["state"], Mapping):
            raise ValueError(
                f"the state dict's 'state' must be a dict, got {type(state_dict['state']).__name__}"
            )
        group_of = {id(p): g for g in new_groups for p in g["params"]}
        new_state: dict[Tensor, dict[str, Any]] = {}
        for saved_index, saved_state in state_dict["state"].items():
            if int(saved_index) not in by_index:
                raise ValueError(
                    f"the state dict has state for parameter index {saved_index}, which no group lists"
                )
            param, where = by_index[int(saved_index)]
            new_state[param] = self._checked_state(saved_state, param, group_of[id(param)], where)
        self.param_groups[:] = new_groups
        self.state = new_state

    def _checked_state(
        self, saved_state: Mapping[str, Any], param: Tensor, group: dict[str, Any], where: str
    ) -> dict[str, Any]:
        """A copy of one parameter's saved state, with array shapes and required keys checked."""
        if not isinstance(saved_state, Mapping):
            raise ValueError(f"the state of {where} must be a dict, got {type(saved_state).__name__}")
        state = {}
        for key, value in saved_state.items():
            if key in self._array_state:
                array = np.asarray(value.numpy() if isinstance(value, Tensor) else value)
                if array.shape != param.shape:
                    raise ValueError(
                        f"state {key!r} of {where} has shape {array.shape}, but the parameter has "
                        f"shape {param.shape}"
                    )
                state[key] = np.array(array, dtype=param.dtype)
            elif key == "step":
                state[key] = int(np.asarray(value).item())
            else:
                state[key] = value
        missing = [key for key in self._required_state(group) if key not in state]
        if missing:
            raise ValueError(f"the state of {where} lacks {missing} needed by its param group's settings")
        return state

    def _required_state(self, group: dict[str, Any]) -> tuple[str, ...]:
        """State keys a parameter that has stepped must have under these settings."""
        return ()


def _where(index: int, group_index: int) -> str:
    return f"parameter {index} of param group {group_index}"


def _where_in_group(param: Tensor, group: dict[str, Any], group_index: int) -> str:
    # Identity, not ==: Tensor equality is elementwise.
    index = next(i for i, p in enumerate(group["params"]) if p is param)
    return _describe(param, _where(index, group_index))


def _raise_for_gradient(param: Tensor, grad: np.ndarray, group: dict[str, Any], group_index: int) -> None:
    if grad.shape != param.shape:
        raise ValueError(
            f"gradient of shape {grad.shape} for {_where_in_group(param, group, group_index)}; "
            "they must match"
        )
    raise TypeError(
        f"gradient of dtype {grad.dtype} for {_where_in_group(param, group, group_index)}; they must match"
    )


def _raise_for_state(param: Tensor, state: dict[str, Any], group: dict[str, Any], group_index: int) -> None:
    for key, value in state.items():
        if isinstance(value, np.ndarray) and (value.shape != param.shape or value.dtype != param.dtype):
            raise ValueError(
                f"optimizer state {key!r} has shape {value.shape} and dtype {value.dtype}, "
                f"but {_where_in_group(param, group, group_index)} (was its data replaced?)"
            )


def _describe(param: Tensor, where: str) -> str:
    # nn.Parameter carries its dotted module name ("0.weight") once a module has run.
    label = getattr(param, "param_name", None) or param.name
    name = f" {label!r}" if label else ""
    return f"{where}{name} (shape {param.shape}, dtype {param.dtype})"
