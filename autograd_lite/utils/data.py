"""Datasets and batching under `torch.utils.data`'s name: the classes of `autograd_lite.data`.

>>> import numpy as np
>>> from autograd_lite.utils.data import DataLoader, TensorDataset
>>> [len(x) for (x,) in DataLoader(TensorDataset(np.zeros((5, 2))), batch_size=2)]
[2, 2, 1]
"""

from ..data import DataLoader, Dataset, TensorDataset

__all__ = ["Dataset", "TensorDataset", "DataLoader"]
