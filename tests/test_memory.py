"""Graphs are freed by reference counting alone: after backward (or without one) and once
the user's references are gone, no array or tensor of the graph stays alive; saved
arrays go as soon as backward has used them; a training loop's memory stays flat."""

from __future__ import annotations

import gc
import tracemalloc
import weakref

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import engine


@pytest.fixture
def no_gc():
    """Only reference counting may free anything during the test."""
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    yield
    if was_enabled:
        gc.enable()


class _Cube(al.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x * x


def _mlp_graph(params):
    w1, b1, w2, b2 = params
    x = al.randn(8, 5)
    labels = np.arange(8) % 3
    hidden = (x @ w1 + b1).relu()
    logits = al.linear(hidden, w2, b2)
    picked = logits.log_softmax(axis=1)[np.arange(8), labels]
    return -picked.mean()


def _every_family_graph(params):
    w1, b1, w2, b2 = params
    x = al.randn(4, 5)
    a = (x @ w1 + b1) * 0.5 - 0.1  # matmul, add, mul, sub
    b = a / (a.abs() + 1.0) ** 2  # div, abs, pow
    c = -b.exp().log().abs().sqrt().sin().cos().tanh().sigmoid()  # neg and unary elementwise
    d = c.relu() + c.leaky_relu(0.1) + c.elu() + c.softplus() + c.gelu() + c.clip(-0.2, 0.2)
    e = al.maximum(d, 0.1) + al.minimum(d, 0.2) + al.where(d._data > 0, d, 0.0)
    f = e.reshape(2, 2, 5).transpose(1, 0, 2).flatten().unsqueeze(0).squeeze(0).broadcast_to((3, 20))
    g = al.concatenate([f, f[::-1]], axis=0) + al.stack([f, f], axis=0).sum(axis=0).mean()
    h = g[[0, 2, 2]][:, g._data[0] >= np.median(g._data[0])]  # fancy and mask indexing
    i = h.max(axis=1).values.sum() + h.min() + h.var(correction=0) + h.std(ddof=1) + h.logsumexp(axis=0).sum()
    j = al.linear(e, w2, b2).softmax(axis=1).sum() + al.linear(e, w2).log_softmax().mean()
    k = _Cube.apply(i + j).astype(np.float64)
    return k


def _params():
    w1 = al.randn(5, 5, requires_grad=True)
    b1 = al.zeros(5, requires_grad=True)
    w2 = al.randn(3, 5, requires_grad=True)
    b2 = al.zeros(3, requires_grad=True)
    return w1, b1, w2, b2


def _graph_contents(root, keep=()):
    """Weak references to every node and array the graph of `root` holds (but `keep`'s)."""
    kept = {id(t._data) for t in keep}
    nodes, arrays = [], []
    for node in engine.topological_order([root.grad_fn]):
        nodes.append(weakref.ref(node))
        arrays.append(weakref.ref(node.out))
        saved = node.saved if node.saved is not None else ()
        for value in saved:
            if isinstance(value, al.Tensor):
                value = value._data
            if isinstance(value, np.ndarray) and id(value) not in kept:
                arrays.append(weakref.ref(value))
    return nodes, arrays


def _alive(refs):
    return [ref() for ref in refs if ref() is not None]


@pytest.mark.parametrize("build", [_mlp_graph, _every_family_graph], ids=["mlp", "every_family"])
@pytest.mark.parametrize("mode", ["backward", "no_backward", "retain_graph", "anomaly"])
def test_graph_is_freed_once_the_user_drops_it(no_gc, build, mode):
    params = _params()
    if mode == "anomaly":
        with al.detect_anomaly():
            loss = build(params)
    else:
        loss = build(params)
    nodes, arrays = _graph_contents(loss, keep=params)
    private = [ref for ref in arrays if not any(ref() is node().out for node in nodes)]
    assert len(nodes) > 5 and private
    if mode == "backward":
        loss.backward()
        # Arrays only the nodes held (masks, shares, saved copies) go with the backward.
        assert not _alive(private)
    elif mode in ("retain_graph", "anomaly"):
        loss.backward(retain_graph=True)
    root = weakref.ref(loss)
    del loss
    assert root() is None
    assert not _alive(nodes)
    assert not _alive(arrays)
    for p in params:
        assert p.numpy().flags.writeable  # every guard let go


def test_grad_with_create_graph_frees_both_graphs(no_gc):
    x = al.randn(4, requires_grad=True)
    y = (x.tanh() * x).sum()
    (g,) = al.grad(y, x, create_graph=True)
    (gg,) = al.grad(g.sum(), x)
    forward_tensors, forward_arrays = _graph_contents(y, keep=(x,))
    backward_tensors, backward_arrays = _graph_contents(g, keep=(x,))
    refs = forward_tensors + forward_arrays + backward_tensors + backward_arrays
    del y, g, gg
    assert not _alive(refs)


def test_nodes_do_not_refer_to_their_outputs(no_gc):
    x = al.randn(3, requires_grad=True)
    y = _Cube.apply(x)  # a user Function's node supports weak references
    y.retain_grad()
    (y * 2).sum().backward()
    assert not any(referent is y for referent in gc.get_referents(y.grad_fn))
    node = weakref.ref(y.grad_fn)
    tensor = weakref.ref(y)
    del y
    assert tensor() is None and node() is None


def test_a_failed_backward_leaves_no_cycle(no_gc):
    class WrongShape(al.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, grad):
            return al.ones(7)

    x = al.randn(3, requires_grad=True)
    loss = (WrongShape.apply(x.exp()) * 2).sum()
    nodes, arrays = _graph_contents(loss)
    with pytest.raises(RuntimeError):
        loss.backward()
    del loss
    assert not _alive(nodes) and not _alive(arrays)


def test_training_loop_memory_is_flat_over_1000_steps():
    nn = pytest.importorskip("nn")
    optim = pytest.importorskip("optim")
    model = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 3))
    optimizer = optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.CrossEntropyLoss()
    labels = al.tensor(np.arange(16) % 3)
    pool = [al.randn(16, 6).numpy() for _ in range(4)]

    def step(index):
        x = al.tensor(pool[index % 4])  # a new array each step, as from a data loader
        optimizer.zero_grad()
        loss = loss_fn(model(x), labels)
        loss.backward()
        optimizer.step()

    def evaluate():
        with al.no_grad():
            return loss_fn(model(al.tensor(pool[0])), labels).item()

    before = evaluate()
    tracemalloc.start()
    try:
        checkpoints = []
        for index in range(1000):
            step(index)
            if index % 100 == 99:
                gc.collect()
                checkpoints.append(tracemalloc.get_traced_memory()[0])
                if index == 499:
                    tracemalloc.reset_peak()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert evaluate() < before  # it trained
    # Caches settle in the first few hundred steps; after that nothing may accumulate
    # (one step's graph is a few tens of KB, so a leak would show as megabytes).
    settled = checkpoints[4]
    assert max(checkpoints[5:]) - settled < 16 * 1024, checkpoints
    assert peak - settled < 256 * 1024, (settled, peak)
