"""Anomaly mode: a NaN or inf produced in forward or backward raises at once, naming
the op and where in the user's code it was created."""

from __future__ import annotations

import threading
import traceback
from typing import Any

import numpy as np

from . import function

_lock = threading.Lock()
_depth = 0


def _creation_site() -> str:
    frames = traceback.extract_stack()[:-3]
    user = [f for f in frames if "/autograd_lite/" not in f.filename and "/nn/" not in f.filename]
    return "".join(traceback.format_list((user or frames)[-4:]))


def _non_finite(array: Any) -> bool:
    array = np.asarray(array)
    return array.dtype.kind in "fc" and not np.isfinite(array).all()


def check_forward(ctx: Any, out: np.ndarray) -> None:
    """Record where `ctx` was created; raise if its output holds NaN or inf."""
    ctx.created = _creation_site()
    if _non_finite(out):
        raise RuntimeError(
            f"anomaly: the forward of '{ctx.name}' produced NaN or inf values. "
            f"The op was called at:\n{ctx.created}"
        )


def check_backward(node: Any, grads: tuple) -> None:
    """Raise if the gradients `node`'s backward returned hold NaN or inf."""
    for index, g in enumerate(grads):
        if g is None:
            continue
        data = g._data if hasattr(g, "_data") else g
        if _non_finite(data):
            created = getattr(node, "created", None) or "(created before detect_anomaly was on)\n"
            raise RuntimeError(
                f"anomaly: the backward of '{node.name}' returned NaN or inf values in its "
                f"gradient for input {index}. The op was created at:\n{created}"
            )


class detect_anomaly:  # noqa: N801 - PyTorch's name
    """Make NaN or inf in forward or backward raise RuntimeError naming the op.

    >>> import autograd_lite as al
    >>> x = al.tensor([-1.0], requires_grad=True)
    >>> with al.detect_anomaly():
    ...     try:
    ...         x.sqrt()
    ...     except RuntimeError as error:
    ...         print(str(error).split(".")[0])
    anomaly: the forward of 'sqrt' produced NaN or inf values
    """

    def __enter__(self) -> detect_anomaly:
        global _depth
        with _lock:
            _depth += 1
            function._anomaly_hook = check_forward
        return self

    def __exit__(self, *exc_info: object) -> None:
        global _depth
        with _lock:
            _depth -= 1
            if _depth == 0:
                function._anomaly_hook = None


def is_anomaly_enabled() -> bool:
    return function._anomaly_hook is not None
