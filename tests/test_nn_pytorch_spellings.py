"""nn under PyTorch's names: the functions and layers added for code written for PyTorch,
checked against closed forms, finite differences (first and second order) and torch."""

# ruff: noqa: A002

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_lite as al
import nn
import nn.functional as F

RNG = np.random.default_rng(0)
X = RNG.standard_normal((5, 4))
Y = RNG.standard_normal((5, 4))
LABELS = np.array([0, 3, 1, -100, 2])
WEIGHT = np.abs(RNG.standard_normal(4)) + 0.5
PROBS = np.abs(Y) / np.abs(Y).sum(1, keepdims=True)
LOG_P = np.log(np.abs(X) + 0.1)

# name -> (ours, torch's (a function of the torch module), inputs, which inputs are differentiated)
CASES = {
    "silu": (F.silu, lambda t: t.nn.functional.silu, (X,)),
    "gelu": (F.gelu, lambda t: t.nn.functional.gelu, (X,)),
    "gelu_tanh": (
        lambda a: F.gelu(a, approximate="tanh"),
        lambda t: lambda a: t.nn.functional.gelu(a, approximate="tanh"),
        (X,),
    ),
    "smooth_l1": (F.smooth_l1_loss, lambda t: t.nn.functional.smooth_l1_loss, (2 * X, Y)),
    "smooth_l1_beta": (
        lambda a, b: F.smooth_l1_loss(a, b, reduction="none", beta=0.5),
        lambda t: lambda a, b: t.nn.functional.smooth_l1_loss(a, b, reduction="none", beta=0.5),
        (2 * X, Y),
    ),
    "smooth_l1_beta0": (
        lambda a, b: F.smooth_l1_loss(a, b, reduction="sum", beta=0.0),
        lambda t: lambda a, b: t.nn.functional.smooth_l1_loss(a, b, reduction="sum", beta=0.0),
        (2 * X, Y),
    ),
    "kl_div_batchmean": (
        lambda a, b: F.kl_div(a, b, reduction="batchmean"),
        lambda t: lambda a, b: t.nn.functional.kl_div(a, b, reduction="batchmean"),
        (LOG_P, PROBS),
    ),
    "kl_div_none_log_target": (
        lambda a, b: F.kl_div(a, b, reduction="none", log_target=True),
        lambda t: lambda a, b: t.nn.functional.kl_div(a, b, reduction="none", log_target=True),
        (LOG_P, np.log(PROBS)),
    ),
    "kl_div_sum": (
        lambda a, b: F.kl_div(a, b, reduction="sum"),
        lambda t: lambda a, b: t.nn.functional.kl_div(a, b, reduction="sum"),
        (LOG_P, PROBS),
    ),
    "cosine_similarity": (F.cosine_similarity, lambda t: t.nn.functional.cosine_similarity, (X, Y)),
    "cosine_similarity_dim0_broadcast": (
        lambda a, b: F.cosine_similarity(a, b, dim=0),
        lambda t: lambda a, b: t.nn.functional.cosine_similarity(a, b, dim=0),
        (X, Y[:, :1]),
    ),
    "normalize": (F.normalize, lambda t: t.nn.functional.normalize, (X,)),
    "normalize_p1_dim0": (
        lambda a: F.normalize(a, p=1, dim=0),
        lambda t: lambda a: t.nn.functional.normalize(a, p=1, dim=0),
        (X,),
    ),
    "normalize_p3": (
        lambda a: F.normalize(a, p=3.0, dim=-1),
        lambda t: lambda a: t.nn.functional.normalize(a, p=3.0, dim=-1),
        (X,),
    ),
    "normalize_inf": (
        lambda a: F.normalize(a, p=math.inf),
        lambda t: lambda a: t.nn.functional.normalize(a, p=math.inf),
        (X,),
    ),
}


def _cross_entropy_case(reduction, smoothing, weight, labels):
    def ours(a):
        return F.cross_entropy(a, labels, weight=weight, reduction=reduction, label_smoothing=smoothing)

    def theirs(t):
        def call(a):
            w = None if weight is None else t.tensor(weight)
            target = t.tensor(labels)
            return t.nn.functional.cross_entropy(
                a, target, weight=w, reduction=reduction, label_smoothing=smoothing
            )

        return call

    return ours, theirs, (X,)


for _reduction in ("mean", "sum", "none"):
    for _smoothing in (0.1, 0.7):
        for _weight in (None, WEIGHT):
            for _labels, _kind in ((LABELS, "ignored"), (PROBS, "probabilities")):
                _name = f"cross_entropy_{_reduction}_{_smoothing}_{_kind}_{'weight' if _weight is not None else 'plain'}"
                CASES[_name] = _cross_entropy_case(_reduction, _smoothing, _weight, _labels)


@pytest.mark.parametrize("name", list(CASES))
def test_matches_torch(name):
    torch = pytest.importorskip("torch")
    ours, theirs, inputs = CASES[name]
    mine = [al.tensor(a, requires_grad=True) for a in inputs]
    reference = [torch.tensor(a, requires_grad=True) for a in inputs]
    out, expected = ours(*mine), theirs(torch)(*reference)
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=1e-6, atol=1e-12)
    seed = RNG.standard_normal(expected.shape)
    out.backward(al.tensor(seed))
    expected.backward(torch.tensor(seed))
    for a, b in zip(mine, reference):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("name", list(CASES))
def test_gradients_first_and_second_order(name):
    ours, _, inputs = CASES[name]
    if "normalize_inf" in name:
        pytest.skip("the max norm has kinks; its first order is checked against torch")
    tensors = tuple(al.tensor(a, requires_grad=True) for a in inputs)
    assert al.gradcheck(lambda *xs: ours(*xs), tensors)
    probe = [RNG.standard_normal(np.shape(a)) for a in inputs]

    def first_derivative(*xs):
        # gradcheck evaluates under no_grad; the first derivative needs a graph.
        with al.enable_grad():
            grads = al.grad(ours(*xs).sum(), xs, create_graph=True)
            return sum((g * p).sum() for g, p in zip(grads, probe))

    assert al.gradcheck(first_derivative, tensors)


# -- closed forms (meaningful without torch) ---------------------------------------------


def test_closed_forms():
    x = al.tensor([[3.0, 4.0], [0.0, 0.0]], dtype="float64", requires_grad=True)
    np.testing.assert_allclose(F.normalize(x).numpy(), [[0.6, 0.8], [0.0, 0.0]])
    F.normalize(x).sum().backward()
    assert np.isfinite(x.grad.numpy()).all()  # a zero row gets a finite gradient, as in PyTorch
    assert F.cosine_similarity(x, al.tensor([[6.0, 8.0], [1.0, 0.0]])).tolist() == pytest.approx([1.0, 0.0])
    assert F.silu(al.tensor([1.0], dtype="float64")).item() == pytest.approx(1 / (1 + math.exp(-1)))
    assert F.gelu(al.tensor([-1.0, 2.0], dtype="float64")).tolist() == pytest.approx(
        [-1 * 0.5 * (1 + math.erf(-1 / math.sqrt(2))), 2 * 0.5 * (1 + math.erf(2 / math.sqrt(2)))], rel=1e-15
    )
    smooth = F.smooth_l1_loss(al.tensor([0.2, 3.0]), al.tensor([0.0, 0.0]), reduction="none", beta=0.5)
    assert smooth.tolist() == pytest.approx([0.5 * 0.04 / 0.5, 3.0 - 0.25])
    # KL(p || q) with p = (1/4, 3/4), q = (1/2, 1/2); a zero target contributes 0.
    kl = F.kl_div(al.tensor([[0.5, 0.5]]).log(), al.tensor([[0.25, 0.75]]), reduction="batchmean")
    assert kl.item() == pytest.approx(0.25 * math.log(0.5) + 0.75 * math.log(1.5), rel=1e-6)
    assert F.kl_div(al.tensor([[-1.0, -2.0]]), al.tensor([[0.0, 1.0]]), reduction="sum").item() == 2.0
    # Label smoothing e over C classes: -sum((1 - e) onehot + e / C) log softmax.
    logits = np.array([[1.0, 2.0, 0.5]])
    log_probs = logits - np.log(np.exp(logits).sum())
    smoothed = F.cross_entropy(al.tensor(logits), al.tensor([1]), label_smoothing=0.3).item()
    assert smoothed == pytest.approx(-(0.7 * log_probs[0, 1] + 0.1 * log_probs.sum()))


def test_float32_stays_float32():
    x, y = al.tensor(X.astype(np.float32)), al.tensor(Y.astype(np.float32))
    for out in (
        F.silu(x), F.gelu(x), F.normalize(x), F.cosine_similarity(x, y), F.smooth_l1_loss(x, y),
        F.kl_div(x, y.abs()), F.cross_entropy(x, LABELS, weight=WEIGHT, label_smoothing=0.2),
    ):  # fmt: skip
        assert out.dtype == np.float32


def test_argument_errors():
    x = al.tensor(X)
    with pytest.raises(TypeError, match="class labels, which must be integers"):
        nn.CrossEntropyLoss()(x, al.tensor([0.0, 1.0, 2.0, 1.0, 0.0]))
    with pytest.raises(ValueError, match="label_smoothing"):
        nn.CrossEntropyLoss(label_smoothing=1.5)
    with pytest.raises(ValueError, match="beta"):
        nn.SmoothL1Loss(beta=-1.0)
    with pytest.raises(ValueError, match="batchmean"):
        nn.KLDivLoss(reduction="average")
    with pytest.raises(TypeError, match="both dim=1 and axis=0"):
        nn.Softmax(dim=1, axis=0)
    with pytest.raises(TypeError, match="both dim"):
        F.log_softmax(x, dim=1, axis=1)
    with pytest.raises(IndexError, match="dim 2"):
        F.normalize(x, dim=2)
    with pytest.raises(ValueError, match="do not broadcast"):
        F.cosine_similarity(x, al.ones(3))
    with pytest.raises(ValueError, match="approximate"):
        F.gelu(x, approximate="erf")


def test_loss_modules_match_functions():
    x, y = al.tensor(X), al.tensor(Y)
    assert nn.SmoothL1Loss(beta=0.5)(x, y).item() == F.smooth_l1_loss(x, y, beta=0.5).item()
    assert nn.KLDivLoss(reduction="batchmean", log_target=True)(x, y).item() == pytest.approx(
        F.kl_div(x, y, reduction="batchmean", log_target=True).item()
    )
    loss = nn.CrossEntropyLoss(weight=WEIGHT, label_smoothing=0.2)
    assert loss(x, LABELS).item() == F.cross_entropy(x, LABELS, weight=WEIGHT, label_smoothing=0.2).item()
    assert F.softmax(x, 0).tolist() == nn.Softmax(axis=0)(x).tolist() == F.softmax(x, axis=0).tolist()


# -- Module methods under PyTorch's names ---------------------------------------------------


def test_module_methods_match_torch():
    torch = pytest.importorskip("torch")
    ours = nn.Sequential(nn.Linear(3, 4), nn.Sequential(nn.ReLU(), nn.Linear(4, 2)))
    theirs = torch.nn.Sequential(
        torch.nn.Linear(3, 4), torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Linear(4, 2))
    )
    assert [n for n, _ in ours.named_modules(prefix="net")] == [
        n for n, _ in theirs.named_modules(prefix="net")
    ]
    assert repr(ours) == repr(theirs)
    visited, torch_visited = [], []
    ours.apply(lambda m: visited.append(type(m).__name__))
    theirs.apply(lambda m: torch_visited.append(type(m).__name__))
    assert visited == torch_visited
    for module in (ours, theirs):
        module.register_buffer("scale", (al if module is ours else torch).ones(2))
        module.register_buffer("cache", (al if module is ours else torch).zeros(2), persistent=False)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert "cache" in dict(ours.named_buffers())
    result = ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    assert result == theirs.load_state_dict(theirs.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    partial = {k: v for k, v in ours.state_dict().items() if k != "0.bias"}
    partial["extra"] = np.zeros(1)
    assert tuple(ours.load_state_dict(partial, strict=False)) == (["0.bias"], ["extra"])
    with pytest.raises(RuntimeError, match="'0.bias'.*\\n.*'extra'|'extra'.*\\n.*'0.bias'"):
        ours.load_state_dict(partial)
    assert ours.double()[0].weight.dtype == np.float64 and ours.scale.dtype == np.float64
    assert ours.float()[0].weight.dtype == np.float32
    assert not any(p.requires_grad for p in ours.requires_grad_(False).parameters())
    assert not ours.requires_grad_(False)[0].weight.requires_grad


def test_named_modules_duplicates_and_memo():
    shared = nn.ReLU()
    model = nn.Sequential(shared, shared)
    assert [n for n, _ in model.named_modules()] == ["", "0"]
    assert [n for n, _ in model.named_modules(remove_duplicate=False)] == ["", "0", "1"]
    assert [n for n, _ in model.named_modules(memo={shared})] == [""]


def test_linear_flatten_init_and_clipping():
    layer = nn.Linear(4, 2)
    assert (layer.in_features, layer.out_features) == (4, 2)
    assert repr(layer) == "Linear(in_features=4, out_features=2, bias=True)"
    assert nn.Dense is nn.Linear
    assert nn.Flatten(start_dim=0, end_dim=1)(al.ones((2, 3, 4))).shape == (6, 4)
    assert nn.init.constant_(layer.bias, 0.25).tolist() == [0.25, 0.25]
    w = nn.Parameter([3.0, -4.0])
    w.grad = al.tensor([3.0, -4.0])
    assert nn.utils.clip_grad_norm_([w], 2.0, norm_type=math.inf).item() == 4.0
    assert w.grad.tolist() == pytest.approx([1.5, -2.0], rel=1e-5)


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf])
def test_clip_grad_norm_matches_torch(norm_type):
    torch = pytest.importorskip("torch")
    grads = [RNG.standard_normal((3, 2)), RNG.standard_normal(4)]
    ours = [nn.Parameter(np.zeros(g.shape)) for g in grads]
    theirs = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for p, t, g in zip(ours, theirs, grads):
        p.grad = al.tensor(g)
        t.grad = torch.tensor(g)
    total = nn.utils.clip_grad_norm_(ours, 0.5, norm_type=norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs, 0.5, norm_type=norm_type)
    assert total.item() == pytest.approx(expected.item(), rel=1e-12)
    for p, t in zip(ours, theirs):
        np.testing.assert_allclose(p.grad.numpy(), t.grad.numpy(), rtol=1e-12)


def test_batchnorm1d_on_n_c_l_matches_torch():
    torch = pytest.importorskip("torch")
    x = RNG.standard_normal((4, 3, 5))
    ours, theirs = nn.BatchNorm1d(3).double(), torch.nn.BatchNorm1d(3).double()
    np.testing.assert_allclose(
        ours(al.tensor(x)).numpy(), theirs(torch.tensor(x)).detach().numpy(), rtol=1e-10
    )
    for key, value in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[key], value.numpy(), rtol=1e-10)
