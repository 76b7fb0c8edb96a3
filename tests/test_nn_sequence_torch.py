"""Embedding, LayerNorm, attention and one_hot against PyTorch (skipped without torch):
values and gradients, MultiheadAttention with the same weights in every configuration, and
state dicts moving both ways."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as al
import nn
import nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _rng(seed):
    return np.random.default_rng(seed)


def _close(ours, theirs, rtol=1e-10, atol=1e-12):
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=rtol, atol=atol)


def _both(arrays):
    return [al.tensor(a, requires_grad=True) for a in arrays], [
        torch.tensor(a, requires_grad=True) for a in arrays
    ]


def _backward_both(out, expected, seed=9):
    upstream = _rng(seed).normal(size=expected.shape)
    out.backward(al.tensor(upstream))
    expected.backward(torch.tensor(upstream))


def test_embedding_matches_torch():
    rng = _rng(0)
    weight = rng.normal(size=(7, 3))
    indices = rng.integers(0, 7, size=(4, 5))
    ours, theirs = _both([weight])
    out = F.embedding(indices, ours[0], padding_idx=-2)
    expected = TF.embedding(torch.tensor(indices), theirs[0], padding_idx=-2)
    _close(out, expected)
    _backward_both(out, expected)
    _close(ours[0].grad, theirs[0].grad)


def test_one_hot_matches_torch():
    labels = _rng(1).integers(0, 5, size=(3, 4))
    expected = TF.one_hot(torch.tensor(labels))
    out = F.one_hot(labels)
    assert out.dtype == np.int64 and np.array_equal(out.numpy(), expected.numpy())


@pytest.mark.parametrize(
    "shape, normalized", [((4, 6), (6,)), ((2, 3, 4, 5), (4, 5)), ((3, 2, 2, 3), (2, 2, 3))]
)
def test_layer_norm_matches_torch(shape, normalized):
    rng = _rng(2)
    arrays = [rng.normal(size=shape) * 3 + 1, rng.normal(size=normalized), rng.normal(size=normalized)]
    ours, theirs = _both(arrays)
    out = F.layer_norm(*ours[:1], normalized, ours[1], ours[2], eps=1e-3)
    expected = TF.layer_norm(theirs[0], normalized, theirs[1], theirs[2], eps=1e-3)
    _close(out, expected)
    _backward_both(out, expected)
    for mine, reference in zip(ours, theirs):
        _close(mine.grad, reference.grad, atol=1e-10)


def test_layer_norm_float32_matches_torch():
    x = _rng(3).normal(size=(5, 8)).astype(np.float32)
    out = nn.LayerNorm(8)(al.tensor(x))
    expected = torch.nn.LayerNorm(8)(torch.tensor(x))
    assert out.dtype == np.float32
    _close(out, expected, rtol=1e-5, atol=1e-6)


def _sdpa_case(seed, lead, rows, cols):
    rng = _rng(seed)
    return [
        rng.normal(size=lead + (rows, 4)),
        rng.normal(size=lead + (cols, 4)),
        rng.normal(size=lead + (cols, 3)),
    ]


@pytest.mark.parametrize(
    "lead, rows, cols, mode",
    [((2,), 3, 3, "none"), ((2, 3), 3, 5, "bool"), ((1,), 4, 4, "float"), ((2,), 3, 3, "causal"),
     ((2,), 3, 5, "causal"), ((2,), 5, 3, "causal"), ((), 4, 2, "scale")],
)  # fmt: skip
def test_sdpa_matches_torch(lead, rows, cols, mode):
    rng = _rng(4)
    mask = None
    if mode == "bool":
        mask = rng.uniform(size=(rows, cols)) > 0.3
        mask[:, 0] = True
    elif mode == "float":
        mask = rng.normal(size=(rows, cols))
    kwargs = {"is_causal": mode == "causal", "scale": 0.7 if mode == "scale" else None}
    ours, theirs = _both(_sdpa_case(5, lead, rows, cols))
    out = F.scaled_dot_product_attention(*ours, attn_mask=mask, **kwargs)
    expected = TF.scaled_dot_product_attention(
        *theirs, attn_mask=None if mask is None else torch.tensor(mask), **kwargs
    )
    _close(out, expected)
    _backward_both(out, expected)
    for mine, reference in zip(ours, theirs):
        _close(mine.grad, reference.grad)


CONFIGS = [
    {},
    {"batch_first": True},
    {"kdim": 3, "vdim": 5},
    {"bias": False},
    {"add_bias_kv": True},
    {"add_zero_attn": True},
    {"add_bias_kv": True, "add_zero_attn": True, "batch_first": True},
]
CALLS = [
    {},
    {"key_padding_mask": "bool"},
    {"attn_mask": "bool"},
    {"attn_mask": "float", "key_padding_mask": "float"},
    {"attn_mask": "bool3d"},
    {"attn_mask": "causal", "is_causal": True},
    {"average_attn_weights": False, "key_padding_mask": "bool", "attn_mask": "bool"},
    {"need_weights": False, "attn_mask": "bool"},
]


def _masks(call, batch, heads, rows, cols, rng):
    masks = {}
    padding = call.get("key_padding_mask")
    if padding:
        bool_padding = np.zeros((batch, cols), bool)
        bool_padding[0, -1] = bool_padding[-1, 1] = True
        masks["key_padding_mask"] = bool_padding if padding == "bool" else np.where(bool_padding, -2.0, 0.5)
    kind = call.get("attn_mask")
    if kind == "causal":
        masks["attn_mask"] = np.triu(np.ones((rows, cols), bool), 1)
    elif kind == "bool3d":
        masks["attn_mask"] = rng.uniform(size=(batch * heads, rows, cols)) > 0.6
        masks["attn_mask"][..., 0] = False
    elif kind:
        bool_mask = rng.uniform(size=(rows, cols)) > 0.6
        bool_mask[:, 0] = False
        masks["attn_mask"] = bool_mask if kind == "bool" else rng.normal(size=(rows, cols))
    return masks


def _pair(config, seed=0):
    torch.manual_seed(seed)
    theirs = torch.nn.MultiheadAttention(6, 2, **config).double()
    ours = nn.MultiheadAttention(6, 2, dtype="float64", **config)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    return ours, theirs


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: "-".join(c) or "default")
@pytest.mark.parametrize("call", CALLS, ids=lambda c: "-".join(f"{k}={v}" for k, v in c.items()) or "plain")
def test_multihead_attention_matches_torch(config, call):
    ours, theirs = _pair(config)
    rng = _rng(6)
    batch, rows, cols = 2, 3, 4
    kdim, vdim = config.get("kdim", 6), config.get("vdim", 6)
    arrays = [
        rng.normal(size=(rows, batch, 6)),
        rng.normal(size=(cols, batch, kdim)),
        rng.normal(size=(cols, batch, vdim)),
    ]
    if config.get("batch_first"):
        arrays = [a.swapaxes(0, 1).copy() for a in arrays]
    masks = _masks(call, batch, 2, rows, cols, rng)
    options = {k: v for k, v in call.items() if k not in ("attn_mask", "key_padding_mask")}
    mine, reference = _both(arrays)
    out, weights = ours(*mine, **masks, **options)
    expected, expected_weights = theirs(
        *reference, **{k: torch.tensor(v) for k, v in masks.items()}, **options
    )
    _close(out, expected)
    if expected_weights is None:
        assert weights is None
    else:
        _close(weights, expected_weights)
    _backward_both(out, expected)
    for a, b in zip(mine, reference):
        _close(a.grad, b.grad, atol=1e-11)
    for (name, param), (torch_name, torch_param) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert name == torch_name
        _close(param.grad, torch_param.grad, atol=1e-11)


def test_multihead_self_attention_unbatched_matches_torch():
    ours, theirs = _pair({})
    x = _rng(7).normal(size=(5, 6))
    padding = np.array([False, True, False, False, False])
    out, weights = ours(al.tensor(x), al.tensor(x), al.tensor(x), key_padding_mask=padding)
    tx = torch.tensor(x)
    expected, expected_weights = theirs(tx, tx, tx, key_padding_mask=torch.tensor(padding))
    _close(out, expected)
    _close(weights, expected_weights)


def _first(output):
    return output[0] if isinstance(output, tuple) else output


def _outputs_equal_after_transfer(ours, theirs, inputs):
    """Load torch's state into ours (outputs equal), change ours, load it back into torch."""

    def run_both():
        mine = _first(ours(*inputs)).numpy()
        reference = _first(theirs(*(torch.tensor(a) for a in inputs))).detach().numpy()
        np.testing.assert_allclose(mine, reference, rtol=1e-6, atol=1e-6)

    ours.load_state_dict({k: v.detach().numpy().copy() for k, v in theirs.state_dict().items()})
    run_both()
    for param in ours.parameters():
        param.data = param.numpy() + 0.1
    theirs.load_state_dict({k: torch.tensor(v) for k, v in ours.state_dict().items()})
    run_both()


def test_state_dicts_move_both_ways():
    x = _rng(8).normal(size=(2, 3, 6)).astype(np.float32)
    indices = np.array([[1, 0, 4], [2, 2, 3]])
    _outputs_equal_after_transfer(
        nn.Embedding(5, 6, padding_idx=0), torch.nn.Embedding(5, 6, padding_idx=0), [indices]
    )
    _outputs_equal_after_transfer(nn.LayerNorm(6), torch.nn.LayerNorm(6), [x])
    _outputs_equal_after_transfer(
        nn.LayerNorm((3, 6), bias=False), torch.nn.LayerNorm((3, 6), bias=False), [x]
    )
    config = {"batch_first": True}
    _outputs_equal_after_transfer(
        nn.MultiheadAttention(6, 3, **config), torch.nn.MultiheadAttention(6, 3, **config), [x, x, x]
    )
    config = {"kdim": 3, "vdim": 6, "batch_first": True, "add_bias_kv": True}
    _outputs_equal_after_transfer(
        nn.MultiheadAttention(6, 3, **config),
        torch.nn.MultiheadAttention(6, 3, **config),
        [x, x[..., :3].copy(), x],
    )


def test_a_query_that_may_attend_nowhere_gets_zeros_as_in_torch():
    rng = _rng(11)
    ours, theirs = _both([rng.normal(size=(2, 3, 4)) for _ in range(3)])
    mask = np.array([[False, False, False], [True, False, True], [True, True, True]])
    out = F.scaled_dot_product_attention(*ours, attn_mask=mask)
    expected = TF.scaled_dot_product_attention(*theirs, attn_mask=torch.tensor(mask))
    _close(out, expected)
    assert not out.numpy()[:, 0].any()
    _backward_both(out, expected)
    for mine, reference in zip(ours, theirs):
        _close(mine.grad, reference.grad)


@pytest.mark.parametrize(
    "make",
    [
        lambda m: m.LayerNorm(8),
        lambda m: m.LayerNorm((2, 3), eps=1e-3, elementwise_affine=False),
        lambda m: m.LayerNorm(8, bias=False),
        lambda m: m.Embedding(5, 3, padding_idx=0),
        lambda m: m.Embedding(5, 3),
    ],
)
def test_reprs_are_torchs(make):
    assert repr(make(nn)) == repr(make(torch.nn))


def test_grouped_query_attention_matches_torch():
    rng = _rng(21)
    q = rng.normal(size=(2, 6, 4, 8))
    kv = [rng.normal(size=(2, 2, 5, 8)) for _ in range(2)]
    ours, theirs = _both([q, *kv])
    out = F.scaled_dot_product_attention(*ours, enable_gqa=True)
    expected = TF.scaled_dot_product_attention(*theirs, enable_gqa=True)
    _close(out, expected)
    _backward_both(out, expected)
    for a, b in zip(ours, theirs):
        _close(a.grad, b.grad)
    with pytest.raises(RuntimeError, match="multiple of key/value's 4 heads"):
        F.scaled_dot_product_attention(ours[0], al.randn(2, 4, 5, 8), al.randn(2, 4, 5, 8), enable_gqa=True)
