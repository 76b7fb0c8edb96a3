"""PyTorch's factory arguments of layers, `device=` and `dtype=`: every layer that creates
parameters takes them, builds its parameters and buffers in `dtype`, and refuses a device
other than the CPU or a dtype that is not floating point, before creating anything."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import autograd_lite as al
import nn

LAYERS = {
    "Linear": lambda **kw: nn.Linear(3, 2, **kw),
    "Conv1d": lambda **kw: nn.Conv1d(2, 4, 3, **kw),
    "Conv2d": lambda **kw: nn.Conv2d(2, 4, 3, **kw),
    "BatchNorm1d": lambda **kw: nn.BatchNorm1d(3, **kw),
    "BatchNorm2d": lambda **kw: nn.BatchNorm2d(3, **kw),
    "LayerNorm": lambda **kw: nn.LayerNorm(4, **kw),
    "Embedding": lambda **kw: nn.Embedding(5, 3, **kw),
    "MultiheadAttention": lambda **kw: nn.MultiheadAttention(8, 2, **kw),
}


@pytest.mark.parametrize("name", LAYERS)
def test_dtype_and_cpu_device_are_taken(name):
    layer = LAYERS[name](device=al.device("cpu"), dtype=al.float64)
    arrays = [p.numpy() for p in layer.parameters()] + [
        b.numpy() for b in layer.buffers() if b.dtype.kind == "f"
    ]
    assert arrays and all(a.dtype == np.float64 for a in arrays)
    assert all(p.dtype == np.float32 for p in LAYERS[name](device="cpu").parameters())


@pytest.mark.parametrize("name", LAYERS)
def test_other_devices_and_integer_dtypes_are_refused(name):
    with pytest.raises(RuntimeError, match=f"{name}: device 'cuda' is not available"):
        LAYERS[name](device="cuda")
    with pytest.raises(TypeError, match=f"{name}: parameters must be floating point, got dtype=int64"):
        LAYERS[name](dtype=al.int64)


@pytest.mark.parametrize("name", LAYERS)
def test_the_keywords_are_torchs(name):
    torch = pytest.importorskip("torch")
    theirs = inspect.signature(getattr(torch.nn, name)).parameters
    ours = inspect.signature(getattr(nn, name)).parameters
    assert {"device", "dtype"} <= set(theirs) and {"device", "dtype"} <= set(ours)
