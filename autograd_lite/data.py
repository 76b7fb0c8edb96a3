"""Datasets and batching (TensorDataset, DataLoader)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from .random import generator
from .tensor import Tensor


class Dataset:
    """What `DataLoader` needs: `len(dataset)` and `dataset[i]` (an item or a tuple of items).

    >>> import numpy as np, autograd_lite as al
    >>> class Squares(al.data.Dataset):
    ...     def __len__(self): return 4
    ...     def __getitem__(self, i): return np.float32(i), np.float32(i * i)
    >>> next(iter(al.data.DataLoader(Squares(), batch_size=4)))[1]
    tensor([0., 1., 4., 9.])
    """

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} does not define __len__")

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not define __getitem__")


class TensorDataset(Dataset):
    """Arrays (or Tensors) of equal first dimension; item i is the tuple of their rows i.

    Args:
        arrays: arrays, Tensors or Python data (nested lists), at least one, all with the
            same first dimension. Arrays are kept without a copy; Python data follows the
            Tensor dtype rule (floats become the default float dtype).

    >>> import numpy as np, autograd_lite as al
    >>> ds = al.data.TensorDataset(np.zeros((3, 2)), np.array([0, 1, 2]))
    >>> len(ds), ds[2][1]
    (3, tensor(2))
    """

    def __init__(self, *arrays: Any) -> None:
        if not arrays:
            raise ValueError("TensorDataset needs at least one array")
        # Arrays are kept, not copied (a dataset can be large); other data is converted.
        self.arrays = tuple(
            a._data if isinstance(a, Tensor) else a if isinstance(a, np.ndarray) else Tensor(a)._data
            for a in arrays
        )
        for position, array in enumerate(self.arrays):
            if array.dtype.kind not in "biuf":
                raise TypeError(
                    f"array {position} of TensorDataset has dtype {array.dtype}; expected numbers"
                )
            if array.ndim == 0:
                raise ValueError(
                    f"array {position} of TensorDataset is 0-d; every array needs a first dimension"
                )
        sizes = [len(array) for array in self.arrays]
        if len(set(sizes)) != 1:
            raise ValueError(
                f"the arrays of a TensorDataset must have the same first dimension, got sizes {sizes}"
            )

    def __len__(self) -> int:
        return len(self.arrays[0])

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        return tuple(Tensor(array[index]) for array in self.arrays)

    def batch(self, indices: np.ndarray) -> tuple[Tensor, ...]:
        """Rows `indices` (an integer array) of every array at once, one fancy-indexing copy
        per array; what `DataLoader` uses instead of stacking items one by one."""
        return tuple(Tensor._make(array[indices], None) for array in self.arrays)


class DataLoader:
    """Batches of a dataset: each iteration is one epoch, yielding tuples of Tensors.

    With `shuffle=True` every epoch draws a new order from the library's generator, so
    `al.manual_seed` makes it reproducible. `drop_last=True` skips a final short batch.
    A `TensorDataset` is batched by indexing its arrays; other datasets by stacking items
    (a dataset whose items are single values yields single Tensors, as PyTorch does).

    Args:
        dataset: anything with `__len__` and `__getitem__` (a `Dataset`, `TensorDataset`).
        batch_size: the number of items per batch, a positive int.
        shuffle: draw a new order of the items for every epoch.
        drop_last: skip the last batch when it has fewer than `batch_size` items.

    >>> import numpy as np, autograd_lite as al
    >>> ds = al.data.TensorDataset(np.arange(10.0).reshape(5, 2), np.arange(5))
    >>> loader = al.data.DataLoader(ds, batch_size=2)
    >>> len(loader), [y.tolist() for _, y in loader]
    (3, [[0, 1], [2, 3], [4]])
    """

    def __init__(
        self, dataset: Any, batch_size: int = 1, shuffle: bool = False, drop_last: bool = False
    ) -> None:
        if not isinstance(batch_size, (int, np.integer)) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
        if not hasattr(dataset, "__len__") or not hasattr(dataset, "__getitem__"):
            raise TypeError(f"a dataset needs __len__ and __getitem__; {type(dataset).__name__} lacks them")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)

    def __len__(self) -> int:
        """The number of batches per epoch."""
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self) -> Iterator[Any]:
        n = len(self.dataset)
        order = generator().permutation(n) if self.shuffle else np.arange(n)
        stop = n - n % self.batch_size if self.drop_last else n
        for start in range(0, stop, self.batch_size):
            indices = order[start : start + self.batch_size]
            if isinstance(self.dataset, TensorDataset):
                yield self.dataset.batch(indices)
            else:
                yield _collate([self.dataset[int(i)] for i in indices])


def _collate(items: list[Any]) -> Any:
    """Stack a list of items (values or tuples of values) into Tensors with a batch axis."""
    first = items[0]
    if isinstance(first, (tuple, list)):
        width = len(first)
        for item in items:
            if not isinstance(item, (tuple, list)) or len(item) != width:
                raise ValueError(
                    f"dataset items must all have the same structure; got {first!r} and {item!r}"
                )
        return tuple(_stack([item[field] for item in items]) for field in range(width))
    return _stack(items)


def _stack(values: list[Any]) -> Tensor:
    arrays = [value._data if isinstance(value, Tensor) else np.asarray(value) for value in values]
    shapes = {array.shape for array in arrays}
    if len(shapes) != 1:
        raise ValueError(f"cannot batch dataset items of different shapes {sorted(shapes)}")
    batch = np.stack(arrays)
    if batch.dtype.kind not in "biuf":
        raise TypeError(f"cannot batch dataset items of dtype {batch.dtype}; expected numbers")
    return Tensor._make(batch, None)


__all__ = ["Dataset", "TensorDataset", "DataLoader"]
