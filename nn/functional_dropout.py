"""Inverted dropout as a function (F.dropout), in a module of its own so that layers which
drop (attention) use it without importing all of nn.functional."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_lite import Tensor, as_tensor
from autograd_lite.random import generator


def _check_probability(p: float) -> float:
    """`p` as a float if it is in [0, 1], else ValueError."""
    if isinstance(p, bool) or not isinstance(p, (int, float, np.floating, np.integer)) or not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p!r}")
    return float(p)


def dropout(x: Any, p: float = 0.5, training: bool = True) -> Tensor:
    """Inverted dropout: zero each element with probability p and scale the rest by 1/(1-p).

    Identity when not training. The mask comes from the library's generator.

    >>> import autograd_lite as al, nn.functional as F
    >>> F.dropout(al.ones(4), p=0.5, training=False).tolist()
    [1.0, 1.0, 1.0, 1.0]
    """
    p = _check_probability(p)
    x = as_tensor(x)
    if not training or p == 0.0:
        return x
    shape, dtype = x.shape, x.dtype
    if p == 1.0:
        return x * np.zeros(shape, dtype=dtype)
    draw_dtype = dtype if dtype in (np.float32, np.float64) else np.float64
    mask = (generator().random(shape, dtype=draw_dtype) >= p).astype(dtype)
    mask *= 1.0 / (1.0 - p)
    return x * mask
