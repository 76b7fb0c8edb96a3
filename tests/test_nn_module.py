"""nn.Module: registration, traversal, modes, state_dict round trips and errors, repr."""

from __future__ import annotations

import copy
from collections import OrderedDict

import numpy as np
import pytest

import autograd_lite as al
import nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 3)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(3, 2, bias=False)
        self.scale = nn.Parameter(np.ones(2, dtype=np.float32))
        self.register_buffer("steps", np.zeros((), dtype=np.int64))

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x))) * self.scale


def make_mlp():
    return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))


def test_parameter_dtype_rules():
    assert nn.Parameter([1.0, 2.0]).dtype == np.float32
    assert nn.Parameter(np.zeros(2, dtype=np.float64)).dtype == np.float64
    p = nn.Parameter(al.zeros(3))
    assert p.requires_grad and p.is_leaf and p.param_name is None
    assert repr(nn.Parameter([1.0])).startswith("Parameter containing:\ntensor(")
    with pytest.raises(TypeError):
        nn.Parameter(np.arange(3))  # integers cannot require grad


def test_layers_use_default_dtype(float64):
    layer = nn.Linear(3, 2)
    assert layer.weight.dtype == np.float64 and layer.bias.dtype == np.float64


def test_registration_and_dotted_names():
    block = Block()
    names = [name for name, _ in block.named_parameters()]
    assert names == ["scale", "fc1.weight", "fc1.bias", "fc2.weight"]
    assert [name for name, _ in block.named_buffers()] == ["steps"]
    assert [name for name, _ in block.named_children()] == ["fc1", "act", "fc2"]
    assert [name for name, _ in block.named_modules()] == ["", "fc1", "act", "fc2"]
    assert len(list(block.modules())) == 4 and len(list(block.children())) == 3
    assert block.fc2.bias is None


def test_nested_names_and_shared_parameters_once():
    outer = nn.Sequential(nn.Sequential(nn.Linear(2, 2)), nn.Linear(2, 2))
    assert [n for n, _ in outer.named_parameters()] == ["0.0.weight", "0.0.bias", "1.weight", "1.bias"]
    shared = nn.Linear(2, 2)
    tied = nn.Sequential(shared, nn.ReLU(), shared)
    assert len(list(tied.parameters())) == 2
    assert len(list(tied.modules())) == 3
    # state_dict keeps every key, as PyTorch does for shared modules
    assert list(tied.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_unknown_attribute_is_named():
    with pytest.raises(AttributeError, match="'Linear' object has no attribute 'wieght'"):
        nn.Linear(2, 2).wieght


def test_assignment_before_init_and_wrong_types():
    class Broken(nn.Module):
        def __init__(self):
            self.w = nn.Parameter([1.0])

    with pytest.raises(AttributeError, match="before Module.__init__"):
        Broken()

    class NoInit(nn.Module):
        def __init__(self):
            pass

        def forward(self, x):
            return x

    with pytest.raises(AttributeError, match=r"super\(\).__init__\(\)"):
        NoInit()(1)
    layer = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="parameter 'weight'"):
        layer.weight = np.zeros((2, 2))
    layer.bias = None
    assert [n for n, _ in layer.named_parameters()] == ["weight"]


def test_register_refuses_existing_attributes_and_bad_names():
    layer = nn.Linear(2, 2)
    for register in (layer.register_buffer, layer.add_module):
        with pytest.raises(KeyError, match="'weight' already exists"):
            register("weight", None)
    with pytest.raises(KeyError, match="'forward' already exists"):
        layer.register_parameter("forward", nn.Parameter([1.0]))
    with pytest.raises(KeyError, match="without '.'"):
        layer.register_buffer("a.b", np.zeros(1))
    layer.register_parameter(
        "weight", nn.Parameter(np.zeros((2, 2), dtype=np.float32))
    )  # re-registering is fine
    layer.note = "plain"
    layer.note = nn.Parameter([1.0])  # assignment may replace a plain attribute
    assert "note" in dict(layer.named_parameters())


def test_reassignment_and_deletion_update_registries():
    block = Block()
    block.fc1 = nn.Linear(4, 3, bias=False)
    assert "fc1.bias" not in dict(block.named_parameters())
    del block.act
    assert [n for n, _ in block.named_children()] == ["fc1", "fc2"]
    block.steps = np.ones((), dtype=np.int64)
    assert block.state_dict()["steps"] == 1


def test_parameter_names_stamped_when_the_tree_changes():
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert [p.param_name for p in model.parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    model[0](al.ones((1, 2)))  # calls do no naming: names are relative to the root
    assert model[0].weight.param_name == "0.weight"
    model.append(nn.Linear(1, 1))
    assert model[3].bias.param_name == "3.bias"
    # attaching a built tree renames it; what is registered below it later is named from the root
    outer = nn.Sequential(OrderedDict(encoder=model))
    assert model[0].weight.param_name == "encoder.0.weight"
    model[2] = nn.Linear(3, 1)
    model[2].weight = nn.Parameter(np.zeros((1, 3), np.float32))
    model.head = nn.Module()
    model.head.scale = nn.Parameter([1.0])
    names = [name for name, _ in outer.named_parameters()]
    assert [p.param_name for p in outer.parameters()] == names
    assert "encoder.head.scale" in names


def test_slices_and_copies_keep_parameter_names():
    inner = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2)])
    model = nn.Sequential(OrderedDict(body=nn.Sequential(nn.Linear(2, 2), nn.ReLU()), blocks=inner))
    names = [name for name, _ in model.named_parameters()]
    model.body[1:], model.blocks[1:], model[:1]
    assert [p.param_name for p in model.parameters()] == names
    twin = copy.deepcopy(model)
    assert [p.param_name for p in twin.parameters()] == names
    twin.blocks[1].bias = nn.Parameter([0.0, 0.0])
    assert twin.blocks[1].bias.param_name == "blocks.1.bias"
    del model  # the copy's links are its own
    twin.body[0].bias = nn.Parameter([0.0, 0.0])
    assert twin.body[0].bias.param_name == "body.0.bias"
    assert copy.copy(twin)[0] is twin.body and twin.body[0].weight.param_name == "body.0.weight"


def test_train_eval_and_zero_grad():
    model = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5))
    assert model.training and model[1].training
    assert model.eval() is model and not model[1].training
    model.train()
    assert model[1].training
    with pytest.raises(ValueError, match="bool"):
        model.train("eval")
    model(al.ones((3, 2))).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.numpy().any() for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_apply_visits_children_first():
    model = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU()))
    seen = []
    assert model.apply(lambda m: seen.append(type(m).__name__)) is model
    assert seen == ["Linear", "ReLU", "Sequential", "Sequential"]


def test_state_dict_copies_and_round_trip():
    model = make_mlp()
    state = model.state_dict()
    assert list(state) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert all(isinstance(v, np.ndarray) for v in state.values())
    state["0.bias"][:] = 123.0
    assert not (model[0].bias.numpy() == 123.0).any()  # a copy, not a view
    other = make_mlp()
    result = other.load_state_dict(state)
    assert result.missing_keys == [] and result.unexpected_keys == []
    np.testing.assert_array_equal(other[0].bias.numpy(), 123.0)
    # Tensors are accepted too, and values are cast to the parameter dtype in place
    weight = model[2].weight
    model.load_state_dict({k: al.tensor(v.astype(np.float64)) for k, v in state.items()})
    assert model[2].weight is weight and weight.dtype == np.float32


def test_load_state_dict_names_every_bad_key_and_changes_nothing():
    model = make_mlp()
    before = {k: v.copy() for k, v in model.state_dict().items()}
    bad = {k: np.zeros_like(v) for k, v in before.items()}
    del bad["0.bias"]
    del bad["2.bias"]
    bad["3.weight"] = np.zeros(3)
    bad["0.weight"] = np.zeros((128, 785))
    bad["2.weight"] = np.zeros((11, 128))
    with pytest.raises(RuntimeError) as info:
        model.load_state_dict(bad)
    message = str(info.value)
    for key in ["'0.bias'", "'2.bias'", "'3.weight'", "'0.weight'", "'2.weight'", "(128, 785)", "(11, 128)"]:
        assert key in message
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[key])


def test_load_state_dict_non_strict():
    model = make_mlp()
    state = model.state_dict()
    del state["2.bias"]
    state["extra"] = np.zeros(1)
    result = make_mlp().load_state_dict(state, strict=False)
    assert result.missing_keys == ["2.bias"] and result.unexpected_keys == ["extra"]
    state["0.weight"] = np.zeros((1, 1))
    with pytest.raises(RuntimeError, match="size mismatch for '0.weight'"):
        make_mlp().load_state_dict(state, strict=False)


def test_repr_tree():
    model = nn.Sequential(make_mlp(), nn.Dropout(0.2), nn.BatchNorm1d(10))
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Sequential(\n"
        "    (0): Linear(in_features=784, out_features=128, bias=True)\n"
        "    (1): ReLU()\n"
        "    (2): Linear(in_features=128, out_features=10, bias=True)\n"
        "  )\n"
        "  (1): Dropout(p=0.2)\n"
        "  (2): BatchNorm1d(10, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)\n"
        ")"
    )
    assert repr(Block()).startswith("Block(\n  (fc1): Linear(in_features=4, out_features=3, bias=True)\n")


def test_forward_missing_and_deepcopy():
    with pytest.raises(NotImplementedError, match="forward"):
        nn.Module()(1)
    model = make_mlp()
    clone = copy.deepcopy(model)
    clone[0].weight.data[...] = 0
    assert model[0].weight.numpy().any()
    assert clone[0].weight.requires_grad


def test_double_converts_parameters_and_buffers():
    model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2)).double()
    assert all(p.dtype == np.float64 for p in model.parameters())
    assert model[1].running_mean.dtype == np.float64
    assert model[1].num_batches_tracked.dtype == np.int64


def test_in_place_writes_while_a_graph_holds_the_arrays():
    model = nn.Linear(3, 2)
    loss = model(al.ones((1, 3))).sum()  # the graph holds the weight (read-only meanwhile)
    model.load_state_dict(nn.Linear(3, 2).state_dict())  # still allowed ...
    with pytest.raises(RuntimeError, match="modified after the forward"):
        loss.backward()  # ... but that graph now refuses to give a stale gradient
    loss = model(al.ones((1, 3))).sum()
    nn.init.zeros_(model.weight)
    with pytest.raises(RuntimeError, match="modified after the forward"):
        loss.backward()
    bn = nn.BatchNorm1d(2)
    product = (bn(al.randn(4, 2, requires_grad=True)) * bn.running_mean).sum()
    bn(al.randn(4, 2))  # updates the running mean that `product` saved
    with pytest.raises(RuntimeError, match="modified after the forward"):
        product.backward()
