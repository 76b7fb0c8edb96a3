"""Grad mode: whether operations record a graph. Per thread, as in PyTorch."""

from __future__ import annotations

import functools
import threading
from typing import Any, Callable, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _GradState(threading.local):
    # threading.local subclass: every thread starts with grad mode on.
    enabled = True


_state = _GradState()


def is_grad_enabled() -> bool:
    """Whether operations on tensors that require grad are recorded.

    >>> import autograd_lite as al
    >>> al.is_grad_enabled()
    True
    """
    return _state.enabled


def set_grad_enabled(mode: bool) -> None:
    """Turn graph recording on or off for the current thread.

    Args:
        mode: True records operations on tensors that require grad, False does not (as
            inside `no_grad`).

    >>> import autograd_lite as al
    >>> al.set_grad_enabled(False); al.is_grad_enabled()
    False
    >>> al.set_grad_enabled(True)
    """
    _state.enabled = bool(mode)


class _GradModeContext:
    """Context manager and decorator that sets grad mode and restores it on exit."""

    mode = True

    def __enter__(self) -> None:
        self._previous = _state.enabled
        _state.enabled = self.mode

    def __exit__(self, *exc_info: object) -> None:
        _state.enabled = self._previous

    def __call__(self, func: F) -> F:
        mode = self.mode

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            previous = _state.enabled
            _state.enabled = mode
            try:
                return func(*args, **kwargs)
            finally:
                _state.enabled = previous

        return wrapper  # type: ignore[return-value]


class no_grad(_GradModeContext):  # noqa: N801 - PyTorch's name
    """Disable graph recording, as a context manager or a decorator.

    >>> import autograd_lite as al
    >>> x = al.tensor([1.0, 2.0], requires_grad=True)
    >>> with al.no_grad():
    ...     y = x * 2
    >>> y.requires_grad
    False
    """

    mode = False


class enable_grad(_GradModeContext):  # noqa: N801 - PyTorch's name
    """Re-enable graph recording inside `no_grad`, as a context manager or a decorator.

    >>> import autograd_lite as al
    >>> with al.no_grad():
    ...     with al.enable_grad():
    ...         al.is_grad_enabled()
    True
    """

    mode = True
