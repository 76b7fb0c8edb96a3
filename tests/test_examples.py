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
    assert result["figures"], "the example wrote no figure"
    for figure in result["figures"]:
        figure = Path(figure)
        assert figure.parent == out
        assert figure.stat().st_size > 1000, f"{figure} looks empty"


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
    printed = capsys.readouterr().out
    assert "final test accuracy" in printed and str(tmp_path) in printed


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
