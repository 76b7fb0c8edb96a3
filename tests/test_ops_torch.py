"""PyTorch as an optional oracle: forward values and gradients of every table op
(float64, random upstream gradient) must match torch's to rounding."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from op_table import OPS, OPS_BY_NAME, torch_index_supported

import autograd_lite as al

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("spec", OPS, ids=repr)
@settings(max_examples=15)
@given(data=st.data())
def test_matches_torch(spec, data):
    case = spec.draw(data)
    # torch has no negative-step slices, and reduces every axis for dim=().
    assume(torch_index_supported(case))
    assume(case.kwargs.get("axis", None) != ())

    ours = [al.tensor(a, requires_grad=True) for a in case.arrays]
    theirs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in case.arrays]
    out = spec.fn(*ours, **case.kwargs)
    expected = spec.torch_fn(*theirs, **case.kwargs)

    assert out.shape == tuple(expected.shape)
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=1e-12, atol=1e-12)

    upstream = np.random.default_rng(4).uniform(-1, 1, out.shape)
    out.backward(upstream)
    expected.backward(torch.from_numpy(upstream))
    for mine, reference in zip(ours, theirs):
        np.testing.assert_allclose(mine.grad.numpy(), reference.grad.numpy(), rtol=1e-10, atol=1e-12)


def _both(values):
    return (
        al.tensor(values, dtype=np.float64, requires_grad=True),
        torch.tensor(values, dtype=torch.float64, requires_grad=True),
    )


@pytest.mark.parametrize(
    "name, ours, theirs, values",
    [
        ("relu_kink", al.relu, torch.relu, [-1.0, 0.0, 1.0]),
        ("abs_kink", al.abs, torch.abs, [-1.0, 0.0, 1.0]),
        ("clip_bounds", lambda x: x.clip(-1, 1), lambda x: x.clamp(-1, 1), [-1.0, 0.0, 1.0, 2.0]),
        (
            "leaky_relu_kink",
            lambda x: al.leaky_relu(x, 0.3),
            lambda x: torch.nn.functional.leaky_relu(x, 0.3),
            [0.0, -2.0],
        ),
        ("elu_kink", lambda x: al.elu(x, 0.7), lambda x: torch.nn.functional.elu(x, 0.7), [0.0, -2.0, 3.0]),
        ("max_ties", lambda x: x.max(), torch.amax, [1.0, 3.0, 3.0]),
        (
            "min_ties_axis",
            lambda x: x.reshape(2, 2).amin(axis=1),
            lambda x: x.reshape(2, 2).amin(dim=1),
            [1.0, 1.0, 0.0, 2.0],
        ),
        ("softplus_threshold", al.softplus, torch.nn.functional.softplus, [19.9, 20.0, 20.5, -40.0]),
        ("sqrt_zero", al.sqrt, torch.sqrt, [0.0, 4.0]),
        ("std_constant", lambda x: x.std(), torch.std, [2.0, 2.0, 2.0]),
        ("pow_zero_base", lambda x: x**2.0, lambda x: x**2.0, [0.0, -1.0]),
        ("logsumexp_large", lambda x: x.logsumexp(), lambda x: x.logsumexp(0), [1e4, 1e4 - 1, -1e4]),
        ("softmax_large", lambda x: x.softmax()[0], lambda x: x.softmax(0)[0], [1e4, 1e4 - 1, -1e4]),
        ("sigmoid_large", al.sigmoid, torch.sigmoid, [1e4, -1e4, 0.0]),
        ("logsumexp_all_minus_inf", lambda x: x.logsumexp(), lambda x: x.logsumexp(0), [-np.inf, -np.inf]),
        ("softmax_minus_inf", lambda x: x.softmax()[0], lambda x: x.softmax(0)[0], [0.0, -np.inf, 1.0]),
        ("var_no_dof", lambda x: x.var(axis=0, ddof=2), lambda x: x.var(dim=0, correction=2), [1.0, 2.0]),
        ("std_no_dof", lambda x: x.std(axis=0, ddof=2), lambda x: x.std(dim=0, correction=2), [1.0, 2.0]),
        (
            "max_axis_ties",
            lambda x: x.reshape(2, 3).amax(axis=-1),
            lambda x: x.reshape(2, 3).amax(dim=-1),
            [1.0, 1.0, 1.0, 0.0, 2.0, 2.0],
        ),
        (
            "max_dim_ties",
            lambda x: x.reshape(2, 3).max(-1).values,
            lambda x: x.reshape(2, 3).max(-1).values,
            [1.0, 1.0, 1.0, 0.0, 2.0, 2.0],
        ),
        (
            "maximum_tie_scalar",
            lambda x: al.maximum(x, 1.0),
            lambda x: torch.maximum(x, torch.tensor(1.0, dtype=torch.float64)),
            [1.0, 0.0, 2.0],
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
@pytest.mark.filterwarnings("ignore:.*degrees of freedom is <= 0:UserWarning")  # PyTorch's own warning
def test_edge_values_match_torch(name, ours, theirs, values):
    x, t = _both(values)
    out, expected = ours(x), theirs(t)
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=1e-12)
    out.sum().backward()
    expected.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize(
    "base, exponent",
    [([0.0, 0.0, 2.0, 0.0], [0.0, 1.0, 0.0, 2.5]), ([-2.0, -1.5, 3.0], [3.0, 2.0, -1.0])],
    ids=["zero_base", "negative_base"],
)
def test_pow_of_two_tensors_matches_torch_at_edges(base, exponent):
    a, ta = _both(base)
    b, tb = _both(exponent)
    np.testing.assert_allclose((a**b).numpy(), (ta**tb).detach().numpy())
    (a**b).sum().backward()  # inf and nan where PyTorch has them, without NumPy's warnings
    (ta**tb).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), equal_nan=True)
    np.testing.assert_allclose(b.grad.numpy(), tb.grad.numpy(), equal_nan=True)


def test_scalar_base_pow_matches_torch():
    x, t = _both([0.5, -1.0, 2.0])
    (0.0**x + 3.0**x).sum().backward()
    (0.0**t + 3.0**t).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy())


@pytest.mark.parametrize("spec", OPS, ids=repr)
@settings(max_examples=8)
@given(data=st.data())
def test_second_order_matches_torch(spec, data):
    """d/dx <v, d out/dx . u> through create_graph, against torch's double backward."""
    case = spec.draw(data)
    assume(torch_index_supported(case))
    assume(case.kwargs.get("axis", None) != ())
    rng = np.random.default_rng(7)

    ours = [al.tensor(a, requires_grad=True) for a in case.arrays]
    theirs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in case.arrays]
    out = spec.fn(*ours, **case.kwargs)
    expected = spec.torch_fn(*theirs, **case.kwargs)
    upstream = rng.uniform(-1, 1, out.shape)
    firsts = al.grad(out, ours, grad_outputs=al.tensor(upstream), create_graph=True)
    torch_firsts = torch.autograd.grad(expected, theirs, torch.from_numpy(upstream), create_graph=True)
    directions = [rng.uniform(-1, 1, t.shape) for t in ours]
    total = sum(((g * al.tensor(d)).sum() for g, d in zip(firsts, directions)), al.tensor(0.0))
    torch_total = sum((g * torch.from_numpy(d)).sum() for g, d in zip(torch_firsts, directions))
    torch_seconds = (
        torch.autograd.grad(torch_total, theirs, allow_unused=True)
        if torch_total.requires_grad
        else (None,) * len(theirs)
    )
    if total.requires_grad:
        seconds = al.grad(total, ours, allow_unused=True)
    else:  # a first derivative that does not depend on the inputs (linear ops, masks)
        seconds = (None,) * len(ours)
    for mine, reference in zip(seconds, torch_seconds):
        mine = np.zeros(0) if mine is None else mine.numpy()
        reference = np.zeros(0) if reference is None else reference.numpy(force=True)
        if mine.size == 0 or reference.size == 0:  # unused on one side means zero there
            assert not np.any(mine) and not np.any(reference)
            continue
        np.testing.assert_allclose(mine, reference, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(
    "name",
    [
        "exp",
        "tanh",
        "sigmoid",
        "softplus",
        "gelu",
        "elu",
        "logsumexp",
        "softmax",
        "log_softmax",
        "std",
        "var",
        "div",
    ],
)
@settings(max_examples=10)
@given(data=st.data(), scale=st.sampled_from([1e-3, 30.0, 1e3]))
def test_large_and_small_magnitudes_match_torch(name, data, scale):
    """Stability: forward and gradients at extreme input scales agree with torch."""
    spec = OPS_BY_NAME[name]
    case = spec.draw(data)
    assume(case.kwargs.get("axis", None) != ())
    arrays = [a * scale for a in case.arrays]
    if name == "exp":
        arrays = [np.minimum(a, 700.0) for a in arrays]  # exp(>709) overflows float64 in both
    ours = [al.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    out = spec.fn(*ours, **case.kwargs)
    expected = spec.torch_fn(*theirs, **case.kwargs)
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=1e-9, atol=1e-300)
    upstream = np.random.default_rng(8).uniform(-1, 1, out.shape)
    out.backward(upstream)
    expected.backward(torch.from_numpy(upstream))
    for mine, reference in zip(ours, theirs):
        np.testing.assert_allclose(mine.grad.numpy(), reference.grad.numpy(), rtol=1e-8, atol=1e-300)
