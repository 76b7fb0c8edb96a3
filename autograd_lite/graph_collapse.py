"""Collapsing module calls: finding, for the modules a drawing should show as one node
each, the recorded calls that produced tensors of the graph, the operations and leaves
inside each call, and a name for the node."""

from __future__ import annotations

from typing import Any

from .function import input_tensors
from .tensor import Tensor


class _Collapsed:
    """A module call drawn as one node: its internal nodes and hidden leaves."""

    __slots__ = ("module", "output", "inputs", "nodes", "leaves", "node_id", "title")

    def __init__(self, module: Any, output: Tensor, inputs: list, nodes: set, leaves: dict) -> None:
        self.module = module
        self.output = output
        self.inputs = inputs
        self.nodes = nodes
        self.leaves = leaves
        self.node_id = ""
        self.title = type(module).__name__


def module_targets(collapse: Any, module_calls: Any) -> dict:
    """id -> module for the modules to collapse, checked before anything is drawn."""
    if collapse is None:
        return {}
    modules = collapse if isinstance(collapse, (list, tuple, set, frozenset)) else (collapse,)
    for module in modules:
        if not callable(module) or isinstance(module, Tensor):
            raise TypeError(f"collapse expects a module or a list of modules, got {type(module).__name__}")
    if module_calls is None:
        raise ValueError(
            "collapse= needs the module calls of the forward pass: run it inside "
            "`with nn.record_module_calls() as calls:` and pass module_calls=calls"
        )
    return {id(module): module for module in modules}


def _internals(output_node: Any, inputs: tuple) -> tuple[set, dict, list]:
    """The nodes between a call's inputs and its output's node, the leaves they read,
    and the inputs actually crossed (the walk stops at the call's input tensors)."""
    stop = {_key(t): t for t in inputs}
    nodes = {output_node}
    leaves: dict = {}
    crossed: dict = {}
    stack = [output_node]
    while stack:
        node = stack.pop()
        for tensor in input_tensors(node):
            if tensor is None:
                continue
            key = _key(tensor)
            if key in stop:
                crossed[key] = stop[key]
            elif tensor.grad_fn is None:
                leaves[id(tensor)] = tensor
            elif tensor.grad_fn not in nodes:
                nodes.add(tensor.grad_fn)
                stack.append(tensor.grad_fn)
    return nodes, leaves, list(crossed.values())


def _key(tensor: Tensor) -> Any:
    """What identifies a tensor in the graph: a leaf itself, any other by its node."""
    return id(tensor) if tensor.grad_fn is None else tensor.grad_fn


def _calls_by_node(module_calls: Any, targets: dict) -> dict:
    """node -> [(module, inputs)] of the recorded calls of the target modules that
    returned that node's output, in the order the calls returned (innermost first).

    `module_calls` is any iterable of (module, input tensors, output tensor), such as
    what `nn.record_module_calls()` recorded."""
    found: dict = {}
    for module, inputs, output in module_calls:
        node = output.grad_fn
        if node is not None and id(module) in targets:
            found.setdefault(node, []).append((module, inputs))
    return found


def find_collapsed(graph: Any, targets: dict, module_calls: Any) -> list:
    """The calls of the target modules to draw as one node each, outer calls first, each
    titled by its name in the model (`module_names`); `graph` is a CollectedGraph."""
    module_calls = list(module_calls)
    calls = _calls_by_node(module_calls, targets)
    candidates = []
    for node in graph.nodes:
        for module, inputs in calls.get(node, ()):
            # A module returning one of its inputs (Identity) has no internals to hide.
            if not any(t.grad_fn is node for t in inputs):
                nodes, leaves, crossed = _internals(node, inputs)
                candidates.append(_Collapsed(module, graph.outputs[node], crossed, nodes, leaves))
    # Outer calls first: a module nested in an already collapsed one disappears inside it.
    candidates.sort(key=lambda c: len(c.nodes), reverse=True)
    accepted: list = []
    claimed: set = set()
    for candidate in candidates:
        if candidate.nodes & claimed:
            continue
        claimed |= candidate.nodes
        accepted.append(candidate)
    names = module_names(module_calls)
    for candidate in accepted:
        candidate.title = _module_label_name(candidate, names)
    return accepted


def count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def module_names(module_calls: Any) -> dict:
    """id(module) -> its dotted name (`0`, `encoder.1`) in the largest recorded module
    containing it, for every module reachable through `named_modules()`."""
    modules = {id(call[0]): call[0] for call in module_calls}
    containers = []
    for module in modules.values():
        named = getattr(module, "named_modules", None)
        if callable(named):
            containers.append(list(named()))
    names: dict = {}
    # The largest container first: its names are the full paths from the model's root.
    for entries in sorted(containers, key=len, reverse=True):
        for name, sub in entries:
            if name:
                names.setdefault(id(sub), name)
    return names


def _module_label_name(collapsed: _Collapsed, names: dict) -> str:
    """`0: Linear`, `1: ReLU`: the module's name in the recorded model and its class (the
    class name alone for the model itself)."""
    class_name = type(collapsed.module).__name__
    name = names.get(id(collapsed.module))
    if name:
        return f"{name}: {class_name}"
    named = getattr(collapsed.module, "named_parameters", None)
    if callable(named):
        # A parameter stamped "encoder.0.weight" that this module calls "0.weight" tells
        # that the module is "encoder" in the model (when that model's call was not recorded).
        for relative, param in named():
            stamped = getattr(param, "param_name", None)
            if stamped and stamped != relative and stamped.endswith("." + relative):
                return f"{stamped[: -len(relative) - 1]}: {class_name}"
    return class_name
