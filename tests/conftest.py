"""Test configuration: a deterministic hypothesis profile, float64 by default in tests
that ask for it, and the library's seed reset before every test."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

import autograd_lite as al

# Deterministic: the same examples on every run, no deadline (CI machines vary).
settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=40,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _reset_library_state():
    """Every test starts with float32 as default dtype, grad mode on and a fixed seed."""
    al.set_default_dtype(np.float32)
    al.set_grad_enabled(True)
    al.manual_seed(0)
    yield
    al.set_default_dtype(np.float32)
    al.set_grad_enabled(True)


@pytest.fixture
def float64():
    """Make float64 the default dtype for the test (gradchecks need it)."""
    al.set_default_dtype(np.float64)
    yield
    al.set_default_dtype(np.float32)
