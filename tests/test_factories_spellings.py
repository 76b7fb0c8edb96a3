"""PyTorch's factory spellings: dtype= and requires_grad= everywhere, linspace, randint,
*_like, from_numpy, eye(n, m), Tensor.new_*, and inference_mode."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import autograd_lite as al


@pytest.mark.parametrize(
    "make",
    [
        lambda **kw: al.zeros(2, 3, **kw),
        lambda **kw: al.ones((2, 3), **kw),
        lambda **kw: al.empty(size=(2, 3), **kw),
        lambda **kw: al.full((2, 3), 1.5, **kw),
        lambda **kw: al.eye(2, 3, **kw),
        lambda **kw: al.arange(0, 3, 0.5, **kw),
        lambda **kw: al.linspace(0, 1, 5, **kw),
        lambda **kw: al.randn(2, 3, **kw),
        lambda **kw: al.rand(2, 3, **kw),
        lambda **kw: al.zeros_like(al.zeros(2), **kw),
        lambda **kw: al.ones_like(al.zeros(2), **kw),
        lambda **kw: al.full_like(al.zeros(2), 3.0, **kw),
        lambda **kw: al.randn_like(al.zeros(2), **kw),
        lambda **kw: al.rand_like(al.zeros(2), **kw),
        lambda **kw: al.tensor([1.0, 2.0], **kw),
        lambda **kw: al.zeros(1).new_zeros(2, **kw),
        lambda **kw: al.zeros(1).new_ones((2,), **kw),
        lambda **kw: al.zeros(1).new_full((2,), 4.0, **kw),
    ],
)
def test_every_factory_takes_dtype_and_requires_grad(make):
    t = make(dtype=al.float64, requires_grad=True)
    assert t.dtype == np.float64 and t.requires_grad and t.is_leaf
    assert make(device="cpu").dtype == al.get_default_dtype()
    with pytest.raises(TypeError, match="floating"):
        make(dtype=al.int64, requires_grad=True)


def test_full_and_eye():
    assert al.full((2,), 3).dtype == np.int64 and al.full((2,), True).dtype == np.bool_
    assert al.full((2,), 0.5, dtype=al.float64, requires_grad=True).requires_grad
    np.testing.assert_array_equal(al.eye(2, 3).numpy(), np.eye(2, 3))
    assert al.eye(3).shape == (3, 3) and al.eye(2, dtype=al.long).dtype == np.int64
    with pytest.raises(ValueError, match="non-negative"):
        al.eye(-1)


def test_linspace_and_arange():
    np.testing.assert_allclose(al.linspace(0, 1, steps=5).numpy(), [0, 0.25, 0.5, 0.75, 1])
    assert al.linspace(0, 10, 5, dtype=al.int64).tolist() == [0, 2, 5, 7, 10]  # truncated, as PyTorch
    assert al.linspace(0, 1, 0).shape == (0,)
    assert al.arange(4).tolist() == [0, 1, 2, 3] and al.arange(4).dtype == np.int64
    assert al.arange(1, 4, 2).tolist() == [1, 3]
    assert al.arange(start=1, end=2.0, step=0.5).tolist() == [1.0, 1.5]
    assert al.arange(5, dtype=al.float64).dtype == np.float64


def test_randint_signatures_and_range():
    al.manual_seed(0)
    drawn = al.randint(3, 7, (1000,))
    assert drawn.dtype == np.int64 and drawn.shape == (1000,)
    assert drawn.numpy().min() == 3 and drawn.numpy().max() == 6  # high is exclusive
    assert al.randint(5, (2, 2)).shape == (2, 2)
    assert al.randint(5, size=(3,)).numpy().max() < 5
    assert al.randint(0, 2, (4,), dtype=al.int32).dtype == np.int32
    al.manual_seed(1)
    first = al.randint(0, 100, (5,)).tolist()
    al.manual_seed(1)
    assert al.randint(0, 100, (5,)).tolist() == first
    with pytest.raises(TypeError, match="randint expects"):
        al.randint(10)
    with pytest.raises(ValueError, match="low < high"):
        al.randint(5, 5, (1,))


def test_like_factories_keep_shape_and_dtype():
    ints = al.tensor([[1, 2, 3]])
    assert al.full_like(ints, 2.7).tolist() == [[2, 2, 2]]  # the value is cast, as PyTorch
    assert al.randn_like(al.zeros(2, 3, dtype=al.float64)).dtype == np.float64
    assert al.rand_like(al.zeros(4)).shape == (4,)
    assert al.empty_like(ints).dtype == np.int64
    with pytest.raises(TypeError, match="floating"):
        al.randn_like(ints)


def test_from_numpy_shares_memory():
    array = np.zeros(3, dtype=np.float64)
    t = al.from_numpy(array)
    assert t.dtype == np.float64
    array[0] = 5.0
    t.add_(1.0)
    np.testing.assert_array_equal(array, [6.0, 1.0, 1.0])
    assert t.numpy() is array
    with pytest.raises(TypeError, match="ndarray"):
        al.from_numpy([1.0, 2.0])


def test_new_factories_follow_the_tensors_dtype():
    ints = al.tensor([1, 2])
    assert ints.new_zeros(2, 3).dtype == np.int64 and ints.new_zeros(2, 3).shape == (2, 3)
    assert al.zeros(1, dtype=al.float64).new_ones((2,)).dtype == np.float64
    assert ints.new_full((2,), 7).tolist() == [7, 7]
    assert ints.new_tensor([1.5]).dtype == np.int64
    assert ints.new_empty(3).shape == (3,)


def test_factories_refuse_other_devices():
    with pytest.raises(RuntimeError, match="CPU"):
        al.zeros(2, device="cuda")


def test_inference_mode_as_context_manager_and_decorator():
    x = al.tensor([1.0], requires_grad=True)
    with al.inference_mode():
        assert not (x * 2).requires_grad and al.is_inference_mode_enabled()
    assert al.is_grad_enabled() and not al.is_inference_mode_enabled()
    with al.inference_mode(False):
        assert (x * 2).requires_grad

    @al.inference_mode()
    def called():
        return (x * 2).requires_grad

    @al.inference_mode
    def bare():
        return (x * 2).requires_grad

    assert called() is False and bare() is False and al.is_grad_enabled()


def test_inference_mode_is_per_thread():
    seen = []
    with al.inference_mode():
        worker = threading.Thread(target=lambda: seen.append(al.is_grad_enabled()))
        worker.start()
        worker.join()
    assert seen == [True]


def test_factories_match_torch():
    torch = pytest.importorskip("torch")
    np.testing.assert_allclose(al.linspace(-1, 3, 7).numpy(), torch.linspace(-1, 3, 7).numpy())
    assert (
        al.linspace(0, 10, 7, dtype=al.int64).tolist() == torch.linspace(0, 10, 7, dtype=torch.int64).tolist()
    )
    assert (
        al.full_like(al.tensor([1, 2]), 2.7).tolist() == torch.full_like(torch.tensor([1, 2]), 2.7).tolist()
    )
    np.testing.assert_array_equal(al.eye(3, 2).numpy(), torch.eye(3, 2).numpy())
    assert al.arange(0, 5, 0.5).tolist() == torch.arange(0, 5, 0.5).tolist()
    assert str(torch.randint(0, 5, (2,)).dtype).endswith(str(al.randint(0, 5, (2,)).dtype))
