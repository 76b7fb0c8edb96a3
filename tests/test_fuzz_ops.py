"""Property-based tests of every public op on awkward input: empty arrays, zero-size and
0-d shapes, NaN/inf, float32/float64/int/bool tensors, lists, Python and NumPy scalars.

Each call either matches NumPy (shape exactly, dtype by PyTorch's promotion rule, values
within the dtype's tolerance) or raises a TypeError/ValueError/IndexError with a message;
for results that require grad, backward gives every input a gradient of its own shape and
dtype. `EXAMPLES` counts the examples run per op family (shown with -s at the end).
"""

from __future__ import annotations

import collections
import math
import operator
import warnings

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_lite as al
from autograd_lite import Tensor

EXAMPLES: collections.Counter = collections.Counter()
CLEAR_ERRORS = (TypeError, ValueError, IndexError)

FLOATS = (np.float32, np.float64)
INTS = (np.int64, np.int32)
DTYPES = FLOATS + INTS + (np.bool_,)
SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, 20.5, -20.5, 1e4, -1e4, np.nan, np.inf, -np.inf]

shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3)


def _elements(dtype):
    if dtype in FLOATS:
        width = 32 if dtype == np.float32 else 64
        return st.one_of(st.floats(-5, 5, width=width), st.sampled_from(SPECIAL).map(dtype))
    if dtype in INTS:
        return st.integers(-4, 4)
    return st.booleans()


@st.composite
def arrays(draw, dtypes=DTYPES, shape=None):
    dtype = draw(st.sampled_from(dtypes))
    shape = draw(shapes) if shape is None else shape
    return draw(hnp.arrays(dtype, shape, elements=_elements(dtype)))


class Operand:
    """One argument in the form the test hands the library, and what the library makes of it."""

    def __init__(self, value, array, weak, tensor=None):
        self.value = value  # passed to the library
        self.array = array  # the array the library sees (its dtype by PyTorch's rule)
        self.weak = weak  # a Python/NumPy scalar: does not decide the result dtype
        self.tensor = tensor  # the Tensor when one was passed (to check its gradient)

    def __repr__(self):
        return f"Operand({self.value!r})"


@st.composite
def operands(
    draw, dtypes=DTYPES, shape=None, kinds=("tensor", "grad", "list", "ndarray", "scalar", "npscalar")
):
    array = draw(arrays(dtypes, shape))
    # A 0-d array's tolist() is a Python scalar, so lists are drawn for 1-d and up only.
    options = [
        k
        for k in kinds
        if (k not in ("scalar", "npscalar") or array.ndim == 0) and (k != "list" or array.ndim)
    ]
    options = options or ["tensor"]
    if array.dtype.kind != "f":
        options = [k for k in options if k != "grad"] or options
    kind = draw(st.sampled_from(options))
    if kind in ("tensor", "grad"):
        tensor = al.tensor(array, requires_grad=kind == "grad" and array.dtype.kind == "f")
        return Operand(tensor, array, False, tensor)
    if kind == "ndarray":
        return Operand(array.copy(), array, False)
    if kind == "list":
        as_list = array.tolist()
        # Lists of floats become the default float dtype; an empty list is float too.
        kind = array.dtype.kind if array.size else "f"
        library_dtype = {"f": np.float32, "i": np.int64, "b": np.bool_}[kind]
        return Operand(as_list, np.asarray(as_list, dtype=library_dtype), False)
    if kind == "scalar":
        return Operand(array.item(), np.asarray(array.item()), True)
    return Operand(array[()], np.asarray(array[()]), True)


def _category(dtype):
    return {"b": 0, "i": 1, "u": 1, "f": 2}[np.dtype(dtype).kind]


def promoted(*ops):
    """PyTorch's result dtype: category first (bool < int < float); within the highest
    category, dimensioned tensors beat 0-d ones, which beat Python/NumPy scalars; a float
    scalar with integer tensors gives the default float dtype."""
    top = max(_category(o.array.dtype) for o in ops)
    for tier in ("dimensioned", "zero_dim", "scalar"):
        group = [
            o.array.dtype
            for o in ops
            if _category(o.array.dtype) == top
            and (
                o.weak if tier == "scalar" else (not o.weak and (o.array.ndim > 0) == (tier == "dimensioned"))
            )
        ]
        if not group:
            continue
        if tier != "scalar":
            return np.result_type(*group)
        if top == 2:
            return np.dtype(np.float32)  # the default float dtype
        return np.dtype(np.int64) if top == 1 else np.dtype(np.bool_)
    raise AssertionError("no operand")


def _tolerance(dtype):
    return (2e-3, 1e-4) if np.dtype(dtype) == np.float32 else (1e-6, 1e-9)


def _assert_values(out, expected, dtype=None):
    out_array = out.numpy() if isinstance(out, Tensor) else np.asarray(out)
    assert out_array.shape == np.shape(expected), (out_array.shape, np.shape(expected))
    if dtype is not None:
        assert out_array.dtype == dtype, (out_array.dtype, dtype)
    if out_array.dtype.kind == "f":
        rtol, atol = _tolerance(out_array.dtype)
        np.testing.assert_allclose(
            out_array.astype(np.float64),
            np.asarray(expected, np.float64),
            rtol=rtol,
            atol=atol,
            equal_nan=True,
        )
    else:
        np.testing.assert_array_equal(out_array, expected)


def _assert_gradients(out, ops):
    if not isinstance(out, Tensor) or not out.requires_grad:
        return
    out.backward(np.ones(out.shape, dtype=out.dtype))
    for o in ops:
        if o.tensor is not None and o.tensor.requires_grad:
            assert o.tensor.grad is not None
            assert o.tensor.grad.shape == o.tensor.shape and o.tensor.grad.dtype == o.tensor.dtype


def run(family, call, reference, ops, dtype=None, refusal=None):
    """Call the library and NumPy; both fail, or both succeed and agree.

    `refusal` is the message fragment of a deliberate refusal of input NumPy accepts
    (PyTorch's rules); any other error where NumPy succeeds fails the test."""
    EXAMPLES[family] += 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            expected = reference()
            expected_error = None
        except CLEAR_ERRORS as error:
            expected, expected_error = None, error
        try:
            out = call()
        except CLEAR_ERRORS as error:
            assert str(error), f"{type(error).__name__} without a message"
            if expected_error is None:
                assert refusal is not None and refusal in str(error), (
                    f"NumPy gave a result, the library raised {type(error).__name__}: {error}"
                )
            return
        assert expected_error is None, f"NumPy raised {expected_error!r}, the library returned {out!r}"
        _assert_values(out, expected, dtype)
        _assert_gradients(out, ops)


# -- arithmetic and comparison ------------------------------------------------------------

BINARY = {
    "add": (operator.add, np.add),
    "sub": (operator.sub, np.subtract),
    "mul": (operator.mul, np.multiply),
    "div": (operator.truediv, np.true_divide),
    "pow": (operator.pow, np.power),
    "maximum": (al.maximum, np.maximum),
    "minimum": (al.minimum, np.minimum),
}
COMPARE = {
    "lt": operator.lt, "le": operator.le, "gt": operator.gt,
    "ge": operator.ge, "eq": operator.eq, "ne": operator.ne,
}  # fmt: skip


@st.composite
def operand_pairs(draw):
    if draw(st.booleans()):
        a_shape, b_shape = draw(
            hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3)
        ).input_shapes
    else:
        a_shape, b_shape = draw(shapes), draw(shapes)
    a = draw(operands(shape=a_shape))
    b = draw(operands(shape=b_shape))
    if a.tensor is None and b.tensor is None:  # at least one Tensor, or no library call happens
        b = draw(operands(shape=b_shape, kinds=("tensor", "grad")))
    return a, b


def _binary_expected(name, a, b):
    dtype = promoted(a, b)
    if name == "div" and dtype.kind != "f":
        dtype = np.dtype(np.float32)
    if name == "pow" and dtype.kind in "iu" and np.any(np.asarray(b.array) < 0):
        raise ValueError("integers to negative integer powers")
    if name == "pow" and dtype == np.bool_:
        raise TypeError("pow of two bools (PyTorch refuses it)")
    work = np.float64 if dtype.kind == "f" else dtype
    left = np.asarray(a.array).astype(work)
    right = np.asarray(b.array).astype(work)
    return BINARY[name][1](left, right), dtype


@settings(max_examples=300)
@given(name=st.sampled_from(sorted(BINARY)), pair=operand_pairs())
def test_binary_ops(name, pair):
    a, b = pair
    holder = {}

    def reference():
        holder["value"], holder["dtype"] = _binary_expected(name, a, b)
        return holder["value"]

    function = BINARY[name][0]
    family = "elementwise" if name in ("maximum", "minimum") else "arithmetic"
    run(family, lambda: function(a.value, b.value), reference, (a, b))
    if "dtype" in holder:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                out = function(a.value, b.value)
            except CLEAR_ERRORS:
                return
        if holder["dtype"] != np.bool_ or name in ("maximum", "minimum"):
            assert out.dtype == holder["dtype"], (out.dtype, holder["dtype"])


@settings(max_examples=150)
@given(name=st.sampled_from(sorted(COMPARE)), pair=operand_pairs())
def test_comparisons(name, pair):
    a, b = pair
    function = COMPARE[name]

    def reference():
        return function(np.asarray(a.array, np.float64), np.asarray(b.array, np.float64))

    out_dtype = np.dtype(np.bool_)
    run("comparison", lambda: function(a.value, b.value), reference, (a, b), out_dtype)


@settings(max_examples=60)
@given(x=operands(kinds=("tensor", "grad", "list", "ndarray")))
def test_negation(x):
    def reference():
        if x.array.dtype == np.bool_:
            raise TypeError("negation of bool")
        return -x.array

    run("arithmetic", lambda: al.neg(x.value), reference, (x,), x.array.dtype)


@settings(max_examples=80)
@given(x=operands(kinds=("tensor", "grad")), dtype=st.sampled_from(DTYPES))
def test_astype(x, dtype):
    run("arithmetic", lambda: x.value.astype(dtype), lambda: x.array.astype(dtype), (x,), np.dtype(dtype))


# -- elementwise -------------------------------------------------------------------------


def _gelu(x):
    x = np.asarray(x)
    erf = np.vectorize(math.erf, otypes=[np.float64])(x.astype(np.float64) / math.sqrt(2))
    return (0.5 * x.astype(np.float64) * (1 + erf)).astype(x.dtype)


def _sigmoid(x):
    with np.errstate(over="ignore"):
        return np.where(x >= 0, 1 / (1 + np.exp(-np.abs(x))), np.exp(-np.abs(x)) / (1 + np.exp(-np.abs(x))))


UNARY = {
    "exp": (al.exp, np.exp),
    "log": (al.log, np.log),
    "sqrt": (al.sqrt, np.sqrt),
    "sin": (al.sin, np.sin),
    "cos": (al.cos, np.cos),
    "tanh": (al.tanh, np.tanh),
    "sigmoid": (al.sigmoid, _sigmoid),
    "relu": (al.relu, lambda x: np.where(np.isnan(x), x, np.maximum(x, 0))),
    "leaky_relu": (lambda x: al.leaky_relu(x, 0.2), lambda x: np.where(x > 0, x, 0.2 * x)),
    "elu": (lambda x: al.elu(x, 0.7), lambda x: np.where(x > 0, x, 0.7 * np.expm1(np.minimum(x, 0)))),
    "softplus": (al.softplus, lambda x: np.where(x > 20, x, np.log1p(np.exp(np.minimum(x, 20))))),
    "gelu": (al.gelu, _gelu),
}


@settings(max_examples=300)
@given(name=st.sampled_from(sorted(UNARY)), x=operands())
def test_unary_elementwise(name, x):
    function, numpy_function = UNARY[name]
    dtype = x.array.dtype if x.array.dtype.kind == "f" and not x.weak else np.dtype(np.float32)
    if x.weak and isinstance(x.value, np.floating):
        dtype = x.array.dtype  # a NumPy float scalar keeps its dtype
    run(
        "elementwise",
        lambda: function(x.value),
        lambda: numpy_function(x.array.astype(np.float64)),
        (x,),
        dtype,
    )


@settings(max_examples=60)
@given(x=operands(kinds=("tensor", "grad", "list", "ndarray")))
def test_abs(x):
    def reference():
        if x.array.dtype == np.bool_:
            raise TypeError("abs of bool (PyTorch refuses it)")
        return np.abs(x.array)

    run("elementwise", lambda: al.abs(x.value), reference, (x,), x.array.dtype)


@settings(max_examples=100)
@given(
    x=operands(dtypes=FLOATS, kinds=("tensor", "grad")),
    low=st.one_of(st.none(), st.floats(-3, 3), st.integers(-3, 3)),
    high=st.one_of(st.none(), st.floats(-3, 3)),
)
def test_clip(x, low, high):
    def reference():
        if low is None and high is None:
            raise ValueError("clip needs a bound")
        return np.clip(x.array, low, high)

    run("elementwise", lambda: al.clip(x.value, low, high), reference, (x,), x.array.dtype)


@settings(max_examples=120)
@given(pair=operand_pairs(), condition=st.data())
def test_where(pair, condition):
    a, b = pair
    shape = np.broadcast_shapes(np.shape(a.array), np.shape(b.array)) if _broadcastable(a, b) else (2,)
    mask = condition.draw(hnp.arrays(np.bool_, shape))
    holder = {}

    def reference():
        dtype = promoted(a, b)
        holder["dtype"] = dtype
        work = np.float64 if dtype.kind == "f" else dtype
        return np.where(mask, np.asarray(a.array).astype(work), np.asarray(b.array).astype(work))

    run("elementwise", lambda: al.where(mask, a.value, b.value), reference, (a, b))


def _broadcastable(a, b):
    try:
        np.broadcast_shapes(np.shape(a.array), np.shape(b.array))
        return True
    except ValueError:
        return False


# -- reductions ------------------------------------------------------------------------

axes = st.one_of(
    st.none(),
    st.integers(-4, 3),
    st.lists(st.integers(-4, 3), max_size=3).map(tuple),
)


def _numpy_axis(axis):
    return axis


def _logsumexp(x, axis, keepdims):
    shift = np.max(x, axis=axis, keepdims=True) if x.size else np.zeros([1] * x.ndim)
    shift = np.where(np.isfinite(shift), shift, 0)
    out = np.log(np.sum(np.exp(x - shift), axis=axis, keepdims=True)) + shift
    return out if keepdims else np.squeeze(out, axis=tuple(range(x.ndim)) if axis is None else axis)


def _values(result):
    return result.values if isinstance(result, tuple) else result


REDUCTIONS = {
    "sum": lambda x, axis, keepdims: np.sum(x, axis=axis, keepdims=keepdims),
    "mean": lambda x, axis, keepdims: np.mean(x, axis=axis, keepdims=keepdims),
    "max": lambda x, axis, keepdims: np.max(x, axis=axis, keepdims=keepdims),
    "min": lambda x, axis, keepdims: np.min(x, axis=axis, keepdims=keepdims),
    "var": lambda x, axis, keepdims: np.var(x, axis=axis, keepdims=keepdims, ddof=1),
    "std": lambda x, axis, keepdims: np.std(x, axis=axis, keepdims=keepdims, ddof=1),
    "logsumexp": _logsumexp,
}


def _reduction_dtype(name, dtype):
    if name == "sum" and dtype.kind in "biu":
        return np.dtype(np.int64)  # as PyTorch: integer and bool sums are int64
    if name in ("sum", "max", "min"):
        return dtype
    return dtype if dtype.kind == "f" else np.dtype(np.float32)


@settings(max_examples=300)
@given(
    name=st.sampled_from(sorted(REDUCTIONS)),
    x=operands(kinds=("tensor", "grad", "list")),
    axis=axes,
    keepdims=st.booleans(),
)
def test_reductions(name, x, axis, keepdims):
    method = {"var": lambda t, a, k: al.var(t, a, ddof=1, keepdims=k)}.get(
        name, lambda t, a, k: getattr(al, name)(t, axis=a, keepdims=k)
    )
    if name in ("max", "min"):
        # Over one dim these give PyTorch's (values, indices) pair.
        method = lambda t, a, k, name=name: _values(getattr(al, name)(t, axis=a, keepdims=k))  # noqa: E731
    array = x.array

    def reference():
        if isinstance(axis, tuple) and len(set(a % max(array.ndim, 1) for a in axis)) != len(axis):
            raise ValueError("repeated axis")
        work = (
            array.astype(np.float64)
            if name not in ("sum", "max", "min") or array.dtype.kind == "f"
            else array
        )
        if work.dtype == np.bool_ and name == "sum":
            work = work.astype(np.int64)
        # As PyTorch, a 0-d tensor takes axis 0 or -1 (NumPy refuses them).
        # As PyTorch, dim=() reduces every axis.
        return REDUCTIONS[name](
            work, None if array.ndim == 0 and axis in (0, -1) or axis == () else axis, keepdims
        )

    run(
        "reduction",
        lambda: method(x.value, axis, keepdims),
        reference,
        (x,),
        _reduction_dtype(name, array.dtype),
    )


@settings(max_examples=100)
@given(
    name=st.sampled_from(["argmax", "argmin"]),
    x=operands(kinds=("tensor", "grad", "list")),
    axis=st.one_of(st.none(), st.integers(-4, 3)),
)
def test_arg_reductions(name, x, axis):
    def reference():
        return getattr(np, name)(x.array, axis=axis)

    run("reduction", lambda: getattr(al, name)(x.value, axis=axis), reference, (x,), np.dtype(np.int64))


# -- shape ---------------------------------------------------------------------------------


@settings(max_examples=150)
@given(
    x=operands(kinds=("tensor", "grad", "list")),
    new_shape=st.lists(st.integers(-2, 4), max_size=4).map(tuple),
)
def test_reshape(x, new_shape):
    def reference():
        if new_shape.count(-1) > 1 or any(n < -1 for n in new_shape):
            raise ValueError("bad shape")
        return np.reshape(x.array, new_shape)

    run("shape", lambda: al.reshape(x.value, new_shape), reference, (x,), x.array.dtype)


@settings(max_examples=150)
@given(x=operands(kinds=("tensor", "grad")), data=st.data())
def test_transpose_squeeze_unsqueeze_flatten(x, data):
    ndim = x.array.ndim
    choice = data.draw(st.sampled_from(["transpose", "squeeze", "unsqueeze", "flatten", "T"]))
    if choice == "transpose":
        axes_ = data.draw(
            st.one_of(
                st.just(None),
                st.permutations(range(ndim)).map(tuple),
                st.lists(st.integers(-4, 4), min_size=1, max_size=4).map(tuple),
            )
        )

        def reference():
            if axes_ is not None and len(axes_) != ndim:
                raise ValueError("wrong number of axes")
            return np.transpose(x.array, axes_)

        def call():
            return x.value.transpose() if axes_ is None else x.value.transpose(axes_)
    elif choice == "squeeze":
        axis = data.draw(st.one_of(st.none(), st.integers(-4, 3)))

        def reference():
            shape = x.array.shape
            if axis is not None and -len(shape) <= axis < len(shape) and shape[axis] != 1:
                return x.array  # PyTorch's squeeze leaves a dimension that is not 1
            return np.squeeze(x.array, axis=axis)

        def call():
            return x.value.squeeze(axis)
    elif choice == "unsqueeze":
        axis = data.draw(st.integers(-5, 4))

        def reference():
            return np.expand_dims(x.array, axis)

        def call():
            return x.value.unsqueeze(axis)
    elif choice == "flatten":

        def reference():
            return x.array.flatten()

        def call():
            return x.value.flatten()
    else:

        def reference():
            return x.array.T

        def call():
            return x.value.T

    run("shape", call, reference, (x,), x.array.dtype)


@settings(max_examples=100)
@given(
    x=operands(kinds=("tensor", "grad")),
    target=hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=3),
)
def test_broadcast_to(x, target):
    run(
        "shape",
        lambda: x.value.broadcast_to(target),
        lambda: np.broadcast_to(x.array, target),
        (x,),
        x.array.dtype,
    )


@settings(max_examples=150)
@given(
    data=st.data(),
    join=st.sampled_from(["concatenate", "stack"]),
    count=st.integers(1, 3),
    axis=st.integers(-4, 3),
)
def test_concatenate_and_stack(data, join, count, axis):
    base = data.draw(shapes)
    parts = []
    for _ in range(count):
        shape = base if data.draw(st.integers(0, 4)) else data.draw(shapes)
        parts.append(data.draw(operands(shape=shape, kinds=("tensor", "grad", "ndarray", "list"))))
    holder = {}

    def reference():
        arrays_ = [p.array for p in parts]
        if any(a.dtype.kind == "f" for a in arrays_):
            dtype = np.result_type(*[a.dtype for a in arrays_ if a.dtype.kind == "f"])
        else:
            dtype = np.result_type(*arrays_)
        holder["dtype"] = dtype
        return getattr(np, join)([a.astype(dtype) for a in arrays_], axis=axis)

    run("shape", lambda: getattr(al, join)([p.value for p in parts], axis=axis), reference, parts)


# -- indexing ------------------------------------------------------------------------------

index_parts = st.one_of(
    st.integers(-4, 3),
    st.slices(4),
    st.none(),
    st.just(Ellipsis),
    st.lists(st.integers(-4, 3), max_size=3),
    hnp.arrays(np.int64, st.integers(0, 3), elements=st.integers(-4, 3)),
)


@settings(max_examples=300)
@given(x=operands(kinds=("tensor", "grad")), data=st.data())
def test_indexing(x, data):
    if data.draw(st.booleans()) and x.array.ndim:
        index = data.draw(hnp.arrays(np.bool_, x.array.shape))  # a boolean mask
    else:
        index = tuple(data.draw(st.lists(index_parts, max_size=3)))
        if len(index) == 1 and data.draw(st.booleans()):
            index = index[0]
    as_tensor_index = data.draw(st.booleans())

    def library_index(part):
        return al.tensor(part) if as_tensor_index and isinstance(part, np.ndarray) and part.size else part

    wrapped = tuple(library_index(p) for p in index) if isinstance(index, tuple) else library_index(index)

    def reference():
        return x.array[index]

    run("indexing", lambda: x.value[wrapped], reference, (x,), x.array.dtype)


# -- matrix products and softmax -----------------------------------------------------------


@settings(max_examples=200)
@given(data=st.data())
def test_matmul(data):
    if data.draw(st.booleans()):
        a_shape, b_shape = data.draw(
            hnp.mutually_broadcastable_shapes(signature="(m?,n),(n,p?)->(m?,p?)", max_side=3)
        ).input_shapes
    else:
        a_shape, b_shape = data.draw(shapes), data.draw(shapes)
    a = data.draw(operands(dtypes=FLOATS + INTS, shape=a_shape, kinds=("tensor", "grad", "ndarray", "list")))
    b = data.draw(operands(dtypes=FLOATS + INTS, shape=b_shape, kinds=("tensor", "grad")))

    a_dtype, b_dtype = a.array.dtype, b.array.dtype
    if a_dtype != b_dtype and (isinstance(a.value, Tensor) or (a_dtype.kind == "f" and b_dtype.kind != "f")):
        # PyTorch's rule: two tensors of different dtypes are refused (plain data takes the
        # tensor's dtype unless that would drop its fractions).
        with pytest.raises(RuntimeError, match="same dtype"):
            al.matmul(a.value, b.value)
        return

    def reference():
        return np.matmul(a.array.astype(b_dtype), b.array)

    run(
        "linalg",
        lambda: a.value @ b.value if isinstance(a.value, Tensor) else al.matmul(a.value, b.value),
        reference,
        (a, b),
    )


@settings(max_examples=80)
@given(
    data=st.data(),
    batch=hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3),
    n_in=st.integers(0, 3),
    n_out=st.integers(0, 3),
    bias=st.booleans(),
    bad=st.integers(0, 5),
)
def test_linear(data, batch, n_in, n_out, bias, bad):
    x = data.draw(operands(dtypes=FLOATS, shape=batch + (n_in + (bad == 1),), kinds=("tensor", "grad")))
    w = data.draw(operands(dtypes=FLOATS, shape=(n_out, n_in), kinds=("tensor", "grad")))
    b = (
        data.draw(operands(dtypes=FLOATS, shape=(n_out + (bad == 2),), kinds=("tensor", "grad")))
        if bias
        else None
    )

    shapes_fit = x.array.shape[-1] == n_in and (b is None or b.array.shape == (n_out,))
    if shapes_fit and len({x.array.dtype, w.array.dtype, *(() if b is None else (b.array.dtype,))}) > 1:
        with pytest.raises(RuntimeError, match="expected both"):  # PyTorch's rule: no silent promotion
            al.linear(x.value, w.value, None if b is None else b.value)
        return

    def reference():
        if not shapes_fit:
            raise ValueError("shape mismatch")
        dtype = w.array.dtype
        out = x.array.astype(dtype) @ w.array.astype(dtype).T
        return out + b.array if b is not None else out

    run(
        "linalg",
        lambda: al.linear(x.value, w.value, None if b is None else b.value),
        reference,
        (x, w) + ((b,) if b else ()),
    )


@settings(max_examples=150)
@given(
    name=st.sampled_from(["softmax", "log_softmax"]),
    x=operands(kinds=("tensor", "grad", "list")),
    axis=st.integers(-4, 3),
)
def test_softmax_family(name, x, axis):
    array = x.array.astype(np.float64)

    def reference():
        values = array.reshape(1) if array.ndim == 0 else array  # 0-d: axis 0 or -1, as PyTorch
        if not -values.ndim <= axis < values.ndim:
            raise np.exceptions.AxisError(axis, array.ndim)
        shift = np.max(values, axis=axis, keepdims=True, initial=-np.inf)
        shift = np.where(np.isfinite(shift), shift, 0)
        log_total = np.log(np.sum(np.exp(values - shift), axis=axis, keepdims=True)) + shift
        out = (values - log_total).reshape(array.shape)
        return out if name == "log_softmax" else np.exp(out)

    dtype = x.array.dtype if x.array.dtype.kind == "f" and not x.weak else np.dtype(np.float32)
    run("softmax", lambda: getattr(al, name)(x.value, axis=axis), reference, (x,), dtype)


def test_examples_ran_for_every_family():
    """Runs last in this module: reports the count of examples per family."""
    families = {
        "arithmetic",
        "comparison",
        "elementwise",
        "reduction",
        "shape",
        "indexing",
        "linalg",
        "softmax",
    }
    if not families <= set(EXAMPLES):
        pytest.skip("run the whole module to count examples")
    print("\nhypothesis examples per op family:", dict(sorted(EXAMPLES.items())))
    assert all(EXAMPLES[f] >= 40 for f in families), EXAMPLES
