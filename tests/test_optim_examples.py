"""The docstring examples of optim, data and serialization run (the training loops of the
README and docs/training.md run in test_docs.py)."""

from __future__ import annotations

import doctest

import pytest

import optim
from autograd_lite import data, serialization
from optim import adagrad, adam, lr_scheduler, optimizer, rmsprop, sgd


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
