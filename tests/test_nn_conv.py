"""conv2d / conv1d and the Conv2d / Conv1d layers: finite-difference gradchecks of first
and second derivatives over strides, paddings, dilations and groups; PyTorch as the
oracle (values, gradients, double backward, float32, state dicts, reprs); clear errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_lite as al
import nn
import nn.functional as F

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

# (input shape, weight shape, options): strides, paddings ("same", "valid", pairs),
# dilations and groups, each with and without bias in the tests below.
CONV2D_CASES = [
    ((2, 3, 5, 6), (4, 3, 3, 3), {}),
    ((2, 3, 5, 6), (4, 3, 3, 2), {"stride": 2, "padding": 1}),
    ((1, 4, 6, 5), (6, 2, 2, 3), {"stride": (1, 2), "padding": (2, 1), "groups": 2}),
    ((2, 2, 7, 6), (3, 2, 3, 3), {"dilation": 2, "padding": "same"}),
    ((2, 2, 6, 6), (3, 2, 2, 4), {"padding": "same"}),
    ((1, 3, 6, 7), (3, 1, 3, 3), {"stride": (2, 3), "dilation": (1, 2), "groups": 3}),
    ((2, 2, 4, 5), (2, 2, 4, 5), {"padding": "valid"}),
    ((4, 5, 6), (2, 4, 2, 2), {"stride": 2}),  # unbatched
]
CONV1D_CASES = [
    ((2, 3, 7), (4, 3, 3), {}),
    ((2, 4, 9), (6, 2, 3), {"stride": 2, "padding": 1, "groups": 2}),
    ((2, 2, 8), (3, 2, 4), {"padding": "same", "dilation": 2}),
    ((3, 9), (2, 3, 2), {"stride": 3}),  # unbatched
]
CASES = [(F.conv2d, *case) for case in CONV2D_CASES] + [(F.conv1d, *case) for case in CONV1D_CASES]
IDS = [f"{fn.__name__}-{x}-{w}-{options}" for fn, x, w, options in CASES]


def _tensors(x_shape, w_shape, bias, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(x_shape), rng.standard_normal(w_shape)]
    if bias:
        arrays.append(rng.standard_normal(w_shape[0]))
    return [al.tensor(a.astype(dtype), requires_grad=True) for a in arrays]


@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no_bias"])
@pytest.mark.parametrize("fn, x_shape, w_shape, options", CASES, ids=IDS)
def test_gradcheck(fn, x_shape, w_shape, options, bias):
    inputs = _tensors(x_shape, w_shape, bias)
    assert al.gradcheck(lambda *args: fn(*args, **options), inputs)


def _first_derivatives(fn, options, count):
    def first(*args):
        inputs, upstream = args[:count], args[count]
        with al.enable_grad():  # gradcheck evaluates under no_grad; the first derivative needs a graph
            return al.grad(fn(*inputs, **options), inputs, grad_outputs=upstream, create_graph=True)

    return first


@pytest.mark.parametrize("fn, x_shape, w_shape, options", CASES[:6] + CASES[-3:-1], ids=IDS[:6] + IDS[-3:-1])
def test_gradgradcheck(fn, x_shape, w_shape, options):
    """The create_graph derivatives (a transposed convolution and a weight gradient) are
    themselves correct, with respect to the input, weight, bias and upstream gradient."""
    inputs = _tensors(x_shape, w_shape, bias=True)
    with al.no_grad():
        out_shape = fn(*inputs, **options).shape
    upstream = al.tensor(np.random.default_rng(5).standard_normal(out_shape), requires_grad=True)
    assert al.gradcheck(_first_derivatives(fn, options, 3), inputs + [upstream])


def test_third_derivative():
    """Each of the three ops differentiates into the other two, to any order."""
    x, w = _tensors((1, 2, 4, 4), (2, 2, 2, 2), bias=False)

    def second(x, w):
        with al.enable_grad():
            y = F.conv2d(x, w, stride=2, padding=1)
            gx, gw = al.grad((y * y).sum(), (x, w), create_graph=True)
            return al.grad((gx * gx).sum() + (gw * gw * gw).sum(), (x, w), create_graph=True)

    assert al.gradcheck(second, (x, w))


def test_float32_stays_float32():
    x, w, b = _tensors((2, 3, 6, 6), (4, 3, 3, 3), bias=True, dtype=np.float32)
    y = F.conv2d(x, w, b, padding=1)
    y.sum().backward()
    assert {y.dtype, x.grad.dtype, w.grad.dtype, b.grad.dtype} == {np.dtype(np.float32)}


def test_saved_arrays_are_freed_after_backward():
    x, w = _tensors((1, 2, 4, 4), (3, 2, 3, 3), bias=False)
    y = F.conv2d(x, w)
    y.sum().backward()
    with pytest.raises(RuntimeError, match="second time"):
        y.sum().backward()


# -- PyTorch as the oracle -------------------------------------------------------------


def _torch_pair(fn):
    torch = pytest.importorskip("torch")
    return torch, {F.conv2d: torch.nn.functional.conv2d, F.conv1d: torch.nn.functional.conv1d}[fn]


def _assert_close(ours, theirs, rtol, atol=0.0):
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=rtol, atol=atol)


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-10), (np.float32, 1e-5)], ids=["float64", "float32"])
@pytest.mark.parametrize("fn, x_shape, w_shape, options", CASES, ids=IDS)
def test_matches_torch(fn, x_shape, w_shape, options, dtype, rtol):
    torch, torch_fn = _torch_pair(fn)
    ours = _tensors(x_shape, w_shape, bias=True, seed=3, dtype=dtype)
    theirs = [torch.tensor(t.numpy(), requires_grad=True) for t in ours]
    out, expected = fn(*ours, **options), torch_fn(*theirs, **options)
    scale = float(np.abs(expected.detach().numpy()).max())
    _assert_close(out, expected, rtol, atol=rtol * scale)
    upstream = np.random.default_rng(4).standard_normal(out.shape).astype(dtype)
    out.backward(al.tensor(upstream))
    expected.backward(torch.tensor(upstream))
    for mine, reference in zip(ours, theirs):
        scale = float(np.abs(reference.grad.numpy()).max())
        np.testing.assert_allclose(mine.grad.numpy(), reference.grad.numpy(), rtol=rtol, atol=rtol * scale)
        assert mine.grad.dtype == dtype


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("fn, x_shape, w_shape, options", CASES[:6], ids=IDS[:6])
def test_double_backward_matches_torch(fn, x_shape, w_shape, options):
    torch, torch_fn = _torch_pair(fn)
    ours = _tensors(x_shape, w_shape, bias=True, seed=6)
    theirs = [torch.tensor(t.numpy(), requires_grad=True) for t in ours]

    def second(grad, conv, inputs):
        y = conv(*inputs, **options)
        gx, gw, _ = grad((y * y * y).sum(), inputs, create_graph=True)
        return grad((gx * gx).sum() + (gw * gw).sum(), inputs)

    for mine, reference in zip(second(al.grad, fn, ours), second(torch.autograd.grad, torch_fn, theirs)):
        _assert_close(mine, reference, 1e-9, atol=1e-10)


LAYERS = [
    ("Conv2d", (3, 6, 3), {}),
    ("Conv2d", (4, 6, (2, 3)), {"stride": 2, "padding": (1, 0), "groups": 2, "bias": False}),
    ("Conv2d", (2, 4, 3), {"padding": "same", "dilation": 2, "padding_mode": "reflect"}),
    ("Conv2d", (2, 4, 3), {"padding": 2, "padding_mode": "circular"}),
    ("Conv2d", (2, 4, 3), {"padding": 1, "padding_mode": "replicate"}),
    ("Conv1d", (3, 6, 3), {"stride": 2}),
    ("Conv1d", (4, 4, 5), {"padding": "same", "groups": 4, "padding_mode": "reflect"}),
]
LAYER_IDS = [f"{name}{args}{options}" for name, args, options in LAYERS]


@pytest.mark.parametrize("name, args, options", LAYERS, ids=LAYER_IDS)
def test_layer_state_dict_round_trip_and_repr(name, args, options):
    """Our state_dict loads into torch.nn's layer and back; outputs and gradients agree."""
    torch = pytest.importorskip("torch")
    ours, theirs = getattr(nn, name)(*args, **options), getattr(torch.nn, name)(*args, **options)
    assert repr(ours) == repr(theirs)
    theirs.load_state_dict(
        {key: torch.from_numpy(np.array(value)) for key, value in ours.state_dict().items()}
    )
    shape = (2, args[0], 7, 6) if name == "Conv2d" else (2, args[0], 9)
    x = np.random.default_rng(7).standard_normal(shape).astype(np.float32)
    x_ours, x_theirs = al.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, expected = ours(x_ours), theirs(x_theirs)
    _assert_close(out, expected, 1e-5, atol=1e-6)
    out.sum().backward()
    expected.sum().backward()
    _assert_close(x_ours.grad, x_theirs.grad, 1e-5, atol=1e-6)
    with torch.no_grad():
        theirs.weight.mul_(-2.0)
    back = getattr(nn, name)(*args, **options)
    back.load_state_dict({key: value.numpy() for key, value in theirs.state_dict().items()})
    _assert_close(back(al.tensor(x)), theirs(torch.tensor(x)), 1e-5, atol=1e-6)


def test_init_is_pytorchs():
    """kaiming_uniform_(a=sqrt(5)) on the weight: bound 1/sqrt(fan_in), as the bias's."""
    layer = nn.Conv2d(4, 64, 3, groups=2)
    fan_in = 2 * 3 * 3
    weight, bias = layer.weight.numpy(), layer.bias.numpy()
    assert weight.shape == (64, 2, 3, 3) and weight.dtype == np.float32
    assert np.abs(weight).max() <= 1 / np.sqrt(fan_in) and np.abs(weight).max() > 0.9 / np.sqrt(fan_in)
    assert np.abs(bias).max() <= 1 / np.sqrt(fan_in)
    assert list(layer.state_dict()) == ["weight", "bias"]


def test_unbatched_input():
    layer = nn.Conv2d(2, 3, 3, padding=1)
    x = al.randn(2, 5, 5)
    np.testing.assert_allclose(layer(x).numpy(), layer(x.reshape(1, 2, 5, 5)).numpy()[0])


# -- errors ------------------------------------------------------------------------------

ERRORS = [
    (
        lambda: F.conv2d(al.ones((3, 5, 5)), al.ones((4, 2, 3, 3))),
        RuntimeError,
        r"got input of shape \(3, 5, 5\)",
    ),
    (lambda: F.conv2d(al.ones((2, 3)), al.ones((4, 2, 3, 3))), RuntimeError, r"\(N, C, H, W\).*\(2, 3\)"),
    (lambda: F.conv2d(al.ones((5,)), al.ones((4, 3, 3, 3))), RuntimeError, r"\(N, C, H, W\).*\(5,\)"),
    (
        lambda: F.conv2d(al.ones((1, 3, 5, 5)), al.ones((4, 2, 3, 3))),
        RuntimeError,
        r"input with 2 channels",
    ),
    (
        lambda: F.conv2d(al.ones((1, 3, 2, 2)), al.ones((4, 3, 3, 3))),
        RuntimeError,
        r"larger than the padded input",
    ),
    (lambda: F.conv2d(al.ones((1, 3, 5, 5)), al.ones((4, 3, 3, 3)), stride=0), ValueError, "stride"),
    (lambda: F.conv2d(al.ones((1, 3, 5, 5)), al.ones((4, 3, 3, 3)), padding=-1), ValueError, "padding"),
    (lambda: F.conv2d(al.ones((1, 3, 5, 5)), al.ones((4, 3, 3, 3)), padding="full"), ValueError, "padding"),
    (
        lambda: F.conv2d(al.ones((1, 3, 5, 5)), al.ones((4, 3, 3, 3)), stride=2, padding="same"),
        ValueError,
        "strided",
    ),
    (lambda: F.conv2d(al.ones((1, 4, 5, 5)), al.ones((4, 2, 3, 3)), groups=3), RuntimeError, "groups=3"),
    (
        lambda: F.conv2d(al.ones((1, 3, 5, 5)), al.ones((4, 3, 3, 3)), al.ones(3)),
        RuntimeError,
        r"bias.*\(4,\)",
    ),
    (lambda: F.conv1d(al.ones((1, 3, 5, 5)), al.ones((4, 3, 3))), RuntimeError, r"\(N, C, L\)"),
    (
        lambda: F.conv2d(al.ones((1, 3, 5, 5), dtype="float64"), al.ones((4, 3, 3, 3))),
        RuntimeError,
        "float64.*float32",
    ),
    (
        lambda: nn.Conv2d(3, 4, 3, groups=2),
        ValueError,
        r"in_channels \(3\) must be divisible by groups \(2\)",
    ),
    (lambda: nn.Conv2d(4, 3, 3, groups=2), ValueError, "out_channels"),
    (lambda: nn.Conv2d(4, 4, 3, stride=2, padding="same"), ValueError, "strided"),
    (lambda: nn.Conv2d(4, 4, 0), ValueError, "kernel_size"),
    (lambda: nn.Conv2d(4, 4, 3, padding_mode="mirror"), ValueError, "padding_mode"),
    (lambda: nn.Conv2d(4, 4, 3)(al.ones((1, 3, 5, 5))), RuntimeError, r"\(1, 3, 5, 5\)"),
]


@pytest.mark.parametrize("call, error, message", ERRORS, ids=range(len(ERRORS)))
def test_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_empty_batch():
    x = al.zeros((0, 4, 5, 5), requires_grad=True)
    layer = nn.Conv2d(4, 6, 3, padding=1, groups=2)
    y = layer(x)
    y.sum().backward()
    assert y.shape == (0, 6, 5, 5) and x.grad.shape == x.shape
    assert not layer.weight.grad.numpy().any() and not layer.bias.grad.numpy().any()


@st.composite
def _conv_configs(draw):
    """A random conv2d: shapes, stride, padding (ints, pairs or "same"), dilation, groups
    and bias, with the kernel fitting the padded input."""
    groups = draw(st.integers(1, 3))
    in_channels, out_channels = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = draw(st.sampled_from(["same", "valid", 0, 1, (2, 1)]))
    if padding == "same":
        stride = (1, 1)
    pads = (
        (0, 0)
        if padding in ("same", "valid")
        else (padding, padding)
        if isinstance(padding, int)
        else padding
    )
    size = [draw(st.integers(max(1, d * (k - 1) + 1 - 2 * p), 7)) for k, d, p in zip(kernel, dilation, pads)]
    x_shape = (draw(st.integers(1, 2)), in_channels, *size)
    w_shape = (out_channels, in_channels // groups, *kernel)
    options = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
    return x_shape, w_shape, options, draw(st.booleans())


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@settings(max_examples=25)
@given(config=_conv_configs())
def test_random_configurations_gradcheck_and_match_torch(config):
    x_shape, w_shape, options, bias = config
    inputs = _tensors(x_shape, w_shape, bias, seed=8)
    assert al.gradcheck(lambda *args: F.conv2d(*args, **options), inputs)
    torch = pytest.importorskip("torch")
    theirs = [torch.tensor(t.numpy(), requires_grad=True) for t in inputs]
    out, expected = F.conv2d(*inputs, **options), torch.nn.functional.conv2d(*theirs, **options)
    _assert_close(out, expected, 1e-10, atol=1e-12)
    out.sum().backward()
    expected.sum().backward()
    for mine, reference in zip(inputs, theirs):
        _assert_close(mine.grad, reference.grad, 1e-10, atol=1e-12)
