"""In-place safety for arrays saved for backward: while a graph holds an array that user
code can reach, the array is read-only; replacing or force-updating it makes a backward
through that graph raise instead of returning a wrong gradient.

Which arrays are guarded, and when:
- at record time, arrays a node saved that belong to a leaf tensor (parameters, inputs,
  constants, NumPy arrays passed as operands) and saved views (and the arrays they view);
- lazily, the array of a non-leaf tensor when user code asks for it (`.data`, `.numpy()`,
  `np.asarray`, `.detach()`) while the node that produced it still holds saved values.
  Arrays of intermediate results are otherwise reachable only through the graph.

A guard is released when its node releases its saved values (after a backward without
`retain_graph`) or is freed; an array several nodes guard stays read-only until the last
one lets go. `Tensor._bump_version()` (called by optimizers before updating `data` in
place) makes the array writable at once and marks it changed, as does assigning `.data`.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

import numpy as np

Tensor: Any = None  # set by tensor.py

_lock = threading.RLock()  # re-entrant: a finaliser may run while it is held
# id(array) -> [number of guards held, change count, description of the last change].
# An entry lives only while a guard holds its array, so ids cannot be reused meanwhile.
_entries: dict[int, list] = {}
# Bumped by every replacement / forced update; nodes recorded before the last bump check
# their guards at backward, the others skip the check.
_changes = [0]
# Views left read-only because their base was still guarded; retried when a base is freed.
_stuck_views: list = []


class SavedValues(tuple):
    """A node's saved values plus the read-only guards it holds (released with it)."""

    # tuple subclasses cannot have slots; the few nodes that guard something pay for a dict.
    held: list
    tensors: tuple
    changes: int

    def __bool__(self) -> bool:
        # A node that saved nothing but guards its output must still be released.
        return True

    def __del__(self) -> None:
        try:
            release(self)
        except Exception:  # noqa: BLE001 - never raise from a finaliser (interpreter exit)
            pass


class _NothingSaved(tuple):
    """The saved values of a node that saved nothing and was run by a backward."""


NOTHING_SAVED = _NothingSaved()


def _wrap(saved: tuple) -> SavedValues:
    if type(saved) is SavedValues:
        return saved
    wrapped = SavedValues(saved)
    wrapped.held = []
    wrapped.tensors = ()
    wrapped.changes = _changes[0]
    return wrapped


def _chain(array: np.ndarray) -> list:
    """`array` and the arrays whose memory it views, the owner first."""
    chain = [array]
    base = array.base
    while isinstance(base, np.ndarray):
        chain.append(base)
        base = base.base
    chain.reverse()
    return chain


def _guard(array: np.ndarray, held: list) -> None:
    # Caller holds _lock. Arrays that were read-only before we touched them are not ours.
    for target in _chain(array):
        key = id(target)
        entry = _entries.get(key)
        if entry is None:
            if not target.flags.writeable:
                continue
            entry = _entries[key] = [0, 0, None]
        entry[0] += 1
        target.flags.writeable = False
        held.append((target, entry, entry[1]))


def guard_op(ctx: Any, args: tuple) -> None:
    """Guard what an Op node saved that user code can reach (leaf arrays and views)."""
    saved = ctx.saved
    pending = None
    for value in saved:
        if type(value) is not np.ndarray:
            continue
        if value.base is None:
            for arg in args:
                if arg is value or (
                    isinstance(arg, Tensor) and arg._data is value and arg.grad_fn is None
                ):
                    break
            else:
                continue  # an intermediate result (guarded lazily) or a private array
        if pending is None:
            pending = []
        pending.append(value)
    if pending is not None:
        wrapped = _wrap(saved)
        with _lock:
            for value in pending:
                _guard(value, wrapped.held)
        ctx.saved = wrapped


def guard_function(ctx: Any) -> None:
    """Guard every array a user-level Function saved and record its tensors' versions."""
    wrapped = _wrap(ctx.saved)
    tensors = []
    with _lock:
        for value in wrapped:
            if isinstance(value, Tensor):
                tensors.append((value, value._version))
                value = value._data
            if type(value) is np.ndarray:
                _guard(value, wrapped.held)
    wrapped.tensors = tuple(tensors)
    ctx.saved = wrapped


def guard_output(tensor: Any) -> None:
    """Make a non-leaf tensor's array read-only while its node still holds saved values."""
    node = tensor.grad_fn
    saved = node.saved
    if saved is None or saved is NOTHING_SAVED:
        return  # released by a backward: the graph no longer reads this array
    array = tensor._data
    if type(saved) is SavedValues:
        for held_array, _, _ in saved.held:
            if held_array is array:
                return
    wrapped = _wrap(saved)
    with _lock:
        _guard(array, wrapped.held)
    node.saved = wrapped


def release(saved: SavedValues) -> None:
    """Drop the guards `saved` holds; an array becomes writable when no guard is left."""
    held = saved.__dict__.get("held")
    if not held:
        return
    saved.held = []
    freed_base = False
    with _lock:
        for array, entry, _ in held:
            entry[0] -= 1
            if entry[0]:
                continue
            if _entries.get(id(array)) is entry:
                del _entries[id(array)]
            try:
                array.flags.writeable = True
            except ValueError:
                # A view whose base another node still guards; retried when that base is freed.
                _stuck_views.append(weakref.ref(array))
                continue
            freed_base = freed_base or array.base is None
        if freed_base and _stuck_views:
            _retry_stuck_views()


def _retry_stuck_views() -> None:
    still = []
    for ref in _stuck_views:
        view = ref()
        if view is None or id(view) in _entries:
            continue
        try:
            view.flags.writeable = True
        except ValueError:
            still.append(ref)
    _stuck_views[:] = still


def is_guarded(array: np.ndarray) -> bool:
    """Whether `array` is read-only because a graph holds it."""
    return id(array) in _entries


def _describe(tensor: Any) -> str:
    label = f"'{tensor.name}' " if getattr(tensor, "name", None) else ""
    return f"tensor {label}of shape {tuple(tensor.shape)} and dtype {tensor.dtype}"


def _mark(array: np.ndarray, how: str) -> None:
    # Caller holds _lock.
    entry = _entries.get(id(array))
    if entry is not None:
        entry[1] += 1
        entry[2] = how


def replaced(tensor: Any, old: np.ndarray) -> None:
    """Called by the `data` setter: nodes that saved the old array must not run."""
    _changes[0] += 1
    if not _entries:
        return
    with _lock:
        for array in _chain(old):
            _mark(array, f"{_describe(tensor)} had its data replaced (version {tensor._version})")


def force_writable(tensor: Any) -> None:
    """Make `tensor`'s array writable for an in-place update, invalidating graphs that hold it."""
    _changes[0] += 1
    if not _entries:
        return
    with _lock:
        for array in _chain(tensor._data):
            if id(array) not in _entries:
                continue
            _mark(array, f"{_describe(tensor)} was updated in place (version {tensor._version})")
            try:
                array.flags.writeable = True
            except ValueError:
                pass  # memory we do not own (read-only base); the update will say so


def check_saved(node: Any) -> None:
    """Raise if an array or tensor `node` saved changed since it was recorded."""
    saved = node.saved
    if saved.changes == _changes[0]:
        return
    for array, entry, version in saved.held:
        if entry[1] != version:
            raise RuntimeError(
                f"one of the arrays saved for the backward of '{node.name}' (shape "
                f"{array.shape}, dtype {array.dtype}) was modified after the forward: "
                f"{entry[2]}. Its gradient would be wrong; recompute the forward after the "
                "change (or make the change after backward)."
            )
    for tensor, version in saved.tensors:
        if tensor._version != version:
            raise RuntimeError(
                f"one of the tensors saved for the backward of '{node.name}' was modified "
                f"after the forward: {_describe(tensor)} is at version {tensor._version}, "
                f"but was saved at version {version}. Its gradient would be wrong; recompute "
                "the forward after the change."
            )
