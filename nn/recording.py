"""Recording which module call returned which tensor, only while asked to: the record
that `al.draw_graph(..., collapse=model, module_calls=record)` reads to draw each call
of a module as one node. Records hold weak references and never keep a graph alive."""

from __future__ import annotations

import threading
import weakref
from typing import Any, Iterator, NamedTuple

from autograd_lite import Tensor
from autograd_lite.function import output_of

from .hooks import RemovableHandle, register_module_forward_hook


class ModuleCall(NamedTuple):
    """One recorded call: the module, the tensor arguments that required grad, and one
    tensor it returned (a call returning several tensors gives one ModuleCall each)."""

    module: Any
    inputs: tuple
    output: Tensor


def _graph_outputs(output: Any) -> list:
    """The tensors of `output` that a graph produced, each graph node once."""
    candidates = output if isinstance(output, (tuple, list)) else (output,)
    found: list = []
    for tensor in candidates:
        if isinstance(tensor, Tensor) and tensor.grad_fn is not None:
            if not any(tensor.grad_fn is other.grad_fn for other in found):
                found.append(tensor)
    return found


def _graph_ref(tensor: Tensor) -> tuple:
    """Weak references to `tensor` and to the node that produced it (None for a leaf): the
    node lives as long as the graph, whatever becomes of the Tensor object."""
    return weakref.ref(tensor), None if tensor.grad_fn is None else weakref.ref(tensor.grad_fn)


def _tensor_of(refs: tuple) -> Tensor | None:
    """The tensor itself while it lives, else a Tensor standing for its node's output."""
    tensor_ref, node_ref = refs
    tensor = tensor_ref()
    if tensor is not None or node_ref is None:
        return tensor
    node = node_ref()
    return None if node is None else output_of(node)


class ModuleCallRecord:
    """The module calls made inside `with nn.record_module_calls() as record:`, in the
    order they returned (inner calls before the calls containing them).

    Iterating gives a `ModuleCall` per returned tensor whose module and output still
    exist; inputs that no longer exist are left out. Only calls that built a graph are
    kept (under `no_grad`, or on inputs that need no gradient, nothing is recorded).
    Only the thread that opened the block is recorded.
    """

    def __init__(self) -> None:
        # (weak module, weak output, weak inputs): weak, so a record never keeps a
        # module or a graph alive and never closes a reference cycle.
        self._entries: list = []
        self._prune_at = 64
        self._handle: RemovableHandle | None = None
        self._thread: int | None = None

    def __enter__(self) -> ModuleCallRecord:
        if self._handle is not None:
            raise RuntimeError("this ModuleCallRecord is already recording")
        self._thread = threading.get_ident()
        self._handle = register_module_forward_hook(self._observe)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self._handle.remove()
        self._handle = None
        self._thread = None

    def _observe(self, module: Any, args: tuple, output: Any) -> None:
        if threading.get_ident() != self._thread:
            return  # another thread's forward
        outputs = _graph_outputs(output)
        if not outputs:
            return
        inputs = tuple(_graph_ref(a) for a in args if isinstance(a, Tensor) and a.requires_grad)
        module_ref = weakref.ref(module)
        for tensor in outputs:
            self._entries.append((module_ref, _graph_ref(tensor), inputs))
        if len(self._entries) >= self._prune_at:
            self._prune()

    def _prune(self) -> None:
        # Calls whose output is gone can never be drawn: drop them, so that recording a
        # long loop keeps only what is still alive.
        self._entries = [entry for entry in self._entries if _tensor_of(entry[1]) is not None]
        self._prune_at = max(64, 2 * len(self._entries))

    def __iter__(self) -> Iterator[ModuleCall]:
        for module_ref, output_ref, input_refs in list(self._entries):
            module, output = module_ref(), _tensor_of(output_ref)
            if module is None or output is None:
                continue
            inputs = tuple(t for t in (_tensor_of(refs) for refs in input_refs) if t is not None)
            yield ModuleCall(module, inputs, output)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def clear(self) -> None:
        """Forget every recorded call."""
        self._entries.clear()

    def __repr__(self) -> str:
        return f"ModuleCallRecord({len(self)} calls)"


def record_module_calls() -> ModuleCallRecord:
    """Record which module call returned which tensor, for `al.draw_graph(...,
    collapse=..., module_calls=record)`; nothing is recorded outside the block.

    Run the forward pass inside the block; the graph may be drawn later, for as long
    as it exists.

    >>> import autograd_lite as al, nn
    >>> model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 1))
    >>> with nn.record_module_calls() as calls:
    ...     loss = model(al.randn(2, 4)).sum()
    >>> [type(call.module).__name__ for call in calls]
    ['Linear', 'ReLU', 'Linear', 'Sequential']
    >>> dot = al.draw_graph(loss, collapse=model, module_calls=calls)
    """
    return ModuleCallRecord()
