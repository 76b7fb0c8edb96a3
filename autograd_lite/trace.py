"""Watching the backward pass: `explain_backward` narrates each step of the chain rule in
the order the engine runs it, and `record_grad_norms` keeps every tensor's gradient norm
for `draw_graph`. Both listen through `engine.backward_observers`."""

from __future__ import annotations

import sys
import threading
import weakref
from typing import Any, TextIO

import numpy as np

from . import engine
from .autograd import grad as functional_grad
from .graph import CollectedGraph, display_name, format_norm, format_shape, format_values, l2_norm
from .tensor import Tensor


def _array(value: Any) -> np.ndarray:
    return np.asarray(value._data if isinstance(value, Tensor) else value)


def _arrived(grad: Any, tensor: Tensor) -> tuple[np.ndarray, bool]:
    """The gradient as the engine delivers it to `tensor`: broadcast axes summed away."""
    array = _array(grad)
    if array.shape == tensor.shape:
        return array, False
    try:
        return np.asarray(engine.sum_to(array, tensor.shape)), True
    except ValueError:
        return array, False


class GradNormRecord:
    """The L2 norms of the gradients computed by backward passes run inside
    `with record_grad_norms():` -- for intermediate tensors too, which keep no `.grad`.

    `norm_of(tensor)` gives the norm of d(output)/d(tensor) from the most recent pass
    through the tensor (for a leaf: the sum of that pass's contributions, before
    hooks), or None. Pass the record to `draw_graph(..., grad_norms=record)`. The record
    holds the graph's nodes until it is dropped or `clear()`ed.
    """

    def __init__(self) -> None:
        self._nodes: dict = {}  # node -> norm of the gradient at its output
        self._leaf_sums: dict = {}  # id(leaf) -> [leaf, summed gradient], during the block
        self._leaves: dict = {}  # id(leaf) -> (weakref to leaf, norm)
        self._thread: int | None = None

    def __enter__(self) -> GradNormRecord:
        if self._thread is not None:
            raise RuntimeError("this GradNormRecord is already recording")
        self._thread = threading.get_ident()
        engine.backward_observers.append(self._observe)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        engine.backward_observers.remove(self._observe)
        self._thread = None
        for key, (leaf, total) in self._leaf_sums.items():
            self._leaves[key] = (weakref.ref(leaf), l2_norm(total))
        self._leaf_sums.clear()

    def _observe(self, node: Any, grad: Any, input_grads: tuple) -> None:
        if threading.get_ident() != self._thread:
            return  # another thread's backward
        self._nodes[node] = l2_norm(_array(grad))
        for tensor, input_grad in zip(node.inputs, input_grads):
            if tensor is None or input_grad is None or tensor.grad_fn is not None:
                continue
            array, _ = _arrived(input_grad, tensor)
            entry = self._leaf_sums.get(id(tensor))
            if entry is None:
                self._leaf_sums[id(tensor)] = [tensor, np.array(array, dtype=np.float64)]
            else:
                entry[1] = entry[1] + array

    def norm_of(self, tensor: Tensor) -> float | None:
        """The recorded gradient norm of `tensor`, or None if no recorded pass reached it.

        >>> import autograd_lite as al
        >>> x = al.tensor([3.0, 4.0], requires_grad=True)
        >>> y = x * 1
        >>> with al.record_grad_norms() as norms:
        ...     (y * 2).sum().backward()
        >>> norms.norm_of(y), norms.norm_of(x)
        (2.8284271247461903, 2.8284271247461903)
        """
        fn = tensor.grad_fn
        if fn is not None:
            return self._nodes.get(fn)
        entry = self._leaves.get(id(tensor))
        if entry is not None and entry[0]() is tensor:
            return entry[1]
        return None

    def clear(self) -> None:
        """Forget everything recorded (and release the graph nodes held)."""
        self._nodes.clear()
        self._leaves.clear()

    def __len__(self) -> int:
        return len(self._nodes) + len(self._leaves)

    def __repr__(self) -> str:
        return f"GradNormRecord({len(self._nodes)} operations, {len(self._leaves)} leaves)"


def record_grad_norms() -> GradNormRecord:
    """Record the gradient norm of every tensor a backward pass reaches, for `draw_graph`.

    Use it as a context manager around `backward()` (or `al.grad`); `draw_graph` then
    colours every tensor, intermediates included, by its gradient norm.

    >>> import autograd_lite as al
    >>> x = al.tensor([1.0, 2.0], requires_grad=True)
    >>> loss = (x.exp() * 3).sum()
    >>> with al.record_grad_norms() as norms:
    ...     loss.backward()
    >>> dot = al.draw_graph(loss, grad_norms=norms)   # every node coloured
    """
    return GradNormRecord()


class _Narrator:
    """Names the tensors of a graph and writes one block of lines per backward step."""

    def __init__(self, graph: CollectedGraph, max_values: int, emit: Any) -> None:
        self.graph = graph
        self.max_values = max_values
        self.emit = emit
        self.step = 0
        self.index = {node: k for k, node in enumerate(graph.nodes, start=1)}
        self.names: dict = {}  # id(leaf) or node -> label
        root = graph.roots[0]
        unnamed_leaves = 0
        for node in graph.nodes:
            for tensor in node.inputs:
                if tensor is not None and tensor.grad_fn is None and id(tensor) not in self.names:
                    name = display_name(tensor)
                    if name is None:
                        unnamed_leaves += 1
                        name = f"leaf{unnamed_leaves}"
                    self.names[id(tensor)] = name
        for node in graph.nodes:
            name = display_name(graph.outputs[node])
            self.names[node] = name if name is not None else f"#{self.index[node]}"
        if (
            root.grad_fn is not None
            and display_name(root) is None
            and display_name(graph.outputs[root.grad_fn]) is None
        ):
            self.names[root.grad_fn] = "output"
        elif root.grad_fn is None:
            self.names[id(root)] = display_name(root) or "output"

    def label(self, tensor: Tensor) -> str:
        fn = tensor.grad_fn
        return self.names.get(id(tensor) if fn is None else fn, "?")

    def describe(self, array: np.ndarray) -> str:
        text = f"{format_shape(array.shape)}, |g| = {format_norm(l2_norm(array))}"
        if array.size <= self.max_values:
            text += f", values {format_values(array, self.max_values)}"
        return text

    def observe(self, node: Any, grad: Any, input_grads: tuple) -> None:
        self.step += 1
        number = self.index.get(node)
        out = self.names.get(node, "?")
        arguments = ", ".join(self.label(t) for t in node.inputs if t is not None)
        heading = f"{node.name} #{number}" if number is not None else node.name
        self.emit(f"step {self.step}: {heading}   {out} = {node.name}({arguments})")
        uses = self.graph.uses.get(node, 0)
        note = f"  (sum of the {uses} gradients sent to it)" if uses > 1 else ""
        self.emit(f"  gradient at {out}: {self.describe(_array(grad))}{note}")
        several = sum(t is not None for t in node.inputs) > 1
        for position, (tensor, input_grad) in enumerate(zip(node.inputs, input_grads)):
            if tensor is None:
                continue
            if input_grad is None:
                self.emit(f"  to {self.label(tensor)}: no gradient")
                continue
            array, reduced = _arrived(input_grad, tensor)
            extra = (
                f"  (summed over broadcast axes from {format_shape(_array(input_grad).shape)})"
                if reduced
                else ""
            )
            where = f" (argument {position + 1})" if several else ""
            self.emit(f"  to {self.label(tensor)}{where}: {self.describe(array)}{extra}")


def explain_backward(
    tensor: Tensor,
    gradient: Any = None,
    *,
    retain_graph: bool | None = None,
    accumulate: bool = True,
    max_values: int = 6,
    file: TextIO | None = None,
) -> str:
    """Run the backward pass from `tensor` and narrate it, step by step, in the order the
    engine runs it: each operation, the gradient arriving at its output and the gradient
    it sends to each input (shape, L2 norm `|g|`, and values for at most `max_values`
    elements) -- the chain rule applied to your own graph.

    With `accumulate=True` (the default) this *is* `tensor.backward(gradient,
    retain_graph=retain_graph)`: leaves' `.grad` accumulate as usual. With
    `accumulate=False` nothing's `.grad` changes (the leaves' gradients are computed
    as `al.grad` does and shown at the end). Intermediate tensors are called by their
    `name`, else `#k` (the output of the k-th operation the forward pass ran); unnamed
    leaves `leaf1`, `leaf2`, ... The text is written to `file` (standard output by
    default) as the pass runs, and returned.

    >>> import io, autograd_lite as al
    >>> w = al.Tensor([1.0, -2.0], requires_grad=True, name="w")
    >>> text = explain_backward((w * w).sum(), file=io.StringIO())
    >>> print(text.splitlines()[-1])
      w: (2,), |g| = 4.47, values [2, -4]
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f"explain_backward expects a Tensor, got {type(tensor).__name__}")
    if not tensor.requires_grad:
        raise RuntimeError(
            "explain_backward needs a tensor computed from tensors with requires_grad=True "
            "(this one does not require grad)"
        )
    if max_values < 0:
        raise ValueError(f"max_values must be >= 0, got {max_values}")
    out = sys.stdout if file is None else file
    lines: list = []

    def emit(line: str) -> None:
        lines.append(line)
        print(line, file=out)

    graph = CollectedGraph((tensor,))
    narrator = _Narrator(graph, max_values, emit)
    leaves = [t for node in graph.nodes for t in node.inputs if t is not None and t.grad_fn is None]
    leaves = list({id(t): t for t in leaves}.values()) if tensor.grad_fn is not None else [tensor]
    had_grad = {id(t) for t in leaves if t.grad is not None}
    root_name = narrator.names.get(tensor.grad_fn if tensor.grad_fn is not None else id(tensor), "output")
    emit(
        f"Backward pass from {root_name} ({format_shape(tensor.shape)} {tensor.dtype}): "
        f"{len(graph.nodes)} operations, in the order the engine runs them."
    )
    emit(
        "#k is the output of the k-th operation of the forward pass; |g| is a gradient's L2 norm; "
        "inputs that need no gradient (data, constants, options) are left out."
    )
    if gradient is None:
        emit(f"The pass starts from d({root_name})/d({root_name}) = 1.")

    thread = threading.get_ident()

    def observer(node: Any, grad: Any, input_grads: tuple) -> None:
        if threading.get_ident() == thread:
            narrator.observe(node, grad, input_grads)

    engine.backward_observers.append(observer)
    try:
        if accumulate:
            tensor.backward(gradient, retain_graph=retain_graph)
            results = [leaf.grad for leaf in leaves]
        else:
            results = list(
                functional_grad(tensor, leaves, gradient, retain_graph=retain_graph, allow_unused=True)
            )
    finally:
        engine.backward_observers.remove(observer)

    if accumulate:
        emit("Gradients accumulated into .grad:")
    else:
        emit("Gradients of the leaves (.grad left unchanged):")
    for leaf, result in zip(leaves, results):
        if result is None:
            emit(f"  {narrator.label(leaf)}: no gradient")
            continue
        added = "  (added to the gradient already there)" if accumulate and id(leaf) in had_grad else ""
        emit(f"  {narrator.label(leaf)}: {narrator.describe(_array(result))}{added}")
    return "\n".join(lines) + "\n"
