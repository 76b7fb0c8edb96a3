"""Graphviz rendering of computation graphs (see draw_graph)."""

from __future__ import annotations

from typing import Any


def draw_graph(tensor: Any, show_data: bool = False, show_grad: bool = True, rankdir: str = "TB") -> Any:
    """Not yet written: raises NotImplementedError."""
    raise NotImplementedError("draw_graph is not implemented yet")
