"""Optimizers: each variant against its update formula written out by hand, and against torch."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest

import autograd_lite as al
import optim
from optim.adagrad import adagrad_update
from optim.adam import adam_update
from optim.rmsprop import rmsprop_update
from optim.sgd import sgd_update

# -- the hand-checked problem ----------------------------------------------------------
# Two scalar parameters x, y and f(x, y) = x² + 3y² + xy, so ∂f/∂x = 2x + y, ∂f/∂y = 6y + x.

X0, Y0 = 1.5, -0.8


def _gradient(x: float, y: float) -> tuple[float, float]:
    return 2 * x + y, 6 * y + x


def _run(optimizer_class, steps=3, **hyper):
    """Three steps of the library's optimizer on f; returns the (x, y) after each step."""
    x = al.tensor(X0, requires_grad=True)
    y = al.tensor(Y0, requires_grad=True)
    opt = optimizer_class([x, y], **hyper)
    trajectory = []
    for _ in range(steps):
        opt.zero_grad()
        (x * x + 3 * y * y + x * y).backward()
        opt.step()
        trajectory.append((x.item(), y.item()))
    return trajectory


def _by_hand(update, steps=3):
    """Apply `update(theta, g, t, state)` (one parameter at a time, plain floats) to f."""
    theta = [X0, Y0]
    states = [{}, {}]
    trajectory = []
    for t in range(1, steps + 1):
        grads = _gradient(*theta)
        theta = [update(theta[i], grads[i], t, states[i]) for i in range(2)]
        trajectory.append(tuple(theta))
    return trajectory


def _assert_same(ours, expected):
    np.testing.assert_allclose(np.array(ours), np.array(expected), rtol=1e-12, atol=1e-14)
    assert ours[0] != ours[-1]  # the parameters did move


@pytest.mark.parametrize(
    "hyper",
    [
        dict(lr=0.1),
        dict(lr=0.1, momentum=0.9),
        dict(lr=0.1, momentum=0.9, dampening=0.5),
        dict(lr=0.1, momentum=0.9, nesterov=True),
        dict(lr=0.1, weight_decay=0.2),
        dict(lr=0.1, momentum=0.5, weight_decay=0.2, nesterov=True),
    ],
)
def test_sgd_by_hand(float64, hyper):
    lr, mu = hyper["lr"], hyper.get("momentum", 0.0)
    tau, wd, nesterov = (
        hyper.get("dampening", 0.0),
        hyper.get("weight_decay", 0.0),
        hyper.get("nesterov", False),
    )

    def update(theta, g, t, state):
        g = g + wd * theta
        if mu != 0:
            state["b"] = g if t == 1 else mu * state["b"] + (1 - tau) * g
            g = g + mu * state["b"] if nesterov else state["b"]
        return theta - lr * g

    _assert_same(_run(optim.SGD, **hyper), _by_hand(update))


@pytest.mark.parametrize(
    "hyper",
    [
        dict(lr=0.1),
        dict(lr=0.1, weight_decay=0.3),
        dict(lr=0.1, amsgrad=True, betas=(0.5, 0.6)),
        dict(lr=0.05, betas=(0.8, 0.9), eps=1e-3),
    ],
)
def test_adam_by_hand(float64, hyper):
    lr, (b1, b2) = hyper["lr"], hyper.get("betas", (0.9, 0.999))
    eps, wd, amsgrad = hyper.get("eps", 1e-8), hyper.get("weight_decay", 0.0), hyper.get("amsgrad", False)

    def update(theta, g, t, state):
        g = g + wd * theta
        state["m"] = b1 * state.get("m", 0.0) + (1 - b1) * g
        state["v"] = b2 * state.get("v", 0.0) + (1 - b2) * g * g
        state["v_max"] = max(state.get("v_max", 0.0), state["v"])
        v = state["v_max"] if amsgrad else state["v"]
        m_hat = state["m"] / (1 - b1**t)
        return theta - lr * m_hat / (math.sqrt(v / (1 - b2**t)) + eps)

    _assert_same(_run(optim.Adam, **hyper), _by_hand(update))


def test_adam_amsgrad_differs_from_adam(float64):
    # With β₂ small the second moment falls after a large first gradient, so the max matters.
    hyper = dict(lr=0.1, betas=(0.5, 0.6))
    assert _run(optim.Adam, **hyper) != _run(optim.Adam, amsgrad=True, **hyper)


@pytest.mark.parametrize(
    "hyper", [dict(lr=0.1), dict(lr=0.1, weight_decay=0.5), dict(lr=0.1, weight_decay=0.5, amsgrad=True)]
)
def test_adamw_by_hand(float64, hyper):
    lr, b1, b2, eps = hyper["lr"], 0.9, 0.999, 1e-8
    wd, amsgrad = hyper.get("weight_decay", 1e-2), hyper.get("amsgrad", False)

    def update(theta, g, t, state):
        theta = theta * (1 - lr * wd)
        state["m"] = b1 * state.get("m", 0.0) + (1 - b1) * g
        state["v"] = b2 * state.get("v", 0.0) + (1 - b2) * g * g
        state["v_max"] = max(state.get("v_max", 0.0), state["v"])
        v = state["v_max"] if amsgrad else state["v"]
        return theta - lr / (1 - b1**t) * state["m"] / (math.sqrt(v / (1 - b2**t)) + eps)

    _assert_same(_run(optim.AdamW, **hyper), _by_hand(update))


def test_adamw_default_weight_decay_is_decoupled(float64):
    assert optim.AdamW([al.zeros(1, requires_grad=True)]).defaults["weight_decay"] == 1e-2
    assert _run(optim.AdamW, lr=0.1, weight_decay=0.5) != _run(optim.Adam, lr=0.1, weight_decay=0.5)


@pytest.mark.parametrize(
    "hyper",
    [
        dict(lr=0.01),
        dict(lr=0.01, momentum=0.9),
        dict(lr=0.01, centered=True),
        dict(lr=0.01, weight_decay=0.3),
        dict(lr=0.01, alpha=0.5, momentum=0.5, centered=True, eps=1e-3),
    ],
)
def test_rmsprop_by_hand(float64, hyper):
    lr, alpha, eps = hyper["lr"], hyper.get("alpha", 0.99), hyper.get("eps", 1e-8)
    wd, mu, centered = (
        hyper.get("weight_decay", 0.0),
        hyper.get("momentum", 0.0),
        hyper.get("centered", False),
    )

    def update(theta, g, t, state):
        g = g + wd * theta
        state["v"] = alpha * state.get("v", 0.0) + (1 - alpha) * g * g
        v_tilde = state["v"]
        if centered:
            state["g_avg"] = alpha * state.get("g_avg", 0.0) + (1 - alpha) * g
            v_tilde = v_tilde - state["g_avg"] ** 2
        if mu > 0:
            state["b"] = mu * state.get("b", 0.0) + g / (math.sqrt(v_tilde) + eps)
            return theta - lr * state["b"]
        return theta - lr * g / (math.sqrt(v_tilde) + eps)

    _assert_same(_run(optim.RMSprop, **hyper), _by_hand(update))


@pytest.mark.parametrize(
    "hyper",
    [
        dict(lr=0.1),
        dict(lr=0.1, lr_decay=0.5),
        dict(lr=0.1, initial_accumulator_value=2.0),
        dict(lr=0.1, weight_decay=0.3),
    ],
)
def test_adagrad_by_hand(float64, hyper):
    lr, eta, eps = hyper["lr"], hyper.get("lr_decay", 0.0), 1e-10
    wd, s0 = hyper.get("weight_decay", 0.0), hyper.get("initial_accumulator_value", 0.0)

    def update(theta, g, t, state):
        g = g + wd * theta
        lr_t = lr / (1 + (t - 1) * eta)
        state["s"] = state.get("s", s0) + g * g
        return theta - lr_t * g / (math.sqrt(state["s"]) + eps)

    _assert_same(_run(optim.Adagrad, **hyper), _by_hand(update))


def test_defaults_are_pytorchs():
    p = [al.zeros(1, requires_grad=True)]
    assert optim.SGD(p).defaults == dict(
        lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, maximize=False
    )
    assert optim.Adam(p).defaults == dict(
        lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, maximize=False
    )
    assert optim.AdamW(p).defaults["weight_decay"] == 1e-2
    assert optim.RMSprop(p).defaults == dict(
        lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False, maximize=False
    )
    assert optim.Adagrad(p).defaults == dict(
        lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10, maximize=False
    )


# -- PyTorch as an oracle ----------------------------------------------------------------

VARIANTS = [
    ("SGD", {}),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.3)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.1, weight_decay=0.1)),
    ("Adam", {}),
    ("Adam", dict(lr=0.05, weight_decay=0.1)),
    ("Adam", dict(lr=0.05, amsgrad=True, betas=(0.8, 0.9))),
    ("AdamW", dict(lr=0.05)),
    ("AdamW", dict(lr=0.05, weight_decay=0.3, amsgrad=True)),
    ("RMSprop", {}),
    ("RMSprop", dict(momentum=0.9)),
    ("RMSprop", dict(centered=True)),
    ("RMSprop", dict(weight_decay=0.1)),
    ("RMSprop", dict(momentum=0.5, centered=True, alpha=0.9)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.1)),
    ("Adagrad", dict(lr=0.1, initial_accumulator_value=0.5)),
    ("Adagrad", dict(lr=0.1, weight_decay=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9, weight_decay=0.1, maximize=True)),
    ("SGD", dict(lr=0.1, maximize=True)),
    ("Adam", dict(lr=0.05, weight_decay=0.1, maximize=True)),
    ("Adam", dict(lr=0.05, amsgrad=True, maximize=True)),
    ("AdamW", dict(lr=0.05, weight_decay=0.3, maximize=True)),
    ("RMSprop", dict(momentum=0.5, centered=True, weight_decay=0.1, maximize=True)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.1, weight_decay=0.1, maximize=True)),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name, hyper", VARIANTS)
def test_trajectory_matches_torch(name, hyper, dtype):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    w0 = rng.standard_normal((3, 4)).astype(dtype)
    b0 = rng.standard_normal(4).astype(dtype)
    inputs = rng.standard_normal((20, 5, 3)).astype(dtype)
    w, b = al.tensor(w0, requires_grad=True), al.tensor(b0, requires_grad=True)
    tw, tb = torch.tensor(w0, requires_grad=True), torch.tensor(b0, requires_grad=True)
    ours = getattr(optim, name)([w, b], **hyper)
    theirs = getattr(torch.optim, name)([tw, tb], **hyper)
    for x in inputs:
        ours.zero_grad()
        theirs.zero_grad()
        ((al.tensor(x) @ w + b).tanh() ** 2).sum().backward()
        ((torch.tensor(x) @ tw + tb).tanh() ** 2).sum().backward()
        ours.step()
        theirs.step()
    tol = (
        dict(rtol=1e-12, atol=1e-13) if dtype == np.float64 else dict(rtol=1e-4, atol=1e-4)
    )  # float32 rounding compounds over 20 steps
    np.testing.assert_allclose(w.numpy(), tw.detach().numpy(), **tol)
    np.testing.assert_allclose(b.numpy(), tb.detach().numpy(), **tol)
    assert w.dtype == dtype and b.dtype == dtype
    assert not np.allclose(w.numpy(), w0)
    for state in ours.state.values():
        for value in state.values():
            if isinstance(value, np.ndarray):
                assert value.dtype == dtype


# -- behaviour of the Optimizer base -----------------------------------------------------


def _params(*shapes, dtype=np.float32):
    return [
        al.tensor(np.arange(1, 1 + np.prod(s), dtype=dtype).reshape(s), requires_grad=True) for s in shapes
    ]


def _set_grads(params, scale=1.0):
    for p in params:
        p.grad = al.tensor(np.full(p.shape, scale, dtype=p.dtype))


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"])
def test_float32_parameters_stay_float32_without_float64_temporaries(name):
    a, b = _params((3,), (2, 2))
    opt = getattr(optim, name)([a, b], lr=0.1)
    data_before = a.numpy()
    for _ in range(3):
        _set_grads([a, b], 0.5)
        opt.step()
    assert a.dtype == np.float32 and b.dtype == np.float32
    assert np.shares_memory(a.numpy(), data_before)  # updated in place
    for state in opt.state.values():
        for value in state.values():
            assert not isinstance(value, np.ndarray) or value.dtype == np.float32


@pytest.mark.parametrize("name", ["Adam", "RMSprop", "Adagrad"])
def test_state_arrays_are_allocated_once(name):
    (a,) = _params((4,))
    opt = getattr(optim, name)([a], lr=0.1)
    _set_grads([a])
    opt.step()
    arrays = {key: value for key, value in opt.state[a].items() if isinstance(value, np.ndarray)}
    for _ in range(3):
        _set_grads([a])
        opt.step()
    for key, value in arrays.items():
        assert opt.state[a][key] is value


def test_momentum_buffer_is_allocated_once():
    (a,) = _params((4,))
    opt = optim.SGD([a], lr=0.1, momentum=0.9)
    _set_grads([a])
    opt.step()
    buffer = opt.state[a]["momentum_buffer"]
    _set_grads([a])
    opt.step()
    assert opt.state[a]["momentum_buffer"] is buffer


def test_param_groups_override_defaults():
    a, b = _params((2,), (2,))
    opt = optim.SGD([{"params": [a]}, {"params": b, "lr": 1.0, "momentum": 0.5}], lr=0.1)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 1.0]
    assert [g["momentum"] for g in opt.param_groups] == [0, 0.5]
    assert opt.param_groups[1]["params"] == [b] or opt.param_groups[1]["params"][0] is b
    a_before, b_before = a.numpy().copy(), b.numpy().copy()
    _set_grads([a, b])
    opt.step()
    np.testing.assert_allclose(a.numpy(), a_before - 0.1)
    np.testing.assert_allclose(b.numpy(), b_before - 1.0)


def test_add_param_group_fills_defaults_and_rejects_repeats():
    a, b = _params((2,), (3,))
    opt = optim.Adam([a], lr=0.1)
    opt.add_param_group({"params": [b], "betas": (0.5, 0.6)})
    assert opt.param_groups[1]["lr"] == 0.1 and opt.param_groups[1]["betas"] == (0.5, 0.6)
    with pytest.raises(ValueError, match="already in param group 0"):
        opt.add_param_group({"params": [a]})
    assert len(opt.param_groups) == 2


def test_zero_grad_both_modes():
    a, b = _params((2,), (3,))
    opt = optim.SGD([a, b])
    _set_grads([a, b], 2.0)
    grad_a = a.grad
    opt.zero_grad(set_to_none=False)
    assert a.grad is grad_a and np.all(a.grad.numpy() == 0) and np.all(b.grad.numpy() == 0)
    opt.zero_grad()
    assert a.grad is None and b.grad is None


def test_zero_grad_in_place_detaches_a_gradient_with_a_graph():
    (a,) = _params((2,))
    (a * a).sum().backward(create_graph=True)
    assert a.grad.requires_grad
    optim.SGD([a]).zero_grad(set_to_none=False)
    assert not a.grad.requires_grad and np.all(a.grad.numpy() == 0)


def test_parameters_without_grad_are_skipped():
    a, b = _params((2,), (2,))
    opt = optim.Adam([a, b], lr=0.1)
    b_before = b.numpy().copy()
    a.grad = al.ones(2)
    opt.step()
    np.testing.assert_array_equal(b.numpy(), b_before)
    assert b not in opt.state and a in opt.state
    assert not np.allclose(a.numpy(), [1.0, 2.0])


def test_step_returns_the_closure_loss():
    (a,) = _params((2,))
    opt = optim.SGD([a], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (a * a).sum()
        loss.backward()
        return loss

    with al.no_grad():
        loss = opt.step(closure)  # the closure runs with grad enabled
    assert loss.item() == 5.0
    np.testing.assert_allclose(a.numpy(), [0.8, 1.6])


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda p: optim.SGD([], lr=0.1), "empty parameter list"),
        (lambda p: optim.SGD(p, lr=-0.1), "-0.1"),
        (lambda p: optim.SGD(p, momentum=-0.5), "momentum: -0.5"),
        (lambda p: optim.SGD(p, weight_decay=-1.0), "weight_decay: -1.0"),
        (lambda p: optim.SGD(p, nesterov=True), "Nesterov"),
        (lambda p: optim.SGD(p, momentum=0.9, dampening=0.1, nesterov=True), "Nesterov"),
        (lambda p: optim.Adam(p, betas=(1.0, 0.999)), "beta at index 0: 1.0"),
        (lambda p: optim.Adam(p, betas=(0.9, -0.1)), "beta at index 1: -0.1"),
        (lambda p: optim.Adam(p, eps=-1e-8), "eps: -1e-08"),
        (lambda p: optim.AdamW(p, lr=float("nan")), "lr: nan"),
        (lambda p: optim.RMSprop(p, alpha=-0.9), "alpha: -0.9"),
        (lambda p: optim.Adagrad(p, lr_decay=-1.0), "lr_decay: -1.0"),
        (lambda p: optim.Adagrad(p, initial_accumulator_value=-1.0), "initial_accumulator_value"),
        (lambda p: optim.SGD([{"params": p[:1]}, {"params": p[1:], "lr": -2.0}]), "param group 1"),
        (lambda p: optim.SGD([p[0], p[0]]), "twice"),
        (lambda p: optim.SGD([{"params": p}, {"params": p[:1]}]), "already in param group 0"),
        (lambda p: optim.SGD([p[0] * 2]), "non-leaf"),
    ],
)
def test_bad_arguments_raise_value_error(make, match):
    params = _params((2,), (3,))
    with pytest.raises(ValueError, match=match):
        make(params)


def test_bad_parameter_types_raise_type_error():
    (a,) = _params((2,))
    with pytest.raises(TypeError, match="single Tensor"):
        optim.SGD(a)
    with pytest.raises(TypeError, match="set"):
        optim.SGD({a})
    with pytest.raises(TypeError, match="ndarray"):
        optim.SGD([np.zeros(2)])


def test_error_names_the_parameter():
    a = al.tensor([1.0], requires_grad=True)
    b = al.tensor([2.0, 3.0, 4.0], requires_grad=True) * 2
    b.name = "scaled"
    with pytest.raises(ValueError, match=r"non-leaf.*parameter 1 of param group 0 'scaled' \(shape \(3,\)"):
        optim.SGD([a, b])


def test_frozen_parameters_are_accepted_and_skipped():
    # As PyTorch: a leaf with requires_grad=False may be listed; its .grad stays None.
    trained = al.tensor([1.0], requires_grad=True)
    frozen = al.tensor([5.0])
    opt = optim.SGD([trained, frozen], lr=0.5)
    (trained * 2).sum().backward()
    opt.step()
    assert trained.item() == 0.0
    assert frozen.item() == 5.0


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop", "Adagrad"])
def test_failed_step_changes_nothing(name):
    a, b, c = _params((2,), (3,), (2, 2))
    opt = (
        getattr(optim, name)([a, b, c], lr=0.1, momentum=0.9)
        if name in ("SGD", "RMSprop")
        else getattr(optim, name)([a, b, c], lr=0.1)
    )
    _set_grads([a, b, c])
    opt.step()
    before = [p.numpy().copy() for p in (a, b, c)]
    state_before = copy.deepcopy(opt.state_dict())  # the state dict itself is live
    _set_grads([a, b, c], 0.25)
    c.grad.data = np.ones((3, 3), dtype=np.float32)  # the last parameter's gradient is wrong
    with pytest.raises(ValueError, match=r"shape \(3, 3\) for parameter 2 of param group 0"):
        opt.step()
    c.grad = al.ones(2, 2, dtype=np.float64)
    with pytest.raises(TypeError, match="float64"):
        opt.step()
    for p, old in zip((a, b, c), before):
        np.testing.assert_array_equal(p.numpy(), old)
    _assert_state_dicts_equal(opt.state_dict(), state_before)


def test_a_bad_gradient_in_a_later_group_changes_no_earlier_group():
    a, b, c = _params((2,), (3,), (2, 2))
    opt = optim.SGD([{"params": [a]}, {"params": [b, c], "lr": 0.5}], lr=0.1, momentum=0.9)
    _set_grads([a, b, c])
    before = [p.numpy().copy() for p in (a, b, c)]
    c.grad.data = np.ones(4, dtype=np.float32)
    with pytest.raises(ValueError, match=r"shape \(4,\) for parameter 1 of param group 1"):
        opt.step()
    for p, old in zip((a, b, c), before):
        np.testing.assert_array_equal(p.numpy(), old)
    assert opt.state == {}


class _CountingSGD(optim.Optimizer):
    """A minimal subclass: plain SGD that counts its calls, to test the base class's contract."""

    def __init__(self, params, lr=0.1, override_options=False):
        self.option_calls = []
        self.override_options = override_options
        super().__init__(params, dict(lr=lr))

    def _group_options(self, group):
        self.option_calls.append(group["lr"])
        return float(group["lr"]) if self.override_options else super()._group_options(group)

    def _update(self, param, grad, state, options):
        lr = options if self.override_options else options["lr"]
        param -= lr * grad
        if lr > 0.2:
            state["steps"] = state.get("steps", 0) + 1


@pytest.mark.parametrize("override_options", [False, True])
def test_subclass_gets_options_once_per_group_per_step(override_options):
    a, b, c, frozen = *_params((2,), (3,), (1,)), al.tensor([7.0])
    opt = _CountingSGD(
        [{"params": [a, b, frozen]}, {"params": [c], "lr": 0.5}], override_options=override_options
    )
    for _ in range(2):
        _set_grads([a, b, c])
        opt.step()
    assert opt.option_calls == [0.1, 0.5, 0.1, 0.5]  # not once per parameter
    np.testing.assert_allclose(a.numpy(), [0.8, 1.8])
    np.testing.assert_allclose(c.numpy(), [0.0])
    assert frozen.item() == 7.0
    # State is kept only where the update wrote some (here: the lr 0.5 group).
    assert set(opt.state) == {c} and opt.state[c] == {"steps": 2}
    a.grad = None
    b.grad = None
    c.grad = None
    opt.step()
    assert opt.option_calls == [0.1, 0.5, 0.1, 0.5]  # no gradients: no group work at all


def test_failed_first_step_creates_no_state():
    a, b = _params((2,), (3,))
    opt = optim.Adam([a, b])
    a.grad = al.ones(2)
    b.grad = al.ones(3)
    b.grad.data = np.ones(4, dtype=np.float32)
    with pytest.raises(ValueError):
        opt.step()
    assert opt.state == {}


def test_replaced_parameter_data_is_reported():
    (a,) = _params((2,))
    opt = optim.Adam([a])
    a.grad = al.ones(2)
    opt.step()
    a.data = np.zeros(3, dtype=np.float32)
    a.grad = al.ones(3)
    with pytest.raises(ValueError, match="exp_avg"):
        opt.step()


def _assert_state_dicts_equal(left, right):
    assert left["param_groups"] == right["param_groups"]
    assert left["state"].keys() == right["state"].keys()
    for index, state in left["state"].items():
        assert state.keys() == right["state"][index].keys()
        for key, value in state.items():
            np.testing.assert_array_equal(value, right["state"][index][key])


# -- state dicts -------------------------------------------------------------------------


def test_state_dict_layout_is_pytorchs():
    a, b, c = _params((2,), (3,), (1,))
    opt = optim.Adam([{"params": [a, b]}, {"params": [c], "lr": 0.5}], amsgrad=True)
    _set_grads([a, c])
    opt.step()
    state = opt.state_dict()
    assert state["param_groups"] == [
        dict(
            lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=True, maximize=False, params=[0, 1]
        ),
        dict(lr=0.5, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=True, maximize=False, params=[2]),
    ]
    assert sorted(state["state"]) == [0, 2]
    assert set(state["state"][0]) == {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}
    assert state["state"][0]["step"] == 1
    # Live references, as PyTorch: the optimizer's own state, which later steps change.
    assert state["state"][0] is opt.state[a]
    assert state["state"][0]["exp_avg"] is opt.state[a]["exp_avg"]
    _set_grads([a, c])
    opt.step()
    assert state["state"][0]["step"] == 2
    # The group entries are new dicts (hyper-parameter edits go through opt.param_groups).
    assert state["param_groups"][0] is not opt.param_groups[0]


@pytest.mark.parametrize(
    "name, hyper",
    [
        ("SGD", dict(lr=0.1, momentum=0.9)),
        ("Adam", dict(lr=0.1, amsgrad=True)),
        ("AdamW", dict(lr=0.1)),
        ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True)),
        ("Adagrad", dict(lr=0.1, lr_decay=0.1)),
    ],
)
def test_state_dict_round_trip_through_files_continues_identically(tmp_path, name, hyper):
    def train(params, opt, steps):
        for step in range(steps):
            opt.zero_grad()
            x, y = params
            (((x * x).sum() + (x * y).sum() * 0.5 + (y * y * y).sum() * 0.1) * (1.0 + 0.1 * step)).backward()
            opt.step()

    make = getattr(optim, name)
    params = _params((3,), (3,))
    opt = make([{"params": params[:1]}, {"params": params[1:], "lr": hyper["lr"] / 2}], **hyper)
    train(params, opt, 3)
    al.save(opt.state_dict(), tmp_path / "opt.npz")
    al.save({"x": params[0].numpy(), "y": params[1].numpy()}, str(tmp_path / "params.npz"))
    train(params, opt, 4)

    saved = al.load(tmp_path / "params.npz")
    restored = [al.tensor(saved["x"], requires_grad=True), al.tensor(saved["y"], requires_grad=True)]
    opt2 = make([{"params": restored[:1]}, {"params": restored[1:]}], lr=123.0)
    opt2.load_state_dict(al.load(str(tmp_path / "opt.npz")))
    assert opt2.param_groups[1]["lr"] == hyper["lr"] / 2
    train(restored, opt2, 4)
    for ours, theirs in zip(params, restored):
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
        assert theirs.dtype == np.float32
    _assert_state_dicts_equal(opt.state_dict(), opt2.state_dict())


def test_load_state_dict_checks_everything_before_changing_anything():
    a, b = _params((2,), (3,))
    opt = optim.Adam([a, b], lr=0.1)
    _set_grads([a, b])
    opt.step()
    good = opt.state_dict()
    fresh = optim.Adam(_params((2,), (3,)), lr=0.5)
    before = fresh.state_dict()

    def broken(edit):
        state = copy.deepcopy(opt.state_dict())  # edits must not reach the live state
        edit(state)
        return state

    cases = [
        (broken(lambda s: s["param_groups"].append(dict(s["param_groups"][0]))), "2 parameter groups"),
        (broken(lambda s: s["param_groups"][0].update(params=[0])), "1 parameters in the state dict"),
        (broken(lambda s: s["state"][1].update(exp_avg=np.zeros(4, np.float32))), r"exp_avg.*shape \(4,\)"),
        (broken(lambda s: s["state"][0].pop("exp_avg_sq")), "exp_avg_sq"),
        (broken(lambda s: s["state"].update({7: {}})), "index 7"),
        (broken(lambda s: s["param_groups"][0].update(lr=-1.0)), "lr: -1.0"),
        (broken(lambda s: s["param_groups"][0].update(params=[1, 1])), "appears twice"),
        (broken(lambda s: s.update(state=[])), "'state' must be a dict"),
        ({"state": {}}, "param_groups"),
    ]
    for state, match in cases:
        with pytest.raises(ValueError, match=match):
            fresh.load_state_dict(state)
        _assert_state_dicts_equal(fresh.state_dict(), before)
    fresh.load_state_dict(good)
    _assert_state_dicts_equal(fresh.state_dict(), good)


def test_load_state_dict_casts_to_the_parameter_dtype_and_copies():
    (a,) = _params((2,), dtype=np.float32)
    opt = optim.SGD([a], lr=0.1, momentum=0.9)
    state = {
        "state": {0: {"momentum_buffer": np.array([1.0, 2.0])}},
        "param_groups": [dict(lr=0.1, momentum=0.9, dampening=0, weight_decay=0, nesterov=False, params=[0])],
    }
    opt.load_state_dict(state)
    buffer = opt.state[a]["momentum_buffer"]
    assert buffer.dtype == np.float32
    assert not np.shares_memory(buffer, state["state"][0]["momentum_buffer"])


# -- float32 arithmetic inside the update functions ----------------------------------------


class _DtypeSpy(np.ndarray):
    """An array that records the dtype of every ufunc result computed from it."""

    results: list = []

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        plain = [x.view(np.ndarray) if isinstance(x, _DtypeSpy) else x for x in inputs]
        if out is not None:
            kwargs["out"] = tuple(o.view(np.ndarray) if isinstance(o, _DtypeSpy) else o for o in out)
        result = getattr(ufunc, method)(*plain, **kwargs)
        _DtypeSpy.results.append((ufunc.__name__, np.asarray(result).dtype))
        if out is not None:
            return out[0] if len(out) == 1 else out
        return result.view(_DtypeSpy) if isinstance(result, np.ndarray) else result


def _spy(values):
    return np.asarray(values, dtype=np.float32).view(_DtypeSpy)


# (update function, which state slots hold arrays (False: None), hyper-parameters)
FLOAT32_CASES = [
    (sgd_update, (True,), dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01, nesterov=False)),
    (sgd_update, (True,), dict(lr=0.1, momentum=0.9, dampening=0.0, weight_decay=0.01, nesterov=True)),
    (adam_update, (True, True, True), dict(step=3, lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01, decoupled=False)),
    (adam_update, (True, True, False), dict(step=3, lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01, decoupled=True)),
    (rmsprop_update, (True, True, True), dict(lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.01, momentum=0.9)),
    (rmsprop_update, (True, False, False), dict(lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0)),
    (adagrad_update, (True,), dict(step=3, lr=0.01, lr_decay=0.1, weight_decay=0.01, eps=1e-10)),
]  # fmt: skip


@pytest.mark.parametrize("update, slots, hyper", FLOAT32_CASES)
def test_update_functions_compute_in_float32(update, slots, hyper):
    state = [_spy([0.1, 0.2]) if present else None for present in slots]
    _DtypeSpy.results = []
    update(_spy([1.0, 2.0]), _spy([0.5, -1.0]), *state, **hyper)
    assert len(_DtypeSpy.results) >= 5
    assert {dtype for _, dtype in _DtypeSpy.results} == {np.dtype(np.float32)}, _DtypeSpy.results


def test_step_while_a_graph_still_holds_the_parameter():
    w = al.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    loss = (w * w).sum()
    loss.backward(retain_graph=True)
    opt.step()  # allowed, as in PyTorch ...
    np.testing.assert_allclose(w.numpy(), [0.8, 1.6])
    with pytest.raises(RuntimeError, match="modified"):
        loss.backward()  # ... but the graph now refuses to use the changed values


@pytest.mark.parametrize("name, hyper", VARIANTS)
def test_state_dict_keys_match_torch(name, hyper):
    torch = pytest.importorskip("torch")
    (a,) = _params((3,))
    ta = torch.tensor(a.numpy().copy(), requires_grad=True)
    ours = getattr(optim, name)([a], **hyper)
    theirs = getattr(torch.optim, name)([ta], **hyper)
    a.grad = al.ones(3)
    ta.grad = torch.ones(3)
    ours.step()
    theirs.step()
    mine, reference = ours.state_dict(), theirs.state_dict()
    assert mine["state"].keys() == reference["state"].keys()
    for index, state in mine["state"].items():
        assert set(state) == set(reference["state"][index])
        for key, value in state.items():
            np.testing.assert_allclose(
                np.asarray(value, dtype=np.float64), reference["state"][index][key].numpy(), rtol=1e-6
            )
    for group, torch_group in zip(mine["param_groups"], reference["param_groups"]):
        assert group["params"] == torch_group["params"]
        for key, value in group.items():
            assert torch_group[key] == value, key


def test_a_torch_optimizer_state_dict_loads_and_training_continues_alike():
    torch = pytest.importorskip("torch")
    tw = torch.tensor([1.0, 2.0], requires_grad=True)
    theirs = torch.optim.Adam([tw], lr=0.1, amsgrad=True)
    tw.grad = torch.tensor([0.5, -1.0])
    theirs.step()
    w = al.tensor(tw.detach().numpy().copy(), requires_grad=True)
    ours = optim.Adam([w])
    ours.load_state_dict(theirs.state_dict())
    assert ours.param_groups[0]["lr"] == 0.1 and ours.state[w]["step"] == 1
    for g in ([0.3, 0.2], [-0.1, 0.4], [0.2, -0.5]):
        tw.grad = torch.tensor(g)
        w.grad = al.tensor(g)
        theirs.step()
        ours.step()
    np.testing.assert_allclose(w.numpy(), tw.detach().numpy(), rtol=1e-6)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"])
def test_maximize_ascends_as_descent_on_the_negated_gradient(name):
    up, down = _params((3,), (3,))
    ascent = getattr(optim, name)([up], lr=0.1, weight_decay=0.1, maximize=True)
    descent = getattr(optim, name)([down], lr=0.1, weight_decay=0.1)
    assert ascent.param_groups[0]["maximize"] is True
    assert descent.param_groups[0]["maximize"] is False
    for scale in (1.0, -0.5, 2.0):
        up.grad = al.tensor(np.full(3, scale, dtype=np.float32))
        down.grad = al.tensor(np.full(3, -scale, dtype=np.float32))
        ascent.step()
        descent.step()
    np.testing.assert_array_equal(up.numpy(), down.numpy())
    assert up.grad.tolist() == [2.0, 2.0, 2.0]  # the gradient itself is left as it was
