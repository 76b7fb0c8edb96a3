"""max_pool2d, avg_pool2d, adaptive_avg_pool2d, pad and 4-D batch_norm, with their layers
(MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, BatchNorm2d): gradchecks of first and second
derivatives, PyTorch as the oracle, state dicts, reprs and errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_lite as al
import nn
import nn.functional as F

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

# (function name, input shape, options); the same names exist in torch.nn.functional.
CASES = [
    ("max_pool2d", (2, 3, 6, 7), {"kernel_size": 2}),
    ("max_pool2d", (2, 2, 7, 8), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
    ("max_pool2d", (1, 2, 7, 8), {"kernel_size": (2, 3), "stride": 1, "dilation": 2}),
    ("max_pool2d", (3, 5, 5), {"kernel_size": 2, "stride": (1, 2), "padding": (1, 0)}),  # unbatched
    ("avg_pool2d", (2, 3, 6, 7), {"kernel_size": 2}),
    ("avg_pool2d", (2, 2, 7, 8), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
    ("avg_pool2d", (2, 2, 7, 8), {"kernel_size": 3, "stride": 2, "padding": 1, "count_include_pad": False}),
    (
        "avg_pool2d",
        (1, 2, 5, 6),
        {"kernel_size": (2, 3), "stride": (1, 2), "padding": 1, "divisor_override": 5},
    ),
    ("adaptive_avg_pool2d", (2, 3, 7, 8), {"output_size": (3, 5)}),
    ("adaptive_avg_pool2d", (2, 3, 5, 4), {"output_size": (None, 7)}),
    ("adaptive_avg_pool2d", (3, 6, 6), {"output_size": 1}),
    ("pad", (2, 3, 4, 5), {"pad": (1, 2, 0, 3)}),
    ("pad", (2, 3, 4, 5), {"pad": (-1, 2, 1, -2), "value": 0.5}),
    ("pad", (2, 3, 4, 5), {"pad": (1, 2, 3, 1), "mode": "reflect"}),
    ("pad", (2, 3, 4, 5), {"pad": (2, 2, 0, 3), "mode": "replicate"}),
    ("pad", (2, 3, 4, 5), {"pad": (3, 1, 4, 2), "mode": "circular"}),
    ("pad", (2, 3, 6), {"pad": (2, 1), "mode": "reflect"}),
]
IDS = [f"{name}-{shape}-{options}" for name, shape, options in CASES]


def _input(shape, seed=0, dtype=np.float64):
    return al.tensor(np.random.default_rng(seed).standard_normal(shape).astype(dtype), requires_grad=True)


@pytest.mark.parametrize("name, shape, options", CASES, ids=IDS)
def test_gradcheck(name, shape, options):
    fn = getattr(F, name)
    assert al.gradcheck(lambda x: fn(x, **options), (_input(shape),))


@pytest.mark.parametrize("name, shape, options", CASES, ids=IDS)
def test_gradgradcheck(name, shape, options):
    """The create_graph derivative (a scatter for max pooling, the transposed map for the
    linear ones) is correct with respect to the input and the upstream gradient."""
    fn = getattr(F, name)
    x = _input(shape)
    with al.no_grad():
        out_shape = fn(x, **options).shape
    upstream = al.tensor(np.random.default_rng(1).standard_normal(out_shape), requires_grad=True)

    def first(x, upstream):
        with al.enable_grad():
            return al.grad(fn(x, **options), (x,), grad_outputs=upstream, create_graph=True)

    def second(x, upstream):
        with al.enable_grad():
            (gx,) = al.grad(fn(x, **options), (x,), grad_outputs=upstream, create_graph=True)
            return al.grad((gx * gx).sum(), (upstream,), create_graph=True)

    assert al.gradcheck(first, (x, upstream))
    assert al.gradcheck(second, (x, upstream))


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-12), (np.float32, 1e-5)], ids=["float64", "float32"])
@pytest.mark.parametrize("name, shape, options", CASES, ids=IDS)
def test_matches_torch(name, shape, options, dtype, rtol):
    torch = pytest.importorskip("torch")
    x = _input(shape, seed=2, dtype=dtype)
    x_torch = torch.tensor(x.numpy(), requires_grad=True)
    out, expected = getattr(F, name)(x, **options), getattr(torch.nn.functional, name)(x_torch, **options)
    assert out.dtype == dtype
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=rtol, atol=rtol)
    upstream = np.random.default_rng(3).standard_normal(out.shape).astype(dtype)
    out.backward(al.tensor(upstream))
    expected.backward(torch.tensor(upstream))
    np.testing.assert_allclose(x.grad.numpy(), x_torch.grad.numpy(), rtol=rtol, atol=rtol)


@pytest.mark.parametrize("name, shape, options", CASES[:9], ids=IDS[:9])
def test_double_backward_matches_torch(name, shape, options):
    torch = pytest.importorskip("torch")
    x = _input(shape, seed=4)
    x_torch = torch.tensor(x.numpy(), requires_grad=True)

    def second(grad, fn, x):
        y = fn(x, **options)
        (gx,) = grad((y * y * y).sum(), (x,), create_graph=True)
        return grad((gx * gx * x).sum(), (x,))[0]

    ours = second(al.grad, getattr(F, name), x)
    theirs = second(torch.autograd.grad, getattr(torch.nn.functional, name), x_torch)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-10, atol=1e-12)


def test_max_pool_ties_nan_and_indices_match_torch():
    """Ties give the gradient to the first maximum, NaN wins its window, and return_indices
    gives each maximum's flat position in its plane, as PyTorch's."""
    torch = pytest.importorskip("torch")
    x = np.round(np.random.default_rng(5).standard_normal((2, 3, 7, 6)))  # many ties
    x[0, 1, 2, 3] = np.nan
    options = {"kernel_size": 3, "stride": 2, "padding": 1, "return_indices": True}
    x_ours, x_torch = al.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (out, indices), (expected, expected_indices) = (
        F.max_pool2d(x_ours, **options),
        torch.nn.functional.max_pool2d(x_torch, **options),
    )
    np.testing.assert_array_equal(out.numpy(), expected.detach().numpy())
    np.testing.assert_array_equal(indices.numpy(), expected_indices.numpy())
    out.sum().backward()
    expected.sum().backward()
    np.testing.assert_array_equal(x_ours.grad.numpy(), x_torch.grad.numpy())


def test_pool_gradients_ignore_non_finite_upstream_elsewhere():
    """An inf upstream gradient reaches only the picked input (no 0 * inf = NaN elsewhere)."""
    x = al.tensor(np.arange(16.0).reshape(1, 1, 4, 4), requires_grad=True)
    F.max_pool2d(x, 2).backward(al.tensor(np.array([[[[np.inf, 1.0], [1.0, 1.0]]]])))
    grad = x.grad.numpy()
    assert grad[0, 0, 1, 1] == np.inf and not np.isnan(grad).any()


# -- batch_norm on (N, C, H, W) and BatchNorm2d ------------------------------------------


@pytest.mark.parametrize("training", [True, False], ids=["training", "eval"])
def test_batch_norm_4d_gradcheck(training):
    rng = np.random.default_rng(6)
    x, weight, bias = (_input(s, seed=k) for k, s in enumerate([(3, 2, 3, 4), (2,), (2,)]))
    mean, var = al.tensor(rng.standard_normal(2)), al.tensor(rng.uniform(0.5, 2.0, 2))

    def fn(x, w, b):
        return F.batch_norm(x, None if training else mean, None if training else var, w, b, training)

    assert al.gradcheck(fn, (x, weight, bias))


def test_batch_norm_4d_matches_torch_and_updates_running_stats():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    x = rng.standard_normal((4, 3, 5, 2))
    weight, bias = rng.standard_normal(3), rng.standard_normal(3)
    mean, var = np.zeros(3), np.ones(3)
    ours = [al.tensor(a, requires_grad=True) for a in (x, weight, bias)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, weight, bias)]
    running = [al.tensor(mean.copy()), al.tensor(var.copy())]
    running_torch = [torch.tensor(mean.copy()), torch.tensor(var.copy())]
    out = F.batch_norm(ours[0], *running, ours[1], ours[2], training=True, momentum=0.3)
    expected = torch.nn.functional.batch_norm(
        theirs[0], *running_torch, theirs[1], theirs[2], training=True, momentum=0.3
    )
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    for mine, reference in zip(running, running_torch):
        np.testing.assert_allclose(mine.numpy(), reference.numpy(), rtol=1e-12)
    upstream = rng.standard_normal(x.shape)
    out.backward(al.tensor(upstream))
    expected.backward(torch.tensor(upstream))
    for mine, reference in zip(ours, theirs):
        np.testing.assert_allclose(mine.grad.numpy(), reference.grad.numpy(), rtol=1e-9, atol=1e-12)


LAYERS = [
    ("MaxPool2d", (2,), {}),
    ("MaxPool2d", (3,), {"stride": 2, "padding": 1, "dilation": 1, "ceil_mode": True}),
    ("AvgPool2d", (3,), {"stride": 2, "padding": 1}),
    ("AdaptiveAvgPool2d", ((2, 3),), {}),
    ("BatchNorm2d", (3,), {}),
    ("BatchNorm2d", (3,), {"momentum": None, "affine": False}),
]


@pytest.mark.parametrize("name, args, options", LAYERS, ids=[f"{n}{a}{o}" for n, a, o in LAYERS])
def test_layers_match_torch_and_state_dicts_move_both_ways(name, args, options):
    torch = pytest.importorskip("torch")
    ours, theirs = getattr(nn, name)(*args, **options), getattr(torch.nn, name)(*args, **options)
    if name != "BatchNorm2d":  # ours also prints bias=, as BatchNorm1d does
        assert repr(ours) == repr(theirs)
    x = np.random.default_rng(8).standard_normal((4, 3, 7, 6)).astype(np.float32)
    for _ in range(2):  # twice: running statistics move
        np.testing.assert_allclose(
            ours(al.tensor(x)).numpy(), theirs(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-5
        )
    state = ours.state_dict()
    assert list(state) == list(theirs.state_dict())
    theirs.load_state_dict({key: torch.from_numpy(np.array(value)) for key, value in state.items()})
    ours.eval(), theirs.eval()
    np.testing.assert_allclose(
        ours(al.tensor(x)).numpy(), theirs(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-5
    )
    back = getattr(nn, name)(*args, **options)
    back.load_state_dict({key: value.numpy() for key, value in theirs.state_dict().items()})
    back.eval()
    np.testing.assert_allclose(
        back(al.tensor(x)).numpy(), theirs(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-5
    )


# -- errors ------------------------------------------------------------------------------

ERRORS = [
    (
        lambda: nn.BatchNorm2d(3)(al.ones((4, 3, 5))),
        ValueError,
        r"4-D input of shape \(N, 3, H, W\), got \(4, 3, 5\)",
    ),
    (lambda: nn.BatchNorm2d(3)(al.ones((4, 2, 5, 5))), ValueError, r"\(4, 2, 5, 5\)"),
    (
        lambda: F.batch_norm(al.ones((2, 3, 4, 5, 6)), None, None, training=True),
        ValueError,
        r"\(2, 3, 4, 5, 6\)",
    ),
    (lambda: F.max_pool2d(al.ones((1, 1, 2, 2)), 3), ValueError, r"larger than the input \(1, 1, 2, 2\)"),
    (lambda: F.max_pool2d(al.ones((1, 1, 6, 6)), 2, padding=2), ValueError, "at most half"),
    (lambda: F.max_pool2d(al.ones((6, 6)), 2), ValueError, r"\(N, C, H, W\).*\(6, 6\)"),
    (lambda: F.max_pool2d(al.ones((1, 1, 6, 6)), 2, stride=0), ValueError, "stride"),
    (lambda: F.avg_pool2d(al.ones((1, 1, 6, 6)), 2, divisor_override=0), ValueError, "divisor_override"),
    (lambda: F.adaptive_avg_pool2d(al.ones((1, 1, 6, 6)), (0, 2)), ValueError, "output_size"),
    (lambda: F.pad(al.ones((1, 1, 3, 3)), (3, 0), mode="reflect"), ValueError, r"reflect.*\(1, 1, 3, 3\)"),
    (lambda: F.pad(al.ones((1, 1, 3, 3)), (4, 0), mode="circular"), ValueError, "circular"),
    (lambda: F.pad(al.ones((1, 1, 3, 3)), (1, 2, 3)), ValueError, "even number"),
    (lambda: F.pad(al.ones((1, 1, 3, 3)), (1, 1), mode="mirror"), ValueError, "mode"),
    (lambda: F.pad(al.ones((1, 1, 3, 3)), (-2, -2)), ValueError, "crop more"),
]


@pytest.mark.parametrize("call, error, message", ERRORS, ids=range(len(ERRORS)))
def test_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_batch_norm_2d_error_leaves_state_unchanged():
    layer = nn.BatchNorm2d(3)
    with pytest.raises(ValueError):
        layer(al.ones((4, 3)))
    assert int(layer.num_batches_tracked.item()) == 0


def test_max_pool_frees_its_picks_after_backward():
    x = _input((1, 2, 4, 4))
    y = F.max_pool2d(x, 2).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="second time"):
        y.backward()


@pytest.mark.parametrize(
    "name, options", [("max_pool2d", {"kernel_size": 2}), ("avg_pool2d", {"kernel_size": 2})]
)
def test_empty_batch(name, options):
    x = al.zeros((0, 3, 4, 4), requires_grad=True)
    y = getattr(F, name)(x, **options)
    y.sum().backward()
    assert y.shape == (0, 3, 2, 2) and x.grad.shape == x.shape


@st.composite
def _pool_configs(draw):
    """A random max or average pooling: kernel, stride, padding (at most half the kernel, as
    PyTorch requires),
    dilation (max only), ceil_mode and, for the average, its divisor options."""
    name = draw(st.sampled_from(["max_pool2d", "avg_pool2d"]))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) if name == "max_pool2d" else (1, 1)
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    options = {
        "kernel_size": kernel,
        "stride": (draw(st.integers(1, 3)), draw(st.integers(1, 3))),
        "padding": padding,
        "ceil_mode": draw(st.booleans()),
    }
    if name == "max_pool2d":
        options["dilation"] = dilation
    else:
        options["count_include_pad"] = draw(st.booleans())
    size = [draw(st.integers(d * (k - 1) + 1, 7)) for k, d in zip(kernel, dilation)]
    return name, (draw(st.integers(1, 2)), draw(st.integers(1, 2)), *size), options


@settings(max_examples=30)
@given(config=_pool_configs())
def test_random_configurations_gradcheck_and_match_torch(config):
    name, shape, options = config
    x = _input(shape, seed=9)
    assert al.gradcheck(lambda x: getattr(F, name)(x, **options), (x,))
    torch = pytest.importorskip("torch")
    x_torch = torch.tensor(x.numpy(), requires_grad=True)
    out, expected = getattr(F, name)(x, **options), getattr(torch.nn.functional, name)(x_torch, **options)
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=1e-12, atol=1e-12)
    out.sum().backward()
    expected.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), x_torch.grad.numpy(), rtol=1e-12, atol=1e-12)
