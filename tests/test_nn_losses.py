"""nn losses: values against NumPy formulas, float64 gradchecks through the modules for
every reduction, stability, errors, and the fused cross-entropy node."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_lite as al
import nn
import nn.functional as F

REDUCTIONS = ["mean", "sum", "none"]


def _reduce(values, reduction):
    return {"mean": np.mean, "sum": np.sum, "none": lambda v: v}[reduction](values)


def _rng(seed=0):
    return np.random.default_rng(seed)


def _log_softmax(x):
    shifted = x - x.max(1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(1, keepdims=True))


def _huber(d, delta=1.0):
    return np.where(np.abs(d) < delta, 0.5 * d * d, delta * (np.abs(d) - 0.5 * delta))


def _bce_logits(x, t):
    return np.maximum(x, 0) - x * t + np.log1p(np.exp(-np.abs(x)))


# (name, module factory taking reduction, input, target, reference per-element loss,
#  whether the target is differentiable)
ELEMENTWISE = [
    ("mse", lambda r: nn.MSELoss(reduction=r), lambda: _rng().normal(size=(3, 4)), lambda: _rng(1).normal(size=(3, 4)),
     lambda x, t: (x - t) ** 2),
    ("l1", lambda r: nn.L1Loss(reduction=r), lambda: _rng().normal(size=(3, 4)), lambda: _rng(1).normal(size=(3, 4)),
     lambda x, t: np.abs(x - t)),
    ("huber", lambda r: nn.HuberLoss(reduction=r), lambda: 2 * _rng().normal(size=(3, 4)), lambda: _rng(1).normal(size=(3, 4)),
     lambda x, t: _huber(x - t)),
    ("huber_delta", lambda r: nn.HuberLoss(reduction=r, delta=0.3), lambda: _rng().normal(size=(3, 4)),
     lambda: _rng(1).normal(size=(3, 4)), lambda x, t: _huber(x - t, 0.3)),
    ("bce", lambda r: nn.BCELoss(reduction=r), lambda: _rng().uniform(0.05, 0.95, (3, 4)), lambda: _rng(1).uniform(0, 1, (3, 4)),
     lambda x, t: -(t * np.log(x) + (1 - t) * np.log(1 - x))),
    ("bce_logits", lambda r: nn.BCEWithLogitsLoss(reduction=r), lambda: 3 * _rng().normal(size=(3, 4)),
     lambda: _rng(1).uniform(0, 1, (3, 4)), _bce_logits),
    ("bce_logits_pos_weight", lambda r: nn.BCEWithLogitsLoss(reduction=r, pos_weight=np.array([0.5, 1.0, 2.0, 3.0])),
     lambda: 3 * _rng().normal(size=(3, 4)), lambda: _rng(1).uniform(0, 1, (3, 4)),
     lambda x, t: (1 - t) * x + (1 + (np.array([0.5, 1.0, 2.0, 3.0]) - 1) * t) * np.log1p(np.exp(-x))),
]  # fmt: skip


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(
    "name, make, make_input, make_target, reference", ELEMENTWISE, ids=[e[0] for e in ELEMENTWISE]
)
def test_elementwise_loss_values_and_gradcheck(
    name, make, make_input, make_target, reference, reduction, float64
):
    loss_fn = make(reduction)
    x, t = make_input(), make_target()
    np.testing.assert_allclose(
        loss_fn(al.tensor(x), t).numpy(), _reduce(reference(x, t), reduction), rtol=1e-10, atol=1e-12
    )
    xt = al.tensor(x, requires_grad=True)
    tt = al.tensor(t, requires_grad=True)
    assert al.gradcheck(loss_fn, (xt, tt))


def test_bce_with_logits_pos_weight_gradient(float64):
    x = al.tensor(_rng().normal(size=(3, 2)), requires_grad=True)
    t = al.tensor(_rng(1).uniform(size=(3, 2)), requires_grad=True)
    weight = al.tensor([0.5, 2.0], requires_grad=True)
    assert al.gradcheck(
        lambda a, b, w: F.binary_cross_entropy_with_logits(a, b, pos_weight=w), (x, t, weight)
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_values_and_gradcheck(reduction, float64):
    x = _rng().normal(size=(5, 4))
    labels = np.array([0, 3, 1, 1, 2])
    loss_fn = nn.CrossEntropyLoss(reduction=reduction)
    per_row = -_log_softmax(x)[np.arange(5), labels]
    np.testing.assert_allclose(loss_fn(al.tensor(x), labels).numpy(), _reduce(per_row, reduction), rtol=1e-12)
    assert al.gradcheck(lambda a: loss_fn(a, al.tensor(labels)), (al.tensor(x, requires_grad=True),))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_values_and_gradcheck(reduction, float64):
    log_probs = _log_softmax(_rng().normal(size=(5, 4)))
    labels = np.array([0, 3, 1, -100, 2])
    loss_fn = nn.NLLLoss(reduction=reduction)
    kept = labels != -100
    per_row = np.where(kept, -log_probs[np.arange(5), np.where(kept, labels, 0)], 0.0)
    expected = per_row.sum() / kept.sum() if reduction == "mean" else _reduce(per_row, reduction)
    np.testing.assert_allclose(loss_fn(al.tensor(log_probs), labels).numpy(), expected, rtol=1e-12)
    assert al.gradcheck(lambda a: loss_fn(a, labels), (al.tensor(log_probs, requires_grad=True),))


@pytest.mark.parametrize("ignore_index", [-100, 2])
def test_cross_entropy_ignore_index_means_over_kept_rows(ignore_index, float64):
    x = _rng().normal(size=(6, 3))
    labels = np.array([0, ignore_index, 1, 2 if ignore_index != 2 else 0, ignore_index, 1])
    kept = labels != ignore_index
    loss = nn.CrossEntropyLoss(ignore_index=ignore_index)(al.tensor(x), labels)
    expected = -_log_softmax(x)[kept][np.arange(kept.sum()), labels[kept]].mean()
    np.testing.assert_allclose(loss.item(), expected, rtol=1e-12)
    xt = al.tensor(x, requires_grad=True)
    nn.CrossEntropyLoss(ignore_index=ignore_index)(xt, labels).backward()
    assert not xt.grad.numpy()[~kept].any()  # ignored rows get no gradient
    assert al.gradcheck(lambda a: F.cross_entropy(a, labels, ignore_index=ignore_index), (xt,))
    none = F.cross_entropy(al.tensor(x), labels, ignore_index=ignore_index, reduction="none").numpy()
    assert not none[~kept].any()


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_class_weights(reduction, float64):
    x = _rng().normal(size=(6, 3))
    labels = np.array([0, 2, -100, 1, 2, 2])
    weight = np.array([0.5, 2.0, 1.5])
    kept = labels != -100
    rows = np.where(kept, weight[np.where(kept, labels, 0)], 0.0)
    per_row = -_log_softmax(x)[np.arange(6), np.where(kept, labels, 0)] * rows
    expected = per_row.sum() / rows.sum() if reduction == "mean" else _reduce(per_row, reduction)
    for loss_fn in (
        nn.CrossEntropyLoss(weight, reduction=reduction),
        lambda a, t: nn.NLLLoss(al.tensor(weight), reduction=reduction)(a.log_softmax(axis=1), t),
    ):
        np.testing.assert_allclose(loss_fn(al.tensor(x), labels).numpy(), expected, rtol=1e-12)
        assert al.gradcheck(lambda a, fn=loss_fn: fn(a, labels), (al.tensor(x, requires_grad=True),))
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        F.cross_entropy(al.tensor(x), labels, weight=np.ones(4))


def test_cross_entropy_is_one_float32_node():
    logits = al.randn(8, 5, requires_grad=True)
    loss = nn.CrossEntropyLoss()(logits, al.tensor(np.arange(8) % 5))
    assert loss.grad_fn.name == "cross_entropy"
    assert loss.grad_fn.inputs[0] is logits  # straight from the logits: a single node
    assert loss.dtype == np.float32
    loss.backward()
    assert logits.grad.dtype == np.float32
    # d loss / d logits = (softmax - onehot) / N
    expected = np.exp(_log_softmax(logits.numpy().astype(np.float64)))
    expected[np.arange(8), np.arange(8) % 5] -= 1
    np.testing.assert_allclose(logits.grad.numpy(), expected / 8, rtol=1e-4, atol=1e-7)


def test_cross_entropy_second_order_matches_composite(float64):
    x = al.tensor(_rng().normal(size=(4, 3)), requires_grad=True)
    labels = np.array([2, 0, 1, 0])
    rows = np.arange(4)

    def composite(a):
        return -(a.log_softmax(axis=1)[rows, labels]).mean()

    vector = al.tensor(_rng(2).normal(size=(4, 3)))
    results = []
    for loss_fn in (lambda a: F.cross_entropy(a, labels), composite):
        (grad,) = al.grad(loss_fn(x), x, create_graph=True)
        (hvp,) = al.grad((grad * vector).sum(), x)
        results.append((grad.numpy(), hvp.numpy()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-10)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-8, atol=1e-12)
    assert np.abs(results[0][1]).max() > 1e-3  # a real second derivative, not zeros


def test_second_order_through_other_loss_ops(float64):
    x = al.tensor(_rng().normal(size=(2, 3)), requires_grad=True)
    t = _rng(1).uniform(size=(2, 3))
    labels = np.array([1, 2])
    for loss_fn in (
        lambda a: F.binary_cross_entropy_with_logits(a, t),
        lambda a: F.binary_cross_entropy(a.sigmoid(), t),
        lambda a: F.huber_loss(a, t, delta=0.5),
        lambda a: F.nll_loss(a.log_softmax(axis=1), labels),
    ):

        def first_derivative(a, fn=loss_fn):
            with al.enable_grad():  # gradcheck's finite differences run under no_grad
                return al.grad(fn(a), a, create_graph=True)[0]

        assert first_derivative(x).requires_grad
        assert al.gradcheck(first_derivative, (x,))


def test_cross_entropy_probability_targets(float64):
    x = _rng().normal(size=(3, 4))
    probs = _rng(1).dirichlet(np.ones(4), size=3)
    loss = F.cross_entropy(al.tensor(x), probs)
    np.testing.assert_allclose(loss.item(), -(probs * _log_softmax(x)).sum(1).mean(), rtol=1e-12)
    assert al.gradcheck(
        lambda a, p: F.cross_entropy(a, p),
        (al.tensor(x, requires_grad=True), al.tensor(probs, requires_grad=True)),
    )


def test_losses_stable_for_huge_logits():
    logits = al.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4]], requires_grad=True)
    loss = F.cross_entropy(logits, np.array([1, 2]), reduction="none")
    np.testing.assert_allclose(loss.numpy(), [2e4, np.log(2)], rtol=1e-6)
    loss.sum().backward()
    assert np.isfinite(logits.grad.numpy()).all()
    x = al.tensor([1e4, -1e4, 1e4, -1e4], requires_grad=True)
    t = al.tensor([1.0, 0.0, 0.0, 1.0])
    values = F.binary_cross_entropy_with_logits(x, t, reduction="none")
    np.testing.assert_array_equal(values.numpy(), [0.0, 0.0, 1e4, 1e4])
    values.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 1.0, -1.0])
    weighted = F.binary_cross_entropy_with_logits(x, t, pos_weight=al.tensor([2.0]), reduction="none")
    np.testing.assert_array_equal(weighted.numpy(), [0.0, 0.0, 1e4, 2e4])


def test_bce_clamps_log_at_minus_100():
    p = al.tensor([0.0, 1.0, 0.0, 1.0], requires_grad=True)
    t = al.tensor([1.0, 0.0, 0.0, 1.0])
    loss = F.binary_cross_entropy(p, t, reduction="none")
    np.testing.assert_array_equal(loss.numpy(), [100.0, 100.0, 0.0, 0.0])
    loss.sum().backward()
    assert np.isfinite(p.grad.numpy()).all()
    # PyTorch's gradient: (p - t) / max(p (1 - p), 1e-12)
    np.testing.assert_allclose(p.grad.numpy(), [-1e12, 1e12, 0.0, 0.0], rtol=1e-6)
    with pytest.raises(ValueError, match="between 0 and 1"):
        F.binary_cross_entropy(al.tensor([1.5]), al.tensor([1.0]))


def test_float32_stays_float32_with_float64_targets():
    x = al.randn(4, 3, requires_grad=True)
    t = np.random.default_rng(0).uniform(size=(4, 3))  # float64
    for loss_fn in (nn.MSELoss(), nn.L1Loss(), nn.HuberLoss(), nn.BCEWithLogitsLoss()):
        loss = loss_fn(x, t)
        assert loss.dtype == np.float32, type(loss_fn).__name__
    assert nn.BCELoss()(x.sigmoid(), t).dtype == np.float32


def test_errors_name_shapes_labels_and_reduction():
    with pytest.raises(ValueError, match="reduction"):
        nn.MSELoss(reduction="avg")
    with pytest.raises(ValueError, match="reduction"):
        F.cross_entropy(al.ones((2, 3)), np.array([0, 1]), reduction="mean ")
    with pytest.raises(ValueError, match=r"\(4, 1\).*\(4,\)"):
        nn.MSELoss()(al.ones((4, 1)), np.ones(4))
    with pytest.raises(ValueError, match=r"labels \[-1, 3, 7\]"):
        nn.CrossEntropyLoss()(al.ones((5, 3)), np.array([0, 3, 7, -1, 3]))
    with pytest.raises(ValueError, match=r"labels \[5\]"):
        nn.NLLLoss()(al.ones((2, 3)), al.tensor([5, -100]))
    with pytest.raises(ValueError, match=r"\(3,\).*\(2, 3\)"):
        nn.CrossEntropyLoss()(al.ones((2, 3)), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"\(2, 3, 4\)"):
        nn.CrossEntropyLoss()(al.ones((2, 3, 4)), np.array([0, 1]))
    with pytest.raises(TypeError, match="integer class labels"):
        nn.NLLLoss()(al.ones((2, 3)), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="delta"):
        nn.HuberLoss(delta=0)
    with pytest.raises(ValueError, match="pos_weight"):
        F.binary_cross_entropy_with_logits(al.ones((2, 3)), np.ones((2, 3)), pos_weight=np.ones(2))


def test_all_ignored_mean_is_nan_with_zero_gradient_like_pytorch():
    for loss_fn in (F.cross_entropy, F.nll_loss):
        x = al.ones((2, 3), requires_grad=True)
        loss = loss_fn(x, np.array([-100, -100]))
        assert np.isnan(loss.item())
        loss.backward()
        np.testing.assert_array_equal(x.grad.numpy(), 0.0)


@given(
    data=st.data(),
    rows=st.integers(1, 6),
    classes=st.integers(1, 5),
    reduction=st.sampled_from(REDUCTIONS),
)
def test_cross_entropy_over_shapes_and_labels(data, rows, classes, reduction):
    al.set_default_dtype(np.float64)
    try:
        seed = data.draw(st.integers(0, 2**16))
        x = 5 * np.random.default_rng(seed).normal(size=(rows, classes))
        labels = np.array(
            data.draw(st.lists(st.integers(0, classes - 1) | st.just(-100), min_size=rows, max_size=rows))
        )
        kept = labels != -100
        per_row = np.where(kept, -_log_softmax(x)[np.arange(rows), np.where(kept, labels, 0)], 0.0)
        if reduction == "none":
            expected = per_row
        elif reduction == "sum":
            expected = per_row.sum()
        else:
            expected = per_row.sum() / kept.sum() if kept.any() else np.nan
        xt = al.tensor(x, requires_grad=True)
        loss = F.cross_entropy(xt, labels, reduction=reduction)
        np.testing.assert_allclose(loss.numpy(), expected, rtol=1e-10, atol=1e-12)
        if reduction != "mean" or kept.any():  # an all-ignored mean is nan (gradient 0, as PyTorch)
            assert al.gradcheck(lambda a: F.cross_entropy(a, labels, reduction=reduction), (xt,))
        nll = F.nll_loss(al.tensor(x).log_softmax(axis=1), labels, reduction=reduction)
        np.testing.assert_allclose(nll.numpy(), expected, rtol=1e-10, atol=1e-12)
    finally:
        al.set_default_dtype(np.float32)
