"""Anomaly mode: a NaN or inf produced in forward or backward raises at once, naming
the op and where in the user's code it was created. Per thread; free when off."""

from __future__ import annotations

import os
import sys
import threading
import traceback
from typing import Any

import numpy as np

from .tensor import Tensor

_lock = threading.Lock()
_threads_on = 0  # threads inside detect_anomaly
# True while any thread is inside detect_anomaly: operations check it before calling
# check_forward, so anomaly mode costs one test per operation when off.
active = False


class _ThreadState(threading.local):
    depth = 0
    # NumPy's floating-point warnings are off inside the outermost context: the first NaN
    # or inf is reported as this mode's RuntimeError instead.
    numpy_errors: Any = None


_state = _ThreadState()

# Frames from these directories are the library's own; the creation site shown is the
# innermost frame outside them (autograd_lite, nn and optim are installed side by side).
_PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_LIBRARY_DIRS = tuple(os.path.join(_PACKAGE_ROOT, name) + os.sep for name in ("autograd_lite", "nn", "optim"))


def _is_library(filename: str) -> bool:
    return os.path.abspath(filename).startswith(_LIBRARY_DIRS)


def _capture_stack() -> traceback.StackSummary:
    # Source lines are read only if the stack is ever shown; no frame is kept alive.
    stack = traceback.StackSummary.extract(traceback.walk_stack(sys._getframe(2)), lookup_lines=False)
    stack.reverse()
    return stack


def format_creation(stack: Any) -> str:
    """The user's frames of a captured stack (the last few), as traceback lines."""
    if stack is None:
        return "  (the op was created before anomaly detection was enabled)\n"
    frames = [frame for frame in stack if not _is_library(frame.filename)]
    return "".join(traceback.format_list((frames or list(stack))[-5:]))


def _non_finite(array: Any) -> bool:
    if not isinstance(array, np.ndarray):
        array = np.asarray(array)
    return array.dtype.kind in "fc" and not np.isfinite(array).all()


def _input_note(node: Any) -> str:
    bad = [
        str(index)
        for index, edge in enumerate(node.inputs)
        if edge is not None and _non_finite(edge._data if isinstance(edge, Tensor) else edge.out)
    ]
    if bad:
        return f" (input {', '.join(bad)} already held NaN or inf)"
    return " from finite inputs"


def check_forward(ctx: Any, out: np.ndarray) -> None:
    """Record where `ctx` was created; raise if its output holds NaN or inf."""
    if not _state.depth:
        return
    ctx.created = _capture_stack()
    if _non_finite(out):
        raise RuntimeError(
            f"anomaly detected: the forward of '{ctx.name}' produced NaN or inf values"
            f"{_input_note(ctx)}. The op was called at (most recent call last):\n"
            f"{format_creation(ctx.created)}"
        )


def check_backward(node: Any, grads: tuple) -> None:
    """Raise if the gradients `node`'s backward returned hold NaN or inf."""
    if not _state.depth:
        return
    for index, g in enumerate(grads):
        if g is None:
            continue
        data = g._data if isinstance(g, Tensor) else g
        if _non_finite(data):
            raise RuntimeError(
                f"anomaly detected: the backward of '{node.name}' returned NaN or inf values "
                f"in its gradient for input {index}. The op was created at (most recent call "
                f"last):\n{format_creation(getattr(node, 'created', None))}"
            )


class detect_anomaly:  # noqa: N801 - PyTorch's name
    """Make NaN or inf in forward or backward raise RuntimeError naming the op.

    The error shows where in your code the op was created. Only the thread that enters
    the context is affected; contexts nest. When no thread uses it, it costs nothing.
    Checks apply to operations recorded in a graph (some input requires grad). Inside
    the context NumPy's floating-point warnings are off: the error replaces them.

    >>> import autograd_lite as al
    >>> x = al.tensor([-1.0], requires_grad=True)
    >>> with al.detect_anomaly():
    ...     try:
    ...         x.sqrt()
    ...     except RuntimeError as error:
    ...         print(str(error).split(" from")[0])
    anomaly detected: the forward of 'sqrt' produced NaN or inf values
    """

    def __enter__(self) -> detect_anomaly:
        global _threads_on, active
        state = _state
        if state.depth == 0:
            state.numpy_errors = np.errstate(all="ignore")
            state.numpy_errors.__enter__()
            with _lock:
                _threads_on += 1
                active = True
        state.depth += 1
        return self

    def __exit__(self, *exc_info: object) -> None:
        global _threads_on, active
        state = _state
        state.depth -= 1
        if state.depth == 0:
            with _lock:
                _threads_on -= 1
                active = _threads_on > 0
            state.numpy_errors.__exit__(*exc_info)
            state.numpy_errors = None


def is_anomaly_enabled() -> bool:
    """Whether anomaly detection is on in this thread.

    >>> import autograd_lite as al
    >>> al.is_anomaly_enabled()
    False
    """
    return _state.depth > 0
