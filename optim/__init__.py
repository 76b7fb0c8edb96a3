"""Optimizers (SGD, Adam, AdamW, RMSprop, Adagrad) and learning-rate schedulers, PyTorch style.

>>> import autograd_lite as al, optim
>>> w = al.tensor([1.0, -2.0], requires_grad=True)
>>> opt = optim.SGD([w], lr=0.25)
>>> opt.zero_grad(); (w * w).sum().backward(); opt.step(); w
tensor([ 0.5, -1. ], requires_grad=True)
"""

from . import lr_scheduler
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "lr_scheduler"]
