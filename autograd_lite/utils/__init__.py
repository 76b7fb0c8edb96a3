"""`torch.utils`'s names: `utils.data` (`Dataset`, `TensorDataset`, `DataLoader`).

>>> import autograd_lite as al
>>> al.utils.data.DataLoader is al.data.DataLoader
True
"""

from . import data

__all__ = ["data"]
