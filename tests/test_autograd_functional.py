"""al.autograd.functional: jacobian, hessian, vjp, jvp, vhp, hvp against closed forms and,
when installed, torch.autograd.functional (values, return structure, errors)."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite.autograd import functional as F

RNG = np.random.default_rng(0)
X = np.array([0.5, -1.0, 2.0])
Y = np.array([1.5, 0.25, -0.5])


def t(array):
    return al.tensor(np.asarray(array, dtype=np.float64))


def close(got, expected):
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-12, atol=1e-12)


# -- closed forms ---------------------------------------------------------------------------


def test_jacobian_of_a_single_input_and_output():
    jac = F.jacobian(lambda x: x**2, t(X))
    assert isinstance(jac, al.Tensor) and jac.shape == (3, 3)
    close(jac, np.diag(2 * X))


def test_jacobian_shapes_are_output_then_input_shape():
    w = RNG.standard_normal((3, 4))
    jac = F.jacobian(lambda x: x @ t(w), t(RNG.standard_normal((2, 3))))
    assert jac.shape == (2, 4, 2, 3)
    expected = np.einsum("ac,bd->abcd", np.eye(2), w.T)  # d(x @ w)[a, b] / dx[c, d] = [a == c] w[d, b]
    close(jac, expected)


def test_jacobian_of_tuples_is_a_tuple_over_outputs_of_tuples_over_inputs():
    jac = F.jacobian(lambda x, y: (x * y, (x**3).sum()), (t(X), t(Y)))
    assert isinstance(jac, tuple) and len(jac) == 2 and all(isinstance(row, tuple) for row in jac)
    (d_prod_x, d_prod_y), (d_cube_x, d_cube_y) = jac
    close(d_prod_x, np.diag(Y))
    close(d_prod_y, np.diag(X))
    close(d_cube_x, 3 * X**2)
    close(d_cube_y, np.zeros(3))  # independent: zeros unless strict


def test_jacobian_tuple_output_with_a_single_input_is_a_tuple_of_tensors():
    jac = F.jacobian(lambda x: (x.exp(), x.sum()), t(X))
    assert isinstance(jac, tuple) and all(isinstance(j, al.Tensor) for j in jac)
    close(jac[0], np.diag(np.exp(X)))
    close(jac[1], np.ones(3))


def test_hessian_closed_forms():
    close(F.hessian(lambda x: (x**3).sum(), t(X)), np.diag(6 * X))
    hess = F.hessian(lambda x, y: (x * y).sum() + (y**2).sum(), (t(X), t(Y)))
    assert isinstance(hess, tuple) and all(isinstance(row, tuple) and len(row) == 2 for row in hess)
    close(hess[0][0], np.zeros((3, 3)))
    close(hess[0][1], np.eye(3))
    close(hess[1][0], np.eye(3))
    close(hess[1][1], 2 * np.eye(3))


def test_vector_products_closed_forms():
    v = t(Y)
    out, product = F.vjp(lambda x: x**2, t(X), v)
    close(out, X**2)
    close(product, 2 * X * Y)
    out, product = F.jvp(lambda x: x.sin(), t(X), v)
    close(out, np.sin(X))
    close(product, np.cos(X) * Y)
    cube = lambda x: (x**3).sum()  # noqa: E731
    for function in (F.vhp, F.hvp):
        out, product = function(cube, t(X), v)
        close(out, (X**3).sum())
        close(product, 6 * X * Y)


def test_jvp_with_tuples_returns_the_output_structure():
    out, product = F.jvp(lambda x, y: (x * y, x + y), (t(X), t(Y)), (t(np.ones(3)), t(np.zeros(3))))
    assert isinstance(out, tuple) and isinstance(product, tuple)
    close(product[0], Y)  # d(xy) = y dx
    close(product[1], np.ones(3))


def test_vjp_with_tuples_returns_the_input_structure():
    out, product = F.vjp(lambda x, y: (x * y).sum(), (t(X), t(Y)))
    assert isinstance(out, al.Tensor) and isinstance(product, tuple)
    close(product[0], Y)
    close(product[1], X)


def test_v_may_be_none_only_for_single_elements():
    out, product = F.vjp(lambda x: (x**2).sum(), t(X))
    close(product, 2 * X)
    out, product = F.jvp(lambda x: x * t(X), t(2.0))
    close(product, X)
    with pytest.raises(RuntimeError, match="v can only be None"):
        F.vjp(lambda x: x**2, t(X))
    with pytest.raises(RuntimeError, match="v can only be None"):
        F.jvp(lambda x: x**2, t(X))
    with pytest.raises(RuntimeError, match="v can only be None"):
        F.hvp(lambda x: (x**2).sum(), t(X))


def test_bad_v_and_inputs_are_clear_errors():
    with pytest.raises(RuntimeError, match=r"v has invalid size: should be \(3,\) but got \(2,\)"):
        F.vjp(lambda x: x**2, t(X), t([1.0, 2.0]))
    with pytest.raises(RuntimeError, match="v is a tuple of invalid length: should be 2 but got 1"):
        F.jvp(lambda x, y: x * y, (t(X), t(Y)), (t(X),))
    with pytest.raises(TypeError, match="must be either a Tensor or a tuple of Tensors"):
        F.jacobian(lambda x: x, [t(X)])
    with pytest.raises(TypeError, match="outputs of the user-provided function"):
        F.vjp(lambda x: 1.0, t(X), t(X))
    with pytest.raises(RuntimeError, match="should return a single Tensor"):
        F.hessian(lambda x: (x.sum(), x.sum()), t(X))
    with pytest.raises(RuntimeError, match="should contain a single element"):
        F.vhp(lambda x: x**2, t(X), t(X))
    with pytest.raises(ValueError, match="strategy"):
        F.jacobian(lambda x: x, t(X), strategy="sideways")


def test_strict_mode_refuses_independent_results():
    with pytest.raises(
        RuntimeError, match="Output 1 of the user-provided function is independent of input 1"
    ):
        F.jacobian(lambda x, y: (x * y, x.sum()), (t(X), t(Y)), strict=True)
    with pytest.raises(RuntimeError, match="jacobian .* is independent of the input"):
        F.hessian(lambda x: (2 * x).sum(), t(X), strict=True)  # linear: the gradient is constant
    with pytest.raises(RuntimeError, match="does not require gradients"):
        F.vjp(lambda x: t(X), t(X), t(X), strict=True)
    out, product = F.vjp(lambda x: t(X), t(X), t(X))  # not strict: zeros
    close(product, np.zeros(3))
    close(F.hessian(lambda x: (2 * x).sum(), t(X)), np.zeros((3, 3)))


def test_results_are_detached_and_grads_untouched_without_create_graph():
    x = al.tensor(X, requires_grad=True)
    jac = F.jacobian(lambda x: x.exp(), x)
    out, product = F.vjp(lambda x: x.exp(), x, t(Y))
    assert not jac.requires_grad and not out.requires_grad and not product.requires_grad
    assert x.grad is None


def test_create_graph_results_differentiate_with_respect_to_the_inputs():
    x = al.tensor(X, requires_grad=True)
    hess = F.hessian(lambda x: (x**4).sum(), x, create_graph=True)
    assert hess.requires_grad
    hess.sum().backward()  # d/dx of sum(diag(12 x^2)) = 24 x
    close(x.grad, 24 * X)
    x = al.tensor(X, requires_grad=True)
    _, product = F.jvp(lambda x: x**3, x, t(Y), create_graph=True)
    (dx,) = al.grad(product.sum(), x)  # d/dx sum(3 x^2 y) = 6 x y
    close(dx, 6 * X * Y)


def test_vectorize_is_accepted():
    close(F.jacobian(lambda x: x**2, t(X), vectorize=True), np.diag(2 * X))
    close(F.hessian(lambda x: (x**3).sum(), t(X), vectorize=True), np.diag(6 * X))


def test_inputs_are_not_changed_and_grad_mode_is_restored():
    x = t(X)
    with al.no_grad():
        jac = F.jacobian(lambda x: x**2, x)
        assert not al.is_grad_enabled()
    close(jac, np.diag(2 * X))
    close(x, X)
    assert not x.requires_grad


# -- against torch.autograd.functional -------------------------------------------------------


def _functions(lib):
    return {
        "scalar_of_one": lambda x: (x.tanh() * x).sum(),
        "scalar_of_two": lambda x, y: ((x * y.exp()) ** 2).sum(),
        "vector_of_one": lambda x: x.sin() * x,
        "pair_of_two": lambda x, y: (x * y, (x**3).sum()),
    }


INPUTS = {
    "scalar_of_one": (X,),
    "scalar_of_two": (X, Y),
    "vector_of_one": (X,),
    "pair_of_two": (X, Y),
}
SCALAR = {"scalar_of_one", "scalar_of_two"}


def _wrap(values, make, as_tuple):
    values = tuple(make(np.array(v, dtype=np.float64)) for v in values)
    return values if as_tuple else values[0]


def _to_numpy(value):
    if isinstance(value, tuple):
        return tuple(_to_numpy(v) for v in value)
    return value.detach().numpy()


def _assert_same(ours, theirs):
    if isinstance(theirs, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _assert_same(a, b)
    else:
        assert not isinstance(ours, tuple)
        assert ours.shape == theirs.shape
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("function_name", ["jacobian", "hessian", "vjp", "jvp", "vhp", "hvp"])
@pytest.mark.parametrize("case", sorted(INPUTS))
def test_matches_torch(case, function_name, create_graph):
    torch = pytest.importorskip("torch")
    import torch.autograd.functional as TF

    if function_name in ("hessian", "vhp", "hvp") and case not in SCALAR:
        pytest.skip("defined for scalar functions only (the errors are tested above)")
    values = INPUTS[case]
    as_tuple = len(values) > 1
    ours_in = _wrap(values, t, as_tuple)
    theirs_in = _wrap(values, torch.from_numpy, as_tuple)
    args = {"create_graph": create_graph}
    if function_name not in ("jacobian", "hessian"):
        # v has the structure of the outputs for vjp, of the inputs otherwise.
        reference = _functions("torch")[case](*values_as(theirs_in)) if function_name == "vjp" else theirs_in
        reference_tuple = isinstance(reference, tuple)
        shapes = [tuple(r.shape) for r in (reference if reference_tuple else (reference,))]
        v = tuple(0.5 + np.arange(int(np.prod(s)), dtype=np.float64).reshape(s) for s in shapes)
        ours_args = (_wrap(v, t, reference_tuple),)
        theirs_args = (_wrap(v, torch.from_numpy, reference_tuple),)
    else:
        ours_args = theirs_args = ()
    ours = getattr(F, function_name)(_functions("al")[case], ours_in, *ours_args, **args)
    theirs = getattr(TF, function_name)(_functions("torch")[case], theirs_in, *theirs_args, **args)
    _assert_same(_to_numpy(ours), _to_numpy(theirs))


def values_as(inputs):
    return inputs if isinstance(inputs, tuple) else (inputs,)


def test_create_graph_matches_torch_third_derivatives():
    torch = pytest.importorskip("torch")
    import torch.autograd.functional as TF

    ours_x = al.tensor(X, requires_grad=True)
    theirs_x = torch.tensor(X, requires_grad=True)
    _, ours = F.hvp(lambda x: (x.tanh() * x).sum(), ours_x, t(Y), create_graph=True)
    _, theirs = TF.hvp(lambda x: (x.tanh() * x).sum(), theirs_x, torch.tensor(Y), create_graph=True)
    (ours * ours).sum().backward()
    (theirs * theirs).sum().backward()
    np.testing.assert_allclose(ours_x.grad.numpy(), theirs_x.grad.numpy(), rtol=1e-10)


STRICT_CALLS = {
    "jacobian_independent": lambda lib, x: lib.jacobian(lambda a, b: (a * b, a.sum()), x, strict=True),
    "jacobian_linear_create_graph": lambda lib, x: lib.jacobian(
        lambda a, b: a * 2 + b, x, strict=True, create_graph=True
    ),
    "hessian_linear": lambda lib, x: lib.hessian(lambda a, b: (2 * a).sum() + (b * b).sum(), x, strict=True),
    "hessian_independent": lambda lib, x: lib.hessian(lambda a, b: (a**3).sum(), x, strict=True),
    "vjp_independent": lambda lib, x: lib.vjp(lambda a, b: (a * 1).sum(), x, strict=True),
    "vjp_linear_create_graph": lambda lib, x: lib.vjp(
        lambda a, b: (a * 2).sum() + b.sum(), x, strict=True, create_graph=True
    ),
    "jvp_independent": lambda lib, x: lib.jvp(lambda a, b: (a * 2, a.sum()), x, x, strict=True),
    "jvp_constant_output": lambda lib, x: lib.jvp(lambda a, b: x[0] * 1, x, x, strict=True),
    "vhp_independent": lambda lib, x: lib.vhp(lambda a, b: (a * a).sum(), x, x, strict=True),
    "vhp_quadratic_create_graph": lambda lib, x: lib.vhp(
        lambda a, b: (a * a).sum() + (b * b).sum(), x, x, strict=True, create_graph=True
    ),
    "hvp_linear": lambda lib, x: lib.hvp(lambda a, b: (a * 2).sum() + (b * b).sum(), x, x, strict=True),
    "hvp_quadratic_create_graph": lambda lib, x: lib.hvp(
        lambda a, b: (a * a).sum() + (b * b).sum(), x, x, strict=True, create_graph=True
    ),
}


@pytest.mark.parametrize("call", list(STRICT_CALLS.values()), ids=list(STRICT_CALLS))
def test_strict_messages_match_torch(call):
    torch = pytest.importorskip("torch")
    import torch.autograd.functional as TF

    with pytest.raises(RuntimeError) as expected:
        call(TF, (torch.tensor(X), torch.tensor(Y)))
    with pytest.raises(RuntimeError) as got:
        call(F, (t(X), t(Y)))
    assert str(got.value) == str(expected.value)
