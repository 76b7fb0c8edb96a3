"""`grad`: gradients of outputs with respect to chosen inputs, without touching `.grad`."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from . import engine
from .tensor import Tensor


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Tensor | None, ...]:
    """d(outputs)/d(inputs) as a tuple of Tensors, as `torch.autograd.grad`.

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
