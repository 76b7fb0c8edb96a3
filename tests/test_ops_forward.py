"""Forward values of every op in the table against its NumPy reference, in float32
and float64, with and without grad mode; the table covers every op of SPEC §1."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from op_table import OPS, SPEC_OPS, covered_ops

import autograd_lite as al

# grad_fn.name where it is not the op's own name: reflected operators are the same op,
# and some shape ops are reshapes.
GRAD_FN_ALIASES = {
    "radd": "add",
    "rsub": "sub",
    "rmul": "mul",
    "rtruediv": "div",
    "rpow": "pow",
    "rmatmul": "matmul",
    "getitem": "index",
    "T": "transpose",
    "flatten": "reshape",
    "squeeze": "reshape",
    "unsqueeze": "reshape",
    "view": "reshape",
    "unflatten": "reshape",
    "permute": "transpose",
    "t": "transpose",
    "cat": "concatenate",
    "split": "concatenate",  # the table joins the pieces again
    "chunk": "concatenate",
    "unbind": "stack",
    "hstack": "concatenate",
    "vstack": "concatenate",
    "dstack": "concatenate",
    "movedim": "transpose",
    "swapaxes": "transpose",
    "narrow": "index",
    "tensor_split": "concatenate",
    "tile": "repeat",
    "repeat_interleave": "index_select",
    "diff": "sub",
    "dot": "matmul",
    "inner": "einsum",
    "tensordot": "einsum",
    "nansum": "sum",
    "nanmean": "div",
    "var_mean": "stack",
    "std_mean": "stack",
    "scatter": "index_put",
    "scatter_add": "add",
    "index_add": "add",
}

TOLERANCE = {np.float32: dict(rtol=2e-5, atol=2e-6), np.float64: dict(rtol=1e-12, atol=1e-12)}


def test_table_covers_every_differentiable_op_of_the_spec():
    assert SPEC_OPS <= covered_ops(), sorted(SPEC_OPS - covered_ops())


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("spec", OPS, ids=repr)
@settings(max_examples=15)
@given(data=st.data())
def test_forward_matches_numpy(spec, dtype, data):
    case = spec.draw(data)
    arrays = [a.astype(dtype) for a in case.arrays]
    expected = np.asarray(spec.ref(*[a.copy() for a in arrays], **case.kwargs))
    tensors = [al.tensor(a, requires_grad=True) for a in arrays]

    out = spec.fn(*tensors, **case.kwargs)

    assert isinstance(out, al.Tensor)
    assert out.shape == expected.shape
    assert out.dtype == expected.dtype, "float32 must stay float32"
    np.testing.assert_allclose(out.numpy(), expected, **TOLERANCE[dtype])
    for tensor, array in zip(tensors, arrays):
        np.testing.assert_array_equal(tensor.numpy(), array)  # inputs untouched
    assert out.requires_grad and not out.is_leaf
    if not (spec.op in ("softmax", "log_softmax") and out.ndim == 0):  # 0-d goes through a reshape
        assert out.grad_fn.name in {spec.op, GRAD_FN_ALIASES.get(spec.op)}

    with al.no_grad():
        plain = spec.fn(*tensors, **case.kwargs)
    assert not plain.requires_grad and plain.grad_fn is None
    np.testing.assert_array_equal(plain.numpy(), out.numpy())


@pytest.mark.parametrize("spec", OPS, ids=repr)
def test_forward_without_requires_grad_records_nothing(spec):
    @settings(max_examples=3)
    @given(data=st.data())
    def check(data):
        case = spec.draw(data)
        out = spec.fn(*[al.tensor(a) for a in case.arrays], **case.kwargs)
        assert out.grad_fn is None and not out.requires_grad and out.is_leaf

    check()


def test_methods_and_functions_agree():
    x = al.tensor([[-1.5, 0.5, 2.0], [0.25, -0.75, 1.0]])
    pairs = {
        "exp": (x.exp(), al.exp(x)),
        "tanh": (x.tanh(), al.tanh(x)),
        "sigmoid": (x.sigmoid(), al.sigmoid(x)),
        "relu": (x.relu(), al.relu(x)),
        "leaky_relu": (x.leaky_relu(0.1), al.leaky_relu(x, negative_slope=0.1)),
        "elu": (x.elu(0.5), al.elu(x, alpha=0.5)),
        "softplus": (x.softplus(), al.softplus(x)),
        "gelu": (x.gelu(), al.gelu(x)),
        "clip": (x.clip(-1, 1), al.clip(x, min=-1, max=1)),
        "sum": (x.sum(axis=-1), al.sum(x, axis=-1)),
        "mean": (x.mean(axis=0, keepdims=True), al.mean(x, axis=0, keepdims=True)),
        "var": (x.var(ddof=1), al.var(x, ddof=1)),
        "std": (x.std(axis=1), al.std(x, axis=1)),
        "logsumexp": (x.logsumexp(axis=(0, 1)), al.logsumexp(x, axis=(0, 1))),
        "max": (x.max(axis=1).values, al.max(x, axis=1).values),
        "min": (x.min(), al.min(x)),
        "reshape": (x.reshape(3, 2), al.reshape(x, (3, 2))),
        "transpose": (x.transpose(), al.transpose(x)),
        "flatten": (x.flatten(), al.flatten(x)),
        "unsqueeze": (x.unsqueeze(0), al.unsqueeze(x, 0)),
        "squeeze": (x.unsqueeze(1).squeeze(1), al.squeeze(al.unsqueeze(x, 1), 1)),
        "broadcast_to": (x.broadcast_to((4, 2, 3)), al.broadcast_to(x, (4, 2, 3))),
        "softmax": (x.softmax(axis=0), al.softmax(x, axis=0)),
        "log_softmax": (x.log_softmax(), al.log_softmax(x)),
        "getitem": (x[:, [0, 2]], al.getitem(x, (slice(None), [0, 2]))),
        "add": (x + x, al.add(x, x)),
        "sub": (x - 1.0, al.sub(x, 1.0)),
        "mul": (x * x, al.mul(x, x)),
        "div": (x / 2, al.div(x, 2)),
        "pow": (x**2, al.pow(x, 2)),
        "neg": (-x, al.neg(x)),
        "matmul": (x @ x.T, al.matmul(x, x.T)),
        "astype": (x.astype(np.float64), al.astype(x, np.float64)),
    }
    for name, (method, function) in pairs.items():
        assert method.dtype == function.dtype, name
        np.testing.assert_array_equal(method.numpy(), function.numpy(), err_msg=name)


def test_argmax_argmin_match_numpy_and_have_no_grad():
    data = np.array([[1.0, 5.0, 3.0], [7.0, 2.0, 7.0]])
    x = al.tensor(data, requires_grad=True)
    for axis in (None, 0, 1, -1):
        for name in ("argmax", "argmin"):
            out = getattr(x, name)(axis=axis)
            np.testing.assert_array_equal(out.numpy(), getattr(data, name)(axis=axis))
            assert out.dtype == np.int64 and not out.requires_grad


def test_softmax_family_is_stable_for_logits_of_magnitude_1e4():
    logits = al.tensor([[1e4, -1e4, 0.0], [1e4, 1e4, 1e4]], requires_grad=True)
    probs = logits.softmax()
    log_probs = logits.log_softmax()
    assert np.isfinite(probs.numpy()).all() and np.isfinite(log_probs.numpy()).all()
    np.testing.assert_allclose(probs.numpy(), [[1, 0, 0], [1 / 3, 1 / 3, 1 / 3]], atol=1e-7)
    np.testing.assert_allclose(log_probs.numpy()[0], [0, -2e4, -1e4], rtol=1e-6)
    (log_probs[0, 0] + logits.logsumexp(axis=1).sum() + probs[1, 1]).backward()
    assert np.isfinite(logits.grad.numpy()).all()
    assert np.isfinite(al.sigmoid(al.tensor([1e4, -1e4])).numpy()).all()
    assert np.isfinite(al.softplus(al.tensor([1e4, -1e4])).numpy()).all()
