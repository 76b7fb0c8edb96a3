"""Deep and large graphs backpropagate without Python recursion (under the default
recursion limit) and are freed by reference counting alone."""

from __future__ import annotations

import gc
import math
import sys
import weakref

import numpy as np
import pytest

import autograd_lite as al


@pytest.fixture
def no_cyclic_gc():
    """Graphs are freed by reference counting; the cyclic collector's repeated scans of
    a million live objects would only slow the build down (and would hide cycles)."""
    limit = sys.getrecursionlimit()
    assert limit <= 1000, "these tests must run under the default recursion limit"
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
    assert sys.getrecursionlimit() == limit


def test_chain_of_depth_100000(no_cyclic_gc):
    depth = 100_000
    x = al.tensor(1.0, dtype=np.float64, requires_grad=True)
    y = x
    for _ in range(depth):
        y = y * 1.00001
    middle = weakref.ref(y)
    y.backward(retain_graph=True)
    assert x.grad.item() == pytest.approx(math.exp(depth * math.log(1.00001)), rel=1e-9)
    (g,) = al.grad(y, x)
    assert g.item() == pytest.approx(x.grad.item())
    del y
    assert middle() is None, "the chain must be freed without the cyclic collector"


def test_graph_of_1_000_000_nodes(no_cyclic_gc):
    x = al.tensor([1.0, -2.0], dtype=np.float64, requires_grad=True)
    y = x
    for _ in range(1_000_000 - 1):
        y = -y
    out = y.sum()  # the 1,000,000th node
    probe = weakref.ref(y)
    del y
    out.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [-1.0, -1.0])  # 999,999 negations
    del out
    assert probe() is None
