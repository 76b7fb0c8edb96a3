"""The Digraph that `draw_graph` returns: graphviz's own class, except that a missing
Graphviz `dot` program is reported (`GraphvizNotFoundError`) with install instructions,
`render` leaves only the file asked for, and the drawing can become the interactive view
(`to_html`, and `_repr_html_` in Jupyter). Imported by `graph.py` on first use of
`draw_graph` only, so that importing autograd_lite does not import graphviz."""

from __future__ import annotations

import functools
from typing import Any, Callable

import graphviz

INSTALL_HINT = (
    "Rendering needs the Graphviz 'dot' program, which was not found on PATH (the 'graphviz' "
    "Python package is only its interface). Install Graphviz:\n"
    "  Debian/Ubuntu:  sudo apt-get install graphviz\n"
    "  macOS:          brew install graphviz\n"
    "  conda:          conda install -c conda-forge graphviz\n"
    "Without it, the DOT text of the graph is still available as `.source` "
    "(or write it to a file with `.save('graph.gv')`)."
)


# Up to this many operations, a notebook shows the interactive view of a drawing inline.
INLINE_VIEW_OPERATIONS = 5_000


class GraphvizNotFoundError(RuntimeError):
    """Rendering a drawing failed because the Graphviz `dot` program is not installed."""


def _explain_missing_dot(method: Callable) -> Callable:
    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except graphviz.ExecutableNotFound as error:
            missing = GraphvizNotFoundError(INSTALL_HINT)
            missing.executable_error = error
            # `from None`: the graphviz traceback would only repeat "not found" less helpfully.
            raise missing from None

    return wrapper


class GraphDrawing(graphviz.Digraph):
    """A `graphviz.Digraph` whose rendering explains how to install Graphviz when the
    `dot` program is missing (`GraphvizNotFoundError`); `.source` works regardless.

    Displays inline in Jupyter as SVG (graphviz's own rich display); `to_html(path)`
    writes the interactive view of the same graph, which `_repr_html_` gives inline.
    """

    #: set by draw_graph: makes the interactive view of the same graph (`al.graph_html`).
    html_maker: Callable | None = None
    #: set by draw_graph: how many operations the graph has.
    operations: int = 0

    @_explain_missing_dot
    def render(self, *args: Any, cleanup: bool = True, **kwargs: Any) -> str:
        """`graphviz.Digraph.render`, but by default only the rendered file remains
        (`cleanup=True` deletes the DOT source file it writes first).

        Returns the rendered file's path.
        """
        return graphviz.Digraph.render(self, *args, cleanup=cleanup, **kwargs)

    def to_html(self, path: Any = None) -> Any:
        """The interactive view of this drawing's graph (see `al.graph_html`), written to
        `path` when given; a `GraphView` (its `.html` is the page)."""
        if self.html_maker is None:
            raise ValueError("to_html needs a drawing made by draw_graph")
        return self.html_maker(path=path)

    def _repr_html_(self) -> str | None:
        # Notebooks ask for every format at each display: above this size only the SVG is
        # made inline (to_html still writes the view of any graph).
        if self.html_maker is None or self.operations > INLINE_VIEW_OPERATIONS:
            return None
        return self.to_html()._repr_html_()

    pipe = _explain_missing_dot(graphviz.Digraph.pipe)
    view = _explain_missing_dot(graphviz.Digraph.view)
    unflatten = _explain_missing_dot(graphviz.Digraph.unflatten)
    _repr_mimebundle_ = _explain_missing_dot(graphviz.Digraph._repr_mimebundle_)
