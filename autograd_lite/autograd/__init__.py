"""`torch.autograd`'s names: `grad` (gradients of outputs with respect to chosen inputs,
without touching `.grad`), `Function` (custom operations) and `functional` (jacobian,
hessian, vjp, jvp, hvp, vhp; loaded on first use).

>>> import autograd_lite as al
>>> x = al.tensor([1.0, 2.0], requires_grad=True)
>>> al.autograd.grad((x ** 2).sum(), x)
(tensor([2., 4.]),)
"""

from __future__ import annotations

import importlib
from typing import Any, Sequence

import numpy as np

from .. import engine
from ..function import Function
from ..tensor import Tensor

__all__ = ["grad", "Function", "functional"]


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Tensor | None, ...]:
    """d(outputs)/d(inputs) as a tuple of Tensors, as `torch.autograd.grad`; no `.grad` changes.

    Args:
        outputs: a Tensor or a sequence of Tensors to differentiate.
        inputs: a Tensor or a sequence of Tensors (that require grad) to differentiate with
            respect to; the result has one entry per input.
        grad_outputs: d(loss)/d(output) for each output (a Tensor, an array or a sequence of
            them, one per output; None entries mean ones and are allowed only for
            one-element outputs). The result is then the vector-Jacobian product.
        retain_graph: keep the graph's saved values for another backward; defaults to
            `create_graph`.
        create_graph: record the gradient computation, so the results can be
            differentiated again (higher-order derivatives).
        allow_unused: return None for an input the outputs do not depend on, instead of
            raising `RuntimeError`.

    >>> import autograd_lite as al
    >>> x = al.tensor(3.0, requires_grad=True)
    >>> (dx,) = al.grad(x ** 3, x, create_graph=True)
    >>> dx.item(), al.grad(dx, x)[0].item()
    (27.0, 18.0)
    """
    outputs = (outputs,) if isinstance(outputs, Tensor) else tuple(outputs)
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    if grad_outputs is None or isinstance(grad_outputs, (Tensor, np.ndarray)):
        grad_outputs = (grad_outputs,) * len(outputs) if grad_outputs is None else (grad_outputs,)
    grad_outputs = tuple(grad_outputs)
    if len(grad_outputs) != len(outputs):
        raise ValueError(f"grad_outputs has {len(grad_outputs)} entries for {len(outputs)} outputs")
    for index, tensor in enumerate(inputs):
        if not isinstance(tensor, Tensor) or not tensor.requires_grad:
            raise RuntimeError(f"input {index} of grad() does not require grad")
    for index, tensor in enumerate(outputs):
        if not isinstance(tensor, Tensor) or not tensor.requires_grad:
            raise RuntimeError(f"output {index} of grad() does not require grad and does not have a grad_fn")
    root_grads = [engine.root_gradient(t, g, create_graph) for t, g in zip(outputs, grad_outputs)]
    if retain_graph is None:
        retain_graph = create_graph
    return engine.run_backward(
        outputs, root_grads, retain_graph, create_graph, capture=inputs, allow_unused=allow_unused
    )


def __getattr__(name: str) -> Any:
    # `functional` is imported on first use: `import autograd_lite` does not pay for it.
    if name == "functional":
        return importlib.import_module(f"{__name__}.functional")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), "functional"])
