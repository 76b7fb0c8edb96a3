"""A call that fails leaves state as it was: backward() (every .grad, retained grads),
optimizer.step() and load_state_dict() (parameters, optimizer state, .grad)."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import autograd_lite as al


class _WrongShape(al.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad):
        return al.ones(7)


class _WrongCount(al.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad):
        return grad, grad


def _grads(*tensors):
    return [None if t.grad is None else t.grad.numpy().copy() for t in tensors]


def _assert_same(before, after):
    assert len(before) == len(after)
    for b, a in zip(before, after):
        if b is None:
            assert a is None
        else:
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("bad", [_WrongShape, _WrongCount])
@pytest.mark.parametrize("bad_first", [True, False], ids=["bad_branch_first", "bad_branch_last"])
def test_failing_rule_leaves_every_grad_unchanged(bad, bad_first):
    w = al.tensor([1.0, 2.0], requires_grad=True)
    v = al.tensor([3.0, 4.0], requires_grad=True)
    w.grad = al.tensor([10.0, 20.0])
    hidden = w * 3
    hidden.retain_grad()
    good = (hidden * v).sum()
    broken = bad.apply(v).sum()
    loss = broken + good if bad_first else good + broken
    before = _grads(w, v, hidden)
    with pytest.raises(RuntimeError, match=bad.__name__):
        loss.backward()
    _assert_same(before, _grads(w, v, hidden))


@pytest.mark.parametrize("hooked", ["first", "second"])
def test_failing_leaf_hook_leaves_every_grad_unchanged(hooked):
    a = al.tensor([1.0], requires_grad=True)
    b = al.tensor([2.0], requires_grad=True)
    a.grad = al.tensor([5.0])
    target = a if hooked == "first" else b

    def hook(grad):
        raise ValueError("hook failed")

    target.register_hook(hook)
    before = _grads(a, b)
    with pytest.raises(ValueError, match="hook failed"):
        (a * 2 + b * 3).sum().backward()
    _assert_same(before, _grads(a, b))


def test_hook_returning_wrong_shape_leaves_grads_unchanged():
    a = al.tensor([1.0, 2.0], requires_grad=True)
    b = al.tensor([2.0, 3.0], requires_grad=True)
    b.register_hook(lambda g: al.ones(3))
    with pytest.raises(RuntimeError, match="shape"):
        (a * b).sum().backward()
    assert a.grad is None and b.grad is None


def test_stale_saved_data_error_leaves_grads_unchanged():
    w = al.tensor([1.0, 2.0], requires_grad=True)
    u = al.tensor([1.0, 2.0], requires_grad=True)
    loss = (w * w).sum() + (u * 2).sum()
    w.data = np.zeros(2, dtype=np.float32)
    with pytest.raises(RuntimeError, match="replaced"):
        loss.backward()
    assert w.grad is None and u.grad is None


def test_successful_backward_after_hooks_accumulates_as_usual():
    a = al.tensor([1.0], requires_grad=True)
    h = a * 2
    h.retain_grad()
    a.register_hook(lambda g: g * 10)
    (h * 3).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [60.0])
    np.testing.assert_array_equal(h.grad.numpy(), [3.0])


# -- optimizers ----------------------------------------------------------------------

OPTIMIZERS = {
    "sgd_momentum": lambda optim, ps: optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01),
    "adam": lambda optim, ps: optim.Adam(ps, lr=0.1, amsgrad=True),
    "adamw": lambda optim, ps: optim.AdamW(ps, lr=0.1),
    "rmsprop": lambda optim, ps: optim.RMSprop(ps, lr=0.1, momentum=0.5, centered=True),
    "adagrad": lambda optim, ps: optim.Adagrad(ps, lr=0.1),
}


def _snapshot(params, opt):
    return (
        [p.numpy().copy() for p in params],
        _grads(*params),
        copy.deepcopy({id(p): s for p, s in opt.state.items()}),
        copy.deepcopy([{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups]),
    )


def _assert_snapshot(before, after):
    _assert_same(before[0], after[0])
    _assert_same(before[1], after[1])
    assert before[2].keys() == after[2].keys()
    for key in before[2]:
        for name, value in before[2][key].items():
            np.testing.assert_array_equal(np.asarray(after[2][key][name]), np.asarray(value))
    assert before[3] == after[3]


def _trained(make):
    optim = pytest.importorskip("optim")
    params = [al.tensor([1.0, -2.0], requires_grad=True), al.tensor([[0.5, 1.5]], requires_grad=True)]
    opt = make(optim, params)
    for _ in range(2):
        opt.zero_grad()
        ((params[0] ** 2).sum() + (params[1] * 3).sum()).backward()
        opt.step()
    ((params[0] ** 2).sum() + (params[1] * 3).sum()).backward()
    return params, opt


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("corruption", ["shape", "dtype"])
def test_failing_step_changes_nothing(name, corruption):
    params, opt = _trained(OPTIMIZERS[name])
    bad = np.zeros(3, np.float32) if corruption == "shape" else np.zeros((1, 2), np.float64)
    params[1]._grad = al.Tensor(bad)  # bypasses the grad setter's check on purpose
    before = _snapshot(params, opt)
    with pytest.raises((ValueError, TypeError), match=corruption):
        opt.step()
    _assert_snapshot(before, _snapshot(params, opt))


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_failing_load_state_dict_changes_nothing(name):
    params, opt = _trained(OPTIMIZERS[name])
    state = opt.state_dict()
    broken = copy.deepcopy(state)
    last = max(broken["state"])
    array_key = next(k for k, v in broken["state"][last].items() if isinstance(v, np.ndarray))
    broken["state"][last][array_key] = np.zeros(5)
    broken["param_groups"][0]["lr"] = 123.0
    before = _snapshot(params, opt)
    with pytest.raises(ValueError, match="shape"):
        opt.load_state_dict(broken)
    _assert_snapshot(before, _snapshot(params, opt))


def test_failing_module_load_state_dict_changes_nothing():
    nn = pytest.importorskip("nn")
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    state = model.state_dict()
    first = {name: value.copy() for name, value in state.items()}
    broken = {name: value + 1 for name, value in state.items()}
    broken[list(broken)[-1]] = np.zeros(7)  # the last entry is wrong; earlier ones are fine
    with pytest.raises(RuntimeError, match="size mismatch"):
        model.load_state_dict(broken)
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, first[name])


def test_load_state_dict_while_a_graph_holds_the_parameters():
    nn = pytest.importorskip("nn")
    model = nn.Linear(3, 2)
    x = al.randn(4, 3)
    loss = model(x).sum()
    donor = nn.Linear(3, 2)
    model.load_state_dict(donor.state_dict())  # legal; the pending graph becomes stale
    for name, value in donor.state_dict().items():
        np.testing.assert_array_equal(model.state_dict()[name], value)
    with pytest.raises(RuntimeError, match="modified after the forward"):
        loss.backward()
