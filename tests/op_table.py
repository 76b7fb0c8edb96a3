"""The one table of differentiable ops that drives the forward, gradcheck,
second-order and PyTorch-oracle tests.

Each `OpSpec` names the SPEC operation it covers (`op`), how to call it on
autograd_lite Tensors (`fn`), a NumPy reference for the forward (`ref`), an
optional PyTorch equivalent (`torch_fn`) and `draw`, which uses hypothesis to
pick shapes and options and a seeded generator for the values. Values are drawn
from the op's domain (positive for log/sqrt, away from kinks for abs/relu/clip,
no near-ties for max/min/maximum) so that central differences are meaningful.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import hypothesis.extra.numpy as hnp
import numpy as np
from hypothesis import strategies as st

import autograd_lite as al


@dataclass
class Case:
    """Inputs for one call: `arrays` become Tensors (the differentiated inputs),
    `kwargs` are passed unchanged to `fn`, `ref` and `torch_fn`."""

    arrays: tuple
    kwargs: dict = field(default_factory=dict)


@dataclass(frozen=True)
class OpSpec:
    name: str
    op: str
    fn: Callable[..., Any]
    ref: Callable[..., Any]
    draw: Callable[[Any], Case]
    torch_fn: Callable[..., Any] | None = None

    def __repr__(self) -> str:
        return self.name


# Every differentiable operation of SPEC §1; the table must cover each one.
SPEC_OPS = frozenset(
    """add sub mul div pow matmul radd rsub rmul rtruediv rpow rmatmul neg abs exp log sqrt
    sin cos tanh sigmoid relu leaky_relu elu softplus gelu clip maximum minimum where sum mean
    max min var std logsumexp reshape transpose T flatten squeeze unsqueeze broadcast_to
    getitem concatenate stack softmax log_softmax astype linear""".split()
)

# -- value domains ------------------------------------------------------------------------


def real(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    return np.asarray(rng.uniform(-2.0, 2.0, shape))


def positive(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    return np.asarray(rng.uniform(0.5, 2.0, shape))


def nonzero(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    """Away from 0 (the kink of abs/relu, the pole of 1/x)."""
    return np.asarray(rng.choice([-1.0, 1.0], shape) * rng.uniform(0.2, 2.0, shape))


def distinct(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    """No two elements closer than 0.15, so max/min have no near-ties."""
    size = math.prod(shape)
    values = rng.permutation(size) * 0.25 - size * 0.125 + rng.uniform(-0.05, 0.05, size)
    return values.reshape(shape)


def on_grid(rng: np.random.Generator, shape: tuple, offset: float) -> np.ndarray:
    """Multiples of 0.5 plus `offset`: two grids with offsets 0 and 0.25 never tie."""
    return np.asarray(rng.integers(-4, 5, shape) * 0.5 + offset)


CLIP_LOW, CLIP_HIGH = -0.5, 0.5


def away_from_clip_bounds(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    pieces = np.stack(
        [rng.uniform(-2.0, -0.6, shape), rng.uniform(-0.4, 0.4, shape), rng.uniform(0.6, 2.0, shape)]
    )
    choice = rng.integers(0, 3, shape)
    return np.take_along_axis(pieces, choice[None], axis=0)[0]


# -- shape strategies -----------------------------------------------------------------------

SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3)
NONEMPTY_DIMS = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3)


def rng_from(data: Any) -> np.random.Generator:
    return np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))


def unary(domain: Callable = real, shapes: Any = SHAPES) -> Callable[[Any], Case]:
    def draw(data: Any) -> Case:
        shape = data.draw(shapes, label="shape")
        return Case((domain(rng_from(data), shape),))

    return draw


def binary(domain_a: Callable = real, domain_b: Callable = real) -> Callable[[Any], Case]:
    """Two operands of mutually broadcastable shapes (0-d and size-1 dims included)."""

    def draw(data: Any) -> Case:
        shapes = data.draw(
            hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3), label="shapes"
        )
        rng = rng_from(data)
        a_shape, b_shape = shapes.input_shapes
        return Case((domain_a(rng, a_shape), domain_b(rng, b_shape)))

    return draw


def draw_axis(data: Any, ndim: int, allow_none: bool = True, allow_tuple: bool = True) -> Any:
    """None, an int (possibly negative) or a tuple of distinct axes (possibly negative, possibly empty)."""
    options = []
    if allow_none:
        options.append(st.none())
    if ndim:
        options.append(st.integers(-ndim, ndim - 1))
    if allow_tuple:
        options.append(
            st.lists(st.integers(0, max(ndim - 1, 0)), unique=True, max_size=ndim).flatmap(
                lambda axes: st.tuples(*[st.sampled_from([a, a - ndim]) for a in axes])
            )
        )
    return data.draw(st.one_of(*options), label="axis")


def reduction(domain: Callable = real, ddof: bool = False) -> Callable[[Any], Case]:
    def draw(data: Any) -> Case:
        shape = data.draw(SHAPES, label="shape")
        kwargs = {"axis": draw_axis(data, len(shape)), "keepdims": data.draw(st.booleans(), label="keepdims")}
        if ddof:
            axes = _axes(kwargs["axis"], len(shape))
            count = math.prod(shape[a] for a in axes)
            kwargs["ddof"] = data.draw(st.integers(0, max(count - 1, 0)), label="ddof")
        return Case((domain(rng_from(data), shape),), kwargs)

    return draw


def _axes(axis: Any, ndim: int) -> tuple:
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, int):
        return (axis % ndim,) if ndim else ()
    return tuple(a % ndim for a in axis)


def _np_axis(axis: Any) -> Any:
    """NumPy's spelling of a reduction's `dim`: () reduces every axis (PyTorch's rule)."""
    return None if axis == () else axis


def _values(result: Any) -> Any:
    """The values of `max`/`min` over one dim (a named pair), or the tensor itself."""
    return result.values if isinstance(result, tuple) else result


def _torch_dim(axis: Any, ndim: int) -> tuple:
    return _axes(axis, ndim)


def draw_reshape(data: Any) -> Case:
    shape = data.draw(SHAPES, label="shape")
    remaining = math.prod(shape)
    target = []
    while remaining > 1 and len(target) < 3:
        divisors = [d for d in range(1, remaining + 1) if remaining % d == 0]
        d = data.draw(st.sampled_from(divisors), label="dim")
        target.append(d)
        remaining //= d
    target.append(remaining)
    if data.draw(st.booleans(), label="infer"):
        target[data.draw(st.integers(0, len(target) - 1), label="infer_at")] = -1
    return Case((real(rng_from(data), shape),), {"shape": tuple(target)})


def draw_transpose(data: Any) -> Case:
    shape = data.draw(SHAPES, label="shape")
    ndim = len(shape)
    if data.draw(st.booleans(), label="reverse"):
        axes = None
    else:
        perm = data.draw(st.permutations(range(ndim)), label="perm")
        axes = tuple(data.draw(st.sampled_from([a, a - ndim]), label="sign") for a in perm)
    return Case((real(rng_from(data), shape),), {"axes": axes})


def draw_squeeze(data: Any) -> Case:
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=2), label="shape")
    ndim = len(shape)
    ones = [i for i, n in enumerate(shape) if n == 1]
    choice = data.draw(st.sampled_from(["none", "int", "tuple"] if ones else ["none"]), label="kind")
    if choice == "none":
        axis = None
    elif choice == "int":
        a = data.draw(st.sampled_from(ones), label="axis")
        axis = data.draw(st.sampled_from([a, a - ndim]), label="sign")
    else:
        chosen = data.draw(st.lists(st.sampled_from(ones), unique=True, min_size=1), label="axes")
        axis = tuple(data.draw(st.sampled_from([a, a - ndim]), label="sign") for a in chosen)
    return Case((real(rng_from(data), shape),), {"axis": axis})


def draw_unsqueeze(data: Any) -> Case:
    shape = data.draw(SHAPES, label="shape")
    axis = data.draw(st.integers(-len(shape) - 1, len(shape)), label="axis")
    return Case((real(rng_from(data), shape),), {"axis": axis})


def draw_broadcast_to(data: Any) -> Case:
    target = data.draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3), label="target")
    keep = data.draw(st.integers(0, len(target)), label="kept_dims")
    source = tuple(n if data.draw(st.booleans(), label="keep") else 1 for n in target[len(target) - keep :])
    return Case((real(rng_from(data), source),), {"shape": target})


def draw_concatenate(data: Any) -> Case:
    shape = data.draw(NONEMPTY_DIMS, label="shape")
    ndim = len(shape)
    axis = data.draw(st.integers(-ndim, ndim - 1), label="axis")
    count = data.draw(st.integers(1, 3), label="count")
    rng = rng_from(data)
    arrays = []
    for _ in range(count):
        part = list(shape)
        part[axis] = data.draw(st.integers(1, 3), label="size")
        arrays.append(real(rng, tuple(part)))
    return Case(tuple(arrays), {"axis": axis})


def draw_stack(data: Any) -> Case:
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=1, max_side=3), label="shape")
    axis = data.draw(st.integers(-len(shape) - 1, len(shape)), label="axis")
    count = data.draw(st.integers(1, 3), label="count")
    rng = rng_from(data)
    return Case(tuple(real(rng, shape) for _ in range(count)), {"axis": axis})


def draw_matmul(data: Any) -> Case:
    """1-D @ 1-D, 1-D @ batched, batched @ 1-D and broadcast batch dimensions."""
    kind = data.draw(st.sampled_from(["vv", "vm", "mv", "mm"]), label="kind")
    n, m, k = (data.draw(st.integers(1, 3), label="size") for _ in range(3))
    batches = data.draw(
        hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=2, max_side=2), label="batch"
    )
    batch_a, batch_b = batches.input_shapes
    a_shape = (k,) if kind in ("vv", "vm") else batch_a + (n, k)
    b_shape = (k,) if kind in ("vv", "mv") else batch_b + (k, m)
    rng = rng_from(data)
    return Case((real(rng, a_shape), real(rng, b_shape)))


def _constant_left(case: Case) -> Case:
    a, b = case.arrays
    return Case((b,), {"a": a})


def draw_linear(data: Any) -> Case:
    batch = data.draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=1, max_side=3), label="batch")
    n_in, n_out = data.draw(st.integers(1, 3), label="in"), data.draw(st.integers(1, 3), label="out")
    rng = rng_from(data)
    arrays = (real(rng, batch + (n_in,)), real(rng, (n_out, n_in)))
    if data.draw(st.booleans(), label="bias"):
        arrays += (real(rng, (n_out,)),)
    return Case(arrays)


def draw_softmax(data: Any) -> Case:
    shape = data.draw(SHAPES, label="shape")
    ndim = len(shape)
    axis = data.draw(st.integers(-ndim, ndim - 1), label="axis") if ndim else -1
    return Case((real(rng_from(data), shape) * 3,), {"axis": axis})


def draw_where(data: Any) -> Case:
    shapes = data.draw(
        hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3), label="shapes"
    )
    rng = rng_from(data)
    cond_shape, a_shape, b_shape = shapes.input_shapes
    return Case(
        (real(rng, a_shape), real(rng, b_shape)), {"condition": np.asarray(rng.random(cond_shape) > 0.5)}
    )


def draw_clip(data: Any) -> Case:
    shape = data.draw(SHAPES, label="shape")
    bounds = data.draw(
        st.sampled_from([(CLIP_LOW, CLIP_HIGH), (CLIP_LOW, None), (None, CLIP_HIGH)]), label="bounds"
    )
    return Case((away_from_clip_bounds(rng_from(data), shape),), {"low": bounds[0], "high": bounds[1]})


def draw_max_pair(offset_b: float) -> Callable[[Any], Case]:
    def draw(data: Any) -> Case:
        shapes = data.draw(
            hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3), label="shapes"
        )
        rng = rng_from(data)
        a_shape, b_shape = shapes.input_shapes
        return Case((on_grid(rng, a_shape, 0.0), on_grid(rng, b_shape, offset_b)))

    return draw


# -- indexing ---------------------------------------------------------------------------------

INDEX_SHAPES = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)


def draw_basic_index(data: Any) -> Case:
    """Slices (negative steps too), ints, None and ... as hypothesis builds them."""
    shape = data.draw(INDEX_SHAPES, label="shape")
    index = data.draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True), label="index")
    return Case((real(rng_from(data), shape),), {"index": index})


def draw_int_array_index(data: Any) -> Case:
    """Integer arrays (negative too) along leading axes, given as arrays, lists or int Tensors;
    at least one index repeats, so gradients must accumulate."""
    shape = data.draw(INDEX_SHAPES, label="shape")
    rng = rng_from(data)
    count = data.draw(st.integers(1, len(shape)), label="indexed_axes")
    length = shape[0] + 1 + data.draw(st.integers(0, 2), label="extra")  # more picks than rows: repeats
    index = tuple(rng.integers(-n, n, length) for n in shape[:count])
    form = data.draw(st.sampled_from(["array", "list", "tensor"]), label="form")
    if form == "list":
        index = tuple(i.tolist() for i in index)
    elif form == "tensor":
        index = tuple(al.tensor(i) for i in index)
    if data.draw(st.booleans(), label="trailing_slice") and count < len(shape):
        index = index + (slice(None, None, -1),)
    return Case((real(rng, shape),), {"index": index if len(index) > 1 else index[0]})


def draw_mask_index(data: Any) -> Case:
    """A boolean mask over the leading axes, alone or followed by a slice / preceded by a slice."""
    shape = data.draw(INDEX_SHAPES, label="shape")
    rng = rng_from(data)
    dims = data.draw(st.integers(1, len(shape)), label="mask_dims")
    mask = rng.random(shape[:dims]) > 0.4
    form = data.draw(st.sampled_from(["mask", "mask_slice", "slice_mask", "tensor"]), label="form")
    if form == "mask_slice" and dims < len(shape):
        index = (mask, slice(None, None, -2))
    elif form == "slice_mask" and len(shape) >= 2:
        index = (slice(1, None), rng.random(shape[1]) > 0.4)
    elif form == "tensor":
        index = al.tensor(mask)
    else:
        index = mask
    return Case((real(rng, shape),), {"index": index})


def _numpy_index(index: Any) -> Any:
    if isinstance(index, tuple):
        return tuple(_numpy_index(i) for i in index)
    if isinstance(index, al.Tensor):
        return index.numpy()
    if isinstance(index, list):
        return np.asarray(index)
    return index


def _torch_index(index: Any) -> Any:
    import torch

    index = _numpy_index(index)
    if isinstance(index, tuple):
        return tuple(_torch_index(i) for i in index)
    if isinstance(index, np.ndarray):
        return torch.from_numpy(index)
    return index


def _torch_getitem(t: Any, index: Any) -> Any:
    return t[_torch_index(index)]


def _has_negative_step(index: Any) -> bool:
    parts = index if isinstance(index, tuple) else (index,)
    return any(isinstance(p, slice) and p.step is not None and p.step < 0 for p in parts)


# -- shapes and indexing in PyTorch's spellings -----------------------------------------------


def draw_swap(data: Any) -> Case:
    """transpose(d0, d1): two dimensions (possibly equal, possibly negative) swapped."""
    shape = data.draw(SHAPES, label="shape")
    n = max(len(shape), 1)
    dims = tuple(data.draw(st.integers(-n, n - 1), label="dim") for _ in range(2))
    return Case((real(rng_from(data), shape),), {"dims": dims})


def np_swap(x: np.ndarray, dims: tuple) -> np.ndarray:
    return np.swapaxes(x, *dims) if x.ndim else x


def draw_permute(data: Any) -> Case:
    shape = data.draw(SHAPES, label="shape")
    ndim = len(shape)
    perm = data.draw(st.permutations(range(ndim)), label="perm")
    dims = tuple(data.draw(st.sampled_from([a, a - ndim]), label="sign") for a in perm)
    return Case((real(rng_from(data), shape),), {"dims": dims})


def draw_flatten_range(data: Any) -> Case:
    shape = data.draw(SHAPES, label="shape")
    n = max(len(shape), 1)
    start = data.draw(st.integers(0, n - 1), label="start")
    end = data.draw(st.integers(start, n - 1), label="end")
    start -= n * data.draw(st.integers(0, 1), label="negative_start")
    end -= n * data.draw(st.integers(0, 1), label="negative_end")
    return Case((real(rng_from(data), shape),), {"start_dim": start, "end_dim": end})


def np_flatten_range(x: np.ndarray, start_dim: int, end_dim: int) -> np.ndarray:
    if not x.ndim:
        return x.reshape(1)
    start, end = start_dim % x.ndim, end_dim % x.ndim
    return x.reshape(x.shape[:start] + (-1,) + x.shape[end + 1 :])


def draw_unflatten(data: Any) -> Case:
    shape = data.draw(NONEMPTY_DIMS, label="shape")
    dim = data.draw(st.integers(-len(shape), len(shape) - 1), label="dim")
    n = shape[dim]
    first = data.draw(st.sampled_from([d for d in range(1, n + 1) if n % d == 0]), label="first")
    sizes = [first, n // first]
    if data.draw(st.booleans(), label="infer"):
        sizes[data.draw(st.integers(0, 1), label="infer_at")] = -1
    return Case((real(rng_from(data), shape),), {"dim": dim, "sizes": tuple(sizes)})


def np_unflatten(x: np.ndarray, dim: int, sizes: tuple) -> np.ndarray:
    dim %= x.ndim
    return x.reshape(x.shape[:dim] + sizes + x.shape[dim + 1 :])


def draw_squeeze_any(data: Any) -> Case:
    """squeeze(dim) on any dimension: one that is not 1 stays (PyTorch)."""
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=2), label="shape")
    dim = data.draw(st.integers(-len(shape), len(shape) - 1), label="dim")
    return Case((real(rng_from(data), shape),), {"dim": dim})


def np_squeeze_any(x: np.ndarray, dim: int) -> np.ndarray:
    return np.squeeze(x, axis=dim) if x.shape[dim] == 1 else x


def draw_expand(data: Any) -> Case:
    """expand(*sizes): new leading dimensions, stretched size-1 ones and -1 for kept ones."""
    case = draw_broadcast_to(data)
    (x,) = case.arrays
    target = list(case.kwargs["shape"])
    lead = len(target) - x.ndim
    for i, n in enumerate(x.shape):
        if n == target[lead + i] and data.draw(st.booleans(), label="keep_as_minus_one"):
            target[lead + i] = -1
    return Case((x,), {"sizes": tuple(target)})


def np_expand(x: np.ndarray, sizes: tuple) -> np.ndarray:
    lead = len(sizes) - x.ndim
    return np.broadcast_to(x, tuple(x.shape[i - lead] if n == -1 else n for i, n in enumerate(sizes)))


def draw_repeat(data: Any) -> Case:
    shape = data.draw(SHAPES, label="shape")
    extra = data.draw(st.integers(0 if shape else 1, 2), label="extra")
    reps = tuple(data.draw(st.integers(1, 3), label="rep") for _ in range(len(shape) + extra))
    return Case((real(rng_from(data), shape),), {"reps": reps})


def draw_flip(data: Any) -> Case:
    shape = data.draw(NONEMPTY_DIMS, label="shape")
    ndim = len(shape)
    chosen = data.draw(st.lists(st.integers(0, ndim - 1), unique=True, min_size=1), label="dims")
    dims = tuple(data.draw(st.sampled_from([a, a - ndim]), label="sign") for a in chosen)
    return Case((real(rng_from(data), shape),), {"dims": dims})


def draw_split(data: Any) -> Case:
    """split by an int chunk size or by a list of sizes, along any dimension."""
    shape = data.draw(NONEMPTY_DIMS, label="shape")
    dim = data.draw(st.integers(-len(shape), len(shape) - 1), label="dim")
    n = shape[dim]
    if data.draw(st.booleans(), label="sections"):
        cuts = sorted(data.draw(st.lists(st.integers(0, n), max_size=3), label="cuts"))
        sections = [b - a for a, b in zip([0] + cuts, cuts + [n])]
    else:
        sections = data.draw(st.integers(1, n + 1), label="size")
    return Case((real(rng_from(data), shape),), {"sections": sections, "dim": dim})


def draw_chunk(data: Any) -> Case:
    shape = data.draw(NONEMPTY_DIMS, label="shape")
    dim = data.draw(st.integers(-len(shape), len(shape) - 1), label="dim")
    chunks = data.draw(st.integers(1, 4), label="chunks")
    return Case((real(rng_from(data), shape),), {"chunks": chunks, "dim": dim})


def draw_unbind(data: Any) -> Case:
    shape = data.draw(NONEMPTY_DIMS, label="shape")
    dim = data.draw(st.integers(-len(shape), len(shape) - 1), label="dim")
    return Case((real(rng_from(data), shape),), {"dim": dim})


def weighted_cat(pieces: Any, dim: int, join: Callable) -> Any:
    """The pieces joined again, piece i times i + 1 (so a misplaced piece shows)."""
    return join([p * (i + 1.0) for i, p in enumerate(pieces)], dim)


def np_split(x: np.ndarray, sections: Any, dim: int) -> list:
    n = x.shape[dim]
    sizes = (
        sections
        if isinstance(sections, list)
        else [sections] * (n // sections) + [n % sections] * bool(n % sections)
    )
    return np.split(x, np.cumsum(sizes)[:-1], axis=dim)


def np_chunk(x: np.ndarray, chunks: int, dim: int) -> list:
    return np_split(x, -(-x.shape[dim] // chunks), dim)


def draw_gather(data: Any) -> Case:
    """An index no larger than the input apart from `dim`, with repeated entries."""
    shape = data.draw(NONEMPTY_DIMS, label="shape")
    ndim = len(shape)
    dim = data.draw(st.integers(-ndim, ndim - 1), label="dim")
    index_shape = tuple(
        data.draw(st.integers(1, 4 if i == dim % ndim else n), label="index_size")
        for i, n in enumerate(shape)
    )
    rng = rng_from(data)
    index = rng.integers(0, shape[dim], index_shape)
    return Case((real(rng, shape),), {"dim": dim, "index": index})


def np_gather(x: np.ndarray, dim: int, index: np.ndarray) -> np.ndarray:
    dim %= x.ndim
    part = x[tuple(slice(None) if i == dim else slice(n) for i, n in enumerate(index.shape))]
    return np.take_along_axis(part, index, axis=dim)


def draw_index_select(data: Any) -> Case:
    shape = data.draw(NONEMPTY_DIMS, label="shape")
    dim = data.draw(st.integers(-len(shape), len(shape) - 1), label="dim")
    rng = rng_from(data)
    index = rng.integers(0, shape[dim], data.draw(st.integers(0, 5), label="length"))
    return Case((real(rng, shape),), {"dim": dim, "index": index})


def draw_masked(data: Any) -> Case:
    """A boolean mask whose shape broadcasts with the input's (either may be larger)."""
    shapes = data.draw(
        hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3), label="shapes"
    )
    x_shape, mask_shape = shapes.input_shapes
    rng = rng_from(data)
    return Case((real(rng, x_shape),), {"mask": np.asarray(rng.random(mask_shape) > 0.5)})


def draw_masked_fill_tensor(data: Any) -> Case:
    """masked_fill with a 0-d tensor value, which gets a gradient too."""
    case = draw_masked(data)
    return Case(case.arrays + (np.asarray(rng_from(data).uniform(-2, 2)),), case.kwargs)


def np_masked_select(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    shape = np.broadcast_shapes(x.shape, mask.shape)
    return np.broadcast_to(x, shape)[np.broadcast_to(mask, shape)]


def draw_triangle(data: Any) -> Case:
    shape = data.draw(hnp.array_shapes(min_dims=2, max_dims=3, min_side=1, max_side=4), label="shape")
    diagonal = data.draw(st.integers(-4, 4), label="diagonal")
    return Case((real(rng_from(data), shape),), {"diagonal": diagonal})


def _torch_array(array: np.ndarray) -> Any:
    return _torch().from_numpy(array)


# -- numpy references for composite-free ops ------------------------------------------------------


def np_logsumexp(x: np.ndarray, axis: Any = None, keepdims: bool = False) -> np.ndarray:
    shift = np.max(x, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(x - shift), axis=axis, keepdims=True)) + shift
    return out if keepdims else np.squeeze(out, axis=_axes(axis, x.ndim))


def np_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    if x.ndim == 0:
        return np.ones_like(x)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def np_log_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    if x.ndim == 0:
        return np.zeros_like(x)
    shift = x - x.max(axis=axis, keepdims=True)
    return shift - np.log(np.exp(shift).sum(axis=axis, keepdims=True))


def np_sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def np_gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


def np_elu(x: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def np_linear(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    out = x @ w.T
    return out if b is None else out + b


def _squeeze_all(x: Any, axis: Any) -> Any:
    return np.squeeze(x) if axis is None else np.squeeze(x, axis=axis)


def _torch_f() -> Any:
    import torch.nn.functional as F

    return F


def _torch_f_silu(x: Any) -> Any:
    return _torch_f().silu(x)


def _torch() -> Any:
    import torch

    return torch


# -- draws for the PyTorch spellings of elementwise ops and matrix products -----------------------


def np_erf(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x)
    return np.vectorize(math.erf, otypes=[np.float64])(x).astype(x.dtype)


def np_gelu_erf(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1 + np_erf(x / math.sqrt(2)))


def draw_clamp_tensors(data: Any) -> Case:
    """x and min, max broadcasting to its shape, on three grids that never tie (also min > max)."""
    shapes = data.draw(
        hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3), label="shapes"
    )
    rng = rng_from(data)
    _, low_shape, high_shape = shapes.input_shapes
    x_shape = shapes.result_shape
    return Case(
        (on_grid(rng, x_shape, 0.25), on_grid(rng, low_shape, 0.0) - 0.5, on_grid(rng, high_shape, 0.1) + 0.5)
    )


def draw_mm(data: Any) -> Case:
    n, k, m = (data.draw(st.integers(1, 3), label="size") for _ in range(3))
    batch = data.draw(st.integers(1, 3), label="batch")
    rng = rng_from(data)
    if data.draw(st.booleans(), label="batched"):
        return Case((real(rng, (batch, n, k)), real(rng, (batch, k, m))), {"batched": True})
    return Case((real(rng, (n, k)), real(rng, (k, m))), {"batched": False})


def draw_outer(data: Any) -> Case:
    n, m = data.draw(st.integers(1, 4), label="n"), data.draw(st.integers(1, 4), label="m")
    rng = rng_from(data)
    return Case((real(rng, (n,)), real(rng, (m,))))


# (equation, operand shapes): products, diagonals, traces, sums, broadcast ellipses.
EINSUM_CASES = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]),
    ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]),
    ("ij->j", [(2, 3)]),
    ("ij,ij->", [(2, 3), (2, 3)]),
    ("i,j,k->ijk", [(2,), (3,), (2,)]),
    ("ij,jk,kl->il", [(2, 3), (3, 2), (2, 2)]),
    ("...ij,...jk->...ik", [(1, 2, 3), (2, 3, 2)]),
    ("iij->j", [(2, 2, 3)]),
    ("ba", [(2, 3)]),
]


def draw_einsum(data: Any) -> Case:
    equation, shapes = data.draw(st.sampled_from(EINSUM_CASES), label="equation")
    rng = rng_from(data)
    return Case(tuple(real(rng, shape) for shape in shapes), {"equation": equation})


def draw_rounded_div(data: Any) -> Case:
    """Quotients by S at least 0.1 away from an integer (floor and trunc are flat there)."""
    shape = data.draw(SHAPES, label="shape")
    mode = data.draw(st.sampled_from(["floor", "trunc"]), label="mode")
    return Case((on_grid(rng_from(data), shape, 0.25),), {"rounding_mode": mode})


# -- reductions with PyTorch's spellings: draws and references ----------------------------------


def signed_magnitudes(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    """Away from 0 and no two magnitudes closer than 0.15 (norms' kinks and ties)."""
    size = math.prod(shape)
    magnitudes = rng.permutation(size) * 0.25 + 0.3 + rng.uniform(-0.05, 0.05, size)
    return (rng.choice([-1.0, 1.0], size) * magnitudes).reshape(shape)


def along_dim(domain: Callable = distinct, min_side: int = 1, **options: Any) -> Callable[[Any], Case]:
    """One int dim (possibly negative) of a tensor with at least one dimension (each of at
    least `min_side` elements), plus options drawn from the given strategies."""
    shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=min_side, max_side=3)

    def draw(data: Any) -> Case:
        shape = data.draw(shapes, label="shape")
        kwargs = {"dim": data.draw(st.integers(-len(shape), len(shape) - 1), label="dim")}
        for name, strategy in options.items():
            kwargs[name] = data.draw(strategy, label=name)
        return Case((domain(rng_from(data), shape),), kwargs)

    return draw


def draw_topk(data: Any) -> Case:
    case = along_dim(largest=st.booleans())(data)
    size = case.arrays[0].shape[case.kwargs["dim"]]
    case.kwargs["k"] = data.draw(st.integers(1, size), label="k")
    return case


def draw_norm(data: Any) -> Case:
    case = reduction(signed_magnitudes)(data)
    case.kwargs["p"] = data.draw(st.sampled_from([2, 1, 3, 0.5, math.inf, -math.inf, "fro"]), label="p")
    return case


def np_norm(x: np.ndarray, axis: Any, keepdims: bool, p: Any) -> np.ndarray:
    axis, magnitude = _np_axis(axis), np.abs(x)
    if p in (2, "fro"):
        return np.sqrt((magnitude**2).sum(axis=axis, keepdims=keepdims))
    if p == math.inf:
        return magnitude.max(axis=axis, keepdims=keepdims)
    if p == -math.inf:
        return magnitude.min(axis=axis, keepdims=keepdims)
    return (magnitude**p).sum(axis=axis, keepdims=keepdims) ** (1 / p)


def _torch_prod(x: Any, axis: Any, keepdims: bool) -> Any:
    """torch.prod takes one dim: reduce the dims one at a time, the last first."""
    for dim in sorted(_torch_dim(axis, x.ndim) or range(x.ndim), reverse=True):
        x = x.prod(dim, keepdim=keepdims)
    return x


def np_sort(x: np.ndarray, dim: int, descending: bool) -> np.ndarray:
    out = np.sort(x, axis=dim)
    return np.flip(out, dim) if descending else out


def np_topk(x: np.ndarray, dim: int, k: int, largest: bool) -> np.ndarray:
    return np.take(np_sort(x, dim, largest), np.arange(k), axis=dim)


# -- more shape, product, statistics and scatter functions: draws and references ---------------


def draw_joined(data: Any) -> Case:
    """Two or three tensors for hstack/vstack/dstack: one shape of 0 to 3 dims (the joined
    dimension may differ in size where the layout allows)."""
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3), label="shape")
    count = data.draw(st.integers(1, 3), label="count")
    rng = rng_from(data)
    return Case(tuple(real(rng, shape) for _ in range(count)))


def draw_movedim(data: Any) -> Case:
    shape = data.draw(NONEMPTY_DIMS, label="shape")
    ndim = len(shape)
    source = data.draw(
        st.lists(st.integers(0, ndim - 1), unique=True, min_size=1, max_size=ndim), label="src"
    )
    destination = data.draw(st.permutations(range(ndim)), label="dst")[: len(source)]
    return Case((real(rng_from(data), shape),), {"source": tuple(source), "destination": tuple(destination)})


def np_movedim(x: np.ndarray, source: tuple, destination: tuple) -> np.ndarray:
    return np.moveaxis(x, source, destination)


def draw_two_dims(data: Any) -> Case:
    shape = data.draw(NONEMPTY_DIMS, label="shape")
    ndim = len(shape)
    dims = [data.draw(st.integers(-ndim, ndim - 1), label="dim") for _ in range(2)]
    return Case((real(rng_from(data), shape),), {"dim0": dims[0], "dim1": dims[1]})


def draw_narrow(data: Any) -> Case:
    shape = data.draw(NONEMPTY_DIMS, label="shape")
    dim = data.draw(st.integers(-len(shape), len(shape) - 1), label="dim")
    size = shape[dim]
    start = data.draw(st.integers(0, size), label="start")
    length = data.draw(st.integers(0, size - start), label="length")
    if start < size and data.draw(st.booleans(), label="negative"):
        start -= size
    return Case((real(rng_from(data), shape),), {"dim": dim, "start": start, "length": length})


def np_narrow(x: np.ndarray, dim: int, start: int, length: int) -> np.ndarray:
    start %= x.shape[dim]
    return np.take(x, np.arange(start, start + length), axis=dim)


def draw_tensor_split(data: Any) -> Case:
    shape = data.draw(NONEMPTY_DIMS, label="shape")
    dim = data.draw(st.integers(-len(shape), len(shape) - 1), label="dim")
    if data.draw(st.booleans(), label="sections"):
        split = data.draw(st.integers(1, 4), label="count")
    else:
        split = sorted(data.draw(st.lists(st.integers(0, shape[dim]), max_size=3), label="points"))
    return Case((real(rng_from(data), shape),), {"split": split, "dim": dim})


def draw_tile(data: Any) -> Case:
    shape = data.draw(SHAPES, label="shape")
    reps = data.draw(st.lists(st.integers(1, 3), max_size=4), label="reps")
    return Case((real(rng_from(data), shape),), {"reps": tuple(reps)})


def draw_roll(data: Any) -> Case:
    shape = data.draw(NONEMPTY_DIMS, label="shape")
    ndim = len(shape)
    dims = data.draw(st.lists(st.integers(-ndim, ndim - 1), min_size=1, max_size=ndim), label="dims")
    shifts = [data.draw(st.integers(-4, 4), label="shift") for _ in dims]
    return Case((real(rng_from(data), shape),), {"shifts": tuple(shifts), "dims": tuple(dims)})


def draw_repeat_interleave(data: Any) -> Case:
    """An int count over the flattened input, or one count per slice along a dim."""
    shape = data.draw(NONEMPTY_DIMS, label="shape")
    rng = rng_from(data)
    if data.draw(st.booleans(), label="per_slice"):
        dim = data.draw(st.integers(-len(shape), len(shape) - 1), label="dim")
        return Case((real(rng, shape),), {"repeats": rng.integers(0, 3, shape[dim]), "dim": dim})
    return Case((real(rng, shape),), {"repeats": data.draw(st.integers(0, 3), label="repeats"), "dim": None})


def np_repeat_interleave(x: np.ndarray, repeats: Any, dim: Any) -> np.ndarray:
    return np.repeat(x, repeats, axis=dim)


def _torch_repeats(repeats: Any) -> Any:
    return _torch_array(repeats) if isinstance(repeats, np.ndarray) else repeats


def draw_diag(data: Any) -> Case:
    ndim = data.draw(st.integers(1, 2), label="ndim")
    shape = tuple(data.draw(st.integers(1, 4), label="side") for _ in range(ndim))
    diagonal = data.draw(st.integers(-3, 3), label="diagonal")
    return Case((real(rng_from(data), shape),), {"diagonal": diagonal})


def np_diag(x: np.ndarray, diagonal: int) -> np.ndarray:
    return np.diag(x, diagonal)


def draw_diff(data: Any) -> Case:
    shape = data.draw(NONEMPTY_DIMS, label="shape")
    dim = data.draw(st.integers(-len(shape), len(shape) - 1), label="dim")
    rng = rng_from(data)
    arrays = [real(rng, shape)]
    if data.draw(st.booleans(), label="prepend"):
        arrays.append(real(rng, shape[: dim % len(shape)] + (2,) + shape[dim % len(shape) + 1 :]))
    return Case(tuple(arrays), {"n": data.draw(st.integers(1, 2), label="n"), "dim": dim})


def np_diff(x: np.ndarray, prepend: Any = None, *, n: int, dim: int) -> np.ndarray:
    return np.diff(x, n, axis=dim, **({} if prepend is None else {"prepend": prepend}))


def draw_cumprod(data: Any) -> Case:
    """Values away from 0, or with zeros (one or more per slice), which take the exact rule."""
    case = along_dim(real)(data)
    if data.draw(st.booleans(), label="zeros"):
        x = case.arrays[0]
        x[rng_from(data).random(x.shape) < 0.3] = 0.0
    return case


def draw_dot(data: Any) -> Case:
    n = data.draw(st.integers(1, 5), label="n")
    rng = rng_from(data)
    return Case((real(rng, (n,)), real(rng, (n,))))


def draw_inner(data: Any) -> Case:
    k = data.draw(st.integers(1, 3), label="k")
    lead = [data.draw(hnp.array_shapes(min_dims=0, max_dims=2, max_side=3), label="lead") for _ in range(2)]
    rng = rng_from(data)
    return Case((real(rng, lead[0] + (k,)), real(rng, lead[1] + (k,))))


def draw_tensordot(data: Any) -> Case:
    """An int `dims` (a's last with b's first) or two lists pairing dims in any order."""
    contracted = data.draw(st.lists(st.integers(1, 3), max_size=2), label="contracted")
    a_free = data.draw(hnp.array_shapes(min_dims=0, max_dims=2, max_side=3), label="a_free")
    b_free = data.draw(hnp.array_shapes(min_dims=0, max_dims=2, max_side=3), label="b_free")
    rng = rng_from(data)
    if data.draw(st.booleans(), label="as_int"):
        shapes = (a_free + tuple(contracted), tuple(contracted) + b_free)
        return Case(tuple(real(rng, s) for s in shapes), {"dims": len(contracted)})
    a_order = data.draw(st.permutations(range(len(a_free) + len(contracted))), label="a_order")
    b_order = data.draw(st.permutations(range(len(b_free) + len(contracted))), label="b_order")
    a_shape = [0] * len(a_order)
    b_shape = [0] * len(b_order)
    for k, n in enumerate(contracted):
        a_shape[a_order[k]] = b_shape[b_order[k]] = n
    for k, n in enumerate(a_free):
        a_shape[a_order[len(contracted) + k]] = n
    for k, n in enumerate(b_free):
        b_shape[b_order[len(contracted) + k]] = n
    dims = ([a_order[k] for k in range(len(contracted))], [b_order[k] for k in range(len(contracted))])
    return Case((real(rng, tuple(a_shape)), real(rng, tuple(b_shape))), {"dims": dims})


def with_nan(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    """Real values with about a quarter NaN."""
    x = real(rng, shape)
    x[rng.random(shape) < 0.25] = np.nan
    return x


def draw_nan_reduction(data: Any) -> Case:
    shape = data.draw(SHAPES, label="shape")
    kwargs = {
        "dim": draw_axis(data, len(shape), allow_tuple=bool(shape)),
        "keepdim": data.draw(st.booleans()),
    }
    return Case((with_nan(rng_from(data), shape),), kwargs)


def draw_nanmean(data: Any) -> Case:
    """As draw_nan_reduction, with one non-NaN value per reduced slice (no 0 / 0)."""
    case = draw_nan_reduction(data)
    x = case.arrays[0]
    axes = _axes(case.kwargs["dim"], x.ndim)
    first = tuple(0 if i in axes else slice(None) for i in range(x.ndim))
    x[first] = 1.0
    return case


def draw_stat_mean(data: Any) -> Case:
    case = along_dim(real, min_side=2, keepdim=st.booleans())(data)
    case.kwargs["correction"] = data.draw(st.sampled_from([0, 1]), label="correction")
    return case


def np_median(x: np.ndarray) -> np.ndarray:
    flat = np.sort(x.reshape(-1))
    return flat[(flat.size - 1) // 2]


def np_median_dim(x: np.ndarray, dim: int, keepdim: bool) -> np.ndarray:
    out = np.take(np.sort(x, axis=dim), [(x.shape[dim] - 1) // 2], axis=dim)
    return out if keepdim else np.squeeze(out, dim)


def draw_scatter(data: Any) -> Case:
    """An index of distinct places along `dim` for each position of the other dims (scatter
    with repeats keeps an unspecified one), and a src at least the index's size."""
    shape = data.draw(NONEMPTY_DIMS, label="shape")
    ndim = len(shape)
    dim = data.draw(st.integers(-ndim, ndim - 1), label="dim")
    rng = rng_from(data)
    k = data.draw(st.integers(0, shape[dim]), label="k")
    index_shape = tuple(k if i == dim % ndim else data.draw(st.integers(1, n)) for i, n in enumerate(shape))
    order = np.argsort(
        rng.random(index_shape[: dim % ndim] + (shape[dim],) + index_shape[dim % ndim + 1 :]), dim
    )
    index = np.take(order, np.arange(k), axis=dim)
    return Case((real(rng, shape), real(rng, index_shape)), {"dim": dim, "index": index})


def np_scatter(x: np.ndarray, src: np.ndarray, dim: int, index: np.ndarray) -> np.ndarray:
    out = x.copy()
    np.put_along_axis(
        out[tuple(slice(None) if i == dim % x.ndim else slice(n) for i, n in enumerate(index.shape))],
        index,
        src,
        dim,
    )
    return out


def draw_scatter_add(data: Any) -> Case:
    """Repeated indices (they accumulate) and a src larger than the index."""
    case = draw_gather(data)
    x, index = case.arrays[0], case.kwargs["index"]
    src = real(rng_from(data), tuple(n + data.draw(st.integers(0, 1), label="extra") for n in index.shape))
    return Case((x, src), case.kwargs)


def np_scatter_add(x: np.ndarray, src: np.ndarray, dim: int, index: np.ndarray) -> np.ndarray:
    out = x.copy()
    dim %= x.ndim
    grid = list(np.ogrid[tuple(slice(n) for n in index.shape)])
    grid[dim] = index
    np.add.at(out, tuple(grid), src[tuple(slice(n) for n in index.shape)])
    return out


def _torch_scatter_add(x: Any, src: Any, dim: int, index: np.ndarray) -> Any:
    # torch's backward of src needs src in the index's shape: pass that part.
    return x.scatter_add(dim, _torch_array(index), src[tuple(slice(n) for n in index.shape)])


def draw_index_add(data: Any) -> Case:
    case = draw_index_select(data)
    x, index, dim = case.arrays[0], case.kwargs["index"], case.kwargs["dim"]
    shape = x.shape[: dim % x.ndim] + (index.size,) + x.shape[dim % x.ndim + 1 :]
    alpha = data.draw(st.sampled_from([1, -0.5]), label="alpha")
    return Case((x, real(rng_from(data), shape)), {"dim": dim, "index": index, "alpha": alpha})


def np_index_add(x: np.ndarray, source: np.ndarray, dim: int, index: np.ndarray, alpha: float) -> np.ndarray:
    out = x.copy()
    np.add.at(out, (slice(None),) * (dim % x.ndim) + (index,), source * alpha)
    return out


# -- more elementwise functions: domains, draws and references ----------------------------------


def off_grid(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    """At least 0.23 from an integer and from a half (the jumps of floor, ceil, trunc,
    round and frac), also after scaling by 10 or 100 (round's decimals)."""
    return on_grid(rng, shape, 0.23)


def inside_unit(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    """Inside (-1, 1) and away from its ends (the poles of asin', acos', atanh)."""
    return np.asarray(rng.uniform(-0.9, 0.9, shape))


def above_one(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    """Away from acosh's pole at 1."""
    return np.asarray(rng.uniform(1.2, 3.0, shape))


def above_minus_one(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    """Away from log1p's pole at -1."""
    return np.asarray(rng.uniform(-0.6, 2.0, shape))


def draw_round(data: Any) -> Case:
    case = unary(off_grid)(data)
    case.kwargs["decimals"] = data.draw(st.sampled_from([0, 1, 2]), label="decimals")
    return case


def draw_lerp(data: Any) -> Case:
    """start, end and a tensor weight (on both sides of PyTorch's switch at 0.5), broadcasting."""
    shapes = data.draw(
        hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3), label="shapes"
    )
    rng = rng_from(data)
    start, end, weight = shapes.input_shapes
    return Case((real(rng, start), real(rng, end), np.asarray(rng.uniform(-0.5, 1.5, weight))))


def draw_lerp_scalar(data: Any) -> Case:
    case = binary()(data)
    case.kwargs["weight"] = data.draw(st.sampled_from([0.0, 0.3, 0.5, 0.8, 1.0, 1.7]), label="weight")
    return case


def np_lerp(start: np.ndarray, end: np.ndarray, weight: Any) -> np.ndarray:
    return start + weight * (end - start)


def np_logaddexp2(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.logaddexp2(a, b)


# -- the table ----------------------------------------------------------------------------------

S = 2.5  # a weak Python scalar operand

OPS: list[OpSpec] = [
    # operators and their reflected forms
    OpSpec("add", "add", lambda a, b: a + b, np.add, binary(), lambda a, b: a + b),
    OpSpec("sub", "sub", lambda a, b: a - b, np.subtract, binary(), lambda a, b: a - b),
    OpSpec("mul", "mul", lambda a, b: a * b, np.multiply, binary(), lambda a, b: a * b),
    OpSpec("div", "div", lambda a, b: a / b, np.divide, binary(real, nonzero), lambda a, b: a / b),
    OpSpec("pow", "pow", lambda a, b: a**b, np.power, binary(positive, real), lambda a, b: a**b),
    OpSpec("radd", "radd", lambda x: S + x, lambda x: S + x, unary(), lambda x: S + x),
    OpSpec("rsub", "rsub", lambda x: S - x, lambda x: S - x, unary(), lambda x: S - x),
    OpSpec("rmul", "rmul", lambda x: S * x, lambda x: S * x, unary(), lambda x: S * x),
    OpSpec("rtruediv", "rtruediv", lambda x: S / x, lambda x: S / x, unary(nonzero), lambda x: S / x),
    OpSpec("rpow", "rpow", lambda x: S**x, lambda x: S**x, unary(), lambda x: S**x),
    OpSpec("sub_scalar", "sub", lambda x: x - S, lambda x: x - S, unary(), lambda x: x - S),
    OpSpec("div_scalar", "div", lambda x: x / S, lambda x: x / S, unary(), lambda x: x / S),
    OpSpec("pow_int_2", "pow", lambda x: x**2, lambda x: x**2, unary(), lambda x: x**2),
    OpSpec("pow_int_3", "pow", lambda x: x**3, lambda x: x**3, unary(), lambda x: x**3),
    OpSpec("pow_0", "pow", lambda x: x**0, lambda x: x**0, unary(), lambda x: x**0),
    OpSpec("pow_half", "pow", lambda x: x**0.5, lambda x: x**0.5, unary(positive), lambda x: x**0.5),
    OpSpec("pow_neg", "pow", lambda x: x**-2, lambda x: x**-2.0, unary(nonzero), lambda x: x**-2),
    OpSpec(
        "rmatmul",
        "rmatmul",
        lambda b, a: a @ b,  # an ndarray on the left: NumPy hands the product to the Tensor
        lambda b, a: a.astype(b.dtype) @ b,  # plain data takes the Tensor's dtype
        lambda data: _constant_left(draw_matmul(data)),
        lambda b, a: _torch().from_numpy(a.copy()) @ b,  # a copy: torch warns on read-only arrays
    ),
    OpSpec("neg", "neg", lambda x: -x, np.negative, unary(), lambda x: -x),
    # elementwise
    OpSpec("abs", "abs", al.abs, np.abs, unary(nonzero), lambda x: x.abs()),
    OpSpec("abs_method", "abs", lambda x: abs(x), np.abs, unary(nonzero), lambda x: abs(x)),
    OpSpec("exp", "exp", al.exp, np.exp, unary(), lambda x: x.exp()),
    OpSpec("log", "log", al.log, np.log, unary(positive), lambda x: x.log()),
    OpSpec("sqrt", "sqrt", al.sqrt, np.sqrt, unary(positive), lambda x: x.sqrt()),
    OpSpec("sin", "sin", al.sin, np.sin, unary(), lambda x: x.sin()),
    OpSpec("cos", "cos", al.cos, np.cos, unary(), lambda x: x.cos()),
    OpSpec("tanh", "tanh", al.tanh, np.tanh, unary(), lambda x: x.tanh()),
    OpSpec("sigmoid", "sigmoid", al.sigmoid, np_sigmoid, unary(), lambda x: x.sigmoid()),
    OpSpec("relu", "relu", al.relu, lambda x: np.maximum(x, 0), unary(nonzero), lambda x: x.relu()),
    OpSpec(
        "leaky_relu",
        "leaky_relu",
        lambda x: al.leaky_relu(x, 0.2),
        lambda x: np.where(x > 0, x, 0.2 * x),
        unary(nonzero),
        lambda x: _torch_f().leaky_relu(x, 0.2),
    ),
    OpSpec(
        "elu",
        "elu",
        lambda x: al.elu(x, 1.5),
        lambda x: np_elu(x, 1.5),
        unary(nonzero),
        lambda x: _torch_f().elu(x, 1.5),
    ),
    OpSpec(
        "softplus",
        "softplus",
        al.softplus,
        lambda x: np.log1p(np.exp(x)),
        unary(),
        lambda x: _torch_f().softplus(x),
    ),
    OpSpec(
        "gelu",
        "gelu",
        lambda x: al.gelu(x, approximate="tanh"),
        np_gelu,
        unary(),
        lambda x: _torch_f().gelu(x, approximate="tanh"),
    ),
    OpSpec(
        "clip",
        "clip",
        lambda x, low, high: al.clip(x, low, high),
        lambda x, low, high: np.clip(x, low, high),
        draw_clip,
        lambda x, low, high: _torch().clamp(x, low, high),
    ),
    OpSpec(
        "maximum", "maximum", al.maximum, np.maximum, draw_max_pair(0.25), lambda a, b: _torch().maximum(a, b)
    ),
    OpSpec(
        "minimum", "minimum", al.minimum, np.minimum, draw_max_pair(0.25), lambda a, b: _torch().minimum(a, b)
    ),
    OpSpec(
        "where",
        "where",
        lambda a, b, condition: al.where(condition, a, b),
        lambda a, b, condition: np.where(condition, a, b),
        draw_where,
        lambda a, b, condition: _torch().where(_torch().from_numpy(condition), a, b),
    ),
    # PyTorch spellings of elementwise and arithmetic ops
    OpSpec("erf", "erf", al.erf, np_erf, unary(), lambda x: x.erf()),
    OpSpec(
        "erf_tails", "erf", lambda x: (x * 3).erf(), lambda x: np_erf(x * 3), unary(), lambda x: (x * 3).erf()
    ),
    OpSpec("gelu_erf", "gelu", al.gelu, np_gelu_erf, unary(), lambda x: _torch_f().gelu(x)),
    OpSpec(
        "gelu_tanh_method",
        "gelu",
        lambda x: x.gelu(approximate="tanh"),
        np_gelu,
        unary(),
        lambda x: _torch_f().gelu(x, approximate="tanh"),
    ),
    OpSpec("silu", "silu", al.silu, lambda x: x / (1 + np.exp(-x)), unary(), lambda x: _torch_f().silu(x)),
    OpSpec("silu_method", "silu", lambda x: x.silu(), lambda x: x / (1 + np.exp(-x)), unary(), _torch_f_silu),
    OpSpec(
        "clamp",
        "clip",
        lambda x, low, high: x.clamp(min=low, max=high),
        lambda x, low, high: np.clip(x, low, high),
        draw_clip,
        lambda x, low, high: x.clamp(min=low, max=high),
    ),
    OpSpec(
        "clamp_tensors",
        "clamp",
        lambda x, low, high: al.clamp(x, low, high),
        lambda x, low, high: np.minimum(np.maximum(x, low), high),
        draw_clamp_tensors,
        lambda x, low, high: _torch().clamp(x, low, high),
    ),
    OpSpec(
        "clamp_tensor_min",
        "clamp",
        lambda x, low, high: (x + 0 * high).clamp(min=low),
        lambda x, low, high: np.maximum(x + 0 * high, low),
        draw_clamp_tensors,
        lambda x, low, high: (x + 0 * high).clamp(min=low),
    ),
    OpSpec("sign", "sign", al.sign, np.sign, unary(nonzero), lambda x: x.sign()),
    OpSpec("square", "pow", lambda x: x.square(), np.square, unary(), lambda x: x.square()),
    OpSpec(
        "pow_method", "pow", lambda a, b: a.pow(b), np.power, binary(positive, real), lambda a, b: a.pow(b)
    ),
    OpSpec(
        "add_alpha",
        "add",
        lambda a, b: a.add(b, alpha=0.5),
        lambda a, b: a + 0.5 * b,
        binary(),
        lambda a, b: a.add(b, alpha=0.5),
    ),
    OpSpec(
        "sub_alpha",
        "sub",
        lambda a, b: al.sub(a, b, alpha=2),
        lambda a, b: a - 2 * b,
        binary(),
        lambda a, b: _torch().sub(a, b, alpha=2),
    ),
    OpSpec("mul_method", "mul", lambda a, b: a.mul(b), np.multiply, binary(), lambda a, b: a.mul(b)),
    OpSpec(
        "div_method", "div", lambda a, b: a.div(b), np.divide, binary(real, nonzero), lambda a, b: a.div(b)
    ),
    OpSpec(
        "div_rounding",
        "div",
        lambda x, rounding_mode: x.div(S, rounding_mode=rounding_mode),
        lambda x, rounding_mode: np.floor(x / S) if rounding_mode == "floor" else np.trunc(x / S),
        draw_rounded_div,
        lambda x, rounding_mode: x.div(S, rounding_mode=rounding_mode),
    ),
    OpSpec("neg_method", "neg", lambda x: x.neg(), np.negative, unary(), lambda x: x.neg()),
    OpSpec(
        "matmul_method", "matmul", lambda a, b: a.matmul(b), np.matmul, draw_matmul, lambda a, b: a.matmul(b)
    ),
    OpSpec(
        "mm_bmm",
        "matmul",
        lambda a, b, batched: al.bmm(a, b) if batched else al.mm(a, b),
        lambda a, b, batched: a @ b,
        draw_mm,
        lambda a, b, batched: _torch().bmm(a, b) if batched else _torch().mm(a, b),
    ),
    OpSpec("outer", "mul", al.outer, np.outer, draw_outer, lambda a, b: _torch().outer(a, b)),
    OpSpec(
        "einsum",
        "einsum",
        lambda *operands, equation: al.einsum(equation, *operands),
        lambda *operands, equation: np.einsum(equation, *operands),
        draw_einsum,
        lambda *operands, equation: _torch().einsum(equation, *operands),
    ),
    # reductions
    OpSpec(
        "sum",
        "sum",
        lambda x, axis, keepdims: x.sum(axis, keepdims),
        lambda x, axis, keepdims: np.sum(x, axis=_np_axis(axis), keepdims=keepdims),
        reduction(),
        lambda x, axis, keepdims: x.sum(dim=_torch_dim(axis, x.ndim), keepdim=keepdims),
    ),
    OpSpec(
        "mean",
        "mean",
        lambda x, axis, keepdims: al.mean(x, axis, keepdims),
        lambda x, axis, keepdims: np.mean(x, axis=_np_axis(axis), keepdims=keepdims),
        reduction(),
        lambda x, axis, keepdims: x.mean(dim=_torch_dim(axis, x.ndim), keepdim=keepdims),
    ),
    OpSpec(
        "max",
        "max",
        lambda x, axis, keepdims: _values(x.max(axis, keepdims)),
        lambda x, axis, keepdims: np.max(x, axis=_np_axis(axis), keepdims=keepdims),
        reduction(distinct),
        lambda x, axis, keepdims: _torch().amax(x, dim=_torch_dim(axis, x.ndim), keepdim=keepdims),
    ),
    OpSpec(
        "min",
        "min",
        lambda x, axis, keepdims: _values(al.min(x, axis, keepdims)),
        lambda x, axis, keepdims: np.min(x, axis=_np_axis(axis), keepdims=keepdims),
        reduction(distinct),
        lambda x, axis, keepdims: _torch().amin(x, dim=_torch_dim(axis, x.ndim), keepdim=keepdims),
    ),
    OpSpec(
        "var",
        "var",
        lambda x, axis, keepdims, ddof: x.var(axis, keepdim=keepdims, correction=ddof),
        lambda x, axis, keepdims, ddof: np.var(x, axis=_np_axis(axis), ddof=ddof, keepdims=keepdims),
        reduction(distinct, ddof=True),
        lambda x, axis, keepdims, ddof: _torch().var(
            x, dim=_torch_dim(axis, x.ndim), correction=ddof, keepdim=keepdims
        ),
    ),
    OpSpec(
        "std",
        "std",
        lambda x, axis, keepdims, ddof: al.std(x, axis, keepdim=keepdims, ddof=ddof),
        lambda x, axis, keepdims, ddof: np.std(x, axis=_np_axis(axis), ddof=ddof, keepdims=keepdims),
        reduction(distinct, ddof=True),
        lambda x, axis, keepdims, ddof: _torch().std(
            x, dim=_torch_dim(axis, x.ndim), correction=ddof, keepdim=keepdims
        ),
    ),
    OpSpec(
        "logsumexp",
        "logsumexp",
        lambda x, axis, keepdims: x.logsumexp(axis, keepdims),
        lambda x, axis, keepdims: np_logsumexp(x, _np_axis(axis), keepdims),
        reduction(),
        lambda x, axis, keepdims: _torch().logsumexp(x, dim=_torch_dim(axis, x.ndim), keepdim=keepdims),
    ),
    # reductions with PyTorch's spellings (dim=/keepdim=, pairs, amax/amin, prod, norm, sort, topk, cumsum)
    OpSpec(
        "sum_dim",
        "sum",
        lambda x, axis, keepdims: al.sum(x, dim=axis, keepdim=keepdims),
        lambda x, axis, keepdims: np.sum(x, axis=_np_axis(axis), keepdims=keepdims),
        reduction(),
        lambda x, axis, keepdims: _torch().sum(x, dim=_torch_dim(axis, x.ndim), keepdim=keepdims),
    ),
    OpSpec(
        "max_dim",
        "max",
        lambda x, dim, keepdim: x.max(dim, keepdim).values,
        lambda x, dim, keepdim: np.max(x, axis=dim, keepdims=keepdim),
        along_dim(keepdim=st.booleans()),
        lambda x, dim, keepdim: x.max(dim, keepdim).values,
    ),
    OpSpec(
        "min_dim",
        "min",
        lambda x, dim, keepdim: al.min(x, dim=dim, keepdim=keepdim).values,
        lambda x, dim, keepdim: np.min(x, axis=dim, keepdims=keepdim),
        along_dim(keepdim=st.booleans()),
        lambda x, dim, keepdim: _torch().min(x, dim=dim, keepdim=keepdim).values,
    ),
    OpSpec(
        "amax",
        "amax",
        lambda x, axis, keepdims: x.amax(dim=axis, keepdim=keepdims),
        lambda x, axis, keepdims: np.max(x, axis=_np_axis(axis), keepdims=keepdims),
        reduction(distinct),
        lambda x, axis, keepdims: x.amax(dim=_torch_dim(axis, x.ndim), keepdim=keepdims),
    ),
    OpSpec(
        "amin",
        "amin",
        lambda x, axis, keepdims: al.amin(x, axis, keepdims),
        lambda x, axis, keepdims: np.min(x, axis=_np_axis(axis), keepdims=keepdims),
        reduction(distinct),
        lambda x, axis, keepdims: _torch().amin(x, dim=_torch_dim(axis, x.ndim), keepdim=keepdims),
    ),
    OpSpec(
        "var_unbiased",
        "var",
        lambda x, dim, keepdim: x.var(dim, keepdim=keepdim),
        lambda x, dim, keepdim: np.var(x, axis=dim, ddof=1, keepdims=keepdim),
        along_dim(min_side=2, keepdim=st.booleans()),
        lambda x, dim, keepdim: x.var(dim, keepdim=keepdim),
    ),
    OpSpec(
        "std_unbiased_flag",
        "std",
        lambda x, dim, unbiased: al.std(x, dim, unbiased),
        lambda x, dim, unbiased: np.std(x, axis=dim, ddof=int(unbiased)),
        along_dim(min_side=2, unbiased=st.booleans()),
        lambda x, dim, unbiased: x.std(dim, unbiased),
    ),
    OpSpec(
        "prod",
        "prod",
        lambda x, axis, keepdims: x.prod(axis, keepdims),
        lambda x, axis, keepdims: np.prod(x, axis=_np_axis(axis), keepdims=keepdims),
        reduction(nonzero),
        _torch_prod,
    ),
    OpSpec(
        "norm",
        "norm",
        lambda x, axis, keepdims, p: x.norm(p, axis, keepdims),
        np_norm,
        draw_norm,
        lambda x, axis, keepdims, p: _torch().linalg.vector_norm(
            x, 2 if p == "fro" else p, dim=_torch_dim(axis, x.ndim), keepdim=keepdims
        ),
    ),
    OpSpec(
        "cumsum",
        "cumsum",
        lambda x, dim: x.cumsum(dim),
        lambda x, dim: np.cumsum(x, axis=dim),
        along_dim(real),
        lambda x, dim: x.cumsum(dim),
    ),
    OpSpec(
        "sort",
        "sort",
        lambda x, dim, descending: x.sort(dim, descending).values,
        np_sort,
        along_dim(descending=st.booleans()),
        lambda x, dim, descending: x.sort(dim, descending).values,
    ),
    OpSpec(
        "topk",
        "topk",
        lambda x, dim, k, largest: al.topk(x, k, dim, largest).values,
        np_topk,
        draw_topk,
        lambda x, dim, k, largest: x.topk(k, dim, largest).values,
    ),
    # shape
    OpSpec(
        "reshape",
        "reshape",
        lambda x, shape: x.reshape(shape),
        lambda x, shape: x.reshape(shape),
        draw_reshape,
        lambda x, shape: x.reshape(shape),
    ),
    OpSpec(
        "reshape_varargs",
        "reshape",
        lambda x, shape: al.reshape(x, *shape),
        lambda x, shape: x.reshape(shape),
        draw_reshape,
        lambda x, shape: x.reshape(shape),
    ),
    OpSpec(
        "transpose",
        "transpose",
        lambda x, axes: x.transpose() if axes is None else x.transpose(axes),
        lambda x, axes: np.transpose(x, axes),
        draw_transpose,
        lambda x, axes: x.permute(tuple(range(x.ndim - 1, -1, -1)) if axes is None else axes),
    ),
    OpSpec(
        "T", "T", lambda x: x.T, lambda x: x.T, unary(), lambda x: x.permute(tuple(range(x.ndim - 1, -1, -1)))
    ),
    OpSpec(
        "flatten", "flatten", lambda x: x.flatten(), lambda x: x.flatten(), unary(), lambda x: x.flatten()
    ),
    OpSpec(
        "squeeze",
        "squeeze",
        lambda x, axis: x.squeeze(axis),
        _squeeze_all,
        draw_squeeze,
        lambda x, axis: x.squeeze() if axis is None else x.squeeze(axis),
    ),
    OpSpec(
        "unsqueeze",
        "unsqueeze",
        lambda x, axis: x.unsqueeze(axis),
        lambda x, axis: np.expand_dims(x, axis),
        draw_unsqueeze,
        lambda x, axis: x.unsqueeze(axis),
    ),
    OpSpec(
        "broadcast_to",
        "broadcast_to",
        lambda x, shape: x.broadcast_to(shape),
        lambda x, shape: np.broadcast_to(x, shape),
        draw_broadcast_to,
        lambda x, shape: x.broadcast_to(shape),
    ),
    OpSpec(
        "concatenate",
        "concatenate",
        lambda *xs, axis: al.concatenate(list(xs), axis),
        lambda *xs, axis: np.concatenate(xs, axis=axis),
        draw_concatenate,
        lambda *xs, axis: _torch().cat(xs, dim=axis),
    ),
    OpSpec(
        "stack",
        "stack",
        lambda *xs, axis: al.stack(xs, axis),
        lambda *xs, axis: np.stack(xs, axis=axis),
        draw_stack,
        lambda *xs, axis: _torch().stack(xs, dim=axis),
    ),
    # indexing
    OpSpec(
        "getitem_basic",
        "getitem",
        lambda x, index: x[index],
        lambda x, index: x[index],
        draw_basic_index,
        _torch_getitem,
    ),
    OpSpec(
        "getitem_int_arrays",
        "getitem",
        lambda x, index: x[index],
        lambda x, index: x[_numpy_index(index)],
        draw_int_array_index,
        _torch_getitem,
    ),
    OpSpec(
        "getitem_mask",
        "getitem",
        lambda x, index: x[index],
        lambda x, index: x[_numpy_index(index)],
        draw_mask_index,
        _torch_getitem,
    ),
    # shapes and indexing in PyTorch's spellings
    OpSpec(
        "view",
        "view",
        lambda x, shape: x.view(*shape),
        lambda x, shape: x.reshape(shape),
        draw_reshape,
        lambda x, shape: x.view(shape),
    ),
    OpSpec(
        "transpose_pair",
        "transpose",
        lambda x, dims: x.transpose(*dims),
        np_swap,
        draw_swap,
        lambda x, dims: x.transpose(*dims),
    ),
    OpSpec(
        "permute",
        "permute",
        lambda x, dims: x.permute(*dims),
        lambda x, dims: np.transpose(x, dims),
        draw_permute,
        lambda x, dims: x.permute(dims),
    ),
    OpSpec(
        "t",
        "t",
        lambda x: x.t(),
        lambda x: x.T,
        unary(shapes=hnp.array_shapes(min_dims=0, max_dims=2, min_side=1, max_side=3)),
        lambda x: x.t(),
    ),
    OpSpec(
        "flatten_range",
        "flatten",
        lambda x, start_dim, end_dim: x.flatten(start_dim, end_dim),
        np_flatten_range,
        draw_flatten_range,
        lambda x, start_dim, end_dim: x.flatten(start_dim, end_dim),
    ),
    OpSpec(
        "unflatten",
        "unflatten",
        lambda x, dim, sizes: x.unflatten(dim, sizes),
        np_unflatten,
        draw_unflatten,
        lambda x, dim, sizes: x.unflatten(dim, sizes),
    ),
    OpSpec(
        "squeeze_any_dim",
        "squeeze",
        lambda x, dim: x.squeeze(dim=dim),
        np_squeeze_any,
        draw_squeeze_any,
        lambda x, dim: x.squeeze(dim),
    ),
    OpSpec(
        "expand",
        "expand",
        lambda x, sizes: x.expand(*sizes),
        np_expand,
        draw_expand,
        lambda x, sizes: x.expand(sizes),
    ),
    OpSpec(
        "repeat",
        "repeat",
        lambda x, reps: x.repeat(*reps),
        np.tile,
        draw_repeat,
        lambda x, reps: x.repeat(*reps),
    ),
    OpSpec(
        "flip",
        "flip",
        lambda x, dims: x.flip(dims),
        lambda x, dims: np.flip(x, dims),
        draw_flip,
        lambda x, dims: x.flip(dims),
    ),
    OpSpec(
        "split",
        "split",
        lambda x, sections, dim: weighted_cat(x.split(sections, dim), dim, al.cat),
        lambda x, sections, dim: weighted_cat(np_split(x, sections, dim), dim, np.concatenate),
        draw_split,
        lambda x, sections, dim: weighted_cat(x.split(sections, dim), dim, _torch().cat),
    ),
    OpSpec(
        "chunk",
        "chunk",
        lambda x, chunks, dim: weighted_cat(al.chunk(x, chunks, dim), dim, al.cat),
        lambda x, chunks, dim: weighted_cat(np_chunk(x, chunks, dim), dim, np.concatenate),
        draw_chunk,
        lambda x, chunks, dim: weighted_cat(x.chunk(chunks, dim), dim, _torch().cat),
    ),
    OpSpec(
        "unbind",
        "unbind",
        lambda x, dim: weighted_cat(x.unbind(dim), dim, al.stack),
        lambda x, dim: weighted_cat(list(np.moveaxis(x, dim, 0)), dim, np.stack),
        draw_unbind,
        lambda x, dim: weighted_cat(x.unbind(dim), dim, _torch().stack),
    ),
    OpSpec(
        "cat_dim",
        "cat",
        lambda *xs, axis: al.cat(xs, dim=axis),
        lambda *xs, axis: np.concatenate(xs, axis=axis),
        draw_concatenate,
        lambda *xs, axis: _torch().cat(xs, dim=axis),
    ),
    OpSpec(
        "stack_dim",
        "stack",
        lambda *xs, axis: al.stack(list(xs), dim=axis),
        lambda *xs, axis: np.stack(xs, axis=axis),
        draw_stack,
        lambda *xs, axis: _torch().stack(xs, dim=axis),
    ),
    OpSpec(
        "gather",
        "gather",
        lambda x, dim, index: x.gather(dim, al.tensor(index)),
        np_gather,
        draw_gather,
        lambda x, dim, index: x.gather(dim, _torch_array(index)),
    ),
    OpSpec(
        "index_select",
        "index_select",
        lambda x, dim, index: al.index_select(x, dim, index.tolist()),
        lambda x, dim, index: np.take(x, index, axis=dim),
        draw_index_select,
        lambda x, dim, index: x.index_select(dim, _torch_array(index)),
    ),
    OpSpec(
        "masked_fill",
        "masked_fill",
        lambda x, mask: x.masked_fill(al.tensor(mask), -0.5),
        lambda x, mask: np.where(mask, -0.5, x),
        draw_masked,
        lambda x, mask: x.masked_fill(_torch_array(mask), -0.5),
    ),
    OpSpec(
        "masked_fill_tensor_value",
        "masked_fill",
        lambda x, value, mask: al.masked_fill(x, mask, value),
        lambda x, value, mask: np.where(mask, value, x),
        draw_masked_fill_tensor,
        lambda x, value, mask: x.masked_fill(_torch_array(mask), value),
    ),
    OpSpec(
        "masked_select",
        "masked_select",
        lambda x, mask: x.masked_select(al.tensor(mask)),
        np_masked_select,
        draw_masked,
        lambda x, mask: x.masked_select(_torch_array(mask)),
    ),
    OpSpec(
        "tril",
        "tril",
        lambda x, diagonal: x.tril(diagonal),
        lambda x, diagonal: np.tril(x, diagonal),
        draw_triangle,
        lambda x, diagonal: x.tril(diagonal),
    ),
    OpSpec(
        "triu",
        "triu",
        lambda x, diagonal: al.triu(x, diagonal=diagonal),
        lambda x, diagonal: np.triu(x, diagonal),
        draw_triangle,
        lambda x, diagonal: _torch().triu(x, diagonal=diagonal),
    ),
    # matrix products
    OpSpec("matmul", "matmul", lambda a, b: a @ b, np.matmul, draw_matmul, lambda a, b: a @ b),
    OpSpec("matmul_fn", "matmul", al.matmul, np.matmul, draw_matmul, lambda a, b: _torch().matmul(a, b)),
    OpSpec("linear", "linear", al.linear, np_linear, draw_linear, lambda *args: _torch_f().linear(*args)),
    # softmax family
    OpSpec(
        "softmax",
        "softmax",
        lambda x, axis: x.softmax(axis),
        np_softmax,
        draw_softmax,
        lambda x, axis: _torch().softmax(x, dim=axis),
    ),
    OpSpec(
        "log_softmax",
        "log_softmax",
        lambda x, axis: al.log_softmax(x, axis),
        np_log_softmax,
        draw_softmax,
        lambda x, axis: _torch().log_softmax(x, dim=axis),
    ),
    # dtype
    OpSpec(
        "astype",
        "astype",
        lambda x: x.astype(np.float64),
        lambda x: x.astype(np.float64),
        unary(),
        lambda x: x.to(_torch().float64),
    ),
    # more shape functions
    OpSpec(
        "hstack",
        "hstack",
        lambda *xs: al.hstack(xs),
        lambda *xs: np.hstack(xs),
        draw_joined,
        lambda *xs: _torch().hstack(xs),
    ),
    OpSpec(
        "vstack",
        "vstack",
        lambda *xs: al.vstack(list(xs)),
        lambda *xs: np.vstack(xs),
        draw_joined,
        lambda *xs: _torch().vstack(xs),
    ),
    OpSpec(
        "dstack",
        "dstack",
        lambda *xs: al.dstack(xs),
        lambda *xs: np.dstack(xs),
        draw_joined,
        lambda *xs: _torch().dstack(xs),
    ),
    OpSpec(
        "movedim",
        "movedim",
        lambda x, source, destination: x.movedim(source, destination),
        np_movedim,
        draw_movedim,
        lambda x, source, destination: x.movedim(source, destination),
    ),
    OpSpec(
        "swapaxes",
        "swapaxes",
        lambda x, dim0, dim1: al.swapaxes(x, dim0, dim1),
        lambda x, dim0, dim1: np.swapaxes(x, dim0, dim1),
        draw_two_dims,
        lambda x, dim0, dim1: x.swapaxes(dim0, dim1),
    ),
    OpSpec(
        "narrow",
        "narrow",
        lambda x, dim, start, length: al.narrow(x, dim, start, length),
        np_narrow,
        draw_narrow,
        lambda x, dim, start, length: x.narrow(dim, start, length),
    ),
    OpSpec(
        "tensor_split",
        "tensor_split",
        lambda x, split, dim: weighted_cat(x.tensor_split(split, dim), dim, al.cat),
        lambda x, split, dim: weighted_cat(np.array_split(x, split, axis=dim), dim, np.concatenate),
        draw_tensor_split,
        lambda x, split, dim: weighted_cat(x.tensor_split(split, dim), dim, _torch().cat),
    ),
    OpSpec(
        "tile",
        "tile",
        lambda x, reps: x.tile(reps),
        lambda x, reps: np.tile(x, reps),
        draw_tile,
        lambda x, reps: x.tile(reps),
    ),
    OpSpec(
        "roll",
        "roll",
        lambda x, shifts, dims: x.roll(shifts, dims),
        lambda x, shifts, dims: np.roll(x, shifts, dims),
        draw_roll,
        lambda x, shifts, dims: x.roll(shifts, dims),
    ),
    OpSpec(
        "repeat_interleave",
        "repeat_interleave",
        lambda x, repeats, dim: x.repeat_interleave(repeats, dim),
        np_repeat_interleave,
        draw_repeat_interleave,
        lambda x, repeats, dim: x.repeat_interleave(_torch_repeats(repeats), dim),
    ),
    OpSpec(
        "diag",
        "diag",
        lambda x, diagonal: al.diag(x, diagonal),
        np_diag,
        draw_diag,
        lambda x, diagonal: _torch().diag(x, diagonal),
    ),
    OpSpec(
        "diff",
        "diff",
        lambda x, *prepend, n, dim: x.diff(n, dim, *prepend),
        np_diff,
        draw_diff,
        lambda x, *prepend, n, dim: x.diff(n, dim, *prepend),
    ),
    OpSpec(
        "cumprod",
        "cumprod",
        lambda x, dim: x.cumprod(dim),
        lambda x, dim: np.cumprod(x, axis=dim),
        draw_cumprod,
        lambda x, dim: x.cumprod(dim),
    ),
    # more products
    OpSpec("dot", "dot", al.dot, np.dot, draw_dot, lambda a, b: _torch().dot(a, b)),
    OpSpec("inner", "inner", lambda a, b: a.inner(b), np.inner, draw_inner, lambda a, b: a.inner(b)),
    OpSpec(
        "tensordot",
        "tensordot",
        lambda a, b, dims: al.tensordot(a, b, dims),
        lambda a, b, dims: np.tensordot(a, b, dims),
        draw_tensordot,
        lambda a, b, dims: _torch().tensordot(a, b, dims),
    ),
    # reductions that skip NaN, pairs with the mean, medians
    OpSpec(
        "nansum",
        "nansum",
        lambda x, dim, keepdim: al.nansum(x, dim, keepdim),
        lambda x, dim, keepdim: np.nansum(x, axis=_np_axis(dim), keepdims=keepdim),
        draw_nan_reduction,
        lambda x, dim, keepdim: _torch().nansum(x, dim=_torch_dim(dim, x.ndim), keepdim=keepdim),
    ),
    OpSpec(
        "nanmean",
        "nanmean",
        lambda x, dim, keepdim: x.nanmean(dim, keepdim),
        lambda x, dim, keepdim: np.nanmean(x, axis=_np_axis(dim), keepdims=keepdim),
        draw_nanmean,
        lambda x, dim, keepdim: x.nanmean(dim=_torch_dim(dim, x.ndim), keepdim=keepdim),
    ),
    OpSpec(
        "var_mean",
        "var_mean",
        lambda x, dim, keepdim, correction: al.stack(
            al.var_mean(x, dim, keepdim=keepdim, correction=correction)
        ),
        lambda x, dim, keepdim, correction: np.stack(
            [np.var(x, axis=dim, ddof=correction, keepdims=keepdim), np.mean(x, axis=dim, keepdims=keepdim)]
        ),
        draw_stat_mean,
        lambda x, dim, keepdim, correction: _torch().stack(
            _torch().var_mean(x, dim, keepdim=keepdim, correction=correction)
        ),
    ),
    OpSpec(
        "std_mean",
        "std_mean",
        lambda x, dim, keepdim, correction: al.stack(
            al.std_mean(x, dim, keepdim=keepdim, correction=correction)
        ),
        lambda x, dim, keepdim, correction: np.stack(
            [np.std(x, axis=dim, ddof=correction, keepdims=keepdim), np.mean(x, axis=dim, keepdims=keepdim)]
        ),
        draw_stat_mean,
        lambda x, dim, keepdim, correction: _torch().stack(
            _torch().std_mean(x, dim, keepdim=keepdim, correction=correction)
        ),
    ),
    OpSpec("median", "median", al.median, np_median, unary(distinct), lambda x: x.median()),
    OpSpec(
        "median_dim",
        "median",
        lambda x, dim, keepdim: x.median(dim, keepdim).values,
        np_median_dim,
        along_dim(keepdim=st.booleans()),
        lambda x, dim, keepdim: x.median(dim, keepdim).values,
    ),
    # writing by index
    OpSpec(
        "scatter",
        "scatter",
        lambda x, src, dim, index: x.scatter(dim, al.tensor(index), src),
        np_scatter,
        draw_scatter,
        lambda x, src, dim, index: x.scatter(dim, _torch_array(index), src),
    ),
    OpSpec(
        "scatter_add",
        "scatter_add",
        lambda x, src, dim, index: al.scatter_add(x, dim, index, src),
        np_scatter_add,
        draw_scatter_add,
        _torch_scatter_add,
    ),
    OpSpec(
        "index_add",
        "index_add",
        lambda x, source, dim, index, alpha: x.index_add(dim, index, source, alpha=alpha),
        np_index_add,
        draw_index_add,
        lambda x, source, dim, index, alpha: x.index_add(dim, _torch_array(index), source, alpha=alpha),
    ),
    # more elementwise functions in PyTorch's spellings
    OpSpec("floor", "floor", al.floor, np.floor, unary(off_grid), lambda x: x.floor()),
    OpSpec("ceil", "ceil", lambda x: x.ceil(), np.ceil, unary(off_grid), lambda x: _torch().ceil(x)),
    OpSpec("trunc", "trunc", al.trunc, np.trunc, unary(off_grid), lambda x: x.trunc()),
    OpSpec("fix", "trunc", lambda x: x.fix(), np.fix, unary(off_grid), lambda x: _torch().fix(x)),
    OpSpec(
        "round",
        "round",
        lambda x, decimals: al.round(x, decimals=decimals),
        lambda x, decimals: np.round(x, decimals),
        draw_round,
        lambda x, decimals: _torch().round(x, decimals=decimals),
    ),
    OpSpec("frac", "frac", al.frac, lambda x: x - np.trunc(x), unary(off_grid), lambda x: x.frac()),
    OpSpec("rsqrt", "rsqrt", al.rsqrt, lambda x: 1 / np.sqrt(x), unary(positive), lambda x: x.rsqrt()),
    OpSpec(
        "reciprocal",
        "reciprocal",
        lambda x: x.reciprocal(),
        np.reciprocal,
        unary(nonzero),
        lambda x: x.reciprocal(),
    ),
    OpSpec("expm1", "expm1", al.expm1, np.expm1, unary(), lambda x: x.expm1()),
    OpSpec("log1p", "log1p", lambda x: x.log1p(), np.log1p, unary(above_minus_one), lambda x: x.log1p()),
    OpSpec("sinh", "sinh", al.sinh, np.sinh, unary(), lambda x: x.sinh()),
    OpSpec("cosh", "cosh", lambda x: x.cosh(), np.cosh, unary(), lambda x: _torch().cosh(x)),
    OpSpec("asin", "asin", al.asin, np.arcsin, unary(inside_unit), lambda x: x.asin()),
    OpSpec("acos", "acos", lambda x: x.acos(), np.arccos, unary(inside_unit), lambda x: x.acos()),
    OpSpec("atan", "atan", al.arctan, np.arctan, unary(), lambda x: _torch().arctan(x)),
    OpSpec("asinh", "asinh", lambda x: x.arcsinh(), np.arcsinh, unary(), lambda x: x.asinh()),
    OpSpec("acosh", "acosh", al.acosh, np.arccosh, unary(above_one), lambda x: x.acosh()),
    OpSpec("atanh", "atanh", lambda x: x.atanh(), np.arctanh, unary(inside_unit), lambda x: x.atanh()),
    OpSpec("atan2", "atan2", al.atan2, np.arctan2, binary(nonzero, real), lambda a, b: _torch().atan2(a, b)),
    OpSpec(
        "arctan2_method",
        "atan2",
        lambda a, b: a.arctan2(b),
        np.arctan2,
        binary(nonzero, real),
        lambda a, b: a.arctan2(b),
    ),
    OpSpec("hypot", "hypot", al.hypot, np.hypot, binary(nonzero, nonzero), lambda a, b: a.hypot(b)),
    OpSpec("logaddexp", "logaddexp", al.logaddexp, np.logaddexp, binary(), lambda a, b: a.logaddexp(b)),
    OpSpec(
        "logaddexp2",
        "logaddexp2",
        lambda a, b: a.logaddexp2(b),
        np_logaddexp2,
        binary(),
        lambda a, b: _torch().logaddexp2(a, b),
    ),
    OpSpec("fmax", "fmax", al.fmax, np.fmax, draw_max_pair(0.25), lambda a, b: _torch().fmax(a, b)),
    OpSpec("fmin", "fmin", lambda a, b: a.fmin(b), np.fmin, draw_max_pair(0.25), lambda a, b: a.fmin(b)),
    OpSpec(
        "maximum_method",
        "maximum",
        lambda a, b: a.maximum(b),
        np.maximum,
        draw_max_pair(0.25),
        lambda a, b: a.maximum(b),
    ),
    OpSpec(
        "minimum_method",
        "minimum",
        lambda a, b: a.minimum(b),
        np.minimum,
        draw_max_pair(0.25),
        lambda a, b: a.minimum(b),
    ),
    OpSpec("lerp", "lerp", al.lerp, np_lerp, draw_lerp, lambda *args: _torch().lerp(*args)),
    OpSpec(
        "lerp_scalar_weight",
        "lerp",
        lambda a, b, weight: a.lerp(b, weight),
        np_lerp,
        draw_lerp_scalar,
        lambda a, b, weight: a.lerp(b, weight),
    ),
    OpSpec(
        "clamp_min",
        "clip",
        lambda x: x.clamp_min(CLIP_LOW),
        lambda x: np.maximum(x, CLIP_LOW),
        unary(away_from_clip_bounds),
        lambda x: x.clamp_min(CLIP_LOW),
    ),
    OpSpec(
        "clamp_max",
        "clip",
        lambda x: al.clamp_max(x, CLIP_HIGH),
        lambda x: np.minimum(x, CLIP_HIGH),
        unary(away_from_clip_bounds),
        lambda x: _torch().clamp_max(x, CLIP_HIGH),
    ),
    OpSpec("nan_to_num", "nan_to_num", al.nan_to_num, np.nan_to_num, unary(), lambda x: x.nan_to_num()),
]

OPS_BY_NAME = {spec.name: spec for spec in OPS}


def covered_ops() -> set[str]:
    return {spec.op for spec in OPS}


def torch_index_supported(case: Case) -> bool:
    index = case.kwargs.get("index")
    return index is None or not _has_negative_step(_numpy_index(index))
