"""Scaled dot-product attention (F.scaled_dot_product_attention) and nn.MultiheadAttention.

Attention is a handful of the library's ops (matmul, scale, mask, softmax, matmul), so
its derivatives of every order come from theirs. Masks become one additive float array
(0 where attending is allowed, -inf where not) added to the scores.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd_lite as al
from autograd_lite import Tensor, as_tensor, linear

from . import init
from .functional_dropout import dropout
from .linear import Linear
from .module import Module
from .parameter import Parameter, factory_dtype


def _attend(
    q: Tensor, k: Tensor, v: Tensor, bias: Any, dropout_p: float, scale: float
) -> tuple[Tensor, Tensor]:
    """softmax(q k^T * scale + bias) (dropped out with dropout_p) and that matrix times v."""
    scores = (q @ k.transpose(-2, -1)) * scale
    blocked = None
    if isinstance(bias, np.ndarray):
        # A query that may attend to nothing gets weights 0 (PyTorch's safe softmax), not the
        # NaN of a softmax over -inf only.
        blocked = np.isneginf(bias).all(axis=-1, keepdims=True)
        if blocked.any():
            bias = np.where(blocked, 0.0, bias).astype(bias.dtype)
        else:
            blocked = None
    if bias is not None:
        scores = scores + bias
    weights = al.softmax(scores, -1)
    if blocked is not None:
        weights = weights * (~blocked).astype(weights.dtype)
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p)
    return weights @ v, weights


def _causal_bias(rows: int, cols: int, dtype: np.dtype) -> np.ndarray:
    """0 on and below the diagonal (query i sees keys 0..i, aligned top-left as PyTorch
    does when L != S), -inf above."""
    return np.where(np.tri(rows, cols, dtype=bool), 0.0, -np.inf).astype(dtype)


def _additive(mask: Any, allowed: bool, dtype: np.dtype, what: str) -> Any:
    """A mask as an additive bias: boolean masks become 0 / -inf (True means `allowed`),
    float masks are returned as they are (a float Tensor keeps its gradient)."""
    kind = mask.dtype.kind
    if kind == "b":
        array = mask.numpy() if isinstance(mask, Tensor) else np.asarray(mask)
        keep = array if allowed else ~array
        return np.where(keep, 0.0, -np.inf).astype(dtype)
    if kind != "f":
        raise TypeError(f"{what}: only bool and floating masks are supported, got dtype {mask.dtype}")
    if isinstance(mask, Tensor):
        return mask if mask.dtype == dtype or mask.requires_grad else mask.numpy().astype(dtype)
    return np.asarray(mask, dtype=dtype)


def scaled_dot_product_attention(
    query: Any,
    key: Any,
    value: Any,
    attn_mask: Any = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    enable_gqa: bool = False,
) -> Tensor:
    """softmax(query key^T * scale + mask) value over any leading batch dimensions: query
    (..., L, E), key (..., S, E), value (..., S, Ev) -> (..., L, Ev). `scale` defaults to
    1 / sqrt(E). A boolean `attn_mask` (broadcast to (..., L, S)) says where attending is
    allowed (True); a float one is added to the scores. `is_causal` lets query i attend
    keys 0..i only. Dropout with `dropout_p` is applied to the attention weights.
    `enable_gqa=True`: key and value may have fewer heads (dim -3) than query, each serving a
    group of consecutive query heads.

    >>> import autograd_lite as al, nn.functional as F
    >>> q = k = v = al.randn(2, 4, 8)
    >>> F.scaled_dot_product_attention(q, k, v, is_causal=True).shape
    (2, 4, 8)
    """
    query, key, value = as_tensor(query), as_tensor(key), as_tensor(value)
    if enable_gqa:
        key, value = _grouped(query, key), _grouped(query, value)
    _check_qkv(query, key, value)
    rows, cols = query.shape[-2], key.shape[-2]
    dtype = query.dtype
    bias = None
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError(
                "scaled_dot_product_attention: attn_mask must not be given with is_causal=True"
            )
        bias = _causal_bias(rows, cols, dtype)
    elif attn_mask is not None:
        expected = np.broadcast_shapes(query.shape[:-2], key.shape[:-2]) + (rows, cols)
        try:
            np.broadcast_shapes(tuple(attn_mask.shape), expected)
        except ValueError:
            raise RuntimeError(
                f"scaled_dot_product_attention: attn_mask of shape {tuple(attn_mask.shape)} does not "
                f"broadcast to the attention weights' shape {expected} (..., L, S)"
            ) from None
        bias = _additive(attn_mask, True, dtype, "scaled_dot_product_attention")
    factor = 1.0 / math.sqrt(query.shape[-1]) if scale is None else float(scale)
    out, _ = _attend(query, key, value, bias, float(dropout_p), factor)
    return out


def _grouped(query: Tensor, kv: Tensor) -> Tensor:
    """Grouped-query attention: each of key's / value's heads (dim -3) serves
    query_heads / kv_heads consecutive query heads, as PyTorch's enable_gqa."""
    if query.ndim < 3 or kv.ndim < 3:
        raise ValueError(
            f"scaled_dot_product_attention: enable_gqa needs a heads dimension (-3), got query of shape "
            f"{query.shape} and key/value of shape {kv.shape}"
        )
    query_heads, kv_heads = query.shape[-3], kv.shape[-3]
    if query_heads % kv_heads:
        raise RuntimeError(
            f"scaled_dot_product_attention: with enable_gqa the query's {query_heads} heads must be a "
            f"multiple of key/value's {kv_heads} heads"
        )
    return kv if query_heads == kv_heads else kv.repeat_interleave(query_heads // kv_heads, dim=-3)


def _check_qkv(query: Tensor, key: Tensor, value: Tensor) -> None:
    if query.ndim < 2 or key.ndim < 2 or value.ndim < 2:
        raise ValueError(
            f"scaled_dot_product_attention needs query, key and value of at least 2 dimensions, got "
            f"shapes {query.shape}, {key.shape}, {value.shape}"
        )
    if query.shape[-1] != key.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise ValueError(
            f"scaled_dot_product_attention: query {query.shape}, key {key.shape} and value {value.shape} "
            "do not fit: expected query (..., L, E), key (..., S, E), value (..., S, Ev)"
        )


class MultiheadAttention(Module):
    """Multi-head attention as PyTorch's: project query, key and value, attend per head
    (embed_dim // num_heads features each), concatenate the heads and project with
    `out_proj`. Inputs are (L, N, E) (or (N, L, E) with `batch_first`), or unbatched (L, E).
    Parameters `in_proj_weight` (3E, E) and `in_proj_bias` (3E,) (`q_proj_weight`,
    `k_proj_weight`, `v_proj_weight` when kdim/vdim differ from embed_dim), `out_proj`,
    and with `add_bias_kv` `bias_k`, `bias_v`: PyTorch's names, shapes and init.

    `forward` returns (output, weights): weights (N, L, S) averaged over heads, or
    (N, num_heads, L, S) with average_attn_weights=False, or None when need_weights=False.
    In `attn_mask` (L, S) or (N * num_heads, L, S) and `key_padding_mask` (N, S), a boolean
    True means "do not attend"; float masks are added to the scores.

    >>> import autograd_lite as al, nn
    >>> attention = nn.MultiheadAttention(8, 2, batch_first=True)
    >>> x = al.randn(3, 5, 8)
    >>> out, weights = attention(x, x, x)
    >>> out.shape, weights.shape
    ((3, 5, 8), (3, 5, 5))
    """

    def __init__(
        self,
        embed_dim: int,
        num_heads: int,
        dropout: float = 0.0,
        bias: bool = True,
        add_bias_kv: bool = False,
        add_zero_attn: bool = False,
        kdim: int | None = None,
        vdim: int | None = None,
        batch_first: bool = False,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(
                f"MultiheadAttention: embed_dim and num_heads must be positive, got {embed_dim} and {num_heads}"
            )
        if embed_dim % num_heads:
            raise ValueError(
                f"MultiheadAttention: embed_dim ({embed_dim}) must be divisible by num_heads ({num_heads})"
            )
        self.embed_dim, self.num_heads = int(embed_dim), int(num_heads)
        self.head_dim = self.embed_dim // self.num_heads
        self.kdim = self.embed_dim if kdim is None else int(kdim)
        self.vdim = self.embed_dim if vdim is None else int(vdim)
        self._qkv_same_embed_dim = self.kdim == self.embed_dim and self.vdim == self.embed_dim
        self.dropout, self.batch_first, self.add_zero_attn = float(dropout), batch_first, add_zero_attn
        dtype = factory_dtype("MultiheadAttention", device, dtype)
        e = self.embed_dim
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(np.empty((3 * e, e), dtype=dtype))
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.q_proj_weight = Parameter(np.empty((e, e), dtype=dtype))
            self.k_proj_weight = Parameter(np.empty((e, self.kdim), dtype=dtype))
            self.v_proj_weight = Parameter(np.empty((e, self.vdim), dtype=dtype))
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(np.zeros(3 * e, dtype=dtype))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = Linear(e, e, bias=bias, dtype=dtype)
        if add_bias_kv:
            self.bias_k = Parameter(np.empty((1, 1, e), dtype=dtype))
            self.bias_v = Parameter(np.empty((1, 1, e), dtype=dtype))
        else:
            self.bias_k = self.bias_v = None
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        """PyTorch's init: xavier_uniform_ projections, zero biases, xavier_normal_ bias_k/v."""
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            for weight in (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
                init.xavier_uniform_(weight)
        if self.in_proj_bias is not None:
            init.zeros_(self.in_proj_bias)
            init.zeros_(self.out_proj.bias)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
            init.xavier_normal_(self.bias_v)

    def forward(
        self,
        query: Any,
        key: Any,
        value: Any,
        key_padding_mask: Any = None,
        need_weights: bool = True,
        attn_mask: Any = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        if is_causal and attn_mask is None:
            raise RuntimeError(
                "MultiheadAttention: is_causal is a hint that attn_mask is causal; give attn_mask"
            )
        query, key, value = as_tensor(query), as_tensor(key), as_tensor(value)
        batched = self._check_inputs(query, key, value)
        q, k, v = (self._batch_major(t, batched) for t in (query, key, value))
        n, rows, cols = q.shape[0], q.shape[1], k.shape[1]
        bias = self._mask_bias(attn_mask, key_padding_mask, n, rows, cols, batched, q.dtype)
        q, k, v = self._project(q, k, v)
        if self.bias_k is not None:
            k = al.cat([k, self.bias_k.broadcast_to((n, 1, self.embed_dim))], 1)
            v = al.cat([v, self.bias_v.broadcast_to((n, 1, self.embed_dim))], 1)
            bias = _pad_last(bias)
        heads = self.num_heads
        q, k, v = (t.reshape((n, -1, heads, self.head_dim)).transpose(1, 2) for t in (q, k, v))
        if self.add_zero_attn:
            zeros = np.zeros((n, heads, 1, self.head_dim), dtype=q.dtype)
            k, v = al.cat([k, zeros], 2), al.cat([v, zeros], 2)
            bias = _pad_last(bias)
        p = self.dropout if self.training else 0.0
        out, weights = _attend(q, k, v, bias, p, 1.0 / math.sqrt(self.head_dim))
        out = self.out_proj(out.transpose(1, 2).reshape((n, rows, self.embed_dim)))
        if not batched:
            out = out.reshape((rows, self.embed_dim))
        elif not self.batch_first:
            out = out.transpose(0, 1)
        if not need_weights:
            return out, None
        if average_attn_weights:
            weights = weights.mean(axis=1)
        return out, (weights if batched else weights.squeeze(0))

    def _check_inputs(self, query: Tensor, key: Tensor, value: Tensor) -> bool:
        """Whether the inputs are batched; ValueError naming the shapes if they do not fit."""
        dims = (query.ndim, key.ndim, value.ndim)
        if dims not in ((3, 3, 3), (2, 2, 2)):
            raise ValueError(
                "MultiheadAttention: query, key and value must all be 3-D (batched) or all 2-D "
                f"(unbatched), got shapes {query.shape}, {key.shape}, {value.shape}"
            )
        batch_axis = 0 if self.batch_first else 1
        ok = (
            query.shape[-1] == self.embed_dim
            and key.shape[-1] == self.kdim
            and value.shape[-1] == self.vdim
            and key.shape[:-1] == value.shape[:-1]
            and (dims[0] == 2 or query.shape[batch_axis] == key.shape[batch_axis])
        )
        if not ok:
            layout = "(N, L, E)" if self.batch_first else "(L, N, E)"
            raise ValueError(
                f"MultiheadAttention: got query {query.shape}, key {key.shape}, value {value.shape}; "
                f"expected {layout} query with E={self.embed_dim}, key and value of equal batch and "
                f"length with features kdim={self.kdim} and vdim={self.vdim}"
            )
        return dims[0] == 3

    def _batch_major(self, x: Tensor, batched: bool) -> Tensor:
        """x as (N, L, features)."""
        if not batched:
            return x.reshape((1,) + tuple(x.shape))
        return x if self.batch_first else x.transpose(0, 1)

    def _project(self, q: Tensor, k: Tensor, v: Tensor) -> tuple[Tensor, ...]:
        # Three products with slices of in_proj_weight, also for self-attention: one product
        # and a split of its result was 10% slower on the transformer benchmark (its backward
        # scatters each third into zeros of the whole).
        e, b = self.embed_dim, self.in_proj_bias
        if self._qkv_same_embed_dim:
            weights = (self.in_proj_weight[:e], self.in_proj_weight[e : 2 * e], self.in_proj_weight[2 * e :])
        else:
            weights = (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight)
        biases = (None, None, None) if b is None else (b[:e], b[e : 2 * e], b[2 * e :])
        return tuple(linear(x, w, bb) for x, w, bb in zip((q, k, v), weights, biases))

    def _mask_bias(
        self,
        attn_mask: Any,
        key_padding_mask: Any,
        n: int,
        rows: int,
        cols: int,
        batched: bool,
        dtype: np.dtype,
    ) -> Any:
        """attn_mask and key_padding_mask as one additive bias broadcasting to (N, H, L, S)."""
        bias = None
        if attn_mask is not None:
            expected = (rows, cols), (self.num_heads * n, rows, cols)
            shape = tuple(attn_mask.shape)
            if shape not in expected:
                raise RuntimeError(
                    f"MultiheadAttention: attn_mask has shape {shape}, but should be {expected[0]} or "
                    f"{expected[1]} (num_heads * batch, L, S)"
                )
            bias = _additive(attn_mask, False, dtype, "MultiheadAttention attn_mask")
            if len(shape) == 3:
                bias = bias.reshape((n, self.num_heads, rows, cols))
        if key_padding_mask is not None:
            expected = (n, cols) if batched else (cols,)
            if tuple(key_padding_mask.shape) != expected:
                raise RuntimeError(
                    f"MultiheadAttention: key_padding_mask has shape {tuple(key_padding_mask.shape)}, "
                    f"but should be {expected} (batch, S)"
                )
            padding = _additive(key_padding_mask, False, dtype, "MultiheadAttention key_padding_mask")
            padding = padding.reshape((n, 1, 1, cols))
            bias = padding if bias is None else bias + padding
        return bias

    def extra_repr(self) -> str:
        return f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, batch_first={self.batch_first}"


def _pad_last(bias: Any) -> Any:
    """The bias with a zero column appended for one more key (bias_k or the zero key)."""
    if bias is None:
        return None
    shape = tuple(bias.shape)
    zeros = np.zeros(shape[:-1] + (1,), dtype=bias.dtype)
    if isinstance(bias, Tensor):
        return al.cat([bias, zeros], -1)
    return np.concatenate([bias, zeros], -1)
