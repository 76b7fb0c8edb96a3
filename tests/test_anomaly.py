"""Anomaly mode: NaN or inf from any forward or backward raises RuntimeError naming the op
and showing where the user's code created it; off by default; per thread; nests."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import anomaly


def _make_sqrt(x):
    return x.sqrt()  # the line the creation traceback must show


def test_forward_nan_names_op_and_creation_site():
    x = al.tensor([-1.0, 4.0], requires_grad=True)
    with al.detect_anomaly():
        with pytest.raises(RuntimeError) as info:
            _make_sqrt(x)
    message = str(info.value)
    assert "forward of 'sqrt'" in message and "from finite inputs" in message
    assert "test_anomaly.py" in message and "return x.sqrt()" in message
    assert "autograd_lite/ops" not in message  # library frames are left out


def test_backward_inf_names_op_and_creation_site():
    x = al.tensor([0.0, 4.0], requires_grad=True)
    with al.detect_anomaly():
        y = _make_sqrt(x)  # finite forward: sqrt(0) = 0
        with pytest.raises(RuntimeError) as info:
            y.sum().backward()
    message = str(info.value)
    assert "backward of 'sqrt'" in message and "input 0" in message
    assert "return x.sqrt()" in message
    assert x.grad is None  # the failed backward changed nothing


def test_inputs_that_already_held_nan_are_reported():
    x = al.tensor([np.nan, 1.0], requires_grad=True)
    with al.detect_anomaly(), pytest.raises(RuntimeError, match=r"'mul'.*input 0 already held NaN"):
        x * 2


def test_inf_in_forward_is_caught():
    x = al.tensor([1000.0], requires_grad=True)
    with al.detect_anomaly(), pytest.raises(RuntimeError, match="forward of 'exp'"):
        x.exp()


class _BadForward(al.Function):
    @staticmethod
    def forward(ctx, x):
        return x * np.inf

    @staticmethod
    def backward(ctx, grad):
        return grad


class _BadBackward(al.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad):
        return grad * np.nan


def test_user_functions_are_checked_in_forward_and_backward():
    x = al.tensor([1.0], requires_grad=True)
    with al.detect_anomaly():
        with pytest.raises(RuntimeError, match="forward of '_BadForward'"):
            _BadForward.apply(x)
        y = _BadBackward.apply(x)
        with pytest.raises(RuntimeError, match=r"(?s)backward of '_BadBackward'.*test_anomaly\.py"):
            y.sum().backward()


def test_nan_gradient_under_create_graph_is_caught():
    x = al.tensor([0.0], requires_grad=True)
    with al.detect_anomaly():
        y = (x.sqrt() + x).sum()
        # The backward graph's own ops are recorded, so the division in sqrt's rule is
        # the first op whose output is inf.
        with pytest.raises(RuntimeError, match=r"(?s)'div'.*al\.grad\(y, x, create_graph=True\)"):
            al.grad(y, x, create_graph=True)


def test_nodes_created_before_enabling_still_raise_in_backward():
    x = al.tensor([0.0], requires_grad=True)
    y = x.sqrt().sum()
    with al.detect_anomaly(), pytest.raises(RuntimeError, match="created before anomaly detection"):
        y.backward()


def test_off_by_default_and_no_hook_installed():
    assert not al.is_anomaly_enabled()
    assert not anomaly.active
    x = al.tensor([-1.0], requires_grad=True)
    y = x.sqrt()  # NaN passes silently when off
    assert np.isnan(y.item())
    y.sum().backward()


def test_nested_contexts_and_exceptions_restore_state():
    with al.detect_anomaly():
        with al.detect_anomaly():
            assert al.is_anomaly_enabled()
        assert al.is_anomaly_enabled()
        with pytest.raises(KeyError):
            with al.detect_anomaly():
                raise KeyError("x")
        assert al.is_anomaly_enabled()
    assert not al.is_anomaly_enabled()
    assert not anomaly.active


def test_anomaly_mode_is_per_thread():
    entered = threading.Event()
    done = threading.Event()
    seen = {}

    def other():
        entered.wait(timeout=10)
        seen["enabled"] = al.is_anomaly_enabled()
        x = al.tensor([-1.0], requires_grad=True)
        seen["value"] = x.sqrt().item()  # no error in a thread that did not turn it on
        done.set()

    thread = threading.Thread(target=other, daemon=True)  # never blocks exit if this fails
    thread.start()
    with al.detect_anomaly():
        entered.set()
        done.wait(timeout=10)
        with pytest.raises(RuntimeError):
            al.tensor([-1.0], requires_grad=True).sqrt()
    thread.join()
    assert seen["enabled"] is False and np.isnan(seen["value"])
    assert not anomaly.active


def test_finite_values_pass_and_gradients_match():
    x = al.tensor([0.5, 2.0], requires_grad=True)
    with al.detect_anomaly():
        (x.sqrt() * x.log().exp()).sum().backward()
    expected = 1.5 * np.sqrt([0.5, 2.0])
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-6)
