"""Module calls noted on graph nodes: what `calls_of` reports, and that the notes keep
nothing alive (checked with the garbage collector off)."""

from __future__ import annotations

import copy
import gc
import weakref

import numpy as np
import pytest

import autograd_lite as al
import nn
from autograd_lite import module_calls
from autograd_lite.module_calls import calls_at, calls_of


@pytest.fixture
def no_gc():
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def leaf(*shape: int) -> al.Tensor:
    return al.randn(*shape, requires_grad=True)


def modules_of(tensor: al.Tensor) -> list:
    return [call.module for call in calls_of(tensor)]


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


def test_a_call_is_noted_with_its_module_and_its_inputs_that_require_grad():
    layer = nn.Dense(3, 2)
    x = leaf(4, 3)
    out = layer(x)
    (call,) = calls_of(out)
    assert call.module is layer and call.inputs == (x,)
    assert calls_at(out.grad_fn) == calls_of(out)
    # inputs that need no gradient (data, labels) are not inputs of the call
    loss_fn = nn.CrossEntropyLoss()
    loss = loss_fn(out, np.array([0, 1, 1, 0]))
    assert [(c.module, c.inputs) for c in calls_of(loss)] == [(loss_fn, (out,))]
    data = al.randn(4, 3)
    (call,) = calls_of(layer(data))
    assert call.inputs == ()
    assert calls_of(x) == [] and calls_of(x * 2) == []


def test_nested_and_identity_calls_are_listed_innermost_first():
    inner = nn.Sequential(nn.Dense(3, 3), nn.ReLU())
    model = nn.Sequential(inner, nn.Identity())
    x = leaf(2, 3)
    out = model(x)
    assert modules_of(out) == [inner[1], inner, model[1], model]
    hidden = inner[0](x)
    assert modules_of(hidden) == [inner[0]]
    # an Identity adds itself to the calls of the tensor it passes through
    identity = nn.Identity()
    assert identity(hidden) is hidden
    assert modules_of(hidden) == [inner[0], identity]
    assert calls_of(hidden)[1].inputs == (hidden,)


def test_tuple_and_list_outputs_note_each_tensor_once():
    x = leaf(3)
    for as_list in (False, True):
        pair = Pair(as_list=as_list)
        a, b = pair(x)
        assert modules_of(a) == modules_of(b) == [pair]
        assert calls_of(a)[0].inputs == (x,)
    same = Pair(same=True)
    a, b = same(x)
    assert a is b and modules_of(a) == [same]


def test_returning_an_earlier_output_adds_to_its_calls():
    first = nn.Tanh()
    x = leaf(3)
    y = first(x)
    again = Returns(y)
    assert again(leaf(2)) is y
    assert modules_of(y) == [first, again]
    # a tensor on the same node as a noted one (a shallow copy) extends the same notes
    twin = copy.copy(y)
    assert twin.grad_fn is y.grad_fn
    third = Returns(twin)
    third(x)
    assert modules_of(twin) == modules_of(y) == [first, again, third]


def test_calls_with_many_inputs_and_keyword_arguments():
    class Mix(nn.Module):
        def forward(self, a, b, scale=1.0):
            return (a * b) * scale

    mix = Mix()
    a, b = leaf(3), leaf(3)
    out = mix(a, b, scale=2.0)
    assert calls_of(out)[0].inputs == (a, b)
    out = mix(a, al.ones(3), scale=al.tensor(3.0, requires_grad=True))
    assert calls_of(out)[0].inputs == (a,)  # keyword arguments are not inputs


def test_dead_modules_and_dead_inputs_are_left_out(no_gc):
    class First(nn.Module):
        def forward(self, a, b):
            return a * 2  # b is not used: the graph does not hold it

    x, unused = leaf(3), leaf(3)
    module = First()
    outer = nn.Identity()
    out = outer(module(x, unused))
    assert [(c.module, c.inputs) for c in calls_of(out)] == [(module, (x, unused)), (outer, (out,))]
    del unused
    assert calls_of(out)[0].inputs == (x,)
    module_ref = weakref.ref(module)
    del module
    assert module_ref() is None  # the note does not keep the module alive
    assert modules_of(out) == [outer]
    # the same with one input, which the output does not depend on
    ignores = Returns(leaf(2) * 3)
    y = leaf(2)
    y_ref = weakref.ref(y)
    (call,) = calls_of(ignores(y))
    assert call.inputs == (y,)
    del y, call
    assert y_ref() is None and calls_of(ignores.tensor)[0].inputs == ()


def test_notes_keep_no_tensor_alive_and_close_no_cycle(no_gc):
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
    out = identity(block(x))
    out_ref = weakref.ref(out)
    assert modules_of(out) == [block, identity]
    del out
    assert out_ref() is None and seen[0]() is None  # the whole graph went by refcounting
    assert weakref.getweakrefcount(x) == weakref.getweakrefcount(block) == 0
    assert weakref.getweakrefcount(identity) == weakref.getweakrefcount(block.inner) == 0


def test_nothing_is_noted_without_a_graph(no_gc):
    layer = nn.Dense(3, 2)
    x = leaf(2, 3)
    with al.no_grad():
        out = layer(x)
        pair = Pair()(x)
    assert out.grad_fn is None and calls_of(out) == []
    assert all(t.grad_fn is None for t in pair)
    assert weakref.getweakrefcount(x) == weakref.getweakrefcount(layer) == 0
    assert nn.ReLU()(al.ones(3)).grad_fn is None


def test_record_and_note_work_for_objects_that_are_not_modules():
    class Scale:
        def __call__(self, x):
            out = x * 3
            module_calls.record(self, (x,), out)
            return out

    scale, x = Scale(), leaf(2)
    out = scale(x)
    module_calls.note(scale, (x,), out)
    assert modules_of(out) == [scale, scale]
    module_calls.record(scale, (x,), "not a tensor")
    module_calls.record(scale, (x,), [x, 3])  # a leaf has no node to note on
    assert calls_of(x) == []


def test_collapse_finds_a_call_through_a_tensor_sharing_its_node():
    layer = nn.Dense(3, 2)
    x = al.Tensor(np.ones((4, 3), np.float32), requires_grad=True, name="x")
    out = (copy.copy(layer(x)) * 2).sum()
    assert "Linear" in al.draw_graph(out, collapse=layer).source


def test_a_first_note_is_stored_on_the_node_directly(monkeypatch):
    # Only a second note on one node (nesting, Identity) goes through the general add.
    import nn.module

    extended = []
    add = nn.module._add_call
    monkeypatch.setattr(nn.module, "_add_call", lambda node, entry: (extended.append(node), add(node, entry)))
    layer, relu, identity, loss_fn = nn.Dense(3, 2), nn.ReLU(), nn.Identity(), nn.MSELoss()
    hidden = relu(layer(leaf(2, 3)))
    loss = loss_fn(hidden, al.zeros((2, 2)))
    assert extended == [] and len(calls_of(hidden)) == len(calls_of(loss)) == 1
    identity(hidden)  # a second note on hidden's node
    assert extended == [hidden.grad_fn]
