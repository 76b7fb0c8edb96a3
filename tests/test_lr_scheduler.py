"""Learning-rate schedulers: lr sequences against their closed forms and against torch."""

from __future__ import annotations

import bisect
import math

import numpy as np
import pytest

import autograd_lite as al
import optim
from optim.lr_scheduler import (
    CosineAnnealingLR,
    ExponentialLR,
    LambdaLR,
    MultiStepLR,
    OneCycleLR,
    ReduceLROnPlateau,
    StepLR,
)

EPOCHS = 25


def _optimizer(lrs=(0.1,)):
    groups = [{"params": [al.zeros(2, requires_grad=True)], "lr": lr} for lr in lrs]
    return optim.SGD(groups, lr=lrs[0])


def _rates(scheduler, epochs=EPOCHS):
    """[lrs at epoch 0, lrs at epoch 1, ...] as get_last_lr() reports them."""
    rates = [scheduler.get_last_lr()]
    for _ in range(epochs):
        scheduler.optimizer.step()
        scheduler.step()
        rates.append(scheduler.get_last_lr())
    return rates


def _closed_form(formula, base_lrs, epochs=EPOCHS):
    return [[formula(base, epoch) for base in base_lrs] for epoch in range(epochs + 1)]


CASES = {
    "step": (
        lambda opt: StepLR(opt, step_size=3, gamma=0.5),
        lambda base, e: base * 0.5 ** (e // 3),
    ),
    "step_default_gamma": (
        lambda opt: StepLR(opt, step_size=4),
        lambda base, e: base * 0.1 ** (e // 4),
    ),
    "multistep": (
        lambda opt: MultiStepLR(opt, milestones=[3, 8, 8, 15], gamma=0.5),
        lambda base, e: base * 0.5 ** bisect.bisect_right([3, 8, 8, 15], e),
    ),
    "exponential": (
        lambda opt: ExponentialLR(opt, gamma=0.9),
        lambda base, e: base * 0.9**e,
    ),
    "cosine": (
        lambda opt: CosineAnnealingLR(opt, T_max=10),
        lambda base, e: base * (1 + math.cos(math.pi * e / 10)) / 2,
    ),
    "cosine_eta_min": (
        lambda opt: CosineAnnealingLR(opt, T_max=7, eta_min=0.01),
        lambda base, e: 0.01 + (base - 0.01) * (1 + math.cos(math.pi * e / 7)) / 2,
    ),
    "lambda": (
        lambda opt: LambdaLR(opt, lambda e: 1 / (1 + e)),
        lambda base, e: base / (1 + e),
    ),
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("base_lrs", [(0.1,), (0.1, 0.03)])
def test_rates_follow_the_closed_form(name, base_lrs):
    make, formula = CASES[name]
    opt = _optimizer(base_lrs)
    scheduler = make(opt)
    rates = _rates(scheduler)
    np.testing.assert_allclose(rates, _closed_form(formula, base_lrs), rtol=1e-12, atol=1e-15)
    assert [g["lr"] for g in opt.param_groups] == rates[-1]
    assert scheduler.last_epoch == EPOCHS
    assert scheduler.base_lrs == list(base_lrs)
    assert [g["initial_lr"] for g in opt.param_groups] == list(base_lrs)


@pytest.mark.parametrize("name", list(CASES))
def test_rates_equal_torch(name):
    torch = pytest.importorskip("torch")
    make, _ = CASES[name]
    torch_make = {
        "step": lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5),
        "step_default_gamma": lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=4),
        "multistep": lambda o: torch.optim.lr_scheduler.MultiStepLR(o, milestones=[3, 8, 8, 15], gamma=0.5),
        "exponential": lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9),
        "cosine": lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10),
        "cosine_eta_min": lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=7, eta_min=0.01),
        "lambda": lambda o: torch.optim.lr_scheduler.LambdaLR(o, lambda e: 1 / (1 + e)),
    }[name]
    ours = _rates(make(_optimizer((0.1, 0.03))))
    groups = [{"params": [torch.zeros(2, requires_grad=True)], "lr": lr} for lr in (0.1, 0.03)]
    theirs = _rates(torch_make(torch.optim.SGD(groups, lr=0.1)))
    assert ours == theirs  # the same float operations, so the same numbers to the bit


def test_lambda_lr_one_function_per_group():
    opt = _optimizer((1.0, 2.0))
    scheduler = LambdaLR(opt, [lambda e: 0.5**e, lambda e: 1.0 + e])
    rates = _rates(scheduler, epochs=3)
    assert rates == [[1.0, 2.0], [0.5, 4.0], [0.25, 6.0], [0.125, 8.0]]
    with pytest.raises(ValueError, match="expected 2 lr_lambdas"):
        LambdaLR(opt, [lambda e: 1.0])


def test_scheduler_drives_the_optimizer_step_size():
    w = al.tensor([0.0], requires_grad=True)
    opt = optim.SGD([w], lr=1.0)
    scheduler = StepLR(opt, step_size=1, gamma=0.5)
    for _ in range(3):
        w.grad = al.tensor([-1.0])
        opt.step()
        scheduler.step()
    np.testing.assert_allclose(w.numpy(), [1.0 + 0.5 + 0.25])


def test_state_dict_round_trip_through_files(tmp_path):
    opt = _optimizer((0.1, 0.05))
    scheduler = CosineAnnealingLR(opt, T_max=6, eta_min=0.001)
    _rates(scheduler, epochs=4)
    al.save(scheduler.state_dict(), tmp_path / "sched.npz")
    al.save(opt.state_dict(), tmp_path / "opt.npz")
    expected = _rates(scheduler, epochs=5)[1:]

    opt2 = _optimizer((0.7, 0.7))
    opt2.load_state_dict(al.load(tmp_path / "opt.npz"))
    scheduler2 = CosineAnnealingLR(opt2, T_max=6, eta_min=0.001)
    scheduler2.load_state_dict(al.load(tmp_path / "sched.npz"))
    assert scheduler2.last_epoch == 4 and scheduler2.base_lrs == [0.1, 0.05]
    assert _rates(scheduler2, epochs=5)[1:] == expected


def test_lambda_state_dict_skips_functions_but_keeps_callable_objects():
    class Warmup:
        def __init__(self, epochs):
            self.epochs = epochs

        def __call__(self, epoch):
            return min(1.0, (epoch + 1) / self.epochs)

    opt = _optimizer((0.1, 0.1))
    state = LambdaLR(opt, [Warmup(5), lambda e: 1.0]).state_dict()
    assert state["lr_lambdas"] == [{"epochs": 5}, None]
    other = LambdaLR(_optimizer((0.1, 0.1)), [Warmup(2), lambda e: 1.0])
    other.load_state_dict(state)
    assert other.lr_lambdas[0].epochs == 5


def test_resuming_needs_initial_lr():
    with pytest.raises(KeyError, match="initial_lr"):
        StepLR(_optimizer(), step_size=2, last_epoch=3)


def test_bad_arguments():
    with pytest.raises(TypeError, match="not an Optimizer"):
        StepLR(object(), step_size=2)
    with pytest.raises(ValueError, match="step_size"):
        StepLR(_optimizer(), step_size=0)
    with pytest.raises(ValueError, match="T_max"):
        CosineAnnealingLR(_optimizer(), T_max=0)
    scheduler = StepLR(_optimizer(), step_size=2)
    with pytest.raises(ValueError, match="unexpected keys"):
        scheduler.load_state_dict({"bogus": 1})
    with pytest.raises(ValueError, match="2 base_lrs"):
        scheduler.load_state_dict({"base_lrs": [0.1, 0.2]})
    assert scheduler.base_lrs == [0.1]


# -- OneCycleLR ------------------------------------------------------------------------------


def test_one_cycle_defaults_follow_the_closed_form():
    opt = optim.SGD([al.zeros(1, requires_grad=True)], lr=0.5, momentum=0.9)
    scheduler = OneCycleLR(opt, max_lr=1.0, total_steps=11)
    group = opt.param_groups[0]
    assert (group["initial_lr"], group["max_lr"]) == (1.0 / 25, 1.0)
    assert group["min_lr"] == pytest.approx(1.0 / 25 / 1e4)
    rates, momenta = [], []
    for step in range(11):
        if step:
            scheduler.step()
        rates.append(scheduler.get_last_lr()[0])
        momenta.append(group["momentum"])
    # pct_start=0.3: rising over steps 0..2.3, cosine down over the rest to min_lr at step 10.
    rise = 0.3 * 11 - 1

    def cos(start, end, pct):
        return end + (start - end) * (1 + math.cos(math.pi * pct)) / 2

    expected = [
        cos(0.04, 1.0, t / rise) if t <= rise else cos(1.0, 4e-6, (t - rise) / (10 - rise)) for t in range(11)
    ]
    np.testing.assert_allclose(rates, expected, rtol=1e-12)
    assert momenta[0] == 0.95 and momenta[-1] == pytest.approx(0.95)
    assert min(momenta) == pytest.approx(0.85, abs=0.01)
    scheduler.step()  # one step past the schedule is allowed (PyTorch's bound) ...
    with pytest.raises(ValueError, match="total_steps=11"):
        scheduler.step()  # ... a second is not


ONE_CYCLE = [
    ("SGD", dict(lr=0.1, momentum=0.9), dict(max_lr=0.1, total_steps=20)),
    ("Adam", dict(lr=0.1), dict(max_lr=[1.0], epochs=3, steps_per_epoch=7, three_phase=True)),
    ("AdamW", dict(), dict(max_lr=0.5, total_steps=30, anneal_strategy="linear", pct_start=0.25)),
    ("Adagrad", dict(), dict(max_lr=0.5, total_steps=9, cycle_momentum=False, div_factor=10.0)),
    ("SGD", dict(momentum=0.5), dict(max_lr=2.0, total_steps=15, base_momentum=0.6, max_momentum=0.7)),
]


@pytest.mark.parametrize("name, hyper, settings", ONE_CYCLE)
def test_one_cycle_equals_torch(name, hyper, settings):
    torch = pytest.importorskip("torch")
    ours = getattr(optim, name)([al.zeros(1, requires_grad=True)], **hyper)
    theirs = getattr(torch.optim, name)([torch.zeros(1, requires_grad=True)], **hyper)
    mine = OneCycleLR(ours, **settings)
    reference = torch.optim.lr_scheduler.OneCycleLR(theirs, **settings)
    total = settings.get("total_steps") or settings["epochs"] * settings["steps_per_epoch"]
    for _ in range(total - 1):
        ours.step()
        theirs.step()
        mine.step()
        reference.step()
        assert mine.get_last_lr() == reference.get_last_lr()
        for key in (
            "lr",
            "momentum",
            "betas",
            "initial_lr",
            "max_lr",
            "min_lr",
            "base_momentum",
            "max_momentum",
        ):
            assert ours.param_groups[0].get(key) == theirs.param_groups[0].get(key), key


def test_one_cycle_bad_arguments():
    opt = optim.Adagrad([al.zeros(1, requires_grad=True)])
    with pytest.raises(ValueError, match="cycle_momentum"):
        OneCycleLR(opt, max_lr=1.0, total_steps=5)
    with pytest.raises(ValueError, match="total_steps, or both epochs"):
        OneCycleLR(opt, max_lr=1.0, epochs=3, cycle_momentum=False)
    with pytest.raises(ValueError, match="pct_start"):
        OneCycleLR(opt, max_lr=1.0, total_steps=5, pct_start=1.5, cycle_momentum=False)
    with pytest.raises(ValueError, match="anneal_strategy"):
        OneCycleLR(opt, max_lr=1.0, total_steps=5, anneal_strategy="exp", cycle_momentum=False)
    with pytest.raises(ValueError, match="expected 1 values for max_lr"):
        OneCycleLR(opt, max_lr=[1.0, 2.0], total_steps=5, cycle_momentum=False)


# -- ReduceLROnPlateau ------------------------------------------------------------------------


def test_plateau_reduces_after_patience_and_waits_out_the_cooldown():
    opt = _optimizer((1.0, 0.5))
    scheduler = ReduceLROnPlateau(opt, factor=0.5, patience=1, cooldown=1, min_lr=[0.3, 0.0])
    assert "initial_lr" not in opt.param_groups[0]  # as PyTorch: driven by the metric, not epochs
    rates = []
    for loss in [3.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 1.0]:
        scheduler.step(al.tensor(loss))
        rates.append(scheduler.get_last_lr())
    # Two epochs without improvement (more than patience=1) halve the rates; the next epoch
    # is cooldown; then two bad epochs again; the first group stops at its min_lr of 0.3.
    assert rates == [
        [1.0, 0.5], [1.0, 0.5], [1.0, 0.5], [0.5, 0.25], [0.5, 0.25], [0.5, 0.25], [0.3, 0.125], [0.3, 0.125]
    ]  # fmt: skip
    assert scheduler.best == 1.0 and scheduler.last_epoch == 8


PLATEAU = [
    dict(),
    dict(patience=2, factor=0.5),
    dict(mode="max", patience=1, cooldown=2, threshold_mode="abs", threshold=0.05, min_lr=0.003),
    dict(patience=0, eps=0.05, factor=0.3),
    dict(mode="max", threshold=0.01, patience=3, min_lr=[0.01, 0.02]),
]


@pytest.mark.parametrize("settings", PLATEAU)
def test_plateau_equals_torch(settings):
    torch = pytest.importorskip("torch")
    metrics = list(np.cumsum(np.random.default_rng(0).normal(0, 1, 80)) * 0.1 + 5)
    ours = _optimizer((0.1, 0.03))
    groups = [{"params": [torch.zeros(2, requires_grad=True)], "lr": lr} for lr in (0.1, 0.03)]
    theirs = torch.optim.SGD(groups, lr=0.1)
    mine = ReduceLROnPlateau(ours, **settings)
    reference = torch.optim.lr_scheduler.ReduceLROnPlateau(theirs, **settings)
    for metric in metrics:
        mine.step(metric)
        reference.step(metric)
        assert mine.get_last_lr() == reference.get_last_lr()
        assert (mine.num_bad_epochs, mine.cooldown_counter, mine.best) == (
            reference.num_bad_epochs,
            reference.cooldown_counter,
            reference.best,
        )


def test_plateau_state_dict_round_trip_and_bad_arguments(tmp_path):
    opt = _optimizer((0.1,))
    scheduler = ReduceLROnPlateau(opt, patience=1)
    for loss in [1.0, 1.0, 1.0]:
        scheduler.step(loss)
    al.save(scheduler.state_dict(), tmp_path / "plateau.npz")
    other = ReduceLROnPlateau(_optimizer((0.1,)))
    other.load_state_dict(al.load(tmp_path / "plateau.npz"))
    assert (other.patience, other.best, other.num_bad_epochs, other.last_epoch) == (1, 1.0, 0, 3)
    with pytest.raises(ValueError, match="factor"):
        ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="mode"):
        ReduceLROnPlateau(opt, mode="lowest")
    with pytest.raises(ValueError, match="threshold_mode"):
        ReduceLROnPlateau(opt, threshold_mode="pct")
    with pytest.raises(ValueError, match="unexpected keys"):
        other.load_state_dict({"bogus": 1})
