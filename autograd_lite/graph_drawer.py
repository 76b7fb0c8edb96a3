"""Turning a computation graph into the DOT text of a drawing: `CollectedGraph` gathers
what is reachable from the output tensors, `Drawer` writes one node per tensor and per
operation (or per collapsed module call) with their edges. Used by `draw_graph`
(graph.py) and the interactive view (graph_page.py); styles are in graph_style.py."""

from __future__ import annotations

import math
from typing import Any, NamedTuple, Sequence

from .engine import topological_order
from .function import data_tensors, input_tensors
from .graph_collapse import count
from .graph_style import (
    _dtype_name,
    _html_label,
    _legend,
    _node_line,
    _node_style,
    _quote,
    format_norm,
    format_shape,
    format_values,
    grad_band,
    grad_colour,
    l2_norm,
)
from .tensor import Tensor

_RANKDIRS = ("TB", "LR", "BT", "RL")

# Above this many operations, dot is asked for a faster, rougher layout.
LARGE_GRAPH_OPERATIONS = 600

ACCUMULATED_NOTE = (
    "note: leaves' .grad sum several backward passes (no zero_grad between them); "
    "other tensors show the last pass"
)


class DrawOptions(NamedTuple):
    """What a drawing shows (the arguments of `draw_graph` of the same names)."""

    show_data: bool = False
    show_grad: bool = True
    grad_norms: Any = None
    max_values: int = 6
    repeat_after: int | None = 6
    show_inputs: bool = True


def display_name(tensor: Tensor) -> str | None:
    """The user's name for `tensor`: its `name`, else a module parameter's dotted name."""
    return tensor.name or getattr(tensor, "param_name", None)


def is_parameter(tensor: Tensor) -> bool:
    """A leaf that a module registered (it carries a `param_name`, or is an nn.Parameter)."""
    return tensor.grad_fn is None and (
        getattr(tensor, "param_name", None) is not None or type(tensor).__name__ == "Parameter"
    )


# -- collecting the graph --------------------------------------------------------------


class CollectedGraph:
    """Everything reachable from some root tensors, in `engine.topological_order`.

    `nodes` are the operation nodes inputs first (the reverse of the order backward
    runs them); `outputs[node]` is the tensor the node produced (the first one found,
    preferring a named or gradient-retaining one); `leaves` the leaf tensors in the
    order they are found; `uses[node]` how many inputs of other nodes it feeds and
    `leaf_uses[id(leaf)]` the same for leaves.
    """

    __slots__ = ("roots", "nodes", "outputs", "leaves", "uses", "leaf_uses")

    def __init__(self, roots: Sequence[Tensor]) -> None:
        self.roots = tuple(roots)
        self.outputs: dict = {}
        self.uses: dict = {}
        self.leaf_uses: dict = {}
        leaves: dict = {}
        for tensor in self.roots:
            if tensor.grad_fn is None:
                leaves.setdefault(id(tensor), tensor)
            else:
                self.outputs.setdefault(tensor.grad_fn, tensor)
        # dict.fromkeys: one root node per graph node, however many roots share it.
        order = topological_order(dict.fromkeys(self.outputs))
        for node in order:
            for tensor in input_tensors(node):
                if tensor is not None:
                    self._count_use(tensor, leaves)
        for node in order:
            retained = _retained_output(node)
            if retained is not None:
                self.outputs[node] = retained
        order.reverse()
        self.nodes = order
        self.leaves = list(leaves.values())

    def _count_use(self, tensor: Tensor, leaves: dict) -> None:
        fn = tensor.grad_fn
        if fn is None:
            key = id(tensor)
            leaves.setdefault(key, tensor)
            self.leaf_uses[key] = self.leaf_uses.get(key, 0) + 1
            return
        self.uses[fn] = self.uses.get(fn, 0) + 1
        known = self.outputs.setdefault(fn, tensor)
        if known is not tensor and known.name is None and tensor.name is not None:
            self.outputs[fn] = tensor

    def __len__(self) -> int:
        return len(self.nodes)


def _retained_output(node: Any) -> Tensor | None:
    """The tensor that called `retain_grad()` on `node`'s output, if it still exists."""
    retained = getattr(node, "retained", None)
    return retained() if retained is not None else None


def _as_roots(tensor: Any) -> tuple:
    if isinstance(tensor, Tensor):
        return (tensor,)
    if not isinstance(tensor, (list, tuple)):
        raise TypeError(f"draw_graph expects a Tensor or a list of Tensors, got {type(tensor).__name__}")
    roots = tuple(tensor)
    if not roots:
        raise ValueError("draw_graph needs at least one tensor")
    for index, root in enumerate(roots):
        if not isinstance(root, Tensor):
            raise TypeError(f"draw_graph expects Tensors, got {type(root).__name__} at position {index}")
    return roots


def _check_options(rankdir: str, max_values: int, repeat_after: int | None) -> None:
    if rankdir not in _RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(_RANKDIRS)}, got {rankdir!r}")
    if max_values < 0:
        raise ValueError(f"max_values must be >= 0, got {max_values}")
    if repeat_after is not None and repeat_after < 1:
        raise ValueError(f"repeat_after must be >= 1 or None, got {repeat_after}")


def _has_shared_tensors(graph: CollectedGraph) -> bool:
    """Whether some tensor feeds more than one operation input."""
    return any(count > 1 for count in graph.uses.values()) or any(
        count > 1 for count in graph.leaf_uses.values()
    )


def _heights(nodes: list) -> dict:
    """Node -> the length of the longest path from it to an output (`nodes` inputs first)."""
    heights: dict = {}
    for node in reversed(nodes):
        height = heights.setdefault(node, 0) + 1
        for tensor in input_tensors(node):
            if tensor is None or tensor.grad_fn is None:
                continue
            if heights.get(tensor.grad_fn, -1) < height:
                heights[tensor.grad_fn] = height
    return heights


def _group_starts(levels: list, span: int) -> list | None:
    """The first height of each group of `levels` (descending), a new group starting
    more than `span` below the previous start; None when one group holds them all."""
    if len(levels) < 2 or max(levels) - min(levels) <= span:
        return None
    starts: list = []
    for level in sorted(set(levels), reverse=True):
        if not starts or starts[-1] - level > span:
            starts.append(level)
    return starts


class Drawer:
    """Turns a CollectedGraph into DOT body lines.

    DOT ids do not depend on what is collapsed: `t<k>` is the output of the k-th
    operation of `graph.nodes`, `op<k>` that operation, `l<k>` the k-th leaf, `d<k>`
    the k-th data tensor (`data_ids`), `module<k>` a collapsed call (ids set by the
    caller) and `<id>_<g>` a tensor drawn again. `drawn` maps each id to its Tensor,
    operation node or collapsed call; `roles` and `bands` are what the legend lists.
    """

    def __init__(self, graph: CollectedGraph, options: DrawOptions) -> None:
        self.graph = graph
        self.options = options
        self.use_groups: dict = {}  # tensor key -> (group start heights, descending)
        self.heights: dict = {}
        self.root_keys = {id(t) if t.grad_fn is None else t.grad_fn for t in graph.roots}
        self.lines: list = []
        self.tensor_ids: dict = {}  # id(leaf) or node -> DOT id
        self.node_index = {node: index for index, node in enumerate(graph.nodes)}
        self.leaf_index = {id(leaf): index for index, leaf in enumerate(graph.leaves)}
        self.data_ids = data_ids(graph) if options.show_inputs else {}
        self.op_ids: dict = {}
        self.owner: dict = {}  # node inside a collapsed module call -> its _Collapsed
        self.edges: set = set()
        self.copies: set = set()
        self.drawn: dict = {}
        self.roles: set = set()
        self.bands: set = set()
        self.accumulated = False

    def draw(self, collapsed: list, legend: bool) -> list:
        self._assign_ids(collapsed)
        if self.options.repeat_after is not None:
            self._group_uses()
        for call in collapsed:
            self._module_node(call)
        for node in self.graph.nodes:
            if node not in self.owner:
                self._operation(node)
        for call in collapsed:
            for tensor in call.inputs:
                self._edge(self._tensor(tensor), call.node_id)
            for node in call.nodes:
                self._data_edges(node, call.node_id)
            self._tensor(call.output)
        for root in self.graph.roots:
            self._tensor(root)
        if legend:
            notes = [ACCUMULATED_NOTE] if self.accumulated else []
            # The legend is the graph's own label: drawn beside the layout, not inside it.
            self.lines.append(f"\tlabel={_legend(self.roles, self.bands, notes)}\n")
            self.lines.append('\tlabelloc="b" labeljust="r" fontsize="10"\n')
        return self.lines

    def _assign_ids(self, collapsed: list) -> None:
        """DOT ids for module calls and the operations they do not hide."""
        for index, call in enumerate(collapsed):
            call.node_id = call.node_id or f"module{index}"
            for node in call.nodes:
                self.owner[node] = call
        for node, index in self.node_index.items():
            if node not in self.owner:
                self.op_ids[node] = f"op{index}"

    def _operation(self, node: Any) -> None:
        """An operation's node, its output tensor and one edge per input use."""
        op_id = self.op_ids[node]
        tooltip = f"{node.name} ({type(node).__name__})"
        self.roles.add("operation")
        self.drawn[op_id] = node
        self.lines.append(_node_line(op_id, _node_style("operation"), tooltip, _quote(node.name)))
        self._tensor(self.graph.outputs[node])  # emits the producer edge
        for tensor in input_tensors(node):
            if tensor is not None:
                # One edge per use: `x * x` shows two arrows, as its gradient has two terms.
                self.lines.append(f"\t{self._tensor_for_use(tensor, node)} -> {op_id}\n")
        self._data_edges(node, op_id)

    def _data_edges(self, node: Any, head: str) -> None:
        """Edges from the data tensors `node` was given (drawn once each) to `head`."""
        if not self.data_ids:
            return
        for tensor in data_tensors(node):
            if tensor is None:
                continue
            dot_id = self.data_ids[id(tensor)]
            if dot_id not in self.drawn:
                self.lines.append(self._tensor_line(dot_id, tensor, role="data"))
            self._edge(dot_id, head)

    def _group_uses(self) -> None:
        """Split each tensor's uses into groups of nearby operations.

        An operation's height is the longest path from it to an output, which is
        where dot's ranking tends to put it; uses whose heights lie more than
        `repeat_after` below the group's first use start a new group, drawn with
        its own copy of the tensor.
        """
        if not _has_shared_tensors(self.graph):
            return  # nothing is used twice, so there are no long edges to avoid
        self.heights = _heights(self.graph.nodes)
        for key, levels in self._use_levels().items():
            starts = _group_starts(levels, self.options.repeat_after)
            if starts is not None:
                self.use_groups[key] = starts

    def _use_levels(self) -> dict:
        """Tensor key -> the heights of the drawn operations that use the tensor."""
        levels: dict = {}
        for node in self.graph.nodes:
            if node in self.owner:
                continue
            height = self.heights[node]
            for tensor in input_tensors(node):
                if tensor is not None:
                    key = id(tensor) if tensor.grad_fn is None else tensor.grad_fn
                    levels.setdefault(key, []).append(height)
        return levels

    def _tensor_for_use(self, tensor: Tensor, consumer: Any) -> str:
        """The DOT id to draw an edge from for this use of `tensor` (a copy for far uses)."""
        primary = self._tensor(tensor)
        fn = tensor.grad_fn
        starts = self.use_groups.get(id(tensor) if fn is None else fn)
        if starts is None:
            return primary
        height = self.heights[consumer]
        group = 0
        while group + 1 < len(starts) and starts[group + 1] >= height:
            group += 1
        if group == 0:
            return primary
        copy_id = f"{primary}_{group}"
        if copy_id not in self.copies:
            self.copies.add(copy_id)
            if fn is not None:
                tensor = self.graph.outputs.get(fn, tensor)
            self.lines.append(self._tensor_line(copy_id, tensor, copy=len(starts)))
        return copy_id

    def _edge(self, tail: str, head: str) -> None:
        if (tail, head) not in self.edges:
            self.edges.add((tail, head))
            self.lines.append(f"\t{tail} -> {head}\n")

    def _tensor(self, tensor: Tensor) -> str:
        """The DOT id of `tensor`'s node, emitting the node and its producer edge once."""
        fn = tensor.grad_fn
        key = id(tensor) if fn is None else fn
        dot_id = self.tensor_ids.get(key)
        if dot_id is not None:
            return dot_id
        if fn is None:
            dot_id = f"l{self.leaf_index[key]}" if key in self.leaf_index else f"l{len(self.leaf_index)}"
        else:
            dot_id = f"t{self.node_index[fn]}"
            # Draw the tensor the graph knows for this node (named / retaining), not a stand-in.
            tensor = self.graph.outputs.get(fn, tensor)
        self.tensor_ids[key] = dot_id
        starts = self.use_groups.get(key)
        self.lines.append(self._tensor_line(dot_id, tensor, copy=len(starts) if starts else 0))
        if fn is not None:
            call = self.owner.get(fn)
            producer = call.node_id if call is not None else self.op_ids[fn]
            self.lines.append(f"\t{producer} -> {dot_id}\n")
        return dot_id

    def role(self, tensor: Tensor) -> str:
        """output, parameter, input (a leaf that requires grad) or intermediate."""
        if (id(tensor) if tensor.grad_fn is None else tensor.grad_fn) in self.root_keys:
            return "output"
        if tensor.grad_fn is None:
            return "parameter" if is_parameter(tensor) else "input"
        return "intermediate"

    def gradient(self, tensor: Tensor) -> tuple[float | None, Any]:
        """The L2 norm of `tensor`'s gradient and the gradient's array, when known: from
        `.grad`, else from the recorded norms (norm only)."""
        grad = tensor.grad
        recorded = self.options.grad_norms
        if grad is not None:
            norm = l2_norm(grad.data)
            if recorded is not None and tensor.grad_fn is None and not self.accumulated:
                last = recorded.norm_of(tensor)
                # A leaf's .grad larger than the last pass's gradient was summed over passes.
                self.accumulated = last is not None and not math.isclose(
                    norm, last, rel_tol=1e-4, abs_tol=1e-12
                )
            return norm, grad.data
        if recorded is not None:
            return recorded.norm_of(tensor), None
        return None, None

    def _colour(self, norm: float | None) -> tuple:
        """(fill, font) for a gradient norm (None: the role's own white)."""
        if norm is None:
            return None, None
        self.bands.add(grad_band(norm))
        return grad_colour(norm)

    def _tensor_line(self, dot_id: str, tensor: Tensor, copy: int = 0, role: str | None = None) -> str:
        """The DOT line of a tensor's node; `copy` > 0 when it is one of `copy` drawings."""
        role = role or self.role(tensor)
        self.roles.add(role)
        self.drawn[dot_id] = tensor
        options = self.options
        name = display_name(tensor)
        header = name if name is not None else (role if role != "intermediate" else None)
        dtype = _dtype_name(tensor.dtype)
        shape = format_shape(tensor.shape)
        rows = [f"{shape} {dtype}"]
        tip = f"{name + ': ' if name else ''}{role} tensor, shape {shape}, {dtype}"
        norm = grad = None
        if options.show_data:
            rows.append("data " + format_values(tensor.data, options.max_values))
        if options.show_grad and role != "data":
            norm, grad = self.gradient(tensor)
            if norm is not None:
                rows.append(f"|grad| = {format_norm(norm)}")
                tip += f"\ngradient L2 norm {norm!r}"
                if options.show_data and grad is not None:
                    rows.append("grad " + format_values(grad, options.max_values))
        fill, font = self._colour(norm)
        if copy:
            rows.append(f"(drawn {copy} times: used far apart)")
            tip += "\nthe same tensor is drawn again beside later uses, instead of long edges"
        return _node_line(dot_id, _node_style(role, fill, font, bool(copy)), tip, _html_label(rows, header))

    def module_norm(self, call: Any) -> float | None:
        """The gradient norm of a collapsed call: of its parameters' gradients together,
        or, for a module without parameters (ReLU), of its output's gradient."""
        grads = [p.grad.data for p in call.leaves.values() if p.grad is not None]
        if grads:
            return math.sqrt(sum(l2_norm(g) ** 2 for g in grads))
        return self.gradient(call.output)[0]

    def _module_node(self, call: Any) -> None:
        params = list(call.leaves.values())
        rows = [f"{count(len(call.nodes), 'operation')}, {count(len(params), 'parameter')}"]
        norm = self.module_norm(call) if self.options.show_grad else None
        if norm is not None:
            whose = "parameters' |grad|" if params else "output |grad|"
            rows.append(f"{whose} = {format_norm(norm)}")
        fill, font = self._colour(norm)
        self.roles.add("module")
        self.drawn[call.node_id] = call
        tip = f"{call.title}: " + (
            ", ".join(display_name(p) or "parameter" for p in params) or "no parameters"
        )
        self.lines.append(
            _node_line(call.node_id, _node_style("module", fill, font), tip, _html_label(rows, call.title))
        )


def data_ids(graph: CollectedGraph) -> dict:
    """id(tensor) -> `d<k>` for the data tensors the graph's operations were given, in
    graph order (the same ids whatever a drawing collapses)."""
    ids: dict = {}
    for node in graph.nodes:
        for tensor in data_tensors(node):
            if tensor is not None and id(tensor) not in ids:
                ids[id(tensor)] = f"d{len(ids)}"
    return ids


def digraph_attributes(graph: CollectedGraph, rankdir: str) -> dict:
    """The graph-wide DOT attributes of a drawing of `graph`."""
    graph_attr = {
        "rankdir": rankdir,
        "newrank": "true",
        "fontname": "Helvetica",
        "nodesep": "0.25",
        "ranksep": "0.35",
    }
    if len(graph.nodes) > LARGE_GRAPH_OPERATIONS:
        # dot's placement (network simplex) runs up to a number of iterations
        # proportional to the graph's size, each costing time proportional to it;
        # capping them keeps large graphs at seconds, for a slightly rougher layout.
        graph_attr["nslimit"] = "0.05"
    return {
        "name": "computation_graph",
        "graph_attr": graph_attr,
        "node_attr": {"fontname": "Helvetica", "fontsize": "11"},
        "edge_attr": {"arrowsize": "0.7", "color": "#555555"},
    }
