"""al.save / al.load: flat and nested state dicts, str and Path, and the errors."""

from __future__ import annotations

import io
import pathlib
import zipfile

import numpy as np
import pytest

import autograd_lite as al
import optim


def test_flat_state_dict_round_trips_as_name_to_array(tmp_path):
    state = {
        "0.weight": np.arange(6, dtype=np.float32).reshape(2, 3),
        "0.bias": np.zeros(2, dtype=np.float64),
        "bn.num_batches_tracked": np.array(7, dtype=np.int64),
        "tensor": al.tensor([1.0, 2.0], requires_grad=True),
    }
    path = tmp_path / "model.npz"
    al.save(state, path)
    loaded = al.load(path)
    assert list(loaded) == list(state)
    for key, value in state.items():
        expected = value.numpy() if isinstance(value, al.Tensor) else value
        assert isinstance(loaded[key], np.ndarray)
        assert loaded[key].dtype == expected.dtype
        np.testing.assert_array_equal(loaded[key], expected)
    # an ordinary .npz: NumPy reads it too, under the same names
    with np.load(path, allow_pickle=False) as archive:
        assert sorted(archive.files) == sorted(state)


def test_str_and_path_and_exact_file_name(tmp_path):
    state = {"w": np.ones(3)}
    al.save(state, str(tmp_path / "a.npz"))
    al.save(state, tmp_path / "checkpoint")  # no suffix added: the exact path
    assert (tmp_path / "checkpoint").exists() and not (tmp_path / "checkpoint.npz").exists()
    np.testing.assert_array_equal(al.load(tmp_path / "a.npz")["w"], np.ones(3))
    np.testing.assert_array_equal(al.load(str(tmp_path / "checkpoint"))["w"], np.ones(3))


def test_nested_state_round_trips_with_python_types(tmp_path):
    state = {
        "state": {0: {"step": 3, "exp_avg": np.ones((2, 2), np.float32)}, 2: {"step": 1, "flag": True}},
        "param_groups": [
            {
                "lr": 0.1,
                "betas": (0.9, 0.999),
                "amsgrad": False,
                "name": "encoder",
                "extra": None,
                "params": [0, 1],
            },
            {"lr": 1e-3, "betas": (0.5, 0.6), "amsgrad": True, "name": "head", "extra": [], "params": [2]},
        ],
        "empty": {},
        "weird key.with.dots": [1.5, float("inf"), -2],
    }
    al.save(state, tmp_path / "opt.npz")
    loaded = al.load(tmp_path / "opt.npz")
    np.testing.assert_array_equal(loaded["state"][0].pop("exp_avg"), np.ones((2, 2), np.float32))
    state["state"][0].pop("exp_avg")
    assert loaded == state
    assert list(loaded["state"]) == [0, 2]  # int keys stay ints
    assert isinstance(loaded["state"][0]["step"], int) and isinstance(loaded["param_groups"][0]["lr"], float)
    assert isinstance(loaded["param_groups"][0]["betas"], tuple)
    assert loaded["state"][2]["flag"] is True
    with np.load(tmp_path / "opt.npz", allow_pickle=False) as archive:
        assert "state/0/exp_avg" in archive.files and "param_groups/1/lr" in archive.files


def test_optimizer_state_dict_round_trip(tmp_path):
    a = al.tensor([1.0, 2.0], requires_grad=True)
    b = al.tensor([[3.0]], requires_grad=True)
    opt = optim.Adam([{"params": [a]}, {"params": [b], "lr": 0.5}], amsgrad=True)
    a.grad, b.grad = al.tensor([0.1, 0.2]), al.tensor([[0.3]])
    opt.step()
    al.save(opt.state_dict(), tmp_path / "opt.npz")
    loaded = al.load(tmp_path / "opt.npz")
    original = opt.state_dict()
    assert loaded["param_groups"] == original["param_groups"]
    for index in original["state"]:
        assert loaded["state"][index].keys() == original["state"][index].keys()
        for key, value in original["state"][index].items():
            np.testing.assert_array_equal(loaded["state"][index][key], value)
            assert type(loaded["state"][index][key]) is type(value)


def test_module_and_optimizer_round_trip_continue_training_identically(tmp_path):
    nn = pytest.importorskip("nn")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 4)).astype(np.float32)
    y = rng.integers(0, 3, size=32)

    def make():
        al.manual_seed(0)
        model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
        return model, optim.Adam(model.parameters(), lr=0.01, amsgrad=True)

    def train(model, opt, steps):
        losses = []
        for _ in range(steps):
            opt.zero_grad()
            loss = nn.CrossEntropyLoss()(model(al.tensor(x)), y)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        return losses

    model, opt = make()
    train(model, opt, 5)
    al.save(model.state_dict(), tmp_path / "model.npz")
    al.save(opt.state_dict(), tmp_path / "opt.npz")
    expected = train(model, opt, 5)

    model2, opt2 = make()
    model2.load_state_dict(al.load(tmp_path / "model.npz"))
    opt2.load_state_dict(al.load(tmp_path / "opt.npz"))
    assert train(model2, opt2, 5) == expected
    for p, q in zip(model.parameters(), model2.parameters()):
        np.testing.assert_array_equal(p.numpy(), q.numpy())


def test_object_arrays_are_refused_naming_the_key(tmp_path):
    path = tmp_path / "bad.npz"
    with pytest.raises(TypeError, match="'fc.weight'"):
        al.save({"ok": np.zeros(2), "fc.weight": np.array([1, None], dtype=object)}, path)
    with pytest.raises(TypeError, match="'state/0/buf'"):
        al.save({"state": {0: {"buf": np.array([{}], dtype=object)}}}, path)
    with pytest.raises(TypeError, match="'param_groups/0/fn'.*function"):
        al.save({"param_groups": [{"fn": len}]}, path)
    assert not path.exists()  # nothing written when the check fails


def test_other_bad_input(tmp_path):
    with pytest.raises(TypeError, match="dict"):
        al.save([np.zeros(2)], tmp_path / "x.npz")
    with pytest.raises(ValueError, match="reserved"):
        al.save({"__structure__": np.zeros(1)}, tmp_path / "x.npz")
    with pytest.raises(ValueError, match="'a/0'"):
        al.save({"a": {0: 1, "0": 2}}, tmp_path / "x.npz")


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing.npz"):
        al.load(tmp_path / "nothing.npz")
    with pytest.raises(FileNotFoundError):
        al.load(str(tmp_path / "nothing.npz"))


def _npy_bytes(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "write",
    [
        lambda p: p.write_text("this is not an archive"),
        lambda p: p.write_bytes(b""),
        lambda p: p.write_bytes(b"PK\x03\x04 truncated zip"),
        lambda p: p.write_bytes(_npy_bytes(np.zeros(3))),  # a .npy, not an .npz
    ],
)
def test_corrupt_or_foreign_files_raise_value_error_naming_the_path(tmp_path, write):
    path = tmp_path / "broken.npz"
    write(path)
    with pytest.raises(ValueError, match="broken.npz"):
        al.load(path)


def test_pickled_content_is_never_loaded(tmp_path):
    path = tmp_path / "pickled.npz"
    np.savez(path, data=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError, match="pickled.npz"):
        al.load(path)


def test_truncated_archive_raises_value_error(tmp_path):
    good = tmp_path / "good.npz"
    al.save({"w": np.arange(1000.0)}, good)
    data = good.read_bytes()
    bad = tmp_path / "cut.npz"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="cut.npz"):
        al.load(bad)


def test_damaged_structure_entry(tmp_path):
    path = tmp_path / "damaged.npz"
    with zipfile.ZipFile(path, "w") as archive:
        with archive.open("__structure__.npy", "w") as member:
            np.lib.format.write_array(member, np.array('{"kind": "array", "key": "missing"}'))
    with pytest.raises(ValueError, match="damaged"):
        al.load(pathlib.Path(path))
