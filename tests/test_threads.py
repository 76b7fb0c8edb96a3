"""Threads: grad mode is per thread, and two threads training two separate models at
once get exactly the results of training them one after the other."""

from __future__ import annotations

import sys
import threading

import numpy as np
import pytest

import autograd_lite as al


@pytest.fixture(autouse=True)
def _switch_often():
    """Switch threads every few microseconds so their steps really interleave."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    yield
    sys.setswitchinterval(previous)


def test_grad_mode_is_per_thread():
    x = al.tensor([1.0], requires_grad=True)
    ready = threading.Event()
    release = threading.Event()
    seen = {}

    def other():
        seen["enabled_at_start"] = al.is_grad_enabled()
        with al.no_grad():
            ready.set()
            release.wait(timeout=10)
            seen["recorded"] = (x * 2).requires_grad

    thread = threading.Thread(target=other, daemon=True)  # never blocks exit if this fails
    thread.start()
    ready.wait(timeout=10)
    assert al.is_grad_enabled()  # the other thread's no_grad does not reach this one
    assert (x * 2).requires_grad
    release.set()
    thread.join()
    assert seen == {"enabled_at_start": True, "recorded": False}


def _make_model(seed):
    nn = pytest.importorskip("nn")
    optim = pytest.importorskip("optim")
    al.manual_seed(seed)
    model = nn.Sequential(nn.Linear(5, 12), nn.Tanh(), nn.Linear(12, 3))
    optimizer = optim.Adam(model.parameters(), lr=1e-2)
    x = al.randn(32, 5)
    labels = al.tensor(np.arange(32) % 3)
    return model, optimizer, x, labels


def _train(model, optimizer, x, labels, steps, start=None, grad_mode_off=None):
    nn = pytest.importorskip("nn")
    loss_fn = nn.CrossEntropyLoss()
    if start is not None:
        start.wait()
    losses = []
    for step in range(steps):
        optimizer.zero_grad()
        loss = loss_fn(model(x), labels)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if grad_mode_off is not None and step % 10 == 0:
            with al.no_grad():  # flips this thread's grad mode only
                model(x)
    return losses, [p.numpy().copy() for p in model.parameters()]


def test_two_threads_training_two_models_match_sequential_training():
    steps = 150
    sequential = [_train(*_make_model(seed), steps) for seed in (1, 2)]

    setups = [_make_model(seed) for seed in (1, 2)]
    results = [None, None]
    errors = []
    start = threading.Barrier(2, timeout=30)

    def run(index):
        try:
            results[index] = _train(*setups[index], steps, start=start, grad_mode_off=True)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    for (seq_losses, seq_params), (par_losses, par_params) in zip(sequential, results):
        assert par_losses == seq_losses
        for a, b in zip(seq_params, par_params):
            np.testing.assert_array_equal(a, b)
    assert sequential[0][0][-1] < sequential[0][0][0]


def test_threads_sharing_one_input_array_release_their_guards():
    shared = al.randn(16, 4)
    weights = [al.randn(4, 2, requires_grad=True) for _ in range(4)]
    start = threading.Barrier(4, timeout=30)

    def run(w):
        start.wait()
        for _ in range(200):
            (shared @ w).tanh().sum().backward()

    threads = [threading.Thread(target=run, args=(w,), daemon=True) for w in weights]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert shared.numpy().flags.writeable
    for w in weights:
        assert w.numpy().flags.writeable
