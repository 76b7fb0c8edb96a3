"""Learning-rate schedulers: lr sequences against their closed forms and against torch."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_lite as al
import optim
from optim.lr_scheduler import CosineAnnealingLR, ExponentialLR, LambdaLR, StepLR

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
