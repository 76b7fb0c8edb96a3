"""`Parameter`: a Tensor that a Module registers as one of its learnable weights."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_lite import Tensor, get_default_dtype
from autograd_lite.devices import check_cpu


class Parameter(Tensor):
    """A leaf Tensor with `requires_grad=True` that Modules register when assigned.

    Python data becomes the default float dtype; an ndarray or Tensor keeps its dtype.
    `param_name` is its dotted name from the root of the module tree holding it
    ("0.weight"), stamped when it is registered or its module is attached to a parent;
    graph drawings use it as the parameter's label.

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


def factory_dtype(layer: str, device: Any = None, dtype: Any = None) -> np.dtype:
    """The dtype a layer creates its parameters and buffers in, from PyTorch's factory
    arguments `device=` and `dtype=`: `dtype`, or the default dtype. A device other than
    the CPU raises RuntimeError, a dtype that is not floating point TypeError.

    >>> factory_dtype("Linear", device="cpu"), factory_dtype("Linear", dtype="float64")
    (dtype('float32'), dtype('float64'))
    """
    check_cpu(device, layer)
    result = np.dtype(get_default_dtype() if dtype is None else dtype)
    if result.kind != "f":
        raise TypeError(f"{layer}: parameters must be floating point, got dtype={result}")
    return result
