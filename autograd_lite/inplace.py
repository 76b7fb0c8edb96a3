"""In-place safety: no write, through the library or through NumPy, silently changes values
that a pending backward still needs.

Design, in one paragraph. An array that a graph saved for its backward and that user code
can reach (the array of a leaf tensor or a NumPy operand, or of any tensor once it is handed
out by `.numpy()`, `np.asarray`, `.data` or `detach()`) is made read-only with NumPy's own
flag while a node that holds it has not run: a write through NumPy fails at once with NumPy's
"read-only" error, and arrays users get stay plain `np.ndarray`s. One `_Guard` per array is
shared by the nodes holding it and lives as long as they hold it (a node lets go when a
backward without `retain_graph` runs it, or when its graph is dropped); when the guard goes,
the array is writable again. A write through the library (in-place methods, `+=`, `.data =`,
optimizer steps) is allowed and *retires* the guard first: the array becomes writable and
every node that held it refuses to backward, naming the op and the tensor. `Function`s that
save Tensors also record each tensor's version (PyTorch's counter), checked at backward.

Why flags rather than only version counters: a counter cannot see `t.numpy()[0] = 5`. The
flag costs one guard per saved reachable array per graph (two per `linear` call); the
backward checks `stale` on the guards a node holds. A guard is released by its finaliser
when the last node holding it goes, so where objects are not freed by reference counting,
an array may stay read-only until the collector runs.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

import numpy as np

_lock = threading.RLock()  # re-entrant: a guard may be freed while the lock is held
# id(array) -> weak reference to its live guard; an id stays valid while its guard (which
# holds the array) lives.
_live: dict[int, weakref.ref] = {}
# Views left read-only when their guard went because their base was still guarded:
# id -> weak reference, made writable again when next handed out (`heal`).
_stuck: dict[int, weakref.ref] = {}


class _Guard:
    """Keeps one array read-only while any node holds this object; `stale` says why the
    nodes must not use it any more (None while the array is unchanged)."""

    __slots__ = ("array", "ref", "stale", "__weakref__")

    def __del__(self) -> None:
        try:
            with _lock:
                if _live.get(id(self.array)) is self.ref:
                    del _live[id(self.array)]
                if self.stale is None:
                    try:
                        self.array.setflags(write=True)
                    except ValueError:  # a view whose base another guard holds read-only
                        _stuck[id(self.array)] = weakref.ref(self.array)
        except Exception:  # noqa: BLE001 - a finaliser must not raise (interpreter exit)
            pass


class SavedVersion:
    """A tensor a `Function` saved and its version then; stale once the version moved."""

    __slots__ = ("tensor", "version")

    def __init__(self, tensor: Any) -> None:
        self.tensor = tensor
        self.version = tensor._version

    @property
    def stale(self) -> str | None:
        if self.tensor._version == self.version:
            return None
        return f"{describe(self.tensor)} is at version {self.tensor._version}, but was saved at version {self.version}"


def _chain(array: np.ndarray) -> list:
    """`array` and the arrays whose memory it views, the owner first."""
    chain = [array]
    base = array.base
    while isinstance(base, np.ndarray):
        chain.append(base)
        base = base.base
    chain.reverse()
    return chain


def _guard(array: np.ndarray) -> _Guard | None:
    """The live guard of `array`, made if needed; None for arrays read-only before us."""
    ref = _live.get(id(array))
    guard = ref() if ref is not None else None
    if guard is not None:
        return guard  # read-only already: an update through the library removes the entry first
    with _lock:
        ref = _live.get(id(array))
        guard = ref() if ref is not None else None
        if guard is not None:
            return guard
        if not array.flags.writeable:
            return None
        guard = _Guard()
        guard.array, guard.stale = array, None
        guard.ref = _live[id(array)] = weakref.ref(guard)
        array.setflags(write=False)
        return guard


def _add_guards(guards: list, array: np.ndarray) -> None:
    """Append the guards of `array` and of the memory it views."""
    for a in _chain(array):
        guard = _guard(a)
        if guard is not None:
            guards.append(guard)


def _hold(node: Any, arrays: list) -> None:
    """Make `node` hold guards on `arrays` and the memory they view."""
    guards: list = []
    for array in arrays:
        _add_guards(guards, array)
    if guards:
        node.guards = guards if node.guards is None else node.guards + guards


def guard_saved(node: Any, out: np.ndarray, reachable: list) -> None:
    """Guard what an op node keeps of memory user code can reach.

    `reachable` holds the arrays of the op's leaf-tensor and NumPy arguments: the arrays the
    node saved that are or view such memory are guarded, and that memory when the output
    is a view of it (a later consumer of the view may save it).
    """
    guards: list = []
    for value in node.saved:
        if value.__class__ is not np.ndarray:
            continue
        if value.base is not None:
            if _shares(value, reachable):
                _add_guards(guards, value)
            continue
        for candidate in reachable:
            if value is candidate:  # the usual case: an argument's own array (a weight, an input)
                guard = _guard(value)
                if guard is not None:
                    guards.append(guard)
                break
    if out.base is not None and _shares(out, reachable):
        _add_guards(guards, out.base)
    if guards:
        node.guards = guards if node.guards is None else node.guards + guards


def _shares(array: np.ndarray, reachable: list) -> bool:
    """Whether `array` is, or views the memory of, one of `reachable`."""
    if array.base is None:  # the common case: a leaf's own array, or a fresh one
        for candidate in reachable:
            if array is candidate or array is candidate.base:
                return True
        return False
    owners = {id(a) for candidate in reachable for a in _chain(candidate)}
    return any(id(a) in owners for a in _chain(array))


def guard_function(node: Any) -> None:
    """Guard every array a user-level Function saved, and note its tensors' versions."""
    arrays, versions = [], []
    for value in node.saved:
        if value.__class__ is np.ndarray:
            arrays.append(value)
        elif hasattr(value, "_version"):  # a Tensor
            arrays.append(value._data)
            versions.append(SavedVersion(value))
    if versions:
        node.guards = versions if node.guards is None else node.guards + versions
    _hold(node, arrays)


def guard_output(tensor: Any) -> None:
    """The array of a non-leaf tensor is being handed out: keep it read-only until the
    node that produced it has run (consumers that saved the array run before it)."""
    node = tensor.grad_fn
    if node is not None and node.saved is not None and node.saved is not RAN:
        _hold(node, [tensor._data])


def retire(array: np.ndarray, how: str) -> None:
    """Before a write through the library: nodes holding `array` (or memory it views) will
    refuse to backward, saying `how` it changed; the arrays become writable."""
    if not _live:
        return
    with _lock:
        for a in _chain(array):
            ref = _live.pop(id(a), None)
            guard = ref() if ref is not None else None
            if guard is not None:
                guard.stale = how
        for a in _chain(array):
            if not a.flags.writeable:
                try:
                    a.setflags(write=True)
                except ValueError:
                    pass  # memory that was never ours (a read-only base); the write will say so


def sync_view(array: np.ndarray) -> None:
    """`array` is being handed out: make it read-only exactly while a guard holds it or memory
    it views (a view made before a graph saved its base would otherwise stay writable), and
    writable again once none does, if we made it read-only."""
    with _lock:
        guarded = any(id(a) in _live for a in _chain(array))
        if guarded and array.flags.writeable:
            array.setflags(write=False)
            _stuck[id(array)] = weakref.ref(array)
        elif not guarded and not array.flags.writeable:
            ref = _stuck.pop(id(array), None)
            if ref is not None and ref() is array:
                try:
                    array.setflags(write=True)
                except ValueError:
                    pass  # its base is read-only for another reason


def retire_node(node: Any, how: str) -> None:
    """Make `node` refuse to backward (its saved values were overwritten), saying `how`."""
    stale = _Guard.__new__(_Guard)
    stale.array, stale.ref, stale.stale = None, None, how
    node.guards = [stale] if node.guards is None else node.guards + [stale]


def check(node: Any) -> None:
    """Raise if an array or tensor `node` holds changed since its forward."""
    for guard in node.guards:
        how = guard.stale
        if how is not None:
            raise RuntimeError(
                f"one of the values saved for the backward of '{node.name}' was modified after "
                f"the forward: {how}. Its gradient would be wrong; recompute the forward after "
                "the change (or make the change after backward)."
            )


def declare_updates(tensors: Any) -> None:
    """Say that `tensors`' arrays are about to be written in place (an optimizer step): their
    versions move on, and graphs still holding the old values will refuse to backward.

    >>> import autograd_lite as al
    >>> w = al.ones(2, requires_grad=True)
    >>> loss = (w * w).sum()          # the graph saved w's array: it is read-only now
    >>> al.declare_updates([w]); w.numpy()[0] = 5.0
    >>> w.numpy()
    array([5., 1.], dtype=float32)
    """
    for tensor in tensors:
        tensor._version += 1
        retire(tensor._data, f"{describe(tensor)} was updated in place (now at version {tensor._version})")


def describe(tensor: Any) -> str:
    label = f"'{tensor.name}' " if tensor.name else ""
    return f"tensor {label}of shape {tuple(tensor.shape)} and dtype {tensor.dtype}"


class _Ran(tuple):
    """The saved values of a node that saved nothing and has been run by a backward."""


# A node's `saved` after a backward without retain_graph ran it: None if it had saved
# values (a second backward through it raises), RAN if it had none (it may run again).
RAN = _Ran()
