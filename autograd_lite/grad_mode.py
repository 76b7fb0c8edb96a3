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


class set_grad_enabled:  # noqa: N801 - PyTorch's name
    """Turn graph recording on or off for the current thread, at once; used as a context
    manager (`with al.set_grad_enabled(False):`), the previous mode comes back on exit.

    Args:
        mode: True records operations on tensors that require grad, False does not (as
            inside `no_grad`).

    >>> import autograd_lite as al
    >>> with al.set_grad_enabled(False):
    ...     al.is_grad_enabled()
    False
    >>> al.is_grad_enabled()
    True
    """

    def __init__(self, mode: bool) -> None:
        self._previous = _state.enabled
        _state.enabled = bool(mode)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc_info: object) -> None:
        _state.enabled = self._previous


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


class _InferenceState(threading.local):
    enabled = False


_inference = _InferenceState()


def is_inference_mode_enabled() -> bool:
    """Whether the current thread is inside `inference_mode()`.

    >>> import autograd_lite as al
    >>> al.is_inference_mode_enabled()
    False
    """
    return _inference.enabled


class inference_mode(_GradModeContext):  # noqa: N801 - PyTorch's name
    """No graph recording, as `no_grad` (PyTorch's `inference_mode`): a context manager and a
    decorator, with or without parentheses; `inference_mode(False)` changes nothing.

    >>> import autograd_lite as al
    >>> x = al.tensor([1.0], requires_grad=True)
    >>> with al.inference_mode():
    ...     (x * 2).requires_grad
    False
    """

    def __new__(cls, mode: Any = True) -> Any:
        if callable(mode):  # used bare as a decorator: `@al.inference_mode`
            return cls()(mode)
        return super().__new__(cls)

    def __init__(self, mode: bool = True) -> None:
        self._inference = bool(mode)
        self.mode = False  # what grad mode is inside (used only when self._inference)

    def __enter__(self) -> None:
        self._previous_inference = _inference.enabled
        if self._inference:
            _inference.enabled = True
            super().__enter__()

    def __exit__(self, *exc_info: object) -> None:
        if self._inference:
            super().__exit__(*exc_info)
        _inference.enabled = self._previous_inference

    def __call__(self, func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with inference_mode(self._inference):
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]
