"""Embedding lookup (F.embedding, nn.Embedding) and F.one_hot.

The lookup is one op whose derivative is a row scatter-add, itself an op (its derivative
is the lookup again), so `create_graph=True` differentiates through it.
"""

# `input` is PyTorch's argument name; keeping it lets calls by keyword port unchanged.
# ruff: noqa: A001, A002

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_lite import Tensor, as_tensor, declare_updates, no_grad
from autograd_lite.function import Op

from . import init
from .module import Module
from .parameter import Parameter, factory_dtype


def _rows_kept(indices: np.ndarray, padding_idx: int | None) -> np.ndarray | None:
    """(..., 1) boolean mask of the positions that carry gradient (None: all of them)."""
    if padding_idx is None:
        return None
    return (indices != padding_idx)[..., None]


class EmbeddingLookup(Op):
    """weight[indices];  d/dweight = zeros with grad's rows added at indices (none at padding_idx)"""

    __slots__ = ("indices", "rows", "padding_idx")
    name = "embedding"

    @staticmethod
    def forward(ctx, weight, indices, padding_idx):
        ctx.indices, ctx.rows, ctx.padding_idx = indices, weight.shape[0], padding_idx
        return weight[indices]

    @staticmethod
    def backward(ctx, grad):
        if isinstance(grad, Tensor):
            return ScatterRows.apply(grad, indices=ctx.indices, rows=ctx.rows, padding_idx=ctx.padding_idx)
        return _scatter_rows(grad, ctx.indices, ctx.rows, ctx.padding_idx)


def _scatter_rows(grad: np.ndarray, indices: np.ndarray, rows: int, padding_idx: int | None) -> np.ndarray:
    """zeros((rows, dim)) with each row of `grad` added at its index, vectorised (repeats
    accumulate), and the padding row left at zero."""
    dim = grad.shape[-1]
    out = np.zeros((rows, dim), dtype=grad.dtype)
    np.add.at(out, indices.reshape(-1), grad.reshape(-1, dim))
    if padding_idx is not None:
        out[padding_idx] = 0
    return out


class ScatterRows(Op):
    """zeros((rows, dim)) with grad's rows added at indices;  d/dgrad = grad_out[indices]
    (zero where indices == padding_idx)"""

    __slots__ = ("indices", "padding_idx")
    name = "embedding_backward"

    @staticmethod
    def forward(ctx, grad, indices, rows, padding_idx):
        ctx.indices, ctx.padding_idx = indices, padding_idx
        return _scatter_rows(grad, indices, rows, padding_idx)

    @staticmethod
    def backward(ctx, grad):
        picked = EmbeddingLookup.apply(grad, indices=ctx.indices, padding_idx=ctx.padding_idx)
        kept = _rows_kept(ctx.indices, ctx.padding_idx)
        return picked if kept is None else picked * kept.astype(picked.dtype)


def _index_array(input: Any, num_embeddings: int) -> np.ndarray:
    """The integer indices as a private int64 array, checked against the table's size."""
    array = input.numpy() if isinstance(input, Tensor) else np.asarray(input)
    if array.dtype.kind not in "iu":
        raise TypeError(
            f"embedding: indices must be integers (Long or Int), got dtype {array.dtype}; "
            "convert them with .long()"
        )
    if array.size:
        low, high = array.min(), array.max()
        if low < 0 or high >= num_embeddings:
            bad = low if low < 0 else high
            raise IndexError(
                f"embedding: index {bad} is out of range for num_embeddings={num_embeddings} "
                f"(valid indices are 0..{num_embeddings - 1})"
            )
    return array.astype(np.int64)  # a copy: later writes to the caller's indices must not matter


def _check_padding_idx(padding_idx: int | None, num_embeddings: int) -> int | None:
    """padding_idx as a row number (negative counts from the end, as PyTorch), or None."""
    if padding_idx is None:
        return None
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise ValueError(
            f"padding_idx must be within num_embeddings={num_embeddings} "
            f"(between {-num_embeddings} and {num_embeddings - 1}), got {padding_idx}"
        )
    return int(padding_idx) + num_embeddings if padding_idx < 0 else int(padding_idx)


def _renorm_rows(weight: Tensor, indices: np.ndarray, max_norm: float, norm_type: float) -> None:
    """Scale the looked-up rows whose norm exceeds max_norm down to it, in place and without
    gradient (PyTorch's embedding_renorm_)."""
    table = weight.numpy()
    rows = np.unique(indices)
    norms = np.linalg.norm(table[rows], ord=norm_type, axis=1)
    over = norms > max_norm
    if over.any():
        declare_updates([weight])
        table[rows[over]] *= (max_norm / (norms[over] + 1e-7))[:, None].astype(table.dtype)


def embedding(
    input: Any,
    weight: Tensor,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """Rows of `weight` (num_embeddings, embedding_dim) at the integer `input` (any shape):
    the result has shape input.shape + (embedding_dim,). The `padding_idx` row gets no
    gradient; with `max_norm`, looked-up rows longer than it are rescaled in place first.

    >>> import autograd_lite as al, nn.functional as F
    >>> F.embedding(al.tensor([[2, 0]]), al.tensor([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]])).tolist()
    [[[4.0, 5.0], [0.0, 1.0]]]
    """
    # A rarely used PyTorch argument is refused rather than silently ignored.
    if scale_grad_by_freq:
        raise NotImplementedError("embedding: scale_grad_by_freq=True is not supported")
    weight = as_tensor(weight)
    if weight.ndim != 2:
        raise ValueError(f"embedding: weight must be 2-D (num_embeddings, embedding_dim), got {weight.shape}")
    rows = weight.shape[0]
    indices = _index_array(input, rows)
    padding_idx = _check_padding_idx(padding_idx, rows)
    if max_norm is not None:
        _renorm_rows(weight, indices, max_norm, norm_type)
    return EmbeddingLookup.apply(weight, indices=indices, padding_idx=padding_idx)


def one_hot(tensor: Any, num_classes: int = -1) -> Tensor:
    """int64 one-hot encoding: shape tensor.shape + (num_classes,), num_classes = max + 1
    when -1 (PyTorch's F.one_hot).

    >>> import autograd_lite as al, nn.functional as F
    >>> F.one_hot(al.tensor([0, 2])).tolist()
    [[1, 0, 0], [0, 0, 1]]
    """
    labels = tensor.numpy() if isinstance(tensor, Tensor) else np.asarray(tensor)
    if labels.dtype.kind not in "iu":
        raise RuntimeError(
            f"one_hot is only applicable to index tensors (integers), got dtype {labels.dtype}"
        )
    if num_classes == -1:
        if not labels.size:
            raise RuntimeError("one_hot: cannot infer num_classes from an empty tensor; pass num_classes")
        num_classes = int(labels.max()) + 1
    if labels.size and labels.min() < 0:
        raise RuntimeError(f"one_hot: class values must be non-negative, got {labels.min()}")
    if labels.size and labels.max() >= num_classes:
        raise RuntimeError(
            f"one_hot: class values must be smaller than num_classes={num_classes}, got {labels.max()}"
        )
    out = np.zeros(labels.shape + (num_classes,), dtype=np.int64)
    np.put_along_axis(out, labels[..., None].astype(np.int64), 1, axis=-1)
    return as_tensor(out)


class Embedding(Module):
    """A lookup table of `num_embeddings` vectors of size `embedding_dim`: integer indices
    of any shape in, input.shape + (embedding_dim,) out. `weight` starts N(0, 1) with the
    `padding_idx` row zeroed (PyTorch's init); that row gets no gradient.

    >>> import autograd_lite as al, nn
    >>> table = nn.Embedding(10, 3, padding_idx=0)
    >>> table(al.tensor([[1, 2, 0]])).shape, table.weight[0].tolist()
    ((1, 3, 3), [0.0, 0.0, 0.0])
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
        _weight: Any = None,
        _freeze: bool = False,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        for name, value in (("num_embeddings", num_embeddings), ("embedding_dim", embedding_dim)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise ValueError(f"Embedding: {name} must be a non-negative int, got {value!r}")
        self.num_embeddings, self.embedding_dim = int(num_embeddings), int(embedding_dim)
        self.padding_idx = _check_padding_idx(padding_idx, self.num_embeddings)
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        shape = (self.num_embeddings, self.embedding_dim)
        if _weight is None:
            self.weight = Parameter(np.empty(shape, dtype=factory_dtype("Embedding", device, dtype)))
            self.reset_parameters()
        else:
            data = _weight.numpy() if isinstance(_weight, Tensor) else np.asarray(_weight)
            if data.shape != shape:
                raise ValueError(f"Embedding: _weight has shape {data.shape}, expected {shape}")
            self.weight = Parameter(data.copy())
        if _freeze:
            self.weight.requires_grad_(False)

    def reset_parameters(self) -> None:
        """Draw the table from N(0, 1) and zero the padding row, as PyTorch."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            with no_grad():
                self.weight.numpy()[self.padding_idx] = 0

    @classmethod
    def from_pretrained(
        cls,
        embeddings: Any,
        freeze: bool = True,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
    ) -> Embedding:
        """An Embedding holding a copy of the 2-D `embeddings` (frozen unless `freeze=False`;
        the padding row keeps its given values, as PyTorch).

        >>> import autograd_lite as al, nn
        >>> table = nn.Embedding.from_pretrained(al.tensor([[1.0, 2.0], [3.0, 4.0]]))
        >>> table(al.tensor([1])).tolist(), table.weight.requires_grad
        ([[3.0, 4.0]], False)
        """
        data = embeddings.numpy() if isinstance(embeddings, Tensor) else np.asarray(embeddings)
        if data.ndim != 2:
            raise ValueError(f"Embedding.from_pretrained: embeddings must be 2-D, got shape {data.shape}")
        rows, dim = data.shape
        return cls(
            rows,
            dim,
            padding_idx,
            max_norm,
            norm_type,
            scale_grad_by_freq,
            sparse,
            _weight=data,
            _freeze=freeze,
        )

    def forward(self, input: Any) -> Tensor:
        return embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type)

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            text += f", max_norm={self.max_norm}"
        return text
