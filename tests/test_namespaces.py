"""PyTorch's namespaces as attributes of autograd_lite (nn, optim, utils.data, autograd), nn and
optim loaded only on first use, requires_grad on non-leaves, and the documentation of the
public functions (docstrings that explain parameters, examples that run)."""

from __future__ import annotations

import doctest
import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import autograd_lite as al

ROOT = Path(__file__).resolve().parent.parent


def test_torch_style_code_reaches_every_namespace():
    torch = al  # `import autograd_lite as torch`
    import nn
    import optim

    assert torch.nn is nn and torch.optim is optim
    assert torch.nn.functional is nn.functional and torch.nn.Linear is nn.Linear
    assert torch.optim.Adam is optim.Adam
    assert torch.utils.data.DataLoader is al.data.DataLoader
    assert torch.utils.data.TensorDataset is al.data.TensorDataset
    assert torch.utils.data.Dataset is al.data.Dataset
    assert torch.autograd.grad is al.grad and torch.autograd.Function is al.Function
    functional = torch.autograd.functional
    for name in ("jacobian", "hessian", "vjp", "jvp", "hvp", "vhp"):
        assert callable(getattr(functional, name))


def test_from_imports_work_as_with_torch():
    from autograd_lite import nn, optim  # noqa: F401
    from autograd_lite.autograd import Function, grad  # noqa: F401
    from autograd_lite.autograd.functional import jacobian  # noqa: F401
    from autograd_lite.utils.data import DataLoader, Dataset, TensorDataset  # noqa: F401

    assert nn.Linear(2, 3).weight.shape == (3, 2)


def test_a_small_training_loop_written_for_torch_runs():
    torch = al
    torch.manual_seed(0)
    x = np.linspace(-1, 1, 32, dtype=np.float32).reshape(-1, 1)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, 3 * x), batch_size=8, shuffle=True)
    model = torch.nn.Linear(1, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    for _ in range(30):
        for xb, yb in loader:
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(model(xb), yb)
            loss.backward()
            opt.step()
    assert abs(model.weight.item() - 3) < 1e-2


def test_unknown_attributes_are_attribute_errors():
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        al.nonexistent  # noqa: B018
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        al.autograd.nonexistent  # noqa: B018
    assert {"nn", "optim", "autograd", "utils"} <= set(dir(al))
    assert "functional" in dir(al.autograd)


def test_import_autograd_lite_loads_neither_nn_nor_optim_nor_autograd_functional():
    code = (
        "import sys, autograd_lite; "
        "print(sorted(m for m in ('nn', 'optim', 'autograd_lite.autograd.functional', 'graphviz') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


# -- requires_grad on leaves and non-leaves (PyTorch's behaviour and messages) --------------


def test_requires_grad_assignment_on_a_non_leaf_raises_as_torch():
    x = al.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match=r"leaf variables\. If you want .* var\.detach\(\)"):
        y.requires_grad = False
    with pytest.raises(RuntimeError, match=r"^you can only change requires_grad flags of leaf variables\.$"):
        y.requires_grad = True
    with pytest.raises(RuntimeError, match="detach"):
        y.requires_grad_(False)
    assert y.requires_grad_() is y and y.requires_grad and y.grad_fn is not None
    y.sum().backward()  # the graph is intact
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])


def test_requires_grad_on_leaves_and_non_floating_dtypes():
    with al.no_grad():
        z = al.tensor([1.0], requires_grad=True) * 2  # a leaf: computed without a graph
    z.requires_grad = True
    assert z.is_leaf and z.requires_grad
    z.requires_grad = False
    assert not z.requires_grad
    n = al.tensor([1, 2])
    with pytest.raises(TypeError, match="floating point"):
        n.requires_grad = True
    n.requires_grad = False  # allowed, as in PyTorch
    assert not n.requires_grad


def test_requires_grad_messages_match_torch():
    torch = pytest.importorskip("torch")
    theirs = torch.ones(2, requires_grad=True) * 2
    ours = al.ones(2, requires_grad=True) * 2
    for value in (False, True):
        with pytest.raises(RuntimeError) as expected:
            theirs.requires_grad = value
        with pytest.raises(RuntimeError) as got:
            ours.requires_grad = value
        assert str(got.value) == str(expected.value)
    assert theirs.requires_grad_(True) is theirs and ours.requires_grad_(True) is ours


# -- documentation ------------------------------------------------------------------------

DOCUMENTED_MODULES = [
    "autograd_lite",
    "autograd_lite.autograd",
    "autograd_lite.autograd.functional",
    "autograd_lite.utils",
    "autograd_lite.utils.data",
    "autograd_lite.tensor",
    "autograd_lite.engine",
    "autograd_lite.function",
    "autograd_lite.grad_mode",
    "autograd_lite.factories",
    "autograd_lite.serialization",
    "autograd_lite.data",
    "autograd_lite.ops.predicates",
    "autograd_lite.ops.rounding",
    "autograd_lite.ops.transcendental",
    "autograd_lite.ops.binary",
]


@pytest.mark.parametrize("name", DOCUMENTED_MODULES)
def test_docstring_examples_run(name):
    importlib.import_module(name)
    result = doctest.testmod(sys.modules[name], optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


def _parameters(function) -> list[str]:
    names = []
    for parameter in inspect.signature(function).parameters.values():
        if parameter.name in ("self", "cls", "ctx"):
            continue
        names.append(parameter.name)
    return names


def _public_functions() -> list:
    import autograd_lite.autograd.functional as functional

    found = [(f"autograd.functional.{n}", getattr(functional, n)) for n in functional.__all__]
    found.append(("autograd.grad", al.autograd.grad))
    found.append(("Tensor.backward", al.Tensor.backward))
    for module in ("factories", "serialization", "grad_mode"):
        source = sys.modules[f"autograd_lite.{module}"]
        for name, value in vars(source).items():
            if inspect.isfunction(value) and value.__module__ == source.__name__ and not name.startswith("_"):
                found.append((f"{module}.{name}", value))
    for cls in (al.Tensor, al.data.TensorDataset, al.data.DataLoader):
        found.append((cls.__name__, cls))
    for name in ("requires_grad_", "register_hook", "numpy", "detach", "item", "tolist", "numel"):
        found.append((f"Tensor.{name}", getattr(al.Tensor, name)))
    return found


@pytest.mark.parametrize("name, function", _public_functions(), ids=lambda v: v if isinstance(v, str) else "")
def test_docstrings_name_every_parameter(name, function):
    doc = inspect.getdoc(function)
    assert doc, f"{name} has no docstring"
    target = function.__init__ if inspect.isclass(function) else function
    missing = [p for p in _parameters(target) if p not in ("args", "kwargs") and p not in doc]
    assert not missing, f"the docstring of {name} does not explain {missing}"


def test_help_on_backward_explains_its_parameters():
    doc = inspect.getdoc(al.Tensor.backward)
    for word in ("gradient:", "retain_graph:", "create_graph:"):
        assert word in doc


def test_every_public_method_defined_in_tensor_py_has_a_docstring():
    undocumented = [
        name
        for name, value in vars(al.Tensor).items()
        if not name.startswith("_")
        and (inspect.isfunction(value) or isinstance(value, property))
        and getattr(value.fget if isinstance(value, property) else value, "__module__", "")
        == "autograd_lite.tensor"
        and not inspect.getdoc(value)
    ]
    assert not undocumented
