"""In-place safety for arrays saved for backward: while a graph holds an array that user
code can reach, the array is read-only; replacing or force-updating it makes a backward
through that graph raise instead of returning a wrong gradient.

Which arrays are guarded, and when:
- at record time, the memory of leaf tensors (parameters, inputs, constants) and of
  NumPy arrays passed as operands that a node saved, or that its output views;
- lazily, the array of a non-leaf tensor when user code asks for it (`.data`, `.numpy()`,
  `np.asarray`, `.detach()`) while the node that produced it has not been run by a
  backward. Arrays of intermediate results are otherwise reachable only through the graph.

One `_Guard` per array is shared by every node holding it (in the node's `guard` slot),
so Python's reference counting tells when the last node lets go: a node drops its guards
when a backward without `retain_graph` runs it, or when it is freed. `Tensor._bump_version()`
(optimizers call it before updating `data` in place) makes the array writable at once and
marks its guard stale, as does assigning `.data`; a node holding a stale guard refuses to
run its backward.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

import numpy as np

Tensor: Any = None  # set by tensor.py

_ndarray = np.ndarray
_lock = threading.RLock()  # re-entrant: a guard may be freed while it is held
# id(array) -> weak reference to its live guard. An id is valid while its guard lives,
# because the guard holds the array.
_live: dict[int, weakref.ref] = {}
# Bumped by every replacement / forced update; a node whose guard tuple starts with the
# current value has nothing stale and skips the check.
_changes = [0]
# Views left read-only because their base was still guarded; retried when a base is freed.
_stuck_views: list = []


class _Guard:
    """Keeps one array read-only while any node holds this object."""

    __slots__ = ("array", "key", "ref", "change", "__weakref__")

    def __del__(self) -> None:
        # Runs once per guarded array per graph (every training step for each parameter),
        # often with cold caches after large array work: kept to a few operations.
        try:
            with _lock:
                key = self.key
                current = _live.get(key)
                if current is self.ref:
                    del _live[key]
                elif current is not None and current() is not None:
                    return  # a newer guard (after a forced update) protects the array now
                array = self.array
                try:
                    array.setflags(write=True)
                except ValueError:
                    # A view whose base another node still guards; retried when that base is freed.
                    _stuck_views.append(weakref.ref(array))
                    return
                if _stuck_views and array.base is None:
                    _retry_stuck_views()
        except Exception:  # noqa: BLE001 - never raise from a finaliser (interpreter exit)
            pass


def _retry_stuck_views() -> None:
    still = []
    for ref in _stuck_views:
        view = ref()
        if view is None or id(view) in _live:
            continue
        try:
            view.setflags(write=True)
        except ValueError:
            still.append(ref)
    _stuck_views[:] = still


def _guard_of(array: np.ndarray) -> _Guard | None:
    """The live guard of `array`, made if needed; None for arrays read-only before us."""
    key = id(array)
    ref = _live.get(key)
    if ref is not None:
        guard = ref()
        if guard is not None:
            return guard  # already read-only: a forced update removes the entry first
    with _lock:
        ref = _live.get(key)
        if ref is not None:
            guard = ref()
            if guard is not None:
                return guard
        if not array.flags.writeable:
            return None
        guard = _new_guard(_Guard)
        guard.array = array
        guard.key = key
        guard.change = None
        guard.ref = ref = weakref.ref(guard)
        _live[key] = ref
        array.setflags(write=False)
        return guard


_new_guard = object.__new__


def _chain(array: np.ndarray) -> list:
    """`array` and the arrays whose memory it views, the owner first."""
    chain = [array]
    base = array.base
    while isinstance(base, _ndarray):
        chain.append(base)
        base = base.base
    chain.reverse()
    return chain


def _guards_for(arrays: list, guards: list) -> None:
    for array in arrays:
        for target in _chain(array):
            guard = _guard_of(target)
            if guard is not None:
                guards.append(guard)


def _attach(node: Any, guards: list) -> None:
    """Add `guards` to what `node` holds.

    A node holding one guard keeps the guard itself (most nodes with a leaf operand: no
    tuple to allocate, one object fewer for the cycle collector); otherwise a tuple that
    starts with the value of `_changes` when it was made, so that `check` can skip it.
    """
    if not guards:
        return
    held = node.guard
    if held is None:
        node.guard = guards[0] if len(guards) == 1 else (_changes[0], *guards)
    elif held.__class__ is _Guard:
        node.guard = (-1, held, *guards)  # -1: `check` looks at every entry
    else:
        node.guard = (*held, *guards)


def _held(node: Any) -> tuple:
    """The guards and (tensor, version) pairs `node` holds."""
    held = node.guard
    if held is None:
        return ()
    return (held,) if held.__class__ is _Guard else held[1:]


def guard_op(ctx: Any, reachable: list, out: np.ndarray) -> None:
    """Guard what an Op node keeps of memory that user code can reach.

    `reachable` holds the arrays of the op's leaf-tensor and NumPy-array arguments: the
    arrays the node saved that are (or view) such memory are made read-only, and that
    memory when the output is a view of it.
    """
    guards: list = []
    for value in ctx.saved:
        if value.__class__ is not _ndarray:
            continue
        if value.base is None:
            for candidate in reachable:
                if value is candidate or value is candidate.base:
                    guard = _guard_of(value)
                    if guard is not None:
                        guards.append(guard)
                    break
        elif _shares(value, reachable):
            _guards_for((value,), guards)
    if out.base is not None and _shares(out, reachable):
        _guards_for(_chain(out)[:-1], guards)
    _attach(ctx, guards)


def _shares(array: np.ndarray, reachable: list) -> bool:
    """Whether `array` is, or views the memory of, one of `reachable`."""
    if array.base is None:
        for candidate in reachable:
            if array is candidate or array is candidate.base:
                return True
        return False
    for other in _chain(array):
        for candidate in reachable:
            if other is candidate or other is candidate.base:
                return True
    return False


def guard_function(ctx: Any) -> None:
    """Guard every array a user-level Function saved and record its tensors' versions."""
    guards: list = []
    arrays = []
    for value in ctx.saved:
        if isinstance(value, Tensor):
            guards.append((value, value._version))
            value = value._data
        if value.__class__ is _ndarray:
            arrays.append(value)
    _guards_for(arrays, guards)
    _attach(ctx, guards)


def guard_output(tensor: Any) -> None:
    """Make a non-leaf tensor's array read-only until its node is run by a backward."""
    node = tensor.grad_fn
    saved = node.saved
    if saved is None or saved is NOTHING_SAVED:
        return  # run by a backward: the graph no longer reads this array
    array = tensor._data
    for guard in _held(node):
        if getattr(guard, "array", None) is array:
            return
    guards: list = []
    _guards_for([array], guards)
    _attach(node, guards)


class _NothingSaved(tuple):
    """The saved values of a node that saved nothing and was run by a backward."""


NOTHING_SAVED = _NothingSaved()


def is_guarded(array: np.ndarray) -> bool:
    """Whether `array` is read-only because a graph holds it."""
    ref = _live.get(id(array))
    return ref is not None and ref() is not None


class ReadOnlyDataError(ValueError):
    """A write to an array that a graph still needs for its backward."""


class GuardedData(np.ndarray):
    """What `Tensor.data` hands out while a graph holds the array: the same memory,
    read-only, whose in-place writes raise an error naming the tensor and what to do
    (NumPy's own message says only "read-only"). Computing with it gives plain arrays."""

    def __array_finalize__(self, obj: Any) -> None:
        self._description = getattr(obj, "_description", "this array")

    def _refuse(self) -> None:
        raise ReadOnlyDataError(
            f"{self._description} is read-only: a graph saved it for a backward that has not "
            "run yet, and changing it in place would make that gradient wrong. Call backward() "
            "first (or drop the graph), or update it as an optimizer does, with "
            "`with al.no_grad(): t -= ...` or `t.data = new_array` (a backward through the old "
            "graph then raises)."
        )

    def __setitem__(self, index: Any, value: Any) -> None:
        self._refuse()

    def fill(self, value: Any) -> None:
        self._refuse()

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, out: Any = None, **kwargs: Any) -> Any:
        if out is not None:
            if any(isinstance(o, GuardedData) for o in out):
                self._refuse()
            kwargs["out"] = out
        inputs = tuple(i.view(_ndarray) if isinstance(i, GuardedData) else i for i in inputs)
        return getattr(ufunc, method)(*inputs, **kwargs)

    def copy(self, order: str = "C") -> np.ndarray:  # type: ignore[override]
        return self.view(_ndarray).copy(order)

    def astype(self, *args: Any, **kwargs: Any) -> np.ndarray:  # type: ignore[override]
        return self.view(_ndarray).astype(*args, **kwargs)


def readable_data(tensor: Any, array: np.ndarray) -> np.ndarray:
    """`array` itself, or a `GuardedData` view of it while a graph holds it."""
    if array.flags.writeable or not any(is_guarded(a) for a in _chain(array)):
        return array
    view = array.view(GuardedData)
    view._description = f"the data of {_describe(tensor)}"
    return view


def _describe(tensor: Any) -> str:
    label = f"'{tensor.name}' " if getattr(tensor, "name", None) else ""
    return f"tensor {label}of shape {tuple(tensor.shape)} and dtype {tensor.dtype}"


def _mark_stale(array: np.ndarray, how: str) -> bool:
    """Retire `array`'s guard (nodes holding it will refuse to run); True if it had one."""
    ref = _live.pop(id(array), None)
    guard = ref() if ref is not None else None
    if guard is None:
        return False
    guard.change = how
    return True


def replaced(tensor: Any, old: np.ndarray) -> None:
    """Called by the `data` setter: nodes that saved the old array must not run."""
    _changes[0] += 1
    if not _live:
        return
    how = f"{_describe(tensor)} had its data replaced (now at version {tensor._version})"
    with _lock:
        for array in _chain(old):
            _mark_stale(array, how)  # stays read-only until the stale nodes are gone


def declare_updates(tensors: Any) -> None:
    """Before `tensors`' arrays are updated in place (an optimizer step): bump their versions
    and make the arrays writable, as `Tensor._bump_version()` does for one tensor."""
    _changes[0] += 1
    for tensor in tensors:
        tensor._version += 1
    if _live:
        for tensor in tensors:
            force_writable(tensor)


def force_writable(tensor: Any) -> None:
    """Make `tensor`'s array writable for an in-place update, invalidating graphs that hold it."""
    _changes[0] += 1
    if not _live:
        return
    how = f"{_describe(tensor)} was updated in place (now at version {tensor._version})"
    with _lock:
        for array in _chain(tensor._data):
            if _mark_stale(array, how):
                try:
                    array.setflags(write=True)
                except ValueError:
                    pass  # memory we do not own (read-only base); the update will say so


def check(node: Any) -> None:
    """Raise if an array or tensor `node` holds changed since it was recorded."""
    held = node.guard
    if held.__class__ is _Guard:
        if held.change is None:
            return
    elif held[0] == _changes[0]:
        return
    for guard in _held(node):
        if guard.__class__ is tuple:
            tensor, version = guard
            if tensor._version != version:
                raise RuntimeError(
                    f"one of the tensors saved for the backward of '{node.name}' was modified "
                    f"after the forward: {_describe(tensor)} is at version {tensor._version}, "
                    f"but was saved at version {version}. Its gradient would be wrong; recompute "
                    "the forward after the change."
                )
        elif guard.change is not None:
            array = guard.array
            raise RuntimeError(
                f"an array the backward of '{node.name}' relies on (shape {array.shape}, "
                f"dtype {array.dtype}) was modified after the forward: {guard.change}. Its "
                "gradient would be wrong; recompute the forward after the change (or make "
                "the change after backward)."
            )
