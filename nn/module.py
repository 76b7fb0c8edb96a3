"""`Module`: the base class of layers and models. Assigning a Parameter, a Module or a
buffer to an attribute registers it, which gives dotted names, `state_dict` and a tree repr."""

from __future__ import annotations

import weakref
from collections import OrderedDict
from typing import Any, Callable, Iterator, Mapping, NamedTuple

import numpy as np

from autograd_lite import Tensor, as_tensor, declare_updates, device
from autograd_lite.devices import check_cpu

from . import hooks
from .hooks import HookDict, RemovableHandle, add_hook, run_forward_hooks, run_pre_hooks
from .parameter import Parameter


class IncompatibleKeys(NamedTuple):
    """What `load_state_dict(strict=False)` skipped."""

    missing_keys: list
    unexpected_keys: list


def _as_buffer(name: str, value: Any) -> Tensor | None:
    if value is None or (isinstance(value, Tensor) and not value.requires_grad):
        return value
    if isinstance(value, Tensor):
        raise TypeError(f"buffer '{name}' must not require grad (use a Parameter for learnable values)")
    if isinstance(value, np.ndarray):
        return as_tensor(value)
    return Tensor(value)


def _requested_dtype(args: tuple, kwargs: dict) -> np.dtype | None:
    """The dtype `Module.to(*args, **kwargs)` asks for (None: none), after checking the
    device; both validated before anything changes."""
    unknown = set(kwargs) - {"device", "dtype", "non_blocking", "memory_format"}
    if unknown or len(args) > 2:
        raise TypeError(f"Module.to() takes a device, a dtype or a tensor, got {args!r} and {sorted(kwargs)}")
    where, dtype = kwargs.get("device"), kwargs.get("dtype")
    for arg in args:
        if isinstance(arg, Tensor):
            dtype = arg.dtype
        elif isinstance(arg, (str, device)):
            where = arg
        elif not isinstance(arg, bool):  # a bool is PyTorch's positional non_blocking
            dtype = arg
    if where is not None:
        check_cpu(where, "Module.to()")
    if dtype is None:
        return None
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"Module.to() expects a device, a dtype or a tensor, got {dtype!r}") from None
    if dtype.kind != "f":
        raise TypeError(f"Module.to() only accepts floating point dtypes, but got desired dtype={dtype}")
    return dtype


class Module:
    """Base class for layers and models: subclass it, assign layers and Parameters in
    `__init__`, write `forward`, and call the module like a function.

    >>> import autograd_lite as al, nn
    >>> class TwoLayer(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.fc1 = nn.Linear(4, 8)
    ...         self.fc2 = nn.Linear(8, 2)
    ...     def forward(self, x):
    ...         return self.fc2(self.fc1(x).relu())
    >>> model = TwoLayer()
    >>> [name for name, _ in model.named_parameters()]
    ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
    >>> model(al.randn(3, 4)).shape
    (3, 2)
    """

    training: bool

    def __init__(self) -> None:
        # Registered entries are mirrored in the instance __dict__ so that reading
        # `self.weight` in forward is a plain attribute lookup.
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        # Names of buffers registered with persistent=False (left out of state_dict).
        object.__setattr__(self, "_non_persistent_buffers", set())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_forward_pre_hooks", HookDict())
        object.__setattr__(self, "_forward_hooks", HookDict())
        # (weak reference to the parent, name in it) once attached; see _register.
        object.__setattr__(self, "_parent", None)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} has no forward() method; define forward(self, ...)")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # Hooks cost one test each when there are none (a plain forward).
        if self._forward_pre_hooks or hooks.global_forward_pre_hooks:
            args = run_pre_hooks(self, args, self._forward_pre_hooks)
        output = self.forward(*args, **kwargs)
        if self._forward_hooks or hooks.global_forward_hooks:
            output = run_forward_hooks(self, args, output, self._forward_hooks)
        return output

    def register_forward_pre_hook(self, hook: Callable) -> RemovableHandle:
        """Call `hook(module, args)` before each `forward` of this module; a return value
        other than None replaces the positional arguments (a non-tuple is wrapped in a
        tuple). Returns a handle whose `remove()` unregisters the hook.

        >>> import autograd_lite as al, nn
        >>> relu = nn.ReLU()
        >>> handle = relu.register_forward_pre_hook(lambda module, args: (-args[0],))
        >>> relu(al.tensor([1.0, -2.0]))
        tensor([0., 2.])
        >>> handle.remove()
        """
        return add_hook(self._forward_pre_hooks, hook)

    def register_forward_hook(self, hook: Callable) -> RemovableHandle:
        """Call `hook(module, args, output)` after each `forward` of this module; a return
        value other than None replaces the output. Returns a handle whose `remove()`
        unregisters the hook.

        >>> import autograd_lite as al, nn
        >>> relu = nn.ReLU()
        >>> handle = relu.register_forward_hook(lambda module, args, output: output * 2)
        >>> relu(al.tensor([1.0, -2.0]))
        tensor([2., 0.])
        >>> handle.remove()
        """
        return add_hook(self._forward_hooks, hook)

    # -- registration ------------------------------------------------------------

    def _registries(self) -> tuple[dict, dict, dict]:
        try:
            return self.__dict__["_parameters"], self.__dict__["_buffers"], self.__dict__["_modules"]
        except KeyError:
            raise AttributeError(
                f"cannot assign parameters, modules or buffers to {type(self).__name__} before "
                "Module.__init__() has run (call super().__init__() first)"
            ) from None

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, Parameter):
            self._register(0, name, value)
        elif isinstance(value, Module):
            self._register(2, name, value)
        elif "_parameters" in self.__dict__ and name in self._parameters:
            if value is not None:
                raise TypeError(
                    f"cannot assign {type(value).__name__} as parameter '{name}' of "
                    f"{type(self).__name__} (nn.Parameter or None expected)"
                )
            self._register(0, name, None)
        elif "_modules" in self.__dict__ and name in self._modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign {type(value).__name__} as child module '{name}' of "
                    f"{type(self).__name__} (nn.Module or None expected)"
                )
            self._register(2, name, None)
        elif "_buffers" in self.__dict__ and name in self._buffers:
            self._register(1, name, _as_buffer(name, value))
        else:
            object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        for registry in self._registries():
            if name in registry:
                del registry[name]
        object.__delattr__(self, name)

    def __getattr__(self, name: str) -> Any:
        # Only reached when normal lookup fails: registered entries live in __dict__ too.
        hint = (
            ""
            if "_parameters" in self.__dict__
            else " (Module.__init__() has not run: call super().__init__() first)"
        )
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'{hint}")

    def _register(
        self, registry_index: int, name: str, value: Any, explicit: bool = False, adopt: bool = True
    ) -> None:
        if not isinstance(name, str) or not name or "." in name:
            raise KeyError(f"invalid name {name!r}: a non-empty string without '.' is required")
        registries = self._registries()
        if explicit and name not in registries[registry_index] and hasattr(self, name):
            # Assignment may replace a plain attribute; the register_* calls may not (PyTorch's rule).
            raise KeyError(f"attribute '{name}' already exists on {type(self).__name__}")
        for index, registry in enumerate(registries):
            if index != registry_index:
                registry.pop(name, None)
        registries[registry_index][name] = value
        object.__setattr__(self, name, value)
        # Parameters carry their dotted name from the root of the tree ("0.weight"), the
        # label drawings and optimizer errors show. It is stamped here, when the tree
        # changes, so that a forward call does no naming work: a new parameter takes
        # this module's prefix, and a module attached to a parent renames its subtree
        # under the new prefix. The module remembers that parent weakly (no cycle), so
        # that what is registered below it later is named from the root too. The latest
        # attachment wins; container slices (`model[1:]`) pass adopt=False, as they
        # are views that must not rename the layers they share.
        if value is None or registry_index == 1:
            return
        if registry_index == 0:
            value.param_name = self._prefix() + name
        elif adopt:
            self._link(name, value)
            value._stamp_parameter_names(f"{self._prefix()}{name}.")

    def _link(self, name: str, child: Module) -> None:
        object.__setattr__(child, "_parent", (weakref.ref(self), name))

    def _live_parent(self) -> tuple[Module, str] | None:
        """The parent this module was attached to and its name there, if that still holds it."""
        link = self.__dict__.get("_parent")
        if link is None:
            return None
        parent, name = link[0](), link[1]
        if parent is None or parent._modules.get(name) is not self:
            return None
        return parent, name

    def _prefix(self) -> str:
        """This module's dotted path from the root of its tree, with a trailing dot ("" for a root)."""
        names: list = []
        seen = {id(self)}
        home = self._live_parent()
        while home is not None and id(home[0]) not in seen:
            seen.add(id(home[0]))
            names.append(home[1])
            home = home[0]._live_parent()
        return "".join(f"{name}." for name in reversed(names))

    def _stamp_parameter_names(self, prefix: str) -> None:
        for name, param in self.named_parameters():
            param.param_name = prefix + name

    def __getstate__(self) -> dict:
        # A weak reference can be neither copied nor pickled; __setstate__ relinks.
        state = dict(self.__dict__)
        state["_parent"] = None
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        for name, child in self._modules.items():
            # A deep copy's children are new; a shallow copy's stay with their parent.
            if child is not None and child._live_parent() is None:
                self._link(name, child)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register `param` (a Parameter, or None for an absent one) under `name`.

        >>> import nn
        >>> m = nn.Module(); m.register_parameter("scale", nn.Parameter([1.0]))
        >>> [name for name, _ in m.named_parameters()]
        ['scale']
        """
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot register {type(param).__name__} as parameter '{name}' (nn.Parameter expected)"
            )
        self._register(0, name, param, explicit=True)

    def register_buffer(self, name: str, tensor: Any, persistent: bool = True) -> None:
        """Register a non-learnable Tensor or array (such as running statistics) under `name`.

        It follows the module in `double()` / `float()`, and `state_dict` holds it unless
        `persistent=False`. None registers an absent buffer.

        >>> import numpy as np, nn
        >>> m = nn.Module(); m.register_buffer("steps", np.zeros(()))
        >>> m.register_buffer("cache", np.zeros(3), persistent=False)
        >>> list(m.state_dict())
        ['steps']
        """
        self._register(1, name, _as_buffer(name, tensor), explicit=True)
        if persistent:
            self._non_persistent_buffers.discard(name)
        else:
            self._non_persistent_buffers.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Register `module` as a child named `name` (same as assigning it).

        >>> import nn
        >>> m = nn.Module(); m.add_module("head", nn.Linear(2, 1))
        >>> [name for name, _ in m.named_children()]
        ['head']
        """
        if module is not None and not isinstance(module, Module):
            raise TypeError(
                f"cannot add {type(module).__name__} as child module '{name}' (nn.Module expected)"
            )
        self._register(2, name, module, explicit=True)

    # -- traversal ---------------------------------------------------------------

    def named_modules(
        self, memo: set | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """(dotted name, module) for this module and every descendant, depth first.

        A module reachable twice appears once, unless `remove_duplicate=False`; `memo` is a
        set of modules to skip (and fills as modules are visited); `prefix` starts every name.

        >>> import nn
        >>> [name for name, _ in nn.Sequential(nn.Sequential(nn.ReLU())).named_modules()]
        ['', '0', '0.0']
        """
        seen = set() if memo is None else memo
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if remove_duplicate:
                if module in seen:
                    continue
                seen.add(module)
            yield name, module
            children = [
                (f"{name}.{key}" if name else key, child)
                for key, child in module._modules.items()
                if child is not None
            ]
            stack.extend(reversed(children))

    def modules(self) -> Iterator[Module]:
        """This module and every descendant, each once (depth first).

        >>> import nn
        >>> [type(m).__name__ for m in nn.Sequential(nn.Linear(2, 2), nn.ReLU()).modules()]
        ['Sequential', 'Linear', 'ReLU']
        """
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """(name, module) for the direct children, each once.

        >>> import nn
        >>> [name for name, _ in nn.Sequential(nn.Linear(2, 2), nn.ReLU()).named_children()]
        ['0', '1']
        """
        seen = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self) -> Iterator[Module]:
        """The direct child modules.

        >>> import nn
        >>> len(list(nn.Sequential(nn.Linear(2, 2), nn.ReLU()).children()))
        2
        """
        for _, module in self.named_children():
            yield module

    def _named_members(self, registry: str, recurse: bool) -> Iterator[tuple[str, Any]]:
        seen = set()
        modules = self.named_modules() if recurse else [("", self)]
        for prefix, module in modules:
            for name, value in getattr(module, registry).items():
                if value is None or id(value) in seen:
                    continue
                seen.add(id(value))
                yield (f"{prefix}.{name}" if prefix else name), value

    def named_parameters(self, recurse: bool = True) -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) pairs, e.g. ("0.weight", ...); a shared parameter appears once.

        >>> import nn
        >>> [n for n, _ in nn.Sequential(nn.Linear(2, 3), nn.ReLU()).named_parameters()]
        ['0.weight', '0.bias']
        """
        return self._named_members("_parameters", recurse)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every parameter once, in registration order (what an optimizer takes).

        >>> import nn
        >>> [p.shape for p in nn.Linear(3, 2).parameters()]
        [(2, 3), (2,)]
        """
        for _, param in self.named_parameters(recurse):
            yield param

    def named_buffers(self, recurse: bool = True) -> Iterator[tuple[str, Tensor]]:
        """(dotted name, buffer) pairs.

        >>> import nn
        >>> [name for name, _ in nn.Sequential(nn.BatchNorm1d(2)).named_buffers()]
        ['0.running_mean', '0.running_var', '0.num_batches_tracked']
        """
        return self._named_members("_buffers", recurse)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Every buffer once.

        >>> import nn
        >>> len(list(nn.BatchNorm1d(2).buffers()))
        3
        """
        for _, buffer in self.named_buffers(recurse):
            yield buffer

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call `fn` on every child (recursively) and then on self; returns self.

        >>> import nn
        >>> model = nn.Sequential(nn.Linear(2, 2)).apply(lambda m: None)
        """
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # -- modes and gradients -----------------------------------------------------

    def train(self, mode: bool = True) -> Module:
        """Set training mode (Dropout active, BatchNorm on batch statistics) here and below.

        >>> import nn
        >>> model = nn.Sequential(nn.Dropout()).train(False)
        >>> model.training, model[0].training
        (False, False)
        """
        if not isinstance(mode, bool):
            raise ValueError(f"training mode is expected to be a bool, got {type(mode).__name__} {mode!r}")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> Module:
        """Set evaluation mode; same as `train(False)`.

        >>> import nn
        >>> nn.Dropout().eval().training
        False
        """
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Set `requires_grad` on every parameter (e.g. to freeze a sub-network).

        >>> import nn
        >>> nn.Linear(2, 2).requires_grad_(False).weight.requires_grad
        False
        """
        for param in self.parameters():
            param.requires_grad = requires_grad
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear every parameter's gradient (to None by default, else fill with zeros).

        >>> import autograd_lite as al, nn
        >>> layer = nn.Linear(2, 1); layer(al.ones((1, 2))).sum().backward()
        >>> layer.zero_grad(); layer.weight.grad is None
        True
        """
        for param in self.parameters():
            grad = param.grad
            if grad is None:
                continue
            if set_to_none:
                param.grad = None
            elif grad.grad_fn is None:
                declare_updates([grad])
                grad.numpy()[...] = 0
            else:
                param.grad = as_tensor(np.zeros(grad.shape, dtype=grad.dtype))

    def _cast_floats(self, dtype: Any) -> Module:
        for param in self.parameters():
            param.data = param.numpy().astype(dtype)
            param.grad = None
        for module in self.modules():
            for buffer in module._buffers.values():
                if buffer is not None and buffer.dtype.kind == "f":
                    buffer.data = buffer.numpy().astype(dtype)
        return self

    def double(self) -> Module:
        """Convert floating parameters and buffers to float64 in place (gradients are cleared).

        >>> import nn
        >>> nn.Linear(2, 2).double().weight.dtype
        dtype('float64')
        """
        return self._cast_floats(np.float64)

    def float(self) -> Module:
        """Convert floating parameters and buffers to float32 in place (gradients are cleared).

        >>> import nn
        >>> nn.Linear(2, 2).double().float().weight.dtype
        dtype('float32')
        """
        return self._cast_floats(np.float32)

    def to(self, *args: Any, **kwargs: Any) -> Module:
        """This module, its floating parameters and buffers cast in place to a floating dtype
        if one is given (as `double()`), as PyTorch's: `to(device)`, `to(dtype)`,
        `to(device, dtype)`, `to(tensor)`, or the keywords `device=`, `dtype=`. Devices other
        than the CPU raise RuntimeError.

        >>> import autograd_lite as al, nn
        >>> layer = nn.Linear(2, 2)
        >>> layer.to(al.device("cpu")) is layer, layer.to("cpu", al.float64).weight.dtype
        (True, dtype('float64'))
        """
        dtype = _requested_dtype(args, kwargs)
        return self if dtype is None else self._cast_floats(dtype)

    def cpu(self) -> Module:
        """This module (its tensors are on the CPU already)."""
        return self

    def cuda(self, device: Any = None) -> Module:
        """Refused with RuntimeError: there is no GPU (write `.to(device)` with a "cpu" device)."""
        check_cpu("cuda", "Module.cuda()")
        return self  # not reached: check_cpu raises

    # -- state -------------------------------------------------------------------

    def _state_entries(self) -> Iterator[tuple[str, Tensor]]:
        # PyTorch's order and keys: each module's parameters, then its buffers,
        # then its children's entries under "child.".
        stack = [("", self)]
        while stack:
            prefix, module = stack.pop()
            for name, value in module._parameters.items():
                if value is not None:
                    yield prefix + name, value
            transient = module.__dict__.get("_non_persistent_buffers", ())
            for name, value in module._buffers.items():
                if value is not None and name not in transient:
                    yield prefix + name, value
            children = [
                (f"{prefix}{name}.", child) for name, child in module._modules.items() if child is not None
            ]
            stack.extend(reversed(children))

    def state_dict(self) -> OrderedDict:
        """Name -> np.ndarray copy of every parameter and buffer, with PyTorch's keys.

        >>> import nn
        >>> list(nn.Sequential(nn.Linear(2, 3)).state_dict())
        ['0.weight', '0.bias']
        """
        return OrderedDict(
            (name, np.array(value.numpy(), copy=True)) for name, value in self._state_entries()
        )

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True) -> IncompatibleKeys:
        """Copy arrays (or Tensors) from `state_dict` into the parameters and buffers, in place.

        Everything is checked before anything is written: with `strict`, missing and
        unexpected keys raise, and a shape mismatch always raises; the error names
        every offending key. Returns the (missing, unexpected) keys.

        >>> import nn
        >>> a, b = nn.Linear(2, 3), nn.Linear(2, 3)
        >>> b.load_state_dict(a.state_dict())
        IncompatibleKeys(missing_keys=[], unexpected_keys=[])
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(
                f"load_state_dict expects a mapping of name -> array, got {type(state_dict).__name__}"
            )
        targets = OrderedDict(self._state_entries())
        missing = [name for name in targets if name not in state_dict]
        unexpected = [name for name in state_dict if name not in targets]
        problems = []
        arrays = {}
        for name, target in targets.items():
            if name not in state_dict:
                continue
            value = state_dict[name]
            array = value.numpy() if isinstance(value, Tensor) else np.asarray(value)
            if array.dtype.kind not in "biuf":
                problems.append(f"'{name}' has dtype {array.dtype}, expected numbers")
            elif array.shape != target.shape:
                problems.append(
                    f"size mismatch for '{name}': the checkpoint has shape {array.shape}, "
                    f"the module has shape {target.shape}"
                )
            arrays[name] = array
        if strict:
            if missing:
                problems.insert(0, "missing key(s): " + ", ".join(f"'{k}'" for k in missing))
            if unexpected:
                problems.insert(
                    1 if missing else 0, "unexpected key(s): " + ", ".join(f"'{k}'" for k in unexpected)
                )
        if problems:
            raise RuntimeError(
                f"error(s) in loading state_dict for {type(self).__name__}; nothing was changed:\n\t"
                + "\n\t".join(problems)
            )
        declare_updates([targets[name] for name in arrays])
        for name, array in arrays.items():
            np.copyto(targets[name].numpy(), array, casting="unsafe")
        return IncompatibleKeys(missing, unexpected)

    # -- printing ----------------------------------------------------------------

    def extra_repr(self) -> str:
        """The text inside the parentheses of this module's repr line (override in layers)."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        lines = extra.split("\n") if extra else []
        for name, module in self._modules.items():
            child = repr(module).replace("\n", "\n  ")
            lines.append(f"({name}): {child}")
        if not lines:
            return f"{type(self).__name__}()"
        if len(lines) == 1 and not self._modules:
            return f"{type(self).__name__}({lines[0]})"
        return type(self).__name__ + "(\n  " + "\n  ".join(lines) + "\n)"
