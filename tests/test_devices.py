"""Devices: `al.device`, `al.cuda`, `Tensor.device`/`is_cuda`/`cpu()`/`cuda()`, `to(device)`
of tensors and modules, factories' `device=`, and `where(condition)`; the CPU is the only
device that can be used."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

import autograd_lite as al
import nn


def test_repr_str_and_fields_as_torch():
    assert repr(al.device("cpu")) == "device(type='cpu')"
    assert repr(al.device("cpu", 0)) == "device(type='cpu', index=0)"
    assert repr(al.device("cuda:1")) == "device(type='cuda', index=1)"
    assert str(al.device("cpu")) == "cpu" and str(al.device("cpu:0")) == "cpu:0"
    cpu = al.device("cpu")
    assert (cpu.type, cpu.index) == ("cpu", None)
    assert al.device(cpu) == cpu and al.device("mps").type == "mps"


def test_repr_matches_torch():
    torch = pytest.importorskip("torch")
    for args in (("cpu",), ("cpu:0",), ("cpu", 3), ("cuda",), ("cuda", 1), ("mps",)):
        assert repr(al.device(*args)) == repr(torch.device(*args))
        assert str(al.device(*args)) == str(torch.device(*args))
        assert al.device(*args).index == torch.device(*args).index


def test_equality_and_hash():
    cpu = al.device("cpu")
    assert cpu == al.device("cpu") and cpu != al.device("cpu", 0) and cpu != al.device("cuda")
    # As PyTorch's: never equal to a string (torch.device("cpu") == "cpu" is False).
    assert cpu != "cpu" and "cpu" != cpu and al.device("cpu:0") != "cpu:0" and cpu.type == "cpu"
    assert cpu != 0 and cpu != None  # noqa: E711 - a comparison, not an identity test
    assert len({cpu, al.device("cpu"), al.device("cpu:0")}) == 2


def test_string_comparison_matches_torch():
    torch = pytest.importorskip("torch")
    for text in ("cpu", "cpu:0"):
        assert (al.device(text) == text) == (torch.device(text) == text)
        assert (al.device(text) == al.device("cpu")) == (torch.device(text) == torch.device("cpu"))


def test_immutable_and_copyable():
    cpu = al.device("cpu:0")
    with pytest.raises(AttributeError):
        cpu.type = "cuda"
    with pytest.raises(AttributeError):
        cpu.index = 1
    assert pickle.loads(pickle.dumps(cpu)) == cpu and copy.deepcopy(cpu) == cpu


@pytest.mark.parametrize("text", ["foo", "CPU", " cpu", "cpu:", "cpu:-1", "cpu:01", "cuda:x", "cuda:0:1"])
def test_bad_device_strings(text):
    with pytest.raises(RuntimeError, match="device"):
        al.device(text)


def test_bad_device_arguments():
    with pytest.raises(RuntimeError, match="already has an index"):
        al.device("cpu:0", 1)
    with pytest.raises(RuntimeError, match="negative"):
        al.device("cpu", -1)
    with pytest.raises(TypeError, match="index must be an int"):
        al.device("cpu", "0")
    with pytest.raises(TypeError, match="1.5"):
        al.device(1.5)


def test_cuda_namespace():
    assert al.cuda.is_available() is False and al.cuda.device_count() == 0
    al.cuda.manual_seed(0)
    al.cuda.manual_seed_all(0)
    assert "cuda" in dir(al) and "device" in al.__all__


def test_tensor_device_attributes():
    x = al.tensor([1.0, 2.0], requires_grad=True)
    assert x.device == al.device("cpu") and repr(x.device) == "device(type='cpu')"
    assert x.is_cuda is False and x.get_device() == -1
    assert x.cpu() is x
    np.testing.assert_array_equal(x.detach().cpu().numpy(), [1.0, 2.0])


@pytest.mark.parametrize("where", ["cuda", "cuda:0", "mps", al.device("cuda", 0), al.device("meta")])
def test_other_devices_refused_where_used(where):
    x = al.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match="CPU with NumPy; use device 'cpu'"):
        x.to(where)
    with pytest.raises(RuntimeError, match="not available"):
        x.to(where, al.float64)
    with pytest.raises(RuntimeError, match="not available"):
        al.zeros(2, device=where)
    with pytest.raises(RuntimeError, match="not available"):
        al.tensor([1.0], device=where)
    model = nn.Linear(2, 2)
    with pytest.raises(RuntimeError, match="not available"):
        model.to(where, al.float64)
    assert model.weight.dtype == np.float32  # checked before anything changed


def test_cuda_methods_refused():
    with pytest.raises(RuntimeError, match=r"Tensor.cuda\(\): device 'cuda' is not available"):
        al.zeros(1).cuda()
    with pytest.raises(RuntimeError, match=r"Module.cuda\(\)"):
        nn.Linear(1, 1).cuda()


def test_tensor_to_with_device_objects():
    x = al.tensor([1, 2])
    cpu = al.device("cpu")
    assert x.to(cpu) is x and x.to("cpu:0") is x and x.to(device=cpu) is x
    assert x.to(cpu, al.float64).dtype == np.float64
    assert x.to(cpu, dtype=al.float32).dtype == np.float32
    assert x.to(al.zeros(1, dtype=al.float64)).dtype == np.float64
    assert x.to(cpu, copy=True) is not x


def test_factories_take_device_objects():
    cpu = al.device("cpu")
    x = al.ones(2, 3, device=cpu)
    made = [
        al.zeros(2, device=cpu), al.tensor([1.0], device=cpu), al.full((2,), 3.0, device=cpu),
        al.eye(2, device=cpu), al.arange(3, device=cpu), al.randn(2, device=x.device),
        al.zeros_like(x, device=x.device), al.rand(2, device="cpu:0"), x.new_zeros(2, device=cpu),
        al.linspace(0, 1, 3, device=cpu), al.randint(0, 3, (2,), device=cpu),
    ]  # fmt: skip
    assert all(t.device == cpu for t in made)


def test_module_to_cpu_and_dtype():
    torch = pytest.importorskip("torch")
    ours, theirs = nn.Linear(2, 3), torch.nn.Linear(2, 3)
    for module in (ours, theirs):
        assert module.to("cpu") is module and module.cpu() is module
    cpu = al.device("cpu")
    assert ours.to(cpu) is ours and ours.to(device=cpu) is ours
    assert ours.to(cpu, al.float64).weight.dtype == np.float64
    assert ours.to(al.float32).bias.dtype == np.float32
    assert ours.to(dtype=al.float64).weight.dtype == np.float64
    assert ours.to(al.zeros(1)).weight.dtype == np.float32
    with pytest.raises(TypeError, match="floating point"):
        ours.to(al.int64)
    with pytest.raises(TypeError, match="floating point"):
        theirs.to(torch.int64)
    with pytest.raises(TypeError):
        ours.to("cpu", al.float64, True, 1)


def test_module_to_casts_buffers_but_not_integer_ones():
    model = nn.BatchNorm1d(3)
    model.to(al.float64)
    assert model.running_mean.dtype == np.float64
    assert model.num_batches_tracked.dtype.kind == "i"


def test_where_with_the_condition_alone():
    torch = pytest.importorskip("torch")
    for values in ([[0, 1], [1, 1]], [0.0, 2.5, 0.0, -1.0], [[[True, False]], [[False, True]]], 5, 0):
        ours, theirs = al.where(al.tensor(values)), torch.where(torch.tensor(values))
        assert len(ours) == len(theirs)
        for mine, reference in zip(ours, theirs):
            assert mine.dtype == np.int64 and mine.tolist() == reference.tolist()
    with pytest.raises(TypeError, match="both values"):
        al.where(al.tensor([True]), al.tensor([1.0]))


def test_the_device_idiom():
    torch = al  # the lines below are PyTorch's, unchanged

    def Net():  # noqa: N802 - stands for a model class
        return nn.Sequential(nn.Linear(3, 1))

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    model = Net().to(device)
    x = torch.randn(4, 3).to(device)
    y = torch.zeros(4, 1, device=x.device)
    loss = ((model(x) - y) ** 2).mean()
    loss.backward()
    assert str(device) == "cpu" and x.device == device and not x.is_cuda
    assert model.cpu() is model and x.cpu().numpy().shape == (4, 3)
    assert model[0].weight.grad.device == device
    parity = torch.arange(6) % 2, torch.remainder(torch.arange(6), 3), torch.fmod(-torch.arange(6), 4)
    assert [p.tolist() for p in parity] == [[0, 1, 0, 1, 0, 1], [0, 1, 2, 0, 1, 2], [0, -1, -2, -3, 0, -1]]
    assert x.remainder(3).shape == x.fmod(3).shape == (4, 3)
    (rows,) = torch.where(parity[0] == 1)
    assert rows.tolist() == [1, 3, 5]
