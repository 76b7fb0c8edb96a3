"""`gradcheck`: analytical gradients against central finite differences."""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from .autograd import grad as autograd_grad
from .grad_mode import no_grad
from .inplace import declare_updates
from .tensor import Tensor


class GradcheckError(RuntimeError):
    """Raised by `gradcheck` when analytical and numerical gradients disagree."""


def _outputs(func: Callable, inputs: tuple) -> tuple[Tensor, ...]:
    result = func(*inputs)
    return (result,) if isinstance(result, Tensor) else tuple(result)


def gradcheck(
    func: Callable[..., Any],
    inputs: Tensor | Sequence[Any],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """Check d func / d inputs against central differences (f(x+eps) - f(x-eps)) / 2eps.

    Every input that requires grad must be float64. On a mismatch it raises (or
    returns False) naming the input, the output and the worst element.

    >>> import autograd_lite as al
    >>> x = al.randn(3, dtype="float64", requires_grad=True)
    >>> al.gradcheck(lambda t: (t * t).sum(), (x,))
    True
    """
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    checked = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input requires grad, so there is nothing to check")
    for i in checked:
        if inputs[i].dtype != np.float64:
            raise TypeError(
                f"gradcheck: input {i} has dtype {inputs[i].dtype}; finite differences need "
                "float64 inputs (use .astype('float64') or al.set_default_dtype(np.float64))"
            )
    outputs = _outputs(func, inputs)
    analytical = _analytical_jacobians(outputs, [inputs[i] for i in checked])
    numerical = _numerical_jacobians(func, inputs, checked, [o.shape for o in outputs], eps)
    for out_index, output in enumerate(outputs):
        for position, input_index in enumerate(checked):
            a = analytical[out_index][position]
            n = numerical[out_index][position]
            excess = np.abs(a - n) - (atol + rtol * np.abs(n))
            if excess.size and (np.isnan(excess).any() or excess.max() > 0):
                worst = int(np.nanargmax(np.where(np.isnan(excess), np.inf, excess)))
                out_flat, in_flat = np.unravel_index(worst, excess.shape)
                in_element = np.unravel_index(in_flat, inputs[input_index].shape)
                out_element = np.unravel_index(out_flat, output.shape)
                message = (
                    f"gradcheck: Jacobian mismatch for output {out_index} with respect to input "
                    f"{input_index}: worst at input element {tuple(int(k) for k in in_element)}, "
                    f"output element {tuple(int(k) for k in out_element)}: analytical "
                    f"{a[out_flat, in_flat]!r}, numerical {n[out_flat, in_flat]!r} "
                    f"(atol={atol}, rtol={rtol})"
                )
                if raise_exception:
                    raise GradcheckError(message)
                return False
    return True


def _analytical_jacobians(outputs: tuple, wrt: list) -> list[list[np.ndarray]]:
    jacobians = []
    for output in outputs:
        rows = [np.zeros((output.numel(), t.numel())) for t in wrt]
        if output.requires_grad:
            for k in range(output.numel()):
                seed = np.zeros(output.shape, dtype=output.dtype)
                seed.flat[k] = 1
                grads = autograd_grad(
                    output, wrt, grad_outputs=Tensor(seed), retain_graph=True, allow_unused=True
                )
                for position, g in enumerate(grads):
                    if g is not None:
                        rows[position][k] = g.numpy().ravel()
        jacobians.append(rows)
    return jacobians


def _numerical_jacobians(
    func: Callable, inputs: tuple, checked: list, output_shapes: list, eps: float
) -> list[list[np.ndarray]]:
    sizes = [int(np.prod(s, dtype=np.int64)) for s in output_shapes]
    jacobians = [[np.zeros((size, inputs[i].numel())) for i in checked] for size in sizes]
    with no_grad():
        for position, input_index in enumerate(checked):
            # The analytical pass's retained graph may still hold the input read-only;
            # declaring the in-place perturbation makes it writable (and that graph stale).
            declare_updates([inputs[input_index]])
            array = inputs[input_index].numpy()
            flat = array.reshape(-1)  # a view: writes reach the input
            if flat.size and not np.shares_memory(flat, array):
                raise ValueError(f"gradcheck: input {input_index} is not contiguous")
            for k in range(flat.size):
                original = flat[k]
                flat[k] = original + eps
                plus = [np.array(o.numpy(), dtype=np.float64) for o in _outputs(func, inputs)]
                flat[k] = original - eps
                minus = [np.array(o.numpy(), dtype=np.float64) for o in _outputs(func, inputs)]
                flat[k] = original
                for out_index in range(len(sizes)):
                    column = (plus[out_index] - minus[out_index]).ravel() / (2 * eps)
                    jacobians[out_index][position][:, k] = column
    return jacobians
