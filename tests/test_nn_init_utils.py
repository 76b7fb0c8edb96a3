"""nn.init (PyTorch's formulas, checked by bounds and sample statistics) and nn.utils
(gradient clipping and per-parameter gradient norms)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_lite as al
import nn
from nn import init


def big(*shape, dtype=np.float32):
    return nn.Parameter(np.zeros(shape, dtype=dtype))


def test_calculate_gain_table():
    assert init.calculate_gain("linear") == 1.0
    assert init.calculate_gain("sigmoid") == 1.0
    assert init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert init.calculate_gain("leaky_relu") == pytest.approx(math.sqrt(2 / (1 + 0.01**2)))
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    with pytest.raises(ValueError, match="softsign"):
        init.calculate_gain("softsign")


def test_fills_are_in_place_keep_dtype_and_return_the_tensor():
    w = big(3, 4)
    array = w.numpy()
    for fill in (
        init.zeros_,
        init.ones_,
        lambda t: init.constant_(t, 2.5),
        init.xavier_uniform_,
        init.kaiming_normal_,
    ):
        assert fill(w) is w
        assert np.shares_memory(w.numpy(), array) and w.dtype == np.float32
    init.constant_(w, 2.5)
    np.testing.assert_array_equal(w.numpy(), 2.5)
    init.zeros_(w)
    assert not w.numpy().any()
    init.ones_(w)
    np.testing.assert_array_equal(w.numpy(), 1.0)


def _fans(fan_out, fan_in):
    return big(fan_out, fan_in)


UNIFORM = [
    ("uniform", lambda t: init.uniform_(t, -0.3, 0.7), -0.3, 0.7),
    ("xavier_uniform", lambda t: init.xavier_uniform_(t, gain=2.0), None, 2.0 * math.sqrt(6 / (300 + 200))),
    (
        "kaiming_uniform_relu",
        lambda t: init.kaiming_uniform_(t, nonlinearity="relu"),
        None,
        math.sqrt(2) * math.sqrt(3 / 200),
    ),
    (
        "kaiming_uniform_fan_out",
        lambda t: init.kaiming_uniform_(t, mode="fan_out", nonlinearity="relu"),
        None,
        math.sqrt(2) * math.sqrt(3 / 300),
    ),
    ("kaiming_uniform_sqrt5", lambda t: init.kaiming_uniform_(t, a=math.sqrt(5)), None, 1 / math.sqrt(200)),
]


@pytest.mark.parametrize("name, fill, low, high", UNIFORM, ids=[u[0] for u in UNIFORM])
def test_uniform_initialisers_bounds_and_spread(name, fill, low, high):
    low = -high if low is None else low
    w = fill(_fans(300, 200))  # fan_in 200, fan_out 300
    data = w.numpy()
    assert data.min() >= low and data.max() <= high
    assert data.min() < low + 0.01 * (high - low) and data.max() > high - 0.01 * (high - low)
    assert data.std() == pytest.approx((high - low) / math.sqrt(12), rel=0.02)


NORMAL = [
    ("normal", lambda t: init.normal_(t, 0.5, 0.2), 0.5, 0.2),
    ("xavier_normal", lambda t: init.xavier_normal_(t, gain=1.5), 0.0, 1.5 * math.sqrt(2 / 500)),
    ("kaiming_normal", lambda t: init.kaiming_normal_(t, nonlinearity="relu"), 0.0, math.sqrt(2 / 200)),
    (
        "kaiming_normal_tanh_fan_out",
        lambda t: init.kaiming_normal_(t, mode="fan_out", nonlinearity="tanh"),
        0.0,
        (5 / 3) / math.sqrt(300),
    ),
    (
        "kaiming_normal_leaky",
        lambda t: init.kaiming_normal_(t, a=0.1),
        0.0,
        math.sqrt(2 / 1.01) / math.sqrt(200),
    ),
]


@pytest.mark.parametrize("name, fill, mean, std", NORMAL, ids=[n[0] for n in NORMAL])
def test_normal_initialisers_statistics(name, fill, mean, std):
    data = fill(_fans(300, 200)).numpy()
    assert data.mean() == pytest.approx(mean, abs=0.01 * std + 1e-3 * abs(mean))
    assert data.std() == pytest.approx(std, rel=0.02)


def test_receptive_field_counts_in_the_fans():
    w = big(8, 4, 3, 3)  # fan_in 4*9 = 36, fan_out 8*9 = 72
    bound = math.sqrt(6 / (36 + 72))
    assert np.abs(init.xavier_uniform_(w).numpy()).max() <= bound


def test_init_errors_and_reproducibility():
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        init.xavier_uniform_(big(5))
    with pytest.raises(ValueError, match="fan_avg"):
        init.kaiming_uniform_(big(2, 2), mode="fan_avg")
    al.manual_seed(4)
    a = init.normal_(big(3, 3)).numpy().copy()
    al.manual_seed(4)
    np.testing.assert_array_equal(init.normal_(big(3, 3)).numpy(), a)


# -- nn.utils ------------------------------------------------------------------------


def with_grads(*grads):
    params = []
    for g in grads:
        p = nn.Parameter(
            np.zeros(np.shape(g), dtype=np.asarray(g).dtype if isinstance(g, np.ndarray) else np.float32)
        )
        p.grad = al.tensor(np.asarray(g, dtype=p.dtype))
        params.append(p)
    return params


def test_clip_grad_norm_scales_with_pytorch_coefficient():
    params = with_grads([3.0, 0.0], [[4.0]])
    total = nn.utils.clip_grad_norm_(params, max_norm=1.0)
    assert isinstance(total, al.Tensor) and total.ndim == 0
    assert total.item() == pytest.approx(5.0)
    coefficient = 1.0 / (5.0 + 1e-6)
    np.testing.assert_allclose(params[0].grad.numpy(), [3 * coefficient, 0.0], rtol=1e-6)
    np.testing.assert_allclose(params[1].grad.numpy(), [[4 * coefficient]], rtol=1e-6)
    # below the threshold nothing changes
    params = with_grads([0.3, 0.4])
    assert nn.utils.clip_grad_norm_(params, max_norm=1.0).item() == pytest.approx(0.5)
    np.testing.assert_allclose(params[0].grad.numpy(), [0.3, 0.4])


def test_clip_grad_norm_other_norms_and_skips():
    params = with_grads([1.0, -7.0], [2.0])
    params.append(nn.Parameter([1.0]))  # no grad: skipped
    assert nn.utils.clip_grad_norm_(params, 100.0, norm_type=math.inf).item() == 7.0
    assert nn.utils.clip_grad_norm_(params, 100.0, norm_type=1).item() == pytest.approx(10.0)
    assert nn.utils.clip_grad_norm_([nn.Parameter([1.0])], 1.0).item() == 0.0
    with pytest.raises(ValueError, match="max_norm"):
        nn.utils.clip_grad_norm_(params, -1.0)
    single = with_grads([6.0, 8.0])[0]
    assert nn.utils.clip_grad_norm_(single, 5.0).item() == pytest.approx(10.0)  # a lone tensor
    np.testing.assert_allclose(single.grad.numpy(), [3.0, 4.0], rtol=1e-5)


def test_clip_grad_norm_never_makes_nan_from_finite_gradients():
    # float32 squares overflow (1e30**2 > 3e38) but every gradient is finite
    params = with_grads(np.array([1e30, 1e30], dtype=np.float32), np.array([1e-3], dtype=np.float32))
    total = nn.utils.clip_grad_norm_(params, 1.0)
    assert total.item() == pytest.approx(math.sqrt(2) * 1e30, rel=1e-5)
    for p in params:
        assert np.isfinite(p.grad.numpy()).all()
    np.testing.assert_allclose(params[0].grad.numpy(), [1 / math.sqrt(2)] * 2, rtol=1e-4)


def test_clip_grad_norm_leaves_non_finite_gradients_alone():
    params = with_grads([np.inf, 1.0], [2.0])
    total = nn.utils.clip_grad_norm_(params, 1.0)
    assert math.isinf(total.item())
    np.testing.assert_array_equal(params[1].grad.numpy(), [2.0])
    with pytest.raises(RuntimeError, match="inf"):
        nn.utils.clip_grad_norm_(params, 1.0, error_if_nonfinite=True)
    nan_params = with_grads([np.nan], [3.0])
    assert math.isnan(nn.utils.clip_grad_norm_(nan_params, 1.0).item())
    np.testing.assert_array_equal(nan_params[1].grad.numpy(), [3.0])


def test_clip_grad_value():
    params = with_grads([-5.0, 0.5, 3.0])
    assert nn.utils.clip_grad_value_(params, 1.0) is None
    np.testing.assert_array_equal(params[0].grad.numpy(), [-1.0, 0.5, 1.0])
    with pytest.raises(ValueError):
        nn.utils.clip_grad_value_(params, -1.0)


def test_grad_norms_per_parameter():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2), nn.Linear(2, 2))
    assert nn.utils.grad_norms(model) == dict.fromkeys(
        ["0.weight", "0.bias", "2.weight", "2.bias", "3.weight", "3.bias"]
    )
    model[:3](al.randn(5, 3)).sum().backward()  # the last layer gets no gradient
    norms = nn.utils.grad_norms(model)
    assert list(norms) == ["0.weight", "0.bias", "2.weight", "2.bias", "3.weight", "3.bias"]
    assert norms["3.weight"] is None and norms["3.bias"] is None
    for name, param in model[:3].named_parameters():
        assert norms[name] == pytest.approx(float(np.linalg.norm(param.grad.numpy())), rel=1e-5)
    np.testing.assert_allclose(
        norms["2.bias"], math.sqrt(2 * 25), rtol=1e-6
    )  # each output's grad is 1 per row
