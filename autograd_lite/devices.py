"""Devices, as PyTorch spells them: `device`, `Tensor.device`, `is_cuda`, `cpu()`, `cuda()`.

Tensors live in NumPy arrays, so the CPU is the only device. `device("cuda")` can be
written (as in PyTorch, where it names a device without touching it), but using it --
moving a tensor or module there, or creating a tensor on it -- raises RuntimeError.
"""

from __future__ import annotations

import re
from typing import Any

from .tensor import Tensor

# PyTorch's device types: any of them can be named, only "cpu" can be used.
_KNOWN_TYPES = frozenset(
    "cpu cuda ipu xpu mkldnn opengl opencl ideep hip ve fpga maia xla lazy vulkan mps meta hpu mtia "
    "privateuseone".split()
)
_DEVICE_STRING = re.compile(r"([a-z]+)(?::(0|[1-9][0-9]*))?")


class device:  # noqa: N801 - PyTorch's name
    """A device: a `type` ("cpu", "cuda", ...) and an optional `index`, immutable and hashable.

    It equals a device of the same type and index; as in PyTorch, not a string (compare
    `x.device.type == "cpu"`).
    Only "cpu" devices can hold tensors; the others raise RuntimeError when used.

    >>> import autograd_lite as al
    >>> al.device("cpu"), al.device("cuda", 1).index, al.zeros(1).device.type == "cpu"
    (device(type='cpu'), 1, True)
    """

    __slots__ = ("_type", "_index")

    def __init__(self, type: Any, index: int | None = None) -> None:  # noqa: A002 - PyTorch's name
        if isinstance(type, device):
            if index is not None:
                raise RuntimeError(f"device(): give the index inside the device, not with {type!r}")
            kind, index = type._type, type._index
        elif isinstance(type, str):
            kind, index = _parse(type, index)
        else:
            raise TypeError(f"device() expects a device or a string such as 'cpu', got {type!r}")
        object.__setattr__(self, "_type", kind)
        object.__setattr__(self, "_index", index)

    @property
    def type(self) -> str:
        """The device type, e.g. "cpu"."""
        return self._type

    @property
    def index(self) -> int | None:
        """The device index, or None when none was given."""
        return self._index

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"device objects are immutable; cannot set {name!r}")

    def __str__(self) -> str:
        return self._type if self._index is None else f"{self._type}:{self._index}"

    def __repr__(self) -> str:
        index = "" if self._index is None else f", index={self._index}"
        return f"device(type={self._type!r}{index})"

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, device):
            return (self._type, self._index) == (other._type, other._index)
        return NotImplemented  # as PyTorch's: a device never equals a string ("cpu")

    def __hash__(self) -> int:
        return hash((self._type, self._index))

    def __reduce__(self) -> tuple:
        return (device, (self._type, self._index))


def _parse(text: str, index: Any) -> tuple[str, int | None]:
    match = _DEVICE_STRING.fullmatch(text)
    if match is None:
        raise RuntimeError(f"invalid device string {text!r}; expected e.g. 'cpu' or 'cpu:0'")
    kind, written = match.group(1), match.group(2)
    if kind not in _KNOWN_TYPES:
        raise RuntimeError(f"unknown device type {kind!r} in {text!r}; autograd_lite's only device is 'cpu'")
    if index is not None:
        if written is not None:
            raise RuntimeError(f"device(): {text!r} already has an index, and index={index!r} was given too")
        if not isinstance(index, int) or isinstance(index, bool):
            raise TypeError(f"device(): index must be an int, got {index!r}")
        if index < 0:
            raise RuntimeError(f"device(): the index must not be negative, got {index}")
        return kind, index
    return kind, None if written is None else int(written)


CPU = device("cpu")


def check_cpu(where: Any, what: str) -> None:
    """Raise RuntimeError unless `where` (a device or a string, or None) is the CPU."""
    if where is None:
        return
    if isinstance(where, str) or (
        not isinstance(where, device) and isinstance(getattr(where, "type", None), str)
    ):
        where = device(str(where))  # a string or another library's device; raises if it names none
    if not isinstance(where, device):
        raise TypeError(f"{what}: expected a device such as 'cpu' or al.device('cpu'), got {where!r}")
    if where.type != "cpu":
        raise RuntimeError(
            f"{what}: device {str(where)!r} is not available: autograd_lite computes on the CPU "
            "with NumPy; use device 'cpu' (e.g. `al.device('cpu')`)"
        )


def tensor_device(self: Tensor) -> device:
    """The device holding this tensor: always `device(type='cpu')`.

    >>> import autograd_lite as al
    >>> al.zeros(2).device
    device(type='cpu')
    """
    return CPU


def cpu(self: Tensor, memory_format: Any = None) -> Tensor:
    """This tensor on the CPU: the tensor itself, as PyTorch returns it when it is there."""
    return self


def cuda(self: Tensor, device: Any = None, non_blocking: bool = False, memory_format: Any = None) -> Tensor:
    """Refused with RuntimeError: there is no GPU (write `.to(device)` with a "cpu" device)."""
    check_cpu("cuda", "Tensor.cuda()")
    return self  # not reached: check_cpu raises


def get_device(self: Tensor) -> int:
    """The device index: -1 for the CPU, as PyTorch's."""
    return -1


Tensor.device = property(tensor_device)
Tensor.is_cuda = property(lambda self: False, doc="False: tensors live on the CPU.")
Tensor.cpu = cpu
Tensor.cuda = cuda
Tensor.get_device = get_device
