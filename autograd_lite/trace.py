"""Watching the backward pass: `explain_backward` narrates each step of the chain rule in
the order the engine runs it, and `record_grad_norms` keeps every tensor's gradient norm
for `draw_graph`. Both listen through `engine.backward_observers`."""

from __future__ import annotations

import sys
import threading
import weakref
from typing import Any, TextIO

import numpy as np

from . import engine, inplace
from .autograd import grad as functional_grad
from .function import data_tensors, input_tensors
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
        for tensor, input_grad in zip(input_tensors(node), input_grads):
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


def _leaf_names(graph: CollectedGraph) -> dict:
    """id(leaf) -> its name, or `leaf1`, `leaf2`, ... for unnamed leaves in graph order."""
    names: dict = {}
    unnamed = 0
    for node in graph.nodes:
        for tensor in input_tensors(node):
            if tensor is None or tensor.grad_fn is not None or id(tensor) in names:
                continue
            name = display_name(tensor)
            if name is None:
                unnamed += 1
                name = f"leaf{unnamed}"
            names[id(tensor)] = name
    return names


class _Narrator:
    """Names the tensors of a graph and writes one block of lines per backward step."""

    def __init__(self, graph: CollectedGraph, max_values: int, emit: Any) -> None:
        self.graph = graph
        self.max_values = max_values
        self.emit = emit
        self.step = 0
        self.index = {node: k for k, node in enumerate(graph.nodes, start=1)}
        self.names: dict = _leaf_names(graph)  # id(leaf) or node -> label
        self._name_data(graph)
        for node in graph.nodes:
            name = display_name(graph.outputs[node])
            self.names[node] = name if name is not None else f"#{self.index[node]}"
        self._name_root(graph.roots[0])

    def _name_root(self, root: Tensor) -> None:
        """Call the root "output" unless it (or its node's drawn tensor) has a name."""
        fn = root.grad_fn
        if fn is None:
            self.names[id(root)] = display_name(root) or "output"
        elif display_name(root) is None and display_name(self.graph.outputs[fn]) is None:
            self.names[fn] = "output"

    def _name_data(self, graph: CollectedGraph) -> None:
        """Data tensors (given to operations, needing no gradient): `name`, else data1, ..."""
        unnamed = 0
        for node in graph.nodes:
            for tensor in data_tensors(node):
                if tensor is None or id(tensor) in self.names:
                    continue
                name = display_name(tensor)
                if name is None:
                    unnamed += 1
                    name = f"data{unnamed}"
                self.names[id(tensor)] = name

    def arguments(self, node: Any) -> str:
        """The node's tensor arguments in call order: those that need a gradient and the data."""
        data = data_tensors(node) or (None,) * len(node.inputs)
        labels = []
        for tensor, given in zip(input_tensors(node), data):
            if tensor is not None:
                labels.append(self.label(tensor))
            elif given is not None:
                labels.append(self.names.get(id(given), "data"))
        return ", ".join(labels)

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
        arguments = self.arguments(node)
        heading = f"{node.name} #{number}" if number is not None else node.name
        self.emit(f"step {self.step}: {heading}   {out} = {node.name}({arguments})")
        uses = self.graph.uses.get(node, 0)
        note = f"  (sum of the {uses} gradients sent to it)" if uses > 1 else ""
        self.emit(f"  gradient at {out}: {self.describe(_array(grad))}{note}")
        several = sum(t is not None for t in input_tensors(node)) > 1
        for position, (tensor, input_grad) in enumerate(zip(input_tensors(node), input_grads)):
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
) -> BackwardExplanation:
    """Run the backward pass from `tensor` and narrate it, step by step, in the order the
    engine runs it: each operation, the gradient arriving at its output and the gradient
    it sends to each input (shape, L2 norm `|g|`, and values for at most `max_values`
    elements) -- the chain rule applied to your own graph.

    With `accumulate=True` (the default) this *is* `tensor.backward(gradient,
    retain_graph=retain_graph)`: leaves' `.grad` accumulate as usual. With
    `accumulate=False` nothing's `.grad` changes (the leaves' gradients are computed
    as `al.grad` does and shown at the end). Intermediate tensors are called by their
    `name`, else `#k` (the output of the k-th operation the forward pass ran); unnamed
    leaves `leaf1`, `leaf2`, ..., unnamed data (tensors that need no gradient, shown
    among an operation's arguments) `data1`, `data2`, ... The text is written to `file`
    (standard output by default) as the pass runs, and returned as a
    `BackwardExplanation`: a `str` holding the text, whose repr is one short line, so
    that a REPL or notebook does not echo the narration a second time.

    A graph whose saved values an earlier `backward()` freed cannot be run again: that
    raises RuntimeError before anything is written (pass `retain_graph=True` to that
    backward, or call explain_backward in its place).

    >>> import io, autograd_lite as al
    >>> w = al.Tensor([1.0, -2.0], requires_grad=True, name="w")
    >>> text = explain_backward((w * w).sum(), file=io.StringIO())
    >>> print(text.splitlines()[-1])
      w: (2,), |g| = 4.47, values [2, -4]
    """
    _check_explain_arguments(tensor, max_values)
    graph = CollectedGraph((tensor,))
    _check_not_freed(graph)
    transcript = _Transcript(sys.stdout if file is None else file)
    narrator = _Narrator(graph, max_values, transcript.emit)
    leaves = _leaves_of(graph, tensor)
    had_grad = {id(t) for t in leaves if t.grad is not None}
    _write_header(narrator, tensor, gradient)
    results = _run_narrated(narrator, tensor, leaves, gradient, retain_graph, accumulate)
    _write_results(narrator, leaves, results, had_grad, accumulate)
    return BackwardExplanation(transcript.text(), narrator.step)


class BackwardExplanation(str):
    """The text `explain_backward` wrote: a `str` (print it, split it, search it) whose
    repr is one line, since the text itself was already printed as the pass ran.

    >>> BackwardExplanation("step 1: ...\\n", steps=1)
    <backward pass explained in 1 step, 1 line: print() it to read it again>
    """

    steps: int

    def __new__(cls, text: str, steps: int = 0) -> BackwardExplanation:
        explanation = super().__new__(cls, text)
        explanation.steps = steps
        return explanation

    def __repr__(self) -> str:
        steps = f"{self.steps} step" + ("" if self.steps == 1 else "s")
        lines = self.count("\n") or 1
        return f"<backward pass explained in {steps}, {lines} line{'' if lines == 1 else 's'}: print() it to read it again>"


def _check_not_freed(graph: CollectedGraph) -> None:
    """Raise, before any text is written, if a backward already freed the graph's saved
    values (or they were changed in place since): the pass would fail half-way."""
    for node in graph.nodes:
        if node.saved is None:
            raise RuntimeError(
                "explain_backward runs the backward pass, and an earlier backward() already "
                f"freed the values saved by '{node.name}'. Call explain_backward(loss) in place "
                "of loss.backward(), or pass retain_graph=True to the first backward()."
            )
        if node.guards is not None:
            inplace.check(node)


def _check_explain_arguments(tensor: Any, max_values: int) -> None:
    if not isinstance(tensor, Tensor):
        raise TypeError(f"explain_backward expects a Tensor, got {type(tensor).__name__}")
    if not tensor.requires_grad:
        raise RuntimeError(
            "explain_backward needs a tensor computed from tensors with requires_grad=True "
            "(this one does not require grad)"
        )
    if max_values < 0:
        raise ValueError(f"max_values must be >= 0, got {max_values}")


class _Transcript:
    """Lines written to a file as they come, and kept to be returned as one text."""

    def __init__(self, file: TextIO) -> None:
        self.file = file
        self.lines: list = []

    def emit(self, line: str) -> None:
        self.lines.append(line)
        print(line, file=self.file)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _leaves_of(graph: CollectedGraph, tensor: Tensor) -> list:
    """The leaves whose gradients the pass from `tensor` computes, each once."""
    if tensor.grad_fn is None:
        return [tensor]
    leaves = [t for node in graph.nodes for t in input_tensors(node) if t is not None and t.grad_fn is None]
    return list({id(t): t for t in leaves}.values())


def _write_header(narrator: _Narrator, tensor: Tensor, gradient: Any) -> None:
    emit = narrator.emit
    root_name = narrator.names.get(tensor.grad_fn if tensor.grad_fn is not None else id(tensor), "output")
    emit(
        f"Backward pass from {root_name} ({format_shape(tensor.shape)} {tensor.dtype}): "
        f"{len(narrator.graph.nodes)} operations, in the order the engine runs them."
    )
    emit(
        "#k is the output of the k-th operation of the forward pass; |g| is a gradient's L2 norm; "
        "data tensors (data1, ...) need no gradient and receive none; constants and options are left out."
    )
    if gradient is None:
        emit(f"The pass starts from d({root_name})/d({root_name}) = 1.")


def _run_narrated(
    narrator: _Narrator,
    tensor: Tensor,
    leaves: list,
    gradient: Any,
    retain_graph: bool | None,
    accumulate: bool,
) -> list:
    """Run the backward pass with `narrator` observing it; the leaves' gradients."""
    thread = threading.get_ident()

    def observer(node: Any, grad: Any, input_grads: tuple) -> None:
        if threading.get_ident() == thread:  # not another thread's backward
            narrator.observe(node, grad, input_grads)

    engine.backward_observers.append(observer)
    try:
        if accumulate:
            tensor.backward(gradient, retain_graph=retain_graph)
            return [leaf.grad for leaf in leaves]
        return list(functional_grad(tensor, leaves, gradient, retain_graph=retain_graph, allow_unused=True))
    finally:
        engine.backward_observers.remove(observer)


def _write_results(narrator: _Narrator, leaves: list, results: list, had_grad: set, accumulate: bool) -> None:
    if accumulate:
        narrator.emit("Gradients accumulated into .grad:")
    else:
        narrator.emit("Gradients of the leaves (.grad left unchanged):")
    for leaf, result in zip(leaves, results):
        if result is None:
            narrator.emit(f"  {narrator.label(leaf)}: no gradient")
            continue
        added = "  (added to the gradient already there)" if accumulate and id(leaf) in had_grad else ""
        narrator.emit(f"  {narrator.label(leaf)}: {narrator.describe(_array(result))}{added}")
