"""Derivatives of whole functions, as `torch.autograd.functional`: `vjp`, `jvp`, `jacobian`,
`hessian`, `vhp`, `hvp`, with its signatures, return structure and `strict` checks.

`func` takes the inputs as positional Tensors and returns a Tensor or a tuple of Tensors.
Where `inputs` (or the outputs) is a single Tensor the matching result is a single Tensor;
where it is a tuple, a tuple. Everything is computed by reverse mode: `jvp` and `hvp` use
the double-backward trick (the gradient of a vector-Jacobian product with respect to the
vector, which is linear in it). `vectorize` and the strategies are accepted for PyTorch's
signatures; the results do not depend on them.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .. import grad_mode
from ..ops.shape import stack
from ..tensor import Tensor
from . import grad as _grad

__all__ = ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"]

_STRATEGIES = ("reverse-mode", "forward-mode")


# -- the steps every function shares (PyTorch's structure) ------------------------------


def _as_tuple(value: Any, what: str, fn_name: str) -> tuple[bool, tuple]:
    """(whether `value` was a tuple, `value` as a tuple of Tensors)."""
    is_tuple = isinstance(value, tuple)
    values = value if is_tuple else (value,)
    for index, element in enumerate(values):
        if not isinstance(element, Tensor):
            where = f"the value at index {index}" if is_tuple else f"the given {what}"
            raise TypeError(
                f"The {what} given to {fn_name} must be either a Tensor or a tuple of Tensors "
                f"but {where} has type {type(element).__name__}."
            )
    return is_tuple, values


def _grad_preprocess(tensors: tuple, create_graph: bool, need_graph: bool) -> tuple:
    """Fresh tensors to differentiate with respect to. With `create_graph`, a tensor that
    requires grad stays connected to its own graph (through a reshape that changes nothing),
    so the results can be differentiated with respect to what it came from."""
    if create_graph:
        return tuple(
            t.reshape(t.shape) if t.requires_grad else t.detach().requires_grad_(need_graph) for t in tensors
        )
    return tuple(t.detach().requires_grad_(need_graph) for t in tensors)


def _grad_postprocess(values: Any, create_graph: bool) -> Any:
    """The results detached from the graph unless `create_graph` (tuples looked into)."""
    if create_graph:
        return values
    if isinstance(values, Tensor):
        return values.detach()
    return tuple(_grad_postprocess(value, create_graph) for value in values)


def _tuple_postprocess(values: tuple, is_tuple: bool | tuple[bool, bool]) -> Any:
    """Unwrap the tuples that stand for a single Tensor of the user's (outer: outputs, inner:
    inputs, for a pair of flags)."""
    if isinstance(is_tuple, tuple):
        outputs_tuple, inputs_tuple = is_tuple
        if not inputs_tuple:
            values = tuple(value[0] for value in values)
        return values if outputs_tuple else values[0]
    return values if is_tuple else values[0]


def _validate_v(v: tuple, other: tuple, is_other_tuple: bool) -> None:
    if len(v) != len(other):
        if is_other_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(other)} but got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for index, (element, reference) in enumerate(zip(v, other)):
        if element.shape != reference.shape:
            prefix = f"Entry {index} in " if is_other_tuple else ""
            raise RuntimeError(
                f"{prefix}v has invalid size: should be {tuple(reference.shape)} but got {tuple(element.shape)}."
            )


_INDEPENDENT = {
    "outputs": (
        "Output {i} of the user-provided function does not require gradients. The outputs must "
        "be computed in a differentiable manner from the input when running in strict mode."
    ),
    "grad_inputs": (
        "The gradient with respect to input {i} is independent of the inputs of the "
        "user-provided function. This is not allowed in strict mode."
    ),
    "jacobian": (
        "While computing the hessian, found that the jacobian of the user-provided function "
        "with respect to input {i} is independent of the input. This is not allowed in strict "
        "mode. You should ensure that your function is twice differentiable and that the "
        "jacobian depends on the inputs (this would be violated by a linear function for example)."
    ),
    "hessian": (
        "The hessian of the user-provided function with respect to input {i} is independent of "
        "the input. This is not allowed in strict mode. You should ensure that your function is "
        "thrice differentiable and that the hessian depends on the inputs."
    ),
}


def _check_requires_grad(tensors: tuple, kind: str, strict: bool) -> None:
    """In strict mode, every tensor must depend on the inputs (require grad)."""
    if not strict:
        return
    for i, tensor in enumerate(tensors):
        if tensor is None:  # a gradient that never arrived
            raise RuntimeError(_ZERO_IN_STRICT["back"].format(i=i))
        if not tensor.requires_grad:
            raise RuntimeError(_INDEPENDENT[kind].format(i=i))


def _autograd_grad(
    outputs: tuple,
    inputs: tuple,
    grad_outputs: tuple | None = None,
    create_graph: bool = False,
    retain_graph: bool | None = None,
) -> tuple:
    """`grad` over the outputs that require grad, None for inputs they do not reach."""
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    kept_outputs, kept_grads = [], []
    for output, grad_output in zip(outputs, grad_outputs):
        if output is not None and output.requires_grad:
            kept_outputs.append(output)
            kept_grads.append(grad_output)
    if not kept_outputs:
        return (None,) * len(inputs)
    return _grad(
        kept_outputs,
        inputs,
        kept_grads,
        retain_graph=retain_graph,
        create_graph=create_graph,
        allow_unused=True,
    )


_ZERO_IN_STRICT = {
    "back": "The output of the user-provided function is independent of input {i}. This is not allowed in strict mode.",
    "back_trick": (
        "The gradient with respect to the input is independent of entry {i} in the grad_outputs "
        "when using the double backward trick to compute forward mode gradients. This is not "
        "allowed in strict mode."
    ),
    "double_back": (
        "The jacobian of the user-provided function is independent of input {i}. This is not "
        "allowed in strict mode."
    ),
    "double_back_trick": (
        "The hessian of the user-provided function is independent of entry {i} in the grad_jacobian. "
        "This is not allowed in strict mode as it prevents from using the double backward trick "
        "to replace forward mode AD."
    ),
}


def _fill_in_zeros(grads: tuple, references: tuple, strict: bool, create_graph: bool, stage: str) -> tuple:
    """Zeros (of the reference's shape) where no gradient arrived; errors in strict mode."""
    filled = []
    for i, (grad, reference) in enumerate(zip(grads, references)):
        if grad is None:
            if strict:
                raise RuntimeError(_ZERO_IN_STRICT[stage].format(i=i))
            grad = Tensor(np.zeros(reference.shape, reference.dtype))
        elif strict and create_graph and not grad.requires_grad:
            what = "hessian" if "double" in stage else "jacobian"
            raise RuntimeError(
                f"The {what} of the user-provided function is independent of input {i}. This is "
                "not allowed in strict mode when create_graph=True."
            )
        filled.append(grad)
    return tuple(filled)


def _prepare_v(v: Any, reference: tuple, is_reference_tuple: bool, fn_name: str, create_graph: bool) -> tuple:
    """`v` as a tuple checked against `reference` (the inputs or the outputs)."""
    _, v = _as_tuple(v, "v", fn_name)
    v = _grad_preprocess(v, create_graph=create_graph, need_graph=False)
    _validate_v(v, reference, is_reference_tuple)
    return v


def _call(func: Callable, inputs: tuple, fn_name: str, strict: bool) -> tuple[bool, tuple]:
    outputs = func(*inputs)
    is_outputs_tuple, outputs = _as_tuple(outputs, "outputs of the user-provided function", fn_name)
    _check_requires_grad(outputs, "outputs", strict)
    return is_outputs_tuple, outputs


def _single_element_output(is_outputs_tuple: bool, outputs: tuple, fn_name: str) -> None:
    if is_outputs_tuple:
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if outputs[0].numel() != 1:
        raise RuntimeError(
            f"The Tensor returned by the function given to {fn_name} should contain a single "
            f"element, got shape {tuple(outputs[0].shape)}"
        )


_V_NONE_FOR_INPUT = (
    "The vector v can only be None if the input to the user-provided function is a single "
    "Tensor with a single element."
)


# -- the functions -----------------------------------------------------------------------


def vjp(
    func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False
) -> tuple[Any, Any]:
    """The vector-Jacobian product v^T J of `func` at `inputs`: `(func_output, vjp)`.

    Args:
        func: takes the inputs as positional Tensors, returns a Tensor or a tuple of Tensors.
        inputs: a Tensor or a tuple of Tensors.
        v: one Tensor per output, of its shape; may be None when the output is a single
            one-element Tensor.
        create_graph: record the computation, so the results can be differentiated again
            (otherwise they are detached).
        strict: raise `RuntimeError` when an output does not depend on the inputs or the
            product is independent of an input, instead of returning zeros.

    Returns:
        `func`'s output, and the product with the structure of `inputs`.

    >>> import autograd_lite as al
    >>> out, g = al.autograd.functional.vjp(lambda x: x ** 2, al.tensor([1.0, 2.0]), al.tensor([1.0, 1.0]))
    >>> g
    tensor([2., 4.])
    """
    with grad_mode.enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _grad_preprocess(inputs, create_graph=create_graph, need_graph=True)
        is_outputs_tuple, outputs = _call(func, inputs, "vjp", strict)
        if v is not None:
            v = _prepare_v(v, outputs, is_outputs_tuple, "vjp", create_graph)
        elif len(outputs) != 1 or outputs[0].numel() != 1:
            raise RuntimeError(
                "The vector v can only be None if the user-provided function returns a single "
                "Tensor with a single element."
            )
        grads = _autograd_grad(outputs, inputs, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, inputs, strict, create_graph, "back")
    outputs, result = _grad_postprocess(outputs, create_graph), _grad_postprocess(result, create_graph)
    return _tuple_postprocess(outputs, is_outputs_tuple), _tuple_postprocess(result, is_inputs_tuple)


def jvp(
    func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False
) -> tuple[Any, Any]:
    """The Jacobian-vector product J v of `func` at `inputs`: `(func_output, jvp)`.

    Computed with the double-backward trick (reverse mode twice).

    Args:
        func: takes the inputs as positional Tensors, returns a Tensor or a tuple of Tensors.
        inputs: a Tensor or a tuple of Tensors.
        v: one Tensor per input, of its shape; may be None when the input is a single
            one-element Tensor.
        create_graph: record the computation, so the results can be differentiated again.
        strict: raise `RuntimeError` where a result would be zeros because it does not
            depend on the inputs.

    Returns:
        `func`'s output, and the product with the structure of the output.

    >>> import autograd_lite as al
    >>> out, t = al.autograd.functional.jvp(lambda x: x ** 2, al.tensor([1.0, 2.0]), al.tensor([1.0, 0.0]))
    >>> t
    tensor([2., 0.])
    """
    with grad_mode.enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _grad_preprocess(inputs, create_graph=create_graph, need_graph=True)
        if v is not None:
            v = _prepare_v(v, inputs, is_inputs_tuple, "jvp", create_graph)
        elif len(inputs) != 1 or inputs[0].numel() != 1:
            raise RuntimeError(_V_NONE_FOR_INPUT)
        is_outputs_tuple, outputs = _call(func, inputs, "jvp", strict)
        # The vector-Jacobian product is linear in these vectors, so their values (zeros)
        # never appear in its gradient with respect to them, which is J v.
        vectors = tuple(Tensor(np.zeros(out.shape, out.dtype), requires_grad=True) for out in outputs)
        grad_inputs = _autograd_grad(outputs, inputs, vectors, create_graph=True)
        _check_requires_grad(grad_inputs, "grad_inputs", strict)
        grads = _autograd_grad(grad_inputs, vectors, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, outputs, strict, create_graph, "back_trick")
    outputs, result = _grad_postprocess(outputs, create_graph), _grad_postprocess(result, create_graph)
    return _tuple_postprocess(outputs, is_outputs_tuple), _tuple_postprocess(result, is_outputs_tuple)


def _jacobian_block(
    output: Tensor, index: int, inputs: tuple, create_graph: bool, strict: bool
) -> tuple[Tensor, ...]:
    """d(output)/d(input) for every input, each of shape output.shape + input.shape: one
    backward per output element (its one-hot vector)."""
    rows: list[list] = [[] for _ in inputs]
    one_hot = np.zeros(output.numel(), output.dtype)
    for j in range(output.numel()):
        one_hot[j] = 1
        vector = Tensor(one_hot.reshape(output.shape))
        one_hot[j] = 0
        grads = _autograd_grad((output,), inputs, (vector,), create_graph, retain_graph=True)
        for k, (grad, tensor) in enumerate(zip(grads, inputs)):
            if grad is None:
                if strict:
                    raise RuntimeError(
                        f"Output {index} of the user-provided function is independent of input {k}. "
                        "This is not allowed in strict mode."
                    )
                grad = Tensor(np.zeros(tensor.shape, tensor.dtype))
            elif strict and create_graph and not grad.requires_grad:
                raise RuntimeError(
                    f"The jacobian of the user-provided function is independent of input {k}. "
                    "This is not allowed in strict mode when create_graph=True."
                )
            rows[k].append(grad)
    blocks = []
    for tensor, grads in zip(inputs, rows):
        shape = tuple(output.shape) + tuple(tensor.shape)
        if grads:
            blocks.append(stack(grads).reshape(shape))
        else:  # an output without elements
            blocks.append(Tensor(np.zeros(shape, tensor.dtype)))
    return tuple(blocks)


def jacobian(
    func: Callable[..., Any],
    inputs: Any,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    strategy: str = "reverse-mode",
) -> Any:
    """The Jacobian of `func` at `inputs`; entry [i][j] has shape output_i.shape + input_j.shape.

    Args:
        func: takes the inputs as positional Tensors, returns a Tensor or a tuple of Tensors.
        inputs: a Tensor or a tuple of Tensors.
        create_graph: record the computation, so the Jacobian can be differentiated again.
        strict: raise `RuntimeError` where an output does not depend on an input, instead of
            returning zeros.
        vectorize, strategy: accepted for PyTorch's signature ("reverse-mode" or
            "forward-mode"); the result does not depend on them.

    Returns:
        A Tensor for a Tensor output and a Tensor input; a tuple over the inputs for a tuple of
        inputs; a tuple over the outputs (of those) for a tuple of outputs.

    >>> import autograd_lite as al
    >>> al.autograd.functional.jacobian(lambda x: x ** 2, al.tensor([1.0, 2.0]))
    tensor([[2., 0.],
            [0., 4.]])
    """
    if strategy not in _STRATEGIES:
        raise ValueError(f"strategy must be 'reverse-mode' or 'forward-mode', got {strategy!r}")
    with grad_mode.enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _grad_preprocess(inputs, create_graph=create_graph, need_graph=True)
        is_outputs_tuple, outputs = _call(func, inputs, "jacobian", strict)
        blocks = tuple(
            _jacobian_block(output, i, inputs, create_graph, strict) for i, output in enumerate(outputs)
        )
    blocks = _grad_postprocess(blocks, create_graph)
    return _tuple_postprocess(blocks, (is_outputs_tuple, is_inputs_tuple))


def hessian(
    func: Callable[..., Any],
    inputs: Any,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    outer_jacobian_strategy: str = "reverse-mode",
) -> Any:
    """The Hessian of the scalar function `func` at `inputs`; entry [i][j] has shape
    input_i.shape + input_j.shape.

    Args:
        func: takes the inputs as positional Tensors, returns a Tensor with one element.
        inputs: a Tensor or a tuple of Tensors.
        create_graph: record the computation, so the Hessian can be differentiated again.
        strict: raise `RuntimeError` where the output or the gradient does not depend on an
            input (a linear function, say), instead of returning zeros.
        vectorize, outer_jacobian_strategy: accepted for PyTorch's signature; the result
            does not depend on them.

    Returns:
        A Tensor for a Tensor input; for a tuple of inputs, a tuple of tuples of Tensors.

    >>> import autograd_lite as al
    >>> al.autograd.functional.hessian(lambda x: (x ** 3).sum(), al.tensor([1.0, 2.0]))
    tensor([[ 6.,  0.],
            [ 0., 12.]])
    """
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in _STRATEGIES:
        raise ValueError(
            f"outer_jacobian_strategy must be 'reverse-mode' or 'forward-mode', got {outer_jacobian_strategy!r}"
        )

    def single_output(*args: Tensor) -> Tensor:
        is_tuple, outputs = _call(func, args, "hessian", strict)
        _single_element_output(is_tuple, outputs, "hessian")
        return outputs[0].reshape(())

    def gradient(*args: Tensor) -> tuple:
        grads = jacobian(single_output, args, create_graph=True)
        _check_requires_grad(grads, "jacobian", strict)
        return grads

    blocks = jacobian(gradient, inputs, create_graph=create_graph, strict=strict, vectorize=vectorize)
    return _tuple_postprocess(blocks, (is_inputs_tuple, is_inputs_tuple))


def _scalar_function_and_gradient(
    func: Callable, inputs: Any, v: Any, create_graph: bool, strict: bool, fn_name: str
) -> tuple:
    """The steps vhp and hvp share: the checked inputs and v, func's output, its gradient."""
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", fn_name)
    inputs = _grad_preprocess(inputs, create_graph=create_graph, need_graph=True)
    if v is not None:
        v = _prepare_v(v, inputs, is_inputs_tuple, fn_name, create_graph)
    elif len(inputs) != 1 or inputs[0].numel() != 1:
        raise RuntimeError(_V_NONE_FOR_INPUT)
    is_outputs_tuple, outputs = _call(func, inputs, fn_name, strict)
    _single_element_output(is_outputs_tuple, outputs, fn_name)
    gradient = _autograd_grad(outputs, inputs, create_graph=True)
    _check_requires_grad(gradient, "jacobian", strict)
    return is_inputs_tuple, inputs, v, outputs, gradient


def vhp(
    func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False
) -> tuple[Any, Any]:
    """The vector-Hessian product v^T H of the scalar function `func`: `(func_output, vhp)`.

    Args:
        func: takes the inputs as positional Tensors, returns a Tensor with one element.
        inputs: a Tensor or a tuple of Tensors.
        v: one Tensor per input, of its shape; may be None when the input is a single
            one-element Tensor.
        create_graph: record the computation, so the results can be differentiated again.
        strict: raise `RuntimeError` where a result would be zeros because it does not
            depend on the inputs.

    Returns:
        `func`'s output, and the product with the structure of `inputs`.

    >>> import autograd_lite as al
    >>> out, p = al.autograd.functional.vhp(lambda x: (x ** 3).sum(), al.tensor([1.0, 2.0]), al.tensor([1.0, 1.0]))
    >>> p
    tensor([ 6., 12.])
    """
    with grad_mode.enable_grad():
        is_inputs_tuple, inputs, v, outputs, gradient = _scalar_function_and_gradient(
            func, inputs, v, create_graph, strict, "vhp"
        )
        grads = _autograd_grad(gradient, inputs, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, inputs, strict, create_graph, "double_back")
    outputs, result = _grad_postprocess(outputs, create_graph), _grad_postprocess(result, create_graph)
    return _tuple_postprocess(outputs, False), _tuple_postprocess(result, is_inputs_tuple)


def hvp(
    func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False
) -> tuple[Any, Any]:
    """The Hessian-vector product H v of the scalar function `func`: `(func_output, hvp)`.

    Computed as PyTorch does, with the double-backward trick on the gradient (it needs
    third derivatives to be recordable; for twice continuously differentiable functions
    `vhp` gives the same values, faster).

    Args:
        func: takes the inputs as positional Tensors, returns a Tensor with one element.
        inputs: a Tensor or a tuple of Tensors.
        v: one Tensor per input, of its shape; may be None when the input is a single
            one-element Tensor.
        create_graph: record the computation, so the results can be differentiated again.
        strict: raise `RuntimeError` where a result would be zeros because it does not
            depend on the inputs.

    Returns:
        `func`'s output, and the product with the structure of `inputs`.

    >>> import autograd_lite as al
    >>> out, p = al.autograd.functional.hvp(lambda x: (x ** 3).sum(), al.tensor([1.0, 2.0]), al.tensor([1.0, 0.0]))
    >>> p
    tensor([6., 0.])
    """
    with grad_mode.enable_grad():
        is_inputs_tuple, inputs, v, outputs, gradient = _scalar_function_and_gradient(
            func, inputs, v, create_graph, strict, "hvp"
        )
        vectors = tuple(Tensor(np.zeros(t.shape, t.dtype), requires_grad=True) for t in inputs)
        double_back = _autograd_grad(gradient, inputs, vectors, create_graph=True)
        _check_requires_grad(gradient, "hessian", strict)
        grads = _autograd_grad(double_back, vectors, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, inputs, strict, create_graph, "double_back_trick")
    outputs, result = _grad_postprocess(outputs, create_graph), _grad_postprocess(result, create_graph)
    return _tuple_postprocess(outputs, False), _tuple_postprocess(result, is_inputs_tuple)
