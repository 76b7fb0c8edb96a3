"""`Parameter`: a Tensor that a Module registers as one of its learnable weights."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_lite import Tensor, get_default_dtype


class Parameter(Tensor):
    """A leaf Tensor with `requires_grad=True` that Modules register when assigned.

    Python data becomes the default float dtype; an ndarray or Tensor keeps its dtype.
    `param_name` is the dotted name ("0.weight") stamped by the outermost Module call,
    used as the label of the parameter in graph drawings.

    >>> import nn
    >>> p = nn.Parameter([1.0, 2.0])
    >>> p.requires_grad, p.dtype
    (True, dtype('float32'))
    """

    __slots__ = ("param_name",)

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            data = np.empty(0, dtype=get_default_dtype())
        elif isinstance(data, Tensor):
            data = data.numpy()
        super().__init__(data, requires_grad=requires_grad)
        self.param_name = None

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
