"""Forward hooks, as PyTorch has them: the handle that removes a hook, and the global
hooks that run around every module call (what `record_module_calls` listens through)."""

from __future__ import annotations

from typing import Any, Callable

from autograd_lite.tensor import Hooks, RemovableHandle

# The handle and the hooks' dict are the library's own (a tensor's hooks work the same way).
HookDict = Hooks


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
