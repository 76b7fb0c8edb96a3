"""Layers for sequence models: Embedding, LayerNorm, scaled dot-product attention and
MultiheadAttention, with F.one_hot. Gradchecks (first and second order) on random shapes,
PyTorch as the oracle when installed, state dicts both ways, and the errors."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as al
import nn
import nn.functional as F


def _rng(seed):
    return np.random.default_rng(seed)


def _leaf(array):
    return al.tensor(array, requires_grad=True)


def _second_order(fn, inputs, seed=3):
    """gradcheck of the create_graph gradient of fn (w.r.t. the inputs and the upstream)."""
    with al.no_grad():
        shape = fn(*inputs).shape
    upstream = _leaf(_rng(seed).uniform(-1, 1, shape))

    def first(*args):
        with al.enable_grad():
            return al.grad(fn(*args[:-1]), args[:-1], grad_outputs=args[-1], create_graph=True)

    assert al.gradcheck(first, list(inputs) + [upstream])


# -- Embedding -------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(4))
def test_embedding_gradcheck_random_shapes(seed):
    rng = _rng(seed)
    rows, dim = rng.integers(2, 7), rng.integers(1, 5)
    shape = tuple(rng.integers(1, 4, size=rng.integers(0, 3)))
    indices = rng.integers(0, rows, size=shape)
    weight = _leaf(rng.normal(size=(rows, dim)))
    padding = None if seed % 2 or not indices.size else int(indices.ravel()[0])
    # The padding row gets no gradient by design; masking its uses keeps the function
    # (and so the finite differences) independent of it.
    kept = np.ones(indices.shape + (1,)) if padding is None else (indices != padding)[..., None] * 1.0
    assert al.gradcheck(lambda w: F.embedding(indices, w, padding_idx=padding) * kept, (weight,))


def test_embedding_padding_row_gets_no_gradient_and_repeats_accumulate():
    weight = _leaf(np.arange(12.0).reshape(4, 3))
    out = F.embedding(al.tensor([[1, 1, 2], [0, 2, 1]]), weight, padding_idx=2)
    out.sum().backward()
    assert weight.grad.numpy()[:, 0].tolist() == [1.0, 3.0, 0.0, 0.0]
    assert out.shape == (2, 3, 3)


def test_embedding_double_backward_is_a_gather():
    rng = _rng(5)
    weight = _leaf(rng.normal(size=(5, 3)))
    indices = np.array([[0, 4, 4], [2, 0, 1]])
    kept = (indices != 4)[..., None] * 1.0
    _second_order(lambda w: F.embedding(indices, w, padding_idx=4) ** 2 * kept, [weight])
    grad = al.grad((F.embedding(indices, weight, padding_idx=4) ** 2).sum(), weight, create_graph=True)[0]
    assert grad.grad_fn is not None and grad.numpy()[4].tolist() == [0.0, 0.0, 0.0]


def test_embedding_module_init_and_negative_padding_idx():
    al.manual_seed(0)
    table = nn.Embedding(1000, 8, padding_idx=-1)
    assert table.padding_idx == 999 and not table.weight.numpy()[999].any()
    values = table.weight.numpy()[:999]
    assert abs(values.mean()) < 0.05 and abs(values.std() - 1) < 0.05
    assert table.weight.dtype == np.float32 and table(np.array([3, 999])).shape == (2, 8)


def test_embedding_from_pretrained_freezes_and_keeps_padding_row():
    data = np.arange(6.0).reshape(3, 2)
    table = nn.Embedding.from_pretrained(al.tensor(data), padding_idx=1)
    assert not table.weight.requires_grad and table.weight.numpy()[1].tolist() == [2.0, 3.0]
    trainable = nn.Embedding.from_pretrained(data, freeze=False)
    assert trainable.weight.requires_grad
    data[0, 0] = 99.0  # a copy was taken
    assert trainable.weight.numpy()[0, 0] == 0.0


def test_embedding_max_norm_renormalises_looked_up_rows():
    table = nn.Embedding.from_pretrained(al.tensor([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]]), max_norm=1.0)
    out = table(al.tensor([0, 1]))
    np.testing.assert_allclose(out.numpy(), [[0.6, 0.8], [0.3, 0.4]], rtol=1e-5)
    assert table.weight.numpy()[2].tolist() == [6.0, 8.0]  # not looked up: unchanged


def test_embedding_errors():
    table = nn.Embedding(5, 2)
    with pytest.raises(IndexError, match=r"index 5 .*num_embeddings=5"):
        table(al.tensor([0, 5]))
    with pytest.raises(IndexError, match=r"index -1 .*num_embeddings=5"):
        table(np.array([-1]))
    with pytest.raises(TypeError, match="float64"):
        table(np.array([1.0]))
    with pytest.raises(ValueError, match="padding_idx"):
        nn.Embedding(5, 2, padding_idx=5)
    with pytest.raises(ValueError, match="2-D"):
        nn.Embedding.from_pretrained(np.ones(3))


def test_one_hot():
    out = F.one_hot(al.tensor([[0, 2], [1, 1]]))
    assert out.dtype == np.int64 and out.shape == (2, 2, 3)
    assert out.numpy()[0].tolist() == [[1, 0, 0], [0, 0, 1]]
    assert F.one_hot(np.array([1]), num_classes=4).tolist() == [[0, 1, 0, 0]]
    with pytest.raises(RuntimeError, match="smaller than num_classes=2"):
        F.one_hot(np.array([2]), 2)
    with pytest.raises(RuntimeError, match="non-negative"):
        F.one_hot(np.array([-1, 0]), 3)
    with pytest.raises(RuntimeError, match="float64"):
        F.one_hot(np.array([1.0]))


# -- LayerNorm -------------------------------------------------------------------


def _layer_norm_case(seed):
    rng = _rng(seed)
    k = 1 + seed % 3
    lead = tuple(rng.integers(1, 4, size=rng.integers(0, 3)))
    normalized = tuple(rng.integers(2, 4, size=k))
    x = rng.normal(size=lead + normalized) * 2 + 1
    return x, normalized, rng.normal(size=normalized), rng.normal(size=normalized)


@pytest.mark.parametrize("seed", range(6))
def test_layer_norm_gradcheck(seed):
    x, shape, w, b = _layer_norm_case(seed)
    assert al.gradcheck(lambda x, w, b: F.layer_norm(x, shape, w, b), (_leaf(x), _leaf(w), _leaf(b)))
    assert al.gradcheck(lambda x: F.layer_norm(x, shape, eps=0.1), (_leaf(x),))


@pytest.mark.parametrize("seed", range(3))
def test_layer_norm_double_backward(seed):
    x, shape, w, b = _layer_norm_case(seed)
    _second_order(lambda x, w, b: F.layer_norm(x, shape, w, b), [_leaf(x), _leaf(w), _leaf(b)])
    _second_order(lambda x: F.layer_norm(x, shape), [_leaf(x)])


def test_layer_norm_is_one_node_and_keeps_float32():
    norm = nn.LayerNorm((3, 4))
    out = norm(al.randn(2, 3, 4, requires_grad=True))
    assert out.grad_fn.name == "layer_norm" and out.dtype == np.float32
    out.sum().backward()
    assert norm.weight.grad.dtype == np.float32 and norm.bias.grad.shape == (3, 4)
    plain = nn.LayerNorm(4, elementwise_affine=False)
    assert plain.weight is None and plain.bias is None and not plain.state_dict()
    assert nn.LayerNorm(4, bias=False).bias is None


def test_layer_norm_errors_name_both_shapes():
    with pytest.raises(RuntimeError, match=r"normalized_shape=\[3\].*\(2, 4\)"):
        F.layer_norm(al.ones((2, 4)), (3,))
    with pytest.raises(RuntimeError, match=r"weight of shape \(3,\).*\[4\]"):
        F.layer_norm(al.ones((2, 4)), 4, weight=al.ones(3))
    with pytest.raises(RuntimeError, match=r"\(4,\)"):
        nn.LayerNorm((2, 4))(al.ones(4))
    with pytest.raises(TypeError, match="float64.*float32"):
        F.layer_norm(al.ones((2, 4)), 4, weight=al.ones(4, dtype="float64"))


# -- scaled dot-product attention --------------------------------------------------


def _qkv(seed, lead=(2,), rows=3, cols=4, features=5, value_features=2):
    rng = _rng(seed)
    return (
        rng.normal(size=lead + (rows, features)),
        rng.normal(size=lead + (cols, features)),
        rng.normal(size=lead + (cols, value_features)),
    )


def _bool_mask(rows, cols, seed=0):
    mask = _rng(seed).uniform(size=(rows, cols)) > 0.4
    mask[:, 0] = True  # every query may attend somewhere
    return mask


@pytest.mark.parametrize("mode", ["none", "bool", "float", "causal", "causal_wide", "scale"])
def test_sdpa_gradcheck(mode):
    lead = (2, 1) if mode == "float" else (2,)
    cols = 5 if mode == "causal_wide" else 4
    q, k, v = (_leaf(a) for a in _qkv(1, lead=lead, cols=cols))
    options = {
        "bool": {"attn_mask": _bool_mask(3, cols)},
        "float": {"attn_mask": _rng(2).normal(size=(3, cols))},
        "causal": {"is_causal": True},
        "causal_wide": {"is_causal": True},
        "scale": {"scale": 0.3},
    }.get(mode, {})
    assert al.gradcheck(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, **options), (q, k, v))


def test_sdpa_float_mask_gets_a_gradient():
    q, k, v = (_leaf(a) for a in _qkv(2))
    mask = _leaf(_rng(4).normal(size=(3, 4)))
    assert al.gradcheck(lambda m: F.scaled_dot_product_attention(q, k, v, attn_mask=m), (mask,))


@pytest.mark.parametrize("mode", ["plain", "causal", "bool"])
def test_sdpa_double_backward(mode):
    q, k, v = (_leaf(a) for a in _qkv(3, rows=2, cols=3, features=2))
    options = {"causal": {"is_causal": True}, "bool": {"attn_mask": _bool_mask(2, 3, 1)}}.get(mode, {})
    _second_order(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, **options), [q, k, v])


def test_sdpa_is_a_few_ops():
    q, k, v = (_leaf(a) for a in _qkv(4))
    out = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    names, stack, seen = [], [out.grad_fn], set()
    while stack:
        node = stack.pop()
        if node is None or not hasattr(node, "inputs") or id(node) in seen:
            continue
        seen.add(id(node))
        names.append(node.name)
        stack.extend(node.inputs)
    assert len(names) <= 6 and "softmax" in names


def test_sdpa_errors():
    q, k, v = (al.tensor(a) for a in _qkv(5))
    with pytest.raises(RuntimeError, match=r"\(5, 5\).*\(2, 3, 4\)"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=np.ones((5, 5), bool))
    with pytest.raises(TypeError, match="int64"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=np.ones((3, 4), np.int64))
    with pytest.raises(RuntimeError, match="is_causal"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=np.ones((3, 4), bool), is_causal=True)
    with pytest.raises(ValueError, match=r"\(2, 2, 5\)"):
        F.scaled_dot_product_attention(q, k, k[:, :2])


# -- MultiheadAttention -----------------------------------------------------------


def _mha(seed=0, **options):
    al.manual_seed(seed)
    return nn.MultiheadAttention(6, 2, dtype="float64", **options)


def test_mha_parameters_and_init():
    attention = nn.MultiheadAttention(8, 4)
    names = [name for name, _ in attention.named_parameters()]
    assert names == ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"]
    assert attention.in_proj_weight.shape == (24, 8) and attention.in_proj_weight.dtype == np.float32
    bound = np.sqrt(6 / (24 + 8))  # xavier_uniform_ on the (3E, E) matrix
    assert np.abs(attention.in_proj_weight.numpy()).max() <= bound
    assert not attention.in_proj_bias.numpy().any() and not attention.out_proj.bias.numpy().any()
    other = nn.MultiheadAttention(8, 2, kdim=3, vdim=5, bias=False, add_bias_kv=True)
    assert [name for name, _ in other.named_parameters()] == [
        "q_proj_weight", "k_proj_weight", "v_proj_weight", "bias_k", "bias_v", "out_proj.weight",
    ]  # fmt: skip
    assert other.k_proj_weight.shape == (8, 3) and other.in_proj_weight is None


@pytest.mark.parametrize(
    "options", [{}, {"batch_first": True}, {"kdim": 3, "vdim": 4}, {"add_bias_kv": True}]
)
def test_mha_parameter_gradcheck(options):
    attention = _mha(1, **options)
    rng = _rng(1)
    x = rng.normal(size=(3, 2, 6))
    kv_k = rng.normal(size=(4, 2, options.get("kdim", 6)))
    kv_v = rng.normal(size=(4, 2, options.get("vdim", 6)))
    if options.get("batch_first"):
        x, kv_k, kv_v = (a.swapaxes(0, 1) for a in (x, kv_k, kv_v))
    mask = _bool_mask(3, 4) == 0
    # gradcheck perturbs the parameters themselves, in place.
    assert al.gradcheck(
        lambda *params: attention(x, kv_k, kv_v, attn_mask=mask)[0], list(attention.parameters())
    )


def test_mha_double_backward_through_self_attention():
    attention = _mha(2, batch_first=True)
    x = _leaf(_rng(2).normal(size=(2, 3, 6)))
    mask = np.triu(np.ones((3, 3), bool), 1)
    _second_order(lambda x: attention(x, x, x, attn_mask=mask, is_causal=True)[0], [x])


def test_mha_unbatched_and_weights_shapes():
    attention = _mha(3)
    x = al.tensor(_rng(3).normal(size=(4, 6)))
    out, weights = attention(x, x, x, key_padding_mask=np.array([False, False, True, False]))
    assert out.shape == (4, 6) and weights.shape == (4, 4) and not weights.numpy()[:, 2].any()
    out, weights = attention(x, x, x, average_attn_weights=False)
    assert weights.shape == (2, 4, 4)
    np.testing.assert_allclose(weights.numpy().sum(-1), 1.0)
    assert attention(x, x, x, need_weights=False)[1] is None


def test_mha_errors_name_the_expected_shape():
    attention = _mha(4)
    x = al.tensor(_rng(4).normal(size=(3, 2, 6)))
    with pytest.raises(RuntimeError, match=r"attn_mask has shape \(3, 2\), but should be \(3, 3\)"):
        attention(x, x, x, attn_mask=np.zeros((3, 2), bool))
    with pytest.raises(RuntimeError, match=r"key_padding_mask has shape \(3, 2\), but should be \(2, 3\)"):
        attention(x, x, x, key_padding_mask=np.zeros((3, 2), bool))
    with pytest.raises(TypeError, match="int32"):
        attention(x, x, x, attn_mask=np.zeros((3, 3), np.int32))
    with pytest.raises(RuntimeError, match="is_causal"):
        attention(x, x, x, is_causal=True)
    with pytest.raises(ValueError, match=r"\(3, 2, 5\)"):
        attention(x, x[..., :5], x)
    with pytest.raises(ValueError, match="divisible"):
        nn.MultiheadAttention(6, 4)


def test_mha_dropout_only_in_training():
    attention = _mha(5, dropout=0.5)
    x = al.tensor(_rng(5).normal(size=(3, 2, 6)))
    attention.eval()
    first, second = attention(x, x, x)[0], attention(x, x, x)[0]
    np.testing.assert_array_equal(first.numpy(), second.numpy())
    attention.train()
    assert not np.allclose(attention(x, x, x)[0].numpy(), first.numpy())
