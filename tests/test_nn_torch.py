"""nn against PyTorch (skipped without torch): losses and activations give the same values
and gradients, state dicts move between the two unchanged, reprs match, BatchNorm's running
statistics match, and training the same model gives the same losses step by step."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as al
import nn
import nn.functional as F
import optim

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _rng(seed=0):
    return np.random.default_rng(seed)


def _compare(ours_fn, torch_fn, arrays, grad_mask, rtol=1e-10, atol=1e-12):
    """Same value and same gradients for the arrays flagged in grad_mask (float64)."""
    ours = [
        al.tensor(a, requires_grad=flag) if flag else (al.tensor(a) if a.dtype.kind == "f" else a)
        for a, flag in zip(arrays, grad_mask)
    ]
    theirs = [torch.tensor(a, requires_grad=flag) for a, flag in zip(arrays, grad_mask)]
    out, expected = ours_fn(*ours), torch_fn(*theirs)
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=rtol, atol=atol)
    seed = _rng(9).normal(size=expected.shape)
    out.backward(al.tensor(seed))
    expected.backward(torch.tensor(seed))
    for mine, reference, flag in zip(ours, theirs, grad_mask):
        if flag:
            np.testing.assert_allclose(mine.grad.numpy(), reference.grad.numpy(), rtol=rtol, atol=atol)


LOGITS = 3 * _rng().normal(size=(6, 4))
LABELS = np.array([0, 3, 1, -100, 2, 2])
PROBS = _rng(1).uniform(0.02, 0.98, (6, 4))
TARGETS = _rng(2).uniform(0, 1, (6, 4))
BINARY = np.where(_rng(3).uniform(size=(6, 4)) > 0.5, 1.0, 0.0)
EXTREME = np.array([[1e4, -1e4, 0.0, 30.0], [-1e4, 1e4, -30.0, 1.0]])
EXTREME_T = np.array([[0.0, 1.0, 0.5, 1.0], [0.0, 1.0, 0.25, 0.0]])
POS_WEIGHT = np.array([0.5, 1.0, 2.0, 4.0])
CLASS_WEIGHT = np.array([0.2, 1.0, 3.0, 0.7])

LOSSES = [
    ("mse", lambda r: (lambda a, b: F.mse_loss(a, b, r)), lambda r: (lambda a, b: TF.mse_loss(a, b, reduction=r)), (LOGITS, TARGETS), (True, True)),
    ("l1", lambda r: (lambda a, b: F.l1_loss(a, b, r)), lambda r: (lambda a, b: TF.l1_loss(a, b, reduction=r)), (LOGITS, TARGETS), (True, True)),
    ("huber", lambda r: (lambda a, b: F.huber_loss(a, b, r, 1.5)), lambda r: (lambda a, b: TF.huber_loss(a, b, reduction=r, delta=1.5)), (LOGITS, TARGETS), (True, True)),
    ("bce", lambda r: (lambda a, b: F.binary_cross_entropy(a, b, reduction=r)), lambda r: (lambda a, b: TF.binary_cross_entropy(a, b, reduction=r)), (PROBS, TARGETS), (True, True)),
    ("bce_saturated", lambda r: (lambda a, b: F.binary_cross_entropy(a, b, reduction=r)), lambda r: (lambda a, b: TF.binary_cross_entropy(a, b, reduction=r)),
     (np.array([0.0, 1.0, 1e-50, 0.5]), np.array([1.0, 0.0, 1.0, 0.0])), (True, False)),
    ("bce_logits", lambda r: (lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction=r)), lambda r: (lambda a, b: TF.binary_cross_entropy_with_logits(a, b, reduction=r)),
     (LOGITS, TARGETS), (True, True)),
    ("bce_logits_extreme", lambda r: (lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction=r)), lambda r: (lambda a, b: TF.binary_cross_entropy_with_logits(a, b, reduction=r)),
     (EXTREME, EXTREME_T), (True, True)),
    ("bce_logits_pos_weight", lambda r: (lambda a, b, w: F.binary_cross_entropy_with_logits(a, b, reduction=r, pos_weight=w)),
     lambda r: (lambda a, b, w: TF.binary_cross_entropy_with_logits(a, b, reduction=r, pos_weight=w)), (LOGITS, BINARY, POS_WEIGHT), (True, True, False)),
    ("cross_entropy", lambda r: (lambda a, t: F.cross_entropy(a, t, reduction=r)), lambda r: (lambda a, t: TF.cross_entropy(a, t, reduction=r)), (LOGITS, LABELS), (True, False)),
    ("cross_entropy_ignore_2", lambda r: (lambda a, t: F.cross_entropy(a, t, ignore_index=2, reduction=r)),
     lambda r: (lambda a, t: TF.cross_entropy(a, t, ignore_index=2, reduction=r)), (LOGITS, np.array([0, 3, 1, 2, 2, 1])), (True, False)),
    ("cross_entropy_extreme", lambda r: (lambda a, t: F.cross_entropy(a, t, reduction=r)), lambda r: (lambda a, t: TF.cross_entropy(a, t, reduction=r)), (EXTREME, np.array([1, 2])), (True, False)),
    ("cross_entropy_probabilities", lambda r: (lambda a, t: F.cross_entropy(a, t, reduction=r)), lambda r: (lambda a, t: TF.cross_entropy(a, t, reduction=r)),
     (LOGITS, PROBS / PROBS.sum(1, keepdims=True)), (True, True)),
    ("cross_entropy_class_weights", lambda r: (lambda a, t: F.cross_entropy(a, t, weight=CLASS_WEIGHT, reduction=r)),
     lambda r: (lambda a, t: TF.cross_entropy(a, t, weight=torch.tensor(CLASS_WEIGHT), reduction=r)), (LOGITS, LABELS), (True, False)),
    ("cross_entropy_probabilities_class_weights", lambda r: (lambda a, t: F.cross_entropy(a, t, weight=CLASS_WEIGHT, reduction=r)),
     lambda r: (lambda a, t: TF.cross_entropy(a, t, weight=torch.tensor(CLASS_WEIGHT), reduction=r)),
     (LOGITS, PROBS / PROBS.sum(1, keepdims=True)), (True, True)),
    ("nll_class_weights", lambda r: (lambda a, t: F.nll_loss(a, t, weight=CLASS_WEIGHT, ignore_index=1, reduction=r)),
     lambda r: (lambda a, t: TF.nll_loss(a, t, weight=torch.tensor(CLASS_WEIGHT), ignore_index=1, reduction=r)), (LOGITS, np.array([0, 3, 1, 1, 2, 2])), (True, False)),
    ("nll", lambda r: (lambda a, t: F.nll_loss(a, t, reduction=r)), lambda r: (lambda a, t: TF.nll_loss(a, t, reduction=r)), (LOGITS, LABELS), (True, False)),
]  # fmt: skip


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name, ours, theirs, arrays, grad_mask", LOSSES, ids=[loss[0] for loss in LOSSES])
def test_losses_match_torch(name, ours, theirs, arrays, grad_mask, reduction, float64):
    _compare(ours(reduction), theirs(reduction), arrays, grad_mask)


def test_loss_modules_match_torch_in_float32():
    x = LOGITS.astype(np.float32)
    pairs = [
        (nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss(), LABELS),
        (nn.MSELoss(), torch.nn.MSELoss(), TARGETS.astype(np.float32)),
        (nn.BCEWithLogitsLoss(), torch.nn.BCEWithLogitsLoss(), TARGETS.astype(np.float32)),
    ]
    for ours, theirs, target in pairs:
        mine = al.tensor(x, requires_grad=True)
        reference = torch.tensor(x, requires_grad=True)
        loss, expected = ours(mine, target), theirs(reference, torch.tensor(target))
        assert loss.dtype == np.float32
        np.testing.assert_allclose(loss.item(), expected.item(), rtol=1e-6)
        loss.backward()
        expected.backward()
        np.testing.assert_allclose(mine.grad.numpy(), reference.grad.numpy(), rtol=1e-5, atol=1e-7)


ACTIVATIONS = [
    (nn.ReLU(), torch.nn.ReLU()),
    (nn.LeakyReLU(0.2), torch.nn.LeakyReLU(0.2)),
    (nn.ELU(0.7), torch.nn.ELU(0.7)),
    (nn.Sigmoid(), torch.nn.Sigmoid()),
    (nn.Tanh(), torch.nn.Tanh()),
    (nn.Softplus(), torch.nn.Softplus()),
    (nn.Softplus(beta=2.0, threshold=5.0), torch.nn.Softplus(beta=2.0, threshold=5.0)),
    (nn.GELU(approximate="tanh"), torch.nn.GELU(approximate="tanh")),
    (nn.GELU(), torch.nn.GELU()),
    (nn.SiLU(), torch.nn.SiLU()),
    (nn.Softmax(axis=1), torch.nn.Softmax(dim=1)),
    (nn.Softmax(dim=0), torch.nn.Softmax(dim=0)),
    (nn.LogSoftmax(axis=0), torch.nn.LogSoftmax(dim=0)),
]


@pytest.mark.parametrize("ours, theirs", ACTIVATIONS, ids=[repr(a[1]) for a in ACTIVATIONS])
def test_activations_match_torch(ours, theirs, float64):
    x = np.concatenate([LOGITS, EXTREME, [[0.5, -0.5, 2.4, 3.0]]])
    _compare(ours, theirs, (x,), (True,))
    assert repr(ours) == repr(theirs)


def _pair():
    ours = nn.Sequential(
        nn.Linear(5, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 6), nn.Tanh(),
        nn.BatchNorm1d(6, bias=False), nn.Flatten(), nn.Identity(), nn.Linear(6, 3, bias=False),
    )  # fmt: skip
    theirs = torch.nn.Sequential(
        torch.nn.Linear(5, 8), torch.nn.BatchNorm1d(8), torch.nn.ReLU(), torch.nn.Linear(8, 6), torch.nn.Tanh(),
        torch.nn.BatchNorm1d(6, bias=False), torch.nn.Flatten(), torch.nn.Identity(), torch.nn.Linear(6, 3, bias=False),
    )  # fmt: skip
    return ours, theirs


def test_state_dict_keys_and_repr_equal_torch():
    ours, theirs = _pair()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for key, value in theirs.state_dict().items():
        assert ours.state_dict()[key].shape == tuple(value.shape), key
        assert ours.state_dict()[key].dtype == value.numpy().dtype, key
    assert repr(ours) == repr(theirs)


def test_module_list_repr_groups_repeats_like_torch():
    def build(lib):
        return lib.ModuleList(
            [lib.Linear(2, 2) for _ in range(3)] + [lib.ReLU(), lib.Linear(2, 2), lib.Tanh(), lib.Tanh()]
        )

    assert repr(build(nn)) == repr(build(torch.nn))
    assert repr(nn.ModuleList()) == repr(torch.nn.ModuleList())


def test_state_dict_loads_into_torch_unchanged_and_back():
    ours, theirs = _pair()
    x = _rng().normal(size=(7, 5)).astype(np.float32)
    for _ in range(3):  # move the running statistics away from their defaults
        ours(al.tensor(x + _rng(_).normal(size=x.shape).astype(np.float32)))
    theirs.load_state_dict({key: torch.from_numpy(value) for key, value in ours.state_dict().items()})
    ours.eval()
    theirs.eval()
    with torch.no_grad():
        expected = theirs(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(ours(al.tensor(x)).numpy(), expected, rtol=1e-5, atol=1e-6)
    fresh = _pair()[0].eval()
    fresh.load_state_dict(theirs.state_dict())  # torch tensors are accepted as values
    np.testing.assert_allclose(fresh(al.tensor(x)).numpy(), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("momentum", [0.1, 0.3, None])
def test_batchnorm_running_stats_match_torch(momentum, float64):
    ours, theirs = nn.BatchNorm1d(4, momentum=momentum), torch.nn.BatchNorm1d(4, momentum=momentum).double()
    for seed in range(4):
        x = _rng(seed).normal(1.0, 2.0, size=(6, 4))
        mine, reference = al.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        _compare_forward_backward(ours(mine), theirs(reference), mine, reference)
    for key, value in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[key], value.numpy(), rtol=1e-12, err_msg=key)
    ours.eval()
    theirs.eval()
    x = _rng(5).normal(size=(3, 4))
    mine, reference = al.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    _compare_forward_backward(ours(mine), theirs(reference), mine, reference)


def _compare_forward_backward(out, expected, mine, reference):
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=1e-9, atol=1e-12)
    seed = _rng(7).normal(size=tuple(expected.shape))
    out.backward(al.tensor(seed))
    expected.backward(torch.tensor(seed))
    np.testing.assert_allclose(mine.grad.numpy(), reference.grad.numpy(), rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize(
    "make_optimizers",
    [
        lambda a, b: (optim.SGD(a, lr=0.1, momentum=0.9), torch.optim.SGD(b, lr=0.1, momentum=0.9)),
        lambda a, b: (optim.Adam(a, lr=0.05), torch.optim.Adam(b, lr=0.05)),
    ],
    ids=["sgd_momentum", "adam"],
)
def test_training_gives_the_same_losses_as_torch(make_optimizers):
    # No bias before BatchNorm: it would cancel it, leaving a gradient of rounding noise
    # that Adam's normalised step turns into lr-sized moves differing between the two.
    ours = nn.Sequential(nn.Linear(6, 16, bias=False), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 4))
    theirs = torch.nn.Sequential(
        torch.nn.Linear(6, 16, bias=False), torch.nn.BatchNorm1d(16), torch.nn.ReLU(), torch.nn.Linear(16, 4)
    )
    theirs.load_state_dict({key: torch.from_numpy(value) for key, value in ours.state_dict().items()})
    optimizer, torch_optimizer = make_optimizers(ours.parameters(), theirs.parameters())
    x = _rng().normal(size=(20, 6)).astype(np.float32)
    y = _rng(1).integers(0, 4, size=20)
    loss_fn, torch_loss_fn = nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss()
    losses, torch_losses = [], []
    for step in range(20):
        batch = slice(step % 2 * 10, step % 2 * 10 + 10)
        optimizer.zero_grad()
        loss = loss_fn(ours(al.tensor(x[batch])), y[batch])
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        torch_optimizer.zero_grad()
        torch_loss = torch_loss_fn(theirs(torch.from_numpy(x[batch])), torch.from_numpy(y[batch]))
        torch_loss.backward()
        torch_optimizer.step()
        torch_losses.append(torch_loss.item())
    np.testing.assert_allclose(losses, torch_losses, rtol=2e-4, atol=1e-6)
    assert losses[-1] < 0.5 * losses[0]  # it did learn
    for key, value in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[key], value.numpy(), rtol=1e-3, atol=1e-4, err_msg=key)


def test_linear_init_distribution_matches_torch():
    torch.manual_seed(0)
    ours, theirs = nn.Linear(500, 400), torch.nn.Linear(500, 400)
    bound = 1 / np.sqrt(500)
    for key in ("weight", "bias"):
        mine, reference = ours.state_dict()[key], theirs.state_dict()[key].numpy()
        assert np.abs(mine).max() <= bound and np.abs(reference).max() <= bound
        assert mine.dtype == reference.dtype
    # 200,000 draws each: the standard deviations agree to well under 1%
    assert ours.weight.numpy().std() == pytest.approx(theirs.weight.detach().numpy().std(), rel=0.01)
