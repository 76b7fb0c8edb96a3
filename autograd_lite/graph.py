"""Graphviz drawings of computation graphs: `draw_graph` draws one node per tensor and
one per operation, colours tensors by the size of their gradient, and can collapse a
module's internals into one node. Only the public graph interface is read here."""

from __future__ import annotations

import functools
import html
import math
from typing import Any, Sequence

import numpy as np

from .engine import topological_order
from .function import input_tensors
from .tensor import Tensor

_RANKDIRS = ("TB", "LR", "BT", "RL")

# Above this many operations, dot is asked for a faster, rougher layout.
LARGE_GRAPH_OPERATIONS = 600

# -- gradient colour scale -------------------------------------------------------------

# (upper bound of log10(norm), fill, font colour, legend text): a diverging palette,
# blue for vanishing gradients, green for healthy ones, red for exploding ones.
GRAD_SCALE = (
    (-7.0, "#2166ac", "white", "< 1e-7   vanishing"),
    (-5.0, "#67a9cf", "black", "1e-7 to 1e-5"),
    (-3.0, "#d1e5f0", "black", "1e-5 to 1e-3"),
    (1.0, "#d9f0d3", "black", "1e-3 to 1e1   healthy"),
    (2.0, "#fddbc7", "black", "1e1 to 1e2"),
    (3.0, "#ef8a62", "black", "1e2 to 1e3"),
    (math.inf, "#b2182b", "white", "> 1e3   exploding"),
)
ZERO_GRAD = ("#bdbdbd", "black", "exactly 0")
NONFINITE_GRAD = ("#762a83", "white", "nan or inf")


def grad_colour(norm: float) -> tuple[str, str]:
    """(fill, font colour) for a gradient of L2 norm `norm`, on a log10 scale.

    >>> grad_colour(1e-9), grad_colour(0.5), grad_colour(1e6)
    (('#2166ac', 'white'), ('#d9f0d3', 'black'), ('#b2182b', 'white'))
    """
    if not math.isfinite(norm):
        return NONFINITE_GRAD[:2]
    if norm == 0.0:
        return ZERO_GRAD[:2]
    exponent = math.log10(norm)
    for upper, fill, font, _ in GRAD_SCALE:
        if exponent < upper:
            return fill, font
    return GRAD_SCALE[-1][1:3]  # pragma: no cover - the last bound is inf


def l2_norm(array: Any) -> float:
    """The L2 norm of all elements, computed in float64 so float32 squares cannot overflow.

    >>> l2_norm(np.array([3.0, 4.0]))
    5.0
    """
    flat = np.asarray(array, dtype=np.float64).ravel()
    return float(math.sqrt(flat @ flat)) if flat.size else 0.0


def format_norm(norm: float) -> str:
    """A norm with three significant digits (`0.0123`, `4.56e-09`).

    >>> format_norm(0.012345), format_norm(4.5e-9)
    ('0.0123', '4.5e-09')
    """
    return f"{norm:.3g}"


def format_values(array: Any, max_values: int = 6) -> str:
    """The values of `array`, in full when it has at most `max_values` elements, else
    the first `max_values` (flattened) followed by `...` and the count.

    >>> format_values(np.array([0.5, 1.0, 2.0]))
    '[0.5, 1, 2]'
    >>> format_values(np.arange(10.0), max_values=3)
    '[0, 1, 2, ...] (10 values)'
    """
    array = np.asarray(array)
    options = {"separator": ", ", "max_line_width": 1_000_000, "threshold": 1_000_000}
    if array.dtype.kind in "fc":
        # `+ 0.0` turns -0.0 into 0.0: a gradient blocked by relu reads 0, not -0.
        options["formatter"] = {
            "float_kind": lambda v: f"{v + 0.0:.4g}",
            "complex_kind": lambda v: f"{v:.4g}",
        }
    if array.size <= max_values:
        return np.array2string(array, **options).replace("\n", "")
    head = np.array2string(array.ravel()[:max_values], **options)
    return f"{head[:-1]}, ...] ({array.size} values)"


_DTYPE_NAMES: dict = {}


def _dtype_name(dtype: np.dtype) -> str:
    name = _DTYPE_NAMES.get(dtype)
    if name is None:
        name = _DTYPE_NAMES[dtype] = str(dtype)
    return name


def format_shape(shape: tuple) -> str:
    """`(3, 4)`, or `scalar` for a 0-d shape."""
    return str(tuple(shape)) if shape else "scalar"


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


# -- collapsing module calls -----------------------------------------------------------


class _Collapsed:
    """A module call drawn as one node: its internal nodes and hidden leaves."""

    __slots__ = ("module", "output", "inputs", "nodes", "leaves", "node_id")

    def __init__(self, module: Any, output: Tensor, inputs: list, nodes: set, leaves: dict) -> None:
        self.module = module
        self.output = output
        self.inputs = inputs
        self.nodes = nodes
        self.leaves = leaves
        self.node_id = ""


def _module_targets(collapse: Any, module_calls: Any) -> dict:
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


def _find_collapsed(graph: CollectedGraph, targets: dict, module_calls: Any) -> list:
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
    return accepted


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _module_label_name(collapsed: _Collapsed) -> str:
    """`0: Linear` when the module's parameters carry dotted names, else the class name."""
    class_name = type(collapsed.module).__name__
    named = getattr(collapsed.module, "named_parameters", None)
    if callable(named):
        # A parameter stamped "encoder.0.weight" that this module calls "0.weight" tells
        # that the module is "encoder" in the model.
        for relative, param in named():
            stamped = getattr(param, "param_name", None)
            if stamped and stamped != relative and stamped.endswith("." + relative):
                return f"{stamped[: -len(relative) - 1]}: {class_name}"
    return class_name


# -- DOT text --------------------------------------------------------------------------


def _quote(text: str) -> str:
    if "\\" in text or '"' in text or "\n" in text:
        text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def _escape(text: str) -> str:
    return html.escape(text, quote=False) if ("<" in text or ">" in text or "&" in text) else text


def _html_label(rows: list, header: str | None = None) -> str:
    cells = []
    if header is not None:
        cells.append(f"<TR><TD><B>{_escape(header)}</B></TD></TR>")
    for row in rows:
        cells.append(f'<TR><TD><FONT POINT-SIZE="10">{_escape(row)}</FONT></TD></TR>')
    return '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">' + "".join(cells) + "</TABLE>>"


@functools.lru_cache(maxsize=256)
def _node_style(role: str, fill: str | None = None, font: str | None = None, dashed: bool = False) -> str:
    """The DOT attributes of a node of `role`, with the fill (and font colour) replaced."""
    attributes = dict(ROLE_STYLES[role])
    if fill is not None:
        attributes["fillcolor"] = fill
    if font is not None:
        attributes["fontcolor"] = font
    if dashed:
        attributes["style"] += ",dashed"
    return " ".join(f"{key}={_quote(value)}" for key, value in attributes.items())


def _node_line(dot_id: str, style: str, tooltip: str, label: str) -> str:
    return f"\t{dot_id} [{style} tooltip={_quote(tooltip)} label={label}]\n"


# Node styles by role; with gradient colouring the fill changes and the border,
# border width and shape keep telling the roles apart.
ROLE_STYLES = {
    "input": {"shape": "box", "style": "filled,rounded", "color": "#b45f06", "fillcolor": "#fff2cc"},
    "parameter": {"shape": "box", "style": "filled", "peripheries": "2", "color": "#1f4e79", "fillcolor": "#dae8fc"},
    "intermediate": {"shape": "box", "style": "filled", "color": "#7f7f7f", "fillcolor": "#f2f2f2"},
    "output": {"shape": "box", "style": "filled,bold", "penwidth": "2.5", "color": "#a50026", "fillcolor": "#f8cecc"},
    "operation": {"shape": "ellipse", "style": "filled", "color": "#555555", "fillcolor": "white", "fontsize": "10", "height": "0.3", "margin": "0.05,0.02"},
    "module": {"shape": "box3d", "style": "filled", "color": "#5b2c6f", "fillcolor": "#e8daef"},
}  # fmt: skip

ROLE_LEGEND = (
    ("input", "input tensor (rounded)"),
    ("parameter", "parameter (double border)"),
    ("intermediate", "intermediate tensor"),
    ("output", "output (bold red border)"),
    ("operation", "operation (ellipse)"),
    ("module", "collapsed module (3-D box)"),
)


def _legend(show_scale: bool, show_module: bool) -> str:
    """The graph's label: the role styles and, when used, the gradient colour scale."""
    roles = [(ROLE_STYLES[role]["fillcolor"], ROLE_STYLES[role]["color"], text) for role, text in ROLE_LEGEND]
    if not show_module:
        roles = roles[:-1]
    columns = [[("", "", "<B>node roles</B>")] + roles]
    if show_scale:
        scale = [
            (fill, "black", html.escape(text, quote=False)) for fill, _, text in [e[1:] for e in GRAD_SCALE]
        ]
        scale += [(fill, "black", text) for fill, _, text in (ZERO_GRAD, NONFINITE_GRAD)]
        columns.append([("", "", "<B>fill: gradient L2 norm</B>")] + scale)
    rows = []
    for index in range(max(len(column) for column in columns)):
        cells = []
        for column in columns:
            if index >= len(column):
                cells.append('<TD COLSPAN="2"></TD>')
                continue
            fill, border, text = column[index]
            if not fill:
                cells.append(f'<TD COLSPAN="2" ALIGN="LEFT">{text}</TD>')
            else:
                cells.append(
                    f'<TD BGCOLOR="{fill}" COLOR="{border}" BORDER="1" WIDTH="18" HEIGHT="12"></TD>'
                    f'<TD ALIGN="LEFT">{text}</TD>'
                )
        rows.append("<TR>" + "".join(cells) + "</TR>")
    return (
        '<<TABLE BORDER="1" COLOR="#999999" STYLE="ROUNDED" CELLBORDER="0" CELLSPACING="2" CELLPADDING="1">'
        + "".join(rows)
        + "</TABLE>>"
    )


# -- draw_graph --------------------------------------------------------------------------


def _check_options(rankdir: str, max_values: int, repeat_after: int | None) -> None:
    if rankdir not in _RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(_RANKDIRS)}, got {rankdir!r}")
    if max_values < 0:
        raise ValueError(f"max_values must be >= 0, got {max_values}")
    if repeat_after is not None and repeat_after < 1:
        raise ValueError(f"repeat_after must be >= 1 or None, got {repeat_after}")


def draw_graph(
    tensor: Tensor | Sequence[Tensor],
    show_data: bool = False,
    show_grad: bool = True,
    rankdir: str = "TB",
    *,
    collapse: Any = None,
    module_calls: Any = None,
    grad_norms: Any = None,
    max_values: int = 6,
    legend: bool = True,
    repeat_after: int | None = 6,
) -> Any:
    """Draw the computation graph that produced `tensor` as a `graphviz.Digraph`.

    One box per tensor (its name -- `name=` or a module parameter's dotted name such
    as `0.weight` --, shape, dtype, and the L2 norm of its gradient when known) and one
    ellipse per operation (its op name); edges follow the data: input -> op -> output.
    Inputs, parameters, intermediates and the output are told apart by border and
    shape. Only tensors that require grad are part of a graph, so data and constants
    fed to an operation do not appear.

    With `show_grad=True`, tensors whose gradient is known are filled by the log10 of
    its norm (blue below 1e-7: vanishing; green from 1e-3 to 1e1; red above 1e3:
    exploding) and a legend explains the colours. Leaves (and tensors that called
    `retain_grad()`) know their `.grad`; for every intermediate tensor, run the
    backward inside `al.record_grad_norms()` and pass the record as `grad_norms`.

    `show_data=True` adds the values (the first `max_values` of larger arrays).
    `collapse` (a module or a list of modules) draws each call of those modules as
    one node, which keeps big models legible. It needs `module_calls`, the record of
    which tensor each call returned, made by running the forward pass inside
    `with nn.record_module_calls() as calls:`; the operations between a call's output
    and its tensor arguments are hidden (an outer module wins over modules inside
    it). A tensor whose uses lie more than `repeat_after` operations apart (a weight shared by every step of a loop) is drawn
    again, dashed, beside its later uses instead of being joined to them by long edges,
    which would make large graphs slow to lay out and hard to follow; `None` draws
    every tensor once. `tensor` may also be a list of tensors.
    Nothing is rendered until asked: display the result in Jupyter, or call
    `.render(...)` / `.pipe(format="svg")`, which need the Graphviz `dot` program
    (a `GraphvizNotFoundError` explains how to install it); `.source` is the DOT text.

    >>> import autograd_lite as al
    >>> w = al.Tensor([1.0, -2.0], requires_grad=True, name="w")
    >>> loss = (w * w).sum()
    >>> with al.record_grad_norms() as norms:
    ...     loss.backward()
    >>> dot = al.draw_graph(loss, grad_norms=norms)
    >>> "mul" in dot.source and "|grad| = 4.47" in dot.source
    True

    Collapsing a model's call into one node:

    >>> import nn
    >>> model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    >>> with nn.record_module_calls() as calls:
    ...     out = model(al.randn(4, 2)).sum()
    >>> "Sequential" in al.draw_graph(out, collapse=model, module_calls=calls).source
    True
    """
    _check_options(rankdir, max_values, repeat_after)
    roots = _as_roots(tensor)
    targets = _module_targets(collapse, module_calls)
    try:
        import graphviz  # noqa: F401 - imported here: importing autograd_lite stays fast
    except ImportError:  # pragma: no cover - graphviz is a dependency
        raise ImportError("draw_graph needs the 'graphviz' Python package: pip install graphviz") from None
    from .graph_render import GraphDrawing

    graph = CollectedGraph(roots)
    body = _Drawer(graph, show_data, show_grad, grad_norms, max_values, repeat_after).draw(
        _find_collapsed(graph, targets, module_calls) if targets else [], legend
    )
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
    return GraphDrawing(
        name="computation_graph",
        graph_attr=graph_attr,
        node_attr={"fontname": "Helvetica", "fontsize": "11"},
        edge_attr={"arrowsize": "0.7", "color": "#555555"},
        body=body,
    )


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


class _Drawer:
    """Turns a CollectedGraph into DOT body lines."""

    def __init__(
        self,
        graph: CollectedGraph,
        show_data: bool,
        show_grad: bool,
        grad_norms: Any,
        max_values: int,
        repeat_after: int | None,
    ) -> None:
        self.graph = graph
        self.repeat_after = repeat_after
        self.use_groups: dict = {}  # tensor key -> (group start heights, descending)
        self.heights: dict = {}
        self.show_data = show_data
        self.show_grad = show_grad
        self.grad_norms = grad_norms
        self.max_values = max_values
        self.root_keys = {id(t) if t.grad_fn is None else t.grad_fn for t in graph.roots}
        self.lines: list = []
        self.tensor_ids: dict = {}  # id(leaf) or node -> DOT id
        self.op_ids: dict = {}
        self.owner: dict = {}  # node inside a collapsed module call -> its _Collapsed
        self.edges: set = set()
        self.copies: set = set()
        self.coloured = False

    def draw(self, collapsed: list, legend: bool) -> list:
        self._assign_ids(collapsed)
        if self.repeat_after is not None:
            self._group_uses()
        for call in collapsed:
            self._module_node(call)
        for node in self.graph.nodes:
            if node not in self.owner:
                self._operation(node)
        for call in collapsed:
            for tensor in call.inputs:
                self._edge(self._tensor(tensor), call.node_id)
            self._tensor(call.output)
        for root in self.graph.roots:
            self._tensor(root)
        if legend:
            # The legend is the graph's own label: drawn beside the layout, not inside it.
            self.lines.append(f"\tlabel={_legend(self.coloured, bool(collapsed))}\n")
            self.lines.append('\tlabelloc="b" labeljust="r" fontsize="10"\n')
        return self.lines

    def _assign_ids(self, collapsed: list) -> None:
        """DOT ids for module calls and the operations they do not hide."""
        for index, call in enumerate(collapsed):
            call.node_id = f"module{index}"
            for node in call.nodes:
                self.owner[node] = call
        for index, node in enumerate(self.graph.nodes):
            if node not in self.owner:
                self.op_ids[node] = f"op{index}"

    def _operation(self, node: Any) -> None:
        """An operation's node, its output tensor and one edge per input use."""
        op_id = self.op_ids[node]
        tooltip = f"{node.name} ({type(node).__name__})"
        self.lines.append(_node_line(op_id, _node_style("operation"), tooltip, _quote(node.name)))
        self._tensor(self.graph.outputs[node])  # emits the producer edge
        for tensor in input_tensors(node):
            if tensor is not None:
                # One edge per use: `x * x` shows two arrows, as its gradient has two terms.
                self.lines.append(f"\t{self._tensor_for_use(tensor, node)} -> {op_id}\n")

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
            starts = _group_starts(levels, self.repeat_after)
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
        dot_id = f"t{len(self.tensor_ids)}"
        self.tensor_ids[key] = dot_id
        if fn is not None:
            # Draw the tensor the graph knows for this node (named / retaining), not a stand-in.
            tensor = self.graph.outputs.get(fn, tensor)
        starts = self.use_groups.get(key)
        self.lines.append(self._tensor_line(dot_id, tensor, copy=len(starts) if starts else 0))
        if fn is not None:
            call = self.owner.get(fn)
            producer = call.node_id if call is not None else self.op_ids[fn]
            self.lines.append(f"\t{producer} -> {dot_id}\n")
        return dot_id

    def _role(self, tensor: Tensor) -> str:
        if (id(tensor) if tensor.grad_fn is None else tensor.grad_fn) in self.root_keys:
            return "output"
        if tensor.grad_fn is None:
            return "parameter" if is_parameter(tensor) else "input"
        return "intermediate"

    def _gradient(self, tensor: Tensor) -> tuple[float | None, Any]:
        grad = tensor.grad
        if grad is not None:
            data = grad.data
            return l2_norm(data), data
        if self.grad_norms is not None:
            return self.grad_norms.norm_of(tensor), None
        return None, None

    def _tensor_line(self, dot_id: str, tensor: Tensor, copy: int = 0) -> str:
        """The DOT line of a tensor's node; `copy` > 0 when it is one of `copy` drawings."""
        role = self._role(tensor)
        name = display_name(tensor)
        header = name if name is not None else (role if role != "intermediate" else None)
        dtype = _dtype_name(tensor.dtype)
        shape = format_shape(tensor.shape)
        rows = [f"{shape} {dtype}"]
        tip = f"{name + ': ' if name else ''}{role} tensor, shape {shape}, {dtype}"
        fill = font = None
        if self.show_data:
            rows.append("data " + format_values(tensor.data, self.max_values))
        if self.show_grad:
            norm, grad = self._gradient(tensor)
            if norm is not None:
                rows.append(f"|grad| = {format_norm(norm)}")
                tip += f"\ngradient L2 norm {norm!r}"
                if self.show_data and grad is not None:
                    rows.append("grad " + format_values(grad, self.max_values))
                fill, font = grad_colour(norm)
                self.coloured = True
        if copy:
            rows.append(f"(drawn {copy} times: used far apart)")
            tip += "\nthe same tensor is drawn again beside later uses, instead of long edges"
        return _node_line(dot_id, _node_style(role, fill, font, bool(copy)), tip, _html_label(rows, header))

    def _module_node(self, call: _Collapsed) -> None:
        fill = font = None
        params = list(call.leaves.values())
        rows = [f"{_count(len(call.nodes), 'operation')}, {_count(len(params), 'parameter')}"]
        if self.show_grad:
            grads = [p.grad.data for p in params if p.grad is not None]
            if grads:
                norm = math.sqrt(sum(l2_norm(g) ** 2 for g in grads))
                rows.append(f"parameters' |grad| = {format_norm(norm)}")
                fill, font = grad_colour(norm)
                self.coloured = True
        title = _module_label_name(call)
        tip = f"{title}: " + ", ".join(display_name(p) or "parameter" for p in params)
        self.lines.append(
            _node_line(call.node_id, _node_style("module", fill, font), tip, _html_label(rows, title))
        )
