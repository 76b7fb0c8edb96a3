"""Saving and loading state dicts as .npz files (never unpickling)."""

from __future__ import annotations

from typing import Any


def save(state_dict: Any, path: Any) -> None:
    """Not yet written: raises NotImplementedError."""
    raise NotImplementedError("save is not implemented yet")


def load(path: Any) -> Any:
    """Not yet written: raises NotImplementedError."""
    raise NotImplementedError("load is not implemented yet")
