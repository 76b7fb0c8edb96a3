"""nn layers: Linear/Dense, containers, Flatten, Identity, Dropout, BatchNorm1d and the
activation modules — values against NumPy formulas and float64 gradchecks through the module."""

from __future__ import annotations

import math
from collections import OrderedDict

import numpy as np
import pytest

import autograd_lite as al
import nn


def gradcheck_module(module, *inputs):
    """Gradcheck the module's output with respect to its inputs and all its parameters."""
    params = list(module.parameters())
    count = len(inputs)
    assert al.gradcheck(lambda *args: module(*args[:count]), (*inputs, *params))


def randn(*shape):
    return al.randn(*shape, requires_grad=True)


# -- Linear ----------------------------------------------------------------------


def test_dense_is_linear_with_pytorch_layout_and_init():
    assert nn.Dense is nn.Linear
    layer = nn.Dense(400, 300)
    assert layer.weight.shape == (300, 400) and layer.bias.shape == (300,)
    bound = 1 / math.sqrt(400)
    for p in (layer.weight, layer.bias):
        data = p.numpy()
        assert data.dtype == np.float32
        assert np.abs(data).max() <= bound
        assert np.abs(data).max() > 0.95 * bound  # spread over the whole interval
    # U(-b, b) has standard deviation b / sqrt(3)
    assert abs(layer.weight.numpy().std() - bound / math.sqrt(3)) < 0.01 * bound
    assert nn.Linear(3, 2, bias=False).bias is None


def test_linear_init_is_reproducible_under_manual_seed():
    al.manual_seed(7)
    a = nn.Linear(5, 4).state_dict()
    al.manual_seed(7)
    b = nn.Linear(5, 4).state_dict()
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])


def test_linear_forward_is_one_node_and_matches_formula():
    layer = nn.Linear(3, 2)
    x = al.randn(5, 3)
    out = layer(x)
    assert out.grad_fn.name == "linear" and out.dtype == np.float32
    expected = x.numpy() @ layer.weight.numpy().T + layer.bias.numpy()
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6)
    assert nn.Linear(3, 2, bias=False)(x).shape == (5, 2)


def test_linear_gradcheck(float64):
    gradcheck_module(nn.Linear(3, 2), randn(4, 3))
    gradcheck_module(nn.Linear(3, 2, bias=False), randn(2, 4, 3))


def test_linear_errors():
    with pytest.raises(ValueError, match=r"\(5, 4\)"):
        nn.Linear(3, 2)(al.ones((5, 4)))
    with pytest.raises(ValueError, match="in_features"):
        nn.Linear(-1, 2)


# -- containers ------------------------------------------------------------------


def test_sequential_indexing_slicing_iteration_append():
    layers = [nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)]
    model = nn.Sequential(*layers)
    assert len(model) == 3 and list(model) == layers
    assert model[0] is layers[0] and model[-1] is layers[2]
    head = model[:2]
    assert isinstance(head, nn.Sequential) and list(head) == layers[:2]
    tail = model[1:]
    assert [name for name, _ in tail.named_children()] == ["1", "2"]  # keys kept, as PyTorch
    assert tail(al.ones((4, 3))).shape == (4, 1)
    with pytest.raises(IndexError, match="index 3"):
        model[3]
    model.append(nn.Sigmoid())
    assert len(model) == 4 and isinstance(model[3], nn.Sigmoid)
    out = model(al.ones((4, 2)))
    assert out.grad_fn.name == "sigmoid"
    model[1] = nn.Tanh()
    assert isinstance(model[1], nn.Tanh)


def test_sequential_from_ordered_dict():
    model = nn.Sequential(OrderedDict([("hidden", nn.Linear(2, 2)), ("act", nn.ReLU())]))
    assert list(model.state_dict()) == ["hidden.weight", "hidden.bias"]
    assert model.hidden is model[0]


def test_module_list():
    layers = nn.ModuleList([nn.Linear(2, 2), nn.ReLU()])
    layers.append(nn.Linear(2, 1))
    layers.extend([nn.Tanh(), nn.Identity()])
    assert len(layers) == 5 and isinstance(layers[-1], nn.Identity)
    assert [type(m).__name__ for m in layers] == ["Linear", "ReLU", "Linear", "Tanh", "Identity"]
    assert len(list(layers.parameters())) == 4
    assert len(layers[1:3]) == 2

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.blocks = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])

        def forward(self, x):
            for block in self.blocks:
                x = block(x)
            return x

    net = Net()
    assert [n for n, _ in net.named_parameters()][:2] == ["blocks.0.weight", "blocks.0.bias"]
    assert net(al.ones((1, 2))).shape == (1, 2)
    with pytest.raises(NotImplementedError):
        layers(al.ones(2))


# -- Flatten, Identity -----------------------------------------------------------


def test_flatten_and_identity(float64):
    x = randn(2, 3, 4)
    assert nn.Flatten()(x).shape == (2, 12)
    assert nn.Flatten(0)(x).shape == (24,)
    assert nn.Flatten(1, 1)(x).shape == (2, 3, 4)
    assert nn.Flatten(0, -2)(x).shape == (6, 4)
    assert repr(nn.Flatten()) == "Flatten(start_dim=1, end_dim=-1)"
    gradcheck_module(nn.Flatten(), randn(2, 2, 2))
    assert nn.Identity()(x) is x and repr(nn.Identity()) == "Identity()"
    with pytest.raises(ValueError, match="Flatten"):
        nn.Flatten(2, 1)(x)


# -- Dropout ---------------------------------------------------------------------


def test_dropout_train_zeroes_and_rescales():
    drop = nn.Dropout(0.25)
    x = al.ones((200, 100), requires_grad=True)
    out = drop(x)
    values = np.unique(out.numpy())
    np.testing.assert_allclose(values, [0.0, 1 / 0.75], rtol=1e-6)
    assert out.dtype == np.float32
    assert abs((out.numpy() == 0).mean() - 0.25) < 0.01
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), out.numpy())  # gradient = the scaled mask


def test_dropout_eval_identity_and_edge_probabilities():
    x = al.randn(4, 5)
    assert nn.Dropout(0.5).eval()(x) is x
    assert nn.Dropout(0.0)(x) is x
    assert not nn.Dropout(1.0)(x).numpy().any()
    for bad in (-0.1, 1.5, "0.5", None):
        with pytest.raises(ValueError, match="between 0 and 1"):
            nn.Dropout(bad)


def test_dropout_reproducible_and_gradcheck(float64):
    al.manual_seed(3)
    a = nn.Dropout(0.5)(al.ones(50)).numpy()
    al.manual_seed(3)
    b = nn.Dropout(0.5)(al.ones(50)).numpy()
    np.testing.assert_array_equal(a, b)
    drop = nn.Dropout(0.3)

    def reseeded(x):
        al.manual_seed(1)  # the same mask on every evaluation
        return drop(x)

    assert al.gradcheck(reseeded, (randn(3, 4),))


# -- BatchNorm1d -----------------------------------------------------------------


def test_batchnorm_train_normalises_and_updates_running_stats_like_pytorch():
    bn = nn.BatchNorm1d(3)
    batches = [np.random.default_rng(i).normal(2.0, 3.0, (8, 3)).astype(np.float32) for i in range(3)]
    running_mean = np.zeros(3)
    running_var = np.ones(3)
    for x in batches:
        out = bn(al.tensor(x)).numpy()
        mean, biased = x.mean(0), x.var(0)
        np.testing.assert_allclose(out, (x - mean) / np.sqrt(biased + 1e-5), rtol=1e-4, atol=1e-5)
        running_mean = 0.9 * running_mean + 0.1 * mean
        running_var = 0.9 * running_var + 0.1 * x.var(0, ddof=1)  # the unbiased variance
    np.testing.assert_allclose(bn.running_mean.numpy(), running_mean, rtol=1e-5)
    np.testing.assert_allclose(bn.running_var.numpy(), running_var, rtol=1e-5)
    assert bn.num_batches_tracked.numpy() == 3 and bn.num_batches_tracked.dtype == np.int64
    bn.eval()
    x = batches[0]
    expected = (x - running_mean) / np.sqrt(running_var + 1e-5)
    np.testing.assert_allclose(bn(al.tensor(x)).numpy(), expected, rtol=1e-4, atol=1e-5)
    assert bn.num_batches_tracked.numpy() == 3  # eval leaves the statistics alone


def test_batchnorm_state_dict_keys_and_options():
    bn = nn.BatchNorm1d(4)
    assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    plain = nn.BatchNorm1d(4, affine=False, track_running_stats=False)
    assert list(plain.state_dict()) == [] and plain.weight is None
    x = np.random.default_rng(0).normal(size=(6, 4)).astype(np.float32)
    for module in (plain, plain.eval()):  # always batch statistics without running stats
        np.testing.assert_allclose(
            module(al.tensor(x)).numpy(), (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5), rtol=1e-4, atol=1e-5
        )
    cumulative = nn.BatchNorm1d(2, momentum=None)
    first, second = np.array([[0.0, 1.0], [2.0, 5.0]]), np.array([[4.0, 0.0], [8.0, 0.0]])
    cumulative(al.tensor(first))
    cumulative(al.tensor(second))
    np.testing.assert_allclose(cumulative.running_mean.numpy(), (first.mean(0) + second.mean(0)) / 2)
    np.testing.assert_allclose(
        cumulative.running_var.numpy(), (first.var(0, ddof=1) + second.var(0, ddof=1)) / 2
    )


def test_batchnorm_three_dimensional_input():
    bn = nn.BatchNorm1d(2)
    x = np.random.default_rng(1).normal(size=(3, 2, 5))
    out = bn(al.tensor(x)).numpy()
    mean, var = x.mean((0, 2), keepdims=True), x.var((0, 2), keepdims=True)
    np.testing.assert_allclose(out, (x - mean) / np.sqrt(var + 1e-5), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(
        bn.running_var.numpy(), 0.9 + 0.1 * x.transpose(1, 0, 2).reshape(2, -1).var(1, ddof=1), rtol=1e-5
    )


def test_batchnorm_errors_change_nothing():
    bn = nn.BatchNorm1d(3)
    with pytest.raises(ValueError, match=r"\(5, 4\)"):
        bn(al.ones((5, 4)))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        bn(al.ones((1, 3)))
    assert bn.num_batches_tracked.numpy() == 0
    np.testing.assert_array_equal(bn.running_var.numpy(), 1.0)


def test_batchnorm_gradcheck_train_and_eval(float64):
    bn = nn.BatchNorm1d(3)
    bn.weight.data = np.array([0.5, 1.5, -1.0])
    bn.bias.data = np.array([0.1, -0.2, 0.3])
    gradcheck_module(bn, randn(5, 3))
    gradcheck_module(bn, randn(3, 3, 2))
    gradcheck_module(bn.eval(), randn(4, 3))
    gradcheck_module(nn.BatchNorm1d(2, affine=False), randn(4, 2))


# -- activations -----------------------------------------------------------------


def _gelu(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


def _gelu_exact(x):
    return x * 0.5 * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))


def _softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


ACTIVATIONS = [
    (nn.ReLU(), lambda x: np.maximum(x, 0), "ReLU()"),
    (nn.LeakyReLU(), lambda x: np.where(x > 0, x, 0.01 * x), "LeakyReLU(negative_slope=0.01)"),
    (nn.LeakyReLU(0.2), lambda x: np.where(x > 0, x, 0.2 * x), "LeakyReLU(negative_slope=0.2)"),
    (nn.ELU(), lambda x: np.where(x > 0, x, np.expm1(x)), "ELU(alpha=1.0)"),
    (nn.ELU(0.5), lambda x: np.where(x > 0, x, 0.5 * np.expm1(x)), "ELU(alpha=0.5)"),
    (nn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x)), "Sigmoid()"),
    (nn.Tanh(), np.tanh, "Tanh()"),
    (nn.Softplus(), lambda x: np.log1p(np.exp(x)), "Softplus(beta=1.0, threshold=20.0)"),
    (nn.Softplus(beta=2.0), lambda x: np.log1p(np.exp(2 * x)) / 2, "Softplus(beta=2.0, threshold=20.0)"),
    (nn.GELU(approximate="tanh"), _gelu, "GELU(approximate='tanh')"),
    (nn.GELU(), _gelu_exact, "GELU(approximate='none')"),
    (nn.SiLU(), lambda x: x / (1 + np.exp(-x)), "SiLU()"),
    (nn.Softmax(), _softmax, "Softmax(dim=None)"),
    (nn.LogSoftmax(), lambda x: np.log(_softmax(x)), "LogSoftmax(dim=None)"),
    (nn.Softmax(axis=0), lambda x: _softmax(x.T).T, "Softmax(dim=0)"),
    (nn.LogSoftmax(dim=0), lambda x: np.log(_softmax(x.T).T), "LogSoftmax(dim=0)"),
]


@pytest.mark.parametrize("module, reference, text", ACTIVATIONS, ids=[a[2] for a in ACTIVATIONS])
def test_activation_values_repr_and_gradcheck(module, reference, text, float64):
    x = randn(3, 4)
    x.data = x.numpy() + np.sign(x.numpy()) * 0.05  # keep away from the kink at 0
    np.testing.assert_allclose(module(x).numpy(), reference(x.numpy()), rtol=1e-7, atol=1e-10)
    assert repr(module) == text
    assert al.gradcheck(module, (x,))


def test_activations_keep_float32():
    x = al.randn(2, 3)
    for module, _, _ in ACTIVATIONS:
        assert module(x).dtype == np.float32


def test_gelu_approximations_and_softplus_threshold():
    with pytest.raises(ValueError, match="approximate"):
        nn.GELU("exact")
    # The exact form at 1 is Phi(1) = 0.8413447460685429, the tanh form 0.8411919906082768.
    one = al.tensor([1.0], dtype=np.float64)
    assert nn.GELU()(one).item() == pytest.approx(0.8413447460685429, rel=1e-15)
    assert nn.GELU("tanh")(one).item() == pytest.approx(0.8411919906082768, rel=1e-15)
    big = al.tensor([30.0, 1.0])
    np.testing.assert_allclose(
        nn.Softplus(beta=2.0, threshold=10.0)(big).numpy(), [30.0, np.log1p(np.exp(2.0)) / 2], rtol=1e-6
    )


def test_gradcheck_through_a_whole_model_and_loss(float64):
    model = nn.Sequential(
        nn.Linear(4, 6), nn.BatchNorm1d(6), nn.Tanh(), nn.Dropout(0.2), nn.Linear(6, 5), nn.GELU(),
        nn.Flatten(), nn.Identity(), nn.Linear(5, 3),
    )  # fmt: skip
    loss_fn = nn.CrossEntropyLoss()
    labels = np.array([0, 2, 1, 1, 0])
    params = list(model.parameters())

    def loss(x, *_):
        al.manual_seed(5)  # the same dropout mask on every evaluation
        return loss_fn(model(x), labels)

    assert al.gradcheck(loss, (randn(5, 4), *params))
    model.eval()
    assert al.gradcheck(loss, (randn(5, 4), *params))
