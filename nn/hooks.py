"""Forward hooks, as PyTorch has them: the handle that removes a hook, and the global
hooks that run around every module call (what `record_module_calls` listens through)."""

from __future__ import annotations

import itertools
import weakref
from typing import Any, Callable

_handle_ids = itertools.count()


class HookDict(dict):
    """Hooks by handle id, in registration order (a dict a handle can refer to weakly)."""

    __slots__ = ("__weakref__",)


class RemovableHandle:
    """Returned by the `register_*hook` functions; `remove()` unregisters the hook.

    Also a context manager that removes the hook on exit.

    >>> import nn
    >>> with nn.register_module_forward_hook(lambda module, args, output: None):
    ...     pass
    """

    __slots__ = ("_hooks_ref", "id")

    def __init__(self, hooks: HookDict) -> None:
        # Weak: a handle kept after its module is gone must not keep the module's hooks.
        self._hooks_ref = weakref.ref(hooks)
        self.id = next(_handle_ids)

    def remove(self) -> None:
        hooks = self._hooks_ref()
        if hooks is not None:
            hooks.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.remove()


def add_hook(hooks: HookDict, hook: Callable) -> RemovableHandle:
    """Append `hook` to `hooks` and return the handle that removes it."""
    if not callable(hook):
        raise TypeError(f"a hook must be callable, got {type(hook).__name__}")
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    return handle


global_forward_pre_hooks = HookDict()
global_forward_hooks = HookDict()


def register_module_forward_pre_hook(hook: Callable) -> RemovableHandle:
    """Call `hook(module, args)` before the forward of every module, before the module's
    own pre-hooks. A return value other than None replaces `args` (a non-tuple is
    wrapped in a tuple).

    >>> import autograd_lite as al, nn
    >>> seen = []
    >>> with nn.register_module_forward_pre_hook(lambda m, args: seen.append(type(m).__name__)):
    ...     _ = nn.Sequential(nn.ReLU())(al.ones(2))
    >>> seen
    ['Sequential', 'ReLU']
    """
    return add_hook(global_forward_pre_hooks, hook)


def register_module_forward_hook(hook: Callable) -> RemovableHandle:
    """Call `hook(module, args, output)` after the forward of every module, before the
    module's own forward hooks. A return value other than None replaces `output`.

    >>> import autograd_lite as al, nn
    >>> seen = []
    >>> with nn.register_module_forward_hook(lambda m, args, out: seen.append(type(m).__name__)):
    ...     _ = nn.Sequential(nn.ReLU())(al.ones(2))
    >>> seen  # inner calls return first
    ['ReLU', 'Sequential']
    """
    return add_hook(global_forward_hooks, hook)


def run_pre_hooks(module: Any, args: tuple, hooks: HookDict) -> tuple:
    """`args` after the global pre-hooks, then the module's own, have seen (and maybe replaced) it."""
    # Copied into a tuple first: a hook may remove itself (or another) while they run.
    for hook in (*global_forward_pre_hooks.values(), *hooks.values()):
        result = hook(module, args)
        if result is not None:
            args = result if isinstance(result, tuple) else (result,)
    return args


def run_forward_hooks(module: Any, args: tuple, output: Any, hooks: HookDict) -> Any:
    """`output` after the global forward hooks, then the module's own, have seen (and maybe replaced) it."""
    for hook in (*global_forward_hooks.values(), *hooks.values()):
        result = hook(module, args, output)
        if result is not None:
            output = result
    return output
