"""The README's training loop and the docstring examples of optim, data and serialization run."""

from __future__ import annotations

import doctest
import pathlib
import re

import numpy as np
import pytest

import autograd_lite as al
import optim
from autograd_lite import data, serialization
from optim import adagrad, adam, lr_scheduler, optimizer, rmsprop, sgd

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"


def _section_code(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    assert blocks, f"no python code in the README section {title!r}"
    return "\n".join(blocks)


def test_readme_training_loop_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(_section_code("A training loop"), str(README), "exec"), namespace)
    model, x, y = namespace["model"], namespace["x"], namespace["y"]
    accuracy = (model(al.tensor(x)).argmax(axis=1).numpy() == y).mean()
    assert accuracy == 1.0
    assert namespace["scheduler"].get_last_lr() == [0.0025]
    assert namespace["loss"].item() < 0.1
    assert (tmp_path / "model.npz").exists() and (tmp_path / "optimizer.npz").exists()
    assert namespace["optimizer"].state_dict()["state"][0]["step"] == 160
    np.testing.assert_array_equal(al.load(tmp_path / "model.npz")["0.weight"], model.state_dict()["0.weight"])


@pytest.mark.parametrize(
    "module",
    [optim, optimizer, sgd, adam, rmsprop, adagrad, lr_scheduler, data, serialization],
    ids=lambda m: m.__name__,
)
def test_docstring_examples(module, tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.mkdtemp", lambda: str(tmp_path))
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
