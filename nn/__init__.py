"""Neural-network layers, losses and initialisers on autograd_lite, PyTorch style.

>>> import autograd_lite as al, nn
>>> model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
>>> loss = nn.CrossEntropyLoss()(model(al.randn(5, 4)), al.tensor([0, 1, 2, 0, 1]))
>>> loss.backward()
"""

from . import functional, hooks, init, utils
from .activation import ELU, GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, SiLU, Softmax, Softplus, Tanh
from .attention import MultiheadAttention
from .batchnorm import BatchNorm1d, BatchNorm2d
from .containers import ModuleList, Sequential
from .conv import Conv1d, Conv2d
from .dropout import Dropout
from .embedding import Embedding
from .hooks import RemovableHandle, register_module_forward_hook, register_module_forward_pre_hook
from .linear import Dense, Flatten, Identity, Linear
from .loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    KLDivLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)
from .module import Module
from .normalization import LayerNorm
from .parameter import Parameter
from .pool import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d
from .recording import ModuleCall, ModuleCallRecord, record_module_calls

__all__ = [
    "Module", "Parameter", "functional", "hooks", "init", "utils",
    "RemovableHandle", "register_module_forward_hook", "register_module_forward_pre_hook",
    "ModuleCall", "ModuleCallRecord", "record_module_calls",
    "Dense", "Linear", "Identity", "Flatten", "Sequential", "ModuleList", "Dropout", "BatchNorm1d", "BatchNorm2d",
    "Conv1d", "Conv2d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d",
    "Embedding", "LayerNorm", "MultiheadAttention",
    "ReLU", "LeakyReLU", "ELU", "Sigmoid", "Tanh", "Softplus", "GELU", "SiLU", "Softmax", "LogSoftmax",
    "MSELoss", "L1Loss", "HuberLoss", "SmoothL1Loss", "KLDivLoss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "NLLLoss",
]  # fmt: skip
