"""TensorDataset and DataLoader: batching, drop_last, len, reproducible shuffling."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite.data import DataLoader, Dataset, TensorDataset


def _dataset(n=10):
    x = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    y = np.arange(n, dtype=np.int64)
    return TensorDataset(x, y), x, y


def test_tensor_dataset_items_and_len():
    ds, x, y = _dataset(4)
    assert len(ds) == 4
    item = ds[2]
    assert isinstance(item, tuple) and len(item) == 2
    assert isinstance(item[0], al.Tensor) and not item[0].requires_grad
    np.testing.assert_array_equal(item[0].numpy(), x[2])
    assert item[1].item() == 2 and item[1].dtype == np.int64


def test_tensor_dataset_accepts_tensors_and_python_data():
    ds = TensorDataset(al.tensor([[1.0], [2.0]]), [0.5, 1.5])
    assert ds[1][0].dtype == np.float32 and ds[1][1].dtype == np.float32  # Python floats: default dtype
    np.testing.assert_array_equal(ds[1][1].numpy(), np.float32(1.5))


def test_tensor_dataset_rejects_mismatched_sizes():
    with pytest.raises(ValueError, match=r"sizes \[3, 4\]"):
        TensorDataset(np.zeros((3, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="at least one"):
        TensorDataset()
    with pytest.raises(ValueError, match="0-d"):
        TensorDataset(np.zeros(3), np.float32(1.0))
    with pytest.raises(TypeError, match="object"):
        TensorDataset(np.array([None, 1], dtype=object))


def test_batches_in_order():
    ds, x, y = _dataset(10)
    loader = DataLoader(ds, batch_size=4)
    batches = list(loader)
    assert len(loader) == 3 and len(batches) == 3
    assert [b[0].shape for b in batches] == [(4, 3), (4, 3), (2, 3)]
    for index, (xb, yb) in enumerate(batches):
        assert isinstance(xb, al.Tensor) and isinstance(yb, al.Tensor)
        np.testing.assert_array_equal(xb.numpy(), x[4 * index : 4 * index + 4])
        np.testing.assert_array_equal(yb.numpy(), y[4 * index : 4 * index + 4])
        assert xb.dtype == np.float32 and yb.dtype == np.int64
        assert not np.shares_memory(xb.numpy(), x)  # a batch never aliases the dataset


def test_drop_last_and_len():
    ds, _, _ = _dataset(10)
    assert len(DataLoader(ds, batch_size=4, drop_last=True)) == 2
    assert [b[1].tolist() for b in DataLoader(ds, batch_size=4, drop_last=True)] == [
        [0, 1, 2, 3],
        [4, 5, 6, 7],
    ]
    assert len(DataLoader(ds, batch_size=5, drop_last=True)) == 2
    assert len(DataLoader(ds, batch_size=5)) == 2
    assert len(DataLoader(ds)) == 10
    assert len(DataLoader(ds, batch_size=20)) == 1 and len(list(DataLoader(ds, batch_size=20))) == 1
    assert len(DataLoader(ds, batch_size=20, drop_last=True)) == 0
    assert list(DataLoader(ds, batch_size=20, drop_last=True)) == []


def test_shuffle_covers_everything_and_changes_each_epoch():
    ds, x, _ = _dataset(50)
    loader = DataLoader(ds, batch_size=8, shuffle=True)
    epochs = [np.concatenate([yb.numpy() for _, yb in loader]) for _ in range(3)]
    for order in epochs:
        assert sorted(order.tolist()) == list(range(50))
    assert epochs[0].tolist() != list(range(50))
    assert epochs[0].tolist() != epochs[1].tolist() != epochs[2].tolist()
    for xb, yb in loader:  # rows stay paired
        np.testing.assert_array_equal(xb.numpy(), x[yb.numpy()])


def test_shuffle_is_reproducible_with_manual_seed():
    ds, _, _ = _dataset(30)

    def two_epochs():
        loader = DataLoader(ds, batch_size=7, shuffle=True)
        return [[yb.tolist() for _, yb in loader] for _ in range(2)]

    al.manual_seed(123)
    first = two_epochs()
    al.manual_seed(123)
    assert two_epochs() == first
    al.manual_seed(124)
    assert two_epochs() != first


def test_tensor_dataset_is_batched_without_a_loop_over_samples(monkeypatch):
    ds, _, _ = _dataset(10)

    def no_items(self, index):
        raise AssertionError("TensorDataset batches must come from indexing the whole arrays")

    monkeypatch.setattr(TensorDataset, "__getitem__", no_items)
    assert [b[1].shape for b in DataLoader(ds, batch_size=4)] == [(4,), (4,), (2,)]


class _Pairs(Dataset):
    def __len__(self):
        return 5

    def __getitem__(self, i):
        return np.full(2, i, dtype=np.float32), i


class _Singles(Dataset):
    def __len__(self):
        return 3

    def __getitem__(self, i):
        return al.tensor([float(i), -float(i)])


def test_generic_dataset_items_are_stacked():
    xb, yb = next(iter(DataLoader(_Pairs(), batch_size=3)))
    np.testing.assert_array_equal(xb.numpy(), [[0, 0], [1, 1], [2, 2]])
    assert yb.tolist() == [0, 1, 2] and yb.dtype == np.int64
    batches = list(DataLoader(_Singles(), batch_size=2))
    assert isinstance(batches[0], al.Tensor) and batches[0].shape == (2, 2) and batches[1].shape == (1, 2)


def test_generic_dataset_shuffle_is_reproducible():
    al.manual_seed(5)
    first = [yb.tolist() for _, yb in DataLoader(_Pairs(), batch_size=2, shuffle=True)]
    al.manual_seed(5)
    assert [yb.tolist() for _, yb in DataLoader(_Pairs(), batch_size=2, shuffle=True)] == first
    assert sorted(sum(first, [])) == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("batch_size", [0, -1, 2.5, True])
def test_bad_batch_size(batch_size):
    ds, _, _ = _dataset(3)
    with pytest.raises(ValueError, match="batch_size"):
        DataLoader(ds, batch_size=batch_size)


def test_not_a_dataset():
    with pytest.raises(TypeError, match="__len__"):
        DataLoader(object())


def test_training_loop_over_a_loader():
    al.manual_seed(0)
    x = np.random.default_rng(0).standard_normal((64, 2)).astype(np.float32)
    y = x @ np.array([2.0, -1.0], dtype=np.float32)
    w = al.zeros(2, requires_grad=True)
    import optim

    opt = optim.SGD([w], lr=0.1)
    for _ in range(20):
        for xb, yb in DataLoader(TensorDataset(x, y), batch_size=16, shuffle=True):
            opt.zero_grad()
            ((xb @ w - yb) ** 2).mean().backward()
            opt.step()
    np.testing.assert_allclose(w.numpy(), [2.0, -1.0], atol=1e-3)
