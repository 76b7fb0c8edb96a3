"""The Digraph that `draw_graph` returns: graphviz's own class, except that a missing
Graphviz `dot` program is reported (`GraphvizNotFoundError`) with install instructions.
Imported by `graph.py` on first use of `draw_graph` only, so that importing
autograd_lite does not import graphviz; this module imports nothing of the package."""

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

    Displays inline in Jupyter (as SVG) through graphviz's own rich display.
    """

    render = _explain_missing_dot(graphviz.Digraph.render)
    pipe = _explain_missing_dot(graphviz.Digraph.pipe)
    view = _explain_missing_dot(graphviz.Digraph.view)
    unflatten = _explain_missing_dot(graphviz.Digraph.unflatten)
    _repr_mimebundle_ = _explain_missing_dot(graphviz.Digraph._repr_mimebundle_)
