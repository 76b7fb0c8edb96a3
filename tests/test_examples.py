"""Smoke tests for examples/: each script's main() runs in its quick mode, writes its
figures and prints sensible numbers, so the examples cannot silently rot."""

from __future__ import annotations

import importlib
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

import autograd_lite as al

pytest.importorskip("matplotlib")

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture
def load_example(monkeypatch):
    """Import examples/<name>.py as a module (the scripts import their neighbour _common)."""
    monkeypatch.syspath_prepend(str(EXAMPLES))

    def load(name: str):
        sys.modules.pop(name, None)
        return importlib.import_module(name)

    return load


def assert_figures(result: dict, out: Path) -> None:
    from PIL import Image  # installed with matplotlib

    assert result["figures"], "the example wrote no figure"
    for figure in result["figures"]:
        figure = Path(figure)
        assert figure.parent == out
        assert figure.stat().st_size > 1000, f"{figure} looks empty"
        with Image.open(figure) as image:  # sharp on a high-resolution screen
            assert image.width >= 1200, f"{figure.name} is {image.width} px wide"


def test_gradient_descent_step(load_example, tmp_path):
    result = load_example("gradient_descent_step").main(["--fast", "--out", str(tmp_path)])
    assert result["loss"] == 4.0
    assert result["grad"] == 4.0
    assert result["new_value"] == np.float32(1.6)
    assert_figures(result, tmp_path)


def test_quadratic_descent(load_example, tmp_path):
    result = load_example("quadratic_descent").main(["--out", str(tmp_path)])
    small, medium, large = result["runs"]
    # lr 0.001 shrinks x - 1/3 by 0.994 per step: after 500 steps x = 1/3 + 23/3 * 0.994**500.
    assert small["iterations"] == 500 and not small["converged"]
    assert small["x"] == pytest.approx(1 / 3 + 23 / 3 * 0.994**500, rel=1e-9)
    assert large["converged"] and large["iterations"] < medium["iterations"] < 500
    assert large["x"] == pytest.approx(1 / 3, abs=1e-4)
    assert_figures(result, tmp_path)


def test_linear_system(load_example, tmp_path):
    # The full 10,000 iterations take about a second; the check is A·x against Y.
    result = load_example("linear_system").main(["--out", str(tmp_path)])
    np.testing.assert_allclose(result["Ax"], result["Y"], atol=5e-3)
    assert result["final_loss"] < 1e-5 < result["first_loss"]
    assert_figures(result, tmp_path)


def test_finite_differences(load_example, tmp_path):
    result = load_example("finite_differences").main(["--fast", "--out", str(tmp_path)])
    assert result["engine_errors"]["float64"] < 1e-12
    best_h, best_error = result["best"]["float64"]
    assert best_error > result["engine_errors"]["float64"]
    assert 1e-8 <= best_h <= 1e-3
    # Round-off takes over at the smallest steps: the error rises again.
    assert result["errors"]["float64"][-1] > 100 * best_error
    assert_figures(result, tmp_path)


def test_binary_digits(load_example, tmp_path):
    pytest.importorskip("sklearn")
    result = load_example("binary_digits").main(["--fast", "--out", str(tmp_path)])
    assert result["bce_accuracy"] > 0.9 and result["logits_accuracy"] > 0.9
    # Same start, same steps: the two formulations differ only by rounding.
    assert result["max_loss_gap"] < 1e-5
    assert result["logits_losses"][-1] < result["logits_losses"][0]
    assert_figures(result, tmp_path)


def test_learning_rates(load_example, tmp_path):
    pytest.importorskip("sklearn")
    result = load_example("learning_rates").main(["--fast", "--out", str(tmp_path)])
    runs = result["runs"]
    assert runs["good"]["lr"] < result["bound"] < runs["too large"]["lr"]
    assert runs["too large"]["final_loss"] > 10 * runs["too large"]["first_loss"]
    assert (
        result["optimum"]
        <= runs["good"]["final_loss"]
        < runs["too small"]["final_loss"]
        < runs["good"]["first_loss"]
    )
    assert_figures(result, tmp_path)


def test_optimizers_compared(load_example, tmp_path):
    result = load_example("optimizers_compared").main(["--fast", "--out", str(tmp_path)])
    start = {"quadratic": (4.5**2 + 50 * 1.0**2) / 2, "Rosenbrock": 2.5**2 + 100 * (1.5 - 2.25) ** 2}
    for problem, losses in result["final_loss"].items():
        assert len(losses) == 6
        for name, loss in losses.items():
            assert np.isfinite(loss) and loss < start[problem], (problem, name, loss)
    assert_figures(result, tmp_path)


def test_vanishing_gradients(load_example, tmp_path):
    pytest.importorskip("sklearn")
    result = load_example("vanishing_gradients").main(["--fast", "--out", str(tmp_path)])
    sigmoid, he, large = result["grad_norms"].values()
    assert len(sigmoid) == len(he) == len(large) == 9
    assert sigmoid[0] < 1e-6 * sigmoid[-1]  # vanishing towards the input
    assert 1e-2 < he[0] / he[-1] < 1e2  # roughly level
    assert min(large) > 10 * max(he)  # exploding
    assert not np.isfinite(result["unclipped_losses"][-1])
    assert result["clipped_losses"][-1] < result["clipped_losses"][0]
    assert_figures(result, tmp_path)


def test_digits_mlp(load_example, tmp_path, capsys):
    pytest.importorskip("sklearn")
    pytest.importorskip("tqdm")
    result = load_example("digits_mlp").main(["--fast", "--out", str(tmp_path)])
    assert result["epochs"] == 2 and len(result["history"]["test_acc"]) == 2
    assert result["test_accuracy"] > 0.5  # chance is 0.1; two epochs reach about 0.9
    assert_figures(result, tmp_path)
    if shutil.which("dot"):
        assert result["graph"] == tmp_path / "digits_mlp_graph.svg"
        assert "<svg" in result["graph"].read_text()
    printed = capsys.readouterr()
    assert "final test accuracy" in printed.out and str(tmp_path) in printed.out
    # Off a terminal the progress bar is one summary line per epoch, and nothing on stderr.
    epochs = [line for line in printed.out.splitlines() if line.startswith("epoch")]
    assert len(epochs) == 2 and "test_acc=" in epochs[-1], epochs
    assert "epoch" not in printed.err


def test_graph_without_dot_writes_dot_source(load_example, tmp_path, monkeypatch, capsys):
    common = load_example("_common")
    monkeypatch.setattr(common.shutil, "which", lambda name: None)
    x = al.tensor([1.0, 2.0], requires_grad=True)
    assert common.write_graph_svg(al.draw_graph((x * x).sum()), tmp_path / "graph.svg") is None
    assert not (tmp_path / "graph.svg").exists()
    assert "digraph" in (tmp_path / "graph.dot").read_text()
    assert "graphviz" in capsys.readouterr().out.lower()


def test_saliency_map(load_example, tmp_path):
    pytest.importorskip("sklearn")
    pytest.importorskip("tqdm")
    result = load_example("saliency_map").main(["--fast", "--out", str(tmp_path)])
    assert result["test_accuracy"] > 0.5
    assert result["saliency"].shape == (10, 8, 8)
    assert (result["saliency"] >= 0).all() and (result["saliency"].max(axis=(1, 2)) > 0).all()
    assert_figures(result, tmp_path)


def test_regularization(load_example, tmp_path):
    pytest.importorskip("sklearn")
    result = load_example("regularization").main(["--fast", "--no-progress", "--out", str(tmp_path)])
    assert result["epochs"] == 3
    assert list(result["results"]) == ["none", "L1", "L2 (weight_decay)", "Dropout", "BatchNorm1d"]
    for name, numbers in result["results"].items():
        assert 0.5 < numbers["test_accuracy"] <= 1 and 0.5 < numbers["train_accuracy"] <= 1, name
        assert numbers["gap"] == pytest.approx(numbers["train_accuracy"] - numbers["test_accuracy"])
        assert len(result["histories"][name]["test_acc"]) == 3
    # 179 training images are learnt better than the 1,618 held out, already after 3 epochs.
    assert result["results"]["none"]["gap"] > 0
    assert_figures(result, tmp_path)


def test_regularization_penalties_change_training(load_example):
    pytest.importorskip("sklearn")
    example = load_example("regularization")
    data = tuple(part[:64] for part in example.load_data(0, test_size=0.9))
    plain = example.train_run(data, 2, seed=0, progress=False)
    assert example.train_run(data, 2, seed=0, progress=False) == plain  # same seed, same run
    for options in ({"l1": 1e-2}, {"weight_decay": 0.5}, {"dropout": 0.5}, {"batchnorm": True}):
        assert example.train_run(data, 2, seed=0, progress=False, **options) != plain, options


def test_digits_cnn(load_example, tmp_path):
    pytest.importorskip("sklearn")
    example = load_example("digits_cnn")
    result = example.main(["--fast", "--no-progress", "--out", str(tmp_path)])
    assert result["epochs"] == 1
    assert 0.5 < result["test_accuracy"] <= 1  # chance is 0.1; one epoch reaches about 0.87
    assert result["grad_cam"].shape == (10, 4, 4) and (result["grad_cam"] >= 0).all()
    assert len(result["figures"]) == 4
    assert_figures(result, tmp_path)
    if shutil.which("dot"):
        assert result["graph"] == tmp_path / "digits_cnn_graph.svg"
        svg = result["graph"].read_text()
        assert "Conv2d" in svg and "BatchNorm2d" in svg and "MaxPool2d" in svg


def test_digits_cnn_uses_the_mlp_split(load_example):
    pytest.importorskip("sklearn")
    x_train, x_test, y_train, y_test = load_example("digits_cnn").load_images(0)
    raw = load_example("digits_mlp").split_digits(0)
    assert x_train.shape == (1437, 1, 8, 8) and x_test.shape == (360, 1, 8, 8)
    np.testing.assert_array_equal(x_test.reshape(360, 64) * 16, raw[1])
    np.testing.assert_array_equal(y_test, raw[3])
    assert x_train.dtype == np.float32 and 0 <= x_train.min() and x_train.max() <= 1


def test_grad_cam_matches_its_definition(load_example):
    example = load_example("digits_cnn")
    al.manual_seed(0)
    model = example.build_model()
    images = np.random.default_rng(0).random((3, 1, 8, 8)).astype(np.float32)
    maps, predicted = example.grad_cam(model, images)
    assert model.training  # grad_cam puts the model back in training mode
    assert all(p.grad is None for p in model.parameters())  # and leaves no gradients behind
    # By hand: d score / d features through the layers after the feature maps.
    model.eval()
    features = model[: example.LAST_FEATURES + 1](al.tensor(images)).detach().requires_grad_()
    logits = model[example.LAST_FEATURES + 1 :](features)
    np.testing.assert_array_equal(predicted, logits.argmax(axis=1).numpy())
    for i, label in enumerate(predicted):
        (grad,) = al.grad(logits[i, int(label)], features, retain_graph=True)
        weights = grad.numpy()[i].mean(axis=(1, 2))
        expected = np.maximum(np.tensordot(weights, features.detach().numpy()[i], axes=1), 0)
        np.testing.assert_allclose(maps[i], expected, rtol=1e-5, atol=1e-7)
    assert (maps.max(axis=(1, 2)) > 0).all()


def test_upsample_is_bilinear(load_example):
    upsample = load_example("digits_cnn").upsample
    maps = np.arange(32, dtype=np.float64).reshape(2, 4, 4)
    big = upsample(maps, 8)
    assert big.shape == (2, 8, 8)
    # A linear ramp stays a ramp inside, and edge pixels copy the nearest source value.
    np.testing.assert_allclose(big[0, 3, 2:6], maps[0, 1, 1] + 4 * 0.25 + np.array([-0.25, 0.25, 0.75, 1.25]))
    np.testing.assert_allclose(big[:, 0, 0], maps[:, 0, 0])
    torch = pytest.importorskip("torch")
    expected = torch.nn.functional.interpolate(
        torch.tensor(maps)[:, None], size=(8, 8), mode="bilinear", align_corners=False
    )[:, 0]
    np.testing.assert_allclose(big, expected.numpy(), rtol=1e-12)


def test_digits_cnn_model_matches_pytorch(load_example):
    pytest.importorskip("sklearn")
    torch = pytest.importorskip("torch")
    example = load_example("digits_cnn")
    al.manual_seed(0)
    model = example.build_model()
    reference = torch.nn.Sequential(
        torch.nn.Conv2d(1, 16, 3, padding=1),
        torch.nn.BatchNorm2d(16),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(16, 32, 3, padding=1),
        torch.nn.BatchNorm2d(32),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Flatten(),
        torch.nn.Linear(32 * 2 * 2, 10),
    )
    reference.load_state_dict(
        {key: torch.tensor(np.array(value)) for key, value in model.state_dict().items()}
    )
    x_train, x_test, y_train, _ = example.load_images(0)
    loss = al.nn.functional.cross_entropy(model(al.tensor(x_train[:64])), al.tensor(y_train[:64]))
    loss.backward()
    expected = torch.nn.functional.cross_entropy(
        reference(torch.tensor(x_train[:64])), torch.tensor(y_train[:64])
    )
    expected.backward()
    assert loss.item() == pytest.approx(expected.item(), rel=1e-6)
    for (name, param), other in zip(model.named_parameters(), reference.parameters()):
        # The convolutions' bias gradients are 0 up to rounding (BatchNorm removes the mean): atol.
        np.testing.assert_allclose(param.grad.numpy(), other.grad.numpy(), rtol=1e-4, atol=1e-5, err_msg=name)
    for key, value in reference.state_dict().items():
        np.testing.assert_allclose(np.array(model.state_dict()[key]), value.numpy(), rtol=1e-5, atol=1e-7)
    model.eval()
    reference.eval()
    with al.no_grad(), torch.no_grad():
        np.testing.assert_allclose(
            model(al.tensor(x_test)).numpy(), reference(torch.tensor(x_test)).numpy(), rtol=1e-4, atol=1e-6
        )


def test_names_transformer(load_example, tmp_path, capsys):
    pytest.importorskip("names")
    result = load_example("names_transformer").main(["--fast", "--out", str(tmp_path), "--no-progress"])
    # Chance over 27 symbols is log(27) = 3.30 nats; the count models are far below it.
    assert 2.0 < result["trigram_loss"] < result["bigram_loss"] < 3.0
    assert 2.0 < result["valid_loss"] < 3.4 and np.isfinite(result["train_loss"])
    assert len(result["samples"]) == 20 and all(
        set(s) <= set("abcdefghijklmnopqrstuvwxyz") for s in result["samples"]
    )
    assert result["history"]["valid"] and len(result["history"]["train"]) == len(result["history"]["step"])
    assert_figures(result, tmp_path)
    assert {Path(f).name for f in result["figures"]} == {
        "names_transformer_loss.png",
        "names_transformer_attention.png",
    }
    assert "validation loss" in capsys.readouterr().out
