"""The docstring examples of every nn module run and print what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "nn", "nn.parameter", "nn.module", "nn.containers", "nn.linear", "nn.activation", "nn.dropout",
    "nn.batchnorm", "nn.loss", "nn.functional", "nn.init", "nn.utils",
    "nn.convolution", "nn.conv", "nn.pooling", "nn.pool", "nn.padding",
    "nn.embedding", "nn.normalization", "nn.attention", "nn.functional_dropout",
]  # fmt: skip


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
