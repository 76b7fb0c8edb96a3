"""The interactive view of a computation graph: one self-contained HTML file with the
drawing laid out by Graphviz's `dot` for each collapsed state of its modules, what is
known of every tensor (shape, dtype, values, gradient) as JSON, and a small script and
stylesheet (graph_view/view.js, view.css) that pan, zoom, expand modules, show tooltips,
follow paths and search. No server, no network."""

from __future__ import annotations

import html
import itertools
import json
from importlib import resources
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .graph_collapse import find_collapsed, module_targets
from .graph_drawer import (
    ACCUMULATED_NOTE,
    CollectedGraph,
    Drawer,
    DrawOptions,
    _as_roots,
    _check_options,
    digraph_attributes,
    display_name,
)
from .graph_style import ROLE_STYLES, format_norm, format_shape, format_values, legend_entries
from .tensor import Tensor

# Up to this many layouts, every mix of expanded modules is laid out; above it, each
# module expanded alone (and all collapsed, all expanded).
MAX_STATES = 32


class GraphView:
    """The interactive view returned by `graph_html`: `.html` is the page, `.path` the
    file it was written to (or None); in Jupyter it displays inline (`_repr_html_`)."""

    def __init__(self, page: str, path: Path | None) -> None:
        self.html = page
        self.path = path

    def _repr_html_(self) -> str:
        # A frame of its own: the page's script and styles cannot meet the notebook's.
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
            'style="width: 100%; height: 640px; border: 1px solid #ccc"></iframe>'
        )

    def __repr__(self) -> str:
        where = f" written to {self.path}" if self.path is not None else ""
        return f"<GraphView: {len(self.html):,} characters of HTML{where}>"


def graph_html(
    tensor: Tensor | Sequence[Tensor],
    path: str | Path | None = None,
    grad_norms: Any = None,
    *,
    collapse: Any = None,
    module_calls: Any = None,
    rankdir: str = "TB",
    show_inputs: bool = True,
    max_values: int = 6,
    repeat_after: int | None = 6,
    title: str = "computation graph",
) -> GraphView:
    """Write the interactive view of the graph that produced `tensor` as one HTML file.

    The drawing is `draw_graph`'s (same arguments: `grad_norms`, `collapse`,
    `module_calls`, `show_inputs`, ...), opened in any browser without a server: drag
    to pan, scroll to zoom; a collapsed module (a 3-D box) expands or collapses on a
    click; hovering a tensor shows its name, shape, dtype, min / mean / max, first
    values and its gradient's norm and statistics (a click pins it); clicking an
    operation highlights its inputs, its outputs and every path from it to the output;
    the search box finds tensors, parameters, operations and modules by name (expanding
    the module that hides a match). The legend lists the roles and gradient bands present.

    Modules start collapsed: those of `collapse`, or, when only `module_calls` is given,
    every recorded module that has no submodules. Each mix of expanded modules is laid
    out by `dot` ahead of time (each module expanded alone when there are more than
    five). Needs the Graphviz `dot` program. Returns a `GraphView`; `path` (if given)
    receives the page.

    >>> import autograd_lite as al, nn
    >>> model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    >>> with nn.record_module_calls() as calls:
    ...     loss = model(al.randn(4, 2)).sum()
    >>> with al.record_grad_norms() as norms:
    ...     loss.backward()
    >>> view = al.graph_html(loss, grad_norms=norms, module_calls=calls)
    >>> "0: Linear" in view.html and "<script" in view.html
    True
    """
    _check_options(rankdir, max_values, repeat_after)
    roots = _as_roots(tensor)
    if collapse is None and module_calls is not None:
        collapse = _innermost_modules(module_calls)
    targets = module_targets(collapse, module_calls) if collapse else {}
    graph = CollectedGraph(roots)
    calls = find_collapsed(graph, targets, module_calls) if targets else []
    for index, call in enumerate(calls):
        call.node_id = f"module{index}"
    options = DrawOptions(False, True, grad_norms, max_values, repeat_after, show_inputs)
    builder = _ViewBuilder(graph, options, calls, rankdir)
    page = builder.page(title)
    if path is not None:
        path = Path(path)
        path.write_text(page, encoding="utf-8")
    return GraphView(page, path)


def _innermost_modules(module_calls: Any) -> list:
    """The recorded modules without submodules (Linear, ReLU; not the Sequential)."""
    modules = {id(call[0]): call[0] for call in module_calls}
    found = []
    for module in modules.values():
        children = getattr(module, "children", None)
        if not callable(children) or not any(True for _ in children()):
            found.append(module)
    return found


def _states(count: int) -> list:
    """The sets of expanded module indices laid out ahead of time."""
    everything = tuple(range(count))
    if 2**count <= MAX_STATES:
        return [combo for size in range(count + 1) for combo in itertools.combinations(everything, size)]
    return [()] + [(index,) for index in everything] + [everything]


def _stats(array: np.ndarray) -> str | None:
    if array.size == 0 or array.dtype.kind not in "biuf":
        return None
    values = array.astype(np.float64, copy=False)
    return " / ".join(format_norm(float(v)) for v in (values.min(), values.mean(), values.max()))


class _ViewBuilder:
    """Lays out each state with `dot` and gathers what the page shows of every node."""

    def __init__(self, graph: CollectedGraph, options: DrawOptions, calls: list, rankdir: str) -> None:
        self.graph = graph
        self.options = options
        self.calls = calls
        self.rankdir = rankdir
        self.info: dict = {}
        self.roles: set = set()
        self.bands: set = set()
        self.accumulated = False

    def page(self, title: str) -> str:
        from .graph_render import GraphDrawing

        states = {}
        for expanded in _states(len(self.calls)):
            collapsed = [call for index, call in enumerate(self.calls) if index not in expanded]
            drawer = Drawer(self.graph, self.options)
            body = drawer.draw(collapsed, legend=False)
            drawing = GraphDrawing(**digraph_attributes(self.graph, self.rankdir), body=body)
            states[",".join(map(str, expanded))] = drawing.pipe(format="svg", encoding="utf-8")
            self._gather(drawer)
        self._mark_owners()
        data = {"states": states, "info": self.info, "initial": []}
        # "</" would end the <script> element early.
        payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
        return PAGE.format(
            title=html.escape(title),
            css=_resource("view.css"),
            js=_resource("view.js"),
            data=payload,
            legend=self._legend(),
        )

    def _gather(self, drawer: Drawer) -> None:
        self.roles |= drawer.roles
        self.bands |= drawer.bands
        self.accumulated = self.accumulated or drawer.accumulated
        for dot_id, item in drawer.drawn.items():
            if dot_id in self.info or "_" in dot_id:
                continue
            if isinstance(item, Tensor):
                role = "data" if dot_id.startswith("d") else drawer.role(item)
                self.info[dot_id] = self._tensor_info(drawer, item, role)
            elif dot_id.startswith("module"):
                self.info[dot_id] = self._module_info(drawer, item)
            else:
                self.info[dot_id] = {"kind": "op", "name": item.name, "type": type(item).__name__}

    def _tensor_info(self, drawer: Drawer, tensor: Tensor, role: str) -> dict:
        data = np.asarray(tensor.data)
        info = {
            "kind": "tensor",
            "role": role,
            "name": display_name(tensor),
            "shape": format_shape(tensor.shape),
            "dtype": str(tensor.dtype),
            "stats": _stats(data),
            "values": format_values(data, self.options.max_values),
        }
        if role != "data":
            norm, grad = drawer.gradient(tensor)
            if norm is not None:
                info["grad"] = {"norm": format_norm(norm)}
                if grad is not None:
                    info["grad"]["stats"] = _stats(np.asarray(grad))
                    info["grad"]["values"] = format_values(grad, self.options.max_values)
        return info

    def _module_info(self, drawer: Drawer, call: Any) -> dict:
        norm = drawer.module_norm(call)
        return {
            "kind": "module",
            "name": call.title,
            "index": int(call.node_id[len("module") :]),
            "operations": len(call.nodes),
            "parameters": [display_name(p) or "parameter" for p in call.leaves.values()],
            "grad": None if norm is None else format_norm(norm),
        }

    def _mark_owners(self) -> None:
        """Note, on each node a collapsed module hides, which module (search expands it)."""
        node_index = {node: index for index, node in enumerate(self.graph.nodes)}
        leaf_index = {id(leaf): index for index, leaf in enumerate(self.graph.leaves)}
        for index, call in enumerate(self.calls):
            hidden = [f"op{node_index[n]}" for n in call.nodes] + [f"t{node_index[n]}" for n in call.nodes]
            hidden += [f"l{leaf_index[key]}" for key in call.leaves if key in leaf_index]
            for dot_id in hidden:
                if dot_id in self.info and dot_id != f"t{node_index[call.output.grad_fn]}":
                    self.info[dot_id]["module"] = index

    def _legend(self) -> str:
        roles, bands = legend_entries(self.roles, self.bands)
        parts = ["<h4>node roles: shape and border</h4>"]
        for role, text, kind in roles:
            width, line = {"bold": (3, "solid"), "double": (3, "double")}.get(kind, (1, "solid"))
            border = f"{width}px {line} {ROLE_STYLES[role]['color']}"
            radius = "5px" if kind == "rounded" else "0"
            parts.append(
                f'<div class="row"><span class="swatch" style="border: {border}; border-radius: {radius}">'
                f"</span>{html.escape(text)}</div>"
            )
        if bands:
            parts.append("<h4>fill: gradient L2 norm</h4>")
            for fill, _, text in bands:
                parts.append(
                    f'<div class="row"><span class="swatch" style="background: {fill}"></span>{html.escape(text)}</div>'
                )
        if self.accumulated:
            parts.append(f'<div class="note">{html.escape(ACCUMULATED_NOTE)}</div>')
        return "\n".join(parts)


def _resource(name: str) -> str:
    return resources.files("autograd_lite.graph_view").joinpath(name).read_text(encoding="utf-8")


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
{css}
</style>
</head>
<body>
<div id="toolbar">
<input id="search" type="search" placeholder="find a tensor, parameter, op or module">
<button id="fit" title="show the whole graph">fit</button>
<button id="zoom-in" title="zoom in">+</button>
<button id="zoom-out" title="zoom out">&minus;</button>
<span id="status"></span>
</div>
<div id="canvas">
<div id="legend">
{legend}
</div>
<div id="tooltip"></div>
</div>
<script type="application/json" id="graph-data">{data}</script>
<script>
{js}
</script>
</body>
</html>
"""
