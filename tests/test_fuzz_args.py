"""Property-based tests of invalid arguments to every public op: wrong operand types,
axes out of range or of the wrong type, impossible shapes, bad indices and options.

Each call raises TypeError, ValueError or IndexError whose message names the problem
(never an AttributeError, a KeyError or a NumPy internal message)."""

from __future__ import annotations

import collections

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_lite as al

EXAMPLES: collections.Counter = collections.Counter()
CLEAR_ERRORS = (TypeError, ValueError, IndexError)
# Fragments of NumPy's own messages that do not say which argument of ours was wrong.
NUMPY_INTERNALS = ("ufunc", "casting rule", "did not contain a loop", "object arrays", "buffer")

junk_operands = st.sampled_from(
    [None, "abc", b"xy", object(), {}, {1, 2}, 1j, [[1.0], [1.0, 2.0]], np.array(["a"]),
     np.array([1 + 2j]), np.array([object()]), [1.0, "a"], slice(1), Ellipsis]
)  # fmt: skip
junk_axes = st.sampled_from([1.5, "0", object(), [0.5], True, 99, -99, (0, 0), (0, 99), np.float64(1.0), {}])
junk_shapes = st.sampled_from(
    ["abc", (2.5,), None, (-3,), [[2]], object(), (2, -1, -1), (7,), (1.0, 2.0), {}]
)
junk_indices = st.sampled_from(
    [1.5, "a", object(), [1.5], np.array([1.5]), {}, (slice(None), "x"), 99, -99, [99], [[0, 1], [2]],
     (0, 0, 0, 0), np.array([True, False, True]), (Ellipsis, Ellipsis), 2.0]
)  # fmt: skip
junk_options = st.sampled_from(["a", None, object(), [1, 2], {}, 1j])


def expect_clear_error(family, call, *fragments):
    EXAMPLES[family] += 1
    try:
        result = call()
    except CLEAR_ERRORS as error:
        message = str(error)
        assert message, f"{type(error).__name__} without a message"
        assert not any(fragment in message for fragment in NUMPY_INTERNALS), message
        if fragments:
            assert any(fragment in message for fragment in fragments), message
        return
    raise AssertionError(f"no error; returned {result!r}")


def _x():
    return al.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)


BINARY_CALLS = {
    "add": lambda x, v: x + v,
    "radd": lambda x, v: v + x,
    "sub": lambda x, v: x - v,
    "mul": lambda x, v: al.mul(x, v),
    "div": lambda x, v: v / x,
    "pow": lambda x, v: x**v,
    "matmul": lambda x, v: x @ v,
    "maximum": lambda x, v: al.maximum(x, v),
    "where": lambda x, v: al.where(x > 2, x, v),
    "lt": lambda x, v: x < v,
}


@settings(max_examples=150)
@given(name=st.sampled_from(sorted(BINARY_CALLS)), junk=junk_operands)
def test_junk_operands(name, junk):
    expect_clear_error("operands", lambda: BINARY_CALLS[name](_x(), junk))


UNARY_NAMES = ["exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "relu", "gelu", "softplus",
               "sum", "mean", "max", "var", "logsumexp", "softmax", "flatten", "neg"]  # fmt: skip


@settings(max_examples=120)
@given(name=st.sampled_from(UNARY_NAMES), junk=junk_operands)
def test_junk_inputs_to_functions(name, junk):
    expect_clear_error("operands", lambda: getattr(al, name)(junk))


@settings(max_examples=80)
@given(junk=junk_operands, requires_grad=st.booleans())
def test_junk_tensor_data(junk, requires_grad):
    expect_clear_error("operands", lambda: al.tensor(junk, requires_grad=requires_grad))


AXIS_CALLS = {
    "sum": lambda x, a: x.sum(axis=a),
    "mean": lambda x, a: x.mean(axis=a),
    "max": lambda x, a: x.max(axis=a),
    "min": lambda x, a: al.min(x, axis=a),
    "var": lambda x, a: x.var(axis=a),
    "std": lambda x, a: x.std(axis=a),
    "logsumexp": lambda x, a: x.logsumexp(axis=a),
    "argmax": lambda x, a: x.argmax(axis=a),
    "softmax": lambda x, a: x.softmax(axis=a),
    "log_softmax": lambda x, a: al.log_softmax(x, axis=a),
    "squeeze": lambda x, a: x.squeeze(a),
    "unsqueeze": lambda x, a: x.unsqueeze(a),
    "concatenate": lambda x, a: al.concatenate([x, x], axis=a),
    "stack": lambda x, a: al.stack([x, x], axis=a),
    "transpose": lambda x, a: x.transpose(a, 0),
}


@settings(max_examples=250)
@given(name=st.sampled_from(sorted(AXIS_CALLS)), axis=junk_axes)
def test_bad_axes(name, axis):
    expect_clear_error("axes", lambda: AXIS_CALLS[name](_x(), axis), "axis", "axes", "ax")


@settings(max_examples=100)
@given(shape=junk_shapes, how=st.sampled_from(["reshape", "broadcast_to", "reshape_args"]))
def test_bad_shapes(shape, how):
    x = _x()
    calls = {
        "reshape": lambda: x.reshape(shape),
        "broadcast_to": lambda: x.broadcast_to(shape),
        "reshape_args": lambda: x.reshape(*shape) if isinstance(shape, tuple) else x.reshape(shape),
    }
    expect_clear_error("shapes", calls[how], "shape", "int")


@settings(max_examples=100)
@given(
    left=st.sampled_from([(2, 3), (3,), (4, 2), (0,), (2, 2, 3)]),
    right=st.sampled_from([(3, 2), (2,), (5,), (2, 4, 1), (7, 3)]),
)
def test_incompatible_shapes(left, right):
    a = al.ones(left, requires_grad=True)
    b = al.ones(right)
    try:
        np.broadcast_shapes(left, right)
        broadcastable = True
    except ValueError:
        broadcastable = False
    if not broadcastable:
        expect_clear_error("shapes", lambda: a + b, str(left[-1]), "broadcast", "shape")
        expect_clear_error("shapes", lambda: al.maximum(a, b), "broadcast", "shape")
    try:
        np.matmul(np.ones(left), np.ones(right))
    except ValueError:
        expect_clear_error("shapes", lambda: a @ b, "matmul")
    if left[-1] != right[-1] or len(right) != 2:
        expect_clear_error("shapes", lambda: al.linear(a, b), "linear")
    if left != right:
        expect_clear_error("shapes", lambda: al.stack([a, b]), "stack")


@settings(max_examples=120)
@given(index=junk_indices)
def test_bad_indices(index):
    x = _x()
    try:
        np.ones((2, 3))[index]
    except (IndexError, TypeError, ValueError):
        expect_clear_error("indices", lambda: x[index], "ind", "dimension")
        return
    result = x[index]  # NumPy accepts it: so must we, with NumPy's shape
    assert result.shape == np.ones((2, 3))[index].shape


@settings(max_examples=80)
@given(
    option=junk_options, name=st.sampled_from(["leaky_relu", "elu", "var_ddof", "clip", "astype", "backward"])
)
def test_bad_options(option, name):
    x = _x()
    calls = {
        "leaky_relu": lambda: al.leaky_relu(x, option),
        "elu": lambda: al.elu(x, option),
        "var_ddof": lambda: x.var(ddof=option if option is not None else "none"),
        "clip": lambda: al.clip(x, option if option is not None else "none", 1.0),
        "astype": lambda: x.astype(option if option is not None else "no-such-type"),
        "backward": lambda: x.sum().backward(gradient=option if option is not None else "none"),
    }
    if name == "backward" and isinstance(option, list):
        # A gradient of the wrong shape is PyTorch's RuntimeError, naming both shapes.
        with pytest.raises(RuntimeError, match=r"shape \(2,\).*shape \(\)"):
            calls[name]()
        return
    expect_clear_error("options", calls[name])


def test_every_family_ran():
    families = {"operands", "axes", "shapes", "indices", "options"}
    if not families <= set(EXAMPLES):
        pytest.skip("run the whole module to count examples")
    print("\nhypothesis examples per argument family:", dict(sorted(EXAMPLES.items())))
