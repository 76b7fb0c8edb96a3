"""Graphviz drawings of computation graphs: `draw_graph` draws one node per tensor and
one per operation, colours tensors by the size of their gradient, and can collapse a
module's internals into one node. The work is done in graph_drawer.py (the DOT text),
graph_style.py (how nodes look) and graph_collapse.py (module calls); the names other
modules and users import from here are re-exported."""

from __future__ import annotations

import functools
from typing import Any, Sequence

from .graph_collapse import find_collapsed, module_targets
from .graph_drawer import (  # noqa: F401 - re-exported
    LARGE_GRAPH_OPERATIONS,
    CollectedGraph,
    Drawer,
    DrawOptions,
    _as_roots,
    _check_options,
    digraph_attributes,
    display_name,
    is_parameter,
)
from .graph_style import (  # noqa: F401 - re-exported
    GRAD_BANDS,
    GRAD_SCALE,
    NONFINITE_GRAD,
    ROLE_STYLES,
    ZERO_GRAD,
    format_norm,
    format_shape,
    format_values,
    grad_colour,
    l2_norm,
)
from .tensor import Tensor


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
    show_inputs: bool = True,
) -> Any:
    """Draw the computation graph that produced `tensor` as a `graphviz.Digraph`.

    One box per tensor (its name -- `name=` or a module parameter's dotted name such
    as `0.weight` --, shape, dtype, and the L2 norm of its gradient when known) and one
    ellipse per operation (its op name); edges follow the data: input -> op -> output.
    Roles are told apart by shape and border only (the legend lists those present):
    parameters have a double border, other leaves that require grad are rounded, the
    output has a bold border, and with `show_inputs=True` (the default) the tensors the
    operations were given that need no gradient -- the batch of data, the targets --
    are drawn too, with a folded corner, as long as they exist (a graph holds them
    weakly and never keeps a batch alive); `show_inputs=False` hides them.

    With `show_grad=True`, tensors whose gradient is known are filled by the log10 of
    its norm (blue below 1e-7: vanishing; green from 1e-3 to 1e1; red above 1e3:
    exploding) and the legend explains the colours present; a tensor whose gradient is
    unknown stays white. Leaves (and tensors that called
    `retain_grad()`) know their `.grad`; for every intermediate tensor, run the
    backward inside `al.record_grad_norms()` and pass the record as `grad_norms`. When
    leaves' `.grad` hold the sum of several passes (no `zero_grad()` in between) while
    the record holds the last pass, the legend says so.

    `show_data=True` adds the values (the first `max_values` of larger arrays).
    `collapse` (a module or a list of modules) draws each call of those modules as
    one node, which keeps big models legible. It needs `module_calls`, the record of
    which tensor each call returned, made by running the forward pass inside
    `with nn.record_module_calls() as calls:`; the operations between a call's output
    and its tensor arguments are hidden (an outer module wins over modules inside
    it). A collapsed call is titled by its name in the recorded model (`0: Linear`,
    `1: ReLU`) and filled by its parameters' gradient norm (its output's, without
    parameters). A tensor whose uses lie more than `repeat_after` operations apart (a weight shared by every step of a loop) is drawn
    again, dashed, beside its later uses instead of being joined to them by long edges,
    which would make large graphs slow to lay out and hard to follow; `None` draws
    every tensor once. `tensor` may also be a list of tensors.
    Nothing is rendered until asked: display the result in Jupyter, or call
    `.render(...)` / `.pipe(format="svg")`, which need the Graphviz `dot` program
    (a `GraphvizNotFoundError` explains how to install it); `.render` leaves only the
    rendered file (pass `cleanup=False` to keep the DOT file); `.source` is the DOT text.
    `.to_html(path)` writes the interactive view of the same graph (`al.graph_html`).

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
    targets = module_targets(collapse, module_calls)
    try:
        import graphviz  # noqa: F401 - imported here: importing autograd_lite stays fast
    except ImportError:  # pragma: no cover - graphviz is a dependency
        raise ImportError("draw_graph needs the 'graphviz' Python package: pip install graphviz") from None
    from .graph_page import graph_html
    from .graph_render import GraphDrawing

    options = DrawOptions(show_data, show_grad, grad_norms, max_values, repeat_after, show_inputs)
    graph = CollectedGraph(roots)
    body = Drawer(graph, options).draw(
        find_collapsed(graph, targets, module_calls) if targets else [], legend
    )
    drawing = GraphDrawing(**digraph_attributes(graph, rankdir), body=body)
    drawing.operations = len(graph.nodes)
    drawing.html_maker = functools.partial(
        graph_html,
        roots,
        grad_norms=grad_norms,
        collapse=collapse,
        module_calls=module_calls,
        rankdir=rankdir,
        show_inputs=show_inputs,
        max_values=max_values,
        repeat_after=repeat_after,
    )
    return drawing
