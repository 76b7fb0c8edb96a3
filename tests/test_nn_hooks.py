"""Forward hooks and pre-hooks, per module and global, with PyTorch's semantics."""

from __future__ import annotations

import copy

import pytest

import autograd_lite as al
import nn
from nn import hooks


def test_forward_hook_sees_args_and_output_and_may_replace_the_output():
    layer = nn.Dense(3, 2)
    seen = []
    handle = layer.register_forward_hook(lambda module, args, output: seen.append((module, args, output)))
    x = al.randn(4, 3)
    out = layer(x)
    assert seen == [(layer, (x,), out)]
    handle.remove()
    handle.remove()  # removing twice is harmless
    layer(x)
    assert len(seen) == 1
    with layer.register_forward_hook(lambda module, args, output: output * 0):
        assert (layer(x).numpy() == 0).all()
    assert (layer(x).numpy() != 0).any()


def test_forward_pre_hook_may_replace_the_arguments():
    relu = nn.ReLU()
    x = al.tensor([1.0, -2.0])
    with relu.register_forward_pre_hook(lambda module, args: -args[0]):  # not a tuple: wrapped
        assert relu(x).tolist() == [0.0, 2.0]
    seen = []
    with relu.register_forward_pre_hook(lambda module, args: (args[0] * 2,)):
        with relu.register_forward_hook(lambda module, args, output: seen.append(args[0].tolist())):
            relu(x)
    assert seen == [[2.0, -4.0]]  # forward hooks see the arguments the pre-hooks made


def test_hooks_run_in_registration_order_global_ones_first():
    order = []
    relu = nn.ReLU()
    relu.register_forward_pre_hook(lambda m, args: order.append("pre"))
    relu.register_forward_hook(lambda m, args, out: order.append("first"))
    relu.register_forward_hook(lambda m, args, out: order.append("second"))
    with nn.register_module_forward_pre_hook(lambda m, args: order.append("global pre")):
        with nn.register_module_forward_hook(lambda m, args, out: order.append("global")):
            relu(al.ones(2))
    assert order == ["global pre", "pre", "global", "first", "second"]
    assert not hooks.global_forward_hooks and not hooks.global_forward_pre_hooks


def test_global_hooks_see_every_module_innermost_output_first():
    model = nn.Sequential(nn.Dense(2, 2), nn.Sequential(nn.Tanh()))
    before, after = [], []
    with nn.register_module_forward_pre_hook(lambda m, args: before.append(m)):
        with nn.register_module_forward_hook(lambda m, args, out: after.append(m)):
            model(al.ones((1, 2)))
    assert before == [model, model[0], model[1], model[1][0]]
    assert after == [model[0], model[1][0], model[1], model]


def test_a_hook_may_remove_itself_while_hooks_run():
    relu = nn.ReLU()
    calls = []

    def once(module, args, output):
        calls.append("once")
        handle.remove()

    handle = relu.register_forward_hook(once)
    relu.register_forward_hook(lambda m, args, out: calls.append("always"))
    relu(al.ones(2))
    relu(al.ones(2))
    assert calls == ["once", "always", "always"]


def test_hooks_do_not_run_when_forward_raises_and_names_are_still_stamped():
    layer = nn.Dense(2, 2)
    seen = []
    layer.register_forward_hook(lambda m, args, out: seen.append(out))
    with pytest.raises(ValueError):
        layer(al.ones((1, 5)))
    assert seen == []
    model = nn.Sequential(layer)
    model(al.ones((1, 2)))
    assert layer.weight.param_name == "0.weight" and len(seen) == 1


def test_hooks_must_be_callable_and_are_copied_with_the_module():
    with pytest.raises(TypeError, match="callable"):
        nn.ReLU().register_forward_hook(3)
    with pytest.raises(TypeError, match="callable"):
        nn.register_module_forward_hook(None)
    relu = nn.ReLU()
    seen = []
    relu.register_forward_hook(lambda m, args, out: seen.append(m))
    twin = copy.deepcopy(relu)
    twin(al.ones(2))
    assert seen == [twin]
