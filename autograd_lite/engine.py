"""Reverse-mode differentiation: the topological order, the backward pass, `Tensor.backward`.

The pass reads as the algorithm: order the nodes (`topological_order`), run each node's
rule on the gradient of its output, deliver what it returns to its inputs (`sum_to` undoes
broadcasting, in one place), and accumulate into the leaves at the end. Saved values are
released as each node runs, unless `retain_graph`. Rare options (hooks, retained
gradients, capture for `grad`, anomaly checks, observers) cost a test where they apply.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

import numpy as np

from . import anomaly, grad_mode, inplace
from .function import FREED_MESSAGE
from .tensor import Tensor

# Callables `observer(node, grad, input_grads)` called after each node's rule (the
# step-by-step backward trace uses this). Empty means no cost.
backward_observers: list = []


def sum_to(grad: Any, shape: tuple) -> Any:
    """Sum `grad` over the dimensions NumPy broadcasting added or stretched to reach `shape`.

    Works on arrays and, with `create_graph=True`, on Tensors.

    >>> import numpy as np
    >>> sum_to(np.ones((2, 3)), (3,))
    array([2., 2., 2.])
    """
    grad_shape = grad.shape
    if grad_shape == shape:
        return grad
    lead = len(grad_shape) - len(shape)
    if lead < 0:
        # A gradient of lower rank (a 0-d one for a (1, 1) input) only needs reshaping.
        return grad.reshape(shape) if _size(grad_shape) == _size(shape) else _broadcast(grad, shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and grad_shape[lead + i] != 1
    )
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    if lead:
        grad = grad.reshape(shape)
    elif grad.shape != shape:
        grad = _broadcast(grad, shape)
    return grad


def _size(shape: tuple) -> int:
    size = 1
    for n in shape:
        size *= n
    return size


def _broadcast(grad: Any, shape: tuple) -> Any:
    # A rule may return a gradient that is constant along an input's axis (a 0-d 0, say);
    # it still has to arrive with the input's full shape.
    return np.broadcast_to(grad, shape) if isinstance(grad, np.ndarray) else grad.broadcast_to(shape)


def topological_order(roots: Iterable[Any]) -> list:
    """Every node reachable from the nodes `roots`, each before the nodes it depends on
    (Kahn's algorithm on consumer counts: iterative, deterministic).

    >>> import autograd_lite as al
    >>> x = al.tensor(1.0, requires_grad=True)
    >>> [node.name for node in topological_order([(x.exp() * 2).grad_fn])]
    ['mul', 'exp']
    """
    roots = list(dict.fromkeys(roots))
    counts: dict = {}
    stack = list(roots)
    while stack:
        for edge in stack.pop().inputs:
            if edge is None or isinstance(edge, Tensor):
                continue  # no gradient, or a leaf
            if edge in counts:
                counts[edge] += 1
            else:
                counts[edge] = 1
                stack.append(edge)
    order = []
    ready = [node for node in roots if node not in counts]
    while ready:
        node = ready.pop()
        order.append(node)
        for edge in node.inputs:
            if edge in counts:
                counts[edge] -= 1
                if counts[edge] == 0:
                    ready.append(edge)
    return order


class _Pass:
    """One backward pass: the gradients waiting at nodes and leaves, and the pass' options."""

    def __init__(self, retain_graph: bool, create_graph: bool, capture: Sequence[Tensor] | None) -> None:
        self.retain_graph = retain_graph
        self.create_graph = create_graph
        self.capture = capture
        self.pending: dict = {}  # node or leaf Tensor -> the gradient arrived so far
        # Leaves whose pending gradient is an array this pass alone refers to: further
        # gradients are added into it in place, and it becomes .grad without a copy.
        self.owned: set = set()
        self.retained: list = []  # (tensor, gradient) for retain_grad() tensors
        self.captured: dict = {}  # node -> the gradient of its output, for `grad`
        # Whether any node needs more than its rule: capture, anomaly checks, observers.
        self.extras = capture is not None or anomaly.active or bool(backward_observers)

    def deliver(self, edge: Any, grad: Any, source: Any, incoming: Any, grads: tuple, saved: Any) -> None:
        """Add `grad`, which the rule of node `source` returned for the input `edge` (a node
        or a leaf; the rule's incoming gradient, all it returned and what it saved are
        `incoming`, `grads`, `saved`), to what `edge` has received, its shape and dtype made
        to fit the input's first."""
        leaf = isinstance(edge, Tensor)
        data = edge._data if leaf else edge.out
        fitted = False
        if grad.shape != data.shape:
            grad, fitted = _fit_shape(grad, data.shape, source), True
        if grad.dtype != data.dtype:
            grad, fitted = grad.astype(data.dtype), True
        pending = self.pending
        if not leaf:  # gradients meeting at a node are summed into a new array
            pending[edge] = pending[edge] + grad if edge in pending else grad
        elif edge not in pending:
            pending[edge] = grad
            # A leaf keeps an array nothing else refers to as its .grad, without a copy.
            if not self.create_graph and (
                grad.base is None if fitted else _exclusive(grad, incoming, grads, saved)
            ):
                self.owned.add(edge)
        elif edge in self.owned:
            pending[edge] += grad
        else:
            pending[edge] = pending[edge] + grad
            if not self.create_graph:
                self.owned.add(edge)

    def run_nodes(self, order: list) -> None:
        """Run each node's rule on its output's gradient and deliver the results to its inputs.

        The loop runs once per node: what stays the same for the pass is read once, and
        anything rare is a call behind one test."""
        pop, deliver = self.pending.pop, self.deliver
        create_graph, retain_graph, extras = self.create_graph, self.retain_graph, self.extras
        for node in order:
            grad = pop(node, None)
            if grad is None:
                continue  # no gradient reached this node (its consumers' rules returned None)
            if extras or node._hooks is not None:
                grad = self.before_rule(node, grad)
            saved = node.saved
            if saved is None or node.guards is not None:
                _check_saved(node)
            grads = node.run_rule(grad, create_graph)
            if extras:
                self.after_rule(node, grad, grads)
            if not retain_graph:
                node.saved = None if saved else inplace.RAN
                node.guards = None  # the last node to let go of an array makes it writable
            for edge, input_grad in zip(node.inputs, grads):
                if edge is not None and input_grad is not None:
                    deliver(edge, input_grad, node, grad, grads, saved)

    def before_rule(self, node: Any, grad: Any) -> Any:
        """Hooks and retain_grad() of the node's output, and capture for `grad`."""
        if node._hooks:
            grad = _run_hooks(node._hooks, grad, self.create_graph)
        tensor = node.retained() if node.retained is not None else None
        if self.capture is not None:
            self.captured[node] = grad
        elif tensor is not None:
            # A copy: the pass may still add into this array in place.
            self.retained.append((tensor, grad if self.create_graph else np.array(grad)))
        return grad

    def after_rule(self, node: Any, grad: Any, grads: tuple) -> None:
        if anomaly.active:
            anomaly.check_backward(node, grads)
        for observer in backward_observers:
            observer(node, grad, grads)

    def leaf_gradients(self) -> list:
        """(leaf, gradient, exclusive) after the leaves' own hooks ran."""
        finished = []
        while self.pending:
            leaf, grad = self.pending.popitem()
            exclusive = leaf in self.owned
            if leaf._hooks:
                grad, exclusive = _run_hooks(leaf._hooks, grad, self.create_graph), False
            finished.append((leaf, grad, exclusive))
        return finished


def _check_saved(node: Any) -> None:
    """Raise if `node`'s saved values were freed by an earlier backward or changed since."""
    if node.saved is None:
        raise RuntimeError(FREED_MESSAGE.format(name=node.name))
    inplace.check(node)


def _exclusive(grad: Any, incoming: Any, grads: tuple, saved: Any) -> bool:
    """Whether `grad`, returned by a rule, is an array nothing else refers to: not the
    incoming gradient passed through, not returned twice, not a saved array, not a view.
    (A leaf keeps such an array as its .grad without a copy.)"""
    if grad is incoming or grad.__class__ is not np.ndarray or grad.base is not None:
        return False
    if len(grads) > 1 and sum(g is grad for g in grads) > 1:
        return False
    return not saved or not any(value is grad for value in saved)


def _fit_shape(grad: Any, shape: tuple, source: Any) -> Any:
    try:
        return sum_to(grad, shape)
    except ValueError:
        where = f"backward of '{source.name}'" if source is not None else "backward()"
        raise RuntimeError(
            f"{where} returned a gradient of shape {tuple(grad.shape)} for an input of shape {shape}"
        ) from None


def _run_hooks(hooks: dict, grad: Any, create_graph: bool) -> Any:
    for hook in list(hooks.values()):
        result = hook(grad if isinstance(grad, Tensor) else Tensor._make(grad, None))
        if result is None:
            continue
        if not create_graph:
            result = result._data if isinstance(result, Tensor) else np.asarray(result)
        if tuple(result.shape) != tuple(grad.shape):
            raise RuntimeError(
                f"hook returned a gradient of shape {tuple(result.shape)}, expected {tuple(grad.shape)}"
            )
        # A hook never changes a gradient's dtype (float32 stays float32).
        grad = result if result.dtype == grad.dtype else result.astype(grad.dtype)
    return grad


def run_backward(
    roots: Sequence[Tensor],
    root_grads: Sequence[Any],
    retain_graph: bool,
    create_graph: bool,
    capture: Sequence[Tensor] | None = None,
    allow_unused: bool = False,
) -> tuple | None:
    """Backpropagate `root_grads` from `roots` through the graph.

    Without `capture`, gradients accumulate into leaves' `.grad` (and retained non-leaves').
    With `capture` (a sequence of tensors), no `.grad` changes and the gradients reaching
    those tensors are returned, as `autograd.grad` does.
    """
    backward = _Pass(retain_graph, create_graph, capture)
    for tensor, grad in zip(roots, root_grads):
        edge = tensor if tensor.grad_fn is None else tensor.grad_fn
        backward.deliver(edge, grad, None, grad, (grad,), ())  # the caller's: never owned
    order = topological_order(t.grad_fn for t in roots if t.grad_fn is not None)
    previous = grad_mode._state.enabled
    grad_mode._state.enabled = create_graph
    try:
        backward.run_nodes(order)
        leaves = backward.leaf_gradients()
        if capture is not None:
            return _captured(
                capture, backward.captured, dict((leaf, g) for leaf, g, _ in leaves), allow_unused
            )
        # Every rule and hook has run: only now does any .grad change.
        for tensor, grad in backward.retained:
            _accumulate(tensor, grad, create_graph, exclusive=True)
        for leaf, grad, exclusive in leaves:
            _accumulate(leaf, grad, create_graph, exclusive)
        return None
    finally:
        grad_mode._state.enabled = previous


def _accumulate(tensor: Tensor, grad: Any, create_graph: bool, exclusive: bool) -> None:
    """Add `grad` into `tensor.grad`; a leaf's .grad never shares memory with anything else."""
    existing = tensor._grad
    if create_graph:
        # A gradient with a graph: a new tensor of its own (a clone for the first one).
        tensor._grad = grad.clone() if existing is None else existing + grad
        return
    if existing is None:
        tensor._grad = Tensor._make(grad if exclusive and grad.flags.writeable else np.array(grad), None)
    elif existing.grad_fn is None and existing._data.flags.writeable:
        existing._data += grad
    else:
        tensor._grad = Tensor._make(existing._data + grad, None)


def _captured(capture: Sequence[Tensor], at_nodes: dict, at_leaves: dict, allow_unused: bool) -> tuple:
    results = []
    for index, tensor in enumerate(capture):
        grad = at_nodes.get(tensor.grad_fn) if tensor.grad_fn is not None else at_leaves.get(tensor)
        if grad is None and not allow_unused:
            raise RuntimeError(
                f"One of the differentiated tensors (input {index}, shape {tuple(tensor.shape)}) does "
                "not appear in the graph of the outputs; pass allow_unused=True to get None for it"
            )
        if grad is not None and not isinstance(grad, Tensor):
            grad = Tensor._make(np.array(grad), None)  # a copy: the array may be shared
        results.append(grad)
    return tuple(results)


def root_gradient(tensor: Tensor, gradient: Any, create_graph: bool) -> Any:
    """The gradient a backward starts from at `tensor`: ones for a one-element output."""
    data = tensor._data
    if gradient is None:
        if data.size != 1:
            raise RuntimeError(
                f"grad can be implicitly created only for scalar outputs: backward() on a tensor "
                f"of shape {data.shape} needs a gradient argument of that shape"
            )
        grad = np.ones(data.shape, data.dtype)
        return Tensor._make(grad, None) if create_graph else grad
    grad = (
        gradient
        if isinstance(gradient, Tensor)
        else Tensor._make(np.asarray(gradient, dtype=data.dtype), None)
    )
    if grad.shape != data.shape:
        raise RuntimeError(
            f"gradient has shape {grad.shape}, but the output has shape {data.shape}; they must match"
        )
    if create_graph:
        return grad
    return grad._data if grad.dtype == data.dtype else grad._data.astype(data.dtype)


def backward(
    self: Tensor, gradient: Any = None, retain_graph: bool | None = None, create_graph: bool = False
) -> None:
    """Accumulate d(self)/d(leaf) into every leaf's `.grad` (and retained non-leaves').

    Gradients add to what `.grad` already holds (call `zero_grad()` or set `.grad = None`
    between steps), as in PyTorch.

    Args:
        gradient: d(loss)/d(self), a Tensor or array of `self`'s shape; may be omitted
            only when `self` has one element (then it is 1), else `RuntimeError`.
        retain_graph: keep the values the graph saved, so another backward can run through
            it; otherwise they are freed and a second backward raises `RuntimeError`.
            None (the default) means the value of `create_graph`.
        create_graph: record the backward pass itself, so the `.grad` it produces requires
            grad and can be differentiated again (higher-order derivatives).

    Raises `RuntimeError` if `self` does not require grad.

    >>> import autograd_lite as al
    >>> x = al.tensor(3.0, requires_grad=True)
    >>> (x ** 2).backward(); x.grad
    tensor(6.)
    """
    if not self._requires_grad:
        raise RuntimeError(
            "element 0 of tensors does not require grad and does not have a grad_fn: "
            "backward() needs a tensor computed from tensors with requires_grad=True"
        )
    root_grad = root_gradient(self, gradient, create_graph)
    run_backward((self,), (root_grad,), create_graph if retain_graph is None else retain_graph, create_graph)


Tensor.backward = backward
