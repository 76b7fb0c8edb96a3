"""`nn.record_module_calls`: what a record holds, that nothing is recorded outside it, and
that a record keeps nothing alive (checked with the garbage collector off)."""

from __future__ import annotations

import gc
import threading
import weakref

import numpy as np
import pytest

import autograd_lite as al
import nn
from nn import hooks


@pytest.fixture
def no_gc():
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def leaf(*shape: int) -> al.Tensor:
    return al.randn(*shape, requires_grad=True)


def modules_of(calls, tensor: al.Tensor) -> list:
    """The modules recorded as returning a tensor on `tensor`'s node, in record order."""
    return [call.module for call in calls if call.output.grad_fn is tensor.grad_fn]


class Pair(nn.Module):
    """Returns two tensors, a tuple or a list of them."""

    def __init__(self, as_list: bool = False, same: bool = False) -> None:
        super().__init__()
        self.as_list, self.same = as_list, same

    def forward(self, x):
        a = x * 2
        b = a if self.same else x.exp()
        return [a, b] if self.as_list else (a, b)


class Returns(nn.Module):
    """Returns a tensor it was given earlier, whatever its arguments."""

    def __init__(self, tensor: al.Tensor) -> None:
        super().__init__()
        self.tensor = tensor

    def forward(self, *args):
        return self.tensor


def test_a_call_is_recorded_with_its_module_inputs_that_require_grad_and_output():
    layer, loss_fn = nn.Dense(3, 2), nn.CrossEntropyLoss()
    x = leaf(4, 3)
    with nn.record_module_calls() as calls:
        out = layer(x)
        loss = loss_fn(out, np.array([0, 1, 1, 0]))  # labels are not inputs of the call
        from_data = layer(al.randn(4, 3))
    assert [tuple(call) for call in calls] == [
        (layer, (x,), out),
        (loss_fn, (out,), loss),
        (layer, (), from_data),
    ]
    assert len(calls) == 3 and "3 calls" in repr(calls)
    calls.clear()
    assert list(calls) == []


def test_nothing_is_recorded_outside_the_block(no_gc):
    layer = nn.Dense(3, 2)
    x = leaf(2, 3)
    calls = nn.record_module_calls()
    layer(x)
    with calls:
        pass
    out = layer(x)
    assert list(calls) == []
    # a plain forward leaves no trace: no hook, no weak reference to the module or tensors
    assert not hooks.global_forward_hooks and not hooks.global_forward_pre_hooks
    assert weakref.getweakrefcount(layer) == weakref.getweakrefcount(x) == weakref.getweakrefcount(out) == 0


def test_the_block_stops_recording_when_it_raises():
    layer = nn.Dense(3, 2)
    with pytest.raises(ValueError), nn.record_module_calls() as calls:
        layer(leaf(2, 5))  # wrong width: the call fails, so it is not recorded
    assert not hooks.global_forward_hooks and list(calls) == []
    layer(leaf(2, 3))
    assert list(calls) == []


def test_a_record_cannot_be_entered_twice_at_once():
    with nn.record_module_calls() as calls:
        with pytest.raises(RuntimeError, match="already recording"):
            calls.__enter__()
    tanh = nn.Tanh()
    with calls:  # and again after the first block
        out = tanh(leaf(2))
    assert [call.output for call in calls] == [out]


def test_nested_calls_are_recorded_innermost_first():
    inner = nn.Sequential(nn.Dense(3, 3), nn.ReLU())
    model = nn.Sequential(inner, nn.Identity())
    x = leaf(2, 3)
    with nn.record_module_calls() as calls:
        out = model(x)
    assert [call.module for call in calls] == [inner[0], inner[1], inner, model[1], model]
    assert modules_of(calls, out) == [inner[1], inner, model[1], model]
    inputs = {id(call.module): call.inputs for call in calls}
    assert inputs[id(inner)] == inputs[id(model)] == (x,) and inputs[id(model[1])] == (out,)


def test_a_module_returning_its_input_is_recorded_but_not_collapsed():
    identity, layer = nn.Identity(), nn.Dense(3, 2)
    x = leaf(4, 3)
    with nn.record_module_calls() as calls:
        hidden = layer(x)
        assert identity(hidden) is hidden
        loss = identity(hidden).sum()
    assert [tuple(call) for call in calls][1] == (identity, (hidden,), hidden)
    plain = al.draw_graph(loss).source
    assert al.draw_graph(loss, collapse=identity, module_calls=calls).source == plain
    # the layer inside is still collapsed
    assert "Linear" in al.draw_graph(loss, collapse=[identity, layer], module_calls=calls).source
    # a leaf returned as it is built no graph: nothing to record
    with nn.record_module_calls() as calls:
        assert identity(x) is x
    assert list(calls) == []


def test_tuple_and_list_outputs_record_each_graph_node_once():
    x = leaf(3)
    for as_list in (False, True):
        pair = Pair(as_list=as_list)
        with nn.record_module_calls() as calls:
            a, b = pair(x)
        assert [(call.module, call.inputs, call.output) for call in calls] == [
            (pair, (x,), a),
            (pair, (x,), b),
        ]
    same = Pair(same=True)
    with nn.record_module_calls() as calls:
        a, b = same(x)
    assert a is b and [call.output for call in calls] == [a]


def test_keyword_arguments_are_not_inputs():
    class Mix(nn.Module):
        def forward(self, a, b, scale=1.0):
            return (a * b) * scale

    mix = Mix()
    a, b = leaf(3), leaf(3)
    with nn.record_module_calls() as calls:
        outputs = [mix(a, b, scale=2.0), mix(a, al.ones(3), scale=al.tensor(3.0, requires_grad=True))]
    assert [call.output for call in calls] == outputs
    assert [call.inputs for call in calls] == [(a, b), (a,)]


def test_nothing_is_recorded_without_a_graph(no_gc):
    layer = nn.Dense(3, 2)
    x = leaf(2, 3)
    with nn.record_module_calls() as calls:
        with al.no_grad():
            out = layer(x)
            pair = Pair()(x)
        relu = nn.ReLU()(al.ones(3))
    assert out.grad_fn is None and all(t.grad_fn is None for t in pair) and relu.grad_fn is None
    assert list(calls) == []
    assert weakref.getweakrefcount(x) == weakref.getweakrefcount(layer) == 0


def test_dead_modules_and_dead_inputs_are_left_out(no_gc):
    class First(nn.Module):
        def forward(self, a, b):
            return a * 2  # b is not used: the graph does not hold it

    x, unused = leaf(3), leaf(3)
    module, outer = First(), nn.Identity()
    with nn.record_module_calls() as calls:
        out = outer(module(x, unused))
    assert [(c.module, c.inputs) for c in calls] == [(module, (x, unused)), (outer, (out,))]
    del unused
    assert [c.inputs for c in calls] == [(x,), (out,)]
    module_ref = weakref.ref(module)
    del module
    assert module_ref() is None  # the record does not keep the module alive
    assert [c.module for c in calls] == [outer]


def test_a_recorded_graph_is_freed_when_the_user_drops_it(no_gc):
    seen = []

    class Block(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = nn.Sigmoid()

        def forward(self, x):
            hidden = x.exp()
            seen.append(weakref.ref(hidden))
            return self.inner(hidden) * 3

    block, identity = Block(), nn.Identity()
    x = leaf(4)
    # block.inner refers weakly to its parent, for parameter names: counted before recording
    links = weakref.getweakrefcount(block)
    with nn.record_module_calls() as calls:
        out = identity(block(x))
        loss = out.sum()
    assert [c.module for c in calls] == [block.inner, block, identity]
    out_ref, loss_ref = weakref.ref(out), weakref.ref(loss)
    del out, loss
    # the whole graph went by reference counting alone, the record still existing
    assert out_ref() is None and loss_ref() is None and seen[0]() is None
    assert list(calls) == []
    del calls
    assert weakref.getweakrefcount(x) == 0 and weakref.getweakrefcount(block) == links
    assert weakref.getweakrefcount(identity) == weakref.getweakrefcount(block.inner) == 0


def test_a_long_recording_keeps_only_live_calls():
    layer = nn.Tanh()
    x = leaf(2)
    with nn.record_module_calls() as calls:
        for _ in range(1000):
            kept = layer(x)
    assert [call.output for call in calls] == [kept]
    assert len(calls._entries) < 130  # dead calls were dropped along the way


def test_only_the_recording_thread_is_recorded():
    layer = nn.Tanh()
    other = []

    def worker():
        other.append(layer(leaf(2)))

    with nn.record_module_calls() as calls:
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        mine = layer(leaf(2))
    assert [call.output for call in calls] == [mine]


def test_collapse_draws_the_recorded_calls():
    model = nn.Sequential(nn.Dense(3, 4), nn.ReLU(), nn.Dense(4, 1))
    with nn.record_module_calls() as calls:
        loss = model(leaf(2, 3)).sum()
    source = al.draw_graph(loss, collapse=model, module_calls=calls).source
    assert "Sequential" in source and "linear" not in source
    # the same graph drawn from a record made elsewhere knows nothing of the model
    assert al.draw_graph(loss, collapse=model, module_calls=[]).source == al.draw_graph(loss).source
